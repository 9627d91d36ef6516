package docker

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/topology"
)

// ErrNotManaged is returned when a network, volume or container Kyozo would
// use or change exists but does not carry kyozo.managed=true: it belongs to
// someone else on the host, and Kyozo never touches what it does not own.
var ErrNotManaged = errors.New("not managed by kyozo")

// ContainerAPI is the part of the Docker client that runs containers.
type ContainerAPI interface {
	ContainerCreate(ctx context.Context, config *container.Config, hostConfig *container.HostConfig, networkingConfig *network.NetworkingConfig, platform *ocispec.Platform, containerName string) (container.CreateResponse, error)
	ContainerStart(ctx context.Context, containerID string, options container.StartOptions) error
	ContainerStop(ctx context.Context, containerID string, options container.StopOptions) error
	ContainerRemove(ctx context.Context, containerID string, options container.RemoveOptions) error
	ContainerInspect(ctx context.Context, containerID string) (container.InspectResponse, error)
	ContainerList(ctx context.Context, options container.ListOptions) ([]container.Summary, error)
	ContainerLogs(ctx context.Context, containerID string, options container.LogsOptions) (io.ReadCloser, error)
	ContainerAttach(ctx context.Context, containerID string, options container.AttachOptions) (types.HijackedResponse, error)
	ContainerWait(ctx context.Context, containerID string, condition container.WaitCondition) (<-chan container.WaitResponse, <-chan error)
	ContainerResize(ctx context.Context, containerID string, options container.ResizeOptions) error
}

// NetworkAPI is the part of the Docker client that manages networks and
// volumes: what a container is attached to.
type NetworkAPI interface {
	NetworkCreate(ctx context.Context, name string, options network.CreateOptions) (network.CreateResponse, error)
	NetworkInspect(ctx context.Context, networkID string, options network.InspectOptions) (network.Inspect, error)
	VolumeCreate(ctx context.Context, options volume.CreateOptions) (volume.Volume, error)
	VolumeInspect(ctx context.Context, volumeID string) (volume.Volume, error)
}

// ImageAPI is the part of the Docker client that looks at local images.
type ImageAPI interface {
	ImageInspect(ctx context.Context, imageID string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ImageRemove(ctx context.Context, imageID string, options image.RemoveOptions) ([]image.DeleteResponse, error)
}

// API is every method of the Docker client the driver uses; *client.Client
// satisfies it, and unit tests fake it.
type API interface {
	ContainerAPI
	NetworkAPI
	ImageAPI
	Ping(ctx context.Context) (types.Ping, error)
}

var (
	_ API             = (*client.Client)(nil)
	_ runtime.Runtime = (*Driver)(nil)
)

// Driver is the single-host Docker runtime.
type Driver struct {
	api API
	// cli is the client New made; nil when the caller owns the API.
	cli *client.Client
}

// New connects to the engine the environment names (DOCKER_HOST,
// DOCKER_CERT_PATH, DOCKER_TLS_VERIFY; the default socket otherwise) and
// negotiates the API version with it, so a client newer than the engine
// (API 1.41 on a Docker 20.10 host) still speaks a version the engine
// knows. An engine that is not up yet is not an error here: the client
// negotiates again on its first request, and Ping is how callers wait for it.
func New(ctx context.Context) (*Driver, error) {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("docker client from environment: %w", err)
	}
	cli.NegotiateAPIVersion(ctx)
	return &Driver{api: cli, cli: cli}, nil
}

// NewWithAPI returns a driver over a client the caller made (and closes).
func NewWithAPI(api API) *Driver {
	return &Driver{api: api}
}

// Client is the engine client New made, so the rest of Kyozo that talks to
// the same engine (the image builder) shares its connection and negotiated
// version; nil for a driver made by NewWithAPI.
func (d *Driver) Client() *client.Client { return d.cli }

// Close releases the client New made; it is a no-op for NewWithAPI.
func (d *Driver) Close() error {
	if d.cli == nil {
		return nil
	}
	return d.cli.Close()
}

// Ping reports whether the engine answers.
func (d *Driver) Ping(ctx context.Context) error {
	if _, err := d.api.Ping(ctx); err != nil {
		return fmt.Errorf("ping docker engine: %w", err)
	}
	return nil
}

// checkApp checks an app name against the rule every app name follows
// (topology.NameRule) again, because it becomes part of a network name.
func checkApp(app string) error {
	if !topology.ValidName(app) {
		return fmt.Errorf("%w: app name %q does not match %s", runtime.ErrInvalidSpec, app, topology.NameRule)
	}
	return nil
}

// managed reports whether labels mark something as Kyozo's.
func managed(labels map[string]string) bool {
	return labels[runtime.LabelManaged] == "true"
}
