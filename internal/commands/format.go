package commands

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// now is the clock relative times are measured against.
var now = time.Now

// ago says how long ago t was, as people say it: "5 minutes ago".
func ago(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now().Sub(t)
	unit := func(n int, name string) string {
		if n == 1 {
			return "1 " + name + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, name)
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return unit(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return unit(int(d/time.Hour), "hour")
	case d < 30*24*time.Hour:
		return unit(int(d/(24*time.Hour)), "day")
	case d < 365*24*time.Hour:
		return unit(int(d/(30*24*time.Hour)), "month")
	}
	return unit(int(d/(365*24*time.Hour)), "year")
}

// uptime is a short duration: 42s, 5m12s, 3h4m, 2d5h.
func uptime(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

func short(commit string) string {
	if len(commit) > 7 {
		return commit[:7]
	}
	if commit == "" {
		return "-"
	}
	return commit
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 8, 2, ' ', 0) }

// serviceOrder lists a release's services in start order, then any the
// order does not name, sorted.
func serviceOrder(rel store.Release) []string {
	var out []string
	for _, level := range rel.Order {
		for _, n := range level {
			if _, ok := rel.Services[n]; ok && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	var rest []string
	for n := range rel.Services {
		if !slices.Contains(out, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// serviceOf returns a service of the release, or a failure naming those
// it has.
func serviceOf(rel store.Release, name string) (store.ReleaseService, error) {
	s, ok := rel.Services[name]
	if !ok {
		return s, failed("no service %q in %s v%d (services: %s)", name, rel.App, rel.Version, strings.Join(serviceOrder(rel), ", "))
	}
	return s, nil
}

func isJob(s store.ReleaseService) bool { return s.Kind == string(topology.KindJob) }

// inspect returns the containers of ids; one that is gone is reported
// with the state "missing".
func (c *call) inspect(ids []string) ([]runtime.Container, error) {
	out := make([]runtime.Container, 0, len(ids))
	for _, id := range ids {
		ct, err := c.Runtime.Inspect(c.ctx, id)
		switch {
		case errors.Is(err, runtime.ErrNotFound):
			ct = runtime.Container{ID: id, State: "missing"}
		case err != nil:
			return nil, err
		}
		out = append(out, ct)
	}
	return out, nil
}

// health is a container's health: its image's check when it has one,
// else whether it runs.
func health(ct runtime.Container) string {
	switch {
	case ct.Health != "":
		return ct.Health
	case ct.Running:
		return "running"
	}
	return orDash(ct.State)
}

// serviceHealth sums up the containers of one service.
func serviceHealth(spec store.ReleaseService, r store.Running, cs []runtime.Container) string {
	switch {
	case isJob(spec):
		return "runs once per release"
	case r.Stopped:
		return "stopped"
	case len(cs) == 0 && r.Replicas == 0:
		return "scaled to 0"
	case len(cs) == 0:
		return "none running"
	}
	var seen []string
	for _, ct := range cs {
		if h := health(ct); !slices.Contains(seen, h) {
			seen = append(seen, h)
		}
	}
	return strings.Join(seen, ", ")
}

// backingState is whether a backing service's container runs.
func backingState(cs []runtime.Container) string {
	if len(cs) == 0 {
		return "missing"
	}
	for _, ct := range cs {
		if ct.Running {
			return "running"
		}
	}
	return "stopped"
}
