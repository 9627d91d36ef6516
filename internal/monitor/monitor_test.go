package monitor

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kyozo/kyozo/internal/metrics"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

// replica is a real HTTP server standing in for one container; mode says
// how its health path answers.
type replica struct {
	mode atomic.Value // "ok", "500" or "hang"
	srv  *http.Server
}

func serveReplica(t *testing.T, ip string, port int) (*replica, int) {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{}
	r.mode.Store("ok")
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch r.mode.Load() {
		case "500":
			http.Error(w, "sick", http.StatusInternalServerError)
		case "hang":
			<-req.Context().Done()
		default:
			w.Write([]byte("ok"))
		}
	})}
	go r.srv.Serve(l)
	t.Cleanup(func() { r.srv.Close() })
	return r, l.Addr().(*net.TCPAddr).Port
}

type takeOuts struct {
	mu  sync.Mutex
	ids []string
}

func (f *takeOuts) TakeOut(_ context.Context, app, id string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, app+"/"+id)
	return true, nil
}

type queue struct {
	mu  sync.Mutex
	ops []tasks.Op
}

func (q *queue) EnqueueContext(_ context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	op, err := tasks.ParseOp(t)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ops = append(q.ops, op)
	return &asynq.TaskInfo{ID: op.JobID}, nil
}

// counter reads kyozo_health_checks_total for a result.
func counter(t *testing.T, reg *prometheus.Registry, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != "kyozo_health_checks_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}

// TestReplaceAfterThreshold runs the monitor against two real replicas of
// a web service (127.0.0.1 and 127.0.0.2, one port), a worker it must not
// check, and a stopped service, with a real Redis for the app state and
// the audit trail.
func TestReplaceAfterThreshold(t *testing.T) {
	ctx := context.Background()
	st := redistest.Store(t)
	r1, port := serveReplica(t, "127.0.0.1", 0)
	r2, _ := serveReplica(t, "127.0.0.2", port)

	rt := runtimetest.New()
	rt.Add(runtime.Container{ID: "c1", Running: true, IP: "127.0.0.1"})
	rt.Add(runtime.Container{ID: "c2", Running: true, IP: "127.0.0.2"})
	rt.Add(runtime.Container{ID: "w1", Running: true, IP: "127.0.0.3"})
	rt.Add(runtime.Container{ID: "s1", Running: true, IP: "127.0.0.4"})
	if err := st.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	rel := &store.Release{App: "shop", Services: map[string]store.ReleaseService{
		"web":    {Kind: "web", Port: port, HealthPath: "/health", Replicas: 2},
		"worker": {Kind: "worker", Replicas: 1},
		"admin":  {Kind: "web", Port: port + 1, Replicas: 1},
	}}
	running := map[string]store.Running{
		"web":    {Containers: []string{"c1", "c2"}, Replicas: 2},
		"worker": {Containers: []string{"w1"}, Replicas: 1},
		"admin":  {Containers: []string{"s1"}, Replicas: 1, Stopped: true},
	}
	if err := st.Activate(ctx, "shop", rel, 0, running); err != nil {
		t.Fatal(err)
	}

	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, metrics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	routes, q := &takeOuts{}, &queue{}
	mon := &Monitor{
		Store: st, Runtime: rt, Routes: routes, Queue: q, Metrics: m,
		Logger:   slog.New(slog.DiscardHandler),
		Interval: time.Hour, Timeout: 300 * time.Millisecond, Threshold: 3,
	}
	round := func() {
		t.Helper()
		if err := mon.Once(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// All healthy: two checks a round (web's replicas only), no action.
	round()
	if ok := counter(t, reg, "ok"); ok != 2 {
		t.Fatalf("checks after a healthy round: %v ok, want 2 (web's replicas, not the worker or the stopped service)", ok)
	}

	// c1 flaps: two failures, a success, two failures: never 3 in a row.
	r1.mode.Store("500")
	round()
	round()
	r1.mode.Store("ok")
	round()
	r1.mode.Store("500")
	round()
	round()
	r1.mode.Store("ok")
	if len(q.ops) != 0 || len(routes.ids) != 0 {
		t.Fatalf("a flapping replica under the threshold was acted on: %v %v", q.ops, routes.ids)
	}
	if !mon.Failing("c1") || mon.Failing("c2") {
		t.Errorf("Failing: c1 %v (its last check failed), c2 %v", mon.Failing("c1"), mon.Failing("c2"))
	}
	round()
	if mon.Failing("c1") {
		t.Error("c1 passed its last check and still counts as failing")
	}

	// c2 hangs past the timeout three times in a row: taken out, replaced.
	r2.mode.Store("hang")
	round()
	round()
	if len(q.ops) != 0 {
		t.Fatalf("replaced after 2 failures: %v", q.ops)
	}
	round()
	if len(routes.ids) != 1 || routes.ids[0] != "shop/c2" {
		t.Errorf("taken out of rotation: %v, want shop/c2", routes.ids)
	}
	if len(q.ops) != 1 {
		t.Fatalf("heal jobs queued: %v, want 1", q.ops)
	}
	op := q.ops[0]
	if op.Op != tasks.OpHeal || op.App != "shop" || len(op.Replace) != 1 || op.Replace[0] != "c2" || op.Actor != "kyozo" {
		t.Errorf("heal job: %+v", op)
	}
	if j, err := st.Job(ctx, op.JobID); err != nil || j.State != store.JobQueued {
		t.Errorf("heal job record: %+v %v", j, err)
	}
	evs, err := st.EventsList(ctx, "shop", 0)
	if err != nil || len(evs) != 1 {
		t.Fatalf("events: %+v %v", evs, err)
	}
	if e := evs[0]; e.Type != store.EventHealth || e.Actor != "kyozo" || !strings.Contains(e.Message, "web replica c2 failed 3 checks") || e.Error == "" {
		t.Errorf("health event: %+v", e)
	}

	// Still failing while its replacement is on its way: not queued again.
	round()
	round()
	if len(q.ops) != 1 {
		t.Errorf("queued again while the replacement is pending: %d jobs", len(q.ops))
	}
	if failed := counter(t, reg, "failed"); failed != 9 {
		t.Errorf("failed checks counted: %v, want 9", failed)
	}
}

// TestContainerGone: a replica whose container went away is not checked
// and its failure count does not linger.
func TestContainerGone(t *testing.T) {
	ctx := context.Background()
	st := redistest.Store(t)
	rt := runtimetest.New()
	rt.Add(runtime.Container{ID: "c1", Running: true, IP: "127.0.0.1"})
	st.CreateApp(ctx, store.App{Name: "blog", Owner: "alice"})
	port := 1 // nothing listens: every check fails
	st.Activate(ctx, "blog", &store.Release{App: "blog", Services: map[string]store.ReleaseService{
		"web": {Kind: "web", Port: port, Replicas: 1},
	}}, 0, map[string]store.Running{"web": {Containers: []string{"c1"}, Replicas: 1}})
	q := &queue{}
	mon := &Monitor{Store: st, Runtime: rt, Routes: &takeOuts{}, Queue: q, Logger: slog.New(slog.DiscardHandler),
		Interval: time.Hour, Timeout: 200 * time.Millisecond, Threshold: 2}
	mon.Once(ctx)
	if mon.failures["c1"] != 1 {
		t.Fatalf("failures of c1: %d, want 1", mon.failures["c1"])
	}
	rt.Set("c1", func(c *runtime.Container) { c.Running = false })
	mon.Once(ctx)
	if _, ok := mon.failures["c1"]; ok || len(q.ops) != 0 {
		t.Errorf("a stopped container kept its count (%v) or was healed (%v)", mon.failures, q.ops)
	}
}
