// Package crdvalidate validates custom resources against the CustomResource-
// Definitions they will be applied to, with the Kubernetes API server's own
// code (k8s.io/apiextensions-apiserver): the CRD schema must be structural,
// unknown fields that the API server would silently prune are reported as
// failures, then OpenAPI schema validation, list-type checks and the CRD's
// CEL rules (x-kubernetes-validations) run as they do on create.
//
// It owns loading CRDs (from a directory, found through the STRIMZI_CRDS
// environment variable or shared/strimzi/<version>/crds beside the repo) and
// the validation itself. It does not know any Strimzi type: callers pass
// generic objects (map[string]any) or YAML documents. It does not talk to a
// cluster: admission webhooks and the operator's own semantic checks are not
// covered.
package crdvalidate
