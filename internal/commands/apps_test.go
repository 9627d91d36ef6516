package commands

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/runtime"
)

func TestApps(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.createApp("blog", "bob")
	e.deploy("shop", "alice", commit1, time.Now())

	r := e.run(alice, "apps")
	r.want(t, 0, "NAME", "RELEASE", "COMMIT", "OWNER")
	if !strings.Contains(r.stdout, "shop") || !strings.Contains(r.stdout, "v1") || !strings.Contains(r.stdout, "1111111") || strings.Contains(r.stdout, "blog") {
		t.Errorf("alice sees her apps only:\n%s", r)
	}
	r = e.run(root, "apps")
	r.want(t, 0, "shop", "blog", "alice", "bob")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "blog") || !strings.Contains(lines[1], " -") {
		t.Errorf("admin sees all apps, sorted, blog without a release:\n%s", r)
	}
	e.run(root, "apps", "extra").want(t, 2, "usage: apps")

	fresh := setup(t)
	fresh.run(alice, "apps").want(t, 0, "no apps yet")
}

func TestAppsCreate(t *testing.T) {
	e := setup(t)
	r := e.run(alice, "apps:create", "shop")
	r.want(t, 0, "Created shop", "http://shop.kyozo.test:8000")
	if a := e.app("shop"); a.Owner != "alice" {
		t.Errorf("owner %q", a.Owner)
	}
	if !e.repos.Exists("shop") {
		t.Error("no repository")
	}
	e.run(bob, "apps:create", "shop").want(t, 1, "app shop already exists")
	e.run(alice, "apps:create", "Shop").want(t, 2, `invalid app name "Shop"`, "usage: apps:create APP")
	e.run(alice, "apps:create").want(t, 2, "usage: apps:create APP")
	e.run(alice, "apps:create", "a", "b").want(t, 2)

	// A repository that cannot be made undoes the app.
	blocked := setup(t)
	os.WriteFile(blocked.repos.Root+"/x", nil, 0o644)
	blocked.repos.Root += "/x"
	r = blocked.run(alice, "apps:create", "shop")
	if r.code != 1 {
		t.Errorf("%s", r)
	}
	if _, err := blocked.st.App(blocked.ctx, "shop"); err == nil {
		t.Error("the app stayed without its repository")
	}
}

func TestAppsInfo(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "apps:info", "shop").want(t, 0, "=== shop", "Owner:", "alice", "none yet")

	e.deploy("shop", "alice", commit1, time.Now().Add(-5*time.Minute))
	a := e.app("shop")
	web := a.Running["web"].Containers
	e.rt.Set(web[0], func(c *runtime.Container) { c.Health = "healthy" })
	e.rt.Set(web[1], func(c *runtime.Container) { c.Running, c.State = false, "exited" })

	r := e.run(alice, "apps:info", "shop")
	r.want(t, 0, "Release:", "v1, deploy by alice 5 minutes ago (Deploy 1111111)", "Commit:", commit1,
		"http://shop.kyozo.test:8000 http://web.shop.kyozo.test:8000")
	for _, want := range [][]string{
		{"migrate", "job", "-", "runs once per release"},
		{"worker", "worker", "1/1", "running"},
		{"web", "web", "1/2", "healthy, exited"},
		{"postgres", "postgres", "running", "kyozo-shop-data"},
	} {
		if !hasRow(r.stdout, want...) {
			t.Errorf("no row %q:\n%s", want, r.stdout)
		}
	}
	if strings.Index(r.stdout, "migrate") > strings.Index(r.stdout, "worker") {
		t.Errorf("services not in start order:\n%s", r.stdout)
	}
	// Custom domains are the main web service's URLs too.
	e.run(alice, "domains:add", "shop", "www.example.com").want(t, 0)
	e.run(alice, "apps:info", "shop").want(t, 0, "http://shop.kyozo.test:8000 http://web.shop.kyozo.test:8000 http://www.example.com:8000")
}

func TestServices(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "services", "shop").want(t, 0, "no release yet")
	e.deploy("shop", "alice", commit1, time.Now())
	r := e.run(alice, "services", "shop")
	r.want(t, 0, "NAME", "TYPE", "IMAGE", "STATE", "VOLUME")
	if !hasRow(r.stdout, "postgres", "postgres", "postgres:17-alpine", "running", "kyozo-shop-data") {
		t.Errorf("%s", r)
	}
	bs, _ := e.rt.List(e.ctx, map[string]string{runtime.LabelApp: "shop", runtime.LabelKind: "backing"})
	e.rt.Stop(e.ctx, bs[0].ID, 0)
	if r := e.run(alice, "services", "shop"); !hasRow(r.stdout, "postgres", "stopped") {
		t.Errorf("stopped:\n%s", r)
	}
	e.rt.Remove(e.ctx, bs[0].ID)
	if r := e.run(alice, "services", "shop"); !hasRow(r.stdout, "postgres", "missing") {
		t.Errorf("missing:\n%s", r)
	}
}

// hasRow reports whether one line of out holds every field, in order.
func hasRow(out string, fields ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		rest, ok := l, true
		for _, f := range fields {
			i := strings.Index(rest, f)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(f):]
		}
		if ok {
			return true
		}
	}
	return false
}
