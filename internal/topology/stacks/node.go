package stacks

import (
	"errors"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// Node detects Node.js projects: a package.json installed by npm, Yarn,
// pnpm or Bun (a Bun project stays language "node" with package manager
// "bun"), and the project.json folders of an Nx workspace.
//
// Extra keys, read by internal/plan/node.go:
//
//	"yarn"             "berry" when Yarn 2+ installs the project (else Yarn classic)
//	"pm_version"       the package manager version the tree pins (packageManager, Volta, moon)
//	"spa"              "1": the static build is a single-page app; unknown paths serve index.html
//	"standalone"       "1": Next.js output: 'standalone'; the image runs .next/standalone/server.js
//	"next_public"      "1": a Next.js standalone app has a public/ folder to copy beside it
//	"bind_env"         a variable the server reads its listen address from (HOST for Astro,
//	                   FASTIFY_ADDRESS for fastify-cli, HOSTNAME for Next standalone);
//	                   the image sets it to 0.0.0.0
//	"keep_dev"         "1": the start command runs a tool from devDependencies, so the
//	                   image keeps them instead of pruning to production dependencies
//	"build_from_context" "1": Build runs at BuildContext, not in the folder (turbo run
//	                   build --filter=<member>... in a Turborepo)
//	"run_from_context" "1": build and start run at BuildContext, not in the folder (an Nx
//	                   project without a package.json of its own); Start is relative to it
//
// BuildContext is set to the workspace root for a workspace member that has
// no lockfile of its own: the install must run where the lockfile and the
// sibling members are. Lockfiles then lists the root lockfile, the root
// package.json and workspace files, and the package.json of every member,
// because npm ci, pnpm install --frozen-lockfile and yarn --immutable refuse
// a workspace with members missing. Target is the folder a static build
// writes (relative to the service folder).
type Node struct{}

// Name implements Detector.
func (Node) Name() string { return "node" }

// Detect implements Detector.
func (Node) Detect(c *Context) *Result {
	if c.Has("package.json") {
		return detectNodePackage(c)
	}
	if c.Has("project.json") {
		return detectNxProject(c)
	}
	return nil
}

var nodeSourceExts = []string{".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".vue", ".svelte", ".astro"}

// nodeLockfiles are the lockfiles of each package manager, in the order a
// folder holding several is resolved.
var nodeLockfiles = []struct{ file, pm string }{
	{"bun.lock", "bun"}, {"bun.lockb", "bun"},
	{"pnpm-lock.yaml", "pnpm"},
	{"yarn.lock", "yarn"},
	{"package-lock.json", "npm"}, {"npm-shrinkwrap.json", "npm"},
}

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

// nodeOtherServers are HTTP servers outside the framework list: they make a
// package a web service, and some fix their own port.
var nodeOtherServers = []struct {
	dep  string
	port int
}{
	{"@strapi/strapi", 1337}, {"directus", 8055}, {"@keystone-6/core", 3000},
	{"@medusajs/medusa", 9000}, {"@adonisjs/core", 3333}, {"sails", 1337},
	{"@feathersjs/feathers", 3030}, {"elysia", 0}, {"@hapi/hapi", 0}, {"hapi", 0},
	{"restify", 0}, {"polka", 0}, {"h3", 0}, {"@apollo/server", 0}, {"apollo-server", 0},
	{"graphql-yoga", 0}, {"json-server", 0}, {"@hono/node-server", 0}, {"micro", 0},
}

// nodeSSGs are static site generators without a framework name of their own.
var nodeSSGs = []struct {
	dep, build, out string
	spa             bool
}{
	{"gatsby", "gatsby build", "public", false},
	{"@docusaurus/core", "docusaurus build", "build", false},
	{"@11ty/eleventy", "eleventy", "_site", false},
	{"hexo", "hexo generate", "public", false},
	{"vitepress", "vitepress build", ".vitepress/dist", false},
	{"@vue/cli-service", "vue-cli-service build", "dist", true},
}

// nodeWorkerDeps make a package without an HTTP server a worker: bots and
// queue consumers.
var nodeWorkerDeps = []string{
	"bullmq", "bull", "bee-queue", "agenda", "graphile-worker", "pg-boss", "@temporalio/worker",
	"kafkajs", "amqplib", "discord.js", "telegraf", "grammy", "node-cron",
}

// nodeAssetTools are the bundlers and CSS tools of an asset pipeline.
var nodeAssetTools = []string{
	"vite", "webpack", "esbuild", "rollup", "parcel", "tailwindcss", "@tailwindcss/cli", "postcss",
	"sass", "laravel-mix", "@symfony/webpack-encore", "gulp", "grunt", "browserify", "tsup",
	"@rails/webpacker", "shakapacker", "jsbundling-rails", "cssbundling-rails",
}

// jsBackendManifests mark a folder whose server is another stack: a
// package.json there is the asset pipeline of that app.
var jsBackendManifests = []string{
	"composer.json", "artisan", "Gemfile", "config.ru", "manage.py", "requirements.txt",
	"pyproject.toml", "Pipfile", "go.mod", "mix.exs", "Cargo.toml", "pom.xml", "build.gradle",
	"build.gradle.kts", "build.sbt", "project.clj", "deps.edn", "gleam.toml", "shard.yml",
	"pubspec.yaml", "Package.swift", "stack.yaml", "build.zig", "CMakeLists.txt",
}

// jsBackendManifest returns the manifest of another stack's app in the
// folder (a .csproj or .cabal counts), or "".
func jsBackendManifest(d *tree.Dir) string {
	if f := d.First(jsBackendManifests...); f != "" {
		return f
	}
	if fs := d.WithExt(".csproj", ".fsproj", ".vbproj", ".cabal"); len(fs) > 0 {
		return fs[0]
	}
	return ""
}

var (
	reNodePort       = lazyre.New(`(?:^|\s)(?:-p|--port)(?:=|\s+)(\d{2,5})\b`)
	reNodePortEnv    = lazyre.New(`(?:^|\s)PORT=(\d{2,5})\b`)
	reNextOutput     = lazyre.New(`\boutput\s*:\s*['"](standalone|export)['"]`)
	reOutDir         = lazyre.New(`\boutDir\s*:\s*['"]([^'"\s]+)['"]`)
	reSvelteAdapter  = lazyre.New(`@sveltejs/adapter-([a-z-]+)`)
	reSveltePages    = lazyre.New(`\bpages\s*:\s*['"]([^'"\s]+)['"]`)
	reSvelteFallback = lazyre.New(`\bfallback\s*:\s*['"][^'"]+['"]`)
	reSSRFalse       = lazyre.New(`\bssr\s*:\s*false\b`)
	reAstroAdapter   = lazyre.New(`@astrojs/(node|vercel|netlify|cloudflare)\b`)
	reAstroServer    = lazyre.New(`\boutput\s*:\s*['"]server['"]`)
	reVitepressBuild = lazyre.New(`\bvitepress\s+build(?:\s+([^\s&|;]+))?`)
	reWorkerName     = lazyre.New(`(?:^|[-_./@])(?:worker|workers|queue|queues|consumer|consumers|jobs|cron|scheduler|bot|processor)(?:$|[-_.])`)
	reScriptName     = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$`)
	reNpmName        = lazyre.New(`^(?:@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*$`)
)

// nodeScan is the state of one package's detection.
type nodeScan struct {
	c    *Context
	r    *Result
	pkg  *manifest.PackageJSON
	pm   nodePM
	ws   *jsWorkspace // the enclosing workspace, nil when the folder is not a member
	own  *jsWorkspace // the workspace this folder declares, nil when it declares none
	deps []string
	// devFile is the file a development start script watches: with the
	// watcher dropped, it is the entry point.
	devFile string
}

// nodePM is the package manager that installs the folder.
type nodePM struct {
	name     string // npm, yarn, pnpm, bun
	version  string
	berry    bool
	lockfile string // tree path, "" when there is none
}

func detectNodePackage(c *Context) *Result {
	r := &Result{Language: "node", SourceExts: nodeSourceExts}
	pkgPath := c.Path("package.json")
	var parseErr error
	var pkg *manifest.PackageJSON
	if data, err := c.Read("package.json"); err != nil {
		parseErr = err
	} else {
		pkg, parseErr = manifest.ParsePackageJSON(data)
	}
	if pkg == nil {
		pkg = &manifest.PackageJSON{}
	}
	s := &nodeScan{c: c, r: r, pkg: pkg, deps: pkg.DepNames()}
	r.Name = pkg.Name
	r.Deps = s.deps
	r.Because(pkgPath, "package.json")
	r.LocalPaths = s.localPaths()

	s.own = readJSWorkspace(c, c.Dir.Path, pkg)
	s.ws = findEnclosingWorkspace(c)
	s.pm = s.packageManager()
	s.runtimeVersion()
	s.classify()
	s.buildFiles()
	if parseErr != nil {
		r.WarnParse(pkgPath, parseErr)
	}
	return r
}

// classify settles framework, kind, start, build, port and score.
func (s *nodeScan) classify() {
	c, r := s.c, s.r
	pkgPath := c.Path("package.json")
	fw, fwDep := s.framework()
	script, devStart := s.startScript()
	devScript := ""
	if devStart {
		// A development server is no way to serve production traffic: the
		// framework's own server or the entry file it watches is.
		devScript, script = script, ""
		s.devFile = devEntryFile(s.pkg.Script(devScript))
	}

	// A workspace root that only gathers members.
	if s.own != nil {
		r.Members = s.own.relMembers(c.Dir.Path)
		for _, src := range s.own.sources {
			r.Because(src, "workspace members")
		}
		if !s.rootHasOwnApp(fw, script) {
			r.WorkspaceOnly = true
			r.Score = 0.9
			r.Because(pkgPath, "workspace root without a server of its own")
			return
		}
	}

	// The asset pipeline of another stack's app.
	if backend := jsBackendManifest(c.Dir); backend != "" && !s.isServer(fw) && script == "" {
		s.assetsOnly(backend)
		return
	}

	if fw != "" {
		r.Framework = fw
		r.Because(pkgPath, fwDep+" in dependencies")
	}

	switch fw {
	case "next":
		s.next(script)
	case "nuxt":
		s.nuxt(script)
	case "remix":
		s.serverFramework(script, 3000, remixDefaultStart(c))
	case "react-router":
		s.reactRouter(script)
	case "tanstack-start":
		s.serverFramework(script, 3000, "node .output/server/index.mjs")
	case "astro":
		s.astro(script)
	case "sveltekit":
		s.svelteKit(script)
	case "angular":
		s.angular()
	case "expo":
		s.expo()
	case "cra":
		s.static("build", "react-scripts build", true)
	case "nest":
		s.nest(script)
	case "hono", "fastify", "koa", "express":
		s.plainServer(script, fw)
	case "vite":
		s.vite(script)
	default:
		s.noFramework(script)
	}
	if devScript != "" && r.Start != "" && r.Kind != "static" {
		r.Warn(pkgPath, manifest.KeyLine(jsMustRead(c, "package.json"), devScript),
			devScript+" script runs a development server; the image runs "+r.Start)
	}
	s.portFromScript(script)
	if r.Kind == "web" {
		if route, file := jsFileRouteHealth(c, r.Framework); route != "" {
			r.Health = route
			r.Because(c.Path(file), "health route "+route)
		}
	}
	if (c.Has("deno.json") || c.Has("deno.jsonc")) && script == "" && !s.isServer(fw) {
		// A Deno project with a package.json for npm packages: Deno's
		// detector makes the stronger claim.
		r.Score = min(r.Score, 0.4)
	}
}

// devEntryFile returns the file a watcher runs (`nodemon src/bot.js`,
// `tsx watch src/index.ts`), or "".
func devEntryFile(script string) string {
	for _, cmd := range scriptCommands(script) {
		f := strings.Fields(cmd)
		switch f[0] {
		case "nodemon", "ts-node-dev", "node", "tsx", "bun":
		default:
			continue
		}
		for _, a := range f[1:] {
			if strings.HasPrefix(a, "-") || a == "watch" || a == "run" {
				continue
			}
			switch path.Ext(a) {
			case ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts":
				return jsCleanRel(a, "")
			}
			break
		}
	}
	return ""
}

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

// startScript picks the script that starts the package in production: start,
// unless it runs a development server and a production variant exists.
func (s *nodeScan) startScript() (name string, dev bool) {
	start := s.pkg.Script("start")
	if start != "" && !isDevCommand(start) {
		return "start", false
	}
	for _, n := range []string{"start:prod", "start:production", "prod", "serve:prod"} {
		if v := s.pkg.Script(n); v != "" && !isDevCommand(v) {
			return n, false
		}
	}
	if start != "" {
		return "start", true
	}
	return "", false
}

// isDevCommand reports whether a script runs a development server or a
// watcher, which is no way to serve production traffic.
func isDevCommand(script string) bool {
	for _, cmd := range scriptCommands(script) {
		f := strings.Fields(cmd)
		if len(f) == 0 {
			continue
		}
		two := f[0]
		if len(f) > 1 {
			two += " " + f[1]
		}
		switch f[0] {
		case "nodemon", "ts-node-dev", "webpack-dev-server", "storybook", "start-storybook":
			return true
		case "vite":
			return len(f) == 1 || f[1] == "dev" || f[1] == "serve" || f[1] == "preview" || strings.HasPrefix(f[1], "-")
		case "parcel":
			return len(f) < 2 || f[1] != "build"
		case "node", "bun", "tsx":
			if slices.Contains(f, "--watch") || slices.Contains(f, "--hot") || two == "tsx watch" {
				return true
			}
		case "nest":
			if two == "nest start" && !slices.Contains(f, "--prod") {
				return true
			}
		}
		switch two {
		case "react-scripts start", "ng serve", "expo start", "astro dev", "astro preview", "nuxt dev", "nuxi dev",
			"next dev", "gatsby develop", "docusaurus start", "vue-cli-service serve", "webpack serve",
			"remix dev", "react-router dev", "vinxi dev", "svelte-kit dev", "vitepress dev", "hexo server":
			return true
		}
	}
	return false
}

// scriptCommands splits a script into its commands, without environment
// assignments, cross-env or npx in front.
func scriptCommands(script string) []string {
	var out []string
	for _, part := range jsSplitShell(script) {
		f := strings.Fields(part)
		for len(f) > 0 {
			w := f[0]
			if strings.Contains(w, "=") && !strings.HasPrefix(w, "-") || w == "cross-env" || w == "npx" || w == "exec" || w == "dotenv" || w == "--" {
				f = f[1:]
				continue
			}
			break
		}
		if len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return out
}

// jsSplitShell splits a command line on &&, ||, ; and |.
func jsSplitShell(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '&' || r == '|' || r == ';' })
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

// runScript is how the package manager runs a script.
func (s *nodeScan) runScript(name string) string {
	if name == "start" && s.pm.name != "bun" {
		return s.pm.name + " start"
	}
	return s.pm.name + " run " + name
}

// exec is how the package manager runs a binary of the installed packages.
func (s *nodeScan) exec() string {
	switch s.pm.name {
	case "pnpm":
		return "pnpm exec"
	case "yarn":
		return "yarn"
	case "bun":
		return "bunx"
	}
	return "npx"
}

// setBuild sets the build: the build script when there is one (through
// turbo or nx in their monorepos, so the members it uses are built first),
// else the framework's own command.
func (s *nodeScan) setBuild(def string) {
	r, pkg := s.r, s.pkg
	if pkg.Script("build") != "" {
		r.Build = s.runScript("build")
		r.Because(s.c.Path("package.json"), "build script")
		if s.ws != nil && reNpmName.Re().MatchString(pkg.Name) {
			switch s.ws.tool {
			case "turbo":
				r.Build = s.exec() + " turbo run build --filter=" + pkg.Name + "..."
				r.Set("build_from_context", "1")
				r.Because(s.ws.toolFile, "turborepo builds the member and its dependencies")
			case "nx":
				r.Build = s.exec() + " nx run " + pkg.Name + ":build"
				r.Set("build_from_context", "1")
				r.Because(s.ws.toolFile, "nx builds the member and its dependencies")
			}
		}
		return
	}
	if def != "" {
		r.Build = def
	}
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

// setStart sets the start command: the start script through the package
// manager, else def (the framework's own server).
func (s *nodeScan) setStart(script, def string) {
	r := s.r
	if script != "" {
		r.Start = s.runScript(script)
		r.Because(s.c.Path("package.json"), script+" script")
		s.keepDevFor(s.pkg.Script(script))
		return
	}
	if def != "" {
		r.Start = def
		r.Because(s.c.Path("package.json"), "framework's production server")
		s.keepDevFor(def)
	}
}

// keepDevFor marks the image to keep devDependencies when cmd runs a tool
// that only devDependencies provide.
func (s *nodeScan) keepDevFor(cmd string) {
	bins := map[string]string{
		"remix-serve": "@remix-run/serve", "react-router-serve": "@react-router/serve",
		"nest": "@nestjs/cli", "tsc": "typescript", "ng": "@angular/cli", "nuxi": "nuxi",
	}
	for _, part := range scriptCommands(cmd) {
		w := strings.Fields(part)[0]
		dep := w
		if p, ok := bins[w]; ok {
			dep = p
		}
		if _, dev := s.pkg.DevDependencies[dep]; dev {
			if _, prod := s.pkg.Dependencies[dep]; !prod {
				s.r.Set("keep_dev", "1")
				s.r.Because(s.c.Path("package.json"), "start uses "+dep+" from devDependencies")
				return
			}
		}
	}
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

func (s *nodeScan) astro(script string) {
	c, r := s.c, s.r
	cfg, text := jsReadFirst(c, "astro.config.mjs", "astro.config.ts", "astro.config.js", "astro.config.mts", "astro.config.cjs")
	adapter := ""
	if m := reAstroAdapter.Re().FindStringSubmatch(text); m != nil {
		adapter = m[1]
	} else if d := FirstOf(s.deps, "@astrojs/node", "@astrojs/vercel", "@astrojs/netlify", "@astrojs/cloudflare"); d != "" {
		adapter = strings.TrimPrefix(d, "@astrojs/")
	}
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
	adapter := ""
	if m := reSvelteAdapter.Re().FindStringSubmatch(text); m != nil {
		adapter = m[1]
	} else if d := FirstOf(s.deps, "@sveltejs/adapter-node", "@sveltejs/adapter-static", "@sveltejs/adapter-auto"); d != "" {
		adapter = strings.TrimPrefix(d, "@sveltejs/adapter-")
	}
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

// noFramework handles a package without a framework: another HTTP server,
// a static site generator, a start script, an entry file, a CLI, an asset
// pipeline, a library, or only tooling.
func (s *nodeScan) noFramework(script string) {
	c, r, pkg := s.c, s.r, s.pkg
	pkgPath := c.Path("package.json")
	for _, o := range nodeOtherServers {
		if slices.Contains(s.deps, o.dep) {
			r.Kind = "web"
			r.Because(pkgPath, o.dep+" in dependencies")
			if o.port > 0 {
				r.PortDefault = o.port
				r.Because(pkgPath, o.dep+" serves on "+strconv.Itoa(o.port)+" by default")
			}
			s.setBuild("")
			r.Score = 0.9
			if script != "" {
				s.setStart(script, "")
			} else if !s.startFromEntry() {
				r.Score = 0.7
			}
			s.bunPort()
			s.entryPoints()
			return
		}
	}
	if pkg.Has("electron") || pkg.Has("react-native") {
		s.undeployable("desktop or mobile app: nothing to serve")
		return
	}
	if script == "" {
		for _, g := range nodeSSGs {
			if slices.Contains(s.deps, g.dep) {
				out := g.out
				if g.dep == "vitepress" {
					for _, sc := range pkg.Scripts {
						if m := reVitepressBuild.Re().FindStringSubmatch(sc); m != nil && m[1] != "" {
							out = jsCleanRel(m[1], ".") + "/.vitepress/dist"
						}
					}
				}
				r.Because(pkgPath, g.dep+" in dependencies")
				s.static(out, g.build, g.spa)
				return
			}
		}
		if pkg.Has("html-webpack-plugin") && pkg.Script("build") != "" {
			r.Because(pkgPath, "html-webpack-plugin in dependencies")
			s.static("dist", "", true)
			return
		}
	}
	if script != "" {
		s.setBuild("")
		s.setStart(script, "")
		r.Score = 0.9
		if s.looksWorker() {
			r.Kind = "worker"
		}
		s.entryPoints()
		return
	}
	if s.devFile == "" && s.libraryMarks() {
		s.library()
		return
	}
	if s.startFromEntry() {
		s.setBuild("")
		if s.looksWorker() {
			r.Kind = "worker"
		}
		return
	}
	if len(pkg.Bin) > 0 && s.ws == nil {
		// A command-line tool: weak on its own, a library in a workspace.
		name := jsSortedKeys(pkg.Bin)[0]
		s.setBuild("")
		r.Start = "node " + jsCleanRel(pkg.Bin[name], "index.js")
		r.Score = 0.4
		r.Because(pkgPath, "bin "+name)
		return
	}
	if s.assetsOnly("") {
		return
	}
	if s.ws != nil || pkg.Main != "" || pkg.Module != "" || pkg.HasExports {
		s.library()
		return
	}
	// Tooling only: linters, formatters, test runners.
	r.Score = 0.2
	r.Because(pkgPath, "no start script, entry point or framework")
}

// looksWorker reports whether a package without an HTTP server runs as a
// worker: its name or folder says so, or it uses a queue or bot library.
func (s *nodeScan) looksWorker() bool {
	if s.isServer("") {
		return false
	}
	base := path.Base(s.c.Dir.Path)
	for _, n := range []string{strings.ToLower(s.pkg.Name), strings.ToLower(base)} {
		if n != "" && n != "." && reWorkerName.Re().MatchString(n) {
			s.r.Because(s.c.Path("package.json"), "named like a worker, no HTTP server")
			return true
		}
	}
	if d := FirstOf(s.deps, nodeWorkerDeps...); d != "" {
		s.r.Because(s.c.Path("package.json"), d+" without an HTTP server")
		return true
	}
	return false
}

// libraryMarks reports whether a package without a start script is meant
// to be imported: it declares types or exports, or its main is a build
// output, or it is a workspace member with a main.
func (s *nodeScan) libraryMarks() bool {
	pkg := s.pkg
	if pkg.Types != "" || pkg.HasExports || pkg.Module != "" || pkg.HasFiles {
		return true
	}
	m := strings.TrimPrefix(pkg.Main, "./")
	return m != "" && (s.ws != nil || strings.HasPrefix(m, "dist/") || strings.HasPrefix(m, "lib/") || strings.HasPrefix(m, "build/"))
}

// undeployable handles a package that runs nowhere a server does (a
// mobile or desktop app). Outside a workspace it is a weak claim; inside
// one, where any member becomes a service, it is a library: its users
// still rebuild when it changes, and nothing broken is deployed.
func (s *nodeScan) undeployable(why string) {
	s.r.Because(s.c.Path("package.json"), why)
	if s.ws != nil {
		s.r.Library = true
		s.r.Score = 0.5
		return
	}
	s.r.Score = 0.2
}

func (s *nodeScan) library() {
	s.r.Library = true
	s.r.Score = 0.5
	s.setBuild("")
	s.r.Because(s.c.Path("package.json"), "no start script, entry point or server framework")
}

// assetsOnly handles a package that only builds assets: with a sibling
// manifest it is the asset pipeline of that app. It reports false when the
// package builds nothing.
func (s *nodeScan) assetsOnly(backend string) bool {
	pkg := s.pkg
	build := pkg.Script("build")
	if build == "" && pkg.Script("dev") == "" && pkg.Script("production") == "" && pkg.Script("prod") == "" {
		if backend != "" {
			s.r.Score = 0.2
			s.r.Because(s.c.Path(backend), "tooling beside another stack's app")
			return true
		}
		return false
	}
	tool := FirstOf(s.deps, nodeAssetTools...)
	if tool == "" && backend == "" {
		return false
	}
	if backend == "" && s.ws != nil {
		// A workspace package that builds assets for its users.
		s.library()
		return true
	}
	s.r.Score = 0.3
	switch {
	case build != "":
		s.r.Build = s.runScript("build")
	case pkg.Script("production") != "":
		s.r.Build = s.runScript("production")
	case pkg.Script("prod") != "":
		s.r.Build = s.runScript("prod")
	}
	why := "asset build"
	if tool != "" {
		why = "asset build with " + tool
	}
	if backend != "" {
		why += " for the app of " + backend
	}
	s.r.Because(s.c.Path("package.json"), why)
	return true
}

// startFromEntry starts the package from its main field or a conventional
// entry file; it reports false when there is none.
func (s *nodeScan) startFromEntry() bool {
	c, r, pkg := s.c, s.r, s.pkg
	file := ""
	if s.devFile != "" && c.Tree.Exists(c.Path(s.devFile)) {
		file = s.devFile
	} else if m := jsCleanRel(pkg.Main, ""); m != "" && m != "." {
		file = m
		if !c.Tree.Exists(c.Path(m)) && !jsHasExt(m) {
			for _, ext := range []string{".js", ".mjs", ".cjs", "/index.js"} {
				if c.Tree.Exists(c.Path(m + ext)) {
					file = m + ext
					break
				}
			}
		}
	}
	if file == "" {
		for _, f := range []string{
			"server.js", "server.mjs", "server.ts", "app.js", "app.mjs", "app.ts", "index.js", "index.mjs", "index.ts", "main.js", "main.ts",
			"src/server.ts", "src/server.js", "src/index.ts", "src/index.js", "src/main.ts", "src/main.js", "src/app.ts", "src/app.js",
		} {
			if c.Tree.Exists(c.Path(f)) {
				file = f
				break
			}
		}
	}
	if file == "" {
		return false
	}
	r.Start = s.entryCommand(file)
	r.Score = max(r.Score, 0.7)
	r.Because(c.Path(file), "entry point")
	r.Entrypoints = jsAppendExisting(c, r.Entrypoints, file)
	return true
}

// entryCommand is the command that runs an entry file: bun runs
// TypeScript itself; tsx or ts-node when installed; the compiled file when
// tsc builds it; node otherwise.
func (s *nodeScan) entryCommand(file string) string {
	c, r, pkg := s.c, s.r, s.pkg
	if s.pm.name == "bun" {
		return "bun run " + file
	}
	ts := strings.HasSuffix(file, ".ts") || strings.HasSuffix(file, ".mts") || strings.HasSuffix(file, ".cts")
	if !ts {
		return "node " + file
	}
	for _, runner := range []string{"tsx", "ts-node"} {
		if pkg.Has(runner) {
			cmd := runner + " " + file
			s.keepDevFor(cmd)
			return cmd
		}
	}
	if pkg.Script("build") != "" {
		out, root := "dist", ""
		if c.Has("tsconfig.json") {
			data, _ := c.Read("tsconfig.json")
			if tc, _ := manifest.ParseTSConfig(data); tc != nil {
				out = jsCleanRel(tc.OutDir, "dist")
				root = jsCleanRel(tc.RootDir, "")
			}
		}
		rel := file
		switch {
		case root != "" && root != "." && strings.HasPrefix(file, root+"/"):
			rel = strings.TrimPrefix(file, root+"/")
		case root == "" && strings.HasPrefix(file, "src/"):
			rel = strings.TrimPrefix(file, "src/")
		}
		ext := path.Ext(rel)
		js := map[string]string{".ts": ".js", ".mts": ".mjs", ".cts": ".cjs"}[ext]
		return "node " + out + "/" + strings.TrimSuffix(rel, ext) + js
	}
	r.Warn(c.Path(file), 0, "TypeScript entry without tsx, ts-node or a build script: it needs Node 23.6 or later")
	return "node " + file
}

// entryPoints records the files worth scanning first for a package started
// by a script.
func (s *nodeScan) entryPoints() {
	c, r := s.c, s.r
	if m := jsCleanRel(s.pkg.Main, ""); m != "" && m != "." {
		r.Entrypoints = jsAppendExisting(c, r.Entrypoints, m)
	}
	r.Entrypoints = jsAppendExisting(c, r.Entrypoints, "server.js", "server.ts", "app.js", "app.ts", "index.js", "index.ts",
		"src/server.ts", "src/server.js", "src/index.ts", "src/index.js", "src/main.ts", "src/app.ts")
	if len(r.Entrypoints) > 4 {
		r.Entrypoints = r.Entrypoints[:4]
	}
}

// portFromScript reads a port the start script names (`next start -p
// 4000`, `PORT=8080 node server.js`).
func (s *nodeScan) portFromScript(script string) {
	if script == "" {
		return
	}
	cmd := s.pkg.Script(script)
	for _, re := range []*lazyre.Regexp{reNodePort, reNodePortEnv} {
		if m := re.Re().FindStringSubmatch(cmd); m != nil {
			if p, err := strconv.Atoi(m[1]); err == nil && p > 0 && p < 65536 {
				s.r.Port = p
				s.r.Because(s.c.Path("package.json"), script+" script sets port "+m[1])
				return
			}
		}
	}
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
	if t := s.moonToolchain(); t != nil && slices.Contains([]string{"npm", "pnpm", "yarn", "bun"}, t.PackageManager) {
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
	if t := s.moonToolchain(); t != nil && t.PackageManager == pm && t.ManagerVersion != "" {
		return t.ManagerVersion
	}
	return ""
}

// moonToolchain reads .moon/toolchain.yml of the workspace, if any.
func (s *nodeScan) moonToolchain() *manifest.MoonToolchain {
	dir := s.c.Dir.Path
	if s.ws != nil {
		dir = s.ws.dir
	}
	p := tree.Join(dir, ".moon/toolchain.yml")
	if !s.c.Tree.Exists(p) {
		return nil
	}
	data, err := s.c.ReadPath(p)
	if err != nil {
		return nil
	}
	t, _ := manifest.ParseMoonToolchain(data)
	return t
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
	if t := s.moonToolchain(); t != nil && t.NodeVersion != "" {
		dir := c.Dir.Path
		if s.ws != nil {
			dir = s.ws.dir
		}
		set(t.NodeVersion, tree.Join(dir, ".moon/toolchain.yml"), "node version from moon")
	}
}

// localPaths are the tree paths of packages this one depends on by path
// (file: and link: specifiers).
func (s *nodeScan) localPaths() []string {
	var out []string
	for _, m := range []map[string]string{s.pkg.Dependencies, s.pkg.DevDependencies} {
		for _, v := range m {
			rel, ok := strings.CutPrefix(v, "file:")
			if !ok {
				rel, ok = strings.CutPrefix(v, "link:")
			}
			if !ok || strings.HasSuffix(rel, ".tgz") {
				continue
			}
			p := path.Join(s.c.Dir.Path, rel)
			if p != ".." && !strings.HasPrefix(p, "../") && !path.IsAbs(p) && s.c.Tree.Dir(p) != nil {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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
				if p := jsCleanRel(rc.YarnPath, ""); p != "" && p != "." {
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
	for _, p := range s.pkg.PatchedDependencies {
		if cp := jsCleanRel(p, ""); cp != "" && cp != "." {
			add(tree.Join(root, cp))
		}
	}
	if s.ws != nil && s.ws.pkg != nil {
		for _, p := range s.ws.pkg.PatchedDependencies {
			if cp := jsCleanRel(p, ""); cp != "" && cp != "." {
				add(tree.Join(s.ws.dir, cp))
			}
		}
	}
	if s.pkg.Has("patch-package") {
		if d := c.Tree.Dir(c.Path("patches")); d != nil {
			for _, f := range d.WithExt(".patch") {
				add(d.Join(f))
			}
		}
	}
	if s.pkg.Has("prisma") || s.pkg.Has("@prisma/client") {
		if sp := jsCleanRel(s.pkg.PrismaSchema, ""); sp != "" && sp != "." && c.Tree.Exists(c.Path(sp)) {
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
				for _, k := range jsSortedKeys(m.Sources) {
					if p := jsCleanRel(m.Sources[k], ""); p != "" && p != "." {
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

func jsLockfileNames() []string {
	out := make([]string, len(nodeLockfiles))
	for i, l := range nodeLockfiles {
		out[i] = l.file
	}
	return out
}

func jsReadPackage(c *Context, p string) *manifest.PackageJSON {
	data, err := c.ReadPath(p)
	if err != nil {
		return nil
	}
	pkg, _ := manifest.ParsePackageJSON(data)
	return pkg
}

// detectNxProject handles an Nx project folder without a package.json:
// its dependencies are the workspace root's, and Nx builds it from the root.
func detectNxProject(c *Context) *Result {
	var nxRoot *tree.Dir
	for _, d := range c.Up()[1:] {
		if d.Has("nx.json") {
			nxRoot = d
			break
		}
	}
	if nxRoot == nil {
		return nil
	}
	r := &Result{Language: "node", SourceExts: nodeSourceExts}
	projPath := c.Path("project.json")
	data, err := c.Read("project.json")
	var proj *manifest.ProjectJSON
	if err == nil {
		proj, err = manifest.ParseProjectJSON(data)
	}
	if proj == nil {
		proj = &manifest.ProjectJSON{}
	}
	r.Because(projPath, "nx project")
	r.Name = proj.Name
	if r.Name == "" {
		r.Name = path.Base(c.Dir.Path)
	}
	root := jsReadPackage(c, nxRoot.Join("package.json"))
	if root == nil {
		root = &manifest.PackageJSON{}
	}
	s := &nodeScan{c: c, r: r, pkg: &manifest.PackageJSON{Name: r.Name}, deps: root.DepNames()}
	s.ws = readJSWorkspace(c, nxRoot.Path, root)
	s.ws.tool, s.ws.toolFile = "nx", nxRoot.Join("nx.json")
	s.pm = s.packageManager()
	s.runtimeVersion()
	r.Deps = s.deps
	r.BuildContext = nxRoot.Path
	r.Set("run_from_context", "1")
	var files []string
	if s.pm.lockfile != "" {
		files = append(files, s.pm.lockfile)
	}
	files = append(files, nxRoot.Join("package.json"))
	for _, f := range []string{"pnpm-workspace.yaml", ".npmrc", ".yarnrc.yml"} {
		if nxRoot.Has(f) {
			files = append(files, nxRoot.Join(f))
		}
	}
	for _, m := range s.ws.Members {
		if c.Tree.Exists(tree.Join(m, "package.json")) {
			files = append(files, tree.Join(m, "package.json"))
		}
	}
	r.Lockfiles = files
	if err != nil {
		defer r.WarnParse(projPath, err)
	}

	if proj.ProjectType == "library" || strings.HasPrefix(Rel(nxRoot.Path, c.Dir.Path), "libs/") && proj.ProjectType == "" {
		r.Library = true
		r.Score = 0.5
		r.Because(projPath, "nx library")
		return r
	}
	name := proj.Name
	if name == "" || !reNpmName.Re().MatchString(name) {
		name = ""
	}
	build := proj.Targets["build"]
	exec := build.Executor
	rel := Rel(nxRoot.Path, c.Dir.Path)
	out := jsCleanRel(build.OutputPath, "dist/"+rel)
	toFolder := func(p string) string { return Rel(c.Dir.Path, tree.Join(nxRoot.Path, p)) }
	if name != "" && (build.Executor != "" || len(proj.Targets) == 0) {
		r.Build = s.exec() + " nx run " + name + ":build"
	}
	r.Score = 0.8
	has := func(names ...string) bool { return c.Dir.First(names...) != "" }
	switch {
	case strings.Contains(exec, "/next:") || has("next.config.js", "next.config.mjs", "next.config.ts"):
		r.Framework = "next"
		r.Kind, r.PortDefault = "web", 3000
		dir := rel
		if strings.Contains(exec, "/next:") {
			dir = out
		}
		r.Start = "next start " + dir
	case strings.Contains(exec, "angular") || has("angular.json"):
		r.Framework = "angular"
		r.Kind, r.PortDefault, r.Target = "static", 8080, toFolder(out+"/browser")
		if !strings.HasSuffix(exec, ":application") {
			r.Target = toFolder(out)
		}
		r.Set("spa", "1")
	case strings.Contains(exec, "/vite:") || strings.Contains(exec, "/webpack:") && has("index.html") || has("vite.config.ts", "vite.config.js", "vite.config.mts") && has("index.html"):
		r.Framework = "vite"
		if strings.Contains(exec, "/webpack:") {
			r.Framework = ""
		}
		r.Kind, r.PortDefault, r.Target = "static", 8080, toFolder(out)
		r.Set("spa", "1")
	default:
		// A Node server bundled by @nx/js, esbuild or webpack into one file.
		mainFile := "main.js"
		if build.Main != "" {
			mainFile = strings.TrimSuffix(path.Base(build.Main), path.Ext(build.Main)) + ".js"
		}
		r.Start = "node " + out + "/" + mainFile
		if fw := FirstOf(s.deps, "@nestjs/core", "hono", "fastify", "koa", "express"); fw != "" {
			for _, f := range nodeFrameworks {
				if slices.Contains(f.deps, fw) {
					r.Framework = f.name
				}
			}
			r.Kind = "web"
			if r.Framework == "nest" {
				r.PortDefault = 3000
			}
		}
		if !c.Tree.Exists(c.Path("src/main.ts")) && !c.Tree.Exists(c.Path("src/main.js")) && exec == "" {
			r.Score = 0.5
		}
		r.Entrypoints = jsAppendExisting(c, r.Entrypoints, "src/main.ts", "src/main.js")
	}
	if r.Framework != "" {
		r.Because(projPath, "nx project built with "+jsOr(exec, r.Framework))
	}
	return r
}

// jsHealthRoutes are the routes worth a health check, best first.
var jsHealthRoutes = []string{"health", "healthz", "api/health", "api/healthz"}

// jsFileRouteHealth finds a health route a file-based router defines by a
// file's name (app/api/health/route.ts in Next.js, routes/healthz.ts in
// Remix …): configuration the engine's code scan cannot read. It returns the
// route and the folder-relative file, or "".
func jsFileRouteHealth(c *Context, fw string) (route, file string) {
	for _, name := range jsHealthRoutes {
		var cands []string
		switch fw {
		case "next":
			for _, base := range []string{"app/", "src/app/"} {
				cands = append(cands, base+name+"/route.ts", base+name+"/route.js")
			}
			if strings.HasPrefix(name, "api/") {
				cands = append(cands, "pages/"+name+".ts", "pages/"+name+".js", "src/pages/"+name+".ts", "src/pages/"+name+".js")
			}
		case "nuxt":
			if rest, ok := strings.CutPrefix(name, "api/"); ok {
				cands = append(cands, "server/api/"+rest+".ts", "server/api/"+rest+".js")
			} else {
				cands = append(cands, "server/routes/"+name+".ts", "server/routes/"+name+".js")
			}
		case "remix", "react-router":
			flat := strings.ReplaceAll(name, "/", ".")
			cands = append(cands, "app/routes/"+flat+".ts", "app/routes/"+flat+".tsx", "app/routes/"+flat+".js")
		case "sveltekit":
			cands = append(cands, "src/routes/"+name+"/+server.ts", "src/routes/"+name+"/+server.js")
		case "astro":
			cands = append(cands, "src/pages/"+name+".ts", "src/pages/"+name+".js")
		case "fresh":
			cands = append(cands, "routes/"+name+".ts", "routes/"+name+".tsx")
		}
		for _, f := range cands {
			if c.Tree.Exists(c.Path(f)) {
				return "/" + name, f
			}
		}
	}
	return "", ""
}

// Small helpers shared with the Deno and static detectors.

// jsReadFirst returns the first of names in the folder and its text.
func jsReadFirst(c *Context, names ...string) (name, text string) {
	name = c.Dir.First(names...)
	if name == "" {
		return "", ""
	}
	data, err := c.Read(name)
	if err != nil {
		return name, ""
	}
	return name, string(data)
}

func jsMustRead(c *Context, name string) []byte {
	data, _ := c.Read(name)
	return data
}

// jsCleanRel normalises a folder-relative path from configuration; a path
// that is absolute or leaves the tree gives def.
func jsCleanRel(p, def string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return def
	}
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	if path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
		return def
	}
	return p
}

// jsSafeSegment returns name when it is a plain folder name, else def.
func jsSafeSegment(name, def string) string {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return def
	}
	return name
}

func jsHasExt(p string) bool { return path.Ext(p) != "" }

func jsOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// jsAppendExisting appends the folder-relative files that exist.
func jsAppendExisting(c *Context, list []string, files ...string) []string {
	for _, f := range files {
		if c.Tree.Exists(c.Path(f)) && !slices.Contains(list, f) {
			list = append(list, f)
		}
	}
	return list
}

func jsSortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func jsErrMsg(err error) string {
	var me *manifest.Error
	if errors.As(err, &me) {
		return me.Msg
	}
	return err.Error()
}
