package docker

import (
	"context"
	"fmt"
	"io"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/kyozo/kyozo/internal/runtime"
)

// RunAttached runs a container as `docker run -i` (and -t with stdio.TTY)
// does: it creates the container with its input open, attaches to its
// streams and starts waiting for its exit before starting it, so neither
// the first output nor the exit code can be missed, then copies stdio's
// input in and the container's output out until the output ends.
//
// The goroutine copying stdio.Stdin may stay blocked in its Read after
// RunAttached returns, until that reader ends (an ssh session's does when
// the session closes); what it reads by then is dropped.
func (d *Driver) RunAttached(ctx context.Context, spec runtime.ContainerSpec, stdio runtime.Stdio) (string, int, error) {
	tty := stdio.TTY != nil
	id, err := d.create(ctx, spec, func(cfg *container.Config, host *container.HostConfig) {
		cfg.AttachStdin, cfg.AttachStdout, cfg.AttachStderr = true, true, true
		// StdinOnce: the container's input closes when the client's does,
		// so `cat` or a shell reading a script ends at the client's EOF.
		cfg.OpenStdin, cfg.StdinOnce = true, true
		cfg.Tty = tty
		if tty && stdio.TTY.Width > 0 && stdio.TTY.Height > 0 {
			// The size from the first moment (engine API 1.42+): a resize
			// after the start would race the command's first look at it.
			host.ConsoleSize = [2]uint{uint(stdio.TTY.Height), uint(stdio.TTY.Width)}
		}
	})
	if err != nil {
		return "", 0, err
	}
	hj, err := d.api.ContainerAttach(ctx, id, container.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return id, 0, fmt.Errorf("attach to container %s: %w", spec.Name, err)
	}
	defer hj.Close()
	// Closing the connection is what ends the copies when ctx is done.
	defer context.AfterFunc(ctx, hj.Close)()

	exited, waitErr := d.api.ContainerWait(ctx, id, container.WaitConditionNextExit)
	if err := d.api.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return id, 0, fmt.Errorf("start container %s: %w", spec.Name, err)
	}

	done := make(chan struct{})
	defer close(done)
	if tty {
		d.resize(ctx, id, *stdio.TTY)
		if stdio.Resize != nil {
			go func() {
				for {
					select {
					case w := <-stdio.Resize:
						d.resize(ctx, id, w)
					case <-done:
						return
					}
				}
			}()
		}
	}
	go func() {
		if stdio.Stdin != nil {
			_, _ = io.Copy(hj.Conn, stdio.Stdin)
		}
		_ = hj.CloseWrite()
	}()

	stdout, stderr := orDiscard(stdio.Stdout), orDiscard(stdio.Stderr)
	if tty {
		_, err = io.Copy(stdout, hj.Reader)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, hj.Reader)
	}
	if ctx.Err() != nil {
		return id, 0, ctx.Err()
	}
	if err != nil {
		return id, 0, fmt.Errorf("output of container %s: %w", spec.Name, err)
	}
	select {
	case r := <-exited:
		if r.Error != nil {
			return id, 0, fmt.Errorf("wait for container %s: %s", spec.Name, r.Error.Message)
		}
		return id, int(r.StatusCode), nil
	case err := <-waitErr:
		return id, 0, fmt.Errorf("wait for container %s: %w", spec.Name, err)
	}
}

// resize sets a container's terminal size. A failure is not worth ending
// the session for (the container may have just exited): the client only
// sees lines wrap at the old width.
func (d *Driver) resize(ctx context.Context, id string, w runtime.WindowSize) {
	if w.Width <= 0 || w.Height <= 0 {
		return
	}
	_ = d.api.ContainerResize(ctx, id, container.ResizeOptions{Height: uint(w.Height), Width: uint(w.Width)})
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
