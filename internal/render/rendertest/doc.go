// Package rendertest is the scaffolding the component tests share: run a
// program under render's mock engine and fail the test on error, find a
// recorded resource or fail, read plain values out of a resource's inputs,
// decode the IAM policy documents components write as JSON, and load the
// Strimzi CRDs once to validate custom resources against.
//
// It owns no assertions: each test keeps its own checks. It does not run
// whole stacks (render.Run and cmd/render do) and is imported only from
// _test.go files.
package rendertest
