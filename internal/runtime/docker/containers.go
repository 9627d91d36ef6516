package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/kyozo/kyozo/internal/runtime"
)

// Security options every container gets. They are not settings: a spec can
// only re-add named capabilities (KeepCaps), never switch these off.
const noNewPrivileges = "no-new-privileges:true"

var (
	// containerName is the engine's rule for names, checked up front so the
	// error names the field.
	containerName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)
	// capName is a Linux capability as the engine accepts it, upper-cased.
	capName = regexp.MustCompile(`^CAP_[A-Z][A-Z0-9_]*$`)
)

// restartPolicies are the engine's restart modes; "" is unless-stopped, so
// a crashed service comes back and a stopped one stays stopped.
var restartPolicies = map[string]container.RestartPolicyMode{
	"":               container.RestartPolicyUnlessStopped,
	"unless-stopped": container.RestartPolicyUnlessStopped,
	"no":             container.RestartPolicyDisabled,
	"always":         container.RestartPolicyAlways,
	"on-failure":     container.RestartPolicyOnFailure,
}

// createConfig turns a spec into the engine's three create structures. It
// is where the security rules of DESIGN.md become settings, so it is a pure
// function its tests read field by field.
func createConfig(spec runtime.ContainerSpec) (*container.Config, *container.HostConfig, *network.NetworkingConfig, error) {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: container %q: %s", runtime.ErrInvalidSpec, spec.Name, fmt.Sprintf(format, args...))
	}
	if !containerName.MatchString(spec.Name) {
		return nil, nil, nil, invalid("name must match %s", containerName)
	}
	if spec.Image == "" {
		return nil, nil, nil, invalid("image is empty")
	}
	if spec.MemoryMB < 0 || spec.CPUs < 0 || math.IsNaN(spec.CPUs) || math.IsInf(spec.CPUs, 0) || spec.PidsLimit < 0 {
		return nil, nil, nil, invalid("resource limits must not be negative (memory %d MB, cpus %v, pids %d)", spec.MemoryMB, spec.CPUs, spec.PidsLimit)
	}
	restart, ok := restartPolicies[spec.Restart]
	if !ok {
		return nil, nil, nil, invalid("restart policy %q is not one of unless-stopped, no, always, on-failure", spec.Restart)
	}
	if spec.Network == "" && len(spec.Aliases) > 0 {
		return nil, nil, nil, invalid("aliases need a network")
	}

	env := make([]string, 0, len(spec.Env))
	for _, k := range slices.Sorted(maps.Keys(spec.Env)) {
		v := spec.Env[k]
		// A key with "=" would be read back as another variable; NUL cannot
		// cross exec at all.
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return nil, nil, nil, invalid("env name %q is not a valid variable name", k)
		}
		if strings.ContainsRune(v, 0) {
			return nil, nil, nil, invalid("env %s holds a NUL byte", k)
		}
		env = append(env, k+"="+v)
	}

	caps := make([]string, 0, len(spec.KeepCaps))
	for _, c := range spec.KeepCaps {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		if c == "CAP_ALL" || !capName.MatchString(c) {
			return nil, nil, nil, invalid("capability %q cannot be kept", c)
		}
		if !slices.Contains(caps, c) {
			caps = append(caps, c)
		}
	}

	labels := maps.Clone(spec.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[runtime.LabelManaged] = "true"

	pids := spec.PidsLimit
	if pids == 0 {
		pids = runtime.DefaultPidsLimit
	}
	memory := int64(spec.MemoryMB) << 20

	cfg := &container.Config{
		Image:  spec.Image,
		Env:    env,
		Labels: labels,
	}
	if spec.Cmd != nil {
		cfg.Cmd = slices.Clone(spec.Cmd)
	}

	host := &container.HostConfig{
		RestartPolicy: container.RestartPolicy{Name: restart},
		Privileged:    false,
		SecurityOpt:   []string{noNewPrivileges},
		CapDrop:       []string{"ALL"},
		CapAdd:        caps,
		Resources: container.Resources{
			Memory: memory,
			// Swap equal to memory means no swap on top of the limit: a
			// service over its memory is killed, not slowed to a crawl.
			MemorySwap: memory,
			NanoCPUs:   int64(math.Round(spec.CPUs * 1e9)),
			PidsLimit:  &pids,
		},
	}
	for _, m := range spec.Mounts {
		if m.Target == "" || !strings.HasPrefix(m.Target, "/") {
			return nil, nil, nil, invalid("mount of volume %q needs an absolute target, got %q", m.Volume, m.Target)
		}
		host.Mounts = append(host.Mounts, mount.Mount{Type: mount.TypeVolume, Source: m.Volume, Target: m.Target})
	}

	var nets *network.NetworkingConfig
	if spec.Network != "" {
		host.NetworkMode = container.NetworkMode(spec.Network)
		// Aliases at create time: the container is reachable by them from
		// its first moment, not after a separate connect call.
		nets = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			spec.Network: {Aliases: slices.Clone(spec.Aliases)},
		}}
	}
	return cfg, host, nets, nil
}

// Run creates and starts a container. It never pulls: an image that is not
// local is runtime.ErrImageNotFound, because the host may have no registry
// and a build that did not happen must not be papered over by a pull.
func (d *Driver) Run(ctx context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	id, err := d.create(ctx, spec, nil)
	if err != nil {
		return runtime.Container{}, err
	}
	if err := d.api.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		d.discard(ctx, id)
		return runtime.Container{}, fmt.Errorf("start container %s: %w", spec.Name, err)
	}
	return d.Inspect(ctx, id)
}

// create checks the spec, its image and volumes, and creates the container
// (adjust, when set, changes the engine's settings first); it returns the id.
func (d *Driver) create(ctx context.Context, spec runtime.ContainerSpec, adjust func(*container.Config, *container.HostConfig)) (string, error) {
	cfg, host, nets, err := createConfig(spec)
	if err != nil {
		return "", err
	}
	if adjust != nil {
		adjust(cfg, host)
	}
	ok, err := d.ImageExists(ctx, spec.Image)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("%w: %s", runtime.ErrImageNotFound, spec.Image)
	}
	for _, m := range spec.Mounts {
		labels := map[string]string{}
		if app := spec.Labels[runtime.LabelApp]; app != "" {
			labels[runtime.LabelApp] = app
		}
		if err := d.EnsureVolume(ctx, m.Volume, labels); err != nil {
			return "", fmt.Errorf("container %s: %w", spec.Name, err)
		}
	}

	created, err := d.api.ContainerCreate(ctx, cfg, host, nets, nil, spec.Name)
	switch {
	case cerrdefs.IsConflict(err):
		return "", fmt.Errorf("%w: %s: %v", runtime.ErrExists, spec.Name, err)
	case cerrdefs.IsNotFound(err):
		// Not found at create is the image (removed since the check) or
		// the network; say which.
		if ok, _ := d.ImageExists(ctx, spec.Image); !ok {
			return "", fmt.Errorf("%w: %s", runtime.ErrImageNotFound, spec.Image)
		}
		return "", fmt.Errorf("create container %s (network %q): %w", spec.Name, spec.Network, err)
	case err != nil:
		return "", fmt.Errorf("create container %s: %w", spec.Name, err)
	}
	return created.ID, nil
}

// discard removes a container that failed to start: a created-but-never-
// started container would hold the name and make the retry fail with
// ErrExists. It runs even when ctx is done.
func (d *Driver) discard(ctx context.Context, id string) {
	_ = d.api.ContainerRemove(context.WithoutCancel(ctx), id, container.RemoveOptions{Force: true, RemoveVolumes: true})
}

// owned inspects a container before Stop or Remove changes it: gone is
// (nil, nil) since the caller's goal is already met, and a container without
// kyozo.managed=true is refused.
func (d *Driver) owned(ctx context.Context, id string) (*container.InspectResponse, error) {
	c, err := d.api.ContainerInspect(ctx, id)
	if cerrdefs.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	if c.Config == nil || !managed(c.Config.Labels) {
		return nil, fmt.Errorf("%w: container %s has no label %s=true", ErrNotManaged, id, runtime.LabelManaged)
	}
	return &c, nil
}

// Stop sends SIGTERM and kills the container after timeout (rounded up to
// whole seconds, the engine's unit; 0 kills at once). A container that is
// gone or already stopped is success: the caller wanted it not running.
func (d *Driver) Stop(ctx context.Context, id string, timeout time.Duration) error {
	c, err := d.owned(ctx, id)
	if c == nil {
		return err
	}
	secs := max(int(math.Ceil(timeout.Seconds())), 0)
	err = d.api.ContainerStop(ctx, id, container.StopOptions{Timeout: &secs})
	if err == nil || cerrdefs.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("stop container %s: %w", id, err)
}

// Remove stops a running container with its own stop timeout (the engine's
// 10s unless the image set one), so the process gets its SIGTERM, then
// removes it with its anonymous volumes; named volumes stay. A missing
// container is success.
func (d *Driver) Remove(ctx context.Context, id string) error {
	c, err := d.owned(ctx, id)
	if c == nil {
		return err
	}
	if c.State != nil && (c.State.Running || c.State.Restarting) {
		err := d.api.ContainerStop(ctx, id, container.StopOptions{})
		switch {
		case err == nil || cerrdefs.IsNotFound(err):
		case cerrdefs.IsConflict(err) && d.gone(ctx, id):
			return nil
		default:
			return fmt.Errorf("stop container %s before removing it: %w", id, err)
		}
	}
	// Force still: an unless-stopped container may restart between the
	// stop and the remove.
	err = d.api.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	switch {
	case err == nil || cerrdefs.IsNotFound(err):
		return nil
	case cerrdefs.IsConflict(err) && d.gone(ctx, id):
		return nil
	}
	return fmt.Errorf("remove container %s: %w", id, err)
}

// removalWait bounds how long Remove waits for another caller's removal of
// the same container; a variable so tests can shorten it.
var removalWait = time.Minute

// gone waits for a container someone else is removing to be gone: the
// engine answers a second removal with a conflict ("removal … is already
// in progress"), which for a caller who wants it gone is no failure. Two
// callers do meet: a retiring release and apps:destroy, or two retirements
// of overlapping sets of old containers.
func (d *Driver) gone(ctx context.Context, id string) bool {
	ctx, cancel := context.WithTimeout(ctx, removalWait)
	defer cancel()
	for {
		if _, err := d.api.ContainerInspect(ctx, id); cerrdefs.IsNotFound(err) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Inspect returns a container by ID or name; a missing one is
// runtime.ErrNotFound.
func (d *Driver) Inspect(ctx context.Context, id string) (runtime.Container, error) {
	c, err := d.api.ContainerInspect(ctx, id)
	if cerrdefs.IsNotFound(err) {
		return runtime.Container{}, fmt.Errorf("%w: %s", runtime.ErrNotFound, id)
	}
	if err != nil {
		return runtime.Container{}, fmt.Errorf("inspect container %s: %w", id, err)
	}
	return toContainer(c), nil
}

// List returns Kyozo's containers (kyozo.managed=true) whose labels include
// all of labels, running or not, sorted by name. The engine's list lacks
// exit codes, start times, health and restarts, so each is inspected; one
// removed in between is left out.
func (d *Driver) List(ctx context.Context, labels map[string]string) ([]runtime.Container, error) {
	f := filters.NewArgs(filters.Arg("label", runtime.LabelManaged+"=true"))
	for k, v := range labels {
		f.Add("label", k+"="+v)
	}
	summaries, err := d.api.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := make([]runtime.Container, 0, len(summaries))
	for _, s := range summaries {
		c, err := d.Inspect(ctx, s.ID)
		if errors.Is(err, runtime.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b runtime.Container) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Logs streams a container's stdout and stderr as one stream. The engine
// frames the two (stdcopy) for containers without a TTY, which is every
// container Run makes; a TTY container's output is passed through as is.
// The caller closes the reader, which also ends a follow.
func (d *Driver) Logs(ctx context.Context, id string, follow bool, tail int) (io.ReadCloser, error) {
	c, err := d.api.ContainerInspect(ctx, id)
	if cerrdefs.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %s", runtime.ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	opts := container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: follow, Tail: "all"}
	if tail > 0 {
		opts.Tail = strconv.Itoa(tail)
	}
	rc, err := d.api.ContainerLogs(ctx, id, opts)
	if cerrdefs.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %s", runtime.ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("logs of container %s: %w", id, err)
	}
	if c.Config != nil && c.Config.Tty {
		return rc, nil
	}
	return demux(rc), nil
}

// demux turns the engine's framed stdout/stderr stream into one plain stream.
func demux(src io.ReadCloser) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, src)
		pw.CloseWithError(err) // nil: readers see io.EOF
	}()
	return &demuxed{pr: pr, src: src}
}

type demuxed struct {
	pr   *io.PipeReader
	src  io.ReadCloser
	once sync.Once
	err  error
}

func (r *demuxed) Read(p []byte) (int, error) { return r.pr.Read(p) }

// Close closes the engine's stream first, which ends the copying goroutine
// (it is blocked reading it while following), then the pipe.
func (r *demuxed) Close() error {
	r.once.Do(func() {
		r.err = r.src.Close()
		r.pr.Close()
	})
	return r.err
}

// toContainer is what the runtime contract keeps of an inspect.
func toContainer(c container.InspectResponse) runtime.Container {
	out := runtime.Container{}
	if c.ContainerJSONBase != nil {
		out.ID = c.ID
		out.Name = strings.TrimPrefix(c.Name, "/")
		out.Restarts = c.RestartCount
		if s := c.State; s != nil {
			out.Running = s.Running
			out.State = string(s.Status)
			out.ExitCode = s.ExitCode
			if t, err := time.Parse(time.RFC3339Nano, s.StartedAt); err == nil && t.Year() > 1 {
				out.StartedAt = t
			}
			if s.Health != nil && s.Health.Status != container.NoHealthcheck {
				out.Health = string(s.Health.Status)
			}
		}
	}
	if c.Config != nil {
		out.Image = c.Config.Image
		out.Labels = c.Config.Labels
	}
	if c.NetworkSettings != nil {
		out.IP = appIP(out.Labels, c.NetworkSettings.Networks)
	}
	return out
}

// appIP is the container's address on its app's network: kyozo-APP by the
// app label, else the only kyozo- network it is on, else its only network.
func appIP(labels map[string]string, nets map[string]*network.EndpointSettings) string {
	if app := labels[runtime.LabelApp]; app != "" {
		if ep := nets[runtime.NetworkName(app)]; ep != nil {
			return ep.IPAddress
		}
	}
	var kyozo []string
	for name := range nets {
		if strings.HasPrefix(name, "kyozo-") {
			kyozo = append(kyozo, name)
		}
	}
	if len(kyozo) == 1 && nets[kyozo[0]] != nil {
		return nets[kyozo[0]].IPAddress
	}
	if len(nets) == 1 {
		for _, ep := range nets {
			if ep != nil {
				return ep.IPAddress
			}
		}
	}
	return ""
}
