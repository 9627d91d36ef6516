package router

import (
	"log/slog"
	"net/http"
	"time"
)

// NewServer returns the HTTP server kyozo serve runs the router on, so
// that scripts/bench-router.sh measures the same listener settings. The
// header timeout keeps slow clients from holding connections open; there is
// no write timeout, since responses may stream or be WebSockets.
func NewServer(addr string, h http.Handler, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
