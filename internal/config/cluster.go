package config

import (
	"net/netip"
	"regexp"
	"strings"
)

// SupportedKubernetesVersions are the EKS standard-support versions this
// program is tested for (November 2026). 1.35+ also allows image volumes.
var SupportedKubernetesVersions = []string{"1.32", "1.33", "1.34", "1.35"}

var (
	keyK8sVersion = define(Key{Name: "kubernetesVersion", Type: String, Default: "1.34",
		Description: "EKS Kubernetes version. One in standard support: 1.32, 1.33, 1.34 or 1.35. Upgrade one minor version at a time."})
	keyPublicAccessCidrs = define(Key{Name: "endpointPublicAccessCidrs", Type: Array, Default: []string{},
		Description: "CIDRs allowed to reach the EKS API over the internet. Empty (default): the endpoint is private only and the deployer must run inside the VPC (or a peered network / VPN)."})
	keyAdminRoleArns = define(Key{Name: "adminRoleArns", Type: Array, Default: []string{},
		Description: "IAM role ARNs granted cluster admin through EKS access entries (AmazonEKSClusterAdminPolicy). The platform team's SSO role and the CI deploy role."})
	keyControlPlaneLogRetention = define(Key{Name: "controlPlaneLogRetentionDays", Type: Integer, Default: 365,
		Description: "Days EKS control-plane logs (api, audit, authenticator, controllerManager, scheduler) are kept. 365 for audit evidence."})
	keyAddonVpcCni = define(Key{Name: "addonVpcCniVersion", Type: String, Default: "v1.20.4-eksbuild.2",
		Description: "Pinned vpc-cni add-on version (check `aws eks describe-addon-versions` for the Kubernetes version)."})
	keyAddonCoreDNS = define(Key{Name: "addonCorednsVersion", Type: String, Default: "v1.12.4-eksbuild.1",
		Description: "Pinned coredns add-on version."})
	keyAddonKubeProxy = define(Key{Name: "addonKubeProxyVersion", Type: String, Default: "v1.34.1-eksbuild.2",
		Description: "Pinned kube-proxy add-on version; its minor must match kubernetesVersion."})
	keyAddonEbsCsi = define(Key{Name: "addonEbsCsiVersion", Type: String, Default: "v1.50.1-eksbuild.1",
		Description: "Pinned aws-ebs-csi-driver add-on version (controller volumes are gp3 EBS)."})
)

// addonKeys maps each pinned EKS add-on to its key.
var addonKeys = []struct {
	addon string
	key   Key
}{{"vpc-cni", keyAddonVpcCni}, {"coredns", keyAddonCoreDNS}, {"kube-proxy", keyAddonKubeProxy}, {"aws-ebs-csi-driver", keyAddonEbsCsi}}

// ClusterConfig is the EKS control plane.
type ClusterConfig struct {
	// KubernetesVersion is the EKS version, e.g. "1.34".
	KubernetesVersion string
	// PublicAccessCidrs open the API endpoint publicly to these CIDRs; empty
	// keeps the endpoint private.
	PublicAccessCidrs []string
	// AdminRoleArns get cluster-admin access entries.
	AdminRoleArns []string
	// ControlPlaneLogRetentionDays for the cluster log group.
	ControlPlaneLogRetentionDays int
	// Addons maps add-on name to pinned version.
	Addons map[string]string
}

var (
	roleArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$`)
	addonRe   = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
)

func (cl *ClusterConfig) parse(r *reader) {
	cl.KubernetesVersion = r.str(keyK8sVersion)
	cl.PublicAccessCidrs = r.strings(keyPublicAccessCidrs)
	cl.AdminRoleArns = r.strings(keyAdminRoleArns)
	cl.ControlPlaneLogRetentionDays = r.integer(keyControlPlaneLogRetention)
	cl.Addons = map[string]string{}
	for _, a := range addonKeys {
		cl.Addons[a.addon] = r.str(a.key)
	}
}

func (cl *ClusterConfig) validate(_ *Config, p *Problems) {
	supported := false
	for _, v := range SupportedKubernetesVersions {
		supported = supported || v == cl.KubernetesVersion
	}
	if !supported {
		p.Add(keyK8sVersion.Name, cl.KubernetesVersion, "one of "+strings.Join(SupportedKubernetesVersions, ", "),
			"pick a version in EKS standard support")
	}
	for _, c := range cl.PublicAccessCidrs {
		pr, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			p.Add(keyPublicAccessCidrs.Name, c, "a CIDR", "fix the CIDR notation")
		case pr.Bits() == 0:
			p.Add(keyPublicAccessCidrs.Name, c, "a specific range, not the whole internet",
				"list the office/VPN egress ranges, or leave the list empty for a private endpoint")
		}
	}
	for _, a := range cl.AdminRoleArns {
		if !roleArnRe.MatchString(a) {
			p.Add(keyAdminRoleArns.Name, a, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)", "fix the ARN")
		}
	}
	if !containsInt(validFlowLogRetention, cl.ControlPlaneLogRetentionDays) {
		p.Addf(keyControlPlaneLogRetention.Name, cl.ControlPlaneLogRetentionDays, "a CloudWatch Logs retention value", "pick e.g. 365")
	}
	for _, a := range addonKeys {
		if v := cl.Addons[a.addon]; !addonRe.MatchString(v) {
			p.Add(a.key.Name, v, "an EKS add-on version such as v1.20.4-eksbuild.2", "copy a version from `aws eks describe-addon-versions`")
		}
	}
	if kp := cl.Addons["kube-proxy"]; addonRe.MatchString(kp) && !strings.HasPrefix(kp, "v"+cl.KubernetesVersion+".") {
		p.Add(keyAddonKubeProxy.Name, kp, "a kube-proxy build for Kubernetes "+cl.KubernetesVersion,
			"pin kube-proxy v"+cl.KubernetesVersion+".x-eksbuild.N")
	}
}
