package config

import (
	"fmt"
	"net/netip"
)

// Subnet allocation is pure so it can be property-tested: the VPC is split
// into four equal quarters; quarters 0-2 are the private subnets (one per AZ,
// where pods get VPC-CNI addresses, so they get nearly all the space) and
// quarter 3 is cut into sixteenths of which the first three are the public
// subnets (NAT gateways and nothing else). With the default /16 that is three
// /18 private subnets (16,379 usable addresses each) and three /22 public ones.

// privateSplitBits and publicSplitBits are the extra prefix bits described above.
const (
	privateSplitBits = 2
	publicSplitBits  = privateSplitBits + 4
)

// AllocateSubnets returns n private and n public CIDRs inside vpc.
func AllocateSubnets(vpc netip.Prefix, n int) (private, public []netip.Prefix, err error) {
	vpc = vpc.Masked()
	if !vpc.Addr().Is4() {
		return nil, nil, fmt.Errorf("vpc cidr %s is not IPv4", vpc)
	}
	if n > 3 {
		return nil, nil, fmt.Errorf("cannot allocate %d subnet pairs, at most 3", n)
	}
	if vpc.Bits()+publicSplitBits > 28 {
		return nil, nil, fmt.Errorf("vpc cidr %s is too small: public subnets would be smaller than /28", vpc)
	}
	for i := 0; i < n; i++ {
		p, err := nthSubnet(vpc, privateSplitBits, i)
		if err != nil {
			return nil, nil, err
		}
		private = append(private, p)
		q, err := nthSubnet(vpc, publicSplitBits, 3<<4+i)
		if err != nil {
			return nil, nil, err
		}
		public = append(public, q)
	}
	return private, public, nil
}

// nthSubnet is the i-th subnet of parent with newBits more prefix bits.
func nthSubnet(parent netip.Prefix, newBits, i int) (netip.Prefix, error) {
	bits := parent.Bits() + newBits
	if bits > 32 || i >= 1<<newBits || i < 0 {
		return netip.Prefix{}, fmt.Errorf("subnet %d/%d of %s does not exist", i, newBits, parent)
	}
	base := parent.Masked().Addr().As4()
	v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	v += uint32(i) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	return netip.PrefixFrom(addr, bits), nil
}

// Contains reports whether inner lies wholly inside outer.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Masked().Addr())
}

// Overlaps reports whether two prefixes share any address.
func Overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }
