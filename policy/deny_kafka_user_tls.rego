package kafka_platform

# METADATA
# title: Kafka users authenticate with TLS certificates
# description: Every KafkaUser authenticates with a client certificate. tls has the User Operator issue it; tls-external uses a certificate issued elsewhere and is still mutual TLS. SCRAM or no authentication would let a leaked password or any pod act as the user.
# custom:
#   message: Set spec.authentication.type to tls on the KafkaUser.
deny_kafka_user_tls[msg] {
	input.__type == user_type
	auth := object.get(object.get(input.spec, "authentication", {}), "type", "none")
	not mtls_user_auth[auth]
	msg := sprintf("KafkaUser %s authenticates with %q, not mutual TLS: set spec.authentication.type tls", [label(input), auth])
}

mtls_user_auth := {"tls", "tls-external"}
