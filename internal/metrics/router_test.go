package metrics

import (
	"github.com/prometheus/client_golang/prometheus/testutil"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/router"
)

func TestCodeClass(t *testing.T) {
	for status, want := range map[int]string{
		101: "1xx", 200: "2xx", 204: "2xx", 301: "3xx", 304: "3xx", 404: "4xx",
		499: "4xx", // the client went away: not the app's fault
		500: "5xx", 502: "5xx", 503: "5xx", 599: "5xx",
		0: "5xx", 99: "5xx", 600: "5xx", 999: "5xx", // nothing a working app sends
	} {
		if got := codeClasses[codeClass(status)]; got != want {
			t.Errorf("codeClass(%d) = %s, want %s", status, got, want)
		}
	}
}

// TestRouterObserver wires the metrics into the real router, as kyozo
// serve does, and checks what a few requests leave behind.
func TestRouterObserver(t *testing.T) {
	m, _ := newMetrics(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		if v := testutil.ToFloat64(m.inFlight.WithLabelValues("shop", "web")); v != 1 {
			t.Errorf("in flight while the app answers = %v, want 1", v)
		}
		w.Write([]byte("ok"))
	}))
	defer backend.Close()

	r := router.New(router.Options{Logger: slog.New(slog.DiscardHandler), Observer: m.Observer()})
	defer r.CloseIdleConnections()
	r.SetApp("shop", map[string]router.Route{
		"shop.localhost":     {Service: "web", Targets: []router.Target{{ID: "c1", Addr: strings.TrimPrefix(backend.URL, "http://")}}},
		"api.shop.localhost": {Service: "api"}, // no instance running
	})

	for _, c := range []struct {
		host, path string
		want       int
	}{
		{"shop.localhost", "/", 200},
		{"shop.localhost", "/", 200},
		{"shop.localhost", "/missing", 404},
		{"api.shop.localhost", "/", 503},
		{"nobody.localhost", "/", 404},
	} {
		req := httptest.NewRequest("GET", "http://"+c.host+c.path, nil)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != c.want {
			t.Fatalf("%s%s: %d, want %d", c.host, c.path, w.Code, c.want)
		}
	}

	want := `
# HELP kyozo_router_requests_total Requests the router answered, by app, service and status class (1xx to 5xx; a client that left early is 4xx). app and service are "unknown" for a host no app serves.
# TYPE kyozo_router_requests_total counter
kyozo_router_requests_total{app="shop",code="1xx",service="api"} 0
kyozo_router_requests_total{app="shop",code="1xx",service="web"} 0
kyozo_router_requests_total{app="shop",code="2xx",service="api"} 0
kyozo_router_requests_total{app="shop",code="2xx",service="web"} 2
kyozo_router_requests_total{app="shop",code="3xx",service="api"} 0
kyozo_router_requests_total{app="shop",code="3xx",service="web"} 0
kyozo_router_requests_total{app="shop",code="4xx",service="api"} 0
kyozo_router_requests_total{app="shop",code="4xx",service="web"} 1
kyozo_router_requests_total{app="shop",code="5xx",service="api"} 1
kyozo_router_requests_total{app="shop",code="5xx",service="web"} 0
kyozo_router_requests_total{app="unknown",code="1xx",service="unknown"} 0
kyozo_router_requests_total{app="unknown",code="2xx",service="unknown"} 0
kyozo_router_requests_total{app="unknown",code="3xx",service="unknown"} 0
kyozo_router_requests_total{app="unknown",code="4xx",service="unknown"} 1
kyozo_router_requests_total{app="unknown",code="5xx",service="unknown"} 0
`
	if err := testutil.CollectAndCompare(m.requests, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	if got := testutil.ToFloat64(m.inFlight.WithLabelValues("shop", "web")); got != 0 {
		t.Errorf("in flight after the requests = %v", got)
	}
	if n, _ := histogram(t, m.requestSecs.WithLabelValues("shop", "web")); n != 3 {
		t.Errorf("request durations of shop/web = %d, want 3", n)
	}
}

// TestRequestDoesNotAllocate: the observer runs on every proxied request;
// once a service's series exist it must cost no garbage.
func TestRequestDoesNotAllocate(t *testing.T) {
	m, _ := newMetrics(t)
	m.Request("shop", "web", 200, time.Millisecond)
	m.Request("", "", 404, time.Millisecond)
	allocs := testing.AllocsPerRun(1000, func() {
		m.InFlight("shop", "web", 1)
		m.Request("shop", "web", 200, 3*time.Millisecond)
		m.InFlight("shop", "web", -1)
		m.Request("", "", 404, time.Millisecond)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per request", allocs)
	}
}

func BenchmarkRequest(b *testing.B) {
	m, _ := newMetrics(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.InFlight("shop", "web", 1)
			m.Request("shop", "web", 200, 3*time.Millisecond)
			m.InFlight("shop", "web", -1)
		}
	})
}
