package kafka_platform

# METADATA
# title: Kafka listeners use mutual TLS
# description: Every listener of a Strimzi Kafka cluster encrypts with TLS and authenticates clients with certificates (authentication.type tls). A plaintext or password listener would let any pod in the VPC read or forge orders.
# custom:
#   message: Set tls true and authentication.type tls on every entry of spec.kafka.listeners, and remove plaintext listeners.
deny_kafka_listener_mtls[msg] {
	msg := listener_mtls_problem[_]
}

listener_mtls_problem[msg] {
	input.__type == kafka_type
	count(object.get(input.spec.kafka, "listeners", [])) == 0
	msg := sprintf("Kafka %s has no listeners: declare one with tls true and authentication.type tls", [label(input)])
}

listener_mtls_problem[msg] {
	input.__type == kafka_type
	l := input.spec.kafka.listeners[_]
	not l.tls == true
	msg := sprintf("Kafka %s listener %q (port %v) is plaintext (tls is %v): set tls true", [label(input), l.name, l.port, object.get(l, "tls", "unset")])
}

listener_mtls_problem[msg] {
	input.__type == kafka_type
	l := input.spec.kafka.listeners[_]
	auth := object.get(object.get(l, "authentication", {}), "type", "none")
	auth != "tls"
	msg := sprintf("Kafka %s listener %q (port %v) authenticates with %q, not mutual TLS: set authentication.type tls", [label(input), l.name, l.port, auth])
}
