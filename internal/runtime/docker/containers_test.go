package docker

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/kyozo/kyozo/internal/runtime"
)

func TestCreateConfig(t *testing.T) {
	base := func() runtime.ContainerSpec {
		return runtime.ContainerSpec{
			Name:   "kyozo-shop-web-v3-1",
			Image:  "kyozo/shop-web:v3",
			Labels: map[string]string{runtime.LabelApp: "shop", runtime.LabelService: "web"},
		}
	}
	tests := []struct {
		name  string
		edit  func(*runtime.ContainerSpec)
		check func(t *testing.T, cfg *container.Config, host *container.HostConfig, nets *network.NetworkingConfig)
	}{
		{
			name: "defaults are locked down",
			edit: func(*runtime.ContainerSpec) {},
			check: func(t *testing.T, cfg *container.Config, host *container.HostConfig, nets *network.NetworkingConfig) {
				if host.Privileged {
					t.Error("privileged")
				}
				if !slices.Equal(host.SecurityOpt, []string{"no-new-privileges:true"}) {
					t.Errorf("SecurityOpt = %v", host.SecurityOpt)
				}
				if !slices.Equal(host.CapDrop, []string{"ALL"}) || len(host.CapAdd) != 0 {
					t.Errorf("CapDrop = %v, CapAdd = %v", host.CapDrop, host.CapAdd)
				}
				if host.PidsLimit == nil || *host.PidsLimit != runtime.DefaultPidsLimit {
					t.Errorf("PidsLimit = %v, want %d", host.PidsLimit, runtime.DefaultPidsLimit)
				}
				if host.Memory != 0 || host.NanoCPUs != 0 {
					t.Errorf("Memory = %d, NanoCPUs = %d, want none", host.Memory, host.NanoCPUs)
				}
				if host.RestartPolicy.Name != container.RestartPolicyUnlessStopped {
					t.Errorf("restart = %q", host.RestartPolicy.Name)
				}
				if cfg.Cmd != nil {
					t.Errorf("Cmd = %v, want the image's own", cfg.Cmd)
				}
				want := map[string]string{runtime.LabelApp: "shop", runtime.LabelService: "web", runtime.LabelManaged: "true"}
				if len(cfg.Labels) != len(want) {
					t.Errorf("labels = %v, want %v", cfg.Labels, want)
				}
				for k, v := range want {
					if cfg.Labels[k] != v {
						t.Errorf("label %s = %q, want %q", k, cfg.Labels[k], v)
					}
				}
				if nets != nil || host.NetworkMode != "" {
					t.Errorf("network without spec.Network: %v %q", nets, host.NetworkMode)
				}
			},
		},
		{
			name: "limits",
			edit: func(s *runtime.ContainerSpec) { s.MemoryMB, s.CPUs, s.PidsLimit = 256, 1.5, 64 },
			check: func(t *testing.T, _ *container.Config, host *container.HostConfig, _ *network.NetworkingConfig) {
				if host.Memory != 256<<20 || host.MemorySwap != 256<<20 {
					t.Errorf("Memory = %d, MemorySwap = %d", host.Memory, host.MemorySwap)
				}
				if host.NanoCPUs != 1_500_000_000 {
					t.Errorf("NanoCPUs = %d", host.NanoCPUs)
				}
				if *host.PidsLimit != 64 {
					t.Errorf("PidsLimit = %d", *host.PidsLimit)
				}
			},
		},
		{
			name: "kept capabilities are normalized and deduplicated, ALL still dropped",
			edit: func(s *runtime.ContainerSpec) { s.KeepCaps = []string{"chown", "CAP_SETUID", "CAP_CHOWN"} },
			check: func(t *testing.T, _ *container.Config, host *container.HostConfig, _ *network.NetworkingConfig) {
				if !slices.Equal(host.CapAdd, []string{"CAP_CHOWN", "CAP_SETUID"}) {
					t.Errorf("CapAdd = %v", host.CapAdd)
				}
				if !slices.Equal(host.CapDrop, []string{"ALL"}) {
					t.Errorf("CapDrop = %v", host.CapDrop)
				}
			},
		},
		{
			name: "command, env sorted, restart no",
			edit: func(s *runtime.ContainerSpec) {
				s.Cmd = []string{"sh", "-c", "echo $B"}
				s.Env = map[string]string{"B": "2", "A": "x=y"}
				s.Restart = "no"
			},
			check: func(t *testing.T, cfg *container.Config, host *container.HostConfig, _ *network.NetworkingConfig) {
				if !slices.Equal(cfg.Cmd, []string{"sh", "-c", "echo $B"}) {
					t.Errorf("Cmd = %v", cfg.Cmd)
				}
				if !slices.Equal(cfg.Env, []string{"A=x=y", "B=2"}) {
					t.Errorf("Env = %v", cfg.Env)
				}
				if host.RestartPolicy.Name != container.RestartPolicyDisabled {
					t.Errorf("restart = %q", host.RestartPolicy.Name)
				}
			},
		},
		{
			name: "network with aliases at create time, mounts",
			edit: func(s *runtime.ContainerSpec) {
				s.Network = "kyozo-shop"
				s.Aliases = []string{"web", "web-v3"}
				s.Mounts = []runtime.Mount{{Volume: "kyozo-shop-pg", Target: "/var/lib/postgresql/data"}}
			},
			check: func(t *testing.T, _ *container.Config, host *container.HostConfig, nets *network.NetworkingConfig) {
				if host.NetworkMode != "kyozo-shop" {
					t.Errorf("NetworkMode = %q", host.NetworkMode)
				}
				ep := nets.EndpointsConfig["kyozo-shop"]
				if ep == nil || !slices.Equal(ep.Aliases, []string{"web", "web-v3"}) || len(nets.EndpointsConfig) != 1 {
					t.Errorf("EndpointsConfig = %+v", nets.EndpointsConfig)
				}
				want := []mount.Mount{{Type: mount.TypeVolume, Source: "kyozo-shop-pg", Target: "/var/lib/postgresql/data"}}
				if !slices.Equal(host.Mounts, want) {
					t.Errorf("Mounts = %+v", host.Mounts)
				}
			},
		},
		{
			name: "managed label cannot be overridden",
			edit: func(s *runtime.ContainerSpec) { s.Labels[runtime.LabelManaged] = "false" },
			check: func(t *testing.T, cfg *container.Config, _ *container.HostConfig, _ *network.NetworkingConfig) {
				if cfg.Labels[runtime.LabelManaged] != "true" {
					t.Errorf("managed = %q", cfg.Labels[runtime.LabelManaged])
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := base()
			tt.edit(&spec)
			cfg, host, nets, err := createConfig(spec)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Image != spec.Image {
				t.Errorf("Image = %q", cfg.Image)
			}
			tt.check(t, cfg, host, nets)
		})
	}
}

func TestCreateConfigRefuses(t *testing.T) {
	tests := []struct {
		name string
		edit func(*runtime.ContainerSpec)
		want string
	}{
		{"no name", func(s *runtime.ContainerSpec) { s.Name = "" }, "name"},
		{"bad name", func(s *runtime.ContainerSpec) { s.Name = "a b" }, "name"},
		{"no image", func(s *runtime.ContainerSpec) { s.Image = "" }, "image"},
		{"negative memory", func(s *runtime.ContainerSpec) { s.MemoryMB = -1 }, "negative"},
		{"negative cpus", func(s *runtime.ContainerSpec) { s.CPUs = -0.5 }, "negative"},
		{"negative pids", func(s *runtime.ContainerSpec) { s.PidsLimit = -1 }, "negative"},
		{"unknown restart", func(s *runtime.ContainerSpec) { s.Restart = "sometimes" }, "restart"},
		{"keep ALL", func(s *runtime.ContainerSpec) { s.KeepCaps = []string{"all"} }, "CAP_ALL"},
		{"keep junk", func(s *runtime.ContainerSpec) { s.KeepCaps = []string{"net admin"} }, "capability"},
		{"env key with =", func(s *runtime.ContainerSpec) { s.Env = map[string]string{"A=B": "c"} }, "env"},
		{"env value with NUL", func(s *runtime.ContainerSpec) { s.Env = map[string]string{"A": "b\x00"} }, "env"},
		{"aliases without network", func(s *runtime.ContainerSpec) { s.Aliases = []string{"web"} }, "network"},
		{"relative mount", func(s *runtime.ContainerSpec) {
			s.Mounts = []runtime.Mount{{Volume: "v1", Target: "data"}}
		}, "absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := runtime.ContainerSpec{Name: "kyozo-x", Image: "img"}
			tt.edit(&spec)
			_, _, _, err := createConfig(spec)
			if !errors.Is(err, runtime.ErrInvalidSpec) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalidSpec naming %q", err, tt.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	t.Run("starts with the spec and returns the app IP", func(t *testing.T) {
		f := newFake()
		f.images["kyozo/shop-web:v3"] = true
		d := NewWithAPI(f)
		c, err := d.Run(ctx, runtime.ContainerSpec{
			Name: "kyozo-shop-web-1", Image: "kyozo/shop-web:v3", Network: "kyozo-shop",
			Labels: map[string]string{runtime.LabelApp: "shop"},
			Mounts: []runtime.Mount{{Volume: "kyozo-shop-data", Target: "/data"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "kyozo-shop-web-1" || !c.Running || c.IP == "" || c.Image != "kyozo/shop-web:v3" {
			t.Errorf("container = %+v", c)
		}
		if c.StartedAt.IsZero() {
			t.Error("StartedAt not parsed")
		}
		v := f.volumes["kyozo-shop-data"]
		if v.Labels[runtime.LabelManaged] != "true" || v.Labels[runtime.LabelApp] != "shop" {
			t.Errorf("volume labels = %v", v.Labels)
		}
	})
	t.Run("missing image is ErrImageNotFound, nothing created, never pulled", func(t *testing.T) {
		f := newFake()
		_, err := NewWithAPI(f).Run(ctx, runtime.ContainerSpec{Name: "kyozo-a", Image: "kyozo/absent:v1"})
		if !errors.Is(err, runtime.ErrImageNotFound) || !strings.Contains(err.Error(), "kyozo/absent:v1") {
			t.Fatalf("err = %v", err)
		}
		if n := f.called("ContainerCreate"); n != 0 {
			t.Errorf("ContainerCreate called %d times", n)
		}
	})
	t.Run("taken name is ErrExists", func(t *testing.T) {
		f := newFake()
		f.images["img"] = true
		f.addContainer("c99", "kyozo-a", map[string]string{runtime.LabelManaged: "true"}, true)
		_, err := NewWithAPI(f).Run(ctx, runtime.ContainerSpec{Name: "kyozo-a", Image: "img"})
		if !errors.Is(err, runtime.ErrExists) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a container that fails to start is removed", func(t *testing.T) {
		f := newFake()
		f.images["img"] = true
		f.startErr = errors.New("exec format error")
		_, err := NewWithAPI(f).Run(ctx, runtime.ContainerSpec{Name: "kyozo-a", Image: "img"})
		if err == nil || !strings.Contains(err.Error(), "exec format error") {
			t.Fatalf("err = %v", err)
		}
		if len(f.containers) != 0 {
			t.Errorf("left behind: %v", f.containers)
		}
	})
	t.Run("foreign volume is refused", func(t *testing.T) {
		f := newFake()
		f.images["img"] = true
		f.volumes["pgdata"] = volumeOf("pgdata", nil)
		_, err := NewWithAPI(f).Run(ctx, runtime.ContainerSpec{Name: "kyozo-a", Image: "img", Mounts: []runtime.Mount{{Volume: "pgdata", Target: "/d"}}})
		if !errors.Is(err, ErrNotManaged) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestStop(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		timeout time.Duration
		want    int
	}{
		{1500 * time.Millisecond, 2},
		{10 * time.Second, 10},
		{0, 0},
		{-time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.timeout.String(), func(t *testing.T) {
			f := newFake()
			f.addContainer("c1", "kyozo-a", map[string]string{runtime.LabelManaged: "true"}, true)
			if err := NewWithAPI(f).Stop(ctx, "c1", tt.timeout); err != nil {
				t.Fatal(err)
			}
			if len(f.stops) != 1 || f.stops[0].Timeout == nil || *f.stops[0].Timeout != tt.want {
				t.Errorf("stops = %+v, want timeout %d", f.stops, tt.want)
			}
		})
	}
	t.Run("gone is success", func(t *testing.T) {
		if err := NewWithAPI(newFake()).Stop(ctx, "nope", time.Second); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("not Kyozo's is refused", func(t *testing.T) {
		f := newFake()
		f.addContainer("c1", "someones-db", nil, true)
		if err := NewWithAPI(f).Stop(ctx, "c1", time.Second); !errors.Is(err, ErrNotManaged) {
			t.Fatalf("err = %v", err)
		}
		if len(f.stops) != 0 {
			t.Error("stopped anyway")
		}
	})
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	f.addContainer("c1", "kyozo-a", map[string]string{runtime.LabelManaged: "true"}, true)
	f.addContainer("c2", "kyozo-b", map[string]string{runtime.LabelManaged: "true"}, false)
	f.addContainer("c3", "other", nil, false)
	d := NewWithAPI(f)

	if err := d.Remove(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if len(f.stops) != 1 || f.stops[0].Timeout != nil {
		t.Errorf("a running container is stopped first with its own timeout: %+v", f.stops)
	}
	if err := d.Remove(ctx, "kyozo-b"); err != nil {
		t.Fatal(err)
	}
	if len(f.stops) != 1 {
		t.Errorf("a stopped container is not stopped again: %+v", f.stops)
	}
	for _, o := range f.removes {
		if !o.Force || !o.RemoveVolumes {
			t.Errorf("remove options = %+v", o)
		}
	}
	if err := d.Remove(ctx, "c1"); err != nil {
		t.Errorf("second remove: %v", err)
	}
	if err := d.Remove(ctx, "c3"); !errors.Is(err, ErrNotManaged) {
		t.Errorf("remove of a foreign container: %v", err)
	}
	if _, ok := f.containers["c3"]; !ok {
		t.Error("foreign container removed")
	}
}

// Another caller removing the same container is not a failure: Remove
// waits for it to be gone, up to removalWait.
func TestRemoveWhileAnotherRemoves(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	f.addContainer("c1", "kyozo-a", map[string]string{runtime.LabelManaged: "true"}, false)
	f.removeConflicts = 1
	if err := NewWithAPI(f).Remove(ctx, "c1"); err != nil {
		t.Fatalf("removal in progress elsewhere: %v", err)
	}

	defer func(w time.Duration) { removalWait = w }(removalWait)
	removalWait = 300 * time.Millisecond
	f.addContainer("c2", "kyozo-b", map[string]string{runtime.LabelManaged: "true"}, false)
	f.removeConflicts = 1000 // the other removal never finishes
	err := NewWithAPI(f).Remove(ctx, "c2")
	if err == nil || !strings.Contains(err.Error(), "already in progress") {
		t.Errorf("a removal that never finishes: %v", err)
	}
}

func TestInspectMissing(t *testing.T) {
	_, err := NewWithAPI(newFake()).Inspect(context.Background(), "nope")
	if !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestList(t *testing.T) {
	f := newFake()
	f.addContainer("c1", "kyozo-shop-web-2", map[string]string{runtime.LabelManaged: "true", runtime.LabelApp: "shop"}, true)
	f.addContainer("c2", "kyozo-shop-web-1", map[string]string{runtime.LabelManaged: "true", runtime.LabelApp: "shop"}, false)
	f.addContainer("c3", "kyozo-blog-web-1", map[string]string{runtime.LabelManaged: "true", runtime.LabelApp: "blog"}, true)
	f.addContainer("c4", "lookalike", map[string]string{runtime.LabelApp: "shop"}, true)
	got, err := NewWithAPI(f).List(context.Background(), map[string]string{runtime.LabelApp: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"kyozo-shop-web-1", "kyozo-shop-web-2"}) {
		t.Errorf("names = %v", names)
	}
}

func TestLogsDemultiplexes(t *testing.T) {
	var framed strings.Builder
	out := stdcopy.NewStdWriter(&framed, stdcopy.Stdout)
	errw := stdcopy.NewStdWriter(&framed, stdcopy.Stderr)
	_, _ = io.WriteString(out, "listening on :8080\n")
	_, _ = io.WriteString(errw, "warning: no cache\n")
	_, _ = io.WriteString(out, "GET / 200\n")

	f := newFake()
	f.addContainer("c1", "kyozo-a", map[string]string{runtime.LabelManaged: "true"}, true)
	f.logs = []byte(framed.String())
	rc, err := NewWithAPI(f).Logs(context.Background(), "c1", false, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	want := "listening on :8080\nwarning: no cache\nGET / 200\n"
	if string(got) != want {
		t.Errorf("logs = %q, want %q", got, want)
	}
	if _, err := NewWithAPI(f).Logs(context.Background(), "nope", false, 0); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("logs of a missing container: %v", err)
	}
}

func TestAppIP(t *testing.T) {
	ep := func(ip string) *network.EndpointSettings { return &network.EndpointSettings{IPAddress: ip} }
	tests := []struct {
		name   string
		labels map[string]string
		nets   map[string]*network.EndpointSettings
		want   string
	}{
		{"app network by label", map[string]string{runtime.LabelApp: "shop"},
			map[string]*network.EndpointSettings{"bridge": ep("172.17.0.2"), "kyozo-shop": ep("10.0.0.2")}, "10.0.0.2"},
		{"only kyozo network", nil,
			map[string]*network.EndpointSettings{"bridge": ep("172.17.0.2"), "kyozo-x": ep("10.0.0.3")}, "10.0.0.3"},
		{"only network", nil, map[string]*network.EndpointSettings{"bridge": ep("172.17.0.2")}, "172.17.0.2"},
		{"ambiguous", nil, map[string]*network.EndpointSettings{"a": ep("1.1.1.1"), "b": ep("2.2.2.2")}, ""},
		{"none", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := appIP(tt.labels, tt.nets); got != tt.want {
				t.Errorf("appIP = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestToContainerHealth(t *testing.T) {
	tests := []struct {
		health *container.Health
		want   string
	}{
		{nil, ""},
		{&container.Health{Status: container.NoHealthcheck}, ""},
		{&container.Health{Status: container.Healthy}, "healthy"},
		{&container.Health{Status: container.Starting}, "starting"},
	}
	for _, tt := range tests {
		c := toContainer(container.InspectResponse{
			ContainerJSONBase: &container.ContainerJSONBase{ID: "x", Name: "/n", RestartCount: 3,
				State: &container.State{Status: container.StateExited, ExitCode: 2, StartedAt: "0001-01-01T00:00:00Z", Health: tt.health}},
		})
		if c.Health != tt.want || c.Name != "n" || c.Restarts != 3 || c.ExitCode != 2 || c.State != "exited" || !c.StartedAt.IsZero() {
			t.Errorf("toContainer(health %v) = %+v, want health %q", tt.health, c, tt.want)
		}
	}
}
