package stacks

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// Rust detects Cargo packages and workspaces.
//
// A package with a binary target (src/main.rs, src/bin/*, [[bin]]) is a
// service; Target is the binary's name. A workspace member is built from
// the workspace root, where Cargo.lock and target/ live. A package with
// only a library is a Library; a virtual manifest ([workspace] without
// [package]) is a WorkspaceOnly root.
//
// Extra keys, read by plan.genRust:
//   - "crate-dir": the package's folder relative to the build context.
//   - "bin-path": the binary's source file relative to the build context
//     (the dependency-caching step puts a dummy main there).
//   - "openssl": "1" when Cargo.lock pulls openssl-sys, so the build needs
//     libssl-dev and the runtime libssl3.
//   - "rust-version-minimum": "1" when RuntimeVersion is the package's
//     rust-version (a minimum), not a pinned toolchain: the image then uses
//     the newer of it and the default.
type Rust struct{}

// Name implements Detector.
func (Rust) Name() string { return "rust" }

// rustFrameworks are the web frameworks Kyozo names, by crate.
var rustFrameworks = []struct {
	name, crate string
	port        int
}{
	{"axum", "axum", 0},
	{"actix-web", "actix-web", 0},
	{"rocket", "rocket", 8000}, // Rocket's default port; its address defaults to 127.0.0.1
}

// rustServerCrates make a package a web server without a named framework.
var rustServerCrates = []string{"warp", "poem", "salvo", "tide", "hyper", "tonic", "loco-rs", "leptos_axum", "ntex"}

// rustWorkerCrates are queue consumers: a package with one and no server is a worker.
var rustWorkerCrates = []string{"lapin", "rdkafka", "apalis", "async-nats", "faktory", "sqs_worker"}

// Detect implements Detector.
func (Rust) Detect(c *Context) *Result {
	if !c.Has("Cargo.toml") {
		return nil
	}
	file := c.Path("Cargo.toml")
	r := &Result{Language: "rust", PackageManager: "cargo", SourceExts: []string{".rs"}}
	var cargo *manifest.Cargo
	data, err := c.Read("Cargo.toml")
	if err == nil {
		cargo, err = manifest.ParseCargo(data)
	}
	if err != nil {
		r.WarnParse(file, err)
		// Keep going with what the folder shows: a src/main.rs is still a binary.
		cargo = &manifest.Cargo{Package: &manifest.CargoPackage{Name: path.Base(c.Dir.Path), Autobins: true}}
		if c.Dir.Path == "." {
			cargo.Package.Name = "app"
		}
	}
	r.Because(file, "cargo package manifest")

	// The workspace this package belongs to: itself, or a root above.
	wsRoot, ws := c.Dir.Path, cargo
	if cargo.Workspace == nil {
		if p, w := rustWorkspaceFor(c); p != "" {
			wsRoot, ws = p, w
		}
	}
	if cargo.Workspace != nil {
		for _, m := range cargo.Workspace.Members {
			r.Members = append(r.Members, strings.TrimPrefix(m, "./"))
		}
		for _, x := range cargo.Workspace.Exclude {
			r.Members = append(r.Members, "!"+strings.TrimPrefix(x, "./"))
		}
	}
	rustVersion(c, r, cargo, ws, wsRoot)

	if cargo.Package == nil {
		r.WorkspaceOnly = true
		r.Score = parseWarnedScore(r, 0.5)
		r.Because(file, "virtual manifest: [workspace] without [package]")
		return r
	}
	r.Name = cargo.Package.Name
	r.Deps = cargo.Deps
	r.LocalPaths = rustLocalPaths(c, cargo, ws, wsRoot)

	bins := rustBins(c, cargo)
	if len(bins) == 0 {
		r.Library = true
		r.Score = parseWarnedScore(r, 0.5)
		r.Because(file, "library crate: no binary target")
		return r
	}
	bin := rustPickBin(cargo, bins)
	r.Because(tree.Join(c.Dir.Path, bin.Path), "binary target "+bin.Name)
	r.Target = bin.Name
	r.Start = "/app/bin/" + bin.Name
	r.Build = "cargo build --release --bin " + bin.Name
	r.Entrypoints = []string{bin.Path}
	if wsRoot != c.Dir.Path {
		r.BuildContext = wsRoot
		r.Because(tree.Join(wsRoot, "Cargo.toml"), "member of the workspace at "+wsRoot)
	}
	r.Set("crate-dir", Rel(wsRoot, c.Dir.Path))
	r.Set("bin-path", Rel(wsRoot, tree.Join(c.Dir.Path, bin.Path)))
	r.Lockfiles = rustLockfiles(c, wsRoot, ws)
	if lock, err := c.ReadPath(tree.Join(wsRoot, "Cargo.lock")); err == nil && manifest.CargoLockHas(lock, "openssl-sys") {
		r.Set("openssl", "1")
		r.Because(tree.Join(wsRoot, "Cargo.lock"), "openssl-sys in Cargo.lock: the image links libssl")
	}

	r.Score = 0.7
	for _, f := range rustFrameworks {
		if slices.Contains(cargo.Deps, f.crate) {
			r.Framework, r.Kind, r.Score = f.name, "web", 0.9
			r.Because(file, f.crate+" in dependencies")
			if f.port > 0 {
				r.PortDefault = f.port
				r.Because(file, f.name+" listens on "+strconv.Itoa(f.port)+" by default")
			}
			break
		}
	}
	if r.Framework == "rocket" {
		rustRocketConfig(c, r, wsRoot)
	}
	if r.Kind == "" {
		if s := FirstOf(cargo.Deps, rustServerCrates...); s != "" {
			r.Kind, r.Score = "web", 0.8
			r.Because(file, s+" in dependencies")
		} else if w := FirstOf(cargo.Deps, rustWorkerCrates...); w != "" {
			r.Kind = "worker"
			r.Because(file, w+" in dependencies and no web server")
		}
	}
	r.Score = parseWarnedScore(r, r.Score)
	return r
}

// rustBin is a binary target: its name and source path relative to the crate.
type rustBin struct{ Name, Path string }

// rustBins lists a package's binary targets the way Cargo discovers them:
// [[bin]] entries, then src/main.rs and src/bin/ unless autobins = false.
func rustBins(c *Context, cargo *manifest.Cargo) []rustBin {
	var out []rustBin
	has := func(name string) bool {
		return slices.ContainsFunc(out, func(b rustBin) bool { return b.Name == name })
	}
	pkg := cargo.Package.Name
	for _, b := range cargo.Bins {
		name := b.Name
		if name == "" {
			name = pkg
		}
		p := strings.TrimPrefix(b.Path, "./")
		if p == "" {
			switch {
			case name == pkg && c.Tree.Exists(tree.Join(c.Dir.Path, "src/main.rs")):
				p = "src/main.rs"
			case c.Tree.Exists(tree.Join(c.Dir.Path, "src/bin/"+name+"/main.rs")):
				p = "src/bin/" + name + "/main.rs"
			default:
				p = "src/bin/" + name + ".rs"
			}
		}
		if !has(name) {
			out = append(out, rustBin{name, p})
		}
	}
	if !cargo.Package.Autobins {
		return out
	}
	if c.Tree.Exists(tree.Join(c.Dir.Path, "src/main.rs")) && !has(pkg) {
		out = append(out, rustBin{pkg, "src/main.rs"})
	}
	if d := c.Tree.Dir(tree.Join(c.Dir.Path, "src/bin")); d != nil {
		for _, f := range d.WithExt(".rs") {
			if name := strings.TrimSuffix(f, ".rs"); !has(name) {
				out = append(out, rustBin{name, "src/bin/" + f})
			}
		}
		for _, sub := range d.Dirs {
			if c.Tree.Exists(tree.Join(d.Path, sub+"/main.rs")) && !has(sub) {
				out = append(out, rustBin{sub, "src/bin/" + sub + "/main.rs"})
			}
		}
	}
	return out
}

// rustPickBin chooses the binary `cargo run` would: default-run, the one
// named after the package, or the first.
func rustPickBin(cargo *manifest.Cargo, bins []rustBin) rustBin {
	for _, want := range []string{cargo.Package.DefaultRun, cargo.Package.Name} {
		for _, b := range bins {
			if want != "" && b.Name == want {
				return b
			}
		}
	}
	return bins[0]
}

// rustWorkspaceFor finds the workspace root above the folder whose members
// include it.
func rustWorkspaceFor(c *Context) (string, *manifest.Cargo) {
	for _, d := range c.Up()[1:] {
		if !d.Has("Cargo.toml") {
			continue
		}
		data, err := c.ReadPath(d.Join("Cargo.toml"))
		if err != nil {
			continue
		}
		m, err := manifest.ParseCargo(data)
		if err != nil || m.Workspace == nil {
			continue
		}
		rel := Rel(d.Path, c.Dir.Path)
		in := false
		for _, g := range m.Workspace.Members {
			if rustGlobMatch(strings.TrimSuffix(strings.TrimPrefix(g, "./"), "/"), rel) {
				in = true
			}
		}
		for _, g := range m.Workspace.Exclude {
			if rustGlobMatch(strings.TrimSuffix(strings.TrimPrefix(g, "./"), "/"), rel) {
				in = false
			}
		}
		// A package that is a path dependency of the root package is a
		// member too; the common case is covered by members.
		if in {
			return d.Path, m
		}
		// Cargo stops at the first workspace root above a package.
		return "", nil
	}
	return "", nil
}

// rustGlobMatch matches a slash-separated path segment by segment.
func rustGlobMatch(pattern, name string) bool {
	ps, ns := strings.Split(pattern, "/"), strings.Split(name, "/")
	if len(ps) != len(ns) {
		return false
	}
	for i := range ps {
		if ok, err := path.Match(ps[i], ns[i]); err != nil || !ok {
			return false
		}
	}
	return true
}

// rustLocalPaths resolves path dependencies, and workspace dependencies
// the workspace gives a path, to tree folders.
func rustLocalPaths(c *Context, cargo *manifest.Cargo, ws *manifest.Cargo, wsRoot string) []string {
	var out []string
	add := func(dir, rel string) {
		if p, ok := goJoin(dir, rel); ok && c.Tree.Exists(tree.Join(p, "Cargo.toml")) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, d := range cargo.PathDeps {
		add(c.Dir.Path, d.Path)
	}
	if ws != nil && ws.Workspace != nil {
		for _, name := range cargo.WorkspaceDeps {
			for _, d := range ws.Workspace.PathDeps {
				if d.Name == name {
					add(wsRoot, d.Path)
				}
			}
		}
	}
	return out
}

// rustLockfiles lists the manifests the dependency-caching step needs:
// every Cargo.toml of the workspace, Cargo.lock and the toolchain pin.
func rustLockfiles(c *Context, wsRoot string, ws *manifest.Cargo) []string {
	var out []string
	add := func(p string) {
		if c.Tree.Exists(p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	add(tree.Join(wsRoot, "Cargo.toml"))
	add(tree.Join(wsRoot, "Cargo.lock"))
	add(tree.Join(wsRoot, "rust-toolchain.toml"))
	add(tree.Join(wsRoot, "rust-toolchain"))
	if ws != nil && ws.Workspace != nil {
		for _, d := range c.Tree.Dirs() {
			rel := Rel(wsRoot, d.Path)
			if d.Path == wsRoot || strings.HasPrefix(rel, "../") || !d.Has("Cargo.toml") {
				continue
			}
			in := false
			for _, g := range ws.Workspace.Members {
				if rustGlobMatch(strings.TrimSuffix(strings.TrimPrefix(g, "./"), "/"), rel) {
					in = true
				}
			}
			for _, g := range ws.Workspace.Exclude {
				if rustGlobMatch(strings.TrimSuffix(strings.TrimPrefix(g, "./"), "/"), rel) {
					in = false
				}
			}
			if in {
				add(d.Join("Cargo.toml"))
			}
		}
	}
	add(c.Path("Cargo.toml"))
	return out
}

// rustVersion reads a pinned toolchain (rust-toolchain.toml, rust-toolchain),
// else the package's rust-version (a minimum), else a .tool-versions or
// mise pin.
func rustVersion(c *Context, r *Result, cargo, ws *manifest.Cargo, wsRoot string) {
	for _, dir := range []string{c.Dir.Path, wsRoot} {
		for _, name := range []string{"rust-toolchain.toml", "rust-toolchain"} {
			p := tree.Join(dir, name)
			data, err := c.ReadPath(p)
			if err != nil {
				continue
			}
			ch, err := manifest.RustToolchain(data)
			if err != nil {
				r.WarnParse(p, err)
				continue
			}
			if ch != "" && ch[0] >= '0' && ch[0] <= '9' {
				r.RuntimeVersion = ch
				r.Because(p, "toolchain "+ch+" pinned")
				return
			}
			if ch != "" {
				r.Because(p, "toolchain channel "+ch+" (installed by rustup at build time)")
			}
		}
	}
	mv := ""
	if cargo.Package != nil {
		mv = cargo.Package.RustVersion
		if mv == "" && cargo.Package.RustVersionFromWorkspace && ws != nil && ws.Workspace != nil {
			mv = ws.Workspace.RustVersion
		}
	} else if cargo.Workspace != nil {
		mv = cargo.Workspace.RustVersion
	}
	if mv != "" {
		r.RuntimeVersion = mv
		r.Set("rust-version-minimum", "1")
		r.Because(c.Path("Cargo.toml"), "rust-version "+mv)
		return
	}
	if v, f := ToolVersion(c, "rust"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "rust "+v+" pinned")
	}
}

// rustRocketConfig reads the port of Rocket.toml's release (or default)
// profile.
func rustRocketConfig(c *Context, r *Result, wsRoot string) {
	for _, dir := range []string{c.Dir.Path, wsRoot} {
		p := tree.Join(dir, "Rocket.toml")
		data, err := c.ReadPath(p)
		if err != nil {
			continue
		}
		var cfg map[string]struct {
			Port    int    `toml:"port"`
			Address string `toml:"address"`
		}
		if err := manifest.DecodeTOML(data, &cfg); err != nil {
			r.WarnParse(p, err)
			return
		}
		for _, profile := range []string{"release", "global", "default"} {
			if pc, ok := cfg[profile]; ok && pc.Port > 0 && pc.Port < 65536 {
				r.Port = pc.Port
				r.Because(p, "port "+strconv.Itoa(pc.Port)+" in ["+profile+"]")
				return
			}
		}
		return
	}
}

// parseWarnedScore is a base score lowered by 0.2 for every file of the result
// that did not parse (WarnParse's rule, applied once the base is known).
func parseWarnedScore(r *Result, base float64) float64 {
	for _, w := range r.Warnings {
		if strings.HasPrefix(w.Message, "cannot parse") {
			base -= 0.2
		}
	}
	return max(base, 0.1)
}
