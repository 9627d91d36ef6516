// JavaScript workspaces, for the Node detector: the members a root
// declares (package.json workspaces, pnpm-workspace.yaml, lerna.json, Nx,
// moon; turbo.json names the tool), the workspace a folder belongs to, and
// whether a root is an application of its own or only gathers members.

package stacks

import (
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// jsWorkspace is a JavaScript workspace root and its members.
type jsWorkspace struct {
	dir         string
	pkg         *manifest.PackageJSON
	Members     []string // tree paths, sorted
	declared    bool     // the root declares members, even if none exist yet
	tool        string   // turbo, nx, moon, lerna or ""
	toolFile    string
	lernaClient string
	sources     []string // files that declare members
	globs       []string
	negations   []string
	sourceDirs  []string // moon's named project folders
}

// readJSWorkspace reads the workspace a folder declares: package.json
// workspaces, pnpm-workspace.yaml, lerna.json, Nx (project.json folders),
// moon (.moon/workspace.yml); turbo.json only names the tool. It returns
// nil when the folder declares no workspace.
func readJSWorkspace(c *Context, dir string, pkg *manifest.PackageJSON) *jsWorkspace {
	d := c.Tree.Dir(dir)
	if d == nil {
		return nil
	}
	w := &jsWorkspace{dir: dir, pkg: pkg}
	if pkg == nil && d.Has("package.json") {
		if data, err := c.ReadPath(d.Join("package.json")); err == nil {
			w.pkg, _ = manifest.ParsePackageJSON(data)
		}
	}
	if w.pkg != nil && len(w.pkg.Workspaces) > 0 {
		w.addGlobs(w.pkg.Workspaces)
		w.sources = append(w.sources, d.Join("package.json"))
	}
	if d.Has("pnpm-workspace.yaml") {
		if data, err := c.ReadPath(d.Join("pnpm-workspace.yaml")); err == nil {
			if pw, _ := manifest.ParsePnpmWorkspace(data); pw != nil {
				w.addGlobs(pw.Packages)
			}
		}
		w.sources = append(w.sources, d.Join("pnpm-workspace.yaml"))
	}
	if d.Has("lerna.json") {
		if data, err := c.ReadPath(d.Join("lerna.json")); err == nil {
			if l, _ := manifest.ParseLernaJSON(data); l != nil {
				w.addGlobs(l.Packages)
				w.lernaClient = l.NpmClient
				if len(l.Packages) > 0 {
					w.sources = append(w.sources, d.Join("lerna.json"))
				}
			}
		}
		w.tool, w.toolFile = "lerna", d.Join("lerna.json")
	}
	moon := tree.Join(dir, ".moon/workspace.yml")
	if c.Tree.Exists(moon) {
		if data, err := c.ReadPath(moon); err == nil {
			if m, _ := manifest.ParseMoonWorkspace(data); m != nil {
				w.addGlobs(m.Globs)
				for _, k := range slices.Sorted(maps.Keys(m.Sources)) {
					if p := jsRelFile(m.Sources[k]); p != "" {
						w.sourceDirs = append(w.sourceDirs, tree.Join(dir, p))
					}
				}
			}
		}
		w.sources = append(w.sources, moon)
		w.tool, w.toolFile = "moon", moon
	}
	nx := d.Has("nx.json")
	if nx {
		w.tool, w.toolFile = "nx", d.Join("nx.json")
		w.sources = append(w.sources, d.Join("nx.json"))
	}
	if d.Has("turbo.json") {
		w.tool, w.toolFile = "turbo", d.Join("turbo.json")
	}
	if len(w.sources) == 0 {
		return nil
	}
	w.declared = true
	w.expand(c, nx)
	return w
}

func (w *jsWorkspace) addGlobs(globs []string) {
	for _, g := range globs {
		neg := strings.HasPrefix(g, "!")
		g = strings.TrimPrefix(g, "!")
		g = strings.TrimPrefix(strings.TrimSpace(g), "./")
		g = strings.TrimSuffix(strings.TrimSuffix(g, "/package.json"), "/")
		if g == "" || strings.HasPrefix(g, "/") || strings.HasPrefix(g, "../") || strings.Count(g, "**") > 4 {
			continue
		}
		if neg {
			w.negations = append(w.negations, g)
		} else {
			w.globs = append(w.globs, g)
		}
	}
}

// expand lists the member folders: folders below the root matching a glob
// and no negation that hold a package.json (moon also takes a moon.yml,
// Nx takes every project.json folder). Globs are walked segment by
// segment, so "apps/*" visits apps/ and its children, not the whole tree.
func (w *jsWorkspace) expand(c *Context, nx bool) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p == w.dir || seen[p] {
			return
		}
		seen[p] = true
		d := c.Tree.Dir(p)
		if d == nil {
			return
		}
		ok := d.Has("package.json") || w.tool == "moon" && d.Has("moon.yml") ||
			nx && d.Has("project.json") || slices.Contains(w.sourceDirs, p) && (d.Has("moon.yml") || d.Has("project.json"))
		if !ok {
			return
		}
		rel := Rel(w.dir, p)
		for _, g := range w.negations {
			if jsGlobMatch(g, rel) {
				return
			}
		}
		out = append(out, p)
	}
	for _, g := range w.globs {
		walkGlob(c, w.dir, strings.Split(g, "/"), map[string]bool{}, add)
	}
	for _, p := range w.sourceDirs {
		add(p)
	}
	if nx {
		for _, d := range c.Tree.Dirs() {
			if d.Has("project.json") && (w.dir == "." || strings.HasPrefix(d.Path, w.dir+"/")) {
				add(d.Path)
			}
		}
	}
	slices.Sort(out)
	w.Members = out
}

// walkGlob calls found for every walked folder below dir that the glob
// segments reach; visited keeps "**" from walking a folder twice for the
// same remaining pattern.
func walkGlob(c *Context, dir string, segs []string, visited map[string]bool, found func(string)) {
	if len(segs) == 0 {
		found(dir)
		return
	}
	key := dir + "\x00" + strconv.Itoa(len(segs))
	if visited[key] {
		return
	}
	visited[key] = true
	d := c.Tree.Dir(dir)
	if d == nil {
		return
	}
	seg := segs[0]
	switch {
	case seg == "**":
		rest := segs[1:]
		for len(rest) > 0 && rest[0] == "**" {
			rest = rest[1:]
		}
		walkGlob(c, dir, rest, visited, found)
		for _, sub := range d.Dirs {
			walkGlob(c, tree.Join(dir, sub), segs, visited, found)
		}
	case !strings.ContainsAny(seg, "*?[\\"):
		if d.HasDir(seg) {
			walkGlob(c, tree.Join(dir, seg), segs[1:], visited, found)
		}
	default:
		for _, sub := range d.Dirs {
			if ok, err := path.Match(seg, sub); err == nil && ok {
				walkGlob(c, tree.Join(dir, sub), segs[1:], visited, found)
			}
		}
	}
}

// relMembers returns the members relative to dir.
func (w *jsWorkspace) relMembers(dir string) []string {
	var out []string
	for _, m := range w.Members {
		out = append(out, Rel(dir, m))
	}
	return out
}

// jsGlobMatch matches a slash-separated path against a workspace glob,
// where "**" spans any number of folders.
func jsGlobMatch(pattern, p string) bool {
	return globSegments(strings.Split(pattern, "/"), strings.Split(p, "/"))
}

func globSegments(ps, ss []string) bool {
	for len(ps) > 0 {
		if ps[0] == "**" {
			for len(ps) > 1 && ps[1] == "**" {
				ps = ps[1:]
			}
			for i := 0; i <= len(ss); i++ {
				if globSegments(ps[1:], ss[i:]) {
					return true
				}
			}
			return false
		}
		if len(ss) == 0 {
			return false
		}
		if ok, err := path.Match(ps[0], ss[0]); err != nil || !ok {
			return false
		}
		ps, ss = ps[1:], ss[1:]
	}
	return len(ss) == 0
}

// findEnclosingWorkspace returns the workspace the folder is a member of:
// the engine's c.Workspace when it names another folder, else the nearest
// folder above that declares this one a member.
func findEnclosingWorkspace(c *Context) *jsWorkspace {
	if c.Workspace != "" && c.Workspace != c.Dir.Path {
		if w := readJSWorkspace(c, c.Workspace, nil); w != nil {
			return w
		}
		// A shared lockfile there without a workspace declaration (the
		// engine knows the workspace from elsewhere).
		if d := c.Tree.Dir(c.Workspace); d != nil && d.Has("package.json") && d.First(jsLockfileNames()...) != "" {
			return &jsWorkspace{dir: c.Workspace, pkg: jsReadPackage(c, d.Join("package.json"))}
		}
	}
	for _, d := range c.Up()[1:] {
		if d.First("package.json", "pnpm-workspace.yaml", "nx.json", "lerna.json") == "" && !c.Tree.Exists(d.Join(".moon/workspace.yml")) {
			continue
		}
		if w := readJSWorkspace(c, d.Path, nil); w != nil && slices.Contains(w.Members, c.Dir.Path) {
			return w
		}
	}
	return nil
}

// rootHasOwnApp reports whether a workspace root is itself an application
// beside its members.
func (s *nodeScan) rootHasOwnApp(fw, script string) bool {
	if script != "" && !delegatesToMembers(s.pkg.Script(script)) {
		return true
	}
	if fw == "" {
		return false
	}
	// Tooling hoisted to the root (vite for vitest, a framework for a
	// shared config) lives in devDependencies; an app's framework is a
	// dependency, or has its sources here.
	for _, f := range nodeFrameworks {
		if f.name == fw {
			for _, d := range f.deps {
				if _, ok := s.pkg.Dependencies[d]; ok {
					return true
				}
			}
		}
	}
	d := s.c.Dir
	switch fw {
	case "vite":
		return d.Has("index.html")
	case "angular":
		return d.Has("angular.json")
	case "next":
		return d.HasDir("pages") || d.HasDir("app")
	}
	return false
}

// delegatesToMembers reports whether a root's script only runs the members'
// scripts (turbo, nx, lerna, pnpm -r …): the root has no server of its own.
func delegatesToMembers(script string) bool {
	for _, cmd := range scriptCommands(script) {
		f := strings.Fields(cmd)
		switch f[0] {
		case "turbo", "nx", "lerna", "concurrently", "npm-run-all", "run-p", "run-s", "moon", "wsrun", "ultra":
			return true
		}
		for _, a := range f[1:] {
			switch a {
			case "-r", "--recursive", "--filter", "-F", "-w", "--workspace", "--workspaces", "workspace", "workspaces":
				return true
			}
			if strings.HasPrefix(a, "--filter=") || strings.HasPrefix(a, "--workspace=") {
				return true
			}
		}
	}
	return false
}
