// Package crdvalidate validates custom resources against the CustomResource-
// Definitions they will be applied to, with the Kubernetes API server's own
// code (k8s.io/apiextensions-apiserver): the CRD schema must be structural,
// unknown fields that the API server would silently prune are reported as
// failures, then OpenAPI schema validation, list-type checks and the CRD's
// CEL rules (x-kubernetes-validations) run as they do on create, against the
// served version the object's apiVersion names.
//
// It owns loading CRDs from several sources: Strimzi 1.2.0 (a directory,
// found through the STRIMZI_CRDS environment variable or
// shared/strimzi/<version>/crds beside the repo) and upstream CRDs shipped in
// Go modules (prometheus-operator, Vault Secrets Operator) read from the Go
// module cache (`make crds` downloads them; nothing here downloads). Upstream
// loads all of them. An object whose group/kind has no loaded CRD fails.
// Built-in Kubernetes kinds are checked too (ValidateBuiltin): served
// apiVersion/kind pair and strict decoding into the typed object.
//
// It does not know any Strimzi, Prometheus or Vault type: callers pass
// generic objects (map[string]any) or YAML documents. It does not talk to a
// cluster: admission webhooks, the API server's semantic validation of
// built-in kinds and the operators' own checks are not covered.
package crdvalidate
