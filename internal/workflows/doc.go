// Package workflows holds the tests of the GitHub Actions workflows in
// .github/workflows: every file is linted with actionlint (its Go API, with
// shellcheck on run: scripts when installed) and checked for the project's
// deployment guarantees (OIDC instead of stored AWS keys, the policy pack on
// every preview and up, the production environment gate, prod before dr).
// It owns no workflow logic itself.
package workflows
