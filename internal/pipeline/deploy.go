package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/metrics"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/topology"
)

// jobRun is what every job carries through its stages.
type jobRun struct {
	id, app string
	out     *progress
	network string
	// started are the containers this job created; a failure removes them.
	started []string
	timings []string
}

// stage records how long a deploy stage took, in the job's summary line
// and as a metric.
func (d *Deployer) stage(j *jobRun, stage metrics.Stage, start time.Time) {
	took := time.Since(start)
	j.timings = append(j.timings, fmt.Sprintf("%s %s", stage, seconds(took)))
	d.Metrics.DeployStage(stage, took)
}

// deployment is a deploy's state as it goes through the stages.
type deployment struct {
	*jobRun
	p     tasks.Deploy
	topo  *topology.Topology
	app   store.App
	prev  *store.Release // the release serving now, nil for the first
	plans []*servicePlan // in start order
}

// deploy runs the stages and returns the new release's version.
func (d *Deployer) deploy(ctx context.Context, job *jobRun, p tasks.Deploy) (version int, err error) {
	dep := &deployment{jobRun: job, p: p}
	job.out.header(ctx, "Deploying %s at %s (job %s)", p.App, short(p.Commit), p.JobID)
	if err := d.removeLeftovers(ctx, job); err != nil {
		return 0, err
	}
	t := time.Now()
	if err := d.detect(ctx, dep); err != nil {
		return 0, err
	}
	d.stage(job, metrics.StageDetect, t)
	if err := d.loadCurrent(ctx, job, &dep.app, &dep.prev); err != nil {
		return 0, err
	}
	t = time.Now()
	if err := d.planServices(ctx, dep); err != nil {
		return 0, err
	}
	if err := d.buildImages(ctx, dep); err != nil {
		return 0, err
	}
	d.stage(job, metrics.StageBuild, t)

	t = time.Now()
	cfg, err := d.Store.Config(ctx, p.App)
	if err != nil {
		return 0, err
	}
	rel := d.newRelease(dep, cfg)
	version, err = d.converge(ctx, job, dep.app, dep.prev, desired{rel: rel, newRelease: true})
	if err != nil {
		return 0, err
	}
	d.stage(job, metrics.StageRollout, t)
	d.releaseURLs(ctx, job, rel)
	d.keepBranch(ctx, job, p)
	d.prune(ctx, job)
	job.out.info(ctx, "Stages: %s", strings.Join(job.timings, ", "))
	return version, nil
}

// newRelease is the release a deploy makes: the planned services, the
// backing services, the start order and the app's config.
func (d *Deployer) newRelease(dep *deployment, cfg map[string]string) *store.Release {
	rel := &store.Release{
		App: dep.p.App, Commit: dep.p.Commit, JobID: dep.p.JobID, Pusher: dep.p.Pusher, Kind: "deploy",
		Description: "Deploy " + short(dep.p.Commit),
		Services:    map[string]store.ReleaseService{},
		Order:       dep.topo.StartOrder,
		Config:      cfg,
		Topology:    topologyJSON(dep.topo),
	}
	links := map[string]map[string]string{}
	for _, b := range dep.topo.BackingServices {
		if b.Type != "container" {
			rel.Backing = append(rel.Backing, store.BackingService{
				Name: b.Name, Type: b.Type, Image: b.Image, Port: b.Port, Volume: b.Volume,
				DataPath: b.DataPath, Command: b.Command, Container: b.Container, Secrets: b.Secrets,
			})
		}
		for _, user := range b.UsedBy {
			if links[user] == nil {
				links[user] = map[string]string{}
			}
			for k, v := range b.Env {
				links[user][k] = v
			}
		}
	}
	for _, sp := range dep.plans {
		s := sp.svc
		rs := store.ReleaseService{
			Image: sp.image, Fingerprint: sp.fingerprint, Kind: string(s.Kind), Port: s.Port,
			Command: sp.command, Env: links[s.Name], Replicas: 1, MemoryMB: s.Resources.MemoryMB,
			CPUs: s.Resources.CPUs, Hosts: sp.hosts,
		}
		if s.HealthCheck != nil && (s.Kind == topology.KindWeb || s.Kind == topology.KindStatic) {
			rs.HealthPath = s.HealthCheck.Path
		}
		rel.Services[s.Name] = rs
	}
	return rel
}

// cancelled reports a cancellation asked for through the store (the
// pusher went away while the job was queued or between checks).
func (d *Deployer) cancelled(ctx context.Context, job *jobRun) error {
	if err := ctx.Err(); err != nil {
		return ErrCancelled
	}
	if c, err := d.Store.CancelRequested(ctx, job.id); err == nil && c {
		return ErrCancelled
	}
	return nil
}

// lock waits for the app's deploy lock, so one app deploys at a time in
// push order. A job that is no longer the app's newest push gives up: the
// newer one deploys instead.
func (d *Deployer) lock(ctx context.Context, job *jobRun) (func(), error) {
	const ttl = 30 * time.Second
	name := "app:" + job.app
	waiting := false
	for {
		if err := d.cancelled(ctx, job); err != nil {
			return nil, err
		}
		latest, err := d.Store.LatestJob(ctx, job.app)
		if err != nil {
			return nil, err
		}
		if latest != "" && latest > job.id {
			return nil, fmt.Errorf("%w (job %s)", ErrSuperseded, latest)
		}
		ok, err := d.Store.TryLock(ctx, name, job.id, ttl)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		if !waiting {
			job.out.info(ctx, "Waiting for the job of %s that is running", job.app)
			waiting = true
		}
		select {
		case <-ctx.Done():
			return nil, ErrCancelled
		case <-time.After(500 * time.Millisecond):
		}
	}
	renewCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		tick := time.NewTicker(ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-renewCtx.Done():
				return
			case <-tick.C:
				if ok, err := d.Store.RenewLock(renewCtx, name, job.id, ttl); err != nil || !ok {
					d.Logger.Warn("app lock lost", "app", job.app, "job", job.id, "err", err)
				}
			}
		}
	}()
	return func() {
		stop()
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.Store.Unlock(uctx, name, job.id)
	}, nil
}

// removeLeftovers removes containers an earlier attempt of this job
// started (a worker killed mid-deploy), so a retry starts clean.
func (d *Deployer) removeLeftovers(ctx context.Context, job *jobRun) error {
	cs, err := d.Runtime.List(ctx, map[string]string{runtime.LabelApp: job.app, runtime.LabelRelease: job.id})
	if err != nil {
		return fmt.Errorf("docker: %w", err)
	}
	for _, c := range cs {
		if err := d.Runtime.Remove(ctx, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// cleanup removes the containers this job started.
func (d *Deployer) cleanup(job *jobRun) {
	if len(job.started) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, id := range job.started {
		// Never released, never sent traffic: no grace period is owed.
		if err := d.Runtime.Stop(ctx, id, 0); err != nil {
			d.Logger.Warn("cleanup", "container", id, "err", err)
		}
		if err := d.Runtime.Remove(ctx, id); err != nil {
			d.Logger.Warn("cleanup", "container", id, "err", err)
		}
	}
	job.out.info(ctx, "Removed the new containers; what ran before keeps serving")
}

// detect analyses the pushed tree.
func (d *Deployer) detect(ctx context.Context, dep *deployment) error {
	dep.out.header(ctx, "Detecting services")
	topo, err := topology.Analyze(ctx, dep.p.Source, topology.Options{RootName: dep.p.App, BackingImages: d.Config.BackingImages})
	if err != nil {
		return fmt.Errorf("reading the pushed tree: %w", err)
	}
	dep.topo = topo
	if len(topo.Services) == 0 {
		for _, w := range topo.Warnings {
			dep.out.info(ctx, "warning: %s", warningText(w))
		}
		return errors.New("no service found in the pushed tree: add a manifest (package.json, go.mod, requirements.txt …), a Dockerfile or a Procfile")
	}
	for _, s := range topo.Services {
		port := "-"
		if s.Port > 0 {
			port = fmt.Sprint(s.Port)
		}
		deps := ""
		if len(s.DependsOn) > 0 {
			deps = " → " + strings.Join(s.DependsOn, ", ")
		}
		dep.out.info(ctx, "%-12s %-8s %-28s port %-5s %s%s", s.Name, s.Kind, stackText(s), port, s.Path, deps)
	}
	for _, b := range topo.BackingServices {
		dep.out.info(ctx, "%-12s backing  %-28s used by %s", b.Name, b.Type+" ("+b.Image+")", strings.Join(b.UsedBy, ", "))
	}
	if len(topo.StartOrder) > 1 {
		var levels []string
		for _, l := range topo.StartOrder {
			levels = append(levels, strings.Join(l, " "))
		}
		dep.out.info(ctx, "start order: %s", strings.Join(levels, " → "))
	}
	for i, w := range topo.Warnings {
		if i == 10 {
			dep.out.info(ctx, "… and %d more warnings (kyozo detect shows them all)", len(topo.Warnings)-10)
			break
		}
		dep.out.info(ctx, "warning: %s", warningText(w))
	}
	return nil
}

func warningText(w topology.Warning) string {
	loc := w.File
	if w.Line > 0 {
		loc = fmt.Sprintf("%s:%d", w.File, w.Line)
	}
	if loc == "" {
		return w.Message
	}
	return loc + ": " + w.Message
}

func stackText(s *topology.Service) string {
	parts := []string{s.Language}
	if s.Framework != "" {
		parts = append(parts, s.Framework)
	}
	return strings.Join(parts, " · ")
}

// loadCurrent reads the app and the release serving now (nil for none).
func (d *Deployer) loadCurrent(ctx context.Context, job *jobRun, app *store.App, cur **store.Release) error {
	a, err := d.Store.App(ctx, job.app)
	if err != nil {
		return err
	}
	*app = a
	if a.Release == 0 {
		return nil
	}
	rel, err := d.Store.Release(ctx, job.app, a.Release)
	if err != nil {
		return err
	}
	*cur = &rel
	return nil
}

// topologyJSON is the analysis kept with the release.
func topologyJSON(t *topology.Topology) json.RawMessage {
	b, err := json.Marshal(t)
	if err != nil {
		return nil
	}
	return b
}

// byStartOrder sorts plans so that a service starts after what it depends on.
func byStartOrder(plans []*servicePlan, order [][]string) {
	level := map[string]int{}
	for i, names := range order {
		for _, n := range names {
			level[n] = i
		}
	}
	slices.SortStableFunc(plans, func(a, b *servicePlan) int { return level[a.svc.Name] - level[b.svc.Name] })
}

// keepBranch moves the pushed branch to the deployed commit when this is a
// retry: git would have done it once the hook accepted the push, but the
// hook died with the daemon that took the push, so nobody else will. The
// first attempt leaves it to git, whose own update checks the old value.
func (d *Deployer) keepBranch(ctx context.Context, job *jobRun, p tasks.Deploy) {
	if n, ok := asynq.GetRetryCount(ctx); !ok || n == 0 || d.Refs == nil || p.Old == "" {
		return
	}
	if err := d.Refs.SetBranch(ctx, p.App, p.Ref, p.Commit, p.Old); err != nil {
		d.Logger.Warn("the branch stays where it was", "app", p.App, "ref", p.Ref, "err", err)
		return
	}
	job.out.info(ctx, "%s moved to %s: the push that sent it ended before it could", p.Ref, short(p.Commit))
}
