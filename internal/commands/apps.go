package commands

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kyozo/kyozo/internal/pipeline"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// apps lists the apps the key may see: its own, or all for an admin.
func (c *call) apps() error {
	if err := c.nargs(0, 0); err != nil {
		return err
	}
	all, err := c.Store.AppsList(c.ctx)
	if err != nil {
		return err
	}
	var mine []store.App
	for _, a := range all {
		if c.sess.Key.Admin || a.Owner == c.sess.Key.Name {
			mine = append(mine, a)
		}
	}
	if len(mine) == 0 {
		c.out("no apps yet: git push to one (ssh://…/APP) or run apps:create APP")
		return nil
	}
	tw := table(c.sess.Stdout)
	fmt.Fprintln(tw, "NAME\tRELEASE\tCOMMIT\tOWNER")
	for _, a := range mine {
		rel := "-"
		if a.Release > 0 {
			rel = fmt.Sprintf("v%d", a.Release)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, rel, short(a.Commit), a.Owner)
	}
	return tw.Flush()
}

// appsCreate makes an empty app owned by the key, with its repository.
func (c *call) appsCreate() error {
	if err := c.nargs(1, 1); err != nil {
		return err
	}
	name := c.args[0]
	if !topology.ValidName(name) {
		return usageError("invalid app name %q: app names match %s", name, topology.NameRule)
	}
	a := store.App{Name: name, Owner: c.sess.Key.Name, Created: time.Now().UTC()}
	err := c.Store.CreateApp(c.ctx, a)
	if errors.Is(err, store.ErrExists) {
		return failed("app %s already exists", name)
	}
	if err != nil {
		return err
	}
	if c.Repos != nil {
		if _, err := c.Repos.Ensure(c.ctx, name); err != nil {
			// An app without its repository would be half made: undo it.
			if derr := c.Store.DeleteApp(c.ctx, name); derr != nil {
				c.log.Error("undo apps:create", "app", name, "err", derr)
			}
			return fmt.Errorf("creating the repository of %s: %w", name, err)
		}
	}
	c.log.Info("app created", "app", name, "owner", a.Owner)
	c.event(store.Event{App: name, Type: store.EventApp, Actor: a.Owner, Message: "created"})
	c.out("Created %s", name)
	c.out("Deploy it with: git push kyozo main (the remote's path is /%s)", name)
	if c.Domain != "" {
		c.out("Its main web service will answer at %s", c.URL(name+"."+c.Domain))
	}
	return nil
}

// appsInfo shows the current release, every service's state and URLs,
// and the backing services.
func (c *call) appsInfo() error {
	a, err := c.oneApp()
	if err != nil {
		return err
	}
	c.out("=== %s", a.Name)
	tw := table(c.sess.Stdout)
	fmt.Fprintf(tw, "Owner:\t%s\n", a.Owner)
	fmt.Fprintf(tw, "Created:\t%s (%s)\n", a.Created.Format(time.DateTime), ago(a.Created))
	if a.Release == 0 {
		fmt.Fprintf(tw, "Release:\tnone yet: git push to deploy\n")
		return tw.Flush()
	}
	rel, err := c.current(a)
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "Release:\tv%d, %s by %s %s (%s)\n", rel.Version, orDash(rel.Kind), orDash(rel.Pusher), ago(rel.Created), orDash(rel.Description))
	fmt.Fprintf(tw, "Commit:\t%s\n", orDash(rel.Commit))
	if err := tw.Flush(); err != nil {
		return err
	}

	custom, err := c.Store.Domains(c.ctx, a.Name)
	if err != nil {
		return err
	}
	main := rel.MainService(c.Domain)
	c.out("")
	tw = table(c.sess.Stdout)
	fmt.Fprintln(tw, "SERVICE\tKIND\tREPLICAS\tHEALTH\tURLS")
	for _, name := range serviceOrder(rel) {
		spec := rel.Services[name]
		r := a.Running[name]
		cs, err := c.inspect(r.Containers)
		if err != nil {
			return err
		}
		replicas := "-"
		if !isJob(spec) {
			up := 0
			for _, ct := range cs {
				if ct.Running {
					up++
				}
			}
			replicas = fmt.Sprintf("%d/%d", up, r.Replicas)
		}
		var urls []string
		for _, h := range spec.Hosts {
			urls = append(urls, c.URL(h))
		}
		if name == main {
			for _, h := range custom {
				urls = append(urls, c.URL(h))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, spec.Kind, replicas, serviceHealth(spec, r, cs), orDash(strings.Join(urls, " ")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rel.Backing) > 0 {
		c.out("")
		return c.backingTable(a.Name, rel, false)
	}
	return nil
}

// services lists the backing services of the current release.
func (c *call) services() error {
	a, err := c.oneApp()
	if err != nil {
		return err
	}
	if a.Release == 0 {
		c.out(noRelease, a.Name)
		return nil
	}
	rel, err := c.current(a)
	if err != nil {
		return err
	}
	if len(rel.Backing) == 0 {
		c.out("%s v%d has no backing services", a.Name, rel.Version)
		return nil
	}
	return c.backingTable(a.Name, rel, true)
}

// backingTable prints the backing services of a release and their state.
func (c *call) backingTable(app string, rel store.Release, images bool) error {
	tw := table(c.sess.Stdout)
	if images {
		fmt.Fprintln(tw, "NAME\tTYPE\tIMAGE\tSTATE\tVOLUME")
	} else {
		fmt.Fprintln(tw, "BACKING\tTYPE\tSTATE\tVOLUME")
	}
	for _, b := range rel.Backing {
		cs, err := c.Runtime.List(c.ctx, map[string]string{
			runtime.LabelApp: app, runtime.LabelService: b.Name, runtime.LabelKind: "backing",
		})
		if err != nil {
			return err
		}
		vol := "-"
		if b.Volume != "" {
			vol = pipeline.VolumeName(app, b.Volume)
		}
		if images {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Name, b.Type, b.Image, backingState(cs), vol)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", b.Name, b.Type, backingState(cs), vol)
		}
	}
	return tw.Flush()
}
