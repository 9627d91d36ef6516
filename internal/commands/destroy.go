package commands

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kyozo/kyozo/internal/pipeline"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// destroyLockTTL bounds how long apps:destroy holds the app's lock; it
// removes containers and images, which takes seconds, not minutes.
const destroyLockTTL = 10 * time.Minute

// appsDestroy deletes an app: its containers (services, backing services,
// one-offs), its images, its repository and everything the store holds
// about it. Backing services' volumes hold data and are kept unless
// --purge. It holds the app's lock, so no deploy runs meanwhile.
func (c *call) appsDestroy() error {
	a, err := c.oneApp()
	if err != nil {
		return err
	}
	rels, err := c.Store.ReleasesList(c.ctx, a.Name, 0)
	if err != nil {
		return err
	}
	images, volumes := imagesOf(a.Name, rels), volumesOf(a.Name, rels)
	containers, err := c.Runtime.List(c.ctx, map[string]string{runtime.LabelApp: a.Name})
	if err != nil {
		return err
	}
	if !c.flag("force") {
		kept := "no volumes"
		if len(volumes) > 0 {
			kept = "its volumes (" + strings.Join(volumes, ", ") + ") are kept unless --purge"
		}
		return failed("apps:destroy %s deletes it for good: %s, %s, its repository (the pushed history), %s with its config and secrets; %s.\n"+
			"Run it again with --force to go ahead: apps:destroy %s --force", a.Name,
			plural(len(containers), "container", "containers"), plural(len(images), "image", "images"),
			plural(len(rels), "release", "releases"), kept, a.Name)
	}

	owner := "destroy:" + uuid.NewString()
	ok, err := c.Store.TryLock(c.ctx, "app:"+a.Name, owner, destroyLockTTL)
	if err != nil {
		return err
	}
	if !ok {
		return failed("a job of %s is running; try again", a.Name)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 5*time.Second)
		defer cancel()
		c.Store.Unlock(ctx, "app:"+a.Name, owner)
	}()
	log := c.log.With("app", a.Name, "key", c.sess.Key.Name)
	c.cancelWaiting(a.Name)

	// Containers go first: while one is left, nothing else is deleted, so a
	// retry finds the app and finishes the job.
	if left := c.removeContainers(containers, log); len(left) > 0 {
		return failed("cannot remove every container of %s: %s; nothing else was deleted: try again", a.Name, strings.Join(left, "; "))
	}
	c.out("Removed %s", plural(len(containers), "container", "containers"))
	for _, img := range images {
		if err := c.Runtime.RemoveImage(c.ctx, img); err != nil {
			c.out("Kept image %s: %v", img, err)
		}
	}
	c.out("Removed %s", plural(len(images), "image", "images"))
	if err := c.removeVolumes(a.Name, volumes); err != nil {
		return err
	}
	c.removeNetwork(a.Name, log)
	if c.Repos != nil {
		if err := os.RemoveAll(c.Repos.Path(a.Name)); err != nil {
			return fmt.Errorf("removing the repository: %w", err)
		}
		c.out("Removed the repository")
	}
	if c.Unroute != nil {
		c.Unroute(a.Name)
	}
	if err := c.Store.DeleteApp(c.ctx, a.Name); err != nil {
		return err
	}
	log.Info("app destroyed", "containers", len(containers), "images", len(images), "purge", c.flag("purge"))
	// The trail outlives the app: this is its last entry.
	msg := "destroyed"
	switch {
	case c.flag("purge"):
		msg += "; purged"
	case len(volumes) > 0:
		msg += "; volumes kept: " + strings.Join(volumes, ", ")
	}
	c.event(store.Event{App: a.Name, Type: store.EventApp, Actor: c.sess.Key.Name, Message: msg})
	c.out("Destroyed %s", a.Name)
	return nil
}

// destroyParallel is how many containers apps:destroy removes at once:
// each may take its stop timeout (10 s for a process that ignores SIGTERM).
const destroyParallel = 8

// removeContainers removes containers, several at a time, and returns
// those it could not remove, with why, sorted.
func (c *call) removeContainers(containers []runtime.Container, log *slog.Logger) []string {
	var (
		mu   sync.Mutex
		left []string
		wg   sync.WaitGroup
		sem  = make(chan struct{}, destroyParallel)
	)
	for _, ct := range containers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := c.Runtime.Remove(c.ctx, ct.ID); err != nil {
				log.Warn("apps:destroy: remove container", "container", ct.Name, "err", err)
				mu.Lock()
				left = append(left, fmt.Sprintf("%s (%v)", orDash(ct.Name), err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(left)
	return left
}

// removeVolumes removes the app's volumes with --purge and otherwise says
// which were kept.
func (c *call) removeVolumes(app string, volumes []string) error {
	if !c.flag("purge") {
		for _, v := range volumes {
			c.out("Kept volume %s with its data (apps:destroy %s --force --purge removes it; a new app named %s would use it again)", v, app, app)
		}
		return nil
	}
	if len(volumes) == 0 {
		return nil
	}
	vr, ok := c.Runtime.(runtime.VolumeRemover)
	if !ok {
		return failed("this runtime cannot remove volumes; kept %s: nothing else was deleted", strings.Join(volumes, ", "))
	}
	var left []string
	for _, v := range volumes {
		if err := vr.RemoveVolume(c.ctx, v); err != nil {
			left = append(left, fmt.Sprintf("%s (%v)", v, err))
			continue
		}
		c.out("Removed volume %s", v)
	}
	if len(left) > 0 {
		return failed("cannot remove the volumes %s; the app is kept: try again", strings.Join(left, "; "))
	}
	return nil
}

// removeNetwork removes the app's network, now that none of its containers
// is on it. Keeping it is no reason to stop: a new app of the same name
// would reuse it; the output says so.
func (c *call) removeNetwork(app string, log *slog.Logger) {
	nr, ok := c.Runtime.(runtime.NetworkRemover)
	if !ok {
		c.out("Kept the network of %s: this runtime cannot remove networks", app)
		return
	}
	if err := nr.RemoveNetwork(c.ctx, app); err != nil {
		log.Warn("apps:destroy: remove network", "err", err)
		c.out("Kept the network of %s: %v", app, err)
		return
	}
	c.out("Removed the network")
}

// cancelWaiting cancels the app's job still waiting for the lock, so it
// does not start on an app that is gone.
func (c *call) cancelWaiting(app string) {
	id, err := c.Store.LatestJob(c.ctx, app)
	if err != nil || id == "" {
		return
	}
	if j, err := c.Store.Job(c.ctx, id); err != nil || j.State.Final() {
		return
	}
	log := c.log.With("app", app, "job", id)
	c.cancel(id, "Cancelled: the app is being destroyed", log)
	log.Info("waiting job cancelled: the app is being destroyed")
}

// imagesOf lists the images the app's releases built: Kyozo's own
// (kyozo/APP-SERVICE:TAG), never a backing service's official image.
func imagesOf(app string, rels []store.Release) []string {
	var out []string
	for _, r := range rels {
		for _, s := range r.Services {
			if strings.HasPrefix(s.Image, "kyozo/"+app+"-") && !slices.Contains(out, s.Image) {
				out = append(out, s.Image)
			}
		}
	}
	slices.Sort(out)
	return out
}

// volumesOf lists the named volumes of the app's backing services.
func volumesOf(app string, rels []store.Release) []string {
	var out []string
	for _, r := range rels {
		for _, b := range r.Backing {
			if v := pipeline.VolumeName(app, b.Volume); b.Volume != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return out
}
