package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kyozo/kyozo/internal/build"
	"github.com/kyozo/kyozo/internal/metrics"
	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// servicePlan is what the deploy does with one service.
type servicePlan struct {
	svc        *topology.Service
	image      string // the tag it runs
	dockerfile []byte // generated Dockerfile; nil when the repository has one
	// fingerprint hashes everything the image is built from: the files of
	// its watch paths and the Dockerfile. Equal fingerprints, equal images.
	fingerprint string
	reuse       bool     // the previous release's image is used as is
	command     []string // the container's command; nil: the image's
	containers  []string // this release's containers
	hosts       []string // router host names (web services)
}

// planServices decides, for each service, its Dockerfile, image tag and
// whether it must be built.
func (d *Deployer) planServices(ctx context.Context, dep *deployment) error {
	for _, s := range dep.topo.Services {
		sp := &servicePlan{svc: s, image: imageTag(dep.p.App, s.Name, dep.p.Commit)}
		if s.Dockerfile.Source == "generated" {
			text, err := plan.Generate(s, d.Images)
			if err != nil {
				return fmt.Errorf("service %s: cannot generate a Dockerfile: %w (commit a Dockerfile of your own)", s.Name, err)
			}
			sp.dockerfile = []byte(text)
		} else if s.Build.CommandDeclared && s.StartCommand != "" {
			sp.command = plan.CommandArgv(s.StartCommand)
		}
		fp, err := fingerprint(dep.p.Source, s, sp.dockerfile)
		if err != nil {
			return fmt.Errorf("service %s: %w", s.Name, err)
		}
		sp.fingerprint = fp
		if prev, ok := previous(dep, s.Name); ok && prev.Fingerprint == fp {
			if exists, err := d.Runtime.ImageExists(ctx, prev.Image); err == nil && exists {
				sp.image, sp.reuse = prev.Image, true
			}
		}
		if s.Kind == topology.KindWeb || s.Kind == topology.KindStatic {
			sp.hosts = hostsFor(dep.topo, s, dep.p.App, d.Config.Domain)
		}
		dep.plans = append(dep.plans, sp)
	}
	byStartOrder(dep.plans, dep.topo.StartOrder)
	return nil
}

// previous returns how the serving release runs a service.
func previous(dep *deployment, service string) (store.ReleaseService, bool) {
	if dep.prev == nil {
		return store.ReleaseService{}, false
	}
	s, ok := dep.prev.Services[service]
	return s, ok
}

// imageTag names a service's image: kyozo/APP-SERVICE:COMMIT.
func imageTag(app, service, commit string) string {
	tag := commit
	if len(tag) > 12 {
		tag = tag[:12]
	}
	return "kyozo/" + app + "-" + service + ":" + tag
}

// mainService is the service APP.DOMAIN reaches: the one called web (or
// like the app), else the one at the root, else the first web service in
// start order.
func mainService(t *topology.Topology, app string) *topology.Service {
	routable := func(s *topology.Service) bool {
		return (s.Kind == topology.KindWeb || s.Kind == topology.KindStatic) && s.Port > 0
	}
	for _, name := range []string{"web", app, "app", "frontend", "www"} {
		if s := t.Service(name); s != nil && routable(s) {
			return s
		}
	}
	for _, s := range t.Services {
		if s.Path == "." && routable(s) {
			return s
		}
	}
	// The front-most: the last start level's web service.
	for l := len(t.StartOrder) - 1; l >= 0; l-- {
		for _, name := range t.StartOrder[l] {
			if s := t.Service(name); s != nil && routable(s) {
				return s
			}
		}
	}
	return nil
}

// hostsFor returns the host names that reach a web service.
func hostsFor(t *topology.Topology, s *topology.Service, app, domain string) []string {
	hosts := []string{s.Name + "." + app + "." + domain}
	if m := mainService(t, app); m != nil && m.Name == s.Name {
		hosts = append([]string{app + "." + domain}, hosts...)
	}
	return hosts
}

// fingerprint hashes the inputs of a service's image: every file under its
// watch paths (path, mode and content) and the generated Dockerfile.
func fingerprint(root string, s *topology.Service, dockerfile []byte) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "kyozo-fingerprint-v1\x00%s\x00%s\x00", s.BuildContext, s.Dockerfile.Path)
	h.Write(dockerfile)
	paths := slices.Clone(s.WatchPaths)
	if len(paths) == 0 {
		paths = []string{s.BuildContext}
	}
	slices.Sort(paths)
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		err := filepath.WalkDir(full, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if e.IsDir() {
				if e.Name() == ".git" {
					return filepath.SkipDir
				}
				return nil
			}
			info, err := e.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%o\x00", filepath.ToSlash(rel), info.Mode())
			if e.Type()&fs.ModeSymlink != 0 {
				target, _ := os.Readlink(path)
				h.Write([]byte(target))
				return nil
			}
			if !info.Mode().IsRegular() {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(h, f)
			return err
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// buildImages builds every image that changed; the others are reused.
func (d *Deployer) buildImages(ctx context.Context, dep *deployment) error {
	for _, sp := range dep.plans {
		s := sp.svc
		if sp.reuse {
			dep.out.header(ctx, "%s: unchanged since v%d, not rebuilt (%s)", s.Name, dep.prev.Version, sp.image)
			d.Metrics.Build(dep.p.App, metrics.BuildReused, 0)
			d.event(ctx, store.Event{App: dep.p.App, Type: store.EventBuild, Actor: dep.p.Pusher, Job: dep.id, Message: s.Name + " reused " + sp.image})
			continue
		}
		if err := d.cancelled(ctx, dep.jobRun); err != nil {
			return err
		}
		source := "its Dockerfile " + s.Dockerfile.Path
		if sp.dockerfile != nil {
			source = "a generated Dockerfile"
		}
		dep.out.header(ctx, "Building %s from %s", s.Name, source)
		start := time.Now()
		req := build.Request{
			ContextDir: filepath.Join(dep.p.Source, filepath.FromSlash(s.BuildContext)),
			Content:    sp.dockerfile,
			// No labels: the classic builder adds each as a step of its own,
			// an intermediate container apiece (seconds per push, measured).
			// Images are Kyozo's by their kyozo/ name, and the fingerprint
			// is kept with the release.
			Tags: []string{sp.image},
		}
		if sp.dockerfile == nil {
			rel, err := filepath.Rel(filepath.FromSlash(s.BuildContext), filepath.FromSlash(s.Dockerfile.Path))
			if err != nil || strings.HasPrefix(rel, "..") {
				return fmt.Errorf("service %s: its Dockerfile %s is outside its build context %s", s.Name, s.Dockerfile.Path, s.BuildContext)
			}
			req.Dockerfile = filepath.ToSlash(rel)
		}
		bctx, cancel := context.WithTimeout(ctx, time.Duration(d.Config.BuildTimeout))
		_, err := d.Builder.Build(bctx, req, func(line string) {
			if !builderNoise(line) {
				dep.out.info(ctx, "%s", line)
			}
		})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ErrCancelled
			}
			d.Metrics.Build(dep.p.App, metrics.BuildFailed, time.Since(start))
			d.event(ctx, store.Event{App: dep.p.App, Type: store.EventBuild, Actor: dep.p.Pusher, Job: dep.id,
				Message: s.Name + " failed", Error: err.Error(), Duration: time.Since(start).Seconds()})
			return fmt.Errorf("building %s: %w", s.Name, err)
		}
		d.Metrics.Build(dep.p.App, metrics.BuildBuilt, time.Since(start))
		d.event(ctx, store.Event{App: dep.p.App, Type: store.EventBuild, Actor: dep.p.Pusher, Job: dep.id,
			Message: s.Name + " built " + sp.image, Duration: time.Since(start).Seconds()})
		dep.out.info(ctx, "built %s in %s", sp.image, seconds(time.Since(start)))
	}
	return nil
}

// builderNoise is the classic builder's bookkeeping between steps: layer
// ids and intermediate containers, which tell the pusher nothing.
func builderNoise(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "---> ") || strings.HasPrefix(t, "Removing intermediate container") ||
		strings.HasPrefix(t, "Running in ")
}
