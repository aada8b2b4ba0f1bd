package config

import "regexp"

// defaultLBControllerChartVersion is the aws/eks-charts
// aws-load-balancer-controller chart pinned for this release of the
// platform. Chart 1.12.0 ships controller v2.12.0, whose reference IAM
// policy (docs/install/iam_policy.json at v2.12.0) infra/lbcontroller
// reproduces; bump both together, never the chart alone, or the controller
// may call APIs the role does not allow.
const defaultLBControllerChartVersion = "1.12.0"

var keyLBControllerChartVersion = define(Key{Name: "awsLoadBalancerControllerChartVersion", Type: String, Default: defaultLBControllerChartVersion,
	Description: "Exact version of the aws-load-balancer-controller Helm chart (https://aws.github.io/eks-charts). It reconciles the cross-region NLB Service; the controller's IAM policy in infra/lbcontroller matches this chart's app version, so upgrade both together."})

// LBControllerConfig is the AWS Load Balancer Controller.
type LBControllerConfig struct {
	// ChartVersion is the exact aws-load-balancer-controller chart version.
	ChartVersion string
}

func (l *LBControllerConfig) parse(r *reader) {
	l.ChartVersion = r.str(keyLBControllerChartVersion)
}

func (l *LBControllerConfig) validate(_ *Config, p *Problems) {
	if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(l.ChartVersion) {
		p.Add(keyLBControllerChartVersion.Name, l.ChartVersion, "an exact chart version such as "+defaultLBControllerChartVersion,
			"pin an exact version (no ranges) and update infra/lbcontroller's IAM policy to its app version")
	}
}
