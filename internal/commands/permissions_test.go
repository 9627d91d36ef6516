package commands

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/store"
)

// appCommands are every command that takes an APP, with arguments that
// succeed for the app's owner or an admin.
var appCommands = [][]string{
	{"apps:info", "shop"},
	{"releases", "shop"},
	{"rollback", "shop", "v1"},
	{"config", "shop", "--reveal"},
	{"config:get", "shop", "SECRET"},
	{"config:set", "shop", "A=1"},
	{"config:unset", "shop", "SECRET"},
	{"ps", "shop"},
	{"ps:scale", "shop", "web=1"},
	{"ps:restart", "shop", "web"},
	{"ps:stop", "shop"},
	{"ps:start", "shop"},
	{"logs", "shop"},
	{"logs", "--build", "shop"},
	{"run", "shop", "web", "--", "true"},
	{"services", "shop"},
	{"events", "shop", "-n", "5"},
	{"domains", "shop"},
	{"domains:add", "shop", "www.example.com", "shop.example.com"},
	{"domains:remove", "shop", "shop.example.com"},
	{"apps:destroy", "shop", "--force"}, // last: it deletes the app
}

// permissionSetup makes alice's app shop with two releases, a config var
// and a job log; one-off containers exit at once.
func permissionSetup(t *testing.T) *env {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	e.run(alice, "config:set", "shop", "SECRET=s3cret").want(t, 0)
	e.deploy("shop", "alice", strings.Repeat("2", 40), time.Now())
	e.rt.OnRun = func(s *runtimetest.Scripted, spec runtime.ContainerSpec, c runtime.Container) {
		if spec.Labels[runtime.LabelKind] == "run" {
			s.Exit(c.ID, 0)
		}
	}
	return e
}

func TestPermissionDenied(t *testing.T) {
	e := permissionSetup(t)
	queued := len(e.q.queued())
	cfg, _ := e.st.Config(e.ctx, "shop")
	for _, line := range appCommands {
		t.Run(strings.Join(line, " "), func(t *testing.T) {
			r := e.run(bob, line...)
			if r.code != 1 || r.stderr != "kyozo: permission denied: shop belongs to alice\n" || r.stdout != "" {
				t.Errorf("bob on alice's app:\n%s", r)
			}
		})
	}
	if n := len(e.q.queued()); n != queued {
		t.Errorf("a refused command queued %d jobs", n-queued)
	}
	if after, _ := e.st.Config(e.ctx, "shop"); len(after) != len(cfg) || after["SECRET"] != cfg["SECRET"] {
		t.Error("a refused command changed the config")
	}
	if _, err := e.st.App(e.ctx, "shop"); err != nil {
		t.Errorf("a refused destroy removed the app: %v", err)
	}
	// Every refusal is in the app's audit trail, by command name only.
	evs, err := e.st.EventsList(e.ctx, "shop", 0)
	if err != nil {
		t.Fatal(err)
	}
	var refused []string
	for _, ev := range evs {
		if ev.Type == store.EventPermission {
			if ev.Actor != "bob" || ev.App != "shop" || ev.Time.IsZero() {
				t.Errorf("permission event %+v", ev)
			}
			refused = append(refused, ev.Message)
		}
	}
	var want []string
	for _, line := range appCommands {
		want = append(want, line[0]+" refused")
	}
	if !slices.Equal(refused, want) {
		t.Errorf("permission events:\n%q\nwant:\n%q", refused, want)
	}
}

func TestOwnerAndAdminAllowed(t *testing.T) {
	for _, key := range []store.Key{alice, root} {
		t.Run(key.Name, func(t *testing.T) {
			e := permissionSetup(t)
			for _, line := range appCommands {
				if r := e.run(key, line...); r.code != 0 {
					t.Errorf("%s %q:\n%s", key.Name, line, r)
				}
			}
		})
	}
}

func TestUnknownAppAndBadNames(t *testing.T) {
	e := setup(t)
	for _, line := range appCommands {
		t.Run(strings.Join(line, " "), func(t *testing.T) {
			r := e.run(root, line...)
			r.want(t, 1, "app shop does not exist")
			bad := slices.Clone(line)
			bad[slices.Index(bad, "shop")] = "Shop!"
			r = e.run(root, bad...)
			r.want(t, 2, `invalid app name "Shop!"`, "kyozo: usage: "+line[0])
		})
	}
}

// The set plugs into the ssh server as the daemon wires it: no name
// shadows a built-in, and help has a usage and a summary for each.
func TestWiring(t *testing.T) {
	e := setup(t)
	if _, err := gitserver.New(gitserver.Config{
		Store: e.st, Repos: e.repos, HostKeyPath: filepath.Join(t.TempDir(), "host_key"), Commands: e.cmds,
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"apps", "apps:create", "apps:info", "apps:destroy", "releases", "rollback", "config", "config:get",
		"config:set", "config:unset", "ps", "ps:scale", "ps:restart", "ps:stop", "ps:start", "logs", "run", "services", "events",
		"domains", "domains:add", "domains:remove"}
	if len(e.cmds) != len(want) {
		t.Errorf("%d commands, want %d", len(e.cmds), len(want))
	}
	for _, name := range want {
		c, ok := e.cmds[name]
		if !ok || !strings.HasPrefix(c.Usage, name) || c.Summary == "" || c.AdminOnly {
			t.Errorf("%s: %+v", name, c)
		}
	}
	// A usage error prints the command's usage line and exits 2.
	e.run(alice, "releases").want(t, 2, "kyozo: usage: releases APP")
	e.run(alice, "apps:info", "shop", "--nope").want(t, 2, "unknown flag --nope", "kyozo: usage: apps:info APP")
}
