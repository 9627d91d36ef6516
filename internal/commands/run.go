package commands

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/pipeline"
	"github.com/kyozo/kyozo/internal/runtime"
)

// runPidsLimit is a one-off container's pids limit, as a service's.
const runPidsLimit = 512

// termName is a TERM the client may pass on (xterm-256color, screen.xterm);
// anything else is not a terminal type, and the container goes without.
var termName = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

// run runs a one-off container of a service: its image from the current
// release, the environment its containers get, on the app's network. The
// command line is passed as an argv, never through a shell. The client's
// input is the container's and its output the client's, as `docker run -i`
// (and -t when the client asked for a terminal: ssh -t); the container is
// removed once it exits, and its exit code is the command's.
func (c *call) run() error {
	if len(c.args) < 3 {
		return usageError("")
	}
	service, argv := c.args[1], c.args[2:]
	if err := checkService(service); err != nil {
		return err
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	rel, err := c.release(a)
	if err != nil {
		return err
	}
	spec, err := serviceOf(rel, service)
	if err != nil {
		return err
	}
	env, err := pipeline.ServiceEnv(c.ctx, c.Store, c.Box, a.Name, spec, rel.Config)
	if err != nil {
		return failed("cannot prepare the environment of %s: %v", service, err)
	}
	network, err := c.Runtime.EnsureNetwork(c.ctx, a.Name)
	if err != nil {
		return failed("cannot reach the network of %s: %v", a.Name, err)
	}
	stdio := runtime.Stdio{Stdin: c.sess.Stdin, Stdout: c.sess.Stdout, Stderr: c.sess.Stderr}
	if t := c.sess.Term; t != nil {
		stdio.TTY = &runtime.WindowSize{Width: t.Width, Height: t.Height}
		// Passed on until run returns.
		rctx, stop := context.WithCancel(c.ctx)
		defer stop()
		stdio.Resize = windowSizes(rctx, t.Resize)
		if _, ok := env["TERM"]; !ok && termName.Re().MatchString(t.Name) {
			env["TERM"] = t.Name
		}
	}
	name := fmt.Sprintf("kyozo-%s-%s-run-%s", a.Name, service, randomHex(4))
	// The command line is the user's and may hold a secret: it is not logged.
	log := c.log.With("app", a.Name, "service", service, "container", name, "key", c.sess.Key.Name, "release", rel.Version, "terminal", stdio.TTY != nil)
	log.Info("one-off container starting")
	c.OneOffs.add(name)
	defer c.OneOffs.done(name) // after the removal below
	id, code, err := c.Runtime.RunAttached(c.ctx, runtime.ContainerSpec{
		Name: name, Image: spec.Image, Cmd: argv, Env: env, Network: network,
		// No alias: the service's name on the network stays its own
		// containers', so nothing sends traffic to a one-off.
		Labels: map[string]string{
			runtime.LabelApp: a.Name, runtime.LabelService: service, runtime.LabelKind: "run",
		},
		MemoryMB: max(spec.MemoryMB, 64), CPUs: spec.CPUs, PidsLimit: runPidsLimit,
		Restart: "no",
	}, stdio)
	if id != "" {
		defer func() {
			// Removed even when the client left: ctx is done by then.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), time.Minute)
			defer cancel()
			if err := c.Runtime.Remove(rctx, id); err != nil {
				log.Warn("removing the one-off container", "err", err)
			}
		}()
	}
	switch {
	case c.ctx.Err() != nil:
		log.Info("client disconnected; one-off container removed")
		return exitWith(exitFailure)
	case id == "" && err != nil:
		return failed("cannot start a container of %s: %v", service, err)
	case err != nil:
		return failed("one-off container of %s: %v", service, err)
	}
	log.Info("one-off container exited", "exit", code)
	if code < 0 || code > 255 {
		code = exitFailure
	}
	if code != 0 {
		return exitWith(code)
	}
	return nil
}

// windowSizes passes the client's terminal sizes on to the container until
// ctx ends or the session's requests do.
func windowSizes(ctx context.Context, from <-chan gitserver.Window) <-chan runtime.WindowSize {
	to := make(chan runtime.WindowSize, 1)
	go func() {
		for {
			select {
			case w, ok := <-from:
				if !ok {
					return
				}
				select {
				case to <- runtime.WindowSize{Width: w.Width, Height: w.Height}:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return to
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
