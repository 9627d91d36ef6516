package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// Every change to what runs — a deploy, a rollback, a config change, a
// scale, a restart — is the same operation: a desired state (a release's
// spec, replicas per service, services to renew) is converged to. New
// containers start level by level and must all be healthy before anything
// switches; then the state is recorded and traffic moves in one step. If
// any container fails, none of the new ones stay and the previous state
// keeps serving.

// desired is a state to converge to.
type desired struct {
	rel *store.Release
	// newRelease is set when rel is a new release to record (deploy,
	// rollback, config); otherwise rel is the current one.
	newRelease bool
	// replicas per service; a service missing here runs as it does now
	// (one replica for a new one).
	replicas map[string]int
	stopped  map[string]bool
	// renew are services whose containers are replaced even if unchanged.
	renew map[string]bool
	// replace are containers replaced even though they run.
	replace map[string]bool
}

// converge makes the desired state serve and returns the release version.
func (d *Deployer) converge(ctx context.Context, job *jobRun, app store.App, prev *store.Release, want desired) (int, error) {
	cfg, err := d.openConfig(want.rel.Config)
	if err != nil {
		return 0, err
	}
	var prevCfg map[string]string // only a new release compares configs
	if prev != nil && want.newRelease {
		if prevCfg, err = d.openConfig(prev.Config); err != nil {
			return 0, err
		}
	}
	if want.newRelease {
		if job.network, err = d.Runtime.EnsureNetwork(ctx, app.Name); err != nil {
			return 0, fmt.Errorf("network: %w", err)
		}
		if err := d.startBacking(ctx, job, want.rel.Backing); err != nil {
			return 0, err
		}
	} else {
		job.network = runtime.NetworkName(app.Name)
	}
	job.out.header(ctx, "Starting containers")
	running := map[string]store.Running{}
	for _, level := range orderOf(want.rel) {
		if err := d.cancelled(ctx, job); err != nil {
			return 0, err
		}
		var starts []start
		for _, name := range level {
			spec := want.rel.Services[name]
			cur := app.Running[name]
			n := cur.Replicas
			if r, ok := want.replicas[name]; ok {
				n = r
			}
			if n == 0 && !cur.Stopped {
				n = 1
			}
			stopped := cur.Stopped
			if s, ok := want.stopped[name]; ok {
				stopped = s
			}
			r := store.Running{Replicas: n, Stopped: stopped}
			if spec.Kind == string(topology.KindJob) {
				if want.newRelease {
					starts = append(starts, start{name: name, spec: spec, count: 1})
				}
				running[name] = store.Running{Replicas: 1}
				continue
			}
			if stopped {
				running[name] = r
				if len(cur.Containers) > 0 {
					job.out.info(ctx, "%s: stopping", name)
				}
				continue
			}
			unchanged := !want.renew[name]
			if want.newRelease {
				unchanged = unchanged && prev != nil && maps.Equal(prevCfg, cfg)
				if unchanged {
					old, ok := prev.Services[name]
					unchanged = ok && sameSpec(old, spec)
				}
			}
			var keep []string
			if unchanged {
				keep = d.aliveOf(ctx, cur.Containers)
				keep = slices.DeleteFunc(keep, func(id string) bool { return want.replace[id] })
				if len(keep) > n {
					keep = keep[:n]
				}
				switch {
				case len(keep) == n && len(keep) == len(cur.Containers):
					job.out.info(ctx, "%s: unchanged, keeps running (%d)", name, n)
				case len(keep) < n:
					job.out.info(ctx, "%s: %d running, starting %d more", name, len(keep), n-len(keep))
				default:
					job.out.info(ctx, "%s: %d running, scaling to %d", name, len(cur.Containers), n)
				}
			}
			r.Containers = keep
			running[name] = r
			if extra := n - len(keep); extra > 0 {
				starts = append(starts, start{name: name, spec: spec, count: extra})
			}
		}
		if err := d.startAll(ctx, job, app.Name, want.rel, cfg, starts, running); err != nil {
			return 0, err
		}
	}
	if err := d.cancelled(ctx, job); err != nil {
		return 0, err
	}
	version := app.Release
	rel := want.rel
	if want.newRelease {
		version = 0
	} else {
		rel = nil
	}
	if err := d.Store.Activate(ctx, app.Name, rel, version, running); err != nil {
		return 0, fmt.Errorf("recording the new state: %w", err)
	}
	if want.newRelease {
		version = want.rel.Version
		job.out.header(ctx, "Releasing v%d", version)
		d.event(ctx, store.Event{App: app.Name, Type: store.EventRelease, Actor: want.rel.Pusher, Job: job.id,
			Release: version, Message: fmt.Sprintf("v%d: %s", version, want.rel.Description)})
	}
	// From here the state is recorded: the new containers are no longer
	// this job's to clean up, whatever the switch does.
	job.started = nil
	if err := d.Switcher.Switch(ctx, app.Name, version); err != nil {
		return 0, fmt.Errorf("switching traffic to v%d: %w", version, err)
	}
	return version, nil
}

// start is a batch of new containers for one service.
type start struct {
	name  string
	spec  store.ReleaseService
	count int
}

// startAll starts the containers of one level and waits for all of them.
func (d *Deployer) startAll(ctx context.Context, job *jobRun, app string, rel *store.Release, cfg map[string]string, starts []start, running map[string]store.Running) error {
	type one struct {
		name string
		spec store.ReleaseService
		c    runtime.Container
	}
	var all []one
	for _, s := range starts {
		env, err := d.containerEnv(ctx, app, s.spec, cfg)
		if err != nil {
			return err
		}
		for range s.count {
			c, err := d.runService(ctx, job, app, rel, s.name, s.spec, env)
			if err != nil {
				return err
			}
			all = append(all, one{s.name, s.spec, c})
			if s.spec.Kind != string(topology.KindJob) {
				r := running[s.name]
				r.Containers = append(r.Containers, c.ID)
				running[s.name] = r
			}
		}
	}
	// Wait for the whole level at once: one slow service does not delay
	// the checks of the others.
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, o := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.waitReady(ctx, job, o.name, o.spec, o.c)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// containerEnv is what a service's containers get: the links to its
// backing services with their secrets filled in, the app's config (which
// wins over a link of the same name), and PORT.
func (d *Deployer) containerEnv(ctx context.Context, app string, spec store.ReleaseService, cfg map[string]string) (map[string]string, error) {
	env, err := d.resolve(ctx, app, spec.Env)
	if err != nil {
		return nil, err
	}
	maps.Copy(env, cfg)
	if spec.Port > 0 {
		env["PORT"] = fmt.Sprint(spec.Port)
	}
	return env, nil
}

// sameSpec reports whether two releases run a service identically.
func sameSpec(a, b store.ReleaseService) bool {
	return a.Image == b.Image && a.Port == b.Port && a.Kind == b.Kind && a.HealthPath == b.HealthPath &&
		slices.Equal(a.Command, b.Command) && maps.Equal(a.Env, b.Env) && a.MemoryMB == b.MemoryMB && a.CPUs == b.CPUs
}

// aliveOf returns the containers of ids that still run.
func (d *Deployer) aliveOf(ctx context.Context, ids []string) []string {
	var out []string
	for _, id := range ids {
		if c, err := d.Runtime.Inspect(ctx, id); err == nil && c.Running {
			out = append(out, id)
		}
	}
	return out
}

// orderOf returns a release's services by start level; services the
// order does not name come last.
func orderOf(rel *store.Release) [][]string {
	seen := map[string]bool{}
	var out [][]string
	for _, level := range rel.Order {
		var l []string
		for _, n := range level {
			if _, ok := rel.Services[n]; ok && !seen[n] {
				seen[n] = true
				l = append(l, n)
			}
		}
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	var rest []string
	for n := range rel.Services {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	if len(rest) > 0 {
		slices.Sort(rest)
		out = append(out, rest)
	}
	return out
}

// openConfig opens a release's sealed config.
func (d *Deployer) openConfig(sealed map[string]string) (map[string]string, error) {
	if len(sealed) == 0 {
		return map[string]string{}, nil
	}
	if d.Box == nil {
		return nil, errors.New("the app has config but no secret key is loaded")
	}
	return d.Box.OpenAll(sealed)
}

// releaseURLs prints where the web services of a release answer.
func (d *Deployer) releaseURLs(ctx context.Context, job *jobRun, rel *store.Release) {
	served := false
	for _, level := range orderOf(rel) {
		for _, name := range level {
			for _, h := range rel.Services[name].Hosts {
				job.out.info(ctx, "%-12s %s", name, d.URL(h))
				served = true
			}
		}
	}
	if !served {
		job.out.info(ctx, "no web service: nothing is routed")
	}
}
