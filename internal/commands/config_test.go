package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/tasks"
)

const plainValue = "hunter2-very-secret"

func TestConfigSetSealsAndReleases(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())

	r := e.run(alice, "config:set", "shop", "TOKEN="+plainValue, "DEBUG=1", "EMPTY=", "URL=a=b")
	r.want(t, 0, "Set DEBUG, EMPTY, TOKEN, URL on shop", "-----> worker: config shop", "Done in 0.1s")

	raw, err := e.st.Config(e.ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 4 {
		t.Fatalf("stored %v", raw)
	}
	for k, v := range raw {
		if strings.Contains(v, plainValue) || !strings.HasPrefix(v, "kz1:") {
			t.Errorf("%s is stored as %q: not sealed", k, v)
		}
	}
	for k, want := range map[string]string{"TOKEN": plainValue, "DEBUG": "1", "EMPTY": "", "URL": "a=b"} {
		if got, err := e.box.Open(raw[k]); err != nil || got != want {
			t.Errorf("%s opens to %q %v, want %q", k, got, err, want)
		}
	}

	ops := e.q.queued()
	if len(ops) != 1 || ops[0].Op != tasks.OpConfig || ops[0].Description != "Set DEBUG, EMPTY, TOKEN, URL" || ops[0].Actor != "alice" {
		t.Fatalf("queued %+v", ops)
	}
	if latest, _ := e.st.LatestJob(e.ctx, "shop"); latest != ops[0].JobID {
		t.Errorf("config:set is the app's latest job (%q), as a push is", latest)
	}
	job, err := e.st.Job(e.ctx, ops[0].JobID)
	if err != nil || job.Pusher != "alice" || job.App != "shop" {
		t.Errorf("job %+v %v", job, err)
	}
	// The value is nowhere but sealed in the store.
	for where, text := range map[string]string{"payload": strings.Join(e.q.payloads, ""), "log": e.logs.String(), "output": r.stdout + r.stderr} {
		if strings.Contains(text, plainValue) {
			t.Errorf("the value appears in the %s: %s", where, text)
		}
	}
	if !strings.Contains(e.logs.String(), "TOKEN") {
		t.Errorf("the change is not logged (by key name):\n%s", e.logs)
	}
}

func TestConfigSetNoRestart(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "config:set", "shop", "A=1").want(t, 0, "Set A on shop; it applies at the first deploy")
	e.deploy("shop", "alice", commit1, time.Now())
	e.run(alice, "config:set", "--no-restart", "shop", "B=2").want(t, 0, "Set B on shop; not released (--no-restart)", "next deploy")
	e.run(alice, "config:unset", "shop", "A", "--no-restart").want(t, 0, "Unset A on shop; not released")
	if n := len(e.q.queued()); n != 0 {
		t.Errorf("%d jobs queued", n)
	}
	if cfg, _ := e.st.Config(e.ctx, "shop"); len(cfg) != 1 || cfg["B"] == "" {
		t.Errorf("config %v", cfg)
	}
}

func TestConfigSetValidation(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"shop"}, "usage: config:set APP KEY=VALUE"},
		{[]string{"shop", plainValue}, "argument 2 has no '='"},
		{[]string{"shop", "PORT=80"}, "PORT is set by Kyozo"},
		{[]string{"shop", "1X=1"}, `invalid config key "1X"`},
		{[]string{"shop", "A-B=1"}, `invalid config key "A-B"`},
		{[]string{"shop", "A=1", "--restart"}, "unknown flag --restart"},
	} {
		r := e.run(alice, append([]string{"config:set"}, tc.args...)...)
		r.want(t, 2, tc.want, "kyozo: usage: config:set")
		if strings.Contains(r.stderr, plainValue) {
			t.Errorf("a refused value is echoed:\n%s", r)
		}
	}
	e.run(alice, "config:unset", "shop", "PORT").want(t, 2, "PORT is set by Kyozo")
	e.run(alice, "config:unset", "shop").want(t, 2, "usage: config:unset")
	e.run(alice, "config:get", "shop").want(t, 2, "usage: config:get")
	if cfg, _ := e.st.Config(e.ctx, "shop"); len(cfg) != 0 {
		t.Errorf("a refused command stored %v", cfg)
	}
}

func TestConfigShowAndGet(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "config", "shop").want(t, 0, "shop has no config vars")
	e.run(alice, "config:set", "shop", "TOKEN="+plainValue, "DEBUG=1").want(t, 0)

	r := e.run(alice, "config", "shop")
	r.want(t, 0, "DEBUG", "TOKEN", mask)
	if strings.Contains(r.stdout, plainValue) || strings.Contains(r.stdout, "DEBUG  1") {
		t.Errorf("values shown without --reveal:\n%s", r)
	}
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "DEBUG") {
		t.Errorf("keys not sorted:\n%s", r)
	}
	r = e.run(alice, "config", "--reveal", "shop")
	r.want(t, 0, "TOKEN  "+plainValue, "DEBUG  1")

	r = e.run(alice, "config:get", "shop", "TOKEN")
	if r.code != 0 || r.stdout != plainValue+"\n" {
		t.Errorf("config:get prints the value alone:\n%s", r)
	}
	r = e.run(alice, "config:get", "shop", "NOPE")
	if r.code != 1 || r.stdout != "" {
		t.Errorf("config:get of an unset key:\n%s", r)
	}
}

func TestConfigUnset(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	e.run(alice, "config:set", "shop", "A=1", "B=2", "C=3").want(t, 0)

	r := e.run(alice, "config:unset", "shop", "C", "A", "MISSING")
	r.want(t, 0, "MISSING is not set on shop", "Unset C, A on shop; releasing it", "Done in 0.1s")
	ops := e.q.queued()
	if last := ops[len(ops)-1]; last.Op != tasks.OpConfig || last.Description != "Unset C, A" {
		t.Errorf("queued %+v", last)
	}
	if cfg, _ := e.st.Config(e.ctx, "shop"); len(cfg) != 1 || cfg["B"] == "" {
		t.Errorf("config %v", cfg)
	}
	n := len(e.q.queued())
	e.run(alice, "config:unset", "shop", "MISSING").want(t, 0, "MISSING is not set")
	if len(e.q.queued()) != n {
		t.Error("unsetting nothing queued a release")
	}
}
