// Framework detection for the Node detector: which framework a package
// uses, most specific first, and what each one means for kind, start and
// build commands, default port and static output (Next.js, Nuxt, Remix,
// React Router, TanStack Start, Astro, SvelteKit, Angular, Expo, Nest, the
// plain HTTP servers and Vite).

package stacks

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
)

// nodeFrameworks are the frameworks in the order the most specific wins:
// meta-frameworks before the servers and bundlers they are built on.
var nodeFrameworks = []struct {
	name string
	deps []string
}{
	{"next", []string{"next"}},
	{"nuxt", []string{"nuxt", "nuxt3", "nuxt-edge"}},
	{"react-router", []string{"@react-router/dev", "@react-router/serve", "@react-router/node"}},
	{"remix", []string{"@remix-run/serve", "@remix-run/node", "@remix-run/express", "@remix-run/dev", "@remix-run/react"}},
	{"tanstack-start", []string{"@tanstack/react-start", "@tanstack/start", "@tanstack/solid-start"}},
	{"astro", []string{"astro"}},
	{"sveltekit", []string{"@sveltejs/kit"}},
	{"angular", []string{"@angular/core"}},
	{"expo", []string{"expo"}},
	{"cra", []string{"react-scripts"}},
	{"nest", []string{"@nestjs/core"}},
	{"hono", []string{"hono"}},
	{"fastify", []string{"fastify"}},
	{"koa", []string{"koa"}},
	{"express", []string{"express"}},
	{"vite", []string{"vite"}},
}

// nodeServerFrameworks serve HTTP themselves.
var nodeServerFrameworks = []string{"nest", "hono", "fastify", "koa", "express"}

var (
	reNextOutput     = lazyre.New(`\boutput\s*:\s*['"](standalone|export)['"]`)
	reOutDir         = lazyre.New(`\boutDir\s*:\s*['"]([^'"\s]+)['"]`)
	reSvelteAdapter  = lazyre.New(`@sveltejs/adapter-([a-z-]+)`)
	reSveltePages    = lazyre.New(`\bpages\s*:\s*['"]([^'"\s]+)['"]`)
	reSvelteFallback = lazyre.New(`\bfallback\s*:\s*['"][^'"]+['"]`)
	reSSRFalse       = lazyre.New(`\bssr\s*:\s*false\b`)
	reAstroAdapter   = lazyre.New(`@astrojs/(node|vercel|netlify|cloudflare)\b`)
	reAstroServer    = lazyre.New(`\boutput\s*:\s*['"]server['"]`)
	reScriptName     = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$`)
)

// framework returns the most specific framework the package uses, and the
// dependency that says so.
func (s *nodeScan) framework() (name, dep string) {
	for _, f := range nodeFrameworks {
		if d := FirstOf(s.deps, f.deps...); d != "" {
			return f.name, d
		}
	}
	return "", ""
}

func (s *nodeScan) isServer(fw string) bool {
	switch fw {
	case "next", "nuxt", "remix", "react-router", "tanstack-start":
		return true
	}
	if slices.Contains(nodeServerFrameworks, fw) {
		return true
	}
	for _, o := range nodeOtherServers {
		if slices.Contains(s.deps, o.dep) {
			return true
		}
	}
	return false
}

func (s *nodeScan) web(port int, why string) {
	s.r.Kind = "web"
	if port > 0 {
		s.r.PortDefault = port
		s.r.Because(s.c.Path("package.json"), why)
	}
}

// serverFramework handles a framework that builds a Node server.
func (s *nodeScan) serverFramework(script string, port int, def string) {
	r := s.r
	s.setBuild("")
	s.web(port, r.Framework+" serves on "+strconv.Itoa(port)+" by default")
	s.setStart(script, def)
	r.Score = 0.9
}

func (s *nodeScan) static(out, defBuild string, spa bool) {
	r := s.r
	r.Kind = "static"
	r.PortDefault = 8080
	r.Target = out
	r.Score = 0.8
	if spa {
		r.Set("spa", "1")
	}
	s.setBuild(defBuild)
	r.Because(s.c.Path("package.json"), "static build into "+out)
}

func (s *nodeScan) next(script string) {
	c, r := s.c, s.r
	cfg, text := jsReadFirst(c, "next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts")
	output := ""
	if m := reNextOutput.Re().FindStringSubmatch(text); m != nil {
		output = m[1]
	}
	if output == "export" || strings.Contains(s.pkg.Script("build"), "next export") {
		s.static("out", "next build", false)
		if cfg != "" {
			r.Because(c.Path(cfg), "output: 'export'")
		}
		return
	}
	s.serverFramework(script, 3000, "next start")
	r.Build = jsOr(r.Build, "next build")
	startsNext := script == "" || nextStartOnly(s.pkg.Script(script))
	if output == "standalone" && startsNext && s.ws == nil {
		r.Set("standalone", "1")
		r.Set("bind_env", "HOSTNAME")
		if c.Dir.HasDir("public") {
			r.Set("next_public", "1")
		}
		r.Start = "node .next/standalone/server.js"
		r.Because(c.Path(cfg), "output: 'standalone'")
	}
}

// nextStartOnly reports whether a script is `next start` with only port
// and host flags.
func nextStartOnly(script string) bool {
	cmds := scriptCommands(script)
	if len(cmds) != 1 {
		return false
	}
	f := strings.Fields(cmds[0])
	if len(f) < 2 || f[0] != "next" || f[1] != "start" {
		return false
	}
	for i := 2; i < len(f); i++ {
		a := f[i]
		switch {
		case a == "-p" || a == "--port" || a == "-H" || a == "--hostname":
			i++
		case strings.HasPrefix(a, "--port=") || strings.HasPrefix(a, "-p=") || strings.HasPrefix(a, "--hostname="):
		default:
			return false
		}
	}
	return true
}

func (s *nodeScan) nuxt(script string) {
	if strings.Contains(s.pkg.Script("build"), "generate") {
		s.static(".output/public", "nuxt generate", false)
		return
	}
	s.serverFramework(script, 3000, "node .output/server/index.mjs")
	s.r.Build = jsOr(s.r.Build, "nuxt build")
}

func remixDefaultStart(c *Context) string {
	if c.Dir.First("vite.config.ts", "vite.config.js", "vite.config.mjs") != "" {
		return "remix-serve ./build/server/index.js"
	}
	return "remix-serve ./build/index.js"
}

func (s *nodeScan) reactRouter(script string) {
	cfg, text := jsReadFirst(s.c, "react-router.config.ts", "react-router.config.js", "react-router.config.mjs")
	if reSSRFalse.Re().MatchString(text) {
		s.static("build/client", "react-router build", true)
		s.r.Because(s.c.Path(cfg), "ssr: false")
		return
	}
	s.serverFramework(script, 3000, "react-router-serve ./build/server/index.js")
	s.r.Build = jsOr(s.r.Build, "react-router build")
}

// adapter returns the deployment adapter of a meta-framework (Astro,
// SvelteKit): the one its configuration imports, which re captures, else
// the first of names whose package (prefix+name) is a dependency.
func (s *nodeScan) adapter(re *lazyre.Regexp, config, prefix string, names ...string) string {
	if m := re.Re().FindStringSubmatch(config); m != nil {
		return m[1]
	}
	for _, n := range names {
		if slices.Contains(s.deps, prefix+n) {
			return n
		}
	}
	return ""
}

func (s *nodeScan) astro(script string) {
	c, r := s.c, s.r
	cfg, text := jsReadFirst(c, "astro.config.mjs", "astro.config.ts", "astro.config.js", "astro.config.mts", "astro.config.cjs")
	adapter := s.adapter(reAstroAdapter, text, "@astrojs/", "node", "vercel", "netlify", "cloudflare")
	out := "dist"
	if m := reOutDir.Re().FindStringSubmatch(text); m != nil {
		out = jsCleanRel(m[1], "dist")
	}
	if adapter == "node" {
		s.serverFramework(script, 4321, "node ./"+out+"/server/entry.mjs")
		r.Build = jsOr(r.Build, "astro build")
		r.Set("bind_env", "HOST")
		return
	}
	s.static(out, "astro build", false)
	if adapter != "" && reAstroServer.Re().MatchString(text) {
		r.Warn(c.Path(cfg), 0, "astro adapter @astrojs/"+adapter+" does not run in a container; add @astrojs/node to serve pages on demand")
	}
}

func (s *nodeScan) svelteKit(script string) {
	c, r := s.c, s.r
	cfg, text := jsReadFirst(c, "svelte.config.js", "svelte.config.ts", "svelte.config.mjs")
	adapter := s.adapter(reSvelteAdapter, text, "@sveltejs/adapter-", "node", "static", "auto")
	if adapter == "static" {
		out := "build"
		if m := reSveltePages.Re().FindStringSubmatch(text); m != nil {
			out = jsCleanRel(m[1], "build")
		}
		s.static(out, "vite build", reSvelteFallback.Re().MatchString(text))
		return
	}
	s.serverFramework(script, 3000, "node build")
	r.Build = jsOr(r.Build, "vite build")
	if adapter != "node" {
		file := c.Path("package.json")
		if cfg != "" {
			file = c.Path(cfg)
		}
		r.Warn(file, 0, "sveltekit adapter-"+jsOr(adapter, "auto")+" builds no Node server; add @sveltejs/adapter-node")
		r.Score = 0.7
	}
}

func (s *nodeScan) angular() {
	c, r := s.c, s.r
	app := manifest.AngularApp{Name: s.pkg.Name}
	if c.Has("angular.json") {
		data, _ := c.Read("angular.json")
		a, err := manifest.ParseAngularJSON(data)
		if err != nil {
			r.Warn(c.Path("angular.json"), manifest.ErrorLine(err), "cannot parse: "+jsErrMsg(err))
		}
		if a != nil && len(a.Apps) > 0 {
			app = a.Apps[0]
			r.Because(c.Path("angular.json"), "angular application "+app.Name)
		}
	}
	name := jsSafeSegment(app.Name, "app")
	base := app.OutputPath
	if base == "" {
		base = "dist/" + name
	}
	base = jsCleanRel(base, "dist/"+name)
	applicationBuilder := strings.HasSuffix(app.Builder, ":application") || app.Builder == ""
	if app.SSR || s.pkg.Has("@angular/ssr") && app.Builder == "" || s.pkg.Has("@nguniversal/express-engine") {
		script := ""
		for _, n := range []string{"serve:ssr:" + app.Name, "serve:ssr"} {
			if reScriptName.Re().MatchString(n) && s.pkg.Script(n) != "" {
				script = n
				break
			}
		}
		def := "node " + base + "/server/server.mjs"
		if !applicationBuilder {
			def = "node " + base + "/server/main.js"
		}
		s.serverFramework(script, 4000, def)
		r.Build = jsOr(r.Build, "ng build")
		r.Entrypoints = jsAppendExisting(c, r.Entrypoints, "server.ts", "src/server.ts")
		return
	}
	out := base
	if applicationBuilder {
		switch {
		case app.Browser == nil:
			out = base + "/browser"
		case *app.Browser != "":
			out = base + "/" + jsCleanRel(*app.Browser, "browser")
		}
	}
	s.static(out, "ng build", true)
}

func (s *nodeScan) expo() {
	if !s.pkg.Has("react-native-web") {
		s.undeployable("expo app without react-native-web: nothing to serve")
		return
	}
	s.static("dist", "expo export --platform web", true)
}

func (s *nodeScan) nest(script string) {
	c := s.c
	entry := "main"
	if c.Has("nest-cli.json") {
		data, _ := c.Read("nest-cli.json")
		var cfg struct {
			EntryFile  string `json:"entryFile"`
			SourceRoot string `json:"sourceRoot"`
		}
		if manifest.DecodeJSONC(data, &cfg) == nil && cfg.EntryFile != "" {
			entry = jsCleanRel(cfg.EntryFile, "main")
		}
	}
	s.serverFramework(script, 3000, "node dist/"+entry+".js")
	s.r.Build = jsOr(s.r.Build, "nest build")
	s.r.Entrypoints = jsAppendExisting(c, s.r.Entrypoints, "src/"+entry+".ts")
}

// plainServer handles express, koa, fastify and hono: no port of their own
// (the engine finds the listen call), started by the start script or the
// entry file.
func (s *nodeScan) plainServer(script, fw string) {
	c, r := s.c, s.r
	s.setBuild("")
	r.Kind = "web"
	r.Score = 0.9
	if script != "" {
		s.setStart(script, "")
		if f := strings.Fields(s.pkg.Script(script)); fw == "fastify" && len(f) > 1 && f[0] == "fastify" && f[1] == "start" {
			// fastify-cli listens on localhost:3000 unless told otherwise.
			r.PortDefault = 3000
			r.Set("bind_env", "FASTIFY_ADDRESS")
			r.Because(c.Path("package.json"), "fastify-cli serves on 3000 by default")
		}
		s.entryPoints()
	} else if !s.startFromEntry() {
		r.Score = 0.7
		r.Warn(c.Path("package.json"), 0, fw+" app without a start script or an entry file")
	}
	if fw == "hono" && s.pm.name != "bun" && !s.pkg.Has("@hono/node-server") && s.pkg.Has("wrangler") {
		r.Warn(c.Path("package.json"), 0, "hono app for Cloudflare Workers (wrangler): it needs @hono/node-server to run on Node")
		r.Score = 0.5
	}
	s.bunPort()
}

// bunPort sets Bun's own default: Bun.serve and a default-exported fetch
// handler listen on $PORT or 3000, with no listen call for the engine to find.
func (s *nodeScan) bunPort() {
	if s.pm.name == "bun" && s.r.PortDefault == 0 {
		s.r.PortDefault = 3000
		s.r.Because(s.c.Path("package.json"), "bun serves on 3000 by default")
	}
}

func (s *nodeScan) vite(script string) {
	c, r := s.c, s.r
	if script != "" && !strings.Contains(s.pkg.Script(script), "vite") {
		// A Node server that serves a Vite-built front end.
		s.setBuild("vite build")
		s.setStart(script, "")
		r.Score = 0.9
		s.entryPoints()
		return
	}
	if !c.Has("index.html") {
		if !s.assetsOnly("") {
			r.Score = 0.2
			r.Because(c.Path("package.json"), "vite without index.html or a build script")
		}
		return
	}
	_, text := jsReadFirst(c, "vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts", "vite.config.cjs")
	out := "dist"
	if m := reOutDir.Re().FindStringSubmatch(text); m != nil {
		out = jsCleanRel(m[1], "dist")
	}
	s.static(out, "vite build", true)
	r.Because(c.Path("index.html"), "vite single-page app")
}
