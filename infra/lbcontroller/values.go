package lbcontroller

import (
	"encoding/json"

	"github.com/tradingfirm/kafka-platform/internal/topology"
)

// Values is the subset of the aws-load-balancer-controller chart's
// values.yaml (aws/eks-charts, stable/aws-load-balancer-controller) this
// platform sets. Field names follow the chart.
type Values struct {
	// ClusterName names the cluster; the controller tags what it creates
	// with it (elbv2.k8s.aws/cluster) and only touches resources so tagged.
	ClusterName string `json:"clusterName"`
	// Region and VpcID are given explicitly: nodes set the IMDS hop limit
	// to 1, so a pod cannot reach the instance metadata service and the
	// controller could not discover them itself (it would crash-loop).
	Region string `json:"region"`
	VpcID  string `json:"vpcId"`
	// ReplicaCount: two replicas with leader election, so a node drain or
	// zone loss does not stop NLB reconciliation.
	ReplicaCount int `json:"replicaCount"`
	// ServiceAccount is created by the chart with the IRSA annotation.
	ServiceAccount ServiceAccount `json:"serviceAccount"`
	// PodDisruptionBudget keeps one replica up during node drains.
	PodDisruptionBudget PodDisruptionBudget `json:"podDisruptionBudget"`
	// NodeSelector pins the controller to system nodes.
	NodeSelector map[string]string `json:"nodeSelector"`
	// Tolerations is empty: broker and controller nodes are tainted, and the
	// controller must never take CPU from them.
	Tolerations []any `json:"tolerations"`
	// EnableServiceMutatorWebhook false: the webhook would set
	// loadBalancerClass on every new LoadBalancer Service in the cluster;
	// only Services that ask for service.k8s.aws/nlb are ours to reconcile.
	EnableServiceMutatorWebhook bool `json:"enableServiceMutatorWebhook"`
	// Resources of the controller container.
	Resources Resources `json:"resources"`
}

// ServiceAccount is the chart's serviceAccount block.
type ServiceAccount struct {
	Create      bool              `json:"create"`
	Name        string            `json:"name"`
	Annotations map[string]string `json:"annotations"`
}

// PodDisruptionBudget is the chart's podDisruptionBudget block.
type PodDisruptionBudget struct {
	MaxUnavailable int `json:"maxUnavailable"`
}

// Resources are container requests and limits.
type Resources struct {
	Requests ResourceList `json:"requests"`
	Limits   ResourceList `json:"limits"`
}

// ResourceList is cpu and memory quantities.
type ResourceList struct {
	CPU    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// Defaults of the release. Requests are sized from the upstream chart's
// commented example (100m/128Mi is ample for one cluster's handful of
// Services); memory is limited at the request so a leak OOMs the pod
// instead of the system node, CPU is not limited (throttling only slows
// reconciliation).
const (
	Replicas       = 2
	cpuRequest     = "100m"
	memoryRequest  = "128Mi"
	irsaAnnotation = "eks.amazonaws.com/role-arn"
)

// ChartValues are the release values for a cluster, region, VPC and role.
func ChartValues(clusterName, region, vpcID, roleArn string) Values {
	return Values{
		ClusterName:  clusterName,
		Region:       region,
		VpcID:        vpcID,
		ReplicaCount: Replicas,
		ServiceAccount: ServiceAccount{
			Create: true,
			Name:   ServiceAccountName,
			Annotations: map[string]string{
				irsaAnnotation: roleArn,
				// Regional STS endpoint: no dependency on us-east-1 in a
				// regional outage (the DR region must work alone).
				"eks.amazonaws.com/sts-regional-endpoints": "true",
			},
		},
		PodDisruptionBudget:         PodDisruptionBudget{MaxUnavailable: 1},
		NodeSelector:                map[string]string{topology.RoleLabel: topology.RoleSystem},
		Tolerations:                 []any{},
		EnableServiceMutatorWebhook: false,
		Resources: Resources{
			Requests: ResourceList{CPU: cpuRequest, Memory: memoryRequest},
			Limits:   ResourceList{Memory: memoryRequest},
		},
	}
}

// ToMap is v as the generic map Helm takes.
func (v Values) ToMap() (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(b, &m)
	return m, err
}
