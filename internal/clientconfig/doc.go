// Package clientconfig turns a stack's outputs (`pulumi stack output --json`
// or the render's build/<stack>/outputs.json) into the complete client
// configuration of one Kafka user for one topic: bootstrap servers, mTLS
// key and trust stores where the Strimzi Secrets are mounted, the
// recommended producer and consumer settings of the topic's class
// (kafkaClientSettings) and client.rack for follower fetching.
//
// It owns the mount-path convention app teams follow (docs/app-teams.md) and
// the three output formats of cmd/kafka-client-config. It does not decide
// any setting itself: the settings per topic class are platform/strimzi's
// (ClientSettingsFor), and it never reads config, Secrets or secret stack
// outputs, so it runs anywhere the non-secret outputs are readable.
package clientconfig
