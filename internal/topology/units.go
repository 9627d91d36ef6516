package topology

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/topology/stacks"
	"github.com/kyozo/kyozo/internal/tree"
)

// composeFiles are the names compose looks for, in its order of preference.
var composeFiles = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

// ignoredReason says why a folder is not deployed by default, or "".
func ignoredReason(p string) string {
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "examples", "example", "samples", "sample", "demo", "demos":
			return "example project (kyozo detect --include-examples deploys it)"
		case "fixtures", "fixture", "__fixtures__", "testdata":
			return "test fixture"
		case "test", "tests", "__tests__", "e2e", "spec", "cypress", "playwright":
			return "part of a test suite"
		}
	}
	return ""
}

// readCompose parses every compose file and indexes its services by build
// context. Image-only services are kept for backing-service inference.
func (a *analyzer) readCompose() {
	for _, d := range a.t.Dirs() {
		name := d.First(composeFiles...)
		if name == "" || (!a.opts.IncludeExamples && ignoredReason(d.Path) != "") {
			continue
		}
		file := d.Join(name)
		data, err := a.t.ReadFile(file)
		if err != nil {
			a.warn(file, 0, "cannot read: "+err.Error())
			continue
		}
		c, err := manifest.ParseCompose(data)
		if err != nil {
			a.warn(file, manifest.ErrorLine(err), "cannot parse: "+errMsg(err))
			if c == nil {
				continue
			}
		}
		for _, s := range c.Services {
			ref := composeRef{file: file, svc: s}
			if s.Context == "" {
				a.composeBack = append(a.composeBack, ref)
				continue
			}
			ctx, ok := treeJoin(d.Path, s.Context)
			if !ok {
				a.warn(file, 0, fmt.Sprintf("service %q: build context %q is outside the tree or remote; it is not built", s.Name, s.Context))
				continue
			}
			if a.t.Dir(ctx) == nil {
				a.warn(file, 0, fmt.Sprintf("service %q: build context %q does not exist", s.Name, s.Context))
				continue
			}
			ref.ctx = ctx
			a.compose[ctx] = append(a.compose[ctx], ref)
		}
	}
}

// treeJoin joins a relative path to a tree folder; ok is false when the
// result leaves the tree or the path is absolute or remote.
func treeJoin(dir, rel string) (string, bool) {
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "://") || strings.HasPrefix(rel, "git@") {
		return "", false
	}
	p := path.Clean(path.Join(dir, rel))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

func errMsg(err error) string {
	if e, ok := err.(*manifest.Error); ok {
		return e.Msg
	}
	return err.Error()
}

// selectUnits decides which folders are services, libraries, workspace
// roots, ignored or nothing.
func (a *analyzer) selectUnits() {
	isService := map[string]bool{}
	var ignoredUnder []string
	for _, d := range a.t.Dirs() {
		results := a.found[d.Path]
		refs := a.compose[d.Path]
		hasDockerfile := d.Has("Dockerfile")
		hasProcfile := d.Has("Procfile")
		if len(results) == 0 && len(refs) == 0 && !hasDockerfile && !hasProcfile {
			continue
		}
		var primary *stacks.Result
		if len(results) > 0 {
			primary = results[0]
		}
		if reason := ignoredReason(d.Path); reason != "" && !a.opts.IncludeExamples && len(refs) == 0 {
			// One entry per ignored project, not per folder inside it.
			if !underAny(d.Path, ignoredUnder) && (primary == nil || primary.Score >= 0.5 || primary.Library || hasDockerfile) {
				a.ignored = append(a.ignored, Ignored{Path: d.Path, Reason: reason})
				ignoredUnder = append(ignoredUnder, d.Path)
			}
			continue
		}
		overlay := hasDockerfile || hasProcfile || len(refs) > 0
		if primary != nil && !overlay {
			if primary.WorkspaceOnly {
				continue
			}
			if primary.Library {
				a.libs = append(a.libs, &libUnit{dir: d.Path, res: primary})
				continue
			}
		}
		strong := overlay || primary != nil && primary.Score >= 0.5
		// Static files or a script inside a service's folder (its public/,
		// its www/) are that service's, never a service of their own.
		if !overlay && primary != nil && (primary.Language == "static" || primary.Language == "shell") &&
			underAny(d.Path, keys(isService)) {
			if _, member := a.workspaceOf[d.Path]; !member {
				continue
			}
		}
		_, member := a.workspaceOf[d.Path]
		placed := d.Path == "." || member || d.Depth == 1 || stacks.ServiceParent(path.Base(path.Dir(d.Path)))
		if !strong && (!placed || stacks.ToolingDir(path.Base(d.Path)) || underAny(d.Path, keys(isService))) {
			continue
		}
		if primary != nil && (primary.WorkspaceOnly || primary.Library) {
			// A workspace root or library with a Dockerfile or Procfile is
			// deployed by those; its stack is still what it builds with.
			primary.WorkspaceOnly, primary.Library = false, false
		}
		u := unit{dir: d.Path, res: primary, weak: !strong}
		u.assets = assetsOf(primary, results)
		isService[d.Path] = true
		switch {
		case len(refs) > 0:
			for i := range refs {
				v := u
				v.compose = &refs[i]
				a.units = append(a.units, &v)
			}
		case hasProcfile:
			a.units = append(a.units, a.procfileUnits(d, u)...)
		default:
			a.units = append(a.units, &u)
		}
	}
	// A weak hint at the root (a loose index.html, a lone start.sh) is not
	// a service when the tree has real ones.
	if len(a.units) > 1 && a.units[0].dir == "." && a.units[0].weak {
		a.ignored = append(a.ignored, Ignored{Path: ".", Reason: "only a weak " + a.units[0].res.Language + " hint at the root of a tree with services"})
		a.units = a.units[1:]
	}
}

// assetsOf returns a node build living beside another stack (Laravel +
// Vite, Rails + jsbundling): it becomes part of that stack's build.
func assetsOf(primary *stacks.Result, results []*stacks.Result) *stacks.Result {
	if primary == nil || primary.Language == "node" || primary.Language == "deno" || primary.Language == "static" {
		return nil
	}
	for _, r := range results[1:] {
		if r.Language == "node" && r.Build != "" {
			return r
		}
	}
	return nil
}

// procfileUnits makes one unit per Procfile process type.
func (a *analyzer) procfileUnits(d *tree.Dir, u unit) []*unit {
	file := d.Join("Procfile")
	data, err := a.t.ReadFile(file)
	if err != nil {
		a.warn(file, 0, "cannot read: "+err.Error())
		return []*unit{&u}
	}
	procs, err := manifest.ParseProcfile(data)
	if err != nil {
		a.warn(file, manifest.ErrorLine(err), "cannot parse: "+errMsg(err))
	}
	if len(procs) == 0 {
		return []*unit{&u}
	}
	// web first: it keeps the folder's name.
	slices.SortStableFunc(procs, func(x, y manifest.Process) int {
		switch {
		case x.Type == "web" && y.Type != "web":
			return -1
		case y.Type == "web" && x.Type != "web":
			return 1
		}
		return 0
	})
	var out []*unit
	for i := range procs {
		v := u
		v.proc = &procs[i]
		out = append(out, &v)
	}
	return out
}

func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if d == "." || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
