// Package routes keeps the router in step with the store: the daemon's
// router serves each app's current release, and a switch to a new release
// drains and removes the containers of the old one. Workers in the daemon
// call the Controller directly; workers on other machines reach it through
// Redis (Remote).
package routes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kyozo/kyozo/internal/router"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// Controller applies releases to the router.
type Controller struct {
	Store   store.Store
	Runtime runtime.Runtime
	Router  *router.Router
	// Domain is the platform's domain: APP.DOMAIN names an app's main web
	// service, which its custom domains (store.Domains) reach too.
	Domain string
	// DrainTimeout bounds how long old containers finish in-flight requests.
	DrainTimeout time.Duration
	// StopTimeout is how long a stopped container gets before it is killed.
	StopTimeout time.Duration
	Logger      *slog.Logger

	mu       sync.Mutex // one switch at a time per controller
	draining sync.WaitGroup
	// failing are containers health monitoring took out of rotation
	// until they are replaced.
	failing sync.Map // container id → struct{}
	// retiring are old containers a retirement has taken on, so that the
	// next switch (a rollback right after a deploy) leaves them to it
	// rather than stopping them a second time.
	retiring sync.Map // container id → struct{}
}

// TakeOut stops sending traffic to a failing container, if its service
// has another target; it reports whether it did. The container stays out
// of rotation until it is retired.
func (c *Controller) TakeOut(ctx context.Context, app, id string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.Store.App(ctx, app)
	if err != nil || a.Release == 0 {
		return false, err
	}
	rel, err := c.Store.Release(ctx, app, a.Release)
	if err != nil {
		return false, err
	}
	c.failing.Store(id, struct{}{})
	routes, err := c.routesOf(ctx, a, rel)
	if err != nil {
		return false, err
	}
	out := true
	for _, r := range routes {
		for _, t := range r.Targets {
			if t.ID == id {
				out = false // the service's only target: better than none
			}
		}
	}
	c.Router.SetApp(app, routes)
	return out, nil
}

// Switch routes the app's traffic to its current release in the store and
// returns once it does; the old release's containers are drained and
// removed in the background.
func (c *Controller) Switch(ctx context.Context, app string, version int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.Store.App(ctx, app)
	if err != nil {
		return err
	}
	if a.Release != version {
		return fmt.Errorf("v%d is no longer %s's current release (v%d is)", version, app, a.Release)
	}
	// A switch without a new release (scale, restart, stop) routes the
	// same release's new set of containers.
	rel, err := c.Store.Release(ctx, app, version)
	if err != nil {
		return err
	}
	routes, err := c.routesOf(ctx, a, rel)
	if err != nil {
		return err
	}
	removed := c.Router.SetApp(app, routes)
	c.Logger.Info("switched", "app", app, "release", version, "hosts", len(routes), "draining", len(removed))
	keep := runningIDs(a)
	// What retires is decided now: the app's containers that the new
	// release does not use. Containers started later (the next deploy's)
	// are not this switch's to remove.
	cs, err := c.Runtime.List(ctx, map[string]string{runtime.LabelApp: app, runtime.LabelKind: "service"})
	if err != nil {
		return fmt.Errorf("switched, but cannot list the old containers: %w", err)
	}
	var old []runtime.Container
	for _, ct := range cs {
		if keep[ct.ID] {
			continue
		}
		if _, taken := c.retiring.LoadOrStore(ct.ID, struct{}{}); !taken {
			old = append(old, ct)
		}
	}
	c.draining.Add(1)
	go func() {
		defer c.draining.Done()
		c.retire(app, removed, old)
	}()
	return nil
}

// retire waits for the removed targets to finish their requests, then
// stops and removes the old release's containers (web and workers alike),
// unless a later release took one over.
func (c *Controller) retire(app string, removed []router.Target, old []runtime.Container) {
	ctx, cancel := context.WithTimeout(context.Background(), c.DrainTimeout+2*time.Minute)
	defer cancel()
	dctx, dcancel := context.WithTimeout(ctx, c.DrainTimeout)
	if err := c.Router.Drain(dctx, removed); err != nil {
		c.Logger.Warn("drain timed out; stopping anyway", "app", app, "timeout", c.DrainTimeout)
	}
	dcancel()
	current := c.currentContainers(ctx, app)
	for _, ct := range old {
		if current[ct.ID] {
			c.retiring.Delete(ct.ID)
			continue
		}
		if err := c.Runtime.Stop(ctx, ct.ID, c.StopTimeout); err != nil {
			c.Logger.Warn("retire: stop", "container", ct.Name, "err", err)
		}
		if err := c.Runtime.Remove(ctx, ct.ID); err != nil {
			c.Logger.Warn("retire: remove", "container", ct.Name, "err", err)
		}
		c.failing.Delete(ct.ID)
		c.retiring.Delete(ct.ID)
	}
}

// currentContainers returns the containers of the app's current release.
func (c *Controller) currentContainers(ctx context.Context, app string) map[string]bool {
	a, err := c.Store.App(ctx, app)
	if err != nil {
		return map[string]bool{}
	}
	return runningIDs(a)
}

// runningIDs are the containers the app's state says serve it.
func runningIDs(a store.App) map[string]bool {
	out := map[string]bool{}
	for _, r := range a.Running {
		for _, id := range r.Containers {
			out[id] = true
		}
	}
	return out
}

// Wait blocks until background retirements are done (shutdown, tests).
func (c *Controller) Wait() { c.draining.Wait() }

// routesOf maps the release's host names, and the app's custom domains,
// to its running containers.
func (c *Controller) routesOf(ctx context.Context, a store.App, rel store.Release) (map[string]router.Route, error) {
	domains, err := c.Store.Domains(ctx, a.Name)
	if err != nil {
		return nil, err
	}
	main := rel.MainService(c.Domain)
	routes := map[string]router.Route{}
	for name, s := range rel.Services {
		if len(s.Hosts) == 0 || s.Port == 0 {
			continue
		}
		var targets, failing []router.Target
		for _, id := range a.Running[name].Containers {
			ct, err := c.Runtime.Inspect(ctx, id)
			if errors.Is(err, runtime.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if !ct.Running || ct.IP == "" {
				continue
			}
			t := router.Target{ID: ct.ID, Addr: net.JoinHostPort(ct.IP, strconv.Itoa(s.Port))}
			if _, bad := c.failing.Load(ct.ID); bad {
				failing = append(failing, t)
				continue
			}
			targets = append(targets, t)
		}
		if len(targets) == 0 {
			// Only failing containers left: they still get the traffic.
			targets = failing
		}
		hosts := s.Hosts
		if name == main {
			hosts = append(slices.Clip(hosts), domains...)
		}
		for _, h := range hosts {
			routes[h] = router.Route{App: rel.App, Service: name, Targets: targets}
		}
	}
	return routes, nil
}

// Refresh routes the app again as the store has it, without a switch:
// after its custom domains changed.
func (c *Controller) Refresh(ctx context.Context, app string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.Store.App(ctx, app)
	if err != nil {
		return err
	}
	return c.route(ctx, a)
}

// route sets the app's routes to its current release's, if it has one.
func (c *Controller) route(ctx context.Context, a store.App) error {
	if a.Release == 0 {
		return nil
	}
	rel, err := c.Store.Release(ctx, a.Name, a.Release)
	if err != nil {
		return err
	}
	routes, err := c.routesOf(ctx, a, rel)
	if err != nil {
		return err
	}
	c.Router.SetApp(a.Name, routes)
	return nil
}

// Sync routes every app to its current release, from the store and the
// running containers: how a restarted daemon takes its apps back without
// taking them offline. It removes nothing.
func (c *Controller) Sync(ctx context.Context) error {
	apps, err := c.Store.AppsList(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range apps {
		if err := c.route(ctx, a); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.Name, err))
		}
	}
	return errors.Join(errs...)
}
