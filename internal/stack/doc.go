// Package stack composes one region of the platform from the typed config:
// network, cluster, node groups and tiered storage first, then the Kafka
// platform on top. It is the one place that decides which component gets
// which part of the config and which outputs flow where; main.go and the
// offline render both call New.
package stack
