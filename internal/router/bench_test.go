package router

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// Benchmarks of the request path. scripts/bench-router.sh measures the
// whole thing over the network against nginx; these isolate the router.

// benchBody is what the upstream answers, the size scripts/bench-router.sh uses.
var benchBody = []byte(strings.Repeat("k", 2048))

// discard is a ResponseWriter that costs nothing, so the benchmark counts
// the router and its transport, not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

func benchRouter(b *testing.B) *Router {
	b.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(benchBody)
	}))
	b.Cleanup(up.Close)
	r := New(Options{Logger: slog.New(slog.DiscardHandler)})
	b.Cleanup(r.CloseIdleConnections)
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{
		{ID: "web-1", Addr: up.Listener.Addr().String()},
	}}})
	return r
}

func benchRequest() *http.Request {
	req := httptest.NewRequest("GET", "/products?page=2", nil)
	req.Host = "shop.localhost:8000"
	req.RemoteAddr = "192.0.2.7:51234"
	req.Header.Set("User-Agent", "bench")
	req.Header.Set("Accept", "*/*")
	return req
}

func BenchmarkServeHTTP(b *testing.B) {
	r := benchRouter(b)
	req := benchRequest()
	w := &discard{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		r.ServeHTTP(w, req)
	}
}

func BenchmarkServeHTTPParallel(b *testing.B) {
	r := benchRouter(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := benchRequest()
		w := &discard{h: make(http.Header)}
		for pb.Next() {
			clear(w.h)
			r.ServeHTTP(w, req)
		}
	})
}

// BenchmarkLookup is the host match on a table of many apps.
func BenchmarkLookup(b *testing.B) {
	r := New(Options{Logger: slog.New(slog.DiscardHandler)})
	for i := range 1000 {
		app := "app" + strconv.Itoa(i)
		r.SetApp(app, map[string]Route{
			app + ".localhost":          {Service: "web", Targets: []Target{{ID: app + "-1", Addr: "10.0.0.1:80"}}},
			"api." + app + ".localhost": {Service: "api", Targets: []Target{{ID: app + "-2", Addr: "10.0.0.2:80"}}},
		})
	}
	for _, host := range []string{"app500.localhost", "API.app500.localhost:8000"} {
		b.Run(host, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := r.Lookup(host); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}

// BenchmarkAcquire is the part of ServeHTTP that is the router's own:
// host key, table load, round-robin pick and in-flight count.
func BenchmarkAcquire(b *testing.B) {
	r := New(Options{Logger: slog.New(slog.DiscardHandler)})
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{
		{ID: "a", Addr: "10.0.0.1:80"}, {ID: "b", Addr: "10.0.0.2:80"},
	}}})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, t := r.acquire(hostKey("shop.localhost:8000"), nil)
			t.state.release()
		}
	})
}
