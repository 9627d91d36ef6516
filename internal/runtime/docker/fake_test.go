package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// fakeAPI is an engine in memory, just enough of one for the driver's unit
// tests: containers by ID and name, images by ref, networks and volumes by
// name, and a record of what was called.
type fakeAPI struct {
	mu         sync.Mutex
	containers map[string]*container.InspectResponse
	images     map[string]bool
	networks   map[string]network.Inspect
	volumes    map[string]volume.Volume
	logs       []byte // framed as the engine frames them

	createErr, startErr, networkCreateErr error
	attachErr                             error
	// removeConflicts, when above 0, is how many ContainerRemove calls
	// answer as the engine does while another removal is in progress;
	// the container goes away (that removal finishes) on the last one.
	removeConflicts int
	// beforeNetworkCreate runs inside NetworkCreate, lock held: another
	// deploy creating the network first.
	beforeNetworkCreate func(*fakeAPI)

	calls   []string
	created []createCall
	stops   []container.StopOptions
	removes []container.RemoveOptions
	nextID  int
}

type createCall struct {
	cfg  *container.Config
	host *container.HostConfig
	nets *network.NetworkingConfig
	name string
}

var _ API = (*fakeAPI)(nil)

func newFake() *fakeAPI {
	return &fakeAPI{
		containers: map[string]*container.InspectResponse{},
		images:     map[string]bool{},
		networks:   map[string]network.Inspect{},
		volumes:    map[string]volume.Volume{},
	}
}

func notFound(what string) error { return fmt.Errorf("%w: no such %s", cerrdefs.ErrNotFound, what) }

func (f *fakeAPI) record(call string) {
	f.calls = append(f.calls, call)
}

func (f *fakeAPI) called(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// lookup finds a container by ID or name, as the engine does.
func (f *fakeAPI) lookup(id string) *container.InspectResponse {
	if c, ok := f.containers[id]; ok {
		return c
	}
	for _, c := range f.containers {
		if strings.TrimPrefix(c.Name, "/") == id {
			return c
		}
	}
	return nil
}

// addContainer puts a container in the fake engine as if it had been run.
func (f *fakeAPI) addContainer(id, name string, labels map[string]string, running bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	status := container.StateExited
	if running {
		status = container.StateRunning
	}
	f.containers[id] = &container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{ID: id, Name: "/" + name, State: &container.State{Status: status, Running: running}},
		Config:            &container.Config{Labels: labels},
		NetworkSettings:   &container.NetworkSettings{},
	}
}

func (f *fakeAPI) ContainerCreate(_ context.Context, cfg *container.Config, host *container.HostConfig, nets *network.NetworkingConfig, _ *ocispec.Platform, name string) (container.CreateResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerCreate " + name)
	if f.createErr != nil {
		return container.CreateResponse{}, f.createErr
	}
	if f.lookup(name) != nil {
		return container.CreateResponse{}, fmt.Errorf("%w: name %q is in use", cerrdefs.ErrConflict, name)
	}
	f.created = append(f.created, createCall{cfg, host, nets, name})
	f.nextID++
	id := fmt.Sprintf("c%02d", f.nextID)
	settings := &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{}}
	if nets != nil {
		for n := range nets.EndpointsConfig {
			settings.Networks[n] = &network.EndpointSettings{IPAddress: fmt.Sprintf("10.9.0.%d", f.nextID)}
		}
	}
	f.containers[id] = &container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{ID: id, Name: "/" + name, State: &container.State{Status: container.StateCreated}, HostConfig: host},
		Config:            cfg,
		NetworkSettings:   settings,
	}
	return container.CreateResponse{ID: id}, nil
}

func (f *fakeAPI) ContainerStart(_ context.Context, id string, _ container.StartOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerStart " + id)
	if f.startErr != nil {
		return f.startErr
	}
	c := f.lookup(id)
	if c == nil {
		return notFound("container")
	}
	c.State = &container.State{Status: container.StateRunning, Running: true, StartedAt: "2026-01-02T03:04:05.123456789Z"}
	return nil
}

func (f *fakeAPI) ContainerStop(_ context.Context, id string, opts container.StopOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerStop " + id)
	f.stops = append(f.stops, opts)
	c := f.lookup(id)
	if c == nil {
		return notFound("container")
	}
	c.State = &container.State{Status: container.StateExited, ExitCode: 143}
	return nil
}

func (f *fakeAPI) ContainerRemove(_ context.Context, id string, opts container.RemoveOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerRemove " + id)
	f.removes = append(f.removes, opts)
	c := f.lookup(id)
	if c == nil {
		return notFound("container")
	}
	if f.removeConflicts > 0 {
		f.removeConflicts--
		if f.removeConflicts == 0 {
			delete(f.containers, c.ID)
		}
		return fmt.Errorf("%w: removal of container %s is already in progress", cerrdefs.ErrConflict, id)
	}
	delete(f.containers, c.ID)
	return nil
}

func (f *fakeAPI) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerInspect " + id)
	c := f.lookup(id)
	if c == nil {
		return container.InspectResponse{}, notFound("container")
	}
	return *c, nil
}

func (f *fakeAPI) ContainerList(_ context.Context, opts container.ListOptions) ([]container.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerList")
	var out []container.Summary
	for id, c := range f.containers {
		match := true
		for _, kv := range opts.Filters.Get("label") {
			k, v, _ := strings.Cut(kv, "=")
			if got, ok := c.Config.Labels[k]; !ok || got != v {
				match = false
			}
		}
		if match {
			out = append(out, container.Summary{ID: id})
		}
	}
	return out, nil
}

func (f *fakeAPI) ContainerLogs(_ context.Context, id string, _ container.LogsOptions) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerLogs " + id)
	if f.lookup(id) == nil {
		return nil, notFound("container")
	}
	return io.NopCloser(bytes.NewReader(f.logs)), nil
}

// ContainerAttach fails: the streams of a container are tested against the
// real engine (TestIntegrationRunAttached…); the fake sees what comes before.
func (f *fakeAPI) ContainerAttach(_ context.Context, id string, _ container.AttachOptions) (types.HijackedResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerAttach " + id)
	if f.lookup(id) == nil {
		return types.HijackedResponse{}, notFound("container")
	}
	return types.HijackedResponse{}, f.attachErr
}

func (f *fakeAPI) ContainerWait(_ context.Context, id string, _ container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerWait " + id)
	return make(chan container.WaitResponse), make(chan error)
}

func (f *fakeAPI) ContainerResize(_ context.Context, id string, _ container.ResizeOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ContainerResize " + id)
	return nil
}

func (f *fakeAPI) NetworkCreate(_ context.Context, name string, opts network.CreateOptions) (network.CreateResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("NetworkCreate " + name)
	if f.beforeNetworkCreate != nil {
		f.beforeNetworkCreate(f)
	}
	if f.networkCreateErr != nil {
		return network.CreateResponse{}, f.networkCreateErr
	}
	if _, ok := f.networks[name]; ok {
		return network.CreateResponse{}, fmt.Errorf("%w: network %s exists", cerrdefs.ErrConflict, name)
	}
	f.networks[name] = network.Inspect{Name: name, ID: "n-" + name, Driver: opts.Driver, Labels: opts.Labels}
	return network.CreateResponse{ID: "n-" + name}, nil
}

func (f *fakeAPI) NetworkInspect(_ context.Context, name string, _ network.InspectOptions) (network.Inspect, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("NetworkInspect " + name)
	n, ok := f.networks[name]
	if !ok {
		return network.Inspect{}, notFound("network")
	}
	return n, nil
}

func (f *fakeAPI) VolumeCreate(_ context.Context, opts volume.CreateOptions) (volume.Volume, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("VolumeCreate " + opts.Name)
	if v, ok := f.volumes[opts.Name]; ok {
		return v, nil
	}
	v := volume.Volume{Name: opts.Name, Driver: opts.Driver, Labels: opts.Labels}
	f.volumes[opts.Name] = v
	return v, nil
}

func (f *fakeAPI) VolumeInspect(_ context.Context, name string) (volume.Volume, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("VolumeInspect " + name)
	v, ok := f.volumes[name]
	if !ok {
		return volume.Volume{}, notFound("volume")
	}
	return v, nil
}

func (f *fakeAPI) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (image.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ImageInspect " + ref)
	if !f.images[ref] {
		return image.InspectResponse{}, notFound("image")
	}
	return image.InspectResponse{ID: "sha256:" + ref}, nil
}

func (f *fakeAPI) ImageRemove(_ context.Context, ref string, _ image.RemoveOptions) ([]image.DeleteResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ImageRemove " + ref)
	if !f.images[ref] {
		return nil, notFound("image")
	}
	delete(f.images, ref)
	return []image.DeleteResponse{{Untagged: ref}}, nil
}

func (f *fakeAPI) Ping(context.Context) (types.Ping, error) {
	return types.Ping{APIVersion: "1.41"}, nil
}
