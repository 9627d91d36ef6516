package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/topology"
)

// ErrNoRelease is returned by an operation on an app never deployed.
var ErrNoRelease = errors.New("has no release yet: git push first")

// operate runs an operation on the running app: everything but a deploy
// converges from the current release without building anything.
func (d *Deployer) operate(ctx context.Context, job *jobRun, op tasks.Op) (int, error) {
	var app store.App
	var cur *store.Release
	if err := d.loadCurrent(ctx, job, &app, &cur); err != nil {
		return 0, err
	}
	if cur == nil {
		return 0, fmt.Errorf("%s %w", op.App, ErrNoRelease)
	}
	names, err := servicesOf(cur, op.Services)
	if err != nil {
		return 0, err
	}
	switch op.Op {
	case tasks.OpRollback:
		return d.rollback(ctx, job, app, cur, op)
	case tasks.OpConfig:
		cfg, err := d.Store.Config(ctx, op.App)
		if err != nil {
			return 0, err
		}
		job.out.header(ctx, "Releasing %s's new config (%s)", op.App, op.Description)
		rel := copyRelease(cur, op)
		rel.Kind, rel.Description, rel.Config = "config", op.Description, cfg
		v, err := d.converge(ctx, job, app, cur, desired{rel: rel, newRelease: true})
		if err == nil {
			d.releaseURLs(ctx, job, rel)
		}
		return v, err
	case tasks.OpScale:
		want := desired{rel: cur, replicas: map[string]int{}}
		for name, n := range op.Replicas {
			s, ok := cur.Services[name]
			if !ok {
				return 0, fmt.Errorf("no service %q in v%d (services: %s)", name, cur.Version, strings.Join(slices.Sorted(maps.Keys(cur.Services)), ", "))
			}
			if s.Kind == string(topology.KindJob) {
				return 0, fmt.Errorf("%s runs once per release and cannot be scaled", name)
			}
			if n < 0 || n > 100 {
				return 0, fmt.Errorf("%s=%d: replicas go from 0 to 100", name, n)
			}
			want.replicas[name] = n
		}
		job.out.header(ctx, "Scaling %s", op.App)
		return d.converge(ctx, job, app, cur, want)
	case tasks.OpRestart:
		job.out.header(ctx, "Restarting %s: %s", op.App, strings.Join(names, ", "))
		want := desired{rel: cur, renew: map[string]bool{}}
		for _, n := range names {
			want.renew[n] = true
		}
		// Config stored with --no-restart since the release is released
		// now, as Dokku's ps:restart does.
		cfg, changed, err := d.configChanged(ctx, op.App, cur)
		if err != nil {
			return 0, err
		}
		if changed {
			rel := copyRelease(cur, op)
			rel.Kind, rel.Description, rel.Config = "config", "Apply config changed with --no-restart", cfg
			job.out.info(ctx, "the stored config differs from v%d's: releasing it", cur.Version)
			want.rel, want.newRelease = rel, true
		}
		return d.converge(ctx, job, app, cur, want)
	case tasks.OpHeal:
		// The current state, converged again: live containers stay, the
		// missing ones are started.
		job.out.header(ctx, "Healing %s", op.App)
		want := desired{rel: cur, replace: map[string]bool{}}
		for _, id := range op.Replace {
			want.replace[id] = true
		}
		return d.converge(ctx, job, app, cur, want)
	case tasks.OpStop, tasks.OpStart:
		stop := op.Op == tasks.OpStop
		job.out.header(ctx, "%s %s: %s", map[bool]string{true: "Stopping", false: "Starting"}[stop], op.App, strings.Join(names, ", "))
		want := desired{rel: cur, stopped: map[string]bool{}}
		for _, n := range names {
			want.stopped[n] = stop
		}
		return d.converge(ctx, job, app, cur, want)
	}
	return 0, fmt.Errorf("unknown operation %q", op.Op)
}

// rollback makes a new release from an older one's images and config,
// without building anything.
func (d *Deployer) rollback(ctx context.Context, job *jobRun, app store.App, cur *store.Release, op tasks.Op) (int, error) {
	target := op.Version
	if target == 0 {
		target = cur.Version - 1
	}
	if target < 1 || target == cur.Version {
		return 0, fmt.Errorf("no release to roll back to (%s runs v%d)", op.App, cur.Version)
	}
	old, err := d.Store.Release(ctx, op.App, target)
	if err != nil {
		return 0, err
	}
	job.out.header(ctx, "Rolling %s back to v%d (%s)", op.App, target, old.Description)
	for _, name := range slices.Sorted(maps.Keys(old.Services)) {
		img := old.Services[name].Image
		ok, err := d.Runtime.ImageExists(ctx, img)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, fmt.Errorf("v%d's image %s of %s is no longer on this machine (only the last releases' images are kept)", target, img, name)
		}
	}
	rel := copyRelease(&old, op)
	rel.Kind, rel.Description = "rollback", fmt.Sprintf("Rollback to v%d", target)
	v, err := d.converge(ctx, job, app, cur, desired{rel: rel, newRelease: true})
	if err != nil {
		return 0, err
	}
	// The app's config is the one it rolled back to.
	if err := d.Store.ReplaceConfig(ctx, op.App, old.Config); err != nil {
		return v, fmt.Errorf("rolled back, but the config store was not updated: %w", err)
	}
	d.Metrics.Rollback(op.App)
	d.releaseURLs(ctx, job, rel)
	return v, nil
}

// copyRelease starts a new release from an existing one's spec.
func copyRelease(r *store.Release, op tasks.Op) *store.Release {
	cp := *r
	cp.Version, cp.JobID, cp.Pusher, cp.Created, cp.Duration = 0, op.JobID, op.Actor, time.Time{}, 0
	return &cp
}

// servicesOf checks named services exist in a release; none means all.
func servicesOf(rel *store.Release, names []string) ([]string, error) {
	if len(names) == 0 {
		var all []string
		for _, n := range slices.Sorted(maps.Keys(rel.Services)) {
			if rel.Services[n].Kind != string(topology.KindJob) {
				all = append(all, n)
			}
		}
		return all, nil
	}
	for _, n := range names {
		if _, ok := rel.Services[n]; !ok {
			return nil, fmt.Errorf("no service %q in v%d (services: %s)", n, rel.Version, strings.Join(slices.Sorted(maps.Keys(rel.Services)), ", "))
		}
	}
	return names, nil
}

// configChanged reports whether the app's stored config (returned, sealed)
// differs from the release's: set with --no-restart since.
func (d *Deployer) configChanged(ctx context.Context, app string, rel *store.Release) (map[string]string, bool, error) {
	stored, err := d.Store.Config(ctx, app)
	if err != nil {
		return nil, false, err
	}
	a, err := d.openConfig(stored)
	if err != nil {
		return nil, false, err
	}
	b, err := d.openConfig(rel.Config)
	if err != nil {
		return nil, false, err
	}
	return stored, !maps.Equal(a, b), nil
}
