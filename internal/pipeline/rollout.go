package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kyozo/kyozo/internal/health"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// backingCaps are the capabilities official database and broker images
// need: their entrypoints chown the data folder and drop to their own user.
var backingCaps = []string{"CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER"}

// startBacking makes sure every backing service runs, with its volume and
// credentials, before the services that use it start. Backing services
// outlive releases: a running one is left as it is.
func (d *Deployer) startBacking(ctx context.Context, dep *deployment) ([]store.BackingService, error) {
	var out []store.BackingService
	for _, b := range dep.topo.BackingServices {
		if b.Type == "container" {
			dep.out.info(ctx, "%s: compose service with image %s is not provisioned by Kyozo; skipped", b.Name, b.Image)
			continue
		}
		sb := store.BackingService{
			Name: b.Name, Type: b.Type, Image: b.Image, Port: b.Port, Volume: b.Volume,
			DataPath: b.DataPath, Command: b.Command, Container: b.Container, Secrets: b.Secrets,
		}
		out = append(out, sb)
		if len(out) == 1 {
			dep.out.header(ctx, "Starting backing services")
		}
		name := containerName(dep.p.App, b.Name)
		existing, err := d.Runtime.List(ctx, map[string]string{runtime.LabelApp: dep.p.App, runtime.LabelService: b.Name, runtime.LabelKind: "backing"})
		if err != nil {
			return nil, err
		}
		var c runtime.Container
		if len(existing) > 0 && existing[0].Running {
			c = existing[0]
			dep.out.info(ctx, "%s: running (%s)", b.Name, b.Image)
		} else {
			for _, e := range existing {
				if err := d.Runtime.Remove(ctx, e.ID); err != nil {
					return nil, err
				}
			}
			ok, err := d.Runtime.ImageExists(ctx, b.Image)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("backing service %s needs the image %s, which is not on this machine (docker pull %s, or point backing_images.%s at an image you have)", b.Name, b.Image, b.Image, b.Type)
			}
			env, err := d.resolve(ctx, dep.p.App, b.Container)
			if err != nil {
				return nil, err
			}
			spec := runtime.ContainerSpec{
				Name: name, Image: b.Image, Cmd: b.Command, Env: env, Network: dep.network, Aliases: []string{b.Name},
				Labels: map[string]string{
					runtime.LabelApp: dep.p.App, runtime.LabelService: b.Name, runtime.LabelKind: "backing",
				},
				KeepCaps: backingCaps, PidsLimit: 1024,
			}
			if b.Volume != "" && b.DataPath != "" {
				spec.Mounts = []runtime.Mount{{Volume: "kyozo-" + dep.p.App + "-" + b.Volume, Target: b.DataPath}}
			}
			if c, err = d.Runtime.Run(ctx, spec); err != nil {
				return nil, fmt.Errorf("starting backing service %s: %w", b.Name, err)
			}
			dep.out.info(ctx, "%s: started %s", b.Name, b.Image)
		}
		if c.IP != "" && b.Port > 0 {
			hctx, cancel := context.WithTimeout(ctx, time.Duration(d.Config.HealthTimeout))
			err := health.Wait(hctx, health.Check{Addr: net.JoinHostPort(c.IP, strconv.Itoa(b.Port))}, 250*time.Millisecond, d.alive(ctx, c.ID))
			cancel()
			if err != nil {
				return nil, fmt.Errorf("backing service %s did not accept connections on port %d: %w", b.Name, b.Port, err)
			}
		}
	}
	return out, nil
}

// resolve replaces ${SECRET} references with the app's generated secrets.
func (d *Deployer) resolve(ctx context.Context, app string, env map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(env))
	for k, v := range env {
		var err error
		out[k] = expandSecrets(v, func(name string) string {
			s, e := d.Store.Secret(ctx, app, name, newSecret)
			if e != nil {
				err = e
			}
			return s
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func expandSecrets(v string, get func(string) string) string {
	var b strings.Builder
	for {
		i := strings.Index(v, "${")
		j := strings.IndexByte(v[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(v)
			return b.String()
		}
		b.WriteString(v[:i])
		b.WriteString(get(v[i+2 : i+j]))
		v = v[i+j+1:]
	}
}

// newSecret makes a password safe in a URL without escaping.
func newSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func containerName(app, service string) string { return "kyozo-" + app + "-" + service }

// rollout starts the new containers of every service, level by level in
// start order, and waits until each is healthy. An unchanged service whose
// containers run keeps them.
func (d *Deployer) rollout(ctx context.Context, dep *deployment) error {
	dep.out.header(ctx, "Starting the new release")
	backingEnv := map[string]map[string]string{}
	for _, b := range dep.topo.BackingServices {
		for _, user := range b.UsedBy {
			if backingEnv[user] == nil {
				backingEnv[user] = map[string]string{}
			}
			for k, v := range b.Env {
				backingEnv[user][k] = v
			}
		}
	}
	level := map[string]int{}
	for i, names := range dep.topo.StartOrder {
		for _, n := range names {
			level[n] = i
		}
	}
	for i := 0; i < len(dep.plans); {
		j := i
		for j < len(dep.plans) && level[dep.plans[j].svc.Name] == level[dep.plans[i].svc.Name] {
			j++
		}
		if err := d.cancelled(ctx, dep); err != nil {
			return err
		}
		if err := d.startLevel(ctx, dep, dep.plans[i:j], backingEnv); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// startLevel starts the services of one start level together and waits
// for all of them.
func (d *Deployer) startLevel(ctx context.Context, dep *deployment, plans []*servicePlan, backingEnv map[string]map[string]string) error {
	type started struct {
		sp *servicePlan
		c  runtime.Container
	}
	var run []started
	for _, sp := range plans {
		s := sp.svc
		if keep := d.carryOver(ctx, dep, sp, backingEnv[s.Name]); keep != nil {
			sp.containers = keep
			dep.out.info(ctx, "%s: unchanged, keeps running", s.Name)
			continue
		}
		env := map[string]string{}
		for k, v := range backingEnv[s.Name] {
			env[k] = v
		}
		env, err := d.resolve(ctx, dep.p.App, env)
		if err != nil {
			return err
		}
		if s.Port > 0 {
			env["PORT"] = strconv.Itoa(s.Port)
		}
		spec := runtime.ContainerSpec{
			Name:    fmt.Sprintf("%s-%s", containerName(dep.p.App, s.Name), jobSuffix(dep.p.JobID)),
			Image:   sp.image,
			Cmd:     sp.command,
			Env:     env,
			Network: dep.network,
			Aliases: []string{s.Name},
			Labels: map[string]string{
				runtime.LabelApp: dep.p.App, runtime.LabelService: s.Name, runtime.LabelRelease: dep.p.JobID,
				runtime.LabelKind: "service", "kyozo.fingerprint": sp.fingerprint,
			},
			MemoryMB:  max(s.Resources.MemoryMB, 64),
			CPUs:      s.Resources.CPUs,
			PidsLimit: 512,
		}
		if s.Port > 0 && s.Port < 1024 {
			spec.KeepCaps = []string{"NET_BIND_SERVICE"}
		}
		if s.Kind == topology.KindJob {
			spec.Restart = "no"
		}
		c, err := d.Runtime.Run(ctx, spec)
		if err != nil {
			if errors.Is(err, runtime.ErrImageNotFound) {
				return fmt.Errorf("service %s: image %s is gone: %w", s.Name, sp.image, err)
			}
			return fmt.Errorf("starting %s: %w", s.Name, err)
		}
		dep.started = append(dep.started, c.ID)
		sp.containers = []string{c.ID}
		run = append(run, started{sp, c})
	}
	// Wait for all of the level at once: a slow service does not delay
	// the checks of the others.
	errs := make([]error, len(run))
	var wg sync.WaitGroup
	for i, r := range run {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.waitReady(ctx, dep, r.sp, r.c)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// carryOver returns the running containers of the previous release for a
// service whose image and settings did not change, or nil.
func (d *Deployer) carryOver(ctx context.Context, dep *deployment, sp *servicePlan, links map[string]string) []string {
	if dep.prev == nil || !sp.reuse {
		return nil
	}
	prev, ok := dep.prev.Services[sp.svc.Name]
	if !ok || len(prev.Containers) == 0 || prev.Image != sp.image || prev.Port != sp.svc.Port || !sameEnv(prev.Env, links) ||
		strings.Join(prev.Command, "\x00") != strings.Join(sp.command, "\x00") || prev.Kind == string(topology.KindJob) {
		return nil
	}
	var ids []string
	for _, id := range prev.Containers {
		c, err := d.Runtime.Inspect(ctx, id)
		if err != nil || !c.Running {
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

func sameEnv(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// waitReady is the health gate of one new container: an HTTP check of its
// health path, else a TCP connect to its port; a worker must still run
// after the settle time; a job must exit 0.
func (d *Deployer) waitReady(ctx context.Context, dep *deployment, sp *servicePlan, c runtime.Container) error {
	s := sp.svc
	start := time.Now()
	hctx, cancel := context.WithTimeout(ctx, time.Duration(d.Config.HealthTimeout))
	defer cancel()
	switch {
	case s.Kind == topology.KindJob:
		dep.out.info(ctx, "%s: running %s", s.Name, s.StartCommand)
		if err := d.waitExit(hctx, c.ID); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		dep.out.info(ctx, "%s: finished in %s", s.Name, seconds(time.Since(start)))
		return nil
	case s.Port > 0:
		check := health.Check{Addr: net.JoinHostPort(c.IP, strconv.Itoa(s.Port))}
		what := "port " + strconv.Itoa(s.Port)
		if s.HealthCheck != nil && s.Kind == topology.KindWeb {
			check.Path = s.HealthCheck.Path
			what = "GET " + s.HealthCheck.Path
		}
		dep.out.info(ctx, "%s: waiting for %s on %s", s.Name, what, check.Addr)
		if err := health.Wait(hctx, check, 250*time.Millisecond, d.alive(ctx, c.ID)); err != nil {
			return fmt.Errorf("%s did not become healthy within %s (%s): %w%s", s.Name, d.Config.HealthTimeout, what, err, d.lastLogs(ctx, c.ID))
		}
		dep.out.info(ctx, "%s: healthy in %s", s.Name, seconds(time.Since(start)))
		return nil
	default:
		settle := time.Duration(d.Config.WorkerSettle)
		dep.out.info(ctx, "%s: checking it keeps running for %s", s.Name, settle)
		select {
		case <-time.After(settle):
		case <-hctx.Done():
			return ErrCancelled
		}
		if err := d.alive(ctx, c.ID)(); err != nil {
			return fmt.Errorf("%s: %w%s", s.Name, err, d.lastLogs(ctx, c.ID))
		}
		dep.out.info(ctx, "%s: running", s.Name)
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

// jobSuffix is a short, unique part of a job id for container names.
func jobSuffix(id string) string {
	id = strings.ReplaceAll(id, "-", "")
	if len(id) > 10 {
		return id[len(id)-10:]
	}
	return id
}
