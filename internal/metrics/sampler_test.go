package metrics

import (
	"context"
	"errors"
	"fmt"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeContainers is a container list a test edits between samples.
type fakeContainers struct {
	mu      sync.Mutex
	cs      []runtime.Container
	err     error
	calls   int
	filters []map[string]string
}

func newFakeContainers(cs ...runtime.Container) *fakeContainers {
	return &fakeContainers{cs: cs}
}

func (f *fakeContainers) set(cs ...runtime.Container) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cs = cs
}

func (f *fakeContainers) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

func (f *fakeContainers) List(ctx context.Context, labels map[string]string) ([]runtime.Container, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.filters = append(f.filters, maps.Clone(labels))
	if f.err != nil {
		return nil, f.err
	}
	var out []runtime.Container
	for _, c := range f.cs {
		match := true
		for k, v := range labels {
			match = match && c.Labels[k] == v
		}
		if match {
			out = append(out, c)
		}
	}
	return out, nil
}

// fakeStats answers each container's stats from a map; a container in
// block waits for the context (a hung engine); delay slows every read.
type fakeStats struct {
	mu            sync.Mutex
	stats         map[string]runtime.Stats
	errs          map[string]error
	block         map[string]bool
	delay         time.Duration
	calls         map[string]int
	inflight, max int
	release       chan struct{} // non-nil: every read waits for it
}

func newFakeStats() *fakeStats {
	return &fakeStats{stats: map[string]runtime.Stats{}, errs: map[string]error{}, block: map[string]bool{}, calls: map[string]int{}}
}

func (f *fakeStats) set(id string, s runtime.Stats) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats[id] = s
}

func (f *fakeStats) Stats(ctx context.Context, id string) (runtime.Stats, error) {
	f.mu.Lock()
	f.calls[id]++
	f.inflight++
	f.max = max(f.max, f.inflight)
	block, delay, release, err := f.block[id], f.delay, f.release, f.errs[id]
	st, ok := f.stats[id]
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()
	if release != nil {
		<-release
	}
	if block {
		<-ctx.Done()
		return runtime.Stats{}, ctx.Err()
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	if err != nil {
		return runtime.Stats{}, err
	}
	if !ok {
		return runtime.Stats{}, fmt.Errorf("%w: %s", runtime.ErrNotFound, id)
	}
	return st, nil
}

func desired(d map[string]map[string]int) DesiredFunc {
	return func(context.Context) (map[string]map[string]int, error) { return d, nil }
}

// ctr is a running service container of app/svc started at t0.
func ctr(id, app, svc string) runtime.Container {
	return runtime.Container{
		ID: id, Name: "kyozo-" + app + "-" + svc + "-" + id,
		Labels:  map[string]string{runtime.LabelApp: app, runtime.LabelService: svc, runtime.LabelKind: "service", runtime.LabelManaged: "true"},
		Running: true, State: "running", StartedAt: t0,
	}
}

func newSampler(t testing.TB, cfg SamplerConfig) (*Sampler, *prometheus.Registry) {
	t.Helper()
	m, reg := newMetrics(t)
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	s, err := m.NewSampler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, reg
}

// sampled is what s serves, as "name app/service" → value.
func sampled(t testing.TB, s *Sampler) map[string]float64 {
	t.Helper()
	ch := make(chan prometheus.Metric)
	go func() { s.Collect(ch); close(ch) }()
	out := map[string]float64{}
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			t.Fatal(err)
		}
		name := m.Desc().String()
		name = name[strings.Index(name, `fqName: "`)+9:]
		name = name[:strings.Index(name, `"`)]
		var lv []string
		for _, lp := range pb.GetLabel() {
			lv = append(lv, lp.GetValue())
		}
		key := name
		if len(lv) > 0 {
			key += " " + strings.Join(lv, "/")
		}
		switch {
		case pb.Gauge != nil:
			out[key] = pb.Gauge.GetValue()
		case pb.Counter != nil:
			out[key] = pb.Counter.GetValue()
		}
	}
	return out
}

func expect(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s is not served", k)
		} else if g != v {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
}

func TestSamplerServices(t *testing.T) {
	web1 := ctr("w1", "shop", "web")
	web1.Restarts = 3
	web2 := ctr("w2", "shop", "web")
	web2.Health = "unhealthy"
	worker := ctr("k1", "shop", "worker")
	worker.Running, worker.State = false, "exited"
	looping := ctr("k2", "shop", "worker")
	looping.State = "restarting" // the engine says Running while it crash-loops
	leftover := ctr("g1", "gone", "web")
	backing := ctr("p1", "shop", "postgres")
	backing.Labels[runtime.LabelKind] = "backing"
	bad := ctr("b1", "Shop", "web") // never made by Kyozo: no series for it
	noService := ctr("b2", "shop", "")

	containers := newFakeContainers(web1, web2, worker, looping, leftover, backing, bad, noService)
	stats := newFakeStats()
	stats.set("w1", runtime.Stats{CPUSeconds: 1.5, MemoryBytes: 100, RxBytes: 10, TxBytes: 20})
	stats.set("w2", runtime.Stats{CPUSeconds: 0.5, MemoryBytes: 50, RxBytes: 1, TxBytes: 2})
	stats.set("g1", runtime.Stats{CPUSeconds: 7, MemoryBytes: 9, RxBytes: 3, TxBytes: 4})
	s, _ := newSampler(t, SamplerConfig{
		Containers: containers, Stats: stats,
		Desired: desired(map[string]map[string]int{"shop": {"web": 2, "worker": 1}, "blog": {"web": 1}, "Bad!": {"web": 1}}),
	})
	if err := s.Sample(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := sampled(t, s)
	expect(t, got, map[string]float64{
		"kyozo_service_up shop/web": 1, "kyozo_service_healthy_replicas shop/web": 1,
		"kyozo_service_replicas_desired shop/web": 2, "kyozo_service_replicas_running shop/web": 2,
		"kyozo_service_restarts_total shop/web": 3, "kyozo_service_cpu_seconds_total shop/web": 2,
		"kyozo_service_memory_bytes shop/web": 150, "kyozo_service_network_receive_bytes_total shop/web": 11,
		"kyozo_service_network_transmit_bytes_total shop/web": 22,

		"kyozo_service_up shop/worker": 0, "kyozo_service_replicas_running shop/worker": 0,
		"kyozo_service_replicas_desired shop/worker": 1, "kyozo_service_memory_bytes shop/worker": 0,

		// Wanted, nothing runs.
		"kyozo_service_up blog/web": 0, "kyozo_service_replicas_desired blog/web": 1,
		// Runs, nothing wants it.
		"kyozo_service_up gone/web": 1, "kyozo_service_replicas_desired gone/web": 0,
		"kyozo_service_cpu_seconds_total gone/web": 7,

		"kyozo_service_sample_errors_total": 0,
	})
	// 4 services × 9 series, and the sampler's own 3.
	if len(got) != 4*9+3 {
		t.Errorf("%d series: %v", len(got), got)
	}
	for k := range got {
		if strings.Contains(k, "postgres") || strings.Contains(k, "Shop") || strings.Contains(k, "Bad") || strings.HasSuffix(k, "/") {
			t.Errorf("series %s should not exist", k)
		}
	}
	// Only running containers are asked for stats.
	if stats.calls["k1"] != 0 || stats.calls["k2"] != 0 || stats.calls["w1"] != 1 {
		t.Errorf("stats calls = %v", stats.calls)
	}
	if f := containers.filters[0]; len(f) != 2 || f[runtime.LabelKind] != "service" || f[runtime.LabelManaged] != "true" {
		t.Errorf("list filter = %v", f)
	}
}

// TestSamplerFailingChecks: a replica whose Kyozo health checks fail is not
// healthy, though its image has no HEALTHCHECK.
func TestSamplerFailingChecks(t *testing.T) {
	containers := newFakeContainers(ctr("w1", "shop", "web"), ctr("w2", "shop", "web"))
	var failing sync.Map
	s, _ := newSampler(t, SamplerConfig{
		Containers: containers,
		Failing:    func(id string) bool { _, ok := failing.Load(id); return ok },
	})
	healthy := func() float64 {
		t.Helper()
		if err := s.Sample(context.Background()); err != nil {
			t.Fatal(err)
		}
		return sampled(t, s)["kyozo_service_healthy_replicas shop/web"]
	}
	if n := healthy(); n != 2 {
		t.Errorf("healthy replicas %v, want 2", n)
	}
	failing.Store("w2", true)
	if n := healthy(); n != 1 {
		t.Errorf("healthy replicas with w2's checks failing: %v, want 1", n)
	}
}

// TestSamplerCountersNeverGoBack follows one service through a deploy that
// replaces its container, a crash and restart, and a failed read.
func TestSamplerCountersNeverGoBack(t *testing.T) {
	containers := newFakeContainers()
	stats := newFakeStats()
	s, _ := newSampler(t, SamplerConfig{Containers: containers, Stats: stats, Desired: desired(map[string]map[string]int{"shop": {"web": 1}})})
	ctx := context.Background()

	var last map[string]float64
	step := func(name string, want map[string]float64) {
		t.Helper()
		s.Sample(ctx)
		got := sampled(t, s)
		for k, v := range got {
			if strings.Contains(k, "_total") && v < last[k] {
				t.Errorf("%s: %s went back from %v to %v", name, k, last[k], v)
			}
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", name, k, got[k], v)
			}
		}
		last = got
	}
	const (
		cpu      = "kyozo_service_cpu_seconds_total shop/web"
		rx       = "kyozo_service_network_receive_bytes_total shop/web"
		restarts = "kyozo_service_restarts_total shop/web"
		memory   = "kyozo_service_memory_bytes shop/web"
	)

	a := ctr("a", "shop", "web")
	a.Restarts = 2
	containers.set(a)
	stats.set("a", runtime.Stats{CPUSeconds: 10, RxBytes: 100, MemoryBytes: 64})
	step("first sample", map[string]float64{cpu: 10, rx: 100, restarts: 2, memory: 64})

	stats.set("a", runtime.Stats{CPUSeconds: 11, RxBytes: 150, MemoryBytes: 70})
	step("a grows", map[string]float64{cpu: 11, rx: 150, restarts: 2, memory: 70})

	// A deploy: b starts beside a, then a is gone.
	b := ctr("b", "shop", "web")
	b.StartedAt = t0.Add(time.Minute)
	containers.set(a, b)
	stats.set("b", runtime.Stats{CPUSeconds: 1, RxBytes: 5, MemoryBytes: 30})
	step("rollout", map[string]float64{cpu: 12, rx: 155, memory: 100, "kyozo_service_replicas_running shop/web": 2})
	containers.set(b)
	stats.set("b", runtime.Stats{CPUSeconds: 2, RxBytes: 9, MemoryBytes: 31})
	// a's 11 s stay counted; b adds its 1 s since the last sample.
	step("a removed", map[string]float64{cpu: 13, rx: 159, restarts: 2, memory: 31})

	// b crashes and the engine restarts it: its counters start again from
	// zero, so all of the new run's 3 s are new even though 3 > 2.
	b.StartedAt = t0.Add(2 * time.Minute)
	b.Restarts = 1
	containers.set(b)
	stats.set("b", runtime.Stats{CPUSeconds: 3, RxBytes: 12, MemoryBytes: 20})
	step("b restarted", map[string]float64{cpu: 16, rx: 171, restarts: 3, memory: 20})

	// A read that fails changes nothing and keeps the last memory; the
	// next good one adds what happened in between.
	stats.mu.Lock()
	stats.errs["b"] = errors.New("engine busy")
	stats.mu.Unlock()
	stats.set("b", runtime.Stats{CPUSeconds: 6.5, RxBytes: 20, MemoryBytes: 25})
	step("read failed", map[string]float64{cpu: 16, rx: 171, memory: 20, "kyozo_service_sample_errors_total": 1})
	stats.mu.Lock()
	delete(stats.errs, "b")
	stats.mu.Unlock()
	step("read works again", map[string]float64{cpu: 19.5, rx: 179, memory: 25})

	// Stopped (ps:stop): counters stay, memory is zero; started again
	// later, the new run's counters are added.
	b.Running, b.State = false, "exited"
	containers.set(b)
	step("stopped", map[string]float64{cpu: 19.5, memory: 0, "kyozo_service_up shop/web": 0})
	b.Running, b.State, b.StartedAt = true, "running", t0.Add(time.Hour)
	containers.set(b)
	stats.set("b", runtime.Stats{CPUSeconds: 8, RxBytes: 25, MemoryBytes: 10})
	step("started again", map[string]float64{cpu: 27.5, rx: 204, memory: 10, "kyozo_service_up shop/web": 1})
}

// TestSamplerBoundsAndTimeouts: stats are read two at a time, and one
// container whose read hangs costs the timeout, not the sample.
func TestSamplerBoundsAndTimeouts(t *testing.T) {
	var cs []runtime.Container
	stats := newFakeStats()
	stats.delay = 10 * time.Millisecond
	for i := range 12 {
		c := ctr(fmt.Sprintf("c%d", i), "shop", fmt.Sprintf("svc%d", i%3))
		cs = append(cs, c)
		stats.set(c.ID, runtime.Stats{CPUSeconds: 1})
	}
	stats.block["c5"] = true
	s, _ := newSampler(t, SamplerConfig{Containers: newFakeContainers(cs...), Stats: stats, Timeout: 100 * time.Millisecond})

	done := make(chan error, 1)
	go func() { done <- s.Sample(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Sample = %v, want the hung read's deadline", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a hung stats read blocked the sample")
	}
	if stats.max != 2 {
		t.Errorf("%d stats reads at once, want 2", stats.max)
	}
	got := sampled(t, s)
	expect(t, got, map[string]float64{
		"kyozo_service_cpu_seconds_total shop/svc0": 4,
		"kyozo_service_cpu_seconds_total shop/svc1": 4,
		"kyozo_service_cpu_seconds_total shop/svc2": 3, // c5's read timed out
		"kyozo_service_sample_errors_total":         1,
	})
}

// TestSamplerScrapeNeverWaits scrapes while a sample is stuck on the
// engine: the scrape gets the previous sample at once.
func TestSamplerScrapeNeverWaits(t *testing.T) {
	stats := newFakeStats()
	stats.set("a", runtime.Stats{CPUSeconds: 1})
	s, reg := newSampler(t, SamplerConfig{Containers: newFakeContainers(ctr("a", "shop", "web")), Stats: stats})
	s.Sample(context.Background())

	release := make(chan struct{})
	stats.mu.Lock()
	stats.release = release
	stats.stats["a"] = runtime.Stats{CPUSeconds: 2}
	stats.mu.Unlock()
	sampling := make(chan struct{})
	go func() { s.Sample(context.Background()); close(sampling) }()

	scraped := make(chan map[string]float64)
	go func() {
		if _, err := reg.Gather(); err != nil {
			t.Error(err)
		}
		scraped <- sampled(t, s)
	}()
	select {
	case got := <-scraped:
		if v := got["kyozo_service_cpu_seconds_total shop/web"]; v != 1 {
			t.Errorf("scrape during a sample served %v, want the last sample's 1", v)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("scrape waited for the sampler")
	}
	close(release)
	<-sampling
	if v := sampled(t, s)["kyozo_service_cpu_seconds_total shop/web"]; v != 2 {
		t.Errorf("after the sample: %v, want 2", v)
	}
}

func TestSamplerReadErrors(t *testing.T) {
	containers := newFakeContainers(ctr("a", "shop", "web"))
	stats := newFakeStats()
	stats.set("a", runtime.Stats{CPUSeconds: 3})
	want := map[string]map[string]int{"shop": {"web": 2}}
	var desiredErr error
	s, _ := newSampler(t, SamplerConfig{Containers: containers, Stats: stats,
		Desired: func(context.Context) (map[string]map[string]int, error) { return want, desiredErr }})
	ctx := context.Background()
	s.Sample(ctx)

	// The store is down: the last desired state stands.
	desiredErr = errors.New("redis: connection refused")
	want = nil
	if err := s.Sample(ctx); err == nil {
		t.Error("Sample hid the store's error")
	}
	expect(t, sampled(t, s), map[string]float64{"kyozo_service_replicas_desired shop/web": 2, "kyozo_service_sample_errors_total": 1})

	// The engine is down: the last sample stands rather than every
	// service reading as down.
	containers.fail(errors.New("docker: connection refused"))
	if err := s.Sample(ctx); err == nil {
		t.Error("Sample hid the engine's error")
	}
	expect(t, sampled(t, s), map[string]float64{
		"kyozo_service_up shop/web": 1, "kyozo_service_cpu_seconds_total shop/web": 3,
		"kyozo_service_sample_errors_total": 3,
	})

	// A container removed between the list and its stats is no error.
	containers.fail(nil)
	containers.set(ctr("a", "shop", "web"), ctr("gone", "shop", "web"))
	desiredErr = nil
	want = map[string]map[string]int{"shop": {"web": 2}}
	if err := s.Sample(ctx); err != nil {
		t.Errorf("Sample = %v", err)
	}
}

func TestSamplerForgetsServices(t *testing.T) {
	containers := newFakeContainers(ctr("a", "shop", "web"), ctr("b", "shop", "api"))
	want := map[string]map[string]int{"shop": {"web": 1, "api": 1}}
	s, _ := newSampler(t, SamplerConfig{Containers: containers, Stats: newFakeStats(),
		Desired: func(context.Context) (map[string]map[string]int, error) { return want, nil }})
	s.Sample(context.Background())
	if _, ok := sampled(t, s)["kyozo_service_up shop/api"]; !ok {
		t.Fatal("shop/api not sampled")
	}
	// api left the topology and its container was removed.
	want = map[string]map[string]int{"shop": {"web": 1}}
	containers.set(ctr("a", "shop", "web"))
	s.Sample(context.Background())
	for k := range sampled(t, s) {
		if strings.Contains(k, "shop/api") {
			t.Errorf("%s still served", k)
		}
	}
	if len(s.totals) != 1 || len(s.last) != 1 {
		t.Errorf("state kept: %d services, %d containers", len(s.totals), len(s.last))
	}
}

func TestSamplerWithoutStats(t *testing.T) {
	s, _ := newSampler(t, SamplerConfig{Containers: newFakeContainers(ctr("a", "shop", "web"))})
	if problems, err := testutil.CollectAndLint(s); err != nil || len(problems) > 0 {
		t.Errorf("lint before the first sample: %v %v", problems, err)
	}
	if n := testutil.CollectAndCount(s); n != 0 {
		t.Errorf("%d series before the first sample", n)
	}
	s.Sample(context.Background())
	got := sampled(t, s)
	if len(got) != 5+3 {
		t.Errorf("without a stats reader: %v", got)
	}
	if _, ok := got["kyozo_service_cpu_seconds_total shop/web"]; ok {
		t.Error("cpu served without a stats reader")
	}
}

func TestSamplerConfig(t *testing.T) {
	m, _ := newMetrics(t)
	if _, err := m.NewSampler(SamplerConfig{}); err == nil {
		t.Error("a sampler without a container lister was made")
	}
	s, err := m.NewSampler(SamplerConfig{Containers: newFakeContainers()})
	if err != nil {
		t.Fatal(err)
	}
	if s.cfg.Interval != 10*time.Second || s.cfg.Timeout != 5*time.Second || s.cfg.Concurrency != 2 {
		t.Errorf("defaults: %+v", s.cfg)
	}
	if _, err := m.NewSampler(SamplerConfig{Containers: newFakeContainers()}); err == nil {
		t.Error("two samplers registered on one registry")
	}
}

// TestSamplerStartStop runs the background loop fast while scrapes run
// beside it (for -race), and checks Stop ends it.
func TestSamplerStartStop(t *testing.T) {
	containers := newFakeContainers(ctr("a", "shop", "web"))
	stats := newFakeStats()
	stats.set("a", runtime.Stats{CPUSeconds: 1})
	s, reg := newSampler(t, SamplerConfig{Containers: containers, Stats: stats, Interval: time.Millisecond})
	ctx := context.Background()
	s.Stop() // before Start: nothing to stop
	s.Start(ctx)
	s.Start(ctx) // a second Start does not start a second loop

	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := reg.Gather(); err != nil {
			t.Fatal(err)
		}
		containers.mu.Lock()
		n := containers.calls
		containers.mu.Unlock()
		if n >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d samples in 30 s", n)
		}
		stats.set("a", runtime.Stats{CPUSeconds: float64(n)})
	}
	s.Stop()
	s.Stop()
	containers.mu.Lock()
	n := containers.calls
	containers.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	containers.mu.Lock()
	defer containers.mu.Unlock()
	if containers.calls != n {
		t.Errorf("sampling went on after Stop: %d then %d", n, containers.calls)
	}
	if sampled(t, s)["kyozo_service_cpu_seconds_total shop/web"] == 0 {
		t.Error("the last sample is not served after Stop")
	}
}

// TestSamplerStopsWithContext: the loop also ends with Start's context.
func TestSamplerStopsWithContext(t *testing.T) {
	containers := newFakeContainers()
	s, _ := newSampler(t, SamplerConfig{Containers: containers, Interval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	s.Start(ctx)
	cancel()
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the loop outlived its context")
	}
	s.Stop()
}

// TestSamplerLogsChanges: an engine that stays down is logged once, and
// its return once.
func TestSamplerLogsChanges(t *testing.T) {
	var buf syncbuf.Buffer
	containers := newFakeContainers(ctr("a", "shop", "web"))
	s, _ := newSampler(t, SamplerConfig{Containers: containers, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	ctx := context.Background()
	containers.fail(errors.New("docker: connection refused"))
	for range 5 {
		s.Sample(ctx)
	}
	containers.fail(nil)
	s.Sample(ctx)
	s.Sample(ctx)
	out := buf.String()
	if n := strings.Count(out, "level=WARN"); n != 1 || !strings.Contains(out, "connection refused") {
		t.Errorf("%d warnings:\n%s", n, out)
	}
	if n := strings.Count(out, "level=INFO"); n != 1 {
		t.Errorf("%d recoveries logged:\n%s", n, out)
	}
}

// TestSamplerStopMidSample: reads cut short by Stop are not errors and do
// not replace the last snapshot.
func TestSamplerStopMidSample(t *testing.T) {
	stats := newFakeStats()
	stats.set("a", runtime.Stats{CPUSeconds: 4})
	s, _ := newSampler(t, SamplerConfig{Containers: newFakeContainers(ctr("a", "shop", "web")), Stats: stats, Timeout: time.Hour})
	s.Sample(context.Background())
	stats.mu.Lock()
	stats.block["a"] = true
	stats.mu.Unlock()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Sample(ctx) }()
	for {
		stats.mu.Lock()
		n := stats.inflight
		stats.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Sample = %v, want context.Canceled", err)
	}
	expect(t, sampled(t, s), map[string]float64{
		"kyozo_service_cpu_seconds_total shop/web": 4, "kyozo_service_memory_bytes shop/web": 0,
		"kyozo_service_sample_errors_total": 0,
	})
}
