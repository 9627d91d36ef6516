// Package reconcile compares what the store says should run with what the
// engine runs, on start and periodically: replicas that died or vanished
// are started again (through the queue, health-gated like any change), and
// containers Kyozo labelled that no app's current state owns are removed,
// one-off containers (run) included once no session is attached to them.
// A container without Kyozo's labels is never touched, nor an app whose
// lock is held (a job is changing it).
package reconcile

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
)

// Reconciler keeps the engine in step with the store.
type Reconciler struct {
	Store   store.Store
	Runtime runtime.Runtime
	Queue   Enqueuer
	Logger  *slog.Logger
	// Grace is how old an unowned container must be before it is removed:
	// a job's new containers are unowned until the job records them.
	Grace time.Duration
	// OneOffs, when set, says which one-off containers (run) a session of
	// this daemon is attached to, by name. The others were left by a
	// daemon that died during a run, and are removed; nil leaves one-off
	// containers alone.
	OneOffs interface{ Attached(name string) bool }
}

// Report says what one pass did.
type Report struct {
	Removed []string // container names
	Healing []string // apps a heal job was queued for
}

// oneOffs removes one-off containers no session is attached to.
func (r *Reconciler) oneOffs(ctx context.Context, rep *Report) error {
	if r.OneOffs == nil {
		return nil
	}
	cs, err := r.Runtime.List(ctx, map[string]string{runtime.LabelKind: "run"})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if r.OneOffs.Attached(c.Name) {
			continue
		}
		if err := r.Runtime.Remove(ctx, c.ID); err != nil {
			r.Logger.Warn("reconcile: remove one-off", "container", c.Name, "err", err)
			continue
		}
		rep.Removed = append(rep.Removed, c.Name)
	}
	return nil
}

// Run reconciles every interval until ctx ends, starting at once.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration) {
	for {
		if rep, err := r.Once(ctx); err != nil {
			r.Logger.Warn("reconcile", "err", err)
		} else if len(rep.Removed)+len(rep.Healing) > 0 {
			r.Logger.Info("reconciled", "removed", rep.Removed, "healing", rep.Healing)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// Once makes one pass.
func (r *Reconciler) Once(ctx context.Context) (Report, error) {
	var rep Report
	apps, err := r.Store.AppsList(ctx)
	if err != nil {
		return rep, err
	}
	owned := map[string]bool{}
	for _, a := range apps {
		for _, run := range a.Running {
			for _, id := range run.Containers {
				owned[id] = true
			}
		}
	}
	cs, err := r.Runtime.List(ctx, map[string]string{runtime.LabelKind: "service"})
	if err != nil {
		return rep, err
	}
	busy := map[string]bool{}
	lockFree := func(app string) bool {
		if v, ok := busy[app]; ok {
			return !v
		}
		// Taking the lock proves no job holds it; give it straight back.
		owner := "reconcile-" + uuid.NewString()
		ok, err := r.Store.TryLock(ctx, "app:"+app, owner, 5*time.Second)
		if err == nil && ok {
			r.Store.Unlock(ctx, "app:"+app, owner)
		}
		busy[app] = !(err == nil && ok)
		return !busy[app]
	}
	live := map[string]bool{}
	for _, c := range cs {
		app := c.Labels[runtime.LabelApp]
		if owned[c.ID] {
			if c.Running || c.State == "restarting" {
				live[c.ID] = true
			}
			continue
		}
		if time.Since(c.StartedAt) < r.Grace && c.Running || !lockFree(app) {
			continue
		}
		if err := r.Runtime.Remove(ctx, c.ID); err != nil {
			r.Logger.Warn("reconcile: remove", "container", c.Name, "err", err)
			continue
		}
		rep.Removed = append(rep.Removed, c.Name)
	}
	if err := r.oneOffs(ctx, &rep); err != nil {
		return rep, err
	}
	for _, a := range apps {
		if a.Release == 0 {
			continue
		}
		missing := false
		for _, run := range a.Running {
			if run.Stopped {
				continue
			}
			n := 0
			for _, id := range run.Containers {
				if live[id] {
					n++
				}
			}
			if n < run.Replicas {
				missing = true
			}
		}
		if !missing || !lockFree(a.Name) {
			continue
		}
		if err := QueueHeal(ctx, r.Store, r.Queue, a.Name, nil); err != nil {
			r.Logger.Warn("reconcile: heal", "app", a.Name, "err", err)
			continue
		}
		rep.Healing = append(rep.Healing, a.Name)
	}
	return rep, nil
}

// heal queues a job that starts the app's missing replicas.
// Enqueuer takes tasks (asynq.Client).
type Enqueuer interface {
	EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// QueueHeal queues a heal of app, as Kyozo's own job: the app's missing
// replicas are started again, and the containers named in replace are
// replaced even though they run (the health monitor's failing ones).
func QueueHeal(ctx context.Context, st store.Jobs, q Enqueuer, app string, replace []string) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	job := store.Job{ID: id.String(), App: app, Pusher: "kyozo", State: store.JobQueued}
	if err := st.CreateJob(ctx, job); err != nil {
		return err
	}
	t, err := tasks.NewOp(tasks.Op{JobID: job.ID, App: app, Op: tasks.OpHeal, Actor: "kyozo", Replace: replace}, 30*time.Minute)
	if err != nil {
		return err
	}
	_, err = q.EnqueueContext(ctx, t)
	return err
}
