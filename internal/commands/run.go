package commands

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/kyozo/kyozo/internal/pipeline"
	"github.com/kyozo/kyozo/internal/runtime"
)

// runPidsLimit is a one-off container's pids limit, as a service's.
const runPidsLimit = 512

// run starts a one-off container of a service: its image from the current
// release, the environment its containers get, on the app's network. The
// command line is passed as an argv, never through a shell. The output is
// streamed to the client, the container removed once it exits, and its
// exit code is the command's.
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
	ct, err := c.Runtime.Run(c.ctx, runtime.ContainerSpec{
		Name:  fmt.Sprintf("kyozo-%s-%s-run-%s", a.Name, service, randomHex(4)),
		Image: spec.Image, Cmd: argv, Env: env, Network: network,
		// No alias: the service's name on the network stays its own
		// containers', so nothing sends traffic to a one-off.
		Labels: map[string]string{
			runtime.LabelApp: a.Name, runtime.LabelService: service, runtime.LabelKind: "run",
		},
		MemoryMB: max(spec.MemoryMB, 64), CPUs: spec.CPUs, PidsLimit: runPidsLimit,
		Restart: "no",
	})
	if err != nil {
		return failed("cannot start a container of %s: %v", service, err)
	}
	// The command line is the user's and may hold a secret: it is not logged.
	log := c.log.With("app", a.Name, "service", service, "container", ct.Name, "key", c.sess.Key.Name)
	log.Info("one-off container started", "release", rel.Version)
	defer func() {
		// Removed even when the client left: ctx is done by then.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), time.Minute)
		defer cancel()
		if err := c.Runtime.Remove(rctx, ct.ID); err != nil {
			log.Warn("removing the one-off container", "err", err)
		}
	}()

	if rc, err := c.Runtime.Logs(c.ctx, ct.ID, true, 0); err != nil {
		log.Warn("one-off container output", "err", err)
	} else {
		stop := context.AfterFunc(c.ctx, func() { rc.Close() })
		io.Copy(c.sess.Stdout, rc)
		stop()
		rc.Close()
	}
	code, err := c.waitExit(ct.ID)
	if c.ctx.Err() != nil {
		log.Info("client disconnected; one-off container removed")
		return exitWith(exitFailure)
	}
	if err != nil {
		return err
	}
	log.Info("one-off container exited", "exit", code)
	if code != 0 {
		return exitWith(code)
	}
	return nil
}

// waitExit waits for a container to exit and returns its exit code.
func (c *call) waitExit(id string) (int, error) {
	for {
		ct, err := c.Runtime.Inspect(c.ctx, id)
		if err != nil {
			return exitFailure, err
		}
		if !ct.Running && ct.State != "created" && ct.State != "restarting" {
			if ct.ExitCode < 0 || ct.ExitCode > 255 {
				return exitFailure, nil
			}
			return ct.ExitCode, nil
		}
		select {
		case <-c.ctx.Done():
			return exitFailure, c.ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
