package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

// logsSetup deploys shop and gives each container some output.
func logsSetup(t *testing.T) (*env, store.App) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	a := e.app("shop")
	for svc, r := range a.Running {
		for i, id := range r.Containers {
			for n := 1; n <= 150; n++ {
				e.rt.Print(id, fmt.Sprintf("%s container %d line %d", svc, i+1, n))
			}
		}
	}
	return e, a
}

func TestLogs(t *testing.T) {
	e, a := logsSetup(t)
	r := e.run(alice, "logs", "shop")
	r.want(t, 0, "web.1 | web container 1 line 150", "web.2 | web container 2 line 150", "worker.1 | worker container 1 line 150")
	if n := strings.Count(r.stdout, "\n"); n != 300 {
		t.Errorf("%d lines, want the last 100 of each of 3 containers", n)
	}
	if strings.Contains(r.stdout, "line 50\n") || !strings.Contains(r.stdout, "web.1 | web container 1 line 51\n") {
		t.Errorf("not the last 100 lines:\n%.300s", r.stdout)
	}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		svc, rest, _ := strings.Cut(l, " | ")
		if !strings.HasPrefix(rest, strings.Replace(svc, ".", " container ", 1)+" ") {
			t.Fatalf("line %q has the wrong prefix", l)
		}
	}

	r = e.run(alice, "logs", "-n", "5", "shop", "web")
	want := ""
	for c := 1; c <= 2; c++ {
		for n := 146; n <= 150; n++ {
			want += fmt.Sprintf("web.%d | web container %d line %d\n", c, c, n)
		}
	}
	if r.code != 0 || r.stdout != want {
		t.Errorf("logs -n 5 shop web:\n%s\nwant:\n%s", r, want)
	}
	calls := e.rt.LogCalls[len(e.rt.LogCalls)-1]
	if calls.Tail != 5 || calls.Follow || calls.ID != a.Running["web"].Containers[1] {
		t.Errorf("last Logs call %+v", calls)
	}

	if r2 := e.run(alice, "logs", "shop", "-p", "web", "-n", "5"); r2.stdout != want {
		t.Errorf("logs shop -p web -n 5:\n%s", r2)
	}
	e.run(alice, "logs", "shop", "web", "-p", "web").want(t, 2, "name the service once")
	e.run(alice, "logs", "shop", "api").want(t, 1, `no service "api"`)
	e.run(alice, "logs", "shop", "-n", "0").want(t, 2, "-n takes a number of lines from 1")
	e.run(alice, "logs", "shop", "-n", "x").want(t, 2, "usage: logs APP [SERVICE|-p SERVICE]")
	e.run(alice, "logs", "shop", "web", "x").want(t, 2)
	e.run(alice, "logs", "--build", "shop", "-t").want(t, 2, "--build takes no -n, -p or -t")

	fresh := setup(t)
	fresh.createApp("shop", "alice")
	fresh.run(alice, "logs", "shop").want(t, 0, "no containers of shop run")
}

func TestLogsFollow(t *testing.T) {
	e, a := logsSetup(t)
	ctx, cancel := context.WithCancel(e.ctx)
	out := &syncbuf.Buffer{}
	done := make(chan result)
	go func() { done <- e.runCtx(ctx, alice, out, "logs", "shop", "-t", "-n", "2") }()

	out.WaitFor(t, "web.2 | web container 2 line 150", 10*time.Second)
	out.WaitFor(t, "worker.1 | worker container 1 line 150", 10*time.Second)
	web1, worker := a.Running["web"].Containers[0], a.Running["worker"].Containers[0]
	e.rt.Print(web1, "a request arrived after logs -t started")
	out.WaitFor(t, "web.1 | a request arrived after logs -t started", 10*time.Second)
	e.rt.Print(worker, "and a job was done")
	out.WaitFor(t, "worker.1 | and a job was done", 10*time.Second)
	if strings.Contains(out.String(), "line 148") {
		t.Errorf("-n 2 sent more than 2 lines of history:\n%s", out)
	}

	cancel()
	select {
	case r := <-done:
		if r.code != 0 {
			t.Errorf("%s", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("logs -t did not return when the client left")
	}
	for _, c := range e.rt.LogCalls[len(e.rt.LogCalls)-3:] {
		if !c.Follow || c.Tail != 2 {
			t.Errorf("Logs call %+v", c)
		}
	}

	// Every stream ending (the containers exited) ends the command too.
	go func() { done <- e.runCtx(e.ctx, alice, &syncbuf.Buffer{}, "logs", "shop", "worker", "-t") }()
	time.Sleep(100 * time.Millisecond)
	e.rt.Exit(worker, 0)
	select {
	case r := <-done:
		r.want(t, 0, "worker.1 | and a job was done")
	case <-time.After(10 * time.Second):
		t.Fatal("logs -t did not return when its containers exited")
	}
}

func TestLogsBuild(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.createApp("blog", "bob")
	e.run(alice, "logs", "--build", "shop").want(t, 1, "shop has no deploy yet")

	job := func(id, app string, lines ...string) {
		e.st.CreateJob(e.ctx, store.Job{ID: id, App: app, State: store.JobRunning})
		for _, l := range lines {
			e.st.AppendLine(e.ctx, id, l, "")
		}
	}
	job("0001", "shop", "-----> Deploying shop", "       web: healthy")
	e.st.AppendLine(e.ctx, "0001", "Deployed shop v1 in 3.0s", store.JobSucceeded)
	job("0002", "blog", "-----> Deploying blog")
	job("0003", "shop", "-----> Deploying shop again")
	e.st.SetLatestJob(e.ctx, "shop", "0001")

	r := e.run(alice, "logs", "--build", "shop")
	if r.code != 0 || r.stdout != "-----> Deploying shop\n       web: healthy\nDeployed shop v1 in 3.0s\n" {
		t.Errorf("replay of the latest job:\n%s", r)
	}
	e.run(alice, "logs", "shop", "--build", "0002").want(t, 1, "shop has no job 0002")
	e.run(alice, "logs", "--build", "shop", "0009").want(t, 1, "shop has no job 0009")
	e.run(alice, "logs", "--build", "shop", "../x").want(t, 2, `invalid job id "../x"`)

	// A job still running is followed to its end.
	out := &syncbuf.Buffer{}
	done := make(chan result)
	go func() { done <- e.runCtx(e.ctx, alice, out, "logs", "--build", "shop", "0003") }()
	out.WaitFor(t, "Deploying shop again", 10*time.Second)
	e.st.AppendLine(e.ctx, "0003", "       building web", "")
	e.st.AppendLine(e.ctx, "0003", "Deploy failed: web did not start", store.JobFailed)
	select {
	case r := <-done:
		if r.code != 0 || r.stdout != "-----> Deploying shop again\n       building web\nDeploy failed: web did not start\n" {
			t.Errorf("follow:\n%s", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("logs --build did not end with the job")
	}
	if ok, _ := e.st.CancelRequested(e.ctx, "0003"); ok {
		t.Error("watching a build log cancelled it")
	}
}
