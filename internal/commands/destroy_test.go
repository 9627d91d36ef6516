package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// destroySetup deploys shop twice, with a one-off container left running,
// and deploys blog beside it.
func destroySetup(t *testing.T) *env {
	e := setup(t)
	e.createApp("shop", "alice")
	e.createApp("blog", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	e.deploy("shop", "alice", strings.Repeat("2", 40), time.Now())
	e.deploy("blog", "alice", commit1, time.Now())
	e.rt.Run(e.ctx, runtime.ContainerSpec{Name: "kyozo-shop-web-run-1", Image: "kyozo/shop-web:222222222222",
		Labels: map[string]string{runtime.LabelApp: "shop", runtime.LabelService: "web", runtime.LabelKind: "run"}})
	e.run(alice, "config:set", "shop", "A=1", "--no-restart").want(t, 0)
	return e
}

func (e *env) containersOf(app string) int {
	cs, _ := e.rt.List(e.ctx, map[string]string{runtime.LabelApp: app})
	return len(cs)
}

func TestDestroyNeedsForce(t *testing.T) {
	e := destroySetup(t)
	e.run(alice, "apps:destroy", "shop").want(t, 1,
		"apps:destroy shop deletes it for good: 8 containers, 6 images", "2 releases",
		"its volumes (kyozo-shop-data) are kept unless --purge", "apps:destroy shop --force")
	if e.containersOf("shop") != 8 || !e.repos.Exists("shop") {
		t.Error("destroy without --force removed something")
	}
	if _, err := e.st.App(e.ctx, "shop"); err != nil {
		t.Error(err)
	}
}

func TestDestroyKeepsVolumes(t *testing.T) {
	e := destroySetup(t)
	r := e.run(alice, "apps:destroy", "--force", "shop")
	r.want(t, 0, "Removed 8 containers", "Removed 6 images",
		"Kept volume kyozo-shop-data with its data (apps:destroy shop --force --purge removes it",
		"Removed the network", "Removed the repository", "Destroyed shop")
	if !slices.Equal(e.rt.RemovedNetworks, []string{"shop"}) {
		t.Errorf("networks removed: %v", e.rt.RemovedNetworks)
	}
	if n := e.containersOf("shop"); n != 0 {
		t.Errorf("%d containers of shop left", n)
	}
	for img := range e.rt.Images {
		if strings.HasPrefix(img, "kyozo/shop-") {
			t.Errorf("image %s left", img)
		}
	}
	if !e.rt.Images["postgres:17-alpine"] || !e.rt.Images["kyozo/blog-web:1111111aaaaa"] {
		t.Error("destroy removed an image that is not the app's")
	}
	if !e.rt.HasVolume("kyozo-shop-data") {
		t.Error("the volume was removed without --purge")
	}
	if e.repos.Exists("shop") {
		t.Error("the repository is left")
	}
	if _, err := e.st.App(e.ctx, "shop"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("app: %v", err)
	}
	if cfg, _ := e.st.Config(e.ctx, "shop"); len(cfg) != 0 {
		t.Errorf("config left: %v", cfg)
	}
	if rels, _ := e.st.ReleasesList(e.ctx, "shop", 0); len(rels) != 0 {
		t.Errorf("releases left: %v", rels)
	}
	if e.containersOf("blog") != 4 || !e.repos.Exists("blog") || !e.rt.HasVolume("kyozo-blog-data") {
		t.Error("destroying shop touched blog")
	}
	// The lock is given back.
	if ok, _ := e.st.TryLock(e.ctx, "app:shop", "next", time.Second); !ok {
		t.Error("the app's lock is still held")
	}
}

func TestDestroyPurge(t *testing.T) {
	e := destroySetup(t)
	e.run(alice, "apps:destroy", "shop", "--force", "--purge").want(t, 0, "Removed volume kyozo-shop-data", "Destroyed shop")
	if e.rt.HasVolume("kyozo-shop-data") || !e.rt.HasVolume("kyozo-blog-data") {
		t.Errorf("removed volumes %v", e.rt.RemovedVolumes)
	}
}

func TestDestroyWaitsForTheRunningJob(t *testing.T) {
	e := destroySetup(t)
	e.st.TryLock(e.ctx, "app:shop", "a-deploy", time.Minute)
	e.run(alice, "apps:destroy", "shop", "--force").want(t, 1, "a job of shop is running; try again")
	if e.containersOf("shop") != 8 {
		t.Error("a busy destroy removed containers")
	}
	e.st.Unlock(e.ctx, "app:shop", "a-deploy")

	// A deploy still waiting is cancelled, so it does not start on nothing.
	e.st.CreateJob(e.ctx, store.Job{ID: "waiting", App: "shop", State: store.JobQueued})
	e.st.SetLatestJob(e.ctx, "shop", "waiting")
	e.run(alice, "apps:destroy", "shop", "--force").want(t, 0, "Destroyed shop")
	if ok, _ := e.st.CancelRequested(e.ctx, "waiting"); !ok {
		t.Error("the waiting job was not cancelled")
	}
	if j, _ := e.st.Job(e.ctx, "waiting"); j.State != store.JobCancelled {
		t.Errorf("job %+v", j)
	}
}

// stubborn is a runtime whose containers cannot be removed.
type stubborn struct{ runtime.Runtime }

func (stubborn) Remove(context.Context, string) error { return errors.New("device busy") }

func TestDestroyStopsWhenAContainerStays(t *testing.T) {
	e := destroySetup(t)
	cmds := New(Deps{Store: e.st, Runtime: stubborn{e.rt}, Repos: e.repos, Box: e.box, Queue: e.q, Canceller: e.q})
	e.cmds["apps:destroy"] = cmds["apps:destroy"]
	e.run(alice, "apps:destroy", "shop", "--force").want(t, 1, "cannot remove every container of shop", "device busy", "nothing else was deleted")
	if !e.repos.Exists("shop") {
		t.Error("the repository went while containers stayed")
	}
	if _, err := e.st.App(e.ctx, "shop"); err != nil {
		t.Error(err)
	}
	// Without VolumeRemover, --purge cannot keep its word and says so.
	e.run(alice, "apps:destroy", "shop", "--force", "--purge").want(t, 1)
	noVolumes := New(Deps{Store: e.st, Runtime: e.rt.Fake, Repos: e.repos, Box: e.box, Queue: e.q, Canceller: e.q})
	e.cmds["apps:destroy"] = noVolumes["apps:destroy"]
	e.run(alice, "apps:destroy", "shop", "--force", "--purge").want(t, 1, "this runtime cannot remove volumes; kept kyozo-shop-data")
	if _, err := e.st.App(e.ctx, "shop"); err != nil {
		t.Errorf("a purge that could not remove volumes deleted the app: %v", err)
	}
}
