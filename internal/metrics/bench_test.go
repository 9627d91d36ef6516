package metrics

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/kyozo/kyozo/internal/runtime"
)

// fleet is 10 apps of 5 services with 2 replicas each: 50 services, 100
// containers, with every series a busy Kyozo would have for them.
func fleet(tb testing.TB) (*Metrics, *Sampler, *prometheus.Registry) {
	tb.Helper()
	m, s, reg := fleetUnsampled(tb)
	if err := s.Sample(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return m, s, reg
}

// fleetUnsampled is fleet before its sampler's first sample.
func fleetUnsampled(tb testing.TB) (*Metrics, *Sampler, *prometheus.Registry) {
	tb.Helper()
	m, reg := newMetrics(tb)
	want := map[string]map[string]int{}
	var cs []runtime.Container
	stats := map[string]runtime.Stats{}
	for a := range 10 {
		app := fmt.Sprintf("app%02d", a)
		want[app] = map[string]int{}
		m.Deploy(app, DeploySucceeded)
		m.Build(app, BuildBuilt, 40*time.Second)
		m.Rollback(app)
		m.GitPush(app, 1<<20)
		for s := range 5 {
			svc := fmt.Sprintf("svc%d", s)
			want[app][svc] = 2
			for r := range 2 {
				c := ctr(fmt.Sprintf("%s-%s-%d", app, svc, r), app, svc)
				cs = append(cs, c)
				stats[c.ID] = (runtime.Stats{CPUSeconds: 12.5, MemoryBytes: 64 << 20, RxBytes: 1 << 30, TxBytes: 1 << 29})
			}
			m.HealthCheck(app, svc, true, 5*time.Millisecond)
			m.HealthCheck(app, svc, false, 2*time.Second)
			for _, code := range []int{200, 301, 404, 502} {
				m.Request(app, svc, code, 30*time.Millisecond)
			}
			m.InFlight(app, svc, 1)
		}
	}
	for _, st := range stages {
		m.DeployStage(Stage(st), time.Second)
	}
	m.SSHSession("git-receive-pack", SSHOK)
	if err := m.RegisterQueues(&fakeInspector{queues: map[string]int{"deploys": 3}}, quiet); err != nil {
		tb.Fatal(err)
	}
	// Fakes that keep no record, so what the benchmarks measure is the
	// sampler's.
	s, err := m.NewSampler(SamplerConfig{
		Containers: listFunc(func(context.Context, map[string]string) ([]runtime.Container, error) {
			return slices.Clone(cs), nil
		}),
		Stats: statsFunc(func(_ context.Context, id string) (runtime.Stats, error) {
			return stats[id], nil
		}),
		Desired: desired(want),
		Logger:  quiet,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m, s, reg
}

// BenchmarkScrape50Services is one /metrics request for 50 services:
// gather, encode, write to a discarding writer.
func BenchmarkScrape50Services(b *testing.B) {
	_, _, reg := fleet(b)
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, req)
	n, size := series(b, reg, ""), w.n
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
	// After the loop: ResetTimer and b.Loop drop metrics reported before.
	b.ReportMetric(float64(n), "series")
	b.ReportMetric(float64(size), "bytes/scrape")
}

// BenchmarkSample50Services is one background sample of 50 services (100
// containers) with a stats reader that answers at once: the sampler's own
// cost. retained-B is the heap the sampler keeps between samples: its
// per-container and per-service state and the snapshot a scrape serves.
func BenchmarkSample50Services(b *testing.B) {
	_, s, _ := fleetUnsampled(b)
	ctx := context.Background()
	heap := retained(func() { s.Sample(ctx) })
	b.ReportAllocs()
	for b.Loop() {
		s.Sample(ctx)
	}
	b.ReportMetric(float64(heap), "retained-B")
}

type listFunc func(context.Context, map[string]string) ([]runtime.Container, error)

func (f listFunc) List(ctx context.Context, labels map[string]string) ([]runtime.Container, error) {
	return f(ctx, labels)
}

type statsFunc func(context.Context, string) (runtime.Stats, error)

func (f statsFunc) Stats(ctx context.Context, id string) (runtime.Stats, error) { return f(ctx, id) }

// TestFleetFigures logs the figures the benchmarks report, for a quick
// look with go test -v -run FleetFigures: series in all and per app, and
// the heap a sampler of 50 services keeps.
func TestFleetFigures(t *testing.T) {
	// The least of three fresh samplers: the heap is shared with whatever
	// else the test binary still runs.
	var (
		reg  *prometheus.Registry
		heap int64 = math.MaxInt64
	)
	for range 3 {
		var s *Sampler
		_, s, reg = fleetUnsampled(t)
		heap = min(heap, retained(func() { s.Sample(context.Background()) }))
	}
	total, perApp := series(t, reg, ""), series(t, reg, "app03")
	t.Logf("50 services in 10 apps: %d series in all, %d per app of 5 services; the sampler keeps %d bytes", total, perApp, heap)
	// 5 services' router, health and sampled series plus the app's own:
	// if this grows, a label has gone unbounded.
	if perApp > 400 {
		t.Errorf("%d series per app of 5 services", perApp)
	}
}

// series counts the series a scrape of reg exposes (a histogram's buckets,
// +Inf, _sum and _count each count), only app's when app is set.
func series(tb testing.TB, reg *prometheus.Registry, app string) int {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if app != "" && !slices.ContainsFunc(m.GetLabel(), func(lp *dto.LabelPair) bool {
				return lp.GetName() == "app" && lp.GetValue() == app
			}) {
				continue
			}
			if h := m.GetHistogram(); h != nil {
				n += len(h.GetBucket()) + 3
			} else {
				n++
			}
		}
	}
	return n
}

// retained is how much the live heap grows across f, after collection.
func retained(f func()) int64 {
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	f()
	goruntime.GC()
	goruntime.ReadMemStats(&after)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// discardWriter is a ResponseWriter that counts and drops the body.
type discardWriter struct {
	h http.Header
	n int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(int)     {}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}
