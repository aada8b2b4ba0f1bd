package crdvalidate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// EnvVar names the directory holding the CRD YAML files. .ci/run sets it;
// when unset, FindDir looks for DefaultRelDir in the working directory's
// parents (the repo is checked out with shared/ beside it).
const EnvVar = "STRIMZI_CRDS"

// DefaultRelDir is where the Strimzi 1.2.0 CRDs sit relative to a parent of
// the repository.
const DefaultRelDir = "shared/strimzi/1.2.0/crds"

// FindDir returns the CRD directory: $STRIMZI_CRDS if set (it must exist),
// otherwise the first <parent>/shared/strimzi/1.2.0/crds above the working
// directory. The error says how to fix a missing directory; callers (tests)
// must fail on it, never skip.
func FindDir() (string, error) {
	if d := os.Getenv(EnvVar); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%s=%q is not a directory: point it at the Strimzi 1.2.0 CRDs (e.g. ../shared/strimzi/1.2.0/crds)", EnvVar, d)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, DefaultRelDir)
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, nil
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "", fmt.Errorf("strimzi CRDs not found: set %s to the directory holding the Strimzi 1.2.0 CRD YAML files, "+
		"or check out the shared/ directory beside the repository (expected %s in a parent of %s)", EnvVar, DefaultRelDir, wd)
}

// version is one served version of one CRD, ready to validate objects.
type version struct {
	crd        string
	kind       string
	namespaced bool
	structural *structuralschema.Structural
	schema     apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// Validator validates objects against a set of CRDs, keyed by
// apiVersion and kind.
type Validator struct {
	versions map[string]*version // "group/version/Kind"
	served   map[string][]string // "group/Kind" -> served versions
}

func newValidator() *Validator {
	return &Validator{versions: map[string]*version{}, served: map[string][]string{}}
}

// LoadDir reads every *.yaml / *.yml CustomResourceDefinition in dir.
func LoadDir(dir string) (*Validator, error) {
	v := newValidator()
	if err := v.AddDir(dir); err != nil {
		return nil, err
	}
	return v, nil
}

// AddDir adds every CustomResourceDefinition of the *.yaml / *.yml files in
// dir (multi-document files included). A directory without any is an error.
func (v *Validator) AddDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read CRD directory: %w", err)
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		docs, err := SplitYAML(b)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
		for _, d := range docs {
			if d["kind"] != "CustomResourceDefinition" {
				continue
			}
			if err := v.add(d); err != nil {
				return fmt.Errorf("%s: %w", filepath.Join(dir, e.Name()), err)
			}
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("no CustomResourceDefinition in %s: point %s (Strimzi) or the module source at a CRD directory", dir, EnvVar)
	}
	return nil
}

// add converts a v1 CRD to the internal API (as the API server stores it),
// checks that every served schema is structural and that its defaults are
// valid, and builds the validators.
func (v *Validator) add(doc map[string]any) error {
	var crdV1 apiextensionsv1.CustomResourceDefinition
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(doc, &crdV1); err != nil {
		return fmt.Errorf("decode CRD: %w", err)
	}
	apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(&crdV1)
	var crd apiextensions.CustomResourceDefinition
	if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(&crdV1, &crd, nil); err != nil {
		return fmt.Errorf("convert CRD %s: %w", crdV1.Name, err)
	}
	for _, ver := range crd.Spec.Versions {
		if !ver.Served {
			continue
		}
		// The internal API hoists a schema shared by all versions to spec.validation.
		props := crd.Spec.Validation
		if ver.Schema != nil {
			props = ver.Schema
		}
		if props == nil || props.OpenAPIV3Schema == nil {
			return fmt.Errorf("CRD %s version %s has no schema", crd.Name, ver.Name)
		}
		s, err := structuralschema.NewStructural(props.OpenAPIV3Schema)
		if err != nil {
			return fmt.Errorf("CRD %s/%s: schema is not structural: %w", crd.Name, ver.Name, err)
		}
		if errs := structuralschema.ValidateStructural(field.NewPath("spec", "versions").Key(ver.Name).Child("schema", "openAPIV3Schema"), s); len(errs) > 0 {
			return fmt.Errorf("CRD %s/%s: schema is not structural: %w", crd.Name, ver.Name, errs.ToAggregate())
		}
		if errs, err := structuraldefaulting.ValidateDefaults(context.Background(), field.NewPath("spec", "versions").Key(ver.Name), s, true, true); err != nil || len(errs) > 0 {
			return fmt.Errorf("CRD %s/%s: invalid defaults: %v %v", crd.Name, ver.Name, err, errs.ToAggregate())
		}
		sv, _, err := apiservervalidation.NewSchemaValidator(props.OpenAPIV3Schema)
		if err != nil {
			return fmt.Errorf("CRD %s/%s: %w", crd.Name, ver.Name, err)
		}
		key := crd.Spec.Group + "/" + ver.Name + "/" + crd.Spec.Names.Kind
		if prev, dup := v.versions[key]; dup {
			return fmt.Errorf("%s defined twice (CRD %s and %s): load each CRD source once", key, prev.crd, crd.Name)
		}
		v.versions[key] = &version{
			crd: crd.Name, kind: crd.Spec.Names.Kind, namespaced: crd.Spec.Scope == apiextensions.NamespaceScoped,
			structural: s, schema: sv,
			cel: cel.NewValidator(s, true, celconfig.PerCallLimit),
		}
		gk := crd.Spec.Group + "/" + crd.Spec.Names.Kind
		v.served[gk] = append(v.served[gk], ver.Name)
	}
	return nil
}

// Kinds lists the loaded "group/version/Kind" keys, sorted.
func (v *Validator) Kinds() []string {
	out := make([]string, 0, len(v.versions))
	for k := range v.versions {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Error is every problem found in one object, each with its field path.
type Error struct {
	// Object is "Kind/name".
	Object string
	// Problems are the field errors, in the order found.
	Problems field.ErrorList
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is invalid (%d problem(s)):", e.Object, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Validate checks obj (a generic Kubernetes object) as the API server would
// on create, except that pruning is an error here: a field the schema does
// not know would silently disappear on a real cluster, which is always a bug
// in the program that wrote it. Returns nil or an *Error.
func (v *Validator) Validate(obj map[string]any) error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	name := "<unnamed>"
	if md, ok := obj["metadata"].(map[string]any); ok {
		if n, ok := md["name"].(string); ok && n != "" {
			name = n
		}
	}
	e := &Error{Object: kind + "/" + name}
	group, ver, ok := strings.Cut(apiVersion, "/")
	if !ok {
		e.Problems = append(e.Problems, field.Invalid(field.NewPath("apiVersion"), apiVersion, "want <group>/<version>"))
		return e
	}
	cv, found := v.versions[group+"/"+ver+"/"+kind]
	if !found {
		if vs := v.served[group+"/"+kind]; len(vs) > 0 {
			e.Problems = append(e.Problems, field.NotSupported(field.NewPath("apiVersion"), apiVersion, prefixAll(group+"/", vs)))
		} else {
			e.Problems = append(e.Problems, field.Invalid(field.NewPath("kind"), kind, "no CRD for "+group+" "+kind+" is loaded: add its upstream CRDs to crdvalidate.Upstream"))
		}
		return e
	}

	// Work on a copy decoded the way the API server decodes a request body
	// (k8s.io/apimachinery/pkg/util/json: whole numbers become int64, which
	// the CEL rules on integer fields require). Pruning and defaulting
	// mutate the copy, never the caller's object.
	raw, err := json.Marshal(obj)
	if err != nil {
		e.Problems = append(e.Problems, field.InternalError(nil, err))
		return e
	}
	var u map[string]any
	if err := utiljson.Unmarshal(raw, &u); err != nil {
		e.Problems = append(e.Problems, field.InternalError(nil, err))
		return e
	}

	md, _ := u["metadata"].(map[string]any)
	if md == nil {
		e.Problems = append(e.Problems, field.Required(field.NewPath("metadata"), ""))
	} else {
		if name == "<unnamed>" {
			e.Problems = append(e.Problems, field.Required(field.NewPath("metadata", "name"), ""))
		}
		if ns, _ := md["namespace"].(string); cv.namespaced && ns == "" {
			e.Problems = append(e.Problems, field.Required(field.NewPath("metadata", "namespace"), cv.kind+" is namespaced; set it explicitly"))
		}
	}

	unknown := pruning.PruneWithOptions(u, cv.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	sort.Strings(unknown)
	for _, p := range unknown {
		e.Problems = append(e.Problems, field.Forbidden(field.NewPath(p), "unknown field: the API server would prune it"))
	}
	if md != nil {
		e.Problems = append(e.Problems, schemaobjectmeta.Validate(nil, u, cv.structural, true)...)
	}
	structuraldefaulting.Default(u, cv.structural)

	e.Problems = append(e.Problems, apiservervalidation.ValidateCustomResource(nil, u, cv.schema)...)
	e.Problems = append(e.Problems, listtype.ValidateListSetsAndMaps(nil, cv.structural, u)...)
	celErrs, _ := cv.cel.Validate(context.Background(), nil, cv.structural, u, nil, celconfig.RuntimeCELCostBudget)
	e.Problems = append(e.Problems, celErrs...)

	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// ValidateYAML validates every non-empty document of a YAML stream and
// joins the errors.
func (v *Validator) ValidateYAML(b []byte) error {
	docs, err := SplitYAML(b)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range docs {
		if err := v.Validate(d); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SplitYAML decodes a multi-document YAML stream into generic objects,
// skipping empty documents.
func SplitYAML(b []byte) ([]map[string]any, error) {
	r := utilyaml.NewYAMLReader(bufioReader(b))
	var out []map[string]any
	for {
		doc, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, fmt.Errorf("decode YAML document: %w", err)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
}

func prefixAll(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}
