package daemon

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// apiHandler serves the HTTP listener: liveness, readiness, metrics and
// the read-only API. With a token, /api/v1 requires it as a bearer token;
// the probes and /metrics stay open, as Prometheus and orchestrators
// expect, and show no job logs, events or errors of apps.
func apiHandler(st store.Store, rt runtime.Runtime, token string) http.Handler {
	mux := http.NewServeMux()
	api := http.NewServeMux()
	mux.Handle("/api/", requireToken(token, api))
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
	api.HandleFunc("GET /api/v1/apps", func(w http.ResponseWriter, r *http.Request) {
		apps, err := st.AppsList(r.Context())
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, apps)
	})
	api.Handle("GET /api/v1/apps/{app}/events", newEventsAPI(st))
	api.HandleFunc("GET /api/v1/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		j, err := st.Job(r.Context(), r.PathValue("id"))
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, j)
	})
	return mux
}

// requireToken lets a request through when it carries the token as
// "Authorization: Bearer TOKEN", or when there is no token (the listener is
// then loopback only: config.Validate sees to it).
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kyozo"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "this API needs Authorization: Bearer <api_token>"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
