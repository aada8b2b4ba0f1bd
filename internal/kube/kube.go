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
	return ApplyWith(ctx, name, obj, nil, opts...)
}

// Substitutions maps placeholder strings written into a typed object to the
// Pulumi values (other resources' outputs) that replace them.
type Substitutions map[string]pulumi.StringInput

// ApplyWith is Apply for an object that carries values only known at
// deploy time: the typed object is built (and validated in tests) with
// placeholder strings, and every string field equal to a placeholder is
// replaced by its Pulumi input, so the object stays typed and the
// dependency on the producing resource is kept.
func ApplyWith(ctx *pulumi.Context, name string, obj Object, subst Substitutions, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
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
		OtherFields: kubernetes.UntypedArgs(substitute(m, subst).(map[string]any)),
	}, opts...)
}

func substitute(v any, subst Substitutions) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = substitute(e, subst)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = substitute(e, subst)
		}
		return out
	case string:
		if in, ok := subst[x]; ok {
			return in
		}
	}
	return v
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
