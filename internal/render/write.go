package render

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"sigs.k8s.io/yaml"
)

// Files renders the result into file name (relative to the output
// directory) to content. Everything is sorted so two renders of one commit
// are byte-identical.
func (res *Result) Files() (map[string][]byte, error) {
	files := map[string][]byte{}
	rj, err := marshalJSON(map[string]any{"resources": res.AnalyzerInputs()})
	if err != nil {
		return nil, err
	}
	files["resources.json"] = rj
	oj, err := marshalJSON(res.Outputs)
	if err != nil {
		return nil, err
	}
	files["outputs.json"] = oj

	manifests, err := res.Manifests()
	if err != nil {
		return nil, err
	}
	for name, b := range manifests {
		files[filepath.Join("manifests", name)] = b
	}
	for _, r := range res.Resources {
		if r.Type != "aws:ec2/launchTemplate:LaunchTemplate" {
			continue
		}
		ud, _ := r.Inputs["userData"].(string)
		if ud == "" {
			continue
		}
		if ud == Redacted {
			files[filepath.Join("userdata", r.Name+".txt")] = []byte(Redacted + "\n")
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(ud)
		if err != nil {
			return nil, fmt.Errorf("launch template %s: user data is not base64: %w", r.Name, err)
		}
		files[filepath.Join("userdata", r.Name+".mime")] = raw
	}
	return files, nil
}

// Manifests groups every Kubernetes object the stack would apply into one
// YAML file per top-level component (named after its type), objects sorted
// by kind, namespace and name. Helm releases, which are not Kubernetes
// objects but charts rendered by the provider at apply time, go to
// helm/<name>.yaml with chart, version, repository and values.
func (res *Result) Manifests() (map[string][]byte, error) {
	byURN := map[string]*Resource{}
	for _, r := range res.Resources {
		byURN[r.URN] = r
	}
	groups := map[string][]map[string]any{}
	files := map[string][]byte{}
	for _, r := range res.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") || strings.HasPrefix(r.Type, "pulumi:providers:") || r.Read {
			continue
		}
		if r.Type == "kubernetes:helm.sh/v3:Release" {
			b, err := yaml.Marshal(r.Inputs)
			if err != nil {
				return nil, err
			}
			files[filepath.Join("helm", r.Name+".yaml")] = b
			continue
		}
		obj := KubernetesObject(r)
		file := componentFile(r, byURN)
		groups[file] = append(groups[file], obj)
	}
	for file, objs := range groups {
		sort.Slice(objs, func(i, j int) bool { return objectKey(objs[i]) < objectKey(objs[j]) })
		var buf bytes.Buffer
		for i, o := range objs {
			if i > 0 {
				buf.WriteString("---\n")
			}
			b, err := yaml.Marshal(o)
			if err != nil {
				return nil, err
			}
			buf.Write(b)
		}
		files[file] = buf.Bytes()
	}
	return files, nil
}

// KubernetesObject turns a kubernetes:* resource's inputs into the object
// the provider would send to the API server.
func KubernetesObject(r *Resource) map[string]any {
	obj := map[string]any{}
	for k, v := range r.Inputs {
		obj[k] = v
	}
	if _, ok := obj["apiVersion"]; !ok {
		// typed pulumi-kubernetes args always carry apiVersion/kind; derive
		// them from the token for anything that does not.
		tok := strings.TrimPrefix(r.Type, "kubernetes:")
		parts := strings.SplitN(tok, ":", 2)
		if len(parts) == 2 {
			gv := strings.TrimPrefix(parts[0], "core/")
			obj["apiVersion"], obj["kind"] = gv, parts[1]
		}
	}
	return obj
}

func objectKey(o map[string]any) string {
	md, _ := o["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	name, _ := md["name"].(string)
	return fmt.Sprintf("%v/%v/%s/%s", o["kind"], o["apiVersion"], ns, name)
}

// componentFile names the manifest file after the top-level component that
// owns r (its ancestor directly under the stack).
func componentFile(r *Resource, byURN map[string]*Resource) string {
	top := r
	for top.Parent != "" {
		p, ok := byURN[top.Parent]
		if !ok {
			break
		}
		top = p
	}
	if top == r {
		return "other.yaml"
	}
	typ := resource.URN(top.URN).Type()
	seg := string(typ)
	if i := strings.LastIndex(seg, ":"); i >= 0 {
		seg = seg[i+1:]
	}
	return strings.ToLower(seg) + ".yaml"
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteDir replaces dir with files: the directory is written to a temporary
// sibling first and swapped in, so a failed render leaves nothing half-made.
func WriteDir(dir string, files map[string][]byte) error {
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".render-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(tmp, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}
