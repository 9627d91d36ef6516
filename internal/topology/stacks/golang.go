package stacks

import (
	"bytes"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// Go detects Go modules and the main packages inside them.
//
// A folder holding a main package is a service whether it is the module root
// or a cmd/<name> below it; its image is built from the module root (or the
// go.work root that lists the module), so Target is the package path
// relative to where `go build` runs ("./cmd/api", or "." at the root).
// A module root without a main of its own is a WorkspaceOnly root when mains
// live below it, and a Library otherwise.
//
// Extra keys, read by plan.genGo:
//   - "binary": the executable's name (the package folder's name, or the
//     module path's last element for a main at the module root).
//   - "module-dir": where `go mod download` and `go build` run, relative to
//     the build context ("." unless the context is widened to take in
//     directories that replace directives point to).
//   - "go-work": "1" when the build uses a go.work (workspace mode); else the
//     generated image sets GOWORK=off.
type Go struct{}

// Name implements Detector.
func (Go) Name() string { return "go" }

// goFrameworks are the HTTP frameworks Kyozo names, by module path prefix.
var goFrameworks = []struct {
	name, module string
	port         int
}{
	{"gin", "github.com/gin-gonic/gin", 8080}, // gin's Run() listens on :8080
	{"echo", "github.com/labstack/echo", 0},
	{"fiber", "github.com/gofiber/fiber", 0},
	{"chi", "github.com/go-chi/chi", 0},
}

// goServerCalls are source fragments that mean a main package serves HTTP
// (or gRPC) itself.
var goServerCalls = []string{"ListenAndServe", "http.Server{", "http.Serve(", ".Serve(lis", ".Serve(listener", ".Serve(ln"}

// goJobNames and goWorkerNames are folder names whose main package runs to
// completion or consumes work without a port when nothing says otherwise.
var (
	goJobNames    = []string{"migrate", "migrations", "migration", "migrator", "seed", "seeder", "seeds", "backfill", "cron", "setup"}
	goWorkerNames = []string{"worker", "workers", "consumer", "consumers", "subscriber", "scheduler", "processor", "poller", "queue"}
	goServerNames = []string{"api", "server", "web", "http", "gateway", "backend", "frontend", "app", "service", "svc", "rest", "httpd"}
)

// Detect implements Detector.
func (Go) Detect(c *Context) *Result {
	switch {
	case c.Has("go.mod"):
		return goModuleRoot(c)
	case c.Has("go.work"):
		return goWorkRoot(c)
	}
	if len(c.Dir.WithExt(".go")) == 0 {
		return nil
	}
	modFile := c.FindUp("go.mod")
	if modFile == "" {
		return nil
	}
	modRoot := path.Dir(modFile)
	if goIgnoredDir(Rel(modRoot, c.Dir.Path)) {
		return nil
	}
	mains := goMainFiles(c, c.Dir.Path)
	if len(mains) == 0 {
		return nil
	}
	r := &Result{Language: "go", PackageManager: "go"}
	mod, penalty := goReadMod(c, r, modFile, false)
	goService(c, r, modRoot, mod, mains)
	r.Score -= penalty
	return r
}

// goModuleRoot handles a folder with a go.mod.
func goModuleRoot(c *Context) *Result {
	r := &Result{Language: "go", PackageManager: "go", SourceExts: []string{".go"}}
	modFile := c.Path("go.mod")
	mod, penalty := goReadMod(c, r, modFile, true)
	defer func() { r.Score = max(r.Score-penalty, 0.1) }()
	r.Name = mod.Module
	r.Because(modFile, "go module")
	if c.Has("go.work") {
		if w := goReadWork(c, r, c.Path("go.work"), true); w != nil {
			r.Members = goWorkMembers(w)
		}
	}
	if mains := goMainFiles(c, c.Dir.Path); len(mains) > 0 {
		goService(c, r, c.Dir.Path, mod, mains)
		return r
	}
	r.Score = 0.5
	below := goMainsBelow(c)
	if len(below) == 0 {
		r.Library = true
		r.Because(modFile, "no main package in the module")
		goVersion(c, r, mod, modFile)
		return r
	}
	r.WorkspaceOnly = true
	for _, m := range goMemberGlobs(below) {
		if !slices.Contains(r.Members, m) {
			r.Members = append(r.Members, m)
		}
	}
	r.Because(modFile, "main packages in "+strings.Join(goMemberGlobs(below), ", ")+", none at the module root")
	goVersion(c, r, mod, modFile)
	return r
}

// goWorkRoot handles a folder with a go.work and no go.mod.
func goWorkRoot(c *Context) *Result {
	r := &Result{Language: "go", PackageManager: "go", Score: 0.5, WorkspaceOnly: true}
	file := c.Path("go.work")
	w := goReadWork(c, r, file, true)
	if w != nil {
		r.Members = goWorkMembers(w)
		if v := w.Toolchain; v != "" {
			r.RuntimeVersion = v
			r.Because(file, "toolchain go"+v+" in go.work")
		} else if w.Go != "" {
			r.RuntimeVersion = w.Go
			r.Because(file, "go "+w.Go+" in go.work")
		}
	}
	r.Because(file, "go.work gathers the modules "+strings.Join(r.Members, ", "))
	return r
}

// goReadMod parses a go.mod and returns how much a malformed one lowers
// the score. At the module root a malformed file is a warning; below it the
// score drops without repeating the warning.
func goReadMod(c *Context, r *Result, file string, root bool) (*manifest.GoMod, float64) {
	data, err := c.ReadPath(file)
	if err != nil {
		if root {
			r.Warn(file, 0, "cannot read: "+err.Error())
		}
		return &manifest.GoMod{}, 0.2
	}
	mod, err := manifest.ParseGoMod(data)
	if mod == nil {
		mod = &manifest.GoMod{}
	}
	if err != nil {
		if root {
			r.Warn(file, manifest.ErrorLine(err), "cannot parse: "+goErrMsg(err))
		}
		return mod, 0.2
	}
	return mod, 0
}

func goErrMsg(err error) string {
	if me, ok := err.(*manifest.Error); ok {
		return me.Msg
	}
	return err.Error()
}

func goReadWork(c *Context, r *Result, file string, warn bool) *manifest.GoWork {
	data, err := c.ReadPath(file)
	if err != nil {
		return nil
	}
	w, err := manifest.ParseGoWork(data)
	if err != nil {
		if warn && r != nil {
			r.WarnParse(file, err)
		}
		return nil
	}
	return w
}

// goWorkMembers turns go.work use lines into member globs.
func goWorkMembers(w *manifest.GoWork) []string {
	var out []string
	for _, u := range w.Use {
		u = path.Clean(strings.TrimPrefix(u, "./"))
		if u == "." || strings.HasPrefix(u, "..") || strings.HasPrefix(u, "/") {
			continue
		}
		out = append(out, u)
	}
	return out
}

// goService fills r for a main package in folder c.Dir of the module at modRoot.
func goService(c *Context, r *Result, modRoot string, mod *manifest.GoMod, mains []goFile) {
	modFile := tree.Join(modRoot, "go.mod")
	r.SourceExts = []string{".go"}
	r.Score = 0.7
	for _, m := range mains {
		r.Entrypoints = append(r.Entrypoints, path.Base(m.path))
	}
	r.Because(mains[0].path, "package main")
	r.Because(modFile, "go modules")
	r.Deps = goDirectDeps(mod)
	r.LocalPaths = goLocalPaths(c, modRoot, mod.LocalReplaces)
	rel := Rel(modRoot, c.Dir.Path)
	switch {
	case mod.Module != "" && rel == ".":
		r.Name = mod.Module
	case mod.Module != "":
		r.Name = mod.Module + "/" + rel
	}

	// Where the image is built from, and where `go build` runs in it.
	ctx, runDir, work := goBuildRoots(c, modRoot, r.LocalPaths)
	if ctx != c.Dir.Path {
		r.BuildContext = ctx
	}
	r.Target = goTarget(Rel(runDir, c.Dir.Path))
	r.Set("module-dir", Rel(ctx, runDir))
	if work != "" {
		r.Set("go-work", "1")
		r.Because(tree.Join(work, "go.work"), "module listed in go.work: built in workspace mode")
	}
	r.Lockfiles = goLockfiles(c, modRoot, work, r.LocalPaths)

	bin := goBinaryName(c.Dir.Path, rel, mod.Module)
	r.Set("binary", bin)
	r.Start = "/app/bin/" + bin
	r.Build = "go build -o " + bin + " " + r.Target

	// Framework and kind: the main package's own files first.
	fw, fwFile := "", ""
	for _, f := range goFrameworks {
		for _, m := range mains {
			if goImports(m.imports, f.module) {
				fw, fwFile = f.name, m.path
				r.Because(m.path, "imports "+f.module)
				break
			}
		}
		if fw != "" {
			break
		}
	}
	serves := ""
	for _, m := range mains {
		for _, call := range goServerCalls {
			if bytes.Contains(m.src, []byte(call)) {
				serves = m.path
				r.Because(m.path, "calls "+strings.TrimSuffix(call, "{"))
				break
			}
		}
		if serves != "" {
			break
		}
	}
	base := path.Base(c.Dir.Path)
	if c.Dir.Path == "." || rel == "." {
		base = "."
	}
	switch {
	case fw != "" || serves != "":
		r.Kind = "web"
		r.Score = 0.9
	case slices.Contains(goJobNames, base):
		r.Kind = "job"
		r.Because(c.Dir.Path, "folder name "+base+" suggests a one-off job")
	case slices.Contains(goWorkerNames, base):
		r.Kind = "worker"
		r.Because(c.Dir.Path, "folder name "+base+" suggests a worker")
	default:
		// The server may live in an internal package: a framework in go.mod
		// names it for the module's main (the root one, or a server-ish or
		// eponymous cmd/<name>).
		if f := goRequiredFramework(mod); f != "" && (base == "." || slices.Contains(goServerNames, base) || base == path.Base(mod.Module)) {
			fw, fwFile = f, modFile
			r.Because(modFile, f+" in go.mod require")
			r.Kind = "web"
			r.Score = 0.8
		} else if slices.Contains(goServerNames, base) {
			r.Because(c.Dir.Path, "folder name "+base+" suggests a server; the kind is left to the source scan")
		} else {
			r.Kind = "worker"
			r.Because(mains[0].path, "no HTTP server in the main package")
		}
	}
	if seg := goToolingSegment(rel); seg != "" {
		r.Score = min(r.Score, 0.4)
		r.Because(c.Dir.Path, "a main package under "+seg+"/ is a developer tool, not a service")
	}
	if fw != "" {
		r.Framework = fw
		for _, f := range goFrameworks {
			if f.name == fw && f.port > 0 {
				r.PortDefault = f.port
				r.Because(fwFile, fw+" listens on "+strconv.Itoa(f.port)+" by default")
			}
		}
	}
	goVersion(c, r, mod, modFile)
}

// goVersion sets RuntimeVersion from the toolchain or go directive, else a
// .tool-versions or mise pin.
func goVersion(c *Context, r *Result, mod *manifest.GoMod, modFile string) {
	switch {
	case mod.Toolchain != "":
		r.RuntimeVersion = mod.Toolchain
		r.Because(modFile, "toolchain go"+mod.Toolchain)
	case mod.Go != "":
		r.RuntimeVersion = mod.Go
		r.Because(modFile, "go "+mod.Go+" directive")
	default:
		if v, f := ToolVersion(c, "golang", "go"); v != "" {
			r.RuntimeVersion = v
			r.Because(f, "go "+v+" pinned")
		}
	}
}

// goBuildRoots returns the build context, the folder `go build` runs in
// (both tree paths) and the go.work root when the build uses one.
func goBuildRoots(c *Context, modRoot string, local []string) (ctx, runDir, work string) {
	if w := goWorkFor(c, modRoot); w != "" {
		return w, w, w
	}
	ctx = modRoot
	for _, l := range local {
		ctx = goCommonDir(ctx, l)
	}
	return ctx, modRoot, ""
}

// goWorkFor returns the folder of a go.work at or above modRoot that uses
// the module, or "".
func goWorkFor(c *Context, modRoot string) string {
	p := modRoot
	for {
		if d := c.Tree.Dir(p); d != nil && d.Has("go.work") {
			if w := goReadWork(c, nil, d.Join("go.work"), false); w != nil {
				for _, u := range w.Use {
					if j, ok := goJoin(p, u); ok && j == modRoot {
						return p
					}
				}
			}
		}
		if p == "." {
			return ""
		}
		p = path.Dir(p)
	}
}

// goLockfiles lists what the image copies before the sources:
// go.mod/go.sum of the module, of the workspace's modules and of replaced
// local modules, and go.work/go.work.sum.
func goLockfiles(c *Context, modRoot, work string, local []string) []string {
	var out []string
	add := func(p string) {
		if c.Tree.Exists(p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	dirs := []string{modRoot}
	if work != "" {
		add(tree.Join(work, "go.work"))
		add(tree.Join(work, "go.work.sum"))
		if w := goReadWork(c, nil, tree.Join(work, "go.work"), false); w != nil {
			for _, u := range w.Use {
				if j, ok := goJoin(work, u); ok {
					dirs = append(dirs, j)
				}
			}
		}
	}
	dirs = append(dirs, local...)
	for _, d := range dirs {
		add(tree.Join(d, "go.mod"))
		add(tree.Join(d, "go.sum"))
	}
	return out
}

// goLocalPaths resolves replace directives to tree folders holding a go.mod.
func goLocalPaths(c *Context, modRoot string, replaces []string) []string {
	var out []string
	for _, rp := range replaces {
		if j, ok := goJoin(modRoot, rp); ok && c.Tree.Exists(tree.Join(j, "go.mod")) && !slices.Contains(out, j) {
			out = append(out, j)
		}
	}
	return out
}

// goJoin joins a relative module directory to a tree folder; ok is false
// when it leaves the tree or is absolute.
func goJoin(dir, rel string) (string, bool) {
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, `\`) {
		return "", false
	}
	p := path.Clean(path.Join(dir, rel))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// goCommonDir returns the deepest folder holding both tree paths.
func goCommonDir(a, b string) string {
	for a != "." && b != a && !strings.HasPrefix(b, a+"/") {
		a = path.Dir(a)
	}
	return a
}

func goTarget(rel string) string {
	if rel == "." {
		return "."
	}
	return "./" + rel
}

// goBinaryName names the executable: the package folder, or for a main at
// the module root the module path's last element (skipping a /vN suffix).
func goBinaryName(dir, rel, module string) string {
	name := path.Base(dir)
	if rel == "." || dir == "." {
		parts := strings.Split(module, "/")
		name = ""
		for i := len(parts) - 1; i >= 0; i-- {
			p := parts[i]
			if len(p) > 1 && p[0] == 'v' && strings.Trim(p[1:], "0123456789") == "" && i > 0 {
				continue
			}
			name = p
			break
		}
	}
	if !goSafeName(name) {
		return "app"
	}
	return name
}

func goSafeName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func goDirectDeps(mod *manifest.GoMod) []string {
	var out []string
	for _, r := range mod.Require {
		if !slices.Contains(mod.Indirect, r) {
			out = append(out, r)
		}
	}
	return out
}

// goRequiredFramework returns the one HTTP framework go.mod requires
// directly, or "" when there is none or more than one.
func goRequiredFramework(mod *manifest.GoMod) string {
	found := ""
	for _, f := range goFrameworks {
		for _, r := range goDirectDeps(mod) {
			if r == f.module || strings.HasPrefix(r, f.module+"/") {
				if found != "" && found != f.name {
					return ""
				}
				found = f.name
			}
		}
	}
	return found
}

func goImports(imports []string, module string) bool {
	for _, im := range imports {
		if im == module || strings.HasPrefix(im, module+"/") {
			return true
		}
	}
	return false
}

// goToolingDirs hold main packages that are developer tools (code
// generators, scripts, examples), not services.
var goToolingDirs = []string{"tools", "tool", "hack", "scripts", "script", "internal", "examples", "example", "test", "tests", "bench", "benchmarks", "docs", "third_party"}

// goToolingSegment returns the tooling folder a module-relative path lies
// in, or "".
func goToolingSegment(rel string) string {
	if rel == "." {
		return ""
	}
	for _, seg := range strings.Split(rel, "/") {
		if slices.Contains(goToolingDirs, seg) {
			return seg
		}
	}
	return ""
}

// goIgnoredDir reports whether the go command ignores a folder (relative to
// the module root): testdata and names starting with _ or .
func goIgnoredDir(rel string) bool {
	if rel == "." {
		return false
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == "testdata" || strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// goFile is a non-test .go file of package main.
type goFile struct {
	path    string
	imports []string
	src     []byte
}

// goSourceLimit bounds how much of a source file is read: the package clause
// and imports are at the top, and a listen call in a main package rarely
// sits past it.
const goSourceLimit = 128 << 10

// goMainFiles returns the folder's package main files that build on Linux.
func goMainFiles(c *Context, dir string) []goFile {
	d := c.Tree.Dir(dir)
	if d == nil {
		return nil
	}
	var out []goFile
	for _, name := range d.WithExt(".go") {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		p := d.Join(name)
		src, err := c.Tree.ReadPrefix(p, goSourceLimit)
		if err != nil {
			continue
		}
		pkg, imports, ok := goPackage(p, src)
		if !ok {
			continue
		}
		if pkg != "main" {
			// One package per folder: a library file means no main here.
			return nil
		}
		out = append(out, goFile{path: p, imports: imports, src: src})
	}
	return out
}

// goMainsBelow returns the folders below the module root holding a main
// package, not crossing into nested modules.
func goMainsBelow(c *Context) []string {
	root := c.Dir.Path
	var nested []string
	var out []string
	for _, d := range c.Tree.Dirs() {
		if d.Path == root || root != "." && !strings.HasPrefix(d.Path, root+"/") {
			continue
		}
		if goUnderAny(d.Path, nested) {
			continue
		}
		if d.Has("go.mod") {
			nested = append(nested, d.Path)
			continue
		}
		if goIgnoredDir(Rel(root, d.Path)) || len(d.WithExt(".go")) == 0 {
			continue
		}
		if goToolingSegment(Rel(root, d.Path)) == "" && goIsMainDir(c, d.Path) {
			out = append(out, Rel(root, d.Path))
		}
	}
	return out
}

// goIsMainDir reads the package clause of a folder's files until one that
// builds tells the package.
func goIsMainDir(c *Context, dir string) bool {
	d := c.Tree.Dir(dir)
	for _, name := range d.WithExt(".go") {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		p := d.Join(name)
		src, err := c.Tree.ReadPrefix(p, 8<<10)
		if err != nil {
			continue
		}
		if pkg, _, ok := goPackage(p, src); ok {
			return pkg == "main"
		}
	}
	return false
}

func goUnderAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// goMemberGlobs turns main folders into member globs: "cmd/*" for a folder
// holding several, the path itself otherwise.
func goMemberGlobs(dirs []string) []string {
	count := map[string]int{}
	for _, d := range dirs {
		count[path.Dir(d)]++
	}
	var out []string
	for _, d := range dirs {
		g := d
		if parent := path.Dir(d); parent != "." && (count[parent] > 1 || parent == "cmd") {
			g = parent + "/*"
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// goPackage returns a file's package name and imports, and false when the
// file does not parse or its build constraint excludes Linux builds
// (//go:build ignore, windows, tools …).
func goPackage(name string, src []byte) (pkg string, imports []string, ok bool) {
	if !goBuildsOnLinux(src) {
		return "", nil, false
	}
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
	if err != nil || f.Name == nil {
		return "", nil, false
	}
	for _, im := range f.Imports {
		if p, err := strconv.Unquote(im.Path.Value); err == nil {
			imports = append(imports, p)
		}
	}
	return f.Name.Name, imports, true
}

// goBuildsOnLinux evaluates a //go:build line before the package clause
// for a linux/amd64 build with cgo off.
func goBuildsOnLinux(src []byte) bool {
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		l := strings.TrimSpace(string(line))
		if strings.HasPrefix(l, "package ") {
			return true
		}
		if !constraint.IsGoBuild(l) {
			continue
		}
		expr, err := constraint.Parse(l)
		if err != nil {
			return false
		}
		return expr.Eval(func(tag string) bool {
			switch tag {
			case "linux", "unix", "amd64", "gc":
				return true
			}
			return strings.HasPrefix(tag, "go1.")
		})
	}
	return true
}
