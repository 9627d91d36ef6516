package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

// addEvent records an event as the pipeline would.
func (e *env) addEvent(ev store.Event) store.Event {
	e.t.Helper()
	ev, err := e.st.AddEvent(e.ctx, ev)
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

// trail is an app's whole audit trail.
func (e *env) trail(app string) []store.Event {
	e.t.Helper()
	evs, err := e.st.EventsList(e.ctx, app, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func TestEventsList(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.createApp("blog", "alice")
	e.run(alice, "events", "shop").want(t, 0, "shop has no events yet")

	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	e.addEvent(store.Event{App: "shop", Type: store.EventDeploy, Actor: "alice", Time: at, Duration: 12.34, Release: 1, Message: "succeeded: v1 at 1111111"})
	e.addEvent(store.Event{App: "shop", Type: store.EventBuild, Actor: "alice", Time: at.Add(time.Minute), Duration: 3,
		Message: "web failed", Error: "exit 1:\n\x1b[31mboom"})
	e.addEvent(store.Event{App: "shop", Type: store.EventScale, Time: at.Add(2 * time.Minute), Message: "web=3"})

	want := "#1  2025-05-01T08:00:00Z  deploy  alice  succeeded: v1 at 1111111  (12.3s)\n" +
		"#2  2025-05-01T08:01:00Z  build  alice  web failed  (3.0s)  [error: exit 1:  [31mboom]\n" +
		"#3  2025-05-01T08:02:00Z  scale  -  web=3\n"
	if r := e.run(alice, "events", "shop"); r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("events shop:\n%s\nwant:\n%s", r, want)
	}
	// Flags anywhere, with their aliases; -n keeps the last N.
	for _, line := range [][]string{{"events", "shop", "-n", "2"}, {"events", "--num=2", "shop"}} {
		if r := e.run(root, line...); r.code != 0 || r.stdout != want[strings.Index(want, "#2"):] {
			t.Errorf("%q:\n%s", line, r)
		}
	}

	for i := range 60 {
		e.addEvent(store.Event{App: "blog", Type: store.EventRestart, Actor: "alice", Message: fmt.Sprintf("restart %d", i+1)})
	}
	r := e.run(alice, "events", "blog")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 50 || !strings.HasPrefix(lines[0], "#11  ") || !strings.HasSuffix(lines[49], "  restart  alice  restart 60") {
		t.Errorf("default: the last 50 events, got %d lines:\n%s", len(lines), r)
	}
	if r := e.run(alice, "events", "blog", "-n", "1000"); strings.Count(r.stdout, "\n") != 60 {
		t.Errorf("-n 1000:\n%s", r)
	}
	for _, n := range []string{"0", "1001", "x", "-1"} {
		e.run(alice, "events", "blog", "-n", n).want(t, 2, "-n takes a number", "kyozo: usage: events APP [-n N] [-t]")
	}
	e.run(alice, "events").want(t, 2, "kyozo: usage: events APP")
	e.run(alice, "events", "shop", "blog").want(t, 2, "kyozo: usage: events APP")
}

func TestEventsFollow(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	for i := range 3 {
		e.addEvent(store.Event{App: "shop", Type: store.EventDeploy, Actor: "alice", Message: fmt.Sprintf("deploy %d", i+1)})
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	out := &syncbuf.Buffer{}
	done := make(chan result, 1)
	go func() { done <- e.runCtx(ctx, alice, out, "events", "shop", "-t", "-n", "2") }()
	out.WaitFor(t, "deploy  alice  deploy 3\n", 10*time.Second)
	if strings.Contains(out.String(), "deploy 1") {
		t.Errorf("-n 2 showed the first event:\n%s", out)
	}
	e.addEvent(store.Event{App: "shop", Type: store.EventStop, Actor: "bob", Message: "web: succeeded"})
	e.addEvent(store.Event{App: "other", Type: store.EventStop, Actor: "bob", Message: "not shop's"})
	out.WaitFor(t, "#4  ", 10*time.Second)
	out.WaitFor(t, "  stop  bob  web: succeeded\n", 10*time.Second)
	e.addEvent(store.Event{App: "shop", Type: store.EventStart, Actor: "bob", Message: "web: succeeded"})
	out.WaitFor(t, "#5  ", 10*time.Second)

	// The client goes away: the command ends within a read's block.
	cancel()
	select {
	case r := <-done:
		if r.code != 0 || strings.Contains(r.stdout, "not shop's") || strings.Count(r.stdout, "\n") != 4 {
			t.Errorf("events -t:\n%s", r)
		}
	case <-time.After(followBlock + 5*time.Second):
		t.Fatal("events -t still runs after its client went away")
	}
}

func TestEventsRecorded(t *testing.T) {
	e := setup(t)
	e.run(alice, "apps:create", "shop").want(t, 0, "Created shop")
	e.run(alice, "config:set", "shop", "EARLY="+plainValue).want(t, 0, "it applies at the first deploy")
	e.deploy("shop", "alice", commit1, time.Now())
	e.run(alice, "config:set", "shop", "TOKEN="+plainValue, "DEBUG=1", "--no-restart").want(t, 0, "not released (--no-restart)")
	// Released: the worker records it when the job ends, not the command.
	e.run(alice, "config:set", "shop", "OTHER="+plainValue).want(t, 0, "Done in 0.1s")
	e.run(alice, "config:unset", "--no-restart", "shop", "TOKEN").want(t, 0)
	e.run(bob, "config:set", "shop", "TOKEN="+plainValue).want(t, 1, "permission denied")
	e.run(bob, "config:get", "shop", "TOKEN").want(t, 1, "permission denied")

	got := ""
	for _, ev := range e.trail("shop") {
		if ev.App != "shop" || ev.Time.IsZero() {
			t.Errorf("event %+v", ev)
		}
		got += fmt.Sprintf("%s %s %s\n", ev.Type, ev.Actor, ev.Message)
	}
	want := "app alice created\n" +
		"config alice Set EARLY (not released: no deploy yet)\n" +
		"config alice Set DEBUG, TOKEN (not released: --no-restart)\n" +
		"config alice Unset TOKEN (not released: --no-restart)\n" +
		"permission bob config:set refused\n" +
		"permission bob config:get refused\n"
	if got != want {
		t.Errorf("trail:\n%s\nwant:\n%s", got, want)
	}

	// No config value reaches the trail, however it is read.
	raw, _ := json.Marshal(e.trail("shop"))
	listed := e.run(alice, "events", "shop")
	for where, text := range map[string]string{"stored events": string(raw), "events output": listed.stdout + listed.stderr, "log": e.logs.String()} {
		if strings.Contains(text, plainValue) {
			t.Errorf("the value appears in the %s: %s", where, text)
		}
	}

	// The trail outlives the app: the destroy is its last entry, and an
	// admin can still read it; the former owner cannot.
	e.run(alice, "apps:destroy", "shop", "--force").want(t, 0, "Destroyed shop")
	evs := e.trail("shop")
	if last := evs[len(evs)-1]; last.Type != store.EventApp || last.Actor != "alice" || last.Message != "destroyed; volumes kept: kyozo-shop-data" {
		t.Errorf("last event %+v", last)
	}
	e.run(alice, "events", "shop").want(t, 1, "app shop does not exist")
	r := e.run(root, "events", "shop", "-n", "1")
	r.want(t, 0, "(shop was destroyed; its audit trail is kept)", "  app  alice  destroyed; volumes kept: kyozo-shop-data\n")
	e.run(root, "events", "nope").want(t, 1, "app nope does not exist")

	// --purge says so; a new app of the same name goes on numbering.
	e.run(root, "apps:create", "shop").want(t, 0)
	e.deploy("shop", "root", commit1, time.Now())
	e.run(root, "apps:destroy", "shop", "--force", "--purge").want(t, 0, "Removed volume kyozo-shop-data")
	evs = e.trail("shop")
	if n := len(evs); n < 3 || evs[n-2].Message != "created" || evs[n-2].Seq != evs[n-3].Seq+1 ||
		evs[n-1].Message != "destroyed; purged" || evs[n-1].Actor != "root" {
		t.Errorf("trail after a second app: %+v", evs)
	}
}
