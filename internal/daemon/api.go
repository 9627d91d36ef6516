package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// apiHandler serves the HTTP listener: liveness, readiness, metrics and
// the read-only API.
func apiHandler(st store.Store, rt runtime.Runtime) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status := map[string]string{"redis": "ok", "docker": "ok"}
		code := http.StatusOK
		if err := st.Ping(ctx); err != nil {
			status["redis"], code = err.Error(), http.StatusServiceUnavailable
		}
		if err := rt.Ping(ctx); err != nil {
			status["docker"], code = err.Error(), http.StatusServiceUnavailable
		}
		writeJSON(w, code, status)
	})
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.HandleFunc("GET /api/v1/apps", func(w http.ResponseWriter, r *http.Request) {
		apps, err := st.AppsList(r.Context())
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, apps)
	})
	// No authentication yet, like the rest of the API: it listens on
	// 127.0.0.1 by default (see events_api.go).
	mux.Handle("GET /api/v1/apps/{app}/events", newEventsAPI(st))
	mux.HandleFunc("GET /api/v1/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		j, err := st.Job(r.Context(), r.PathValue("id"))
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, j)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
