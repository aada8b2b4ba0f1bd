package stack

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/tradingfirm/kafka-platform/internal/config"
)

// Grafana's ALB admits the VPC first, then the configured ranges once each,
// and carries the configured certificate.
func TestGrafanaIngressArgs(t *testing.T) {
	cfg := &config.Config{}
	cfg.Network.VpcCidr = netip.MustParsePrefix("10.40.0.0/16")
	cfg.Observability.GrafanaHostname = "grafana.example.com"
	cfg.Observability.GrafanaCertificateARN = "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000"
	cfg.Observability.GrafanaAllowedCIDRs = []netip.Prefix{netip.MustParsePrefix("192.168.10.0/24"), netip.MustParsePrefix("10.40.0.0/16")}
	in := observabilityArgs(cfg).Values.Ingress
	if want := []string{"10.40.0.0/16", "192.168.10.0/24"}; !slices.Equal(in.InboundCIDRs, want) {
		t.Errorf("inbound CIDRs %v, want %v", in.InboundCIDRs, want)
	}
	if in.CertificateARN != cfg.Observability.GrafanaCertificateARN {
		t.Errorf("certificate %q", in.CertificateARN)
	}
	cfg.Observability.GrafanaAllowedCIDRs = nil
	if got := observabilityArgs(cfg).Values.Ingress.InboundCIDRs; !slices.Equal(got, []string{"10.40.0.0/16"}) {
		t.Errorf("default inbound CIDRs %v, want the VPC only", got)
	}
}
