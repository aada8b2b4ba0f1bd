// Package eks owns the EKS control plane of one region (component
// kafka-platform:infra:Cluster): the cluster itself through pulumi-eks v2
// (private endpoint, public only for listed CIDRs; API authentication mode
// with access entries for the admin roles; no default node group), the KMS
// key that envelope-encrypts Kubernetes secrets, the control-plane log group
// (all five log types, retention, its own KMS key), the IAM OIDC provider
// for IRSA, the pinned managed add-ons (vpc-cni and aws-ebs-csi-driver each
// with an IRSA role, kube-proxy, coredns; conflicts resolved by OVERWRITE)
// and a Kubernetes provider (server-side apply) for the platform layers.
//
// Every service-account role (these, the load balancer controller's, the
// tiered-storage broker role) takes its trust policy from
// iampolicy.IRSATrust; IRSATrustPolicy is its JSON form.
//
// Not owned here: the VPC (infra/vpc), node groups and the node role
// (infra/nodegroups; they depend on NodePrerequisites, not on the whole
// component, because coredns and the EBS CSI controller need nodes to
// become ACTIVE), anything inside the cluster (platform/*).
//
// What the deploying machine needs: pulumi-eks v2 is a remote component
// whose provider runs on the deployer and shells out to `kubectl` and the
// `aws` CLI (the kubeconfig authenticates with `aws eks get-token`), so both
// must be on PATH with credentials for the target account. The API endpoint
// is private unless endpointPublicAccessCidrs is set: the deployer (CI
// runner or workstation) must then run inside the VPC, or on a peered
// network or VPN that reaches it, and resolve the private endpoint's DNS
// name, or `pulumi up` cannot create anything in the cluster.
//
// Under the mock engine (tests, cmd/render) only the eks:index:Cluster
// component's inputs are visible, never its children, so cluster facts are
// read back through an aws:eks/getCluster lookup (which depends on the
// cluster) rather than from pulumi-eks' resource-typed outputs.
package eks
