package crdvalidate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	serjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// builtin holds the Kubernetes API groups/versions the platform may write
// directly: the GA versions a Kubernetes 1.33+ API server serves. Beta
// versions removed from the API server (policy/v1beta1, extensions/v1beta1,
// ...) are left out on purpose: an object at one of them would be rejected
// by the cluster, so it must fail here too.
var builtin = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		admissionregistrationv1.AddToScheme, appsv1.AddToScheme, autoscalingv2.AddToScheme,
		batchv1.AddToScheme, certificatesv1.AddToScheme, coordinationv1.AddToScheme,
		corev1.AddToScheme, discoveryv1.AddToScheme, networkingv1.AddToScheme, nodev1.AddToScheme,
		policyv1.AddToScheme, rbacv1.AddToScheme, schedulingv1.AddToScheme, storagev1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// builtinGroups are the API groups of the built-in scheme ("" is core).
var builtinGroups = func() map[string]bool {
	g := map[string]bool{}
	for gvk := range builtin.AllKnownTypes() {
		g[gvk.Group] = true
	}
	return g
}()

// IsBuiltinGroup reports whether group is a Kubernetes built-in API group
// (served by the API server itself, not by a CRD). Groups under k8s.io that
// are delivered as CRDs (gateway.networking.k8s.io, snapshot.storage.k8s.io)
// are not built in: they go to the CRD validator like any custom group.
// A group without a dot (apps, extensions, policy, ...) is always
// Kubernetes' own, so a removed version of it fails as built-in.
func IsBuiltinGroup(group string) bool { return builtinGroups[group] || !strings.Contains(group, ".") }

// strictDecoder decodes JSON into the typed built-in objects and reports
// unknown and duplicate fields, as `kubectl apply --validate=strict` (the
// API server's field validation) does.
var strictDecoder = serjson.NewSerializerWithOptions(serjson.DefaultMetaFactory, builtin, builtin,
	serjson.SerializerOptions{Strict: true})

// ValidateBuiltin checks an object of a built-in group: its apiVersion/kind
// pair must be one a Kubernetes 1.33+ API server serves, and it must decode
// strictly into the typed Kubernetes object (no unknown fields, right
// types). It does not run the API server's semantic validation (name
// formats, immutable fields, ...). Returns nil or an *Error.
func ValidateBuiltin(obj map[string]any) error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	e := &Error{Object: kind + "/" + objName(obj)}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		e.Problems = append(e.Problems, field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error()))
		return e
	}
	gvk := gv.WithKind(kind)
	if !builtin.Recognizes(gvk) {
		var known []string
		for k := range builtin.AllKnownTypes() {
			// Same kind in another group counts too: extensions/v1beta1
			// Deployment moved to apps/v1.
			if k.Kind == kind {
				known = append(known, k.GroupVersion().String())
			}
		}
		sort.Strings(known)
		if len(known) > 0 {
			e.Problems = append(e.Problems, field.NotSupported(field.NewPath("apiVersion"), apiVersion, known))
		} else {
			e.Problems = append(e.Problems, field.Invalid(field.NewPath("kind"), kind,
				fmt.Sprintf("not a built-in kind of %s served by Kubernetes 1.33+", apiVersion)))
		}
		return e
	}
	if objName(obj) == "<unnamed>" {
		e.Problems = append(e.Problems, field.Required(field.NewPath("metadata", "name"), ""))
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		e.Problems = append(e.Problems, field.InternalError(nil, err))
		return e
	}
	if _, _, err := strictDecoder.Decode(raw, &gvk, nil); err != nil {
		// Strict errors read `strict decoding error: unknown field "spec.x", ...`.
		e.Problems = append(e.Problems, &field.Error{Type: field.ErrorTypeInvalid, Field: "<object>",
			BadValue: field.OmitValueType{}, Detail: err.Error()})
	}
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// ValidateAny routes an object by its API group: built-in groups to
// ValidateBuiltin, everything else to the CRDs loaded in v (an object whose
// group/kind has no loaded CRD fails with "no CRD for ...").
func (v *Validator) ValidateAny(obj map[string]any) error {
	apiVersion, _ := obj["apiVersion"].(string)
	group := ""
	if g, _, ok := strings.Cut(apiVersion, "/"); ok {
		group = g
	}
	if IsBuiltinGroup(group) {
		return ValidateBuiltin(obj)
	}
	return v.Validate(obj)
}

func objName(obj map[string]any) string {
	if md, ok := obj["metadata"].(map[string]any); ok {
		if n, ok := md["name"].(string); ok && n != "" {
			return n
		}
	}
	return "<unnamed>"
}
