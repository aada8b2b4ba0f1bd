# The same commands CI runs (.ci/run calls `make test`). `make help` lists them.
SHELL := /bin/bash
GO ?= go
# The upstream Strimzi 1.2.0 CRDs every custom resource is validated against.
STRIMZI_CRDS ?= $(abspath $(CURDIR)/../shared/strimzi/1.2.0/crds)
export STRIMZI_CRDS

.PHONY: help render test vet policy bench configdoc fmt clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

render: ## render both stacks offline into build/prod and build/dr and check the policy pack (no credentials needed)
	$(GO) run ./cmd/render -stack prod -out build/prod
	$(GO) run ./cmd/render -stack dr -out build/dr -stack-ref build/prod/outputs.json

test: vet ## run every test (unit, component, whole-stack render, policy, promtool, shellcheck, actionlint)
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
