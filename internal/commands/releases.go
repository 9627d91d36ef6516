package commands

import (
	"errors"
	"fmt"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
)

// releases lists an app's releases, newest first, the current one starred.
func (c *call) releases() error {
	a, err := c.oneApp()
	if err != nil {
		return err
	}
	rels, err := c.Store.ReleasesList(c.ctx, a.Name, 0)
	if err != nil {
		return err
	}
	if len(rels) == 0 {
		c.out("%s has no releases yet: git push to deploy it", a.Name)
		return nil
	}
	tw := table(c.sess.Stdout)
	fmt.Fprintln(tw, "\tRELEASE\tCOMMIT\tKIND\tDESCRIPTION\tBY\tWHEN")
	for _, r := range rels {
		mark := ""
		if r.Version == a.Release {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\tv%d\t%s\t%s\t%s\t%s\t%s\n", mark, r.Version, short(r.Commit), orDash(r.Kind), orDash(r.Description), orDash(r.Pusher), ago(r.Created))
	}
	return tw.Flush()
}

// rollback releases an earlier version's images and config again, as a new
// release. Like a push, it supersedes a deploy still waiting.
func (c *call) rollback() error {
	if err := c.nargs(1, 2); err != nil {
		return err
	}
	version := 0
	if len(c.args) == 2 {
		v, err := parseVersion(c.args[1])
		if err != nil {
			return err
		}
		version = v
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	if a.Release == 0 {
		return failed(noRelease, a.Name)
	}
	target := version
	if target == 0 {
		target = a.Release - 1
	}
	if target < 1 || target == a.Release {
		return failed("no release to roll back to: %s runs v%d", a.Name, a.Release)
	}
	if _, err := c.Store.Release(c.ctx, a.Name, target); errors.Is(err, store.ErrNotFound) {
		return failed("%s has no release v%d (releases %s lists them)", a.Name, target, a.Name)
	} else if err != nil {
		return err
	}
	c.out("Rolling %s back to v%d", a.Name, target)
	return c.queueOp(a, tasks.Op{Op: tasks.OpRollback, Version: target}, true)
}

// releaseOfJob returns a lookup of the release a container belongs to,
// from the job id it is labelled with: the job that made a release, else
// the release a job (a scale, a restart) ended at.
func (c *call) releaseOfJob(rels []store.Release) func(job string) string {
	byJob := map[string]int{}
	for _, r := range rels {
		byJob[r.JobID] = r.Version
	}
	return func(job string) string {
		if job == "" {
			return "-"
		}
		v, ok := byJob[job]
		if !ok {
			if j, err := c.Store.Job(c.ctx, job); err == nil {
				v = j.Release
			}
			byJob[job] = v
		}
		if v == 0 {
			return "-"
		}
		return fmt.Sprintf("v%d", v)
	}
}
