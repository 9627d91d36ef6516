package router

import (
	"maps"
	"slices"
	"strings"
	"sync/atomic"
)

// table is one version of the routing table. It is never changed once
// stored: SetApp builds the next one beside it, reusing the routes of the
// apps it leaves alone, and swaps the pointer.
type table struct {
	hosts map[string]*route    // normalised host → the route that serves it
	apps  map[string]*appEntry // every app's routes, including shadowed hosts
}

type appEntry struct {
	seq    uint64            // when the app's routes were set
	routes map[string]*route // normalised host → route
}

type route struct {
	Route
	backends []*backend // one per entry of Targets, in order
	next     atomic.Uint64
}

// pick returns the next backend round-robin, skipping avoid (a target that
// just failed) when the route has another.
func (rt *route) pick(avoid *backend) *backend {
	n := uint64(len(rt.backends))
	if n == 0 {
		return nil
	}
	for range n {
		b := rt.backends[(rt.next.Add(1)-1)%n]
		if avoid == nil || b.ID != avoid.ID {
			return b
		}
	}
	return nil
}

// hostKey normalises a Host header or a configured host name: no port, no
// trailing dot, lower case. It allocates only when the host has upper-case
// letters, which browsers never send.
func hostKey(h string) string {
	if h == "" {
		return h
	}
	if h[0] == '[' { // IPv6 literal, "[::1]:8000"
		if end := strings.IndexByte(h, ']'); end > 0 {
			h = h[:end+1]
		}
	} else if i := strings.IndexByte(h, ':'); i >= 0 && i == strings.LastIndexByte(h, ':') {
		h = h[:i]
	}
	h = strings.TrimRight(h, ".")
	for i := 0; i < len(h); i++ {
		if c := h[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(h)
		}
	}
	return h
}

// SetApp atomically replaces every route of one app (Host name → Route)
// and returns the targets that are no longer routed anywhere, to be drained
// then stopped. Host names are matched without case and port. Each route's
// App is set to app; a target without an ID is known by its Addr. If two
// names normalise to one host, the first in sorted order is kept.
//
// When two apps claim the same host, the one set most recently serves it;
// the other's claim comes back if the winner lets the host go.
func (r *Router) SetApp(app string, routes map[string]Route) (removed []Target) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.tab.Load()
	r.seq++
	entry := &appEntry{seq: r.seq, routes: make(map[string]*route, len(routes))}
	// In sorted order, so that when two names normalise to one host (say
	// "Shop.localhost" and "shop.localhost:8000"), which one is kept does
	// not depend on map iteration.
	for _, h := range slices.Sorted(maps.Keys(routes)) {
		in := routes[h]
		key := hostKey(h)
		if key == "" {
			r.log.Warn("router: route with an empty host ignored", "app", app, "service", in.Service)
			continue
		}
		if prev, dup := entry.routes[key]; dup {
			r.log.Warn("router: two routes for one host; keeping the first by name", "app", app, "host", key,
				"service", in.Service, "other_service", prev.Service)
			continue
		}
		for other, e := range old.apps {
			if _, taken := e.routes[key]; taken && other != app {
				r.log.Warn("router: host moves to another app", "host", key, "app", app, "previous_app", other)
			}
		}
		entry.routes[key] = r.newRoute(app, in)
	}
	apps := maps.Clone(old.apps)
	apps[app] = entry
	return r.swap(apps)
}

// RemoveApp drops every route of app and returns the targets that are no
// longer routed anywhere.
func (r *Router) RemoveApp(app string) (removed []Target) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.tab.Load()
	if _, ok := old.apps[app]; !ok {
		return nil
	}
	apps := maps.Clone(old.apps)
	delete(apps, app)
	return r.swap(apps)
}

// newRoute copies in (the caller keeps its slices) and attaches a backend
// to every target. Called with mu held.
func (r *Router) newRoute(app string, in Route) *route {
	rt := &route{Route: Route{App: app, Service: in.Service, Targets: make([]Target, 0, len(in.Targets))}}
	rt.backends = make([]*backend, 0, len(in.Targets))
	for _, t := range in.Targets {
		if t.Addr == "" {
			r.log.Warn("router: target without an address ignored", "app", app, "service", in.Service, "target", t.ID)
			continue
		}
		if t.ID == "" {
			t.ID = t.Addr
		}
		rt.Targets = append(rt.Targets, t)
		rt.backends = append(rt.backends, r.backend(t))
	}
	return rt
}

// swap stores the table made of apps and retires what it no longer routes.
// Called with mu held.
func (r *Router) swap(apps map[string]*appEntry) []Target {
	next := &table{apps: apps, hosts: make(map[string]*route)}
	owner := make(map[string]uint64)
	live := make(map[*backend]bool)
	liveIDs := make(map[string]bool)
	for _, e := range apps {
		for h, rt := range e.routes {
			if seq, ok := owner[h]; !ok || e.seq > seq {
				owner[h] = e.seq
				next.hosts[h] = rt
			}
			for _, b := range rt.backends {
				live[b] = true
				liveIDs[b.ID] = true
			}
		}
	}

	// Retire before the store: a request that took a count on one of these
	// against the old table must see the flag once it sees the new table.
	var removed []Target
	for t, b := range r.backends {
		if live[b] {
			continue
		}
		b.retired.Store(true)
		// Its requests in flight finish on their connections; none is
		// kept after, since the target is going away.
		b.fast.closeIdle(true)
		delete(r.backends, t)
		if !liveIDs[t.ID] {
			removed = append(removed, t)
		}
	}
	r.tab.Store(next)
	r.sweep(liveIDs)
	slices.SortFunc(removed, func(a, b Target) int {
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return strings.Compare(a.Addr, b.Addr)
	})
	return removed
}

// Lookup returns the route that serves host (any case, with or without a port).
func (r *Router) Lookup(host string) (Route, bool) {
	rt, ok := r.tab.Load().hosts[hostKey(host)]
	if !ok {
		return Route{}, false
	}
	return rt.clone(), true
}

// Apps returns a copy of every app's routes by normalised host, including
// hosts another app has since claimed.
func (r *Router) Apps() map[string]map[string]Route {
	t := r.tab.Load()
	out := make(map[string]map[string]Route, len(t.apps))
	for app, e := range t.apps {
		routes := make(map[string]Route, len(e.routes))
		for h, rt := range e.routes {
			routes[h] = rt.clone()
		}
		out[app] = routes
	}
	return out
}

func (rt *route) clone() Route {
	c := rt.Route
	c.Targets = slices.Clone(rt.Targets)
	return c
}
