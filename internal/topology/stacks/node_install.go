// How a Node package installs, for the Node detector: the package manager
// (packageManager field, lockfiles, hints) and its pinned version, the Node
// or Bun version, and the build context and files the image copies before
// the install.

package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// nodeLockfiles are the lockfiles of each package manager, in the order a
// folder holding several is resolved.
var nodeLockfiles = []struct{ file, pm string }{
	{"bun.lock", "bun"}, {"bun.lockb", "bun"},
	{"pnpm-lock.yaml", "pnpm"},
	{"yarn.lock", "yarn"},
	{"package-lock.json", "npm"}, {"npm-shrinkwrap.json", "npm"},
}

func jsLockfileNames() []string {
	out := make([]string, len(nodeLockfiles))
	for i, l := range nodeLockfiles {
		out[i] = l.file
	}
	return out
}

// packageManager works out who installs the folder: the packageManager
// field, then a lockfile in the folder or the workspace root, then hints.
func (s *nodeScan) packageManager() nodePM {
	c, r, pkg := s.c, s.r, s.pkg
	var pm nodePM
	pkgPath := c.Path("package.json")
	declared, version := pkg.Manager()
	declaredIn := pkgPath
	if declared == "" && s.ws != nil && s.ws.pkg != nil {
		declared, version = s.ws.pkg.Manager()
		declaredIn = tree.Join(s.ws.dir, "package.json")
	}
	dirs := []string{c.Dir.Path}
	if s.ws != nil {
		dirs = append(dirs, s.ws.dir)
	}
	lockPM := ""
	for _, d := range dirs {
		dd := c.Tree.Dir(d)
		if dd == nil {
			continue
		}
		for _, l := range nodeLockfiles {
			if dd.Has(l.file) {
				pm.lockfile, lockPM = dd.Join(l.file), l.pm
				break
			}
		}
		if pm.lockfile != "" {
			break
		}
	}
	switch {
	case declared != "":
		pm.name, pm.version = declared, version
		r.Because(declaredIn, "packageManager field")
		if lockPM != "" && lockPM != declared {
			r.Warn(pm.lockfile, 0, "packageManager says "+declared+" but the lockfile is "+lockPM+"'s; installing with "+declared)
			pm.lockfile = ""
		}
	case lockPM != "":
		pm.name = lockPM
		r.Because(pm.lockfile, lockPM+" lockfile")
	default:
		pm.name = s.pmHint()
	}
	if pm.name == "yarn" {
		pm.berry = s.yarnBerry(pm)
		if pm.berry {
			r.Set("yarn", "berry")
		}
	}
	if pm.version == "" {
		pm.version = s.pinnedPMVersion(pm.name)
	}
	if pm.version != "" {
		r.Set("pm_version", pm.version)
	}
	r.PackageManager = pm.name
	return pm
}

// pmHint guesses the package manager of a folder without a lockfile or a
// packageManager field.
func (s *nodeScan) pmHint() string {
	c, r, pkg := s.c, s.r, s.pkg
	if c.Has("bunfig.toml") {
		r.Because(c.Path("bunfig.toml"), "bunfig.toml")
		return "bun"
	}
	for _, name := range []string{"start", "dev", "build"} {
		if cmds := scriptCommands(pkg.Script(name)); len(cmds) > 0 && (strings.HasPrefix(cmds[0], "bun ") || strings.HasPrefix(cmds[0], "bunx ")) {
			r.Because(c.Path("package.json"), name+" script runs bun")
			return "bun"
		}
	}
	if pkg.Has("@types/bun") || pkg.Has("bun-types") {
		r.Because(c.Path("package.json"), "bun types in dependencies")
		return "bun"
	}
	if s.ws != nil {
		if dd := c.Tree.Dir(s.ws.dir); dd != nil && dd.Has("pnpm-workspace.yaml") {
			r.Because(dd.Join("pnpm-workspace.yaml"), "pnpm workspace")
			return "pnpm"
		}
	}
	if c.Has("pnpm-workspace.yaml") {
		r.Because(c.Path("pnpm-workspace.yaml"), "pnpm workspace")
		return "pnpm"
	}
	for _, w := range []*jsWorkspace{s.own, s.ws} {
		if w != nil && slices.Contains([]string{"npm", "yarn", "pnpm"}, w.lernaClient) {
			r.Because(w.toolFile, "lerna npmClient")
			return w.lernaClient
		}
	}
	// Corepack takes the nearest packageManager field above a package
	// that declares none.
	for _, d := range c.Up()[1:] {
		if !d.Has("package.json") {
			continue
		}
		if p := jsReadPackage(c, d.Join("package.json")); p != nil {
			if name, _ := p.Manager(); name != "" {
				r.Because(d.Join("package.json"), "packageManager field above")
				return name
			}
		}
	}
	if t, _ := s.moonToolchain(); t != nil && slices.Contains([]string{"npm", "pnpm", "yarn", "bun"}, t.PackageManager) {
		return t.PackageManager
	}
	return "npm"
}

// yarnBerry reports whether Yarn 2 or later installs the folder.
func (s *nodeScan) yarnBerry(pm nodePM) bool {
	if pm.version != "" {
		return !strings.HasPrefix(pm.version, "1.") && !strings.HasPrefix(pm.version, "0.")
	}
	for _, d := range s.c.Up() {
		if d.Has(".yarnrc.yml") {
			return true
		}
		if s.ws == nil || d.Path == s.ws.dir {
			break
		}
	}
	if pm.lockfile != "" {
		if data, err := s.c.ReadPath(pm.lockfile); err == nil {
			head := data[:min(len(data), 2048)]
			return strings.Contains(string(head), "__metadata:")
		}
	}
	return false
}

// pinnedPMVersion finds a package manager version pinned by Volta or moon.
func (s *nodeScan) pinnedPMVersion(pm string) string {
	if v := s.pkg.Volta[pm]; v != "" {
		return v
	}
	if s.ws != nil && s.ws.pkg != nil && s.ws.pkg.Volta[pm] != "" {
		return s.ws.pkg.Volta[pm]
	}
	if t, _ := s.moonToolchain(); t != nil && t.PackageManager == pm && t.ManagerVersion != "" {
		return t.ManagerVersion
	}
	return ""
}

// moonToolchain reads .moon/toolchain.yml of the workspace, if any, and
// returns it with its tree path.
func (s *nodeScan) moonToolchain() (t *manifest.MoonToolchain, file string) {
	dir := s.c.Dir.Path
	if s.ws != nil {
		dir = s.ws.dir
	}
	p := tree.Join(dir, ".moon/toolchain.yml")
	if !s.c.Tree.Exists(p) {
		return nil, ""
	}
	data, err := s.c.ReadPath(p)
	if err != nil {
		return nil, ""
	}
	t, _ = manifest.ParseMoonToolchain(data)
	return t, p
}

// runtimeVersion finds the Node version (or Bun's, for a Bun project: its
// image is Bun's).
func (s *nodeScan) runtimeVersion() {
	c, r := s.c, s.r
	var ctxs []*Context
	ctxs = append(ctxs, c)
	if s.ws != nil {
		if d := c.Tree.Dir(s.ws.dir); d != nil {
			ctxs = append(ctxs, &Context{Tree: c.Tree, Dir: d, Workspace: s.ws.dir})
		}
	}
	pkgs := []*manifest.PackageJSON{s.pkg}
	pkgFiles := []string{c.Path("package.json")}
	if s.ws != nil && s.ws.pkg != nil {
		pkgs = append(pkgs, s.ws.pkg)
		pkgFiles = append(pkgFiles, tree.Join(s.ws.dir, "package.json"))
	}
	set := func(v, file, why string) bool {
		if v = strings.TrimSpace(v); v == "" {
			return false
		}
		r.RuntimeVersion = v
		r.Because(file, why)
		return true
	}
	if s.pm.name == "bun" {
		if s.pm.version != "" && set(s.pm.version, c.Path("package.json"), "bun version from packageManager") {
			return
		}
		for _, cc := range ctxs {
			if v, f := FirstLine(cc, ".bun-version"); set(v, f, "bun version file") {
				return
			}
		}
		for i, p := range pkgs {
			if set(p.Engines["bun"], pkgFiles[i], "engines.bun") {
				return
			}
		}
		if v, f := ToolVersion(c, "bun"); set(v, f, "bun version pinned") {
			return
		}
		return
	}
	for _, cc := range ctxs {
		if v, f := FirstLine(cc, ".nvmrc", ".node-version"); set(v, f, "node version file") {
			return
		}
	}
	for i, p := range pkgs {
		if set(p.Volta["node"], pkgFiles[i], "node version pinned by volta") {
			return
		}
	}
	for i, p := range pkgs {
		if set(p.Engines["node"], pkgFiles[i], "engines.node") {
			return
		}
	}
	if v, f := ToolVersion(c, "nodejs", "node"); set(v, f, "node version pinned") {
		return
	}
	if t, file := s.moonToolchain(); t != nil && t.NodeVersion != "" {
		set(t.NodeVersion, file, "node version from moon")
	}
}

// buildFiles sets BuildContext and the files copied before the install.
func (s *nodeScan) buildFiles() {
	c, r := s.c, s.r
	if r.WorkspaceOnly {
		return
	}
	var files []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	root := c.Dir.Path
	ownLock := s.pm.lockfile != "" && path.Dir(s.pm.lockfile) == c.Dir.Path
	if s.ws != nil && !ownLock {
		root = s.ws.dir
		r.BuildContext = root
		r.Because(tree.Join(root, "package.json"), "workspace member: built from the workspace root")
	}
	add(s.pm.lockfile)
	add(tree.Join(root, "package.json"))
	rd := c.Tree.Dir(root)
	for _, f := range []string{"pnpm-workspace.yaml", ".npmrc", ".yarnrc", ".yarnrc.yml", "bunfig.toml", ".pnpmfile.cjs"} {
		if rd != nil && rd.Has(f) {
			add(rd.Join(f))
		}
	}
	if rd != nil && rd.Has(".yarnrc.yml") {
		if data, err := c.ReadPath(rd.Join(".yarnrc.yml")); err == nil {
			if rc, _ := manifest.ParseYarnRC(data); rc != nil && rc.YarnPath != "" {
				if p := jsRelFile(rc.YarnPath); p != "" {
					add(tree.Join(root, p))
				}
			}
		}
	}
	if root != c.Dir.Path && s.ws != nil {
		for _, m := range s.ws.Members {
			if c.Tree.Exists(tree.Join(m, "package.json")) {
				add(tree.Join(m, "package.json"))
			}
		}
		add(c.Path("package.json"))
		for _, f := range []string{".npmrc", "bunfig.toml"} {
			if c.Has(f) {
				add(c.Path(f))
			}
		}
	}
	// Files the install itself reads: patches and the Prisma schema the
	// postinstall of @prisma/client generates from.
	addPatches := func(dir string, pkg *manifest.PackageJSON) {
		for _, p := range pkg.PatchedDependencies {
			if cp := jsRelFile(p); cp != "" {
				add(tree.Join(dir, cp))
			}
		}
	}
	addPatches(root, s.pkg)
	if s.ws != nil && s.ws.pkg != nil {
		addPatches(s.ws.dir, s.ws.pkg)
	}
	if s.pkg.Has("patch-package") {
		if d := c.Tree.Dir(c.Path("patches")); d != nil {
			for _, f := range d.WithExt(".patch") {
				add(d.Join(f))
			}
		}
	}
	if s.pkg.Has("prisma") || s.pkg.Has("@prisma/client") {
		if sp := jsRelFile(s.pkg.PrismaSchema); sp != "" && c.Tree.Exists(c.Path(sp)) {
			add(c.Path(sp))
		}
		for _, dir := range []string{"prisma", "prisma/schema"} {
			if d := c.Tree.Dir(c.Path(dir)); d != nil {
				for _, f := range d.WithExt(".prisma") {
					add(d.Join(f))
				}
			}
		}
	}
	r.Lockfiles = files
}
