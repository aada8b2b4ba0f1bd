package nodegroups

import (
	"regexp"
	"strings"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// familyRe splits an instance family into series letters, generation and
// attribute letters: "m7gd" is m / 7 / gd, "c7i-flex" is c / 7 / i-flex.
var familyRe = regexp.MustCompile(`^([a-z]+)([0-9]+)([a-z-]*)$`)

// AMIType is the AL2023 managed-node-group AMI type for an instance type:
// Graviton families (a "g" among the attribute letters after the generation:
// m7g, r8gd, c7gn, i4g, im4gn) get the ARM AMI, everything else x86_64.
// Broker types come from config.NVMeInstanceTypes, whose architecture is
// stated rather than inferred.
func AMIType(instanceType string) string {
	if it, ok := config.NVMeInstanceTypes[instanceType]; ok {
		return it.AMIType()
	}
	family, _, _ := strings.Cut(instanceType, ".")
	m := familyRe.FindStringSubmatch(family)
	if m != nil && strings.Contains(m[3], "g") {
		return config.InstanceType{Arch: "arm64"}.AMIType()
	}
	return config.InstanceType{Arch: "x86_64"}.AMIType()
}
