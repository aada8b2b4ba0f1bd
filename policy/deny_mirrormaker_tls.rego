package kafka_platform

# METADATA
# title: MirrorMaker 2 connects with mutual TLS on both sides
# description: KafkaMirrorMaker2 reaches the target cluster and every source cluster over TLS (a tls block) and authenticates with a client certificate (authentication.type tls). Cross-region replication carries the whole order journal.
# custom:
#   message: Give spec.target and every spec.mirrors[].source a tls block (trustedCertificates of the cluster CA) and authentication.type tls with certificateAndKey.
deny_mirrormaker_tls[msg] {
	msg := mm2_tls_problem[_]
}

mm2_side[side] {
	input.__type == mm2_type
	side := {"path": "spec.target", "cluster": input.spec.target}
}

mm2_side[side] {
	input.__type == mm2_type
	m := input.spec.mirrors[i]
	side := {"path": sprintf("spec.mirrors[%d].source", [i]), "cluster": object.get(m, "source", {})}
}

mm2_tls_problem[msg] {
	input.__type == mm2_type
	count(object.get(input.spec, "mirrors", [])) == 0
	msg := sprintf("KafkaMirrorMaker2 %s has no spec.mirrors: nothing proves its source side uses TLS", [label(input)])
}

mm2_tls_problem[msg] {
	side := mm2_side[_]
	not is_object(object.get(side.cluster, "tls", null))
	msg := sprintf("KafkaMirrorMaker2 %s: %s (%v) has no tls block, so it connects in plaintext: add tls.trustedCertificates", [label(input), side.path, object.get(side.cluster, "alias", "?")])
}

mm2_tls_problem[msg] {
	side := mm2_side[_]
	auth := object.get(object.get(side.cluster, "authentication", {}), "type", "none")
	auth != "tls"
	msg := sprintf("KafkaMirrorMaker2 %s: %s (%v) authenticates with %q, not mutual TLS: set authentication.type tls", [label(input), side.path, object.get(side.cluster, "alias", "?"), auth])
}
