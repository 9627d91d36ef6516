package commands

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
)

func TestPs(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "ps", "shop").want(t, 0, "shop has no release yet")
	e.deploy("shop", "alice", commit1, time.Now())
	e.deploy("shop", "alice", strings.Repeat("2", 40), time.Now())

	// A scale job added a third web container at v2; ps:stop stopped the worker.
	a := e.app("shop")
	e.rt.Images["kyozo/shop-web:222222222222"] = true
	c, _ := e.rt.Run(e.ctx, runtime.ContainerSpec{Name: "kyozo-shop-web-3", Image: "kyozo/shop-web:222222222222",
		Labels: map[string]string{runtime.LabelApp: "shop", runtime.LabelService: "web", runtime.LabelRelease: "scale-job", runtime.LabelKind: "service"}})
	e.st.CreateJob(e.ctx, store.Job{ID: "scale-job", App: "shop", Release: 2, State: store.JobSucceeded})
	running := maps.Clone(a.Running)
	running["web"] = store.Running{Containers: append(slices.Clone(running["web"].Containers), c.ID), Replicas: 3}
	running["worker"] = store.Running{Replicas: 1, Stopped: true}
	if err := e.st.Activate(e.ctx, "shop", nil, 2, running); err != nil {
		t.Fatal(err)
	}
	e.rt.Set(running["web"].Containers[0], func(c *runtime.Container) { c.Health = "unhealthy" })
	e.rt.Set(running["web"].Containers[1], func(c *runtime.Container) { c.Running, c.State, c.ExitCode = false, "exited", 137 })

	r := e.run(alice, "ps", "shop")
	r.want(t, 0, "SERVICE", "REPLICA", "CONTAINER", "RELEASE", "STATUS", "HEALTH", "UPTIME")
	for _, row := range [][]string{
		{"migrate", "runs once per release"},
		{"worker", "stopped"},
		{"web", "web.1", "kyozo-shop-web-1", "v2", "running", "unhealthy", "5m0s"},
		{"web", "web.2", "kyozo-shop-web-2", "v2", "exited (137)", "exited", "-"},
		{"web", "web.3", "kyozo-shop-web-3", "v2", "running", "running", "0s"},
	} {
		if !hasRow(r.stdout, row...) {
			t.Errorf("no row %q:\n%s", row, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "\n"); n != 6 {
		t.Errorf("%d lines:\n%s", n, r.stdout)
	}
	e.rt.Remove(e.ctx, c.ID)
	if r := e.run(alice, "ps", "shop"); !hasRow(r.stdout, "web.3", "missing") {
		t.Errorf("a container gone from the engine:\n%s", r.stdout)
	}
}

func TestPsScale(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "ps:scale", "shop", "web=2").want(t, 1, "shop has no release yet")
	e.deploy("shop", "alice", commit1, time.Now())

	r := e.run(alice, "ps:scale", "shop")
	if r.code != 0 || r.stdout != "worker=1\nweb=2\n" {
		t.Errorf("ps:scale without changes shows the scale:\n%s", r)
	}
	e.run(alice, "ps:scale", "shop", "worker=0", "web=3").want(t, 0, "Scaling shop: web=3 worker=0", "-----> worker: scale shop", "Done")
	ops := e.q.queued()
	if len(ops) != 1 || ops[0].Op != tasks.OpScale || !maps.Equal(ops[0].Replicas, map[string]int{"web": 3, "worker": 0}) {
		t.Errorf("queued %+v", ops)
	}
	e.run(alice, "ps:scale", "shop", "web=101").want(t, 2, "replicas go from 0 to 100", "usage: ps:scale")
	e.run(alice, "ps:scale", "shop", "web").want(t, 2, `"web" is not SERVICE=N`)
	e.run(alice, "ps:scale", "shop", "Web=1").want(t, 2, `invalid service name "Web"`)
	e.run(alice, "ps:scale", "shop", "api=1").want(t, 1, `no service "api" in shop v1 (services: migrate, worker, web)`)
	e.run(alice, "ps:scale", "shop", "migrate=2").want(t, 1, "migrate runs once per release and cannot be scaled")
	if n := len(e.q.queued()); n != 1 {
		t.Errorf("refused scales queued %d more jobs", n-1)
	}
}

func TestPsRestartStopStart(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	for _, tc := range []struct {
		line     []string
		op, says string
		services []string
	}{
		{[]string{"ps:restart", "shop"}, tasks.OpRestart, "Restarting shop", nil},
		{[]string{"ps:restart", "shop", "web"}, tasks.OpRestart, "Restarting shop web", []string{"web"}},
		{[]string{"ps:stop", "shop", "worker"}, tasks.OpStop, "Stopping shop worker", []string{"worker"}},
		{[]string{"ps:stop", "shop"}, tasks.OpStop, "Stopping shop", nil},
		{[]string{"ps:start", "shop"}, tasks.OpStart, "Starting shop", nil},
		{[]string{"ps:start", "shop", "worker"}, tasks.OpStart, "Starting shop worker", []string{"worker"}},
	} {
		e.run(alice, tc.line...).want(t, 0, tc.says, "-----> worker: "+tc.op+" shop", "Done in 0.1s")
		ops := e.q.queued()
		if op := ops[len(ops)-1]; op.Op != tc.op || !slices.Equal(op.Services, tc.services) || op.Actor != "alice" {
			t.Errorf("%q queued %+v", tc.line, op)
		}
	}
	n := len(e.q.queued())
	e.run(alice, "ps:restart", "shop", "api").want(t, 1, `no service "api"`)
	e.run(alice, "ps:stop", "shop", "migrate").want(t, 1, "migrate runs once per release")
	e.run(alice, "ps:start", "shop", "Web").want(t, 2, `invalid service name "Web"`, "usage: ps:start APP [SERVICE]")
	e.run(alice, "ps:restart", "shop", "web", "worker").want(t, 2, "usage: ps:restart APP [SERVICE]")
	if len(e.q.queued()) != n {
		t.Error("a refused command queued a job")
	}
}
