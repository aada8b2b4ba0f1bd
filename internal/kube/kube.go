// Package kube registers typed Kubernetes objects (custom resources whose Go
// types live beside their component, e.g. the Strimzi v1 API) with the
// pulumi-kubernetes provider. The typed object is marshalled to JSON once,
// so what Pulumi applies is exactly what the tests validate against the
// upstream CRDs.
package kube

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ObjectMeta is the subset of metadata this project sets.
type ObjectMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// TypeMeta is apiVersion and kind.
type TypeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// Object is any typed Kubernetes object: TypeMeta and ObjectMeta plus
// whatever body (spec, data, ...) the concrete type carries.
type Object interface {
	GetTypeMeta() TypeMeta
	GetObjectMeta() ObjectMeta
}

// GetTypeMeta implements Object for types embedding TypeMeta.
func (t TypeMeta) GetTypeMeta() TypeMeta { return t }

// Header is embedded by every typed object: apiVersion and kind flatten into
// the object, metadata is its own field.
type Header struct {
	TypeMeta
	Metadata ObjectMeta `json:"metadata"`
}

// GetObjectMeta implements Object.
func (h Header) GetObjectMeta() ObjectMeta { return h.Metadata }

// NewHeader is a Header for apiVersion/kind named name in namespace.
func NewHeader(apiVersion, kind, namespace, name string) Header {
	return Header{TypeMeta: TypeMeta{APIVersion: apiVersion, Kind: kind}, Metadata: ObjectMeta{Name: name, Namespace: namespace}}
}

// ToMap marshals obj to the generic form Kubernetes and the validators use.
func ToMap(obj Object) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("marshal %s %s: %w", obj.GetTypeMeta().Kind, obj.GetObjectMeta().Name, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Apply registers obj as a custom resource named name. Fields other than
// apiVersion, kind and metadata go through OtherFields unchanged.
func Apply(ctx *pulumi.Context, name string, obj Object, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	m, err := ToMap(obj)
	if err != nil {
		return nil, err
	}
	tm, om := obj.GetTypeMeta(), obj.GetObjectMeta()
	delete(m, "apiVersion")
	delete(m, "kind")
	delete(m, "metadata")
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(tm.APIVersion),
		Kind:        pulumi.String(tm.Kind),
		Metadata:    Meta(om),
		OtherFields: kubernetes.UntypedArgs(m),
	}, opts...)
}

// Meta converts ObjectMeta to the provider's input type.
func Meta(om ObjectMeta) *metav1.ObjectMetaArgs {
	a := &metav1.ObjectMetaArgs{Name: pulumi.String(om.Name)}
	if om.Namespace != "" {
		a.Namespace = pulumi.String(om.Namespace)
	}
	if len(om.Labels) > 0 {
		a.Labels = pulumi.ToStringMap(om.Labels)
	}
	if len(om.Annotations) > 0 {
		a.Annotations = pulumi.ToStringMap(om.Annotations)
	}
	return a
}
