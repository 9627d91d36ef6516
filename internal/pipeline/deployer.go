package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/build"
	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/metrics"
	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/secrets"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
)

// Switcher makes a recorded release the one traffic goes to. The daemon's
// router implements it in process; a worker on another machine reaches the
// daemon through Redis.
type Switcher interface {
	// Switch routes the app's traffic to its current release (in the
	// store) and returns once it does. Old containers are drained and
	// stopped after it returns.
	Switch(ctx context.Context, app string, version int) error
}

// Deployer runs deploy jobs. It is the asynq handler of tasks.TypeDeploy.
type Deployer struct {
	Store    store.Store
	Runtime  runtime.Runtime
	Builder  build.Builder
	Switcher Switcher
	Config   *config.Config
	Logger   *slog.Logger
	// Images are the base images of generated Dockerfiles.
	Images plan.Images
	// Box seals and opens config values and generated credentials.
	Box *secrets.Box
	// Refs moves a branch to a deployed commit when the push's own hook is
	// gone (a retried deploy: the daemon that took the push died); nil
	// leaves branches to git.
	Refs interface {
		SetBranch(ctx context.Context, app, ref, commit, old string) error
	}
	// Metrics receives what happens; nil is fine.
	Metrics *metrics.Metrics
	// URL formats the address of a host name for the pusher.
	URL func(host string) string
}

// Job outcomes that are not failures of the app.
var (
	ErrSuperseded = errors.New("superseded by a newer push")
	ErrCancelled  = errors.New("cancelled")
)

// ProcessTask runs one job: a deploy, or an operation on the running app
// (rollback, config change, scale, restart, stop, start). Failures (a
// build error, an unhealthy release) are recorded on the job and not
// retried; only a job whose worker died mid-way is retried, from the start:
// every stage is idempotent.
func (d *Deployer) ProcessTask(ctx context.Context, t *asynq.Task) error {
	var (
		id, app, actor string
		op             *tasks.Op // nil for a deploy
		eventType      = store.EventDeploy
		run            func(ctx context.Context, job *jobRun) (int, error)
	)
	switch t.Type() {
	case tasks.TypeDeploy:
		p, err := tasks.ParseDeploy(t)
		if err != nil {
			return err
		}
		id, app, actor = p.JobID, p.App, p.Pusher
		defer func() {
			if p.Source != "" {
				os.RemoveAll(p.Source)
			}
		}()
		run = func(ctx context.Context, job *jobRun) (int, error) { return d.deploy(ctx, job, p) }
	case tasks.TypeOp:
		parsed, err := tasks.ParseOp(t)
		if err != nil {
			return err
		}
		op = &parsed
		id, app, actor = op.JobID, op.App, op.Actor
		eventType = opEvents[op.Op]
		run = func(ctx context.Context, job *jobRun) (int, error) { return d.operate(ctx, job, parsed) }
	default:
		return fmt.Errorf("unknown task type %q: %w", t.Type(), asynq.SkipRetry)
	}
	job, err := d.Store.Job(ctx, id)
	if err != nil {
		return fmt.Errorf("job %s: %w", id, err)
	}
	if job.State.Final() {
		return nil // a retry of a job that finished
	}
	log := d.Logger.With("app", app, "job", id)
	jr := &jobRun{id: id, app: app, out: &progress{store: d.Store, job: id, log: log}}
	job.State, job.Started = store.JobRunning, time.Now().UTC()
	if err := d.Store.UpdateJob(ctx, job); err != nil {
		return err
	}
	start := time.Now()
	rel, err := d.runLocked(ctx, jr, run)
	job.Finished = time.Now().UTC()
	// The job's outcome is written even when ctx is done (cancelled).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	result := "succeeded"
	switch {
	case err == nil:
		job.State, job.Release = store.JobSucceeded, rel
		done := "Done"
		if op == nil {
			done = fmt.Sprintf("Deployed %s v%d", app, rel)
		}
		jr.out.final(wctx, store.JobSucceeded, fmt.Sprintf("%s in %s", done, seconds(time.Since(start))))
		log.Info("job done", "release", rel, "duration", time.Since(start))
	case errors.Is(err, ErrSuperseded):
		result = "superseded"
		job.State, job.Error = store.JobSuperseded, err.Error()
		jr.out.final(wctx, store.JobSuperseded, "Not deployed: "+err.Error())
	case errors.Is(err, ErrCancelled) || errors.Is(ctx.Err(), context.Canceled):
		result = "cancelled"
		job.State, job.Error = store.JobCancelled, "cancelled: the client disconnected"
		jr.out.final(wctx, store.JobCancelled, "Cancelled: the client disconnected; what ran before keeps serving")
		log.Info("deploy cancelled by the pusher's disconnect")
	default:
		result = "failed"
		job.State, job.Error = store.JobFailed, err.Error()
		what := "Failed: "
		if op == nil {
			what = "Deploy failed: "
		}
		jr.out.final(wctx, store.JobFailed, what+err.Error())
		log.Warn("job failed", "err", err)
	}
	if op == nil {
		d.Metrics.Deploy(app, metrics.DeployResult(result))
		d.Metrics.DeployStage(metrics.StageTotal, time.Since(start))
	}
	d.event(wctx, jobEvent(op, job, eventType, actor, time.Since(start)))
	if uerr := d.Store.UpdateJob(wctx, job); uerr != nil {
		return uerr
	}
	if job.State == store.JobSucceeded {
		return nil
	}
	return fmt.Errorf("%s: %w", job.Error, asynq.SkipRetry)
}

// runLocked runs a job under its app's lock, removing what the job started
// if it fails.
func (d *Deployer) runLocked(ctx context.Context, job *jobRun, run func(context.Context, *jobRun) (int, error)) (int, error) {
	unlock, err := d.lock(ctx, job)
	if err != nil {
		return 0, err
	}
	defer unlock()
	v, err := run(ctx, job)
	if err != nil {
		d.cleanup(job)
	}
	return v, err
}

// progress writes the lines of a job's log.
type progress struct {
	store store.Jobs
	job   string
	log   *slog.Logger
}

// header starts a stage, as Heroku's build output does.
func (p *progress) header(ctx context.Context, format string, a ...any) {
	p.line(ctx, "-----> "+fmt.Sprintf(format, a...))
}

// info is a line under a stage.
func (p *progress) info(ctx context.Context, format string, a ...any) {
	p.line(ctx, "       "+fmt.Sprintf(format, a...))
}

func (p *progress) line(ctx context.Context, text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if err := p.store.AppendLine(ctx, p.job, l, ""); err != nil {
			p.log.Warn("job log", "err", err)
		}
	}
}

func (p *progress) final(ctx context.Context, state store.JobState, text string) {
	if err := p.store.AppendLine(ctx, p.job, text, state); err != nil {
		p.log.Warn("job log", "err", err)
	}
}

func short(commit string) string {
	if len(commit) > 7 {
		return commit[:7]
	}
	return commit
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

// opEvents are the audit-trail types of operations.
var opEvents = map[string]string{
	tasks.OpRollback: store.EventRollback, tasks.OpConfig: store.EventConfig, tasks.OpScale: store.EventScale,
	tasks.OpRestart: store.EventRestart, tasks.OpStop: store.EventStop, tasks.OpStart: store.EventStart,
	tasks.OpHeal: store.EventHealth,
}

// jobEvent is the audit-trail entry of a finished job: a deploy's when op
// is nil, else the operation's.
func jobEvent(op *tasks.Op, j store.Job, typ, actor string, d time.Duration) store.Event {
	e := store.Event{App: j.App, Type: typ, Actor: actor, Duration: d.Seconds(), Job: j.ID, Error: j.Error}
	switch j.State {
	case store.JobSucceeded:
		e.Release = j.Release
		e.Message = "succeeded"
		if j.Release > 0 {
			e.Message = fmt.Sprintf("succeeded: v%d", j.Release)
		}
		if op == nil {
			e.Message += " at " + short(j.Commit)
		}
	default:
		e.Message = string(j.State)
	}
	if op != nil {
		switch op.Op {
		case tasks.OpConfig:
			e.Message = op.Description + ": " + e.Message
		case tasks.OpScale:
			var parts []string
			for _, n := range slices.Sorted(maps.Keys(op.Replicas)) {
				parts = append(parts, fmt.Sprintf("%s=%d", n, op.Replicas[n]))
			}
			e.Message = strings.Join(parts, " ") + ": " + e.Message
		case tasks.OpRollback:
			e.Message = fmt.Sprintf("to v%d: %s", op.Version, e.Message)
		case tasks.OpRestart, tasks.OpStop, tasks.OpStart:
			if len(op.Services) > 0 {
				e.Message = strings.Join(op.Services, ", ") + ": " + e.Message
			}
		}
	}
	return e
}

// event records an audit-trail entry; a store that fails loses the entry,
// never the job.
func (d *Deployer) event(ctx context.Context, e store.Event) {
	if _, err := d.Store.AddEvent(ctx, e); err != nil {
		d.Logger.Warn("audit trail", "app", e.App, "type", e.Type, "err", err)
	}
}
