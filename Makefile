# The same commands CI runs (.ci/run calls `make test`). `make help` lists them.
SHELL := /bin/bash
GO ?= go
# The upstream Strimzi 1.2.0 CRDs every custom resource is validated against.
STRIMZI_CRDS ?= $(abspath $(CURDIR)/../shared/strimzi/1.2.0/crds)
export STRIMZI_CRDS
# Upstream CRDs of the other custom resources the render writes, fetched from
# the Go module proxy into the module cache (not dependencies of the program;
# go.mod is untouched). Keep in sync with crdvalidate.UpstreamModules (a test
# checks).
UPSTREAM_CRD_MODULES := github.com/prometheus-operator/prometheus-operator@v0.85.0 github.com/hashicorp/vault-secrets-operator@v0.10.0

.PHONY: help render test vet crds policy bench configdoc fmt clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

render: ## render both stacks offline into build/prod and build/dr and check the policy pack (no credentials needed)
	$(GO) run ./cmd/render -stack prod -out build/prod
	$(GO) run ./cmd/render -stack dr -out build/dr -stack-ref build/prod/outputs.json

crds: ## fetch the upstream prometheus-operator and Vault Secrets Operator CRDs (Go module proxy -> module cache)
	@$(GO) mod download $(UPSTREAM_CRD_MODULES)

test: vet crds ## run every test (unit, component, whole-stack render, policy, promtool, shellcheck, actionlint)
	$(GO) run ./cmd/configdoc -check
	$(GO) test -count=1 ./...

vet: ## go vet and gofmt check
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

policy: render ## the policy report of both stacks (the render evaluates the pack; non-zero on a mandatory violation)

bench: ## measure warm rebuild, render time per stack, peak memory, resource count, and Go benchmarks
	./scripts/bench.sh

configdoc: ## regenerate Pulumi.yaml and docs/config.md from internal/config
	$(GO) run ./cmd/configdoc

fmt: ## gofmt every Go file
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output
	rm -rf build
