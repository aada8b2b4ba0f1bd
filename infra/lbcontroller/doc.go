// Package lbcontroller installs the AWS Load Balancer Controller
// (kubernetes-sigs/aws-load-balancer-controller) into kube-system with its
// IRSA role and IAM policy.
//
// Why it exists: platform/strimzi exposes the cross-region Kafka listener
// as Services with loadBalancerClass service.k8s.aws/nlb and
// service.beta.kubernetes.io/aws-load-balancer-* annotations. Only this
// controller reconciles that class; without it no NLB is created and
// `pulumi up` waits for the Service address until it times out. The stack
// therefore makes the Strimzi component depend on this controller's Helm
// release (Controller.Release, a concrete resource, never the component).
// platform/observability's Grafana Ingress (ingressClassName alb, internal
// ALB) is reconciled by it too.
//
// Owned here: the controller's IAM role (trusting exactly
// system:serviceaccount:kube-system:aws-load-balancer-controller), its
// permission policy (the upstream reference policy as typed statements,
// policy.go), and the Helm release with typed values (values.go).
//
// Not owned here: the CRDs beyond what the chart installs, the Services
// themselves (platform/strimzi), the Grafana Ingress
// (platform/observability), the VPC and subnets the controller
// discovers (infra/vpc tags them), and the EKS cluster (infra/eks).
package lbcontroller
