package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/build"
	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/runtime"
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
	// URL formats the address of a host name for the pusher.
	URL func(host string) string
}

// Job outcomes that are not failures of the app.
var (
	ErrSuperseded = errors.New("superseded by a newer push")
	ErrCancelled  = errors.New("cancelled")
)

// ProcessTask runs one deploy. Failures of the deploy (a build error, an
// unhealthy release) are recorded on the job and not retried; only a
// worker that dies mid-deploy has its task retried, from the start.
func (d *Deployer) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseDeploy(t)
	if err != nil {
		return err
	}
	job, err := d.Store.Job(ctx, p.JobID)
	if err != nil {
		return fmt.Errorf("job %s: %w", p.JobID, err)
	}
	if job.State.Final() {
		return nil // a retry of a job that finished
	}
	log := d.Logger.With("app", p.App, "job", p.JobID, "commit", short(p.Commit))
	out := &progress{store: d.Store, job: p.JobID, log: log}
	job.State, job.Started = store.JobRunning, time.Now().UTC()
	if err := d.Store.UpdateJob(ctx, job); err != nil {
		return err
	}
	start := time.Now()
	rel, err := d.deploy(ctx, p, out)
	job.Finished = time.Now().UTC()
	// The job's outcome is written even when ctx is done (cancelled).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch {
	case err == nil:
		job.State, job.Release = store.JobSucceeded, rel
		out.final(wctx, store.JobSucceeded, fmt.Sprintf("Deployed %s v%d in %s", p.App, rel, seconds(time.Since(start))))
		log.Info("deployed", "release", rel, "duration", time.Since(start))
	case errors.Is(err, ErrSuperseded):
		job.State, job.Error = store.JobSuperseded, err.Error()
		out.final(wctx, store.JobSuperseded, "Not deployed: "+err.Error())
	case errors.Is(err, ErrCancelled) || errors.Is(ctx.Err(), context.Canceled):
		job.State, job.Error = store.JobCancelled, "cancelled: the pusher disconnected"
		out.final(wctx, store.JobCancelled, "Cancelled: the pusher disconnected; the previous release keeps serving")
		log.Info("deploy cancelled by the pusher's disconnect")
	default:
		job.State, job.Error = store.JobFailed, err.Error()
		out.final(wctx, store.JobFailed, "Deploy failed: "+err.Error())
		log.Warn("deploy failed", "err", err)
	}
	if uerr := d.Store.UpdateJob(wctx, job); uerr != nil {
		return uerr
	}
	if p.Source != "" {
		os.RemoveAll(p.Source)
	}
	if job.State == store.JobSucceeded {
		return nil
	}
	return fmt.Errorf("%s: %w", job.Error, asynq.SkipRetry)
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
