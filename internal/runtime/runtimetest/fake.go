// Package runtimetest is an in-memory runtime.Runtime for tests of the
// packages that drive containers: it records what was run, stopped and
// removed, and lets a test say what a container's state is.
package runtimetest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/kyozo/kyozo/internal/runtime"
)

// Fake is a Runtime whose containers are records.
type Fake struct {
	mu         sync.Mutex
	seq        int
	containers map[string]*runtime.Container
	Images     map[string]bool
	Specs      map[string]runtime.ContainerSpec
	Stopped    []string
	Removed    []string
	// IPs, when set, gives the IP of the next containers run, in order.
	IPs []string
}

var _ runtime.Runtime = (*Fake)(nil)

// New returns an empty fake runtime.
func New() *Fake {
	return &Fake{containers: map[string]*runtime.Container{}, Images: map[string]bool{}, Specs: map[string]runtime.ContainerSpec{}}
}

// Add puts a running container in the fake, as if started earlier.
func (f *Fake) Add(c runtime.Container) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cc := c
	f.containers[c.ID] = &cc
}

// Set changes a container's state.
func (f *Fake) Set(id string, change func(*runtime.Container)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f.containers[id])
}

func (f *Fake) EnsureNetwork(ctx context.Context, app string) (string, error) {
	return runtime.NetworkName(app), nil
}

func (f *Fake) ImageExists(ctx context.Context, ref string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Images[ref], nil
}

func (f *Fake) Run(ctx context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.Images[spec.Image] {
		return runtime.Container{}, fmt.Errorf("%w: %s", runtime.ErrImageNotFound, spec.Image)
	}
	f.seq++
	ip := fmt.Sprintf("10.0.0.%d", f.seq)
	if len(f.IPs) > 0 {
		ip, f.IPs = f.IPs[0], f.IPs[1:]
	}
	labels := maps.Clone(spec.Labels)
	labels[runtime.LabelManaged] = "true"
	c := &runtime.Container{
		ID: fmt.Sprintf("c%d", f.seq), Name: spec.Name, Image: spec.Image, Labels: labels,
		Running: true, State: "running", StartedAt: time.Now(), IP: ip,
	}
	f.containers[c.ID] = c
	f.Specs[c.ID] = spec
	return *c, nil
}

// RunAttached runs a container as Run does; it prints nothing and exits 0
// at once (Scripted plays one that does more).
func (f *Fake) RunAttached(ctx context.Context, spec runtime.ContainerSpec, stdio runtime.Stdio) (string, int, error) {
	c, err := f.Run(ctx, spec)
	if err != nil {
		return "", 0, err
	}
	f.Set(c.ID, func(c *runtime.Container) { c.Running, c.State = false, "exited" })
	return c.ID, 0, nil
}

func (f *Fake) Stop(ctx context.Context, id string, timeout time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.containers[id]; ok {
		c.Running, c.State = false, "exited"
		f.Stopped = append(f.Stopped, id)
	}
	return nil
}

func (f *Fake) Remove(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.containers[id]; ok {
		delete(f.containers, id)
		f.Removed = append(f.Removed, id)
	}
	return nil
}

func (f *Fake) Inspect(ctx context.Context, id string) (runtime.Container, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.containers[id]
	if !ok {
		return runtime.Container{}, fmt.Errorf("%w: %s", runtime.ErrNotFound, id)
	}
	return *c, nil
}

func (f *Fake) List(ctx context.Context, labels map[string]string) ([]runtime.Container, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runtime.Container
	for _, c := range f.containers {
		match := true
		for k, v := range labels {
			if c.Labels[k] != v {
				match = false
			}
		}
		if match {
			out = append(out, *c)
		}
	}
	return out, nil
}

func (f *Fake) Logs(ctx context.Context, id string, follow bool, tail int) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader("")), nil
}

func (f *Fake) RemoveImage(ctx context.Context, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.Images, ref)
	return nil
}

func (f *Fake) Ping(ctx context.Context) error { return nil }

// Running returns the ids of running containers.
func (f *Fake) Running() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for id, c := range f.containers {
		if c.Running {
			out = append(out, id)
		}
	}
	return out
}
