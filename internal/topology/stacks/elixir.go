package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Elixir detects Mix projects: Phoenix apps, OTP applications (workers),
// libraries and umbrella projects.
//
// Every deployable Mix project is shipped as a `mix release` and started
// with `/app/bin/<release> start`, so the image needs no Elixir toolchain.
//
// Umbrellas (apps_path: "apps") are decided this way:
//   - a root whose mix.exs defines releases: is released as one service (the
//     first release); its member apps are libraries shipped inside it;
//   - otherwise the root only gathers members (WorkspaceOnly, Members
//     "apps/*"), and every member app that no sibling depends on with
//     in_umbrella: true is a service of its own, built from the umbrella
//     root (the deps, mix.lock, config/ and _build it shares live there).
//     A member other members depend on is a library.
//
// Extra keys, read by plan.genElixir:
//
//	"release"       the release name (/app/bin/<release> start)
//	"phoenix"       "true" for a Phoenix app: the image sets PHX_SERVER=true
//	"assets_deploy" "true" when assets/ exists and mix.exs has an assets.deploy alias
//	"config"        "true" when the project has config/, copied before deps.compile
//	"otp"           the Erlang/OTP version .tool-versions or mise pins, if any
//	"umbrella_app"  for a member built from its umbrella root: its path below the root
type Elixir struct{}

// Name implements Detector.
func (Elixir) Name() string { return "elixir" }

// Detect implements Detector.
func (Elixir) Detect(c *Context) *Result {
	if !c.Has("mix.exs") {
		return nil
	}
	r := &Result{Language: "elixir", PackageManager: "mix", SourceExts: []string{".ex", ".exs", ".heex"}}
	mixPath := c.Path("mix.exs")
	r.Because(mixPath, "mix.exs")
	p := elixirParse(c, mixPath, r)
	r.Name = p.App
	r.Lockfiles = append(r.Lockfiles, mixPath)
	if c.Has("mix.lock") {
		r.Lockfiles = append(r.Lockfiles, c.Path("mix.lock"))
	}
	elixirVersions(c, p, r)
	if c.Dir.HasDir("config") {
		r.Set("config", "true")
	}
	for _, d := range p.Deps {
		if !d.RuntimeDep() {
			continue
		}
		r.Deps = append(r.Deps, d.Name)
		if d.Path != "" {
			r.LocalPaths = append(r.LocalPaths, path.Join(c.Dir.Path, d.Path))
		}
	}
	for _, e := range []string{"config/runtime.exs", "config/config.exs"} {
		if c.Tree.Exists(c.Path(e)) {
			r.Entrypoints = append(r.Entrypoints, e)
		}
	}

	if p.Umbrella() {
		elixirUmbrellaRoot(c, p, r)
		return r
	}
	if root, rp := elixirUmbrellaOf(c); rp != nil {
		if elixirUmbrellaMember(c, p, r, root, rp) {
			return r
		}
	}
	elixirApp(c, p, r)
	return r
}

// elixirParse reads mix.exs; a malformed file is a warning, and what the
// scanner read before the error is still used.
func elixirParse(c *Context, file string, r *Result) *manifest.MixProject {
	r.Score = 0.9
	data, err := c.ReadPath(file)
	if err != nil {
		r.WarnParse(file, err)
		return &manifest.MixProject{}
	}
	p, err := manifest.ParseMixExs(data)
	if err != nil {
		r.WarnParse(file, err)
	}
	if p == nil {
		p = &manifest.MixProject{}
	}
	return p
}

func elixirVersions(c *Context, p *manifest.MixProject, r *Result) {
	if v, f := ToolVersion(c, "elixir"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "elixir "+v+" pinned")
	} else if p.Elixir != "" {
		r.RuntimeVersion = p.Elixir
		r.Because(c.Path("mix.exs"), "elixir "+p.Elixir+" required")
	}
	if v, f := ToolVersion(c, "erlang"); v != "" {
		r.Set("otp", v)
		r.Because(f, "erlang "+v+" pinned")
	}
}

// elixirApp concludes for a project that is not an umbrella root.
func elixirApp(c *Context, p *manifest.MixProject, r *Result) {
	mixPath := c.Path("mix.exs")
	if p.Mod == "" {
		r.Library = true
		r.Score -= 0.4
		r.Because(mixPath, "no application module: a library")
		return
	}
	r.Because(mixPath, "application module "+p.Mod)
	for _, e := range elixirModuleFiles(c, p.App) {
		r.Entrypoints = append(r.Entrypoints, e)
	}
	elixirKind(p.Deps, mixPath, r)
	if c.Dir.HasDir("assets") && r.Framework == "phoenix" && slices.Contains(p.Aliases, "assets.deploy") {
		r.Set("assets_deploy", "true")
		r.Because(c.Path("assets"), "assets built with mix assets.deploy")
	}
	elixirStart(p.App, mixPath, r)
}

// elixirKind sets the framework and kind from the dependencies.
func elixirKind(deps []manifest.MixDep, file string, r *Result) {
	var names []string
	for _, d := range deps {
		if d.RuntimeDep() {
			names = append(names, d.Name)
		}
	}
	switch {
	case HasAny(names, "phoenix"):
		r.Framework, r.Kind, r.PortDefault = "phoenix", "web", 4000
		r.Set("phoenix", "true")
		r.Because(file, "phoenix in deps")
		r.Because(file, "phoenix listens on 4000 by default")
	case HasAny(names, "plug_cowboy", "bandit", "cowboy", "elli", "ace"):
		r.Kind = "web"
		r.Because(file, FirstOf(names, "plug_cowboy", "bandit", "cowboy", "elli", "ace")+" in deps")
	default:
		r.Kind = "worker"
		if q := FirstOf(names, "oban", "broadway", "gen_stage", "exq", "verk"); q != "" {
			r.Because(file, q+" in deps: a worker")
		} else {
			r.Because(file, "application without a web server: a worker")
		}
	}
}

// elixirStart sets the release start command.
func elixirStart(release, file string, r *Result) {
	if !elixirName(release) {
		r.Score -= 0.2
		r.Warn(file, 0, "no app name: the release to start is unknown")
		return
	}
	r.Set("release", release)
	r.Start = "/app/bin/" + release + " start"
	r.Build = "mix release"
	if r.Extra["assets_deploy"] == "true" {
		r.Build = "mix assets.deploy && mix release"
	}
	r.Because(file, "started as the mix release "+release)
}

// elixirName reports a name that is safe in paths and commands (the shape
// of an Elixir atom an app or release is named with).
func elixirName(s string) bool {
	if s == "" || len(s) > 100 || !(s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for _, ch := range s {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}

// elixirModuleFiles returns the conventional files of an app's application
// module and endpoint, relative to the folder, that exist.
func elixirModuleFiles(c *Context, app string) []string {
	if !elixirName(app) {
		return nil
	}
	var out []string
	for _, f := range []string{"lib/" + app + "/application.ex", "lib/" + app + "_web/endpoint.ex", "lib/" + app + ".ex"} {
		if c.Tree.Exists(c.Path(f)) {
			out = append(out, f)
		}
	}
	return out
}

// elixirMember is a member app of an umbrella.
type elixirMember struct {
	path string // tree path of the app's folder
	p    *manifest.MixProject
}

// elixirMembers reads the mix.exs of every app below an umbrella root.
func elixirMembers(c *Context, root string, rp *manifest.MixProject) []elixirMember {
	apps := path.Join(root, rp.AppsPath)
	d := c.Tree.Dir(apps)
	if d == nil {
		return nil
	}
	var out []elixirMember
	for _, name := range d.Dirs {
		dir := d.Join(name)
		data, err := c.ReadPath(path.Join(dir, "mix.exs"))
		if err != nil {
			continue
		}
		p, _ := manifest.ParseMixExs(data)
		if p != nil {
			out = append(out, elixirMember{dir, p})
		}
	}
	return out
}

// elixirUmbrellaRoot concludes for an umbrella root.
func elixirUmbrellaRoot(c *Context, p *manifest.MixProject, r *Result) {
	mixPath := c.Path("mix.exs")
	apps := strings.TrimSuffix(p.AppsPath, "/")
	r.Members = []string{apps + "/*"}
	r.Because(mixPath, "umbrella project: apps in "+apps)
	members := elixirMembers(c, c.Dir.Path, p)
	if r.Name == "" {
		r.Name = path.Base(c.Dir.Path)
		if c.Dir.Path == "." {
			r.Name = ""
		}
	}
	if len(p.Releases) == 0 {
		r.WorkspaceOnly = true
		r.Because(mixPath, "no releases: defined: each app is released on its own")
		return
	}
	r.Because(mixPath, "releases: defined: the umbrella is released as one")
	var deps []manifest.MixDep
	hasMod := false
	for _, m := range members {
		deps = append(deps, m.p.Deps...)
		hasMod = hasMod || m.p.Mod != ""
		r.Lockfiles = append(r.Lockfiles, path.Join(m.path, "mix.exs"))
		for _, d := range m.p.Deps {
			if d.RuntimeDep() && !d.InUmbrella && !slices.Contains(r.Deps, d.Name) {
				r.Deps = append(r.Deps, d.Name)
			}
		}
	}
	if !hasMod && len(members) > 0 {
		r.Library = true
		r.Because(mixPath, "no member app has an application module")
		return
	}
	elixirKind(deps, mixPath, r)
	if r.Framework == "phoenix" {
		for _, m := range members {
			if c.Tree.Dir(path.Join(m.path, "assets")) != nil && slices.Contains(m.p.Aliases, "assets.deploy") {
				// mix assets.deploy at the root runs each app's alias.
				r.Set("assets_deploy", "true")
				r.Because(path.Join(m.path, "assets"), "assets built with mix assets.deploy")
				break
			}
		}
	}
	elixirStart(p.Releases[0], mixPath, r)
}

// elixirUmbrellaOf finds the umbrella root above an app: the workspace the
// engine found, or the folder two levels up (apps/<app>) when its mix.exs
// has apps_path.
func elixirUmbrellaOf(c *Context) (string, *manifest.MixProject) {
	var candidates []string
	if c.Workspace != "" && c.Workspace != c.Dir.Path {
		candidates = append(candidates, c.Workspace)
	}
	if c.Dir.Path != "." && path.Dir(c.Dir.Path) != "." {
		candidates = append(candidates, path.Dir(path.Dir(c.Dir.Path)))
	}
	for _, root := range candidates {
		data, err := c.ReadPath(path.Join(root, "mix.exs"))
		if err != nil {
			continue
		}
		rp, _ := manifest.ParseMixExs(data)
		if rp == nil || !rp.Umbrella() {
			continue
		}
		if Rel(root, c.Dir.Path) == path.Join(strings.TrimSuffix(rp.AppsPath, "/"), path.Base(c.Dir.Path)) {
			return root, rp
		}
	}
	return "", nil
}

// elixirUmbrellaMember concludes for an app of an umbrella; it reports
// false when the app is to be treated as a project of its own.
func elixirUmbrellaMember(c *Context, p *manifest.MixProject, r *Result, root string, rp *manifest.MixProject) bool {
	rootMix := path.Join(root, "mix.exs")
	if len(rp.Releases) > 0 {
		r.Library = true
		r.Because(rootMix, "shipped in the umbrella release "+rp.Releases[0])
		return true
	}
	members := elixirMembers(c, root, rp)
	for _, m := range members {
		if m.path == c.Dir.Path {
			continue
		}
		for _, d := range m.p.Deps {
			if d.InUmbrella && d.Name == p.App && p.App != "" {
				r.Library = true
				r.Because(path.Join(m.path, "mix.exs"), "used by "+m.p.App+" (in_umbrella): shipped in its release")
				return true
			}
		}
	}
	// Built from the root: deps, mix.lock, config/ and _build live there.
	r.BuildContext = root
	r.Lockfiles = []string{rootMix}
	if c.Tree.Exists(path.Join(root, "mix.lock")) {
		r.Lockfiles = append(r.Lockfiles, path.Join(root, "mix.lock"))
	}
	for _, m := range members {
		r.Lockfiles = append(r.Lockfiles, path.Join(m.path, "mix.exs"))
	}
	if c.Tree.Dir(path.Join(root, "config")) != nil {
		r.Set("config", "true")
	} else {
		delete(r.Extra, "config")
	}
	r.Set("umbrella_app", Rel(root, c.Dir.Path))
	r.Because(rootMix, "umbrella app, built from the umbrella root")
	for _, d := range p.Deps {
		if d.InUmbrella {
			r.LocalPaths = append(r.LocalPaths, path.Join(path.Dir(c.Dir.Path), d.Name))
		}
	}
	if r.RuntimeVersion == "" && rp.Elixir != "" {
		r.RuntimeVersion = rp.Elixir
		r.Because(rootMix, "elixir "+rp.Elixir+" required")
	}
	elixirApp(c, p, r)
	return true
}
