package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/topology"
)

// detectCmd is `kyozo detect [DIR]`: the topology analysis a push runs,
// offline.
type detectCmd struct {
	format          string
	out             string
	includeExamples bool
	images          imageFlags
}

// imageFlags collects repeated --image KEY=REF overrides.
type imageFlags map[string]string

func (f *imageFlags) String() string { return "" }

func (f *imageFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return fmt.Errorf("--image wants KEY=REF, got %q", s)
	}
	if *f == nil {
		*f = imageFlags{}
	}
	(*f)[k] = v
	return nil
}

func (*detectCmd) name() string { return "detect" }
func (*detectCmd) summary() string {
	return "analyse a folder: services, stacks, ports, dependencies, build plan"
}

func (d *detectCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&d.format, "format", "text", "output: text, json, compose or dockerfiles")
	fs.StringVar(&d.out, "out", "", "folder to write compose or Dockerfiles to (dockerfiles default: DIR/.kyozo)")
	fs.BoolVar(&d.includeExamples, "include-examples", false, "treat example and test-fixture projects as services")
	fs.Var(&d.images, "image", "override a base image, KEY=REF (repeatable; keys as in the images config)")
}

func (d *detectCmd) run(ctx context.Context, env *Env, cfg *config.Config, args []string) error {
	if len(args) > 1 {
		return usageError("one folder at most, got %d arguments", len(args))
	}
	switch d.format {
	case "text", "json", "compose", "dockerfiles":
	default:
		return usageError("--format must be text, json, compose or dockerfiles, not %q", d.format)
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if st, err := os.Stat(abs); err != nil {
		return err
	} else if !st.IsDir() {
		return usageError("%s is not a folder", dir)
	}
	images := plan.DefaultImages().With(cfg.Images).With(d.images)
	for k := range d.images {
		if _, ok := plan.DefaultImages()[k]; !ok {
			return usageError("--image: unknown key %q", k)
		}
	}
	topo, err := topology.Analyze(ctx, abs, topology.Options{
		RootName:        filepath.Base(abs),
		IncludeExamples: d.includeExamples,
		BackingImages:   cfg.BackingImages,
	})
	if err != nil {
		return err
	}
	topo.Root = dir
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	switch d.format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(topo)
	case "text":
		return topology.WriteText(w, topo)
	case "compose":
		return d.writeCompose(w, env, abs, topo, images)
	default:
		return d.writeDockerfiles(w, abs, topo, images)
	}
}

func (d *detectCmd) writeCompose(w *bufio.Writer, env *Env, root string, topo *topology.Topology, images plan.Images) error {
	opts := plan.ComposeOptions{}
	if d.out != "" {
		out, err := filepath.Abs(d.out)
		if err != nil {
			return err
		}
		opts = plan.ComposeOptions{Root: root, Dir: out, DockerfileDir: ".kyozo"}
	}
	data, err := plan.Compose(topo, opts)
	if err != nil {
		return err
	}
	if d.out == "" {
		_, err = w.Write(data)
		return err
	}
	files, err := writeGenerated(topo, images, filepath.Join(opts.Dir, ".kyozo"))
	if err != nil {
		return err
	}
	p := filepath.Join(opts.Dir, "docker-compose.yml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(w, p)
	for _, f := range files {
		fmt.Fprintln(w, f)
	}
	return nil
}

func (d *detectCmd) writeDockerfiles(w *bufio.Writer, root string, topo *topology.Topology, images plan.Images) error {
	out := d.out
	if out == "" {
		out = filepath.Join(root, ".kyozo")
	}
	files, err := writeGenerated(topo, images, out)
	for _, f := range files {
		fmt.Fprintln(w, f)
	}
	return err
}

// writeGenerated writes a Dockerfile for every service without its own.
func writeGenerated(topo *topology.Topology, images plan.Images, dir string) ([]string, error) {
	var written []string
	var errs []error
	for _, s := range topo.Services {
		if s.Dockerfile.Source != "generated" {
			continue
		}
		text, err := plan.Generate(s, images)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return written, err
		}
		p := filepath.Join(dir, filepath.Base(topology.GeneratedDockerfile(s.Name)))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, errors.Join(errs...)
}
