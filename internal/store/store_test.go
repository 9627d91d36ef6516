package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

func TestKeys(t *testing.T) {
	ctx := context.Background()
	s := redistest.Store(t)
	k := store.Key{Name: "alice", Fingerprint: "SHA256:a", Admin: true, PublicKey: "ssh-ed25519 AAAA"}
	if err := s.AddKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	if err := s.AddKey(ctx, store.Key{Name: "alice", Fingerprint: "SHA256:b"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate name: %v", err)
	}
	if err := s.AddKey(ctx, store.Key{Name: "bob", Fingerprint: "SHA256:a"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate fingerprint: %v", err)
	}
	// The failed add of bob must not leave his name claimed.
	if err := s.AddKey(ctx, store.Key{Name: "bob", Fingerprint: "SHA256:b"}); err != nil {
		t.Errorf("bob: %v", err)
	}
	got, err := s.KeyByFingerprint(ctx, "SHA256:a")
	if err != nil || got.Name != "alice" || !got.Admin || got.Added.IsZero() {
		t.Errorf("got %+v %v", got, err)
	}
	list, _ := s.KeysList(ctx)
	if len(list) != 2 || list[0].Name != "alice" {
		t.Errorf("list %+v", list)
	}
	if _, err := s.RemoveKey(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.KeyByFingerprint(ctx, "SHA256:a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removed key still found: %v", err)
	}
	if _, err := s.RemoveKey(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("remove unknown: %v", err)
	}
}

func TestReleasesNumberAtomically(t *testing.T) {
	ctx := context.Background()
	s := redistest.Store(t)
	if err := s.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateApp(ctx, store.App{Name: "shop"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("app created twice: %v", err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &store.Release{App: "shop", Commit: "c" + string(rune('a'+i)), Services: map[string]store.ReleaseService{}}
			running := map[string]store.Running{"web": {Containers: []string{r.Commit}, Replicas: 1}}
			if err := s.Activate(ctx, "shop", r, 0, running); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	list, err := s.ReleasesList(ctx, "shop", 0)
	if err != nil || len(list) != 20 || list[0].Version != 20 || list[19].Version != 1 {
		t.Fatalf("releases %d %v", len(list), err)
	}
	a, _ := s.App(ctx, "shop")
	if a.Release != 20 || a.Owner != "alice" {
		t.Errorf("app %+v", a)
	}
	rel20, _ := s.Release(ctx, "shop", 20)
	if a.Commit != rel20.Commit || a.Running["web"].Containers[0] != rel20.Commit {
		t.Errorf("the app's state is not the last activation's: %+v vs %+v", a, rel20)
	}
	r, err := s.Release(ctx, "shop", 7)
	if err != nil || r.Version != 7 || r.Services == nil {
		t.Errorf("release 7: %+v %v", r, err)
	}
	if err := s.Activate(ctx, "nope", &store.Release{App: "nope"}, 0, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("release of an unknown app: %v", err)
	}
	// State alone, for the current release only.
	if err := s.Activate(ctx, "shop", nil, 19, nil); !errors.Is(err, store.ErrConflict) {
		t.Errorf("state for a release that is not current: %v", err)
	}
	if err := s.Activate(ctx, "shop", nil, 20, map[string]store.Running{"web": {Containers: []string{"x", "y"}, Replicas: 2}}); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.App(ctx, "shop"); a.Release != 20 || len(a.Running["web"].Containers) != 2 {
		t.Errorf("after scaling: %+v", a)
	}
}

func TestConfigAndDelete(t *testing.T) {
	ctx := context.Background()
	s := redistest.Store(t)
	s.CreateApp(ctx, store.App{Name: "shop"})
	s.SetConfig(ctx, "shop", map[string]string{"A": "1", "B": "2"}, nil)
	s.SetConfig(ctx, "shop", map[string]string{"C": "3"}, []string{"A"})
	cfg, _ := s.Config(ctx, "shop")
	if len(cfg) != 2 || cfg["B"] != "2" || cfg["C"] != "3" {
		t.Errorf("config %v", cfg)
	}
	s.ReplaceConfig(ctx, "shop", map[string]string{"Z": "9"})
	if cfg, _ := s.Config(ctx, "shop"); len(cfg) != 1 || cfg["Z"] != "9" {
		t.Errorf("replaced config %v", cfg)
	}
	s.Secret(ctx, "shop", "P", func() (string, error) { return "x", nil })
	if err := s.DeleteApp(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App(ctx, "shop"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted app: %v", err)
	}
	if cfg, _ := s.Config(ctx, "shop"); len(cfg) != 0 {
		t.Errorf("config survived: %v", cfg)
	}
}

func TestJobLog(t *testing.T) {
	ctx := context.Background()
	s := redistest.Store(t)
	if err := s.CreateJob(ctx, store.Job{ID: "j1", App: "shop", State: store.JobQueued}); err != nil {
		t.Fatal(err)
	}
	got := make(chan []store.Line)
	go func() {
		var all []store.Line
		after := ""
		for len(all) == 0 || all[len(all)-1].State == "" {
			lines, err := s.ReadLines(ctx, "j1", after, time.Second)
			if err != nil {
				t.Error(err)
				break
			}
			if len(lines) > 0 {
				after = lines[len(lines)-1].ID
				all = append(all, lines...)
			}
		}
		got <- all
	}()
	s.AppendLine(ctx, "j1", "building", "")
	s.AppendLine(ctx, "j1", "done", store.JobSucceeded)
	lines := <-got
	if len(lines) != 2 || lines[0].Text != "building" || lines[1].State != store.JobSucceeded {
		t.Fatalf("lines %+v", lines)
	}
	j, _ := s.Job(ctx, "j1")
	j.State = store.JobRunning
	s.UpdateJob(ctx, j)
	if j2, _ := s.Job(ctx, "j1"); j2.State != store.JobRunning {
		t.Errorf("state %s", j2.State)
	}
	if c, _ := s.CancelRequested(ctx, "j1"); c {
		t.Error("cancel before request")
	}
	s.RequestCancel(ctx, "j1")
	if c, _ := s.CancelRequested(ctx, "j1"); !c {
		t.Error("cancel not recorded")
	}
}

func TestLocksAndSecrets(t *testing.T) {
	ctx := context.Background()
	s := redistest.Store(t)
	if ok, _ := s.TryLock(ctx, "app:shop", "w1", time.Second); !ok {
		t.Fatal("first lock")
	}
	if ok, _ := s.TryLock(ctx, "app:shop", "w2", time.Second); ok {
		t.Fatal("second holder")
	}
	if ok, _ := s.RenewLock(ctx, "app:shop", "w2", time.Second); ok {
		t.Error("a non-holder renewed")
	}
	s.Unlock(ctx, "app:shop", "w2") // not the holder: no effect
	if ok, _ := s.TryLock(ctx, "app:shop", "w2", time.Second); ok {
		t.Error("a non-holder unlocked")
	}
	s.Unlock(ctx, "app:shop", "w1")
	if ok, _ := s.TryLock(ctx, "app:shop", "w2", time.Second); !ok {
		t.Error("lock not released")
	}
	n := 0
	gen := func() (string, error) { n++; return "p" + string(rune('0'+n)), nil }
	a, _ := s.Secret(ctx, "shop", "POSTGRES_PASSWORD", gen)
	b, _ := s.Secret(ctx, "shop", "POSTGRES_PASSWORD", gen)
	if a != "p1" || b != "p1" || n != 1 {
		t.Errorf("secret %q %q generated %d times", a, b, n)
	}
}

func TestEvents(t *testing.T) {
	ctx := context.Background()
	s := redistest.Store(t)
	s.EventsPerApp = 5
	for i := range 12 {
		e, err := s.AddEvent(ctx, store.Event{App: "shop", Type: store.EventDeploy, Actor: "alice", Message: fmt.Sprintf("v%d", i+1)})
		if err != nil || e.Seq != int64(i+1) {
			t.Fatalf("event %d: %+v %v", i, e, err)
		}
	}
	last, _ := s.EventsList(ctx, "shop", 3)
	if len(last) != 3 || last[0].Seq != 10 || last[2].Message != "v12" {
		t.Errorf("last 3: %+v", last)
	}
	all, _ := s.EventsList(ctx, "shop", 0)
	if len(all) > 12 || len(all) < 5 || all[len(all)-1].Seq != 12 {
		t.Errorf("bounded trail: %d events, last %+v", len(all), all[len(all)-1])
	}
	got := make(chan []store.Event)
	go func() {
		evs, _ := s.EventsAfter(ctx, "shop", 12, 2*time.Second)
		got <- evs
	}()
	time.Sleep(100 * time.Millisecond)
	s.AddEvent(ctx, store.Event{App: "shop", Type: store.EventScale, Message: "web=3"})
	if evs := <-got; len(evs) != 1 || evs[0].Seq != 13 || evs[0].Type != store.EventScale {
		t.Errorf("followed: %+v", evs)
	}
	if evs, _ := s.EventsList(ctx, "other", 10); len(evs) != 0 {
		t.Errorf("other app: %+v", evs)
	}
}

func TestDomains(t *testing.T) {
	ctx := context.Background()
	s := redistest.Store(t)
	for _, app := range []string{"shop", "blog"} {
		if err := s.CreateApp(ctx, store.App{Name: app}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddDomains(ctx, "shop", []string{"www.shop.test", "shop.test"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDomains(ctx, "shop", []string{"shop.test"}); err != nil {
		t.Errorf("adding a domain the app has: %v", err)
	}
	// All or none: blog gets neither when one is shop's.
	err := s.AddDomains(ctx, "blog", []string{"blog.test", "www.shop.test"})
	if !errors.Is(err, store.ErrExists) || !strings.Contains(err.Error(), "www.shop.test") || strings.Contains(err.Error(), "shop's") {
		t.Errorf("a domain of another app: %v", err)
	}
	if got, _ := s.Domains(ctx, "blog"); len(got) != 0 {
		t.Errorf("blog has %v after a refused add", got)
	}
	if got, _ := s.Domains(ctx, "shop"); !slices.Equal(got, []string{"shop.test", "www.shop.test"}) {
		t.Errorf("shop has %v", got)
	}
	// Removing another app's domain does nothing.
	if n, err := s.RemoveDomains(ctx, "blog", []string{"www.shop.test"}); n != 0 || err != nil {
		t.Errorf("blog removed shop's domain: %d %v", n, err)
	}
	if n, err := s.RemoveDomains(ctx, "shop", []string{"www.shop.test", "nope.test"}); n != 1 || err != nil {
		t.Errorf("remove: %d %v", n, err)
	}
	if err := s.AddDomains(ctx, "blog", []string{"www.shop.test"}); err != nil {
		t.Errorf("a freed domain: %v", err)
	}
	// A destroyed app's domains are free again.
	if err := s.DeleteApp(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDomains(ctx, "blog", []string{"shop.test"}); err != nil {
		t.Errorf("a destroyed app's domain: %v", err)
	}
	if got, _ := s.Domains(ctx, "shop"); len(got) != 0 {
		t.Errorf("the destroyed shop still has %v", got)
	}
}
