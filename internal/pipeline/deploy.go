package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/topology"
)

// deployment is the state of one deploy as it goes through the stages.
type deployment struct {
	p       tasks.Deploy
	out     *progress
	topo    *topology.Topology
	prev    *store.Release // the release serving now, nil for the first
	plans   []*servicePlan // in start order
	network string
	// started are the containers this job created; a failure removes them.
	started []string
	timings []string
}

func (d *deployment) stage(name string, start time.Time) {
	d.timings = append(d.timings, fmt.Sprintf("%s %s", name, seconds(time.Since(start))))
}

// deploy runs the stages and returns the new release's version.
func (d *Deployer) deploy(ctx context.Context, p tasks.Deploy, out *progress) (version int, err error) {
	dep := &deployment{p: p, out: out}
	out.header(ctx, "Deploying %s at %s (job %s)", p.App, short(p.Commit), p.JobID)

	unlock, err := d.lock(ctx, dep)
	if err != nil {
		return 0, err
	}
	defer unlock()
	// Whatever this job started is removed if it does not become a release.
	defer func() {
		if err != nil {
			d.cleanup(dep)
		}
	}()
	if err := d.removeLeftovers(ctx, dep); err != nil {
		return 0, err
	}

	t := time.Now()
	if err := d.detect(ctx, dep); err != nil {
		return 0, err
	}
	dep.stage("detect", t)

	if err := d.loadPrevious(ctx, dep); err != nil {
		return 0, err
	}
	t = time.Now()
	if err := d.planServices(ctx, dep); err != nil {
		return 0, err
	}
	if err := d.buildImages(ctx, dep); err != nil {
		return 0, err
	}
	dep.stage("build", t)

	t = time.Now()
	if dep.network, err = d.Runtime.EnsureNetwork(ctx, p.App); err != nil {
		return 0, fmt.Errorf("network: %w", err)
	}
	backing, err := d.startBacking(ctx, dep)
	if err != nil {
		return 0, err
	}
	if err := d.rollout(ctx, dep); err != nil {
		return 0, err
	}
	if err := d.cancelled(ctx, dep); err != nil {
		return 0, err
	}
	version, err = d.release(ctx, dep, backing)
	if err != nil {
		return 0, err
	}
	dep.stage("release", t)
	out.info(ctx, "Stages: %s", strings.Join(dep.timings, ", "))
	return version, nil
}

// cancelled reports a cancellation asked for through the store (the
// pusher went away while the job was queued or between checks).
func (d *Deployer) cancelled(ctx context.Context, dep *deployment) error {
	if err := ctx.Err(); err != nil {
		return ErrCancelled
	}
	if c, err := d.Store.CancelRequested(ctx, dep.p.JobID); err == nil && c {
		return ErrCancelled
	}
	return nil
}

// lock waits for the app's deploy lock, so one app deploys at a time in
// push order. A job that is no longer the app's newest push gives up: the
// newer one deploys instead.
func (d *Deployer) lock(ctx context.Context, dep *deployment) (func(), error) {
	const ttl = 30 * time.Second
	name := "app:" + dep.p.App
	waiting := false
	for {
		if err := d.cancelled(ctx, dep); err != nil {
			return nil, err
		}
		latest, err := d.Store.LatestJob(ctx, dep.p.App)
		if err != nil {
			return nil, err
		}
		if latest != "" && latest > dep.p.JobID {
			return nil, fmt.Errorf("%w (job %s)", ErrSuperseded, latest)
		}
		ok, err := d.Store.TryLock(ctx, name, dep.p.JobID, ttl)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		if !waiting {
			dep.out.info(ctx, "Waiting for the deploy of %s that is running", dep.p.App)
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
				if ok, err := d.Store.RenewLock(renewCtx, name, dep.p.JobID, ttl); err != nil || !ok {
					d.Logger.Warn("deploy lock lost", "app", dep.p.App, "job", dep.p.JobID, "err", err)
				}
			}
		}
	}()
	return func() {
		stop()
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.Store.Unlock(uctx, name, dep.p.JobID)
	}, nil
}

// removeLeftovers removes containers an earlier attempt of this job
// started (a worker killed mid-deploy), so a retry starts clean.
func (d *Deployer) removeLeftovers(ctx context.Context, dep *deployment) error {
	cs, err := d.Runtime.List(ctx, map[string]string{runtime.LabelApp: dep.p.App, runtime.LabelRelease: dep.p.JobID})
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
func (d *Deployer) cleanup(dep *deployment) {
	if len(dep.started) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, id := range dep.started {
		// Never released, never sent traffic: no grace period is owed.
		if err := d.Runtime.Stop(ctx, id, 0); err != nil {
			d.Logger.Warn("cleanup", "container", id, "err", err)
		}
		if err := d.Runtime.Remove(ctx, id); err != nil {
			d.Logger.Warn("cleanup", "container", id, "err", err)
		}
	}
	dep.out.info(ctx, "Removed the new containers; the previous release keeps serving")
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

// loadPrevious reads the release serving now.
func (d *Deployer) loadPrevious(ctx context.Context, dep *deployment) error {
	app, err := d.Store.App(ctx, dep.p.App)
	if err != nil {
		return err
	}
	if app.Release == 0 {
		return nil
	}
	rel, err := d.Store.Release(ctx, dep.p.App, app.Release)
	if err != nil {
		return err
	}
	dep.prev = &rel
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
