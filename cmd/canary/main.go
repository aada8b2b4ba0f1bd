// Command canary is the per-zone Kafka latency canary: it produces
// timestamped records with acks=all to every partition of the canary topic,
// consumes them with client.rack set to its zone, and serves Prometheus
// metrics on :8080/metrics (plus /healthz and /readyz). See package
// internal/canary for the design, flags and metric names.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tradingfirm/kafka-platform/internal/canary"
)

// shutdownGrace bounds the HTTP server's shutdown after Run returns; the
// pod's terminationGracePeriodSeconds must exceed it plus the produce
// timeout (the final flush).
const shutdownGrace = 5 * time.Second

func main() {
	if err := run(); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "canary:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := canary.ParseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("zone", cfg.Zone)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	c := canary.New(cfg, log)
	srv := &http.Server{
		Addr:              cfg.ListenAddr,
		Handler:           c.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
	}
	srvErr := make(chan error, 1)
	go func() {
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			srvErr <- err
		}
		close(srvErr)
	}()

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		// A dead metrics endpoint makes the canary useless: stop it.
		if err := <-srvErr; err != nil {
			cancel(fmt.Errorf("http server on %s: %w", cfg.ListenAddr, err))
		}
	}()
	runErr := c.Run(runCtx)
	if cause := context.Cause(runCtx); cause != nil && !errors.Is(cause, context.Canceled) {
		runErr = errors.Join(runErr, cause)
	}

	shutCtx, cancelShut := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancelShut()
	if err := srv.Shutdown(shutCtx); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("http shutdown: %w", err))
	}
	log.Info("exiting", "err", runErr)
	return runErr
}
