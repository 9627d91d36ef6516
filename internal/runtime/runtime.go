// Package runtime is the contract between Kyozo and what runs containers:
// the single-host Docker driver first (runtime/docker), a Swarm driver later.
// Containers Kyozo runs carry its labels; anything without them is never
// touched.
package runtime

import (
	"context"
	"errors"
	"io"
	"time"
)

// Labels Kyozo puts on everything it creates.
const (
	LabelApp     = "kyozo.app"
	LabelService = "kyozo.service"
	LabelRelease = "kyozo.release"
	LabelKind    = "kyozo.kind"    // "service" or "backing"
	LabelManaged = "kyozo.managed" // "true" on everything Kyozo owns
)

// NetworkName is the network EnsureNetwork makes for an app: its services
// and backing services find each other there by alias, and nothing else is
// on it.
func NetworkName(app string) string { return "kyozo-" + app }

// ErrImageNotFound is returned by Run when the image is not present locally.
var ErrImageNotFound = errors.New("image not found")

// ErrExists is returned by Run when a container already has the spec's
// name, so a caller can tell a retried start from a failed one.
var ErrExists = errors.New("container already exists")

// ErrInvalidSpec is returned by Run for a spec the runtime refuses before
// asking the engine (a negative limit, an unknown restart policy, a bad
// capability or env name), so the error names the field, not an engine
// message.
var ErrInvalidSpec = errors.New("invalid container spec")

// DefaultPidsLimit is the pids limit of a container whose spec sets none:
// every container has one, so a fork bomb stays inside it.
const DefaultPidsLimit = 512

// Mount is a named volume mounted into a container.
type Mount struct {
	Volume string // named volume, created if missing
	Target string // path in the container
}

// ContainerSpec is a container to create and start.
type ContainerSpec struct {
	Name    string
	Image   string
	Cmd     []string // nil: the image's own
	Env     map[string]string
	Labels  map[string]string
	Network string   // the app's network
	Aliases []string // names other containers reach it by on that network
	Mounts  []Mount
	// Resource limits; zero means none for MemoryMB and CPUs, and
	// DefaultPidsLimit for PidsLimit (a container is never without one).
	MemoryMB  int
	CPUs      float64
	PidsLimit int64
	// Restart is the restart policy: "unless-stopped" (default), "no".
	Restart string
	// Secure options are always on: no-new-privileges, every capability
	// dropped, never privileged. KeepCaps re-adds named capabilities for
	// images that need them (a database's entrypoint that chowns its data).
	KeepCaps []string
}

// Container is a container as the runtime sees it.
type Container struct {
	ID        string
	Name      string
	Image     string
	Labels    map[string]string
	Running   bool
	State     string // running, exited, created, restarting …
	ExitCode  int
	StartedAt time.Time
	// IP is its address on the app's network; Kyozo reaches it there.
	IP string
	// Health is the image HEALTHCHECK's status ("healthy", "unhealthy",
	// "starting"), "" when the image has none.
	Health   string
	Restarts int
}

// Runtime runs containers.
type Runtime interface {
	// EnsureNetwork creates the app's network if missing and returns its name.
	EnsureNetwork(ctx context.Context, app string) (string, error)
	// ImageExists reports whether an image is present locally.
	ImageExists(ctx context.Context, ref string) (bool, error)
	// Run creates and starts a container; a container with the same name
	// is an error. A missing image is ErrImageNotFound (never pulled).
	Run(ctx context.Context, spec ContainerSpec) (Container, error)
	// RunAttached runs a container with its standard streams connected to
	// a client's (stdio), until it exits; see Stdio. It returns the
	// container's id as soon as it exists, even with an error, so the
	// caller can remove it, and the container's exit code.
	RunAttached(ctx context.Context, spec ContainerSpec, stdio Stdio) (id string, exit int, err error)
	// Stop stops a container, waiting up to timeout before killing it.
	// Stopping a container that is gone or stopped is success.
	Stop(ctx context.Context, id string, timeout time.Duration) error
	// Remove removes a container (stopping it first); a missing one is success.
	Remove(ctx context.Context, id string) error
	Inspect(ctx context.Context, id string) (Container, error)
	// List returns the containers whose labels include all of labels,
	// running or not.
	List(ctx context.Context, labels map[string]string) ([]Container, error)
	// Logs streams a container's output, stdout and stderr interleaved.
	// tail > 0 starts with the last tail lines; 0 or less sends them all.
	Logs(ctx context.Context, id string, follow bool, tail int) (io.ReadCloser, error)
	// RemoveImage deletes an image; a missing one is success.
	RemoveImage(ctx context.Context, ref string) error
	Ping(ctx context.Context) error
}

// ErrNotFound is returned by Inspect for a container that does not exist.
var ErrNotFound = errors.New("container not found")
