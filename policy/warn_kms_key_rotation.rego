package kafka_platform

# METADATA
# title: KMS keys rotate
# description: Customer KMS keys (tiered-storage bucket, EKS Secrets) have automatic yearly rotation on, as most regulators expect.
# custom:
#   message: Set enableKeyRotation true on the KMS key.
warn_kms_key_rotation[msg] {
	input.__type == "aws:kms/key:Key"
	not input.enableKeyRotation == true
	msg := sprintf("KMS key %s does not rotate (enableKeyRotation %v)", [input.__name, object.get(input, "enableKeyRotation", "unset")])
}
