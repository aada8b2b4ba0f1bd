// Package render runs the stack program under Pulumi's mock engine and
// writes what it would deploy: every resource as the OPA policy analyzer sees
// it, the stack outputs, the Kubernetes objects as YAML and each launch
// template's user data. Values only AWS could know are deterministic,
// obviously fake placeholders; secret values are redacted.
//
// Mocks is also the mock engine the component tests use, so the unit tests
// and the render see the same fake cloud.
package render
