package router

import (
	"context"
	"fmt"
)

// Drain blocks until no request is in flight to any of targets, or ctx is
// done; then it returns ctx.Err(), wrapped with the target still busy.
// Call it with the targets SetApp or RemoveApp returned, before stopping
// them: requests that started before the swap finish on them, and no new
// one reaches them.
func (r *Router) Drain(ctx context.Context, targets []Target) error {
	for _, t := range targets {
		id := t.ID
		if id == "" {
			id = t.Addr
		}
		r.mu.Lock()
		st := r.states[id]
		r.mu.Unlock()
		if st == nil {
			continue // never routed, or already idle and forgotten
		}
		if err := st.wait(ctx); err != nil {
			return fmt.Errorf("router: drain %s (%d in flight): %w", id, st.inflight.Load(), err)
		}
	}
	r.mu.Lock()
	r.sweep(r.liveIDs())
	r.mu.Unlock()
	return nil
}

// wait returns once inflight is zero. It is woken by the release that
// brings the count to zero rather than polling: release looks at waiters
// after its decrement, and wait reads the count after raising waiters and
// publishing its channel, so one of the two always sees the other.
func (s *targetState) wait(ctx context.Context) error {
	if s.inflight.Load() <= 0 {
		return nil
	}
	s.waiters.Add(1)
	defer s.waiters.Add(-1)
	for {
		s.mu.Lock()
		if s.idle == nil {
			s.idle = make(chan struct{})
		}
		idle := s.idle
		n := s.inflight.Load()
		s.mu.Unlock()
		if n <= 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sweep forgets the states of targets no longer routed once they are idle.
// Forgetting is safe then: every backend of such a target is retired, so a
// request that still takes a count on the old state gives it back at once
// (see acquire), and a Drain that finds no state has nothing to wait for.
// Called with mu held.
func (r *Router) sweep(liveIDs map[string]bool) {
	for id, st := range r.states {
		if !liveIDs[id] && st.inflight.Load() == 0 {
			delete(r.states, id)
		}
	}
}

// liveIDs is the set of target IDs some backend routes. Called with mu held.
func (r *Router) liveIDs() map[string]bool {
	ids := make(map[string]bool, len(r.backends))
	for t := range r.backends {
		ids[t.ID] = true
	}
	return ids
}
