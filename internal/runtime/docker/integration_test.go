package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/testutil/dockertest"
)

// engine is what an integration test needs: the driver under test, the raw
// client for checking and cleaning up behind its back, the busybox image and
// a unique app name ("test-<hex>", so its network is kyozo-test-<hex>).
type engine struct {
	d     *Driver
	cli   *client.Client
	image string
	app   string
}

func newEngine(t *testing.T) *engine {
	t.Helper()
	image := dockertest.Busybox(t)
	ctx := context.Background()
	d, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if err := d.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return &engine{d: d, cli: cli, image: image, app: "test-" + randHex(t)}
}

func randHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// network ensures the app's network and removes it when the test ends
// (after the containers on it, since cleanups run last-in first-out).
func (e *engine) network(t *testing.T) string {
	t.Helper()
	name, err := e.d.EnsureNetwork(context.Background(), e.app)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.cli.NetworkRemove(context.Background(), name); err != nil {
			t.Logf("remove network %s: %v", name, err)
		}
	})
	return name
}

// run runs a container named kyozo-test-…-suffix and removes it when the
// test ends.
func (e *engine) run(t *testing.T, spec runtime.ContainerSpec) runtime.Container {
	t.Helper()
	spec.Name = "kyozo-" + e.app + "-" + spec.Name
	if spec.Image == "" {
		spec.Image = e.image
	}
	if spec.Labels == nil {
		spec.Labels = map[string]string{}
	}
	spec.Labels[runtime.LabelApp] = e.app
	c, err := e.d.Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = e.cli.ContainerRemove(context.Background(), c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
	})
	return c
}

// waitExited polls until the container has exited: the runtime contract has
// no wait, and these containers finish within seconds.
func (e *engine) waitExited(t *testing.T, id string) runtime.Container {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := e.d.Inspect(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if c.State == "exited" || c.State == "dead" {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s still %s", c.Name, c.State)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (e *engine) logs(t *testing.T, id string, tail int) string {
	t.Helper()
	rc, err := e.d.Logs(context.Background(), id, false, tail)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIntegrationNetworkAliasSecurityListLogs(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	ctx := context.Background()
	net := e.network(t)

	again, err := e.d.EnsureNetwork(ctx, e.app)
	if err != nil || again != net {
		t.Fatalf("second EnsureNetwork = %q, %v", again, err)
	}
	nets, err := e.cli.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("name", net))})
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) != 1 || nets[0].Driver != "bridge" || nets[0].Labels[runtime.LabelManaged] != "true" || nets[0].Labels[runtime.LabelApp] != e.app {
		t.Fatalf("networks named %s: %+v", net, nets)
	}

	web := e.run(t, runtime.ContainerSpec{
		Name:    "web",
		Cmd:     []string{"sh", "-c", "mkdir -p /tmp/www && echo hello-from-web > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"},
		Network: net,
		Aliases: []string{"web"},
		Labels:  map[string]string{runtime.LabelService: "web", runtime.LabelRelease: "1"},
		Env:     map[string]string{"PORT": "8080"},
		// 64 MiB is far above what httpd needs and above the engine's minimum.
		MemoryMB: 64,
		CPUs:     0.5,
	})
	if !web.Running || web.IP == "" || web.Name != "kyozo-"+e.app+"-web" {
		t.Fatalf("web = %+v", web)
	}

	raw, err := e.cli.ContainerInspect(ctx, web.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := raw.HostConfig
	if !slices.Equal(h.CapDrop, []string{"ALL"}) || len(h.CapAdd) != 0 || h.Privileged {
		t.Errorf("CapDrop = %v, CapAdd = %v, Privileged = %v", h.CapDrop, h.CapAdd, h.Privileged)
	}
	if !slices.Contains(h.SecurityOpt, "no-new-privileges:true") {
		t.Errorf("SecurityOpt = %v", h.SecurityOpt)
	}
	if h.PidsLimit == nil || *h.PidsLimit != runtime.DefaultPidsLimit {
		t.Errorf("PidsLimit = %v", h.PidsLimit)
	}
	if h.Memory != 64<<20 || h.NanoCPUs != 500_000_000 {
		t.Errorf("Memory = %d, NanoCPUs = %d", h.Memory, h.NanoCPUs)
	}
	if h.RestartPolicy.Name != container.RestartPolicyUnlessStopped {
		t.Errorf("restart policy = %q", h.RestartPolicy.Name)
	}
	if raw.Config.Labels[runtime.LabelManaged] != "true" || raw.NetworkSettings.Networks[net] == nil ||
		!slices.Contains(raw.NetworkSettings.Networks[net].Aliases, "web") {
		t.Errorf("labels = %v, networks = %+v", raw.Config.Labels, raw.NetworkSettings.Networks)
	}

	// The second container reaches the first by alias, and reports what the
	// kernel says about its own privileges.
	probe := e.run(t, runtime.ContainerSpec{
		Name: "probe",
		Cmd: []string{"sh", "-c", `echo on-stderr >&2
grep -E '^(CapEff|NoNewPrivs):' /proc/self/status
i=0
while [ $i -lt 100 ]; do
  if wget -q -O - http://web:8080/; then echo fetched; exit 0; fi
  i=$((i+1)); sleep 0.1
done
exit 1`},
		Network: net,
		Restart: "no",
		Labels:  map[string]string{runtime.LabelService: "probe"},
	})
	done := e.waitExited(t, probe.ID)
	out := e.logs(t, probe.ID, 0)
	if done.ExitCode != 0 || !strings.Contains(out, "hello-from-web") {
		t.Fatalf("probe exit %d, logs:\n%s", done.ExitCode, out)
	}
	for _, want := range []string{"CapEff:\t0000000000000000", "NoNewPrivs:\t1", "fetched", "on-stderr"} {
		if !strings.Contains(out, want) {
			t.Errorf("probe logs lack %q:\n%s", want, out)
		}
	}
	// Only lines of one stream: the engine orders stdout against stderr by
	// when it read each pipe, not by when the process wrote.
	if last := e.logs(t, probe.ID, 1); strings.TrimSpace(last) != "fetched" {
		t.Errorf("tail 1 = %q", last)
	}

	all, err := e.d.List(ctx, map[string]string{runtime.LabelApp: e.app})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != probe.Name || all[1].Name != web.Name {
		t.Errorf("List(app) = %+v", all)
	}
	only, err := e.d.List(ctx, map[string]string{runtime.LabelApp: e.app, runtime.LabelService: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(only) != 1 || only[0].ID != web.ID || only[0].IP != web.IP || !only[0].Running {
		t.Errorf("List(app, web) = %+v", only)
	}

	// httpd is PID 1 and ignores SIGTERM, so the timeout has to kill it.
	if err := e.d.Stop(ctx, web.ID, time.Second); err != nil {
		t.Fatal(err)
	}
	stopped, err := e.d.Inspect(ctx, web.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.Running || stopped.State != "exited" || stopped.ExitCode != 137 {
		t.Errorf("after Stop: %+v", stopped)
	}
	if err := e.d.Stop(ctx, web.ID, time.Second); err != nil {
		t.Errorf("stopping a stopped container: %v", err)
	}

	for i := range 2 {
		if err := e.d.Remove(ctx, web.ID); err != nil {
			t.Fatalf("Remove #%d: %v", i+1, err)
		}
	}
	if _, err := e.d.Inspect(ctx, web.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("Inspect after Remove: %v", err)
	}
	if err := e.d.Stop(ctx, web.ID, time.Second); err != nil {
		t.Errorf("stopping a removed container: %v", err)
	}
}

func TestIntegrationStopAndRemoveRunning(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		script   string
		wantExit int
	}{
		{"SIGTERM first", `trap "exit 0" TERM; while :; do sleep 0.1; done`, 0},
		{"killed after the timeout", `trap "" TERM; while :; do sleep 0.1; done`, 137},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.run(t, runtime.ContainerSpec{Name: "stop" + string(rune('a'+i)), Cmd: []string{"sh", "-c", tt.script}})
			if err := e.d.Stop(ctx, c.ID, time.Second); err != nil {
				t.Fatal(err)
			}
			got, err := e.d.Inspect(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Running || got.ExitCode != tt.wantExit {
				t.Errorf("after Stop: running %v, exit %d, want %d", got.Running, got.ExitCode, tt.wantExit)
			}
		})
	}

	t.Run("remove stops a running container", func(t *testing.T) {
		c := e.run(t, runtime.ContainerSpec{Name: "rm", Cmd: []string{"sh", "-c", `trap "exit 0" TERM; while :; do sleep 0.1; done`}})
		if err := e.d.Remove(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.d.Remove(ctx, c.ID); err != nil {
			t.Fatalf("second Remove: %v", err)
		}
		if _, err := e.d.Inspect(ctx, c.ID); !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("Inspect after Remove: %v", err)
		}
	})
}

func TestIntegrationRunRefusals(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	ctx := context.Background()

	absent := "kyozo-test/absent-" + randHex(t) + ":v1"
	_, err := e.d.Run(ctx, runtime.ContainerSpec{Name: "kyozo-" + e.app + "-absent", Image: absent})
	if !errors.Is(err, runtime.ErrImageNotFound) || !strings.Contains(err.Error(), absent) {
		t.Fatalf("Run(absent image) = %v", err)
	}
	if ok, err := e.d.ImageExists(ctx, absent); ok || err != nil {
		t.Errorf("ImageExists(absent) = %v, %v", ok, err)
	}
	if ok, err := e.d.ImageExists(ctx, e.image); !ok || err != nil {
		t.Errorf("ImageExists(busybox) = %v, %v", ok, err)
	}
	if err := e.d.RemoveImage(ctx, absent); err != nil {
		t.Errorf("RemoveImage(absent) = %v", err)
	}

	spec := runtime.ContainerSpec{Name: "dup", Cmd: []string{"sleep", "30"}}
	e.run(t, spec)
	spec.Name, spec.Image = "kyozo-"+e.app+"-dup", e.image
	if _, err := e.d.Run(ctx, spec); !errors.Is(err, runtime.ErrExists) {
		t.Errorf("Run(same name) = %v", err)
	}
}

func TestIntegrationVolume(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	ctx := context.Background()
	vol := "kyozo-" + e.app + "-data"
	t.Cleanup(func() { _ = e.cli.VolumeRemove(context.Background(), vol, true) })

	for i, script := range []string{"echo kept > /data/v/file", "cat /data/v/file"} {
		c := e.run(t, runtime.ContainerSpec{
			Name:    "vol" + string(rune('a'+i)),
			Cmd:     []string{"sh", "-c", script},
			Restart: "no",
			Mounts:  []runtime.Mount{{Volume: vol, Target: "/data/v"}},
		})
		if got := e.waitExited(t, c.ID); got.ExitCode != 0 {
			t.Fatalf("%q exited %d: %s", script, got.ExitCode, e.logs(t, c.ID, 0))
		}
		if i == 1 {
			if out := e.logs(t, c.ID, 0); strings.TrimSpace(out) != "kept" {
				t.Errorf("second container read %q", out)
			}
		}
	}
	v, err := e.cli.VolumeInspect(ctx, vol)
	if err != nil {
		t.Fatal(err)
	}
	if v.Labels[runtime.LabelManaged] != "true" || v.Labels[runtime.LabelApp] != e.app {
		t.Errorf("volume labels = %v", v.Labels)
	}
}

// A followed log stream delivers lines as they are written and ends when
// the caller closes it, though the container keeps running.
func TestIntegrationLogsFollow(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	c := e.run(t, runtime.ContainerSpec{Name: "follow", Cmd: []string{"sh", "-c", "echo first; echo second >&2; exec sleep 300"}})
	rc, err := e.d.Logs(context.Background(), c.ID, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		var seen strings.Builder
		buf := make([]byte, 256)
		for {
			n, err := rc.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), "first\n") && strings.Contains(seen.String(), "second\n") || err != nil {
				got <- seen.String()
				return
			}
		}
	}()
	select {
	case s := <-got:
		if !strings.Contains(s, "first\n") || !strings.Contains(s, "second\n") {
			t.Errorf("followed %q", s)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no log lines while following")
	}
	if err := rc.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := rc.Read(make([]byte, 1)); err == nil {
		t.Error("Read after Close succeeded")
	}
}

// An app's network goes only when nothing is attached to it, and never
// when someone else made it.
func TestIntegrationRemoveNetwork(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	ctx := context.Background()
	name := e.network(t)
	c := e.run(t, runtime.ContainerSpec{Name: "attached", Cmd: []string{"sleep", "300"}, Network: name})
	if err := e.d.RemoveNetwork(ctx, e.app); err == nil {
		t.Fatal("removed a network a container is attached to")
	}
	if err := e.d.Remove(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.d.RemoveNetwork(ctx, e.app); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cli.NetworkInspect(ctx, name, network.InspectOptions{}); err == nil {
		t.Errorf("network %s is still there", name)
	}

	foreign := "kyozo-" + e.app + "-x"
	if _, err := e.cli.NetworkCreate(ctx, foreign, network.CreateOptions{Driver: "bridge"}); err != nil {
		t.Fatal(err)
	}
	defer e.cli.NetworkRemove(ctx, foreign)
	if err := e.d.RemoveNetwork(ctx, e.app+"-x"); !errors.Is(err, ErrNotManaged) {
		t.Errorf("a network Kyozo did not make: %v, want ErrNotManaged", err)
	}
}
