package metrics

import (
	"context"
	"fmt"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

var sshCommands = []string{"git-receive-pack", "git-upload-pack", "help", "keys:add", "keys:list", "keys:remove"}

func newMetrics(t testing.TB) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	m, err := New(reg, Options{SSHCommands: sshCommands})
	if err != nil {
		t.Fatal(err)
	}
	return m, reg
}

// exercise calls every recording method once, so every vector has series.
func exercise(m *Metrics) {
	m.Deploy("shop", DeploySucceeded)
	m.DeployStage(StageBuild, 3*time.Second)
	m.Build("shop", BuildBuilt, 40*time.Second)
	m.Rollback("shop")
	m.GitPush("shop", 1<<20)
	m.SSHSession("git-receive-pack", SSHOK)
	m.HealthCheck("shop", "web", true, 3*time.Millisecond)
	m.InFlight("shop", "web", 1)
	m.Request("shop", "web", 200, 20*time.Millisecond)
	m.InFlight("shop", "web", -1)
	m.Request("", "", 404, time.Millisecond)
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		m.deploys, m.stageSeconds, m.builds, m.buildSeconds, m.rollbacks, m.sshSessions,
		m.pushBytes, m.healthChecks, m.healthSecs, m.requests, m.requestSecs, m.inFlight,
	}
}

// TestLint runs promlint over every collector the package makes, and over
// the whole registry as a scrape sees it.
func TestLint(t *testing.T) {
	m, reg := newMetrics(t)
	exercise(m)
	if err := m.RegisterQueues(&fakeInspector{queues: map[string]int{"deploys": 1}}, nil); err != nil {
		t.Fatal(err)
	}
	s, err := m.NewSampler(SamplerConfig{Containers: newFakeContainers(), Stats: newFakeStats(), Desired: desired(map[string]map[string]int{"shop": {"web": 1}})})
	if err != nil {
		t.Fatal(err)
	}
	s.Sample(context.Background())

	all := append(m.collectors(), NewQueueCollector(&fakeInspector{queues: map[string]int{"deploys": 1}}, nil), s)
	for _, c := range all {
		problems, err := testutil.CollectAndLint(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("promlint: %s: %s", p.Metric, p.Text)
		}
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint (registry): %s: %s", p.Metric, p.Text)
	}

	// Every metric the dashboard and alert rules use is there, with help.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		got[mf.GetName()] = mf
	}
	for _, name := range []string{
		"kyozo_deploys_total", "kyozo_deploy_stage_duration_seconds", "kyozo_builds_total",
		"kyozo_build_duration_seconds", "kyozo_rollbacks_total", "kyozo_queue_tasks",
		"kyozo_ssh_sessions_total", "kyozo_git_push_bytes_total",
		"kyozo_service_up", "kyozo_service_healthy_replicas", "kyozo_service_replicas_desired",
		"kyozo_service_replicas_running", "kyozo_service_restarts_total", "kyozo_service_cpu_seconds_total",
		"kyozo_service_memory_bytes", "kyozo_service_network_receive_bytes_total",
		"kyozo_service_network_transmit_bytes_total", "kyozo_health_checks_total",
		"kyozo_health_check_duration_seconds", "kyozo_router_requests_total",
		"kyozo_router_request_duration_seconds", "kyozo_router_requests_in_flight",
	} {
		mf := got[name]
		if mf == nil {
			t.Errorf("%s is not served", name)
			continue
		}
		if len(mf.GetHelp()) < 20 {
			t.Errorf("%s: help %q says too little", name, mf.GetHelp())
		}
	}
}

func TestPlatformValues(t *testing.T) {
	m, _ := newMetrics(t)

	m.Deploy("shop", DeploySucceeded)
	m.Deploy("shop", DeploySucceeded)
	m.Deploy("shop", DeployFailed)
	m.Deploy("blog", DeploySuperseded)
	m.Deploy("blog", DeployResult("exploded")) // a result no code path should produce
	want := `
# HELP kyozo_deploys_total Deploys that ended, by app and result (succeeded, failed, superseded, cancelled).
# TYPE kyozo_deploys_total counter
kyozo_deploys_total{app="blog",result="cancelled"} 0
kyozo_deploys_total{app="blog",result="failed"} 0
kyozo_deploys_total{app="blog",result="other"} 1
kyozo_deploys_total{app="blog",result="succeeded"} 0
kyozo_deploys_total{app="blog",result="superseded"} 1
kyozo_deploys_total{app="shop",result="cancelled"} 0
kyozo_deploys_total{app="shop",result="failed"} 1
kyozo_deploys_total{app="shop",result="succeeded"} 2
kyozo_deploys_total{app="shop",result="superseded"} 0
`
	if err := testutil.CollectAndCompare(m.deploys, strings.NewReader(want)); err != nil {
		t.Error(err)
	}

	m.Build("shop", BuildBuilt, 30*time.Second)
	m.Build("shop", BuildReused, 0)
	m.Build("shop", BuildFailed, 2*time.Second)
	if got := testutil.ToFloat64(m.builds.WithLabelValues("shop", "built")); got != 1 {
		t.Errorf("builds built = %v", got)
	}
	if got := testutil.ToFloat64(m.builds.WithLabelValues("shop", "reused")); got != 1 {
		t.Errorf("builds reused = %v", got)
	}
	// A reused image took no build: two builds timed, 32 s in all.
	if n, sum := histogram(t, m.buildSeconds.WithLabelValues("shop")); n != 2 || sum != 32 {
		t.Errorf("build duration count %d sum %v, want 2 and 32", n, sum)
	}

	for _, st := range []Stage{StageDetect, StageBuild, StageRollout, StageTotal} {
		m.DeployStage(st, 1500*time.Millisecond)
	}
	if n, sum := histogram(t, m.stageSeconds.WithLabelValues("total")); n != 1 || sum != 1.5 {
		t.Errorf("total stage: count %d sum %v", n, sum)
	}

	m.Rollback("shop")
	m.Rollback("shop")
	if got := testutil.ToFloat64(m.rollbacks.WithLabelValues("shop")); got != 2 {
		t.Errorf("rollbacks = %v", got)
	}
	m.GitPush("shop", 1000)
	m.GitPush("shop", 24)
	m.GitPush("shop", -5) // nonsense is ignored, a counter never goes back
	if got := testutil.ToFloat64(m.pushBytes.WithLabelValues("shop")); got != 1024 {
		t.Errorf("push bytes = %v", got)
	}

	m.HealthCheck("shop", "web", true, 10*time.Millisecond)
	m.HealthCheck("shop", "web", false, 2*time.Second)
	m.HealthCheck("shop", "web", true, 10*time.Millisecond)
	if ok, failed := testutil.ToFloat64(m.healthChecks.WithLabelValues("shop", "web", "ok")),
		testutil.ToFloat64(m.healthChecks.WithLabelValues("shop", "web", "failed")); ok != 2 || failed != 1 {
		t.Errorf("health checks ok %v failed %v", ok, failed)
	}
	if n, sum := histogram(t, m.healthSecs.WithLabelValues("shop", "web")); n != 3 || sum != 2.02 {
		t.Errorf("health duration count %d sum %v", n, sum)
	}
}

func TestSSHCommandsAreBounded(t *testing.T) {
	m, _ := newMetrics(t)
	// Every known command and result is there from the start, at zero.
	if n := testutil.CollectAndCount(m.sshSessions); n != len(sshCommands)*4 {
		t.Fatalf("series at start = %d, want %d", n, len(sshCommands)*4)
	}
	m.SSHSession("git-receive-pack", SSHOK)
	m.SSHSession("keys:add", SSHRefused)
	for i := range 1000 {
		m.SSHSession(fmt.Sprintf("rm -rf /%d", i), SSHUsage)
	}
	m.SSHSession("help", SSHResult("weird"))
	if got := testutil.ToFloat64(m.sshSessions.WithLabelValues("git-receive-pack", "ok")); got != 1 {
		t.Errorf("receive-pack ok = %v", got)
	}
	if got := testutil.ToFloat64(m.sshSessions.WithLabelValues("keys:add", "refused")); got != 1 {
		t.Errorf("keys:add refused = %v", got)
	}
	if got := testutil.ToFloat64(m.sshSessions.WithLabelValues("other", "usage")); got != 1000 {
		t.Errorf("other usage = %v", got)
	}
	// A thousand made-up names added one series; a made-up result another.
	if n := testutil.CollectAndCount(m.sshSessions); n != len(sshCommands)*4+2 {
		t.Errorf("series = %d, want %d", n, len(sshCommands)*4+2)
	}
}

func TestNamesAreBounded(t *testing.T) {
	m, _ := newMetrics(t)
	for _, bad := range []string{"", "Shop", "shop/../etc", "a0123456789012345678901234567890123456789012345678901234567890123", "shop\n", "-shop", "9shop"} {
		m.Deploy(bad, DeployFailed)
		m.HealthCheck("shop", bad, false, time.Millisecond)
		m.Request(bad, "web", 200, time.Millisecond)
		m.Request("shop", bad, 200, time.Millisecond)
	}
	if got := testutil.ToFloat64(m.deploys.WithLabelValues("unknown", "failed")); got != 7 {
		t.Errorf("deploys of invalid names = %v, want 7 under unknown", got)
	}
	if got := testutil.ToFloat64(m.healthChecks.WithLabelValues("shop", "unknown", "failed")); got != 7 {
		t.Errorf("health checks of invalid services = %v", got)
	}
	// app "" is an unknown host (its service is ignored); an invalid name
	// is unknown too, and a valid one beside it is kept.
	if got := testutil.ToFloat64(m.requests.WithLabelValues("unknown", "unknown", "2xx")); got != 1 {
		t.Errorf("requests for an unknown host = %v", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("unknown", "web", "2xx")); got != 6 {
		t.Errorf("requests for invalid apps' web = %v", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("shop", "unknown", "2xx")); got != 7 {
		t.Errorf("requests for invalid services of shop = %v", got)
	}
	if n := testutil.CollectAndCount(m.deploys); n != 4 {
		t.Errorf("deploy series = %d, want the 4 results of unknown", n)
	}
	if n := len(*m.routes.Load()); n > 3 {
		t.Errorf("router cache holds %d entries for 3 distinct label sets", n)
	}
}

func TestNilMetrics(t *testing.T) {
	var m *Metrics
	exercise(m)
	m.ForgetApp("shop")
	if m.Observer() != nil {
		t.Error("nil Metrics' Observer is not a nil interface")
	}
	if err := m.Register(prometheus.NewCounter(prometheus.CounterOpts{Name: "x_total", Help: "x"})); err != nil {
		t.Error(err)
	}
	if err := m.RegisterQueues(&fakeInspector{}, nil); err != nil {
		t.Error(err)
	}
	s, err := m.NewSampler(SamplerConfig{})
	if s != nil || err != nil {
		t.Fatalf("nil Metrics' sampler = %v, %v", s, err)
	}
	s.Start(context.Background())
	if err := s.Sample(context.Background()); err != nil {
		t.Error(err)
	}
	s.Stop()
}

func TestNewRefusesTwiceOnOneRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := New(reg, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(reg, Options{}); err == nil {
		t.Error("second New on one registry succeeded")
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New with a nil registerer succeeded")
	}
}

func TestForgetApp(t *testing.T) {
	m, _ := newMetrics(t)
	exercise(m)
	m.Deploy("blog", DeploySucceeded)
	m.Request("blog", "web", 200, time.Millisecond)

	m.ForgetApp("shop")
	for _, c := range m.collectors() {
		if n := countWith(t, c, "app", "shop"); n != 0 {
			t.Errorf("%d series of shop left", n)
		}
	}
	if got := testutil.ToFloat64(m.deploys.WithLabelValues("blog", "succeeded")); got != 1 {
		t.Errorf("blog's deploys = %v after forgetting shop", got)
	}
	// A request for shop after it was forgotten is counted from zero, in
	// a series that is served (not in a cached one nobody scrapes).
	m.Request("shop", "web", 200, time.Millisecond)
	m.Deploy("shop", DeployFailed)
	if got := testutil.ToFloat64(m.requests.WithLabelValues("shop", "web", "2xx")); got != 1 {
		t.Errorf("shop's requests after forgetting = %v", got)
	}
	if got := testutil.ToFloat64(m.deploys.WithLabelValues("shop", "succeeded")); got != 0 {
		t.Errorf("shop's zeroed series not recreated: %v", got)
	}
	// Unknown hosts are cached under "" but labelled unknown: forgetting
	// "unknown" must not leave the cache counting into a dropped series.
	m.ForgetApp("unknown")
	m.Request("", "", 404, time.Millisecond)
	if got := testutil.ToFloat64(m.requests.WithLabelValues("unknown", "unknown", "4xx")); got != 1 {
		t.Errorf("unknown-host requests after forgetting = %v", got)
	}
}

// TestConcurrentUse hammers every method from many goroutines while a
// scraper gathers; run with -race. The totals must add up.
func TestConcurrentUse(t *testing.T) {
	m, reg := newMetrics(t)
	const workers, each = 8, 500
	var wg sync.WaitGroup
	stop := make(chan struct{})
	scraped := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				scraped <- n
				return
			default:
			}
			if _, err := reg.Gather(); err != nil {
				t.Error(err)
			}
			n++
		}
	}()
	for w := range workers {
		wg.Go(func() {
			app := fmt.Sprintf("app%d", w%3)
			for i := range each {
				svc := fmt.Sprintf("svc%d", i%4)
				m.InFlight(app, svc, 1)
				m.Request(app, svc, 200+100*(i%4), time.Duration(i)*time.Microsecond)
				m.InFlight(app, svc, -1)
				m.Deploy(app, DeploySucceeded)
				m.Build(app, BuildBuilt, time.Second)
				m.DeployStage(StageTotal, time.Second)
				m.SSHSession("help", SSHOK)
				m.GitPush(app, 1)
				m.HealthCheck(app, svc, i%2 == 0, time.Millisecond)
				if i == each/2 && w == 0 {
					m.ForgetApp("app9") // no such app: must not disturb the rest
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	if n := <-scraped; n == 0 {
		t.Error("no scrape ran alongside")
	}

	total := 0.0
	for a := range 3 {
		for s := range 4 {
			for _, c := range codeClasses {
				total += testutil.ToFloat64(m.requests.WithLabelValues(fmt.Sprintf("app%d", a), fmt.Sprintf("svc%d", s), c))
			}
			if v := testutil.ToFloat64(m.inFlight.WithLabelValues(fmt.Sprintf("app%d", a), fmt.Sprintf("svc%d", s))); v != 0 {
				t.Errorf("in flight app%d/svc%d = %v after every request ended", a, s, v)
			}
		}
	}
	if total != workers*each {
		t.Errorf("requests counted = %v, want %d", total, workers*each)
	}
	if got := testutil.ToFloat64(m.sshSessions.WithLabelValues("help", "ok")); got != workers*each {
		t.Errorf("ssh sessions = %v", got)
	}
}

// histogram returns a histogram child's count and sum.
func histogram(t *testing.T, o prometheus.Observer) (uint64, float64) {
	t.Helper()
	var pb dto.Metric
	if err := o.(prometheus.Metric).Write(&pb); err != nil {
		t.Fatal(err)
	}
	h := pb.GetHistogram()
	// Round the sum: float addition of durations is not exact.
	return h.GetSampleCount(), float64(int64(h.GetSampleSum()*1e6+0.5)) / 1e6
}

// countWith counts c's series whose label name has value.
func countWith(t *testing.T, c prometheus.Collector, name, value string) int {
	t.Helper()
	ch := make(chan prometheus.Metric)
	go func() { c.Collect(ch); close(ch) }()
	n := 0
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			t.Fatal(err)
		}
		for _, lp := range pb.GetLabel() {
			if lp.GetName() == name && lp.GetValue() == value {
				n++
			}
		}
	}
	return n
}
