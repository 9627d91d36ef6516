package pipeline

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kyozo/kyozo/internal/health"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// runService starts one container of a service.
func (d *Deployer) runService(ctx context.Context, job *jobRun, app string, rel *store.Release, name string, s store.ReleaseService, env map[string]string) (runtime.Container, error) {
	spec := runtime.ContainerSpec{
		Name:    fmt.Sprintf("%s-%s-%s", containerName(app, name), jobSuffix(job.id), randomSuffix()),
		Image:   s.Image,
		Cmd:     s.Command,
		Env:     env,
		Network: job.network,
		Aliases: []string{name},
		Labels: map[string]string{
			runtime.LabelApp: app, runtime.LabelService: name, runtime.LabelRelease: job.id,
			runtime.LabelKind: "service",
		},
		MemoryMB:  max(s.MemoryMB, 64),
		CPUs:      s.CPUs,
		PidsLimit: 512,
	}
	if s.Port > 0 && s.Port < 1024 {
		spec.KeepCaps = []string{"NET_BIND_SERVICE"}
	}
	if s.Kind == string(topology.KindJob) {
		spec.Restart = "no"
	}
	c, err := d.Runtime.Run(ctx, spec)
	if err != nil {
		return c, fmt.Errorf("starting %s: %w", name, err)
	}
	job.started = append(job.started, c.ID)
	return c, nil
}

// waitReady is the health gate of one new container: an HTTP check of its
// health path, else a TCP connect to its port; a worker must still run
// after the settle time; a job must exit 0.
func (d *Deployer) waitReady(ctx context.Context, job *jobRun, name string, s store.ReleaseService, c runtime.Container) error {
	start := time.Now()
	timeout := time.Duration(d.Config.HealthTimeout)
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case s.Kind == string(topology.KindJob):
		job.out.info(ctx, "%s: running once", name)
		if err := d.waitExit(hctx, c.ID); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		job.out.info(ctx, "%s: finished in %s", name, seconds(time.Since(start)))
		return nil
	case s.Port > 0:
		check := health.Check{Addr: net.JoinHostPort(c.IP, strconv.Itoa(s.Port))}
		what := "port " + strconv.Itoa(s.Port)
		if s.HealthPath != "" {
			check.Path = s.HealthPath
			what = "GET " + s.HealthPath
		}
		job.out.info(ctx, "%s: waiting for %s on %s", name, what, check.Addr)
		err := health.Wait(hctx, check, 250*time.Millisecond, d.alive(ctx, c.ID))
		d.Metrics.HealthCheck(job.app, name, err == nil, time.Since(start))
		if err != nil {
			if ctx.Err() != nil {
				return ErrCancelled
			}
			return fmt.Errorf("%s did not become healthy within %s (%s): %w%s", name, timeout, what, err, d.lastLogs(ctx, c.ID))
		}
		job.out.info(ctx, "%s: healthy in %s", name, seconds(time.Since(start)))
		return nil
	default:
		settle := time.Duration(d.Config.WorkerSettle)
		job.out.info(ctx, "%s: checking it keeps running for %s", name, settle)
		select {
		case <-time.After(settle):
		case <-hctx.Done():
			return ErrCancelled
		}
		if err := d.alive(ctx, c.ID)(); err != nil {
			return fmt.Errorf("%s: %w%s", name, err, d.lastLogs(ctx, c.ID))
		}
		job.out.info(ctx, "%s: running", name)
		return nil
	}
}

// alive returns a check that fails once the container has stopped.
func (d *Deployer) alive(ctx context.Context, id string) func() error {
	return func() error {
		c, err := d.Runtime.Inspect(ctx, id)
		if err != nil {
			return err
		}
		if !c.Running && c.State != "restarting" {
			return fmt.Errorf("its container exited with code %d", c.ExitCode)
		}
		if c.Restarts > 0 {
			return fmt.Errorf("its container restarted %d times (last exit code %d)", c.Restarts, c.ExitCode)
		}
		return nil
	}
}

func (d *Deployer) waitExit(ctx context.Context, id string) error {
	for {
		c, err := d.Runtime.Inspect(ctx, id)
		if err != nil {
			return err
		}
		if !c.Running && c.State != "created" {
			if c.ExitCode != 0 {
				return fmt.Errorf("exited with code %d%s", c.ExitCode, d.lastLogs(ctx, id))
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still running after %s", d.Config.HealthTimeout)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// lastLogs returns a container's last lines, for a failure message.
func (d *Deployer) lastLogs(ctx context.Context, id string) string {
	rc, err := d.Runtime.Logs(ctx, id, false, 10)
	if err != nil {
		return ""
	}
	defer rc.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(rc, buf)
	text := strings.TrimSpace(string(buf[:n]))
	if text == "" {
		return ""
	}
	return "; its last output:\n" + indent(text)
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "         " + l
	}
	return strings.Join(lines, "\n")
}

func containerName(app, service string) string { return "kyozo-" + app + "-" + service }

// jobSuffix is a short, unique part of a job id for container names.
func jobSuffix(id string) string {
	id = strings.ReplaceAll(id, "-", "")
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}
