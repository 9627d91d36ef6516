// Packages without a framework, for the Node detector: other HTTP servers
// (Strapi, Directus …), static site generators, workers, command-line
// tools, libraries, the asset pipeline of another stack's app, and apps
// that run nowhere a server does (Electron, React Native).

package stacks

import (
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
)

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

var (
	reVitepressBuild = lazyre.New(`\bvitepress\s+build(?:\s+([^\s&|;]+))?`)
	reWorkerName     = lazyre.New(`(?:^|[-_./@])(?:worker|workers|queue|queues|consumer|consumers|jobs|cron|scheduler|bot|processor)(?:$|[-_.])`)
)

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
		name := slices.Sorted(maps.Keys(pkg.Bin))[0]
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
