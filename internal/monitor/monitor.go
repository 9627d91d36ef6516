// Package monitor checks every running replica of every web service
// continuously, as the deploy's health gate does once. A replica that fails
// check_threshold checks in a row is taken out of the router's rotation
// first (when its service has another replica), then replaced by a heal
// job that starts a new one, health-gated, before the failing one is
// drained and removed. Each replacement is an audit-trail event.
package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/kyozo/kyozo/internal/health"
	"github.com/kyozo/kyozo/internal/metrics"
	"github.com/kyozo/kyozo/internal/reconcile"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// Monitor runs the continuous checks.
type Monitor struct {
	Store   store.Store
	Runtime runtime.Runtime
	// Routes takes a failing container out of rotation.
	Routes interface {
		TakeOut(ctx context.Context, app, id string) (bool, error)
	}
	Queue     reconcile.Enqueuer
	Metrics   *metrics.Metrics
	Logger    *slog.Logger
	Interval  time.Duration
	Timeout   time.Duration
	Threshold int

	failures  map[string]int       // container → failed checks in a row
	replacing map[string]time.Time // container → when its replacement was queued
	// failing is the containers whose last check failed, for Failing,
	// which other goroutines call.
	failing sync.Map
}

// Failing reports whether the last check of a container failed; the
// metrics sampler counts such a replica as not healthy.
func (m *Monitor) Failing(id string) bool {
	_, ok := m.failing.Load(id)
	return ok
}

// target is one replica to check.
type target struct {
	app, service, id string
	check            health.Check
}

// Run checks every Interval until ctx ends.
func (m *Monitor) Run(ctx context.Context) {
	t := time.NewTicker(m.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.Once(ctx); err != nil && ctx.Err() == nil {
				m.Logger.Warn("health monitor", "err", err)
			}
		}
	}
}

// Once checks every replica one time and acts on the ones past the threshold.
func (m *Monitor) Once(ctx context.Context) error {
	if m.failures == nil {
		m.failures, m.replacing = map[string]int{}, map[string]time.Time{}
	}
	targets, err := m.targets(ctx)
	if err != nil {
		return err
	}
	results := make([]error, len(targets))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cctx, cancel := context.WithTimeout(ctx, m.Timeout)
			start := time.Now()
			results[i] = health.Probe(cctx, t.check)
			cancel()
			m.Metrics.HealthCheck(t.app, t.service, results[i] == nil, time.Since(start))
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, t := range targets {
		seen[t.id] = true
		if results[i] == nil {
			delete(m.failures, t.id)
			m.failing.Delete(t.id)
			continue
		}
		m.failing.Store(t.id, struct{}{})
		m.failures[t.id]++
		if m.failures[t.id] < m.Threshold {
			continue
		}
		if at, ok := m.replacing[t.id]; ok && time.Since(at) < 5*time.Minute {
			continue // its replacement is on its way
		}
		m.replace(ctx, t, results[i])
	}
	for id := range m.failures {
		if !seen[id] {
			delete(m.failures, id)
			m.failing.Delete(id)
		}
	}
	for id, at := range m.replacing {
		if !seen[id] && time.Since(at) > time.Minute {
			delete(m.replacing, id)
		}
	}
	return nil
}

// targets lists the replicas of every web service that runs now.
func (m *Monitor) targets(ctx context.Context) ([]target, error) {
	apps, err := m.Store.AppsList(ctx)
	if err != nil {
		return nil, err
	}
	var out []target
	for _, a := range apps {
		if a.Release == 0 {
			continue
		}
		rel, err := m.Store.Release(ctx, a.Name, a.Release)
		if err != nil {
			continue
		}
		for name, run := range a.Running {
			spec, ok := rel.Services[name]
			if !ok || spec.Port == 0 || run.Stopped {
				continue
			}
			for _, id := range run.Containers {
				c, err := m.Runtime.Inspect(ctx, id)
				if err != nil || !c.Running || c.IP == "" {
					continue // gone or stopped: reconciliation's business
				}
				out = append(out, target{a.Name, name, id, health.Check{
					Addr: net.JoinHostPort(c.IP, strconv.Itoa(spec.Port)), Path: spec.HealthPath,
				}})
			}
		}
	}
	return out, nil
}

// replace takes a failing replica out of rotation and queues its
// replacement.
func (m *Monitor) replace(ctx context.Context, t target, cause error) {
	m.replacing[t.id] = time.Now()
	out, err := m.Routes.TakeOut(ctx, t.app, t.id)
	if err != nil {
		m.Logger.Warn("health monitor: take out", "app", t.app, "container", t.id, "err", err)
	}
	msg := fmt.Sprintf("%s replica %s failed %d checks in a row (%v); replacing it", t.service, shortID(t.id), m.failures[t.id], cause)
	if !out {
		msg += " (it stays in rotation: it is the service's only replica)"
	}
	m.Logger.Warn("unhealthy replica", "app", t.app, "service", t.service, "container", t.id, "err", cause)
	if _, err := m.Store.AddEvent(ctx, store.Event{App: t.app, Type: store.EventHealth, Actor: "kyozo", Message: msg, Error: cause.Error()}); err != nil {
		m.Logger.Warn("audit trail", "err", err)
	}
	if err := reconcile.QueueHeal(ctx, m.Store, m.Queue, t.app, []string{t.id}); err != nil {
		m.Logger.Warn("health monitor: queue a heal", "err", err)
	}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
