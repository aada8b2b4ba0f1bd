package mirrormaker

import (
	"sort"

	strimziv1 "github.com/tradingfirm/kafka-platform/platform/strimzi/api/v1"
)

// SourceACLs is the exact ACL set of the primary-side MirrorMaker user: the
// MirrorSourceConnector reads and describes the mirrored topics and their
// configs (sync.topic.configs.enabled); the MirrorCheckpointConnector lists
// consumer groups (cluster Describe) and reads their committed offsets
// (group Describe). No Write, Create or Alter anywhere: offset syncs live on
// the target (offset-syncs.topic.location=target) and ACL sync is off. The
// Kafka layer creates the user with these rules.
func SourceACLs(mirroredTopics []string) []strimziv1.AclRule {
	topics := sortedUnique(mirroredTopics)
	out := make([]strimziv1.AclRule, 0, len(topics)+2)
	for _, t := range topics {
		out = append(out, strimziv1.AclRule{
			Resource: strimziv1.AclRuleResource{Type: strimziv1.AclTopic, Name: t, PatternType: strimziv1.PatternLiteral},
			// Sorted, as the Kafka layer lists a user's operations.
			Operations: []strimziv1.AclOperation{strimziv1.OpDescribe, strimziv1.OpDescribeConfigs, strimziv1.OpRead},
		})
	}
	return append(out,
		strimziv1.AclRule{
			Resource:   strimziv1.AclRuleResource{Type: strimziv1.AclGroup, Name: "*", PatternType: strimziv1.PatternLiteral},
			Operations: []strimziv1.AclOperation{strimziv1.OpDescribe},
		},
		strimziv1.AclRule{
			Resource:   strimziv1.AclRuleResource{Type: strimziv1.AclCluster},
			Operations: []strimziv1.AclOperation{strimziv1.OpDescribe},
		})
}

// TargetACLs is the DR-side MirrorMaker user's ACL set: its Connect group
// and internal topics, the mirrored topics (created, written and their
// configs and partitions kept in sync), the checkpoints and offset-syncs
// topics, and the consumer groups whose offsets it syncs.
func TargetACLs(names Names, mirroredTopics []string) []strimziv1.AclRule {
	rw := []strimziv1.AclOperation{strimziv1.OpCreate, strimziv1.OpDescribe, strimziv1.OpDescribeConfigs, strimziv1.OpRead, strimziv1.OpWrite}
	lit := func(typ strimziv1.AclResourceType, name string) strimziv1.AclRuleResource {
		return strimziv1.AclRuleResource{Type: typ, Name: name, PatternType: strimziv1.PatternLiteral}
	}
	out := []strimziv1.AclRule{
		{Resource: lit(strimziv1.AclGroup, names.GroupID), Operations: []strimziv1.AclOperation{strimziv1.OpRead}},
		{Resource: lit(strimziv1.AclTopic, names.ConfigTopic), Operations: rw},
		{Resource: lit(strimziv1.AclTopic, names.OffsetTopic), Operations: rw},
		{Resource: lit(strimziv1.AclTopic, names.StatusTopic), Operations: rw},
		{Resource: lit(strimziv1.AclTopic, names.CheckpointsTopic), Operations: rw},
		{Resource: lit(strimziv1.AclTopic, names.OffsetSyncsTopic), Operations: rw},
		{Resource: strimziv1.AclRuleResource{Type: strimziv1.AclCluster}, Operations: []strimziv1.AclOperation{strimziv1.OpDescribe}},
		// Offset sync commits the translated offsets of every checkpointed group.
		{Resource: lit(strimziv1.AclGroup, "*"), Operations: []strimziv1.AclOperation{strimziv1.OpRead, strimziv1.OpDescribe}},
	}
	for _, t := range sortedUnique(mirroredTopics) {
		out = append(out, strimziv1.AclRule{Resource: lit(strimziv1.AclTopic, t), Operations: []strimziv1.AclOperation{
			strimziv1.OpAlter, strimziv1.OpAlterConfigs, strimziv1.OpCreate, strimziv1.OpDescribe, strimziv1.OpDescribeConfigs, strimziv1.OpWrite,
		}})
	}
	return out
}

func sortedUnique(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
