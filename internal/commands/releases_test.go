package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

func TestReleases(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "releases", "shop").want(t, 0, "shop has no releases yet")
	e.deploy("shop", "alice", commit1, time.Now().Add(-3*time.Hour))
	e.deploy("shop", "root", strings.Repeat("2", 40), time.Now().Add(-5*time.Minute))

	r := e.run(alice, "releases", "shop")
	r.want(t, 0, "RELEASE", "COMMIT", "KIND", "DESCRIPTION", "BY", "WHEN")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("%s", r)
	}
	if !hasRow(lines[1], "*", "v2", "2222222", "deploy", "Deploy 2222222", "root", "5 minutes ago") {
		t.Errorf("newest first, starred:\n%s", r)
	}
	if !hasRow(lines[2], "v1", "1111111", "deploy", "Deploy 1111111", "alice", "3 hours ago") || strings.Contains(lines[2], "*") {
		t.Errorf("older one:\n%s", r)
	}
}

func TestRollback(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "rollback", "shop").want(t, 1, "shop has no release yet")
	e.deploy("shop", "alice", commit1, time.Now())
	e.run(alice, "rollback", "shop").want(t, 1, "no release to roll back to: shop runs v1")
	e.deploy("shop", "alice", strings.Repeat("2", 40), time.Now())
	e.deploy("shop", "alice", strings.Repeat("3", 40), time.Now())

	e.run(alice, "rollback", "shop", "v9").want(t, 1, "shop has no release v9")
	e.run(alice, "rollback", "shop", "v3").want(t, 1, "no release to roll back to")
	e.run(alice, "rollback", "shop", "latest").want(t, 2, `invalid release "latest"`, "usage: rollback APP [vN]")
	e.run(alice, "rollback", "shop", "1", "2").want(t, 2)
	if n := len(e.q.queued()); n != 0 {
		t.Fatalf("refused rollbacks queued %d jobs", n)
	}

	for arg, want := range map[string]int{"": 2, "v1": 1, "2": 2} {
		line := []string{"rollback", "shop"}
		if arg != "" {
			line = append(line, arg)
		}
		e.run(alice, line...).want(t, 0, "Rolling shop back to v", "-----> worker: rollback shop", "Done in 0.1s")
		ops := e.q.queued()
		op := ops[len(ops)-1]
		if op.Op != tasks.OpRollback || op.Version != want || op.App != "shop" || op.Actor != "alice" {
			t.Errorf("rollback %q queued %+v, want v%d", arg, op, want)
		}
		if latest, _ := e.st.LatestJob(e.ctx, "shop"); latest != op.JobID {
			t.Errorf("a rollback supersedes like a push: latest %q", latest)
		}
		if j, _ := e.st.Job(e.ctx, op.JobID); j.Pusher != "alice" || j.State != store.JobQueued {
			t.Errorf("job %+v (the fake worker does not update it)", j)
		}
	}
}

func TestQueuedJobOutcome(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())

	e.q.final = store.JobFailed
	r := e.run(alice, "ps:restart", "shop")
	r.want(t, 1, "Restarting shop", "-----> worker: restart shop", "Failed: no luck")

	e.q.final, e.q.enqueErr = store.JobSucceeded, errors.New("redis is down")
	e.run(alice, "ps:restart", "shop").want(t, 1, "queueing the job: redis is down")
}

func TestDisconnectCancelsTheJob(t *testing.T) {
	for _, running := range []bool{false, true} {
		t.Run(map[bool]string{false: "queued", true: "running"}[running], func(t *testing.T) {
			e := setup(t)
			e.createApp("shop", "alice")
			e.deploy("shop", "alice", commit1, time.Now())
			e.q.final = "" // the job never ends
			if running {
				e.q.deleteErr = errors.New("task is active")
			}
			ctx, cancel := context.WithCancel(e.ctx)
			out := &syncbuf.Buffer{}
			done := make(chan result)
			go func() { done <- e.runCtx(ctx, alice, out, "ps:scale", "shop", "web=3") }()
			out.WaitFor(t, "-----> worker: scale shop", 10*time.Second)
			cancel()
			r := <-done
			if r.code != 1 {
				t.Errorf("%s", r)
			}
			id := e.q.queued()[0].JobID
			if ok, _ := e.st.CancelRequested(e.ctx, id); !ok {
				t.Error("no cancel requested in the store")
			}
			e.q.mu.Lock()
			deleted, canceled := slices.Clone(e.q.deleted), slices.Clone(e.q.canceled)
			e.q.mu.Unlock()
			j, _ := e.st.Job(e.ctx, id)
			if running {
				if len(canceled) != 1 || canceled[0] != id || j.State.Final() {
					t.Errorf("a running job is cancelled through the worker: canceled %v, job %+v", canceled, j)
				}
				return
			}
			if len(deleted) != 1 || deleted[0] != id || j.State != store.JobCancelled {
				t.Errorf("a queued job is deleted and recorded cancelled: deleted %v, job %+v", deleted, j)
			}
		})
	}
}

func TestOpsDoNotSupersede(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	e.st.SetLatestJob(e.ctx, "shop", "waiting-deploy")
	for _, line := range [][]string{{"ps:scale", "shop", "web=2"}, {"ps:restart", "shop"}, {"ps:stop", "shop", "worker"}, {"ps:start", "shop", "worker"}} {
		e.run(alice, line...).want(t, 0)
		if latest, _ := e.st.LatestJob(e.ctx, "shop"); latest != "waiting-deploy" {
			t.Errorf("%q superseded the waiting deploy (latest %q)", line, latest)
		}
	}
}
