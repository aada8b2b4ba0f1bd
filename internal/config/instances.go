package config

// InstanceType describes a broker-capable EC2 instance type: the i-family
// types with local instance-store NVMe. Figures are from the EC2 instance
// type pages (storage-optimized), November 2026; nodeadm's RAID0 strategy
// stripes all the disks into one volume.
type InstanceType struct {
	VCPU      int
	MemoryGiB int
	NVMeDisks int
	DiskGB    int // size of each disk in GB as EC2 states it
	Arch      string
}

// TotalNVMeGB is the raw RAID0 capacity.
func (t InstanceType) TotalNVMeGB() int { return t.NVMeDisks * t.DiskGB }

// AMIType is the EKS managed-node-group AMI type for the architecture: AL2023
// only (AL2 AMIs ended 2025-11-26 and do not exist for Kubernetes 1.33+).
func (t InstanceType) AMIType() string {
	if t.Arch == "arm64" {
		return "AL2023_ARM_64_STANDARD"
	}
	return "AL2023_x86_64_STANDARD"
}

// NVMeInstanceTypes is the explicit list of broker instance types. A type
// that is not here has no (or no known) instance store and is rejected for
// brokers: Kafka's hot window must sit on local NVMe for latency.
var NVMeInstanceTypes = map[string]InstanceType{
	"i4i.large":     {2, 16, 1, 468, "x86_64"},
	"i4i.xlarge":    {4, 32, 1, 937, "x86_64"},
	"i4i.2xlarge":   {8, 64, 1, 1875, "x86_64"},
	"i4i.4xlarge":   {16, 128, 1, 3750, "x86_64"},
	"i4i.8xlarge":   {32, 256, 2, 3750, "x86_64"},
	"i4i.12xlarge":  {48, 384, 3, 3750, "x86_64"},
	"i4i.16xlarge":  {64, 512, 4, 3750, "x86_64"},
	"i4i.32xlarge":  {128, 1024, 8, 3750, "x86_64"},
	"i4g.large":     {2, 16, 1, 468, "arm64"},
	"i4g.xlarge":    {4, 32, 1, 937, "arm64"},
	"i4g.2xlarge":   {8, 64, 1, 1875, "arm64"},
	"i4g.4xlarge":   {16, 128, 1, 3750, "arm64"},
	"i4g.8xlarge":   {32, 256, 2, 3750, "arm64"},
	"i4g.16xlarge":  {64, 512, 4, 3750, "arm64"},
	"i3en.large":    {2, 16, 1, 1250, "x86_64"},
	"i3en.xlarge":   {4, 32, 1, 2500, "x86_64"},
	"i3en.2xlarge":  {8, 64, 2, 2500, "x86_64"},
	"i3en.3xlarge":  {12, 96, 1, 7500, "x86_64"},
	"i3en.6xlarge":  {24, 192, 2, 7500, "x86_64"},
	"i3en.12xlarge": {48, 384, 4, 7500, "x86_64"},
	"i3en.24xlarge": {96, 768, 8, 7500, "x86_64"},
	"i7ie.large":    {2, 16, 1, 1250, "x86_64"},
	"i7ie.xlarge":   {4, 32, 1, 2500, "x86_64"},
	"i7ie.2xlarge":  {8, 64, 2, 2500, "x86_64"},
	"i7ie.3xlarge":  {12, 96, 1, 7500, "x86_64"},
	"i7ie.6xlarge":  {24, 192, 2, 7500, "x86_64"},
	"i7ie.12xlarge": {48, 384, 4, 7500, "x86_64"},
	"i7ie.18xlarge": {72, 576, 6, 7500, "x86_64"},
	"i7ie.24xlarge": {96, 768, 8, 7500, "x86_64"},
	"i8g.large":     {2, 16, 1, 468, "arm64"},
	"i8g.xlarge":    {4, 32, 1, 937, "arm64"},
	"i8g.2xlarge":   {8, 64, 1, 1875, "arm64"},
	"i8g.4xlarge":   {16, 128, 1, 3750, "arm64"},
	"i8g.8xlarge":   {32, 256, 2, 3750, "arm64"},
	"i8g.12xlarge":  {48, 384, 3, 3750, "arm64"},
	"i8g.16xlarge":  {64, 512, 4, 3750, "arm64"},
	"i8g.24xlarge":  {96, 768, 6, 3750, "arm64"},
}
