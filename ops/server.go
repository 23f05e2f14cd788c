package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lapkin-id/lapkin/chat"
)

// Mux returns the operator's endpoints: /healthz and /metrics.
func Mux(h *Health, m *Metrics) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", h)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	return mux
}

// Serve listens on addr and serves handler until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, addr string, handler http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http.listen %s: %w", addr, err)
	}
	return ServeListener(ctx, ln, handler, log)
}

// MaxConnections is how many connections the operator's endpoints keep open at once: a monitor
// and a Prometheus scrape need a few; past it the oldest idle one is closed (chat.CapConnections).
const MaxConnections = 32

// ServeListener is Serve on a listener the caller opened (tests use port 0), with the timeouts and
// the connection cap of every Lapkin HTTP server (chat.NewHTTPServer).
func ServeListener(ctx context.Context, ln net.Listener, handler http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	srv := chat.NewHTTPServer(handler)
	ln = chat.CapConnections(srv, ln, MaxConnections)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("operator endpoints listening", "addr", ln.Addr().String(), "paths", "/healthz /metrics")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
