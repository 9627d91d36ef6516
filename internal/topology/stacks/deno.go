package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// Deno detects Deno projects: a deno.json or deno.jsonc (tasks, import
// map, Fresh or Hono), or without one an entry file that is plainly Deno's
// (Deno.serve, jsr: or deno.land imports).
//
// Extra keys, read by internal/plan/deno.go:
//
//	"entry"  the folder-relative module the image caches after copying the sources
//
// BuildContext is the Deno workspace root for a member when the lockfile
// lives there; Lockfiles are the configuration, the lockfile, the import
// map and deps.ts (cached before the sources are copied).
type Deno struct{}

// Name implements Detector.
func (Deno) Name() string { return "deno" }

var (
	reDenoCode   = lazyre.New(`\bDeno\.(?:serve|listen|env|args|readTextFile)\b|https://deno\.land/|["']jsr:|["']npm:`)
	reDenoImport = lazyre.New(`(?:from|import)\s*\(?\s*["']([^"']+)["']`)
	reDenoVer    = lazyre.New(`@[^/]*$`)
)

// Detect implements Detector.
func (Deno) Detect(c *Context) *Result {
	cfgName := c.Dir.First("deno.json", "deno.jsonc")
	if cfgName == "" {
		return detectDenoScript(c)
	}
	r := &Result{Language: "deno", SourceExts: denoSourceExts}
	cfgPath := c.Path(cfgName)
	data, err := c.Read(cfgName)
	var cfg *manifest.DenoJSON
	if err == nil {
		cfg, err = manifest.ParseDenoJSON(data)
	}
	if cfg == nil {
		cfg = &manifest.DenoJSON{Lock: "deno.lock"}
	}
	r.Because(cfgPath, cfgName)
	r.Name = cfg.Name
	r.PackageManager = "deno"
	denoVersion(c, r)
	r.Deps = denoDeps(c, cfg)

	if len(cfg.Workspace) > 0 {
		for _, m := range cfg.Workspace {
			if p := jsRelFile(strings.TrimPrefix(m, "./")); p != "" {
				r.Members = append(r.Members, p)
			}
		}
		r.Because(cfgPath, "deno workspace members")
	}

	fw := ""
	imports := cfg.ImportNames()
	switch {
	case slices.ContainsFunc(imports, func(s string) bool {
		return s == "$fresh/" || strings.Contains(s, "deno.land/x/fresh@") || strings.HasPrefix(s, "jsr:@fresh/core")
	}):
		fw = "fresh"
	case slices.ContainsFunc(imports, func(s string) bool {
		return s == "hono" || strings.HasPrefix(s, "jsr:@hono/hono") || strings.HasPrefix(s, "npm:hono") || strings.Contains(s, "deno.land/x/hono@")
	}):
		fw = "hono"
	}
	if fw != "" {
		r.Framework = fw
		r.Kind = "web"
		r.Because(cfgPath, fw+" in imports")
	}

	start := cfg.Tasks["start"]
	switch {
	case start != "" && !denoDevTask(start):
		r.Start = "deno task start"
		r.Because(cfgPath, "start task")
	case fw == "fresh":
		switch {
		case cfg.Tasks["preview"] != "" && !denoDevTask(cfg.Tasks["preview"]):
			r.Start = "deno task preview"
			r.Because(cfgPath, "preview task serves the fresh build")
		case slices.ContainsFunc(imports, func(s string) bool { return strings.HasPrefix(s, "jsr:@fresh/core") }):
			r.Start = "deno serve -A _fresh/server.js"
			r.Because(cfgPath, "fresh 2 serves its build")
		default:
			r.Start = "deno run -A main.ts"
			r.Because(cfgPath, "fresh serves from main.ts")
		}
		if start != "" {
			r.Warn(cfgPath, manifest.KeyLine(data, "start"), "start task runs a development server; the image runs "+r.Start)
		}
	}
	entry := denoEntry(c)
	if r.Start == "" && entry != "" {
		r.Start = denoRunCommand(c, entry)
		r.Because(c.Path(entry), "entry point")
	}
	if entry == "" && fw == "fresh" {
		entry = c.Dir.First("main.ts", "dev.ts")
	}
	if entry != "" {
		r.Set("entry", entry)
		r.Entrypoints = []string{entry}
	}
	if cfg.Tasks["build"] != "" {
		r.Build = "deno task build"
		r.Because(cfgPath, "build task")
	}

	switch {
	case r.Start != "" && (fw != "" || start != ""):
		r.Score = 0.9
	case r.Start != "":
		r.Score = 0.7
	case len(r.Members) > 0:
		r.WorkspaceOnly = true
		r.Score = 0.9
		r.Because(cfgPath, "workspace root without a server of its own")
	case len(cfg.Exports) > 0 || cfg.Name != "":
		r.Library = true
		r.Score = 0.5
		r.Because(cfgPath, "exports without a start task or entry point")
	default:
		r.Score = 0.3
	}
	if fw == "fresh" {
		jsFileRouteHealth(c, r, fw)
	}
	if r.Start != "" && r.PortDefault == 0 {
		r.PortDefault = 8000
		r.Because(cfgPath, "deno serves on 8000 by default")
	}
	if !r.WorkspaceOnly {
		denoBuildFiles(c, r, cfg)
	}
	if err != nil {
		r.WarnParse(cfgPath, err)
	}
	return r
}

var denoSourceExts = []string{".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs"}

// detectDenoScript claims a folder without deno.json whose entry file is
// plainly Deno's.
func detectDenoScript(c *Context) *Result {
	if c.Has("package.json") {
		return nil
	}
	entry := c.Dir.First("main.ts", "server.ts", "main.tsx", "app.ts", "main.js")
	if entry == "" {
		return nil
	}
	data, err := c.Read(entry)
	if err != nil || !reDenoCode.Re().Match(data) {
		return nil
	}
	r := &Result{Language: "deno", PackageManager: "deno", SourceExts: denoSourceExts, Score: 0.6, PortDefault: 8000}
	r.Because(c.Path(entry), "deno code in "+entry)
	r.Start = denoRunCommand(c, entry)
	r.Set("entry", entry)
	r.Entrypoints = []string{entry}
	denoVersion(c, r)
	r.Deps = denoDeps(c, &manifest.DenoJSON{})
	denoBuildFiles(c, r, &manifest.DenoJSON{Lock: "deno.lock"})
	return r
}

// denoDevTask reports whether a task runs Deno in watch mode or Fresh 1's
// dev.ts, or Vite's dev server (Fresh 2).
func denoDevTask(task string) bool {
	for _, cmd := range scriptCommands(task) {
		f := strings.Fields(cmd)
		if slices.Contains(f, "--watch") || slices.Contains(f, "dev.ts") || slices.ContainsFunc(f, func(a string) bool { return strings.HasPrefix(a, "--watch=") }) {
			return true
		}
		if f[0] == "vite" && (len(f) == 1 || f[1] == "dev") {
			return true
		}
	}
	return false
}

// denoEntry returns the conventional module that starts the app, or "".
func denoEntry(c *Context) string {
	if f := c.Dir.First("main.ts", "server.ts", "main.tsx", "app.ts", "main.js", "index.ts"); f != "" {
		return f
	}
	for _, f := range []string{"src/main.ts", "src/server.ts", "src/index.ts"} {
		if c.Tree.Exists(c.Path(f)) {
			return f
		}
	}
	return ""
}

// denoRunCommand runs an entry: `deno serve` for a default-exported fetch
// handler, `deno run` otherwise, with every permission (a container is the
// sandbox; the app's own task can narrow them).
func denoRunCommand(c *Context, entry string) string {
	if data, err := c.Read(entry); err == nil {
		text := string(data)
		if !strings.Contains(text, "Deno.serve") && strings.Contains(text, "export default") && strings.Contains(text, "fetch") {
			return "deno serve -A " + entry
		}
	}
	return "deno run -A " + entry
}

// denoVersion reads .dvmrc, then asdf/mise, then moon.
func denoVersion(c *Context, r *Result) {
	if v, f := FirstLine(c, ".dvmrc", ".deno-version"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "deno version file")
		return
	}
	if v, f := ToolVersion(c, "deno"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "deno version pinned")
		return
	}
	for _, d := range c.Up() {
		p := d.Join(".moon/toolchain.yml")
		if !c.Tree.Exists(p) {
			continue
		}
		if data, err := c.ReadPath(p); err == nil {
			if t, _ := manifest.ParseMoonToolchain(data); t != nil && t.DenoVersion != "" {
				r.RuntimeVersion = t.DenoVersion
				r.Because(p, "deno version from moon")
				return
			}
		}
	}
}

// denoDeps returns the package names a Deno project imports, as their
// registries spell them: "pg" for npm:pg@8, "@std/http" for jsr:@std/http,
// "postgres" for https://deno.land/x/postgres@v0.19/mod.ts.
func denoDeps(c *Context, cfg *manifest.DenoJSON) []string {
	var specs []string
	for _, v := range cfg.Imports {
		specs = append(specs, v)
	}
	if c.Has("deps.ts") {
		if data, err := c.Read("deps.ts"); err == nil {
			for _, m := range reDenoImport.Re().FindAllStringSubmatch(string(data), 200) {
				specs = append(specs, m[1])
			}
		}
	}
	var out []string
	for _, s := range specs {
		if n := denoPackageName(s); n != "" {
			out = append(out, n)
		}
	}
	if c.Has("package.json") {
		if pkg := jsReadPackage(c, c.Path("package.json")); pkg != nil {
			out = append(out, pkg.DepNames()...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func denoPackageName(spec string) string {
	for _, pfx := range []string{"npm:", "jsr:"} {
		if rest, ok := strings.CutPrefix(spec, pfx); ok {
			rest = strings.TrimPrefix(rest, "/")
			parts := strings.SplitN(rest, "/", 3)
			name := parts[0]
			if strings.HasPrefix(name, "@") && len(parts) > 1 {
				name += "/" + parts[1]
			}
			return reDenoVer.Re().ReplaceAllString(name, "")
		}
	}
	for _, pfx := range []string{"https://deno.land/x/", "https://esm.sh/", "https://cdn.skypack.dev/"} {
		if rest, ok := strings.CutPrefix(spec, pfx); ok {
			name, _, _ := strings.Cut(rest, "/")
			if strings.HasPrefix(name, "@") {
				if _, after, ok := strings.Cut(rest, "/"); ok {
					scope := name
					name, _, _ = strings.Cut(after, "/")
					name = scope + "/" + name
				}
			}
			return reDenoVer.Re().ReplaceAllString(name, "")
		}
	}
	return ""
}

// denoBuildFiles sets the files copied before the sources, and the build
// context of a workspace member whose lockfile is the root's.
func denoBuildFiles(c *Context, r *Result, cfg *manifest.DenoJSON) {
	var files []string
	add := func(p string) {
		if p != "" && c.Tree.Exists(p) && !slices.Contains(files, p) {
			files = append(files, p)
		}
	}
	root := c.Dir.Path
	if ws := denoWorkspaceRoot(c); ws != nil && (cfg.Lock == "" || !c.Tree.Exists(c.Path(cfg.Lock))) {
		root = ws.Path
		r.BuildContext = root
		r.Because(ws.Join(ws.First("deno.json", "deno.jsonc")), "deno workspace member: built from the workspace root")
		add(ws.Join(ws.First("deno.json", "deno.jsonc")))
		add(ws.Join("deno.lock"))
	}
	for _, f := range []string{"deno.json", "deno.jsonc"} {
		add(c.Path(f))
	}
	if cfg.Lock != "" {
		if l := jsRelFile(cfg.Lock); l != "" {
			add(c.Path(l))
		}
	}
	if m := jsRelFile(cfg.ImportMap); m != "" && !strings.Contains(cfg.ImportMap, "://") {
		add(c.Path(m))
	}
	add(c.Path("package.json"))
	add(c.Path("deps.ts"))
	r.Lockfiles = files
}

// denoWorkspaceRoot returns the folder above whose deno.json lists this one
// as a workspace member, or nil.
func denoWorkspaceRoot(c *Context) *tree.Dir {
	for _, d := range c.Up()[1:] {
		name := d.First("deno.json", "deno.jsonc")
		if name == "" {
			continue
		}
		data, err := c.ReadPath(d.Join(name))
		if err != nil {
			continue
		}
		cfg, _ := manifest.ParseDenoJSON(data)
		if cfg == nil {
			continue
		}
		for _, m := range cfg.Workspace {
			if path.Join(d.Path, strings.TrimPrefix(m, "./")) == c.Dir.Path {
				return d
			}
		}
	}
	return nil
}
