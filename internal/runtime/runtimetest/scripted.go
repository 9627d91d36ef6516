package runtimetest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/kyozo/kyozo/internal/runtime"
)

// Scripted is a Fake whose containers print output and exit when a test
// says so, and which keeps named volumes. Logs serves a container's output
// as Docker does: the last tail lines, then (follow) every line printed
// later, through an io.Pipe, until the container exits, the reader is
// closed or ctx ends.
type Scripted struct {
	*Fake
	// OnRun, when set, is called after every container Run starts, before
	// Run returns: a test prints a one-off container's output and exits it.
	OnRun func(s *Scripted, spec runtime.ContainerSpec, c runtime.Container)
	// OnAttach, when set, plays the container RunAttached starts, after
	// OnRun: it reads stdio.Stdin and writes stdio.Stdout as the
	// container's command would, and returns its exit code.
	OnAttach func(spec runtime.ContainerSpec, stdio runtime.Stdio) int
	// RunErr, when set, is returned by Run instead of starting anything.
	RunErr error

	mu             sync.Mutex
	output         map[string][]string // lines printed, by container id
	follows        map[string][]*follower
	volumes        map[string]bool
	RemovedVolumes []string
	// RemovedNetworks lists the apps whose network RemoveNetwork removed.
	RemovedNetworks []string
	LogCalls        []LogCall
}

// LogCall is one call of Logs.
type LogCall struct {
	ID     string
	Follow bool
	Tail   int
}

type follower struct {
	lines chan string
	done  chan struct{}
	once  sync.Once
}

func (f *follower) stop() { f.once.Do(func() { close(f.done) }) }

var (
	_ runtime.Runtime        = (*Scripted)(nil)
	_ runtime.VolumeRemover  = (*Scripted)(nil)
	_ runtime.NetworkRemover = (*Scripted)(nil)
)

// NewScripted returns an empty scripted runtime.
func NewScripted() *Scripted {
	return &Scripted{Fake: New(), output: map[string][]string{}, follows: map[string][]*follower{}, volumes: map[string]bool{}}
}

// Run starts a container as Fake does, then lets OnRun script it.
func (s *Scripted) Run(ctx context.Context, spec runtime.ContainerSpec) (runtime.Container, error) {
	if s.RunErr != nil {
		return runtime.Container{}, s.RunErr
	}
	c, err := s.Fake.Run(ctx, spec)
	if err == nil && s.OnRun != nil {
		s.OnRun(s, spec, c)
	}
	return c, err
}

// RunAttached starts a container as Run does, lets OnAttach play it, then
// copies what it printed (Print) to stdio.Stdout until it exits (Exit) or
// ctx ends, and returns its exit code.
func (s *Scripted) RunAttached(ctx context.Context, spec runtime.ContainerSpec, stdio runtime.Stdio) (string, int, error) {
	c, err := s.Run(ctx, spec)
	if err != nil {
		return "", 0, err
	}
	if s.OnAttach != nil {
		s.Exit(c.ID, s.OnAttach(spec, stdio))
	}
	rc, err := s.Logs(ctx, c.ID, true, 0)
	if err != nil {
		return c.ID, 0, err
	}
	out := stdio.Stdout
	if out == nil {
		out = io.Discard
	}
	io.Copy(out, rc)
	rc.Close()
	if err := ctx.Err(); err != nil {
		return c.ID, 0, err
	}
	ct, err := s.Inspect(ctx, c.ID)
	if err != nil {
		return c.ID, 0, err
	}
	return c.ID, ct.ExitCode, nil
}

// Print adds lines to a container's output; followers see them at once.
func (s *Scripted) Print(id string, lines ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.output[id] = append(s.output[id], lines...)
	for _, f := range s.follows[id] {
		for _, l := range lines {
			select {
			case f.lines <- l:
			case <-f.done:
			}
		}
	}
}

// Exit stops a container with an exit code; its followers reach the end.
func (s *Scripted) Exit(id string, code int) {
	s.Set(id, func(c *runtime.Container) { c.Running, c.State, c.ExitCode = false, "exited", code })
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.follows[id] {
		close(f.lines)
	}
	delete(s.follows, id)
}

// Logs returns the container's last tail lines (all when tail ≤ 0) and,
// when follow is set and it runs, what it prints until it exits.
func (s *Scripted) Logs(ctx context.Context, id string, follow bool, tail int) (io.ReadCloser, error) {
	c, err := s.Inspect(ctx, id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.LogCalls = append(s.LogCalls, LogCall{ID: id, Follow: follow, Tail: tail})
	past := s.output[id]
	if tail > 0 && len(past) > tail {
		past = past[len(past)-tail:]
	}
	text := ""
	if len(past) > 0 {
		text = strings.Join(past, "\n") + "\n"
	}
	if !follow || !c.Running {
		return io.NopCloser(strings.NewReader(text)), nil
	}
	pr, pw := io.Pipe()
	f := &follower{lines: make(chan string, 1024), done: make(chan struct{})}
	s.follows[id] = append(s.follows[id], f)
	stopCtx := context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()); f.stop() })
	go func() {
		defer stopCtx()
		if _, err := io.WriteString(pw, text); err != nil {
			f.stop()
			return
		}
		for {
			select {
			case l, ok := <-f.lines:
				if !ok {
					pw.Close()
					return
				}
				if _, err := io.WriteString(pw, l+"\n"); err != nil {
					f.stop()
					return
				}
			case <-f.done:
				pw.Close()
				return
			}
		}
	}()
	return &pipeReader{PipeReader: pr, stop: f.stop}, nil
}

type pipeReader struct {
	*io.PipeReader
	stop func()
}

func (p *pipeReader) Close() error {
	p.stop()
	return p.PipeReader.Close()
}

// AddVolume records a named volume, as a backing service's start makes one.
func (s *Scripted) AddVolume(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.volumes[name] = true
}

// HasVolume reports whether a named volume exists.
func (s *Scripted) HasVolume(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.volumes[name]
}

// RemoveVolume deletes a named volume; a missing one is success.
func (s *Scripted) RemoveVolume(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		return fmt.Errorf("%w: empty volume name", runtime.ErrInvalidSpec)
	}
	if s.volumes[name] {
		delete(s.volumes, name)
		s.RemovedVolumes = append(s.RemovedVolumes, name)
	}
	return nil
}

// RemoveNetwork records that the app's network was removed.
func (s *Scripted) RemoveNetwork(ctx context.Context, app string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.RemovedNetworks = append(s.RemovedNetworks, app)
	return nil
}
