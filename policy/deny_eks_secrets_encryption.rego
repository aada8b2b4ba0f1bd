package kafka_platform

# METADATA
# title: EKS encrypts Kubernetes Secrets with KMS
# description: Envelope encryption of Kubernetes Secrets (the Kafka CA keys and user certificates live there) with a customer KMS key. Matches the pulumi-eks component (encryptionConfigKeyArn) and its child aws:eks/cluster:Cluster (encryptionConfig.provider.keyArn with resources [secrets]).
# custom:
#   message: Pass the platform KMS key ARN as encryptionConfigKeyArn of the EKS cluster.
deny_eks_secrets_encryption[msg] {
	input.__type == "eks:index:Cluster"
	not non_empty_string(object.get(input, "encryptionConfigKeyArn", ""))
	msg := sprintf("EKS cluster %s has no encryptionConfigKeyArn: Kubernetes Secrets are not encrypted with KMS", [input.__name])
}

deny_eks_secrets_encryption[msg] {
	input.__type == "aws:eks/cluster:Cluster"
	not child_secrets_encrypted
	msg := sprintf("EKS cluster %s: encryptionConfig does not encrypt resources [secrets] with a KMS keyArn", [input.__name])
}

child_secrets_encrypted {
	ec := input.encryptionConfig
	non_empty_string(ec.provider.keyArn)
	ec.resources[_] == "secrets"
}

non_empty_string(s) {
	is_string(s)
	s != ""
}
