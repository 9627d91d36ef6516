package commands

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
)

// ps lists the containers of the current state, one line each; a service
// with none says why (stopped, scaled to 0, a job).
func (c *call) ps() error {
	a, err := c.oneApp()
	if err != nil {
		return err
	}
	if a.Release == 0 {
		c.out(noRelease, a.Name)
		return nil
	}
	rels, err := c.Store.ReleasesList(c.ctx, a.Name, 0)
	if err != nil {
		return err
	}
	// The current release is in the list: no second read for it.
	var rel store.Release
	if i := slices.IndexFunc(rels, func(r store.Release) bool { return r.Version == a.Release }); i >= 0 {
		rel = rels[i]
	} else if rel, err = c.current(a); err != nil {
		return err
	}
	versions := c.releaseOfJob(rels)
	tw := table(c.sess.Stdout)
	fmt.Fprintln(tw, "SERVICE\tREPLICA\tCONTAINER\tRELEASE\tSTATUS\tHEALTH\tUPTIME")
	for _, name := range serviceOrder(rel) {
		r := a.Running[name]
		cs, err := c.inspect(r.Containers)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t%s\t-\t-\n", name, serviceHealth(rel.Services[name], r, nil))
			continue
		}
		for i, ct := range cs {
			status, up := ct.State, "-"
			if ct.Running {
				up = uptime(now().Sub(ct.StartedAt))
			} else if ct.State == "exited" {
				status = fmt.Sprintf("exited (%d)", ct.ExitCode)
			}
			fmt.Fprintf(tw, "%s\t%s.%d\t%s\t%s\t%s\t%s\t%s\n", name, name, i+1, orDash(ct.Name), versions(ct.Labels[runtime.LabelRelease]),
				orDash(status), health(ct), up)
		}
	}
	return tw.Flush()
}

// psScale sets replicas per service; without any, it shows them.
func (c *call) psScale() error {
	if err := c.nargs(1, -1); err != nil {
		return err
	}
	want := map[string]int{}
	for _, arg := range c.args[1:] {
		name, n, err := parseScale(arg)
		if err != nil {
			return err
		}
		want[name] = n
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	rel, err := c.release(a)
	if err != nil {
		return err
	}
	if len(want) == 0 {
		for _, name := range serviceOrder(rel) {
			if !isJob(rel.Services[name]) {
				c.out("%s=%d", name, a.Running[name].Replicas)
			}
		}
		return nil
	}
	names := slices.Sorted(maps.Keys(want))
	var parts []string
	for _, name := range names {
		spec, err := serviceOf(rel, name)
		if err != nil {
			return err
		}
		if isJob(spec) {
			return failed("%s runs once per release and cannot be scaled", name)
		}
		parts = append(parts, fmt.Sprintf("%s=%d", name, want[name]))
	}
	c.out("Scaling %s: %s", a.Name, strings.Join(parts, " "))
	return c.queueOp(a, tasks.Op{Op: tasks.OpScale, Replicas: want}, false)
}

func (c *call) psRestart() error { return c.psOp(tasks.OpRestart, "Restarting") }
func (c *call) psStop() error    { return c.psOp(tasks.OpStop, "Stopping") }
func (c *call) psStart() error   { return c.psOp(tasks.OpStart, "Starting") }

// psOp queues a restart, stop or start of the app or of one service.
func (c *call) psOp(op, verb string) error {
	if err := c.nargs(1, 2); err != nil {
		return err
	}
	var services []string
	if len(c.args) == 2 {
		if err := checkService(c.args[1]); err != nil {
			return err
		}
		services = []string{c.args[1]}
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	rel, err := c.release(a)
	if err != nil {
		return err
	}
	what := a.Name
	if len(services) == 1 {
		spec, err := serviceOf(rel, services[0])
		if err != nil {
			return err
		}
		if isJob(spec) {
			return failed("%s runs once per release: there is nothing to %s", services[0], op)
		}
		what = a.Name + " " + services[0]
	}
	c.out("%s %s", verb, what)
	return c.queueOp(a, tasks.Op{Op: op, Services: services}, false)
}
