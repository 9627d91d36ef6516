package docker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/testutil/dockertest"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

func TestRunAttachedOpensInputAndNamesTheFailure(t *testing.T) {
	f := newFake()
	f.images["img"] = true
	f.attachErr = errors.New("hijack refused")
	id, _, err := NewWithAPI(f).RunAttached(context.Background(),
		runtime.ContainerSpec{Name: "kyozo-shop-web-run-1", Image: "img"},
		runtime.Stdio{TTY: &runtime.WindowSize{Width: 80, Height: 24}})
	if err == nil || !strings.Contains(err.Error(), "kyozo-shop-web-run-1") || !strings.Contains(err.Error(), "hijack refused") {
		t.Fatalf("err = %v", err)
	}
	if id == "" || f.lookup(id) == nil {
		t.Fatalf("id = %q: the caller cannot remove what was created", id)
	}
	cfg := f.created[0].cfg
	if !cfg.OpenStdin || !cfg.StdinOnce || !cfg.AttachStdin || !cfg.Tty {
		t.Errorf("config = open %v once %v attach %v tty %v", cfg.OpenStdin, cfg.StdinOnce, cfg.AttachStdin, cfg.Tty)
	}
	if n := f.called("ContainerStart"); n != 0 {
		t.Errorf("started %d times before its streams were attached", n)
	}
}

// runAttached runs a busybox container attached to stdio, removed when the
// test ends.
func (e *engine) runAttached(t *testing.T, ctx context.Context, name string, cmd []string, stdio runtime.Stdio) (string, int, error) {
	t.Helper()
	name = "kyozo-" + e.app + "-" + name
	// By name, registered first: a test that fails while the container
	// runs must not leave it behind.
	t.Cleanup(func() {
		_ = e.cli.ContainerRemove(context.Background(), name, container.RemoveOptions{Force: true})
	})
	return e.d.RunAttached(ctx, runtime.ContainerSpec{
		Name: name, Image: e.image, Cmd: cmd, Restart: "no",
		Labels: map[string]string{runtime.LabelApp: e.app},
	}, stdio)
}

func TestIntegrationRunAttachedPipes(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	var stdout, stderr bytes.Buffer
	_, code, err := e.runAttached(t, context.Background(), "pipe",
		[]string{"sh", "-c", "tr a-z A-Z; echo to-stderr >&2; exit 3"},
		runtime.Stdio{Stdin: strings.NewReader("hello from stdin\n"), Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if code != 3 {
		t.Errorf("exit = %d, want 3", code)
	}
	if stdout.String() != "HELLO FROM STDIN\n" {
		t.Errorf("stdout = %q: input did not reach the container, or its end did not close it", stdout.String())
	}
	if stderr.String() != "to-stderr\n" {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestIntegrationRunAttachedTerminal(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	resize := make(chan runtime.WindowSize, 1)
	in, typist := io.Pipe()
	defer typist.Close()
	var out syncbuf.Buffer
	type result struct {
		id   string
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		id, code, err := e.runAttached(t, context.Background(), "tty",
			[]string{"sh", "-c", `tty; read line; echo "got $line"`},
			runtime.Stdio{Stdin: in, Stdout: &out, TTY: &runtime.WindowSize{Width: 100, Height: 30}, Resize: resize})
		done <- result{id, code, err}
	}()
	out.WaitFor(t, "/dev/pts/", time.Minute)
	resize <- runtime.WindowSize{Width: 120, Height: 40}
	// A terminal's line discipline ends the line at the typed CR, and
	// echoes it.
	io.WriteString(typist, "kyozo\r")
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("still running; output so far %q", out.String())
	}
	if r.err != nil || r.code != 0 {
		t.Fatalf("exit %d, err %v; output %q", r.code, r.err, out.String())
	}
	got := out.String()
	// One output stream, with the terminal's CRLF line endings and echo.
	for _, want := range []string{"kyozo\r\n", "got kyozo\r\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output %q lacks %q", got, want)
		}
	}
	// The size the client's terminal had is the container's from the
	// start. (The busybox here cannot show it: its stty fails on this
	// engine's terminals, so the engine's record is checked instead.)
	ins, err := e.cli.ContainerInspect(context.Background(), r.id)
	if err != nil {
		t.Fatal(err)
	}
	if cs := ins.HostConfig.ConsoleSize; cs != [2]uint{30, 100} {
		t.Errorf("console size = %v, want [30 100]", cs)
	}
}

func TestIntegrationRunAttachedCancel(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	in, typist := io.Pipe()
	defer typist.Close()
	var out syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		_, _, err := e.runAttached(t, ctx, "cancel", []string{"sh", "-c", "echo ready; exec cat"}, runtime.Stdio{Stdin: in, Stdout: &out})
		done <- err
	}()
	out.WaitFor(t, "ready", time.Minute)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunAttached did not return when its context ended")
	}
}
