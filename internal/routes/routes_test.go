package routes

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/router"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

func setup(t *testing.T) (*Controller, *store.Redis, *runtimetest.Fake) {
	t.Helper()
	st := redistest.Store(t)
	rt := runtimetest.New()
	c := &Controller{
		Store: st, Runtime: rt, Router: router.New(router.Options{}), Domain: "localhost", DrainTimeout: time.Second,
		StopTimeout: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return c, st, rt
}

func container(rt *runtimetest.Fake, id, ip, service string) {
	rt.Add(runtime.Container{ID: id, IP: ip, Running: true, State: "running", Labels: map[string]string{
		runtime.LabelApp: "shop", runtime.LabelService: service, runtime.LabelKind: "service", runtime.LabelManaged: "true",
	}})
}

func release(t *testing.T, st *store.Redis, containers map[string][]string) int {
	t.Helper()
	rel := &store.Release{App: "shop", Commit: "c", Services: map[string]store.ReleaseService{
		"web":    {Port: 8080, Hosts: []string{"shop.localhost", "web.shop.localhost"}},
		"worker": {},
	}}
	running := map[string]store.Running{}
	for s, ids := range containers {
		running[s] = store.Running{Containers: ids, Replicas: len(ids)}
	}
	if err := st.Activate(context.Background(), "shop", rel, 0, running); err != nil {
		t.Fatal(err)
	}
	return rel.Version
}

func TestSwitchRoutesAndRetiresTheOldRelease(t *testing.T) {
	ctx := context.Background()
	c, st, rt := setup(t)
	st.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"})
	container(rt, "w1", "10.0.0.1", "web")
	container(rt, "k1", "10.0.0.2", "worker")
	v1 := release(t, st, map[string][]string{"web": {"w1"}, "worker": {"k1"}})
	if err := c.Switch(ctx, "shop", v1); err != nil {
		t.Fatal(err)
	}
	r, ok := c.Router.Lookup("SHOP.localhost:8000")
	if !ok || len(r.Targets) != 1 || r.Targets[0].Addr != "10.0.0.1:8080" || r.Service != "web" {
		t.Fatalf("v1 route: %+v %v", r, ok)
	}
	container(rt, "w2", "10.0.0.3", "web")
	container(rt, "k2", "10.0.0.4", "worker")
	v2 := release(t, st, map[string][]string{"web": {"w2"}, "worker": {"k2"}})
	if err := c.Switch(ctx, "shop", v1); err == nil {
		t.Error("switching to a release that is not current")
	}
	if err := c.Switch(ctx, "shop", v2); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Router.Lookup("web.shop.localhost"); r.Targets[0].Addr != "10.0.0.3:8080" {
		t.Errorf("v2 route: %+v", r)
	}
	c.Wait()
	running := rt.Running()
	slices.Sort(running)
	if !slices.Equal(running, []string{"k2", "w2"}) {
		t.Errorf("after the switch, running %v: the old web and the old worker must go", running)
	}
}

func TestSyncAfterRestart(t *testing.T) {
	ctx := context.Background()
	c, st, rt := setup(t)
	st.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"})
	st.CreateApp(ctx, store.App{Name: "empty", Owner: "alice"})
	container(rt, "w1", "10.0.0.1", "web")
	container(rt, "gone", "10.0.0.9", "web")
	rt.Set("gone", func(c *runtime.Container) { c.Running = false })
	release(t, st, map[string][]string{"web": {"w1", "gone", "missing"}})
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	r, ok := c.Router.Lookup("shop.localhost")
	if !ok || len(r.Targets) != 1 || r.Targets[0].ID != "w1" {
		t.Errorf("only the running container is routed: %+v", r)
	}
	if len(rt.Removed) != 0 {
		t.Errorf("Sync removed containers: %v", rt.Removed)
	}
}

// Custom domains reach the main web service, from the next Refresh (and
// every switch after it); removing one takes it off the router.
func TestCustomDomains(t *testing.T) {
	ctx := context.Background()
	c, st, rt := setup(t)
	st.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"})
	container(rt, "w1", "10.0.0.1", "web")
	v1 := release(t, st, map[string][]string{"web": {"w1"}})
	if err := c.Switch(ctx, "shop", v1); err != nil {
		t.Fatal(err)
	}
	if err := st.AddDomains(ctx, "shop", []string{"www.shop.test", "shop.test"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Refresh(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"www.shop.test", "SHOP.test:8000"} {
		if r, ok := c.Router.Lookup(h); !ok || r.Service != "web" || len(r.Targets) != 1 || r.Targets[0].ID != "w1" {
			t.Errorf("%s: %+v %v", h, r, ok)
		}
	}
	if _, ok := c.Router.Lookup("www.web.shop.test"); ok {
		t.Error("a domain reaches more than the main web service")
	}
	container(rt, "w2", "10.0.0.2", "web")
	v2 := release(t, st, map[string][]string{"web": {"w2"}})
	if err := c.Switch(ctx, "shop", v2); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Router.Lookup("www.shop.test"); len(r.Targets) != 1 || r.Targets[0].ID != "w2" {
		t.Errorf("after a switch: %+v", r)
	}
	st.RemoveDomains(ctx, "shop", []string{"www.shop.test"})
	if err := c.Refresh(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Router.Lookup("www.shop.test"); ok {
		t.Error("a removed domain is still routed")
	}
	if _, ok := c.Router.Lookup("shop.test"); !ok {
		t.Error("the other domain went with it")
	}
	c.Wait()
}

// TestTakeOut: a failing replica leaves the rotation while its service has
// another, stays out across a switch, and is forgotten once retired.
func TestTakeOut(t *testing.T) {
	ctx := context.Background()
	c, st, rt := setup(t)
	st.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"})
	container(rt, "w1", "10.0.0.1", "web")
	container(rt, "w2", "10.0.0.2", "web")
	v1 := release(t, st, map[string][]string{"web": {"w1", "w2"}})
	if err := c.Switch(ctx, "shop", v1); err != nil {
		t.Fatal(err)
	}
	addrs := func() []string {
		r, _ := c.Router.Lookup("shop.localhost")
		var out []string
		for _, tg := range r.Targets {
			out = append(out, tg.Addr)
		}
		return out
	}
	out, err := c.TakeOut(ctx, "shop", "w2")
	if err != nil || !out {
		t.Fatalf("TakeOut w2: %v %v", out, err)
	}
	if got := addrs(); !slices.Equal(got, []string{"10.0.0.1:8080"}) {
		t.Errorf("targets with w2 out: %v", got)
	}
	// The only other replica fails too: better a failing target than none.
	out, err = c.TakeOut(ctx, "shop", "w1")
	if err != nil || out {
		t.Errorf("TakeOut of the last healthy replica: out=%v %v", out, err)
	}
	if got := addrs(); len(got) != 2 {
		t.Errorf("targets with every replica failing: %v, want both", got)
	}

	// A heal replaces w2 with w3: w2 is retired and forgotten; w1, still
	// failing, stays out while w3 serves.
	container(rt, "w3", "10.0.0.3", "web")
	if err := st.Activate(ctx, "shop", nil, v1, map[string]store.Running{"web": {Containers: []string{"w1", "w3"}, Replicas: 2}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Switch(ctx, "shop", v1); err != nil {
		t.Fatal(err)
	}
	if got := addrs(); !slices.Equal(got, []string{"10.0.0.3:8080"}) {
		t.Errorf("targets after the heal: %v, want only w3", got)
	}
	c.Wait()
	if _, failing := c.failing.Load("w2"); failing {
		t.Error("a retired container is still remembered as failing")
	}
}

// blockingStop is a runtime whose Stop waits for the test, as a container
// that takes its whole stop timeout does.
type blockingStop struct {
	*runtimetest.Fake
	release chan struct{}
	mu      sync.Mutex
	calls   map[string]int // Stop calls by container
}

func (b *blockingStop) Stop(ctx context.Context, id string, timeout time.Duration) error {
	b.mu.Lock()
	b.calls[id]++
	b.mu.Unlock()
	<-b.release
	return b.Fake.Stop(ctx, id, timeout)
}

// Switches in quick succession (a rollback right after a deploy) leave an
// old container to the retirement that took it on: it is stopped once.
func TestOverlappingRetirements(t *testing.T) {
	ctx := context.Background()
	c, st, rt := setup(t)
	slow := &blockingStop{Fake: rt, release: make(chan struct{}), calls: map[string]int{}}
	c.Runtime = slow
	st.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"})
	for i, id := range []string{"w1", "w2", "w3"} {
		container(rt, id, "10.0.0."+string(rune('1'+i)), "web")
		v := release(t, st, map[string][]string{"web": {id}})
		if err := c.Switch(ctx, "shop", v); err != nil {
			t.Fatal(err)
		}
	}
	close(slow.release)
	c.Wait()
	stops := slow.calls
	if stops["w1"] != 1 || stops["w2"] != 1 || stops["w3"] != 0 {
		t.Errorf("stops %v: each old container once, the current one never", stops)
	}
	if running := rt.Running(); !slices.Equal(running, []string{"w3"}) {
		t.Errorf("running %v", running)
	}
}
