package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kyozo/kyozo/internal/health"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// backingCaps are the capabilities official database and broker images
// need: their entrypoints chown the data folder and drop to their own user.
var backingCaps = []string{"CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER"}

// startBacking makes sure every backing service runs, with its volume and
// credentials, before the services that use it start. Backing services
// outlive releases: one that runs is left as it is, and its volume
// survives redeploys, rollbacks and (unless purged) the app itself.
func (d *Deployer) startBacking(ctx context.Context, job *jobRun, backing []store.BackingService) error {
	for i, b := range backing {
		if i == 0 {
			job.out.header(ctx, "Starting backing services")
		}
		existing, err := d.Runtime.List(ctx, map[string]string{runtime.LabelApp: job.app, runtime.LabelService: b.Name, runtime.LabelKind: "backing"})
		if err != nil {
			return err
		}
		var c runtime.Container
		if len(existing) > 0 && existing[0].Running {
			c = existing[0]
			job.out.info(ctx, "%s: running (%s)", b.Name, b.Image)
		} else {
			for _, e := range existing {
				if err := d.Runtime.Remove(ctx, e.ID); err != nil {
					return err
				}
			}
			ok, err := d.Runtime.ImageExists(ctx, b.Image)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("backing service %s needs the image %s, which is not on this machine (docker pull %s, or point backing_images.%s at an image you have)", b.Name, b.Image, b.Image, b.Type)
			}
			env, err := d.resolve(ctx, job.app, b.Container)
			if err != nil {
				return err
			}
			spec := runtime.ContainerSpec{
				Name: containerName(job.app, b.Name), Image: b.Image, Cmd: b.Command, Env: env,
				Network: job.network, Aliases: []string{b.Name},
				Labels: map[string]string{
					runtime.LabelApp: job.app, runtime.LabelService: b.Name, runtime.LabelKind: "backing",
				},
				KeepCaps: backingCaps, PidsLimit: 1024,
			}
			if b.Volume != "" && b.DataPath != "" {
				spec.Mounts = []runtime.Mount{{Volume: VolumeName(job.app, b.Volume), Target: b.DataPath}}
			}
			if c, err = d.Runtime.Run(ctx, spec); err != nil {
				return fmt.Errorf("starting backing service %s: %w", b.Name, err)
			}
			job.out.info(ctx, "%s: started %s", b.Name, b.Image)
		}
		if c.IP != "" && b.Port > 0 {
			hctx, cancel := context.WithTimeout(ctx, time.Duration(d.Config.HealthTimeout))
			err := health.Wait(hctx, health.Check{Addr: net.JoinHostPort(c.IP, strconv.Itoa(b.Port))}, 250*time.Millisecond, d.alive(ctx, c.ID))
			cancel()
			if err != nil {
				return fmt.Errorf("backing service %s did not accept connections on port %d: %w", b.Name, b.Port, err)
			}
		}
	}
	return nil
}

// VolumeName is the Docker volume of a backing service's data.
func VolumeName(app, volume string) string { return "kyozo-" + app + "-" + volume }

// resolve replaces ${SECRET} references with the app's generated secrets,
// stored sealed.
func (d *Deployer) resolve(ctx context.Context, app string, env map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(env))
	for k, v := range env {
		var err error
		out[k] = expandSecrets(v, func(name string) string {
			s, e := d.secret(ctx, app, name)
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

// secret returns a generated credential of the app, creating it once.
func (d *Deployer) secret(ctx context.Context, app, name string) (string, error) {
	stored, err := d.Store.Secret(ctx, app, name, func() (string, error) {
		v, err := newSecret()
		if err != nil || d.Box == nil {
			return v, err
		}
		return d.Box.Seal(v)
	})
	if err != nil || d.Box == nil {
		return stored, err
	}
	return d.Box.Open(stored)
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

// randomSuffix tells replicas of one job apart.
func randomSuffix() string {
	b := make([]byte, 2)
	rand.Read(b)
	return hex.EncodeToString(b)
}
