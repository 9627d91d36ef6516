package stacks

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// jsExpect is what a JavaScript-family test expects of a Result. Empty
// strings and zero numbers are not checked; "-" asks for an empty string
// and -1 for a zero number.
type jsExpect struct {
	nilResult                                                             bool
	lang, fw, pm, kind, start, build, version, name, target, buildContext string
	port, portDefault                                                     int
	score, minScore, maxScore                                             float64
	library, wsOnly                                                       bool
	members, lockfiles, localPaths                                        []string
	extra                                                                 map[string]string
	noExtra                                                               []string
	deps                                                                  []string // must be among Deps
	warnings                                                              int      // -1: none; 0: not checked
	warnLine                                                              int      // the first warning's line
	warnHas                                                               string   // the first warning's message holds it
	evidence                                                              string   // a reason holds it
}

func jsCheck(t *testing.T, r *Result, e jsExpect) {
	t.Helper()
	if e.nilResult {
		if r != nil {
			t.Fatalf("want no result, got %+v", r)
		}
		return
	}
	if r == nil {
		t.Fatal("want a result, got nil")
	}
	str := func(field, got, want string) {
		t.Helper()
		switch {
		case want == "":
		case want == "-" && got != "":
			t.Errorf("%s = %q, want empty", field, got)
		case want != "-" && got != want:
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	num := func(field string, got, want int) {
		t.Helper()
		switch {
		case want == 0:
		case want == -1 && got != 0:
			t.Errorf("%s = %d, want 0", field, got)
		case want > 0 && got != want:
			t.Errorf("%s = %d, want %d", field, got, want)
		}
	}
	str("Language", r.Language, e.lang)
	str("Framework", r.Framework, e.fw)
	str("PackageManager", r.PackageManager, e.pm)
	str("Kind", r.Kind, e.kind)
	str("Start", r.Start, e.start)
	str("Build", r.Build, e.build)
	str("RuntimeVersion", r.RuntimeVersion, e.version)
	str("Name", r.Name, e.name)
	str("Target", r.Target, e.target)
	str("BuildContext", r.BuildContext, e.buildContext)
	num("Port", r.Port, e.port)
	num("PortDefault", r.PortDefault, e.portDefault)
	if e.score != 0 && math.Abs(r.Score-e.score) > 1e-9 {
		t.Errorf("Score = %v, want %v", r.Score, e.score)
	}
	if e.minScore != 0 && r.Score < e.minScore-1e-9 {
		t.Errorf("Score = %v, want at least %v", r.Score, e.minScore)
	}
	if e.maxScore != 0 && r.Score > e.maxScore+1e-9 {
		t.Errorf("Score = %v, want at most %v", r.Score, e.maxScore)
	}
	if r.Library != e.library {
		t.Errorf("Library = %v, want %v", r.Library, e.library)
	}
	if r.WorkspaceOnly != e.wsOnly {
		t.Errorf("WorkspaceOnly = %v, want %v", r.WorkspaceOnly, e.wsOnly)
	}
	if e.members != nil && !slices.Equal(r.Members, e.members) {
		t.Errorf("Members = %q, want %q", r.Members, e.members)
	}
	if e.lockfiles != nil && !slices.Equal(r.Lockfiles, e.lockfiles) {
		t.Errorf("Lockfiles = %q, want %q", r.Lockfiles, e.lockfiles)
	}
	if e.localPaths != nil && !slices.Equal(r.LocalPaths, e.localPaths) {
		t.Errorf("LocalPaths = %q, want %q", r.LocalPaths, e.localPaths)
	}
	for k, v := range e.extra {
		if r.Extra[k] != v {
			t.Errorf("Extra[%q] = %q, want %q", k, r.Extra[k], v)
		}
	}
	for _, k := range e.noExtra {
		if _, ok := r.Extra[k]; ok {
			t.Errorf("Extra[%q] = %q, want unset", k, r.Extra[k])
		}
	}
	for _, d := range e.deps {
		if !slices.Contains(r.Deps, d) {
			t.Errorf("Deps = %q, want %q among them", r.Deps, d)
		}
	}
	switch {
	case e.warnings == -1 && len(r.Warnings) > 0:
		t.Errorf("Warnings = %+v, want none", r.Warnings)
	case e.warnings > 0 && len(r.Warnings) != e.warnings:
		t.Errorf("Warnings = %+v, want %d", r.Warnings, e.warnings)
	}
	if e.warnLine > 0 || e.warnHas != "" {
		if len(r.Warnings) == 0 {
			t.Fatalf("want a warning, got none")
		}
		w := r.Warnings[0]
		if e.warnLine > 0 && w.Line != e.warnLine {
			t.Errorf("warning line = %d, want %d (%+v)", w.Line, e.warnLine, w)
		}
		if e.warnHas != "" && !slices.ContainsFunc(r.Warnings, func(w Warning) bool { return strings.Contains(w.Message, e.warnHas) }) {
			t.Errorf("warnings = %+v, want one to mention %q", r.Warnings, e.warnHas)
		}
	}
	if e.evidence != "" && !slices.ContainsFunc(r.Evidence, func(ev Evidence) bool { return strings.Contains(ev.Reason, e.evidence) }) {
		t.Errorf("Evidence = %+v, want a reason with %q", r.Evidence, e.evidence)
	}
	for _, ev := range r.Evidence {
		if ev.File == "" || ev.Reason == "" || ev.Reason != strings.ToLower(ev.Reason[:1])+ev.Reason[1:] {
			t.Errorf("evidence %+v: want a file and a lower-case reason", ev)
		}
	}
	if r.Framework != "" && !slices.Contains(Frameworks, r.Framework) {
		t.Errorf("Framework %q is not in Frameworks", r.Framework)
	}
	if !slices.Contains(Languages, r.Language) {
		t.Errorf("Language %q is not in Languages", r.Language)
	}
}

// nodePkg writes a package.json from a name, scripts, dependencies and dev
// dependencies plus extra top-level fields (raw JSON members).
func nodePkg(name string, scripts, deps, devDeps map[string]string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"name\": %q,\n  \"version\": \"1.0.0\"", name)
	obj := func(key string, m map[string]string) {
		if m == nil {
			return
		}
		fmt.Fprintf(&b, ",\n  %q: {", key)
		i := 0
		for _, k := range jsSortedKeys(m) {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "\n    %q: %q", k, m[k])
			i++
		}
		b.WriteString("\n  }")
	}
	obj("scripts", scripts)
	obj("dependencies", deps)
	obj("devDependencies", devDeps)
	for _, e := range extra {
		b.WriteString(",\n  " + e)
	}
	b.WriteString("\n}\n")
	return b.String()
}

type jsm = map[string]string

func TestNodeFrameworks(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		dir   string
		want  jsExpect
	}{
		{"next npm", map[string]string{
			"package.json":      nodePkg("shop", jsm{"dev": "next dev", "build": "next build", "start": "next start"}, jsm{"next": "15.0.0", "react": "19.0.0"}, nil),
			"package-lock.json": "{}",
			".nvmrc":            "20.11.1\n",
		}, ".", jsExpect{lang: "node", fw: "next", pm: "npm", kind: "web", start: "npm start", build: "npm run build",
			version: "20.11.1", name: "shop", portDefault: 3000, port: -1, score: 0.9, warnings: -1,
			lockfiles: []string{"package-lock.json", "package.json"}, deps: []string{"next", "react"}}},
		{"next port flag", map[string]string{
			"package.json": nodePkg("web", jsm{"build": "next build", "start": "next start -p 4000"}, jsm{"next": "14"}, nil),
		}, ".", jsExpect{fw: "next", port: 4000, portDefault: 3000, start: "npm start"}},
		{"next port long flag", map[string]string{
			"package.json": nodePkg("web", jsm{"start": "next start --port=4100"}, jsm{"next": "14"}, nil),
		}, ".", jsExpect{fw: "next", port: 4100}},
		{"next standalone", map[string]string{
			"package.json":    nodePkg("web", jsm{"build": "next build", "start": "next start"}, jsm{"next": "15"}, nil),
			"next.config.js":  "module.exports = { output: 'standalone' }\n",
			"public/logo.svg": "<svg/>",
		}, ".", jsExpect{fw: "next", start: "node .next/standalone/server.js", kind: "web",
			extra: jsm{"standalone": "1", "bind_env": "HOSTNAME", "next_public": "1"}}},
		{"next custom server keeps its start", map[string]string{
			"package.json":   nodePkg("web", jsm{"build": "next build", "start": "node server.js"}, jsm{"next": "15", "express": "4"}, nil),
			"next.config.js": "module.exports = { output: 'standalone' }\n",
		}, ".", jsExpect{fw: "next", start: "npm start", noExtra: []string{"standalone"}}},
		{"next static export", map[string]string{
			"package.json":    nodePkg("site", jsm{"build": "next build"}, jsm{"next": "15"}, nil),
			"next.config.mjs": "export default { output: \"export\" }\n",
		}, ".", jsExpect{fw: "next", kind: "static", target: "out", portDefault: 8080, build: "npm run build", start: "-"}},
		{"next without build script", map[string]string{
			"package.json": nodePkg("web", nil, jsm{"next": "15", "react": "19"}, nil),
		}, ".", jsExpect{fw: "next", start: "next start", build: "next build", score: 0.9}},
		{"nuxt pnpm", map[string]string{
			"package.json":   nodePkg("nuxt-app", jsm{"build": "nuxt build", "dev": "nuxt dev", "preview": "nuxt preview"}, jsm{"nuxt": "^3.12", "vue": "3"}, nil),
			"pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
		}, ".", jsExpect{fw: "nuxt", pm: "pnpm", kind: "web", start: "node .output/server/index.mjs", build: "pnpm run build", portDefault: 3000}},
		{"nuxt generate", map[string]string{
			"package.json": nodePkg("docs", jsm{"build": "nuxt generate"}, jsm{"nuxt": "^3"}, nil),
		}, ".", jsExpect{fw: "nuxt", kind: "static", target: ".output/public", build: "npm run build"}},
		{"remix classic", map[string]string{
			"package.json": nodePkg("remix", jsm{"build": "remix build", "start": "remix-serve ./build/index.js"},
				jsm{"@remix-run/node": "2", "@remix-run/react": "2", "@remix-run/serve": "2", "react": "18"}, jsm{"@remix-run/dev": "2"}),
		}, ".", jsExpect{fw: "remix", kind: "web", start: "npm start", portDefault: 3000}},
		{"remix vite default start", map[string]string{
			"package.json":   nodePkg("remix", jsm{"build": "remix vite:build"}, jsm{"@remix-run/node": "2", "@remix-run/serve": "2"}, jsm{"vite": "5", "@remix-run/dev": "2"}),
			"vite.config.ts": "export default {}",
		}, ".", jsExpect{fw: "remix", start: "remix-serve ./build/server/index.js"}},
		{"react-router framework", map[string]string{
			"package.json": nodePkg("rr", jsm{"build": "react-router build", "dev": "react-router dev"},
				jsm{"@react-router/node": "7", "@react-router/serve": "7", "react-router": "7"}, jsm{"@react-router/dev": "7", "vite": "6"}),
		}, ".", jsExpect{fw: "react-router", kind: "web", start: "react-router-serve ./build/server/index.js", portDefault: 3000}},
		{"react-router spa mode", map[string]string{
			"package.json":           nodePkg("rr", jsm{"build": "react-router build"}, jsm{"react-router": "7"}, jsm{"@react-router/dev": "7", "vite": "6"}),
			"react-router.config.ts": "export default { ssr: false } satisfies Config;\n",
		}, ".", jsExpect{fw: "react-router", kind: "static", target: "build/client", extra: jsm{"spa": "1"}}},
		{"react-router library in a vite spa is vite", map[string]string{
			"package.json": nodePkg("spa", jsm{"build": "vite build", "dev": "vite"}, jsm{"react-router-dom": "6", "react": "18"}, jsm{"vite": "5"}),
			"index.html":   "<div id=root></div>",
		}, ".", jsExpect{fw: "vite", kind: "static", target: "dist"}},
		{"tanstack start", map[string]string{
			"package.json": nodePkg("ts", jsm{"build": "vite build", "dev": "vite dev"}, jsm{"@tanstack/react-start": "1", "@tanstack/react-router": "1"}, jsm{"vite": "6"}),
		}, ".", jsExpect{fw: "tanstack-start", kind: "web", start: "node .output/server/index.mjs", portDefault: 3000}},
		{"astro static", map[string]string{
			"package.json":     nodePkg("blog", jsm{"build": "astro build", "dev": "astro dev"}, jsm{"astro": "4"}, nil),
			"astro.config.mjs": "import { defineConfig } from 'astro/config';\nexport default defineConfig({});\n",
		}, ".", jsExpect{fw: "astro", kind: "static", target: "dist", portDefault: 8080, noExtra: []string{"spa"}, score: 0.8}},
		{"astro node adapter", map[string]string{
			"package.json":     nodePkg("blog", jsm{"build": "astro build"}, jsm{"astro": "4", "@astrojs/node": "8"}, nil),
			"astro.config.mjs": "import node from '@astrojs/node';\nexport default defineConfig({ output: 'server', adapter: node({ mode: 'standalone' }) });\n",
		}, ".", jsExpect{fw: "astro", kind: "web", start: "node ./dist/server/entry.mjs", portDefault: 4321, extra: jsm{"bind_env": "HOST"}}},
		{"astro vercel adapter warns", map[string]string{
			"package.json":     nodePkg("blog", jsm{"build": "astro build"}, jsm{"astro": "4", "@astrojs/vercel": "7"}, nil),
			"astro.config.mjs": "import vercel from '@astrojs/vercel';\nexport default { output: 'server', adapter: vercel() };\n",
		}, ".", jsExpect{fw: "astro", kind: "static", warnHas: "@astrojs/node"}},
		{"sveltekit node", map[string]string{
			"package.json":     nodePkg("kit", jsm{"build": "vite build", "dev": "vite dev"}, nil, jsm{"@sveltejs/kit": "2", "@sveltejs/adapter-node": "5", "vite": "5"}),
			"svelte.config.js": "import adapter from '@sveltejs/adapter-node';\nexport default { kit: { adapter: adapter() } };\n",
		}, ".", jsExpect{fw: "sveltekit", kind: "web", start: "node build", portDefault: 3000, score: 0.9, warnings: -1}},
		{"sveltekit static", map[string]string{
			"package.json":     nodePkg("kit", jsm{"build": "vite build"}, nil, jsm{"@sveltejs/kit": "2", "@sveltejs/adapter-static": "3", "vite": "5"}),
			"svelte.config.js": "import adapter from '@sveltejs/adapter-static';\nexport default { kit: { adapter: adapter({ pages: 'public', fallback: '200.html' }) } };\n",
		}, ".", jsExpect{fw: "sveltekit", kind: "static", target: "public", extra: jsm{"spa": "1"}}},
		{"sveltekit adapter-auto warns", map[string]string{
			"package.json": nodePkg("kit", jsm{"build": "vite build"}, nil, jsm{"@sveltejs/kit": "2", "@sveltejs/adapter-auto": "3"}),
		}, ".", jsExpect{fw: "sveltekit", kind: "web", score: 0.7, warnHas: "adapter-node"}},
		{"vite spa", map[string]string{
			"package.json":   nodePkg("spa", jsm{"dev": "vite", "build": "tsc && vite build", "preview": "vite preview"}, jsm{"react": "18", "react-dom": "18"}, jsm{"vite": "5", "@vitejs/plugin-react": "4"}),
			"index.html":     "<!doctype html><div id=root></div>",
			"vite.config.ts": "export default defineConfig({ build: { outDir: 'www' } })",
		}, ".", jsExpect{fw: "vite", kind: "static", target: "www", build: "npm run build", portDefault: 8080, extra: jsm{"spa": "1"}, start: "-", score: 0.8}},
		{"vite with a node server", map[string]string{
			"package.json": nodePkg("app", jsm{"build": "vite build", "start": "node server.js"}, jsm{"react": "18"}, jsm{"vite": "5"}),
			"index.html":   "<div id=root></div>",
			"server.js":    "require('http').createServer().listen(process.env.PORT)",
		}, ".", jsExpect{fw: "vite", kind: "-", start: "npm start", build: "npm run build", score: 0.9}},
		{"angular static", map[string]string{
			"package.json": nodePkg("admin", jsm{"ng": "ng", "start": "ng serve", "build": "ng build"}, jsm{"@angular/core": "18", "@angular/common": "18"}, jsm{"@angular/cli": "18"}),
			"angular.json": `{"projects": {"admin": {"projectType": "application", "architect": {"build": {"builder": "@angular-devkit/build-angular:application", "options": {"outputPath": "dist/admin"}}}}}}`,
		}, ".", jsExpect{fw: "angular", kind: "static", target: "dist/admin/browser", build: "npm run build", start: "-", extra: jsm{"spa": "1"}}},
		{"angular browser builder", map[string]string{
			"package.json": nodePkg("admin", jsm{"build": "ng build"}, jsm{"@angular/core": "15"}, nil),
			"angular.json": `{"defaultProject": "admin", "projects": {"admin": {"architect": {"build": {"builder": "@angular-devkit/build-angular:browser", "options": {"outputPath": "dist/admin-app"}}}}}}`,
		}, ".", jsExpect{fw: "angular", kind: "static", target: "dist/admin-app"}},
		{"angular ssr", map[string]string{
			"package.json": nodePkg("shop", jsm{"build": "ng build", "serve:ssr:shop": "node dist/shop/server/server.mjs"}, jsm{"@angular/core": "18", "@angular/ssr": "18", "express": "4"}, nil),
			"angular.json": `{"projects": {"shop": {"projectType": "application", "architect": {"build": {"builder": "@angular/build:application", "options": {"outputPath": "dist/shop", "server": "src/main.server.ts", "ssr": {"entry": "server.ts"}}}}}}}`,
			"server.ts":    "app.listen(port)",
		}, ".", jsExpect{fw: "angular", kind: "web", start: "npm run serve:ssr:shop", portDefault: 4000}},
		{"cra", map[string]string{
			"package.json": nodePkg("cra", jsm{"start": "react-scripts start", "build": "react-scripts build"}, jsm{"react": "18", "react-scripts": "5"}, nil),
			"yarn.lock":    "# yarn lockfile v1\n",
		}, ".", jsExpect{fw: "cra", pm: "yarn", kind: "static", target: "build", build: "yarn run build", noExtra: []string{"yarn"}}},
		{"expo web", map[string]string{
			"package.json": nodePkg("mobile", jsm{"start": "expo start"}, jsm{"expo": "51", "react-native": "0.74", "react-native-web": "0.19", "react-dom": "18"}, nil),
		}, ".", jsExpect{fw: "expo", kind: "static", target: "dist", build: "expo export --platform web"}},
		{"expo without web", map[string]string{
			"package.json": nodePkg("mobile", jsm{"start": "expo start"}, jsm{"expo": "51", "react-native": "0.74"}, nil),
		}, ".", jsExpect{fw: "expo", maxScore: 0.2}},
		{"express yarn", map[string]string{
			"package.json":  nodePkg("api", jsm{"start": "node src/server.js"}, jsm{"express": "4", "pg": "8"}, nil),
			"yarn.lock":     "# yarn lockfile v1\n",
			"src/server.js": "app.listen(3001)",
		}, ".", jsExpect{fw: "express", pm: "yarn", kind: "web", start: "yarn start", portDefault: -1, build: "-", score: 0.9, deps: []string{"pg"}}},
		{"express entry file", map[string]string{
			"package.json": nodePkg("api", nil, jsm{"express": "4"}, nil),
			"server.js":    "app.listen(3000)",
		}, ".", jsExpect{fw: "express", start: "node server.js", kind: "web", score: 0.9}},
		{"express without entry", map[string]string{
			"package.json": nodePkg("api", nil, jsm{"express": "4"}, nil),
		}, ".", jsExpect{fw: "express", start: "-", score: 0.7, warnHas: "entry"}},
		{"koa main field", map[string]string{
			"package.json": nodePkg("api", nil, jsm{"koa": "2"}, nil, `"main": "src/app.js"`),
			"src/app.js":   "app.listen(3000)",
		}, ".", jsExpect{fw: "koa", start: "node src/app.js"}},
		{"fastify cli", map[string]string{
			"package.json": nodePkg("api", jsm{"start": "fastify start -l info app.js"}, jsm{"fastify": "4", "fastify-cli": "6"}, nil),
		}, ".", jsExpect{fw: "fastify", start: "npm start", portDefault: 3000, extra: jsm{"bind_env": "FASTIFY_ADDRESS"}}},
		{"nest", map[string]string{
			"package.json": nodePkg("api", jsm{"build": "nest build", "start": "nest start", "start:dev": "nest start --watch", "start:prod": "node dist/main"},
				jsm{"@nestjs/core": "10", "@nestjs/common": "10", "@nestjs/platform-express": "10"}, jsm{"@nestjs/cli": "10"}),
			"src/main.ts": "await app.listen(3000);",
		}, ".", jsExpect{fw: "nest", kind: "web", start: "npm run start:prod", build: "npm run build", portDefault: 3000}},
		{"nest without start:prod", map[string]string{
			"package.json":  nodePkg("api", jsm{"build": "nest build", "start": "nest start"}, jsm{"@nestjs/core": "10", "express": "4"}, jsm{"@nestjs/cli": "10"}),
			"nest-cli.json": `{"entryFile": "server"}`,
		}, ".", jsExpect{fw: "nest", start: "node dist/server.js", warnHas: "development server"}},
		{"hono on node", map[string]string{
			"package.json": nodePkg("api", jsm{"build": "tsc", "start": "node dist/index.js"}, jsm{"hono": "4", "@hono/node-server": "1"}, jsm{"typescript": "5"}),
		}, ".", jsExpect{fw: "hono", kind: "web", start: "npm start", portDefault: -1}},
		{"hono on bun", map[string]string{
			"package.json": nodePkg("api", jsm{"dev": "bun run --hot src/index.ts"}, jsm{"hono": "4"}, jsm{"@types/bun": "latest"}),
			"bun.lockb":    "\x00bin",
			"src/index.ts": "export default app",
		}, ".", jsExpect{fw: "hono", pm: "bun", kind: "web", start: "bun run src/index.ts", portDefault: 3000}},
		{"hono for workers warns", map[string]string{
			"package.json": nodePkg("edge", jsm{"deploy": "wrangler deploy"}, jsm{"hono": "4"}, jsm{"wrangler": "3"}),
			"src/index.ts": "export default app",
		}, ".", jsExpect{fw: "hono", maxScore: 0.5, warnHas: "Cloudflare"}},
		{"strapi", map[string]string{
			"package.json": nodePkg("cms", jsm{"start": "strapi start", "build": "strapi build"}, jsm{"@strapi/strapi": "4"}, nil),
		}, ".", jsExpect{fw: "-", kind: "web", portDefault: 1337, start: "npm start"}},
		{"gatsby", map[string]string{
			"package.json": nodePkg("site", jsm{"build": "gatsby build", "develop": "gatsby develop"}, jsm{"gatsby": "5"}, nil),
		}, ".", jsExpect{fw: "-", kind: "static", target: "public"}},
		{"vitepress", map[string]string{
			"package.json": nodePkg("docs", jsm{"docs:build": "vitepress build docs"}, nil, jsm{"vitepress": "1"}),
		}, ".", jsExpect{kind: "static", target: "docs/.vitepress/dist", build: "vitepress build"}},
		{"electron", map[string]string{
			"package.json": nodePkg("desk", jsm{"start": "electron ."}, nil, jsm{"electron": "30"}),
		}, ".", jsExpect{score: 0.2, evidence: "nothing to serve"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsCheck(t, detectIn(t, Node{}, tt.files, tt.dir), tt.want)
		})
	}
}

func TestNodePackageManagers(t *testing.T) {
	api := func(extra ...string) string {
		return nodePkg("api", jsm{"start": "node index.js"}, jsm{"express": "4"}, nil, extra...)
	}
	tests := []struct {
		name  string
		files map[string]string
		want  jsExpect
	}{
		{"npm lockfile", map[string]string{"package.json": api(), "package-lock.json": "{}"},
			jsExpect{pm: "npm", start: "npm start", lockfiles: []string{"package-lock.json", "package.json"}, evidence: "npm lockfile"}},
		{"npm shrinkwrap", map[string]string{"package.json": api(), "npm-shrinkwrap.json": "{}"},
			jsExpect{pm: "npm", lockfiles: []string{"npm-shrinkwrap.json", "package.json"}}},
		{"default npm", map[string]string{"package.json": api()},
			jsExpect{pm: "npm", lockfiles: []string{"package.json"}}},
		{"yarn classic", map[string]string{"package.json": api(), "yarn.lock": "# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n"},
			jsExpect{pm: "yarn", start: "yarn start", noExtra: []string{"yarn"}}},
		{"yarn berry lockfile", map[string]string{"package.json": api(), "yarn.lock": "__metadata:\n  version: 8\n", ".yarnrc.yml": "nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.5.0.cjs\n"},
			jsExpect{pm: "yarn", extra: jsm{"yarn": "berry"}, lockfiles: []string{"yarn.lock", "package.json", ".yarnrc.yml", ".yarn/releases/yarn-4.5.0.cjs"}}},
		{"yarn berry packageManager", map[string]string{"package.json": api(`"packageManager": "yarn@4.1.1"`), "yarn.lock": "__metadata:\n"},
			jsExpect{pm: "yarn", extra: jsm{"yarn": "berry", "pm_version": "4.1.1"}, evidence: "packageManager field"}},
		{"pnpm lockfile", map[string]string{"package.json": api(), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n", ".npmrc": "auto-install-peers=true\n"},
			jsExpect{pm: "pnpm", start: "pnpm start", lockfiles: []string{"pnpm-lock.yaml", "package.json", ".npmrc"}}},
		{"pnpm packageManager without lockfile", map[string]string{"package.json": api(`"packageManager": "pnpm@9.12.0+sha512.abcdef"`)},
			jsExpect{pm: "pnpm", extra: jsm{"pm_version": "9.12.0"}, lockfiles: []string{"package.json"}}},
		{"packageManager disagrees with lockfile", map[string]string{"package.json": api(`"packageManager": "pnpm@9.0.0"`), "package-lock.json": "{}"},
			jsExpect{pm: "pnpm", warnHas: "lockfile is npm's", lockfiles: []string{"package.json"}}},
		{"bun binary lockfile", map[string]string{"package.json": api(), "bun.lockb": "\x00"},
			jsExpect{pm: "bun", start: "bun run start"}},
		{"bun text lockfile", map[string]string{"package.json": api(), "bun.lock": "{}", "bunfig.toml": "[install]\n"},
			jsExpect{pm: "bun", lockfiles: []string{"bun.lock", "package.json", "bunfig.toml"}}},
		{"bun from scripts", map[string]string{"package.json": nodePkg("api", jsm{"start": "bun src/index.ts"}, jsm{"elysia": "1"}, nil)},
			jsExpect{pm: "bun", start: "bun run start", kind: "web", portDefault: 3000}},
		{"bun version", map[string]string{"package.json": api(`"packageManager": "bun@1.1.30"`), "bun.lockb": "x", ".nvmrc": "20"},
			jsExpect{pm: "bun", version: "1.1.30"}},
		{"volta pins", map[string]string{"package.json": api(`"volta": {"node": "20.12.2", "yarn": "1.22.22"}`), "yarn.lock": "# yarn lockfile v1\n"},
			jsExpect{pm: "yarn", version: "20.12.2", extra: jsm{"pm_version": "1.22.22"}, noExtra: []string{"yarn"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsCheck(t, detectIn(t, Node{}, tt.files, "."), tt.want)
		})
	}
}

func TestNodeRuntimeVersion(t *testing.T) {
	pkg := nodePkg("api", jsm{"start": "node index.js"}, nil, nil, `"engines": {"node": ">=18.17"}`)
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"nvmrc wins", map[string]string{"package.json": pkg, ".nvmrc": "v20.10.0\n"}, "v20.10.0"},
		{"node-version", map[string]string{"package.json": pkg, ".node-version": "22\n"}, "22"},
		{"engines", map[string]string{"package.json": pkg}, ">=18.17"},
		{"tool-versions", map[string]string{"package.json": nodePkg("api", nil, nil, nil), ".tool-versions": "nodejs 21.7.1\npython 3.12\n"}, "21.7.1"},
		{"mise", map[string]string{"package.json": nodePkg("api", nil, nil, nil), "mise.toml": "[tools]\nnode = \"22.2\"\n"}, "22.2"},
		{"moon toolchain", map[string]string{"package.json": nodePkg("api", nil, nil, nil), ".moon/toolchain.yml": "node:\n  version: '20.15.0'\n"}, "20.15.0"},
		{"none", map[string]string{"package.json": nodePkg("api", nil, nil, nil)}, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsCheck(t, detectIn(t, Node{}, tt.files, "."), jsExpect{version: tt.want})
		})
	}
}

func TestNodeMalformedPackageJSON(t *testing.T) {
	tests := []struct {
		name string
		pkg  string
		want jsExpect
	}{
		{"syntax error", "{\n  \"name\": \"api\",\n  \"dependencies\": {\n    \"express\": \"4\"\n  \n", jsExpect{
			lang: "node", warnLine: 6, warnHas: "cannot parse", score: 0.5, start: "node index.js"}},
		{"trailing comma keeps the content", "{\n  \"name\": \"api\",\n  \"scripts\": {\"start\": \"node index.js\",},\n  \"dependencies\": {\"express\": \"4\"}\n}\n", jsExpect{
			lang: "node", fw: "express", start: "npm start", name: "api", warnLine: 3, score: 0.7}},
		{"comment keeps the content", "{\n  // the api\n  \"name\": \"api\",\n  \"dependencies\": {\"next\": \"15\"}\n}\n", jsExpect{
			fw: "next", warnLine: 2, score: 0.7}},
		{"field of the wrong type", "{\n  \"name\": \"api\",\n  \"scripts\": \"node index.js\",\n  \"dependencies\": {\"fastify\": \"4\"}\n}\n", jsExpect{
			fw: "fastify", name: "api", warnLine: 3, warnHas: "scripts"}},
		{"workspaces of the wrong shape", "{\n  \"name\": \"root\",\n  \"workspaces\": 3,\n  \"dependencies\": {\"koa\": \"2\"}\n}\n", jsExpect{
			fw: "koa", warnLine: 3, warnHas: "workspaces"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := detectIn(t, Node{}, map[string]string{"package.json": tt.pkg, "index.js": "x"}, ".")
			if r != nil && len(r.Warnings) > 0 && r.Warnings[0].File != "package.json" {
				t.Errorf("warning file = %q, want package.json", r.Warnings[0].File)
			}
			jsCheck(t, r, tt.want)
		})
	}
}

func TestNodeKinds(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		dir   string
		want  jsExpect
	}{
		{"worker by name", map[string]string{
			"workers/email/package.json": nodePkg("email-worker", jsm{"start": "node index.js"}, jsm{"nodemailer": "6"}, nil),
		}, "workers/email", jsExpect{kind: "worker", start: "npm start"}},
		{"worker by queue library", map[string]string{
			"jobs/package.json": nodePkg("jobs-runner", nil, jsm{"bullmq": "5"}, nil),
			"jobs/index.js":     "new Worker('q', fn)",
		}, "jobs", jsExpect{kind: "worker", start: "node index.js", score: 0.7}},
		{"not a worker with an http server", map[string]string{
			"worker/package.json": nodePkg("api-worker", jsm{"start": "node index.js"}, jsm{"express": "4"}, nil),
		}, "worker", jsExpect{kind: "web"}},
		{"plain node http server", map[string]string{
			"package.json": nodePkg("svc", jsm{"start": "node index.js"}, nil, nil),
		}, ".", jsExpect{kind: "-", start: "npm start", score: 0.9}},
		{"library member", map[string]string{
			"package.json":             nodePkg("root", nil, nil, nil, `"workspaces": ["packages/*"]`),
			"packages/ui/package.json": nodePkg("@acme/ui", jsm{"build": "tsc"}, jsm{"react": "18"}, nil, `"main": "dist/index.js"`, `"types": "dist/index.d.ts"`),
		}, "packages/ui", jsExpect{library: true, score: 0.5, start: "-", build: "npm run build"}},
		{"member without main", map[string]string{
			"package.json":                 nodePkg("root", nil, nil, nil, `"workspaces": ["packages/*"]`),
			"packages/config/package.json": nodePkg("@acme/config", nil, nil, nil),
		}, "packages/config", jsExpect{library: true}},
		{"published library", map[string]string{
			"package.json": nodePkg("left-pad", jsm{"test": "jest"}, nil, jsm{"jest": "29"}, `"main": "index.js"`, `"files": ["index.js"]`),
			"index.js":     "module.exports = x",
		}, ".", jsExpect{library: true}},
		{"tooling only", map[string]string{
			"package.json": nodePkg("tools", jsm{"lint": "eslint ."}, nil, jsm{"eslint": "9", "prettier": "3"}),
		}, ".", jsExpect{score: 0.2, start: "-"}},
		{"cli bin", map[string]string{
			"package.json": nodePkg("tool", nil, nil, nil, `"bin": {"tool": "./bin/tool.js"}`),
		}, ".", jsExpect{start: "node bin/tool.js", score: 0.4}},
		{"cli member is a library", map[string]string{
			"package.json":           nodePkg("root", nil, nil, nil, `"workspaces": ["tools/*"]`),
			"tools/cli/package.json": nodePkg("acme-cli", nil, jsm{"commander": "12"}, nil, `"bin": {"acme": "bin/acme.js"}`),
		}, "tools/cli", jsExpect{library: true, start: "-"}},
		{"laravel assets", map[string]string{
			"composer.json":  "{}",
			"artisan":        "#!/usr/bin/env php",
			"package.json":   nodePkg("", jsm{"dev": "vite", "build": "vite build"}, nil, jsm{"vite": "5", "laravel-vite-plugin": "1", "tailwindcss": "3"}),
			"vite.config.js": "laravel({ input: ['resources/css/app.css'] })",
		}, ".", jsExpect{score: 0.3, build: "npm run build", fw: "-", kind: "-", start: "-", evidence: "asset build with vite"}},
		{"aspnet assets", map[string]string{
			"Shop.csproj":  "<Project Sdk=\"Microsoft.NET.Sdk.Web\"/>",
			"package.json": nodePkg("shop", jsm{"build": "vite build"}, nil, jsm{"vite": "5"}),
			"index.html":   "<div id=app></div>",
		}, ".", jsExpect{score: 0.3, build: "npm run build", kind: "-", evidence: "Shop.csproj"}},
		{"rails assets", map[string]string{
			"Gemfile":      "gem 'rails'",
			"package.json": nodePkg("app", jsm{"build": "esbuild app/javascript/*.* --bundle --outdir=app/assets/builds"}, jsm{"esbuild": "0.20"}, nil),
			"yarn.lock":    "# yarn lockfile v1\n",
		}, ".", jsExpect{score: 0.3, build: "yarn run build", pm: "yarn"}},
		{"webpack assets without backend", map[string]string{
			"package.json": nodePkg("assets", jsm{"build": "webpack --mode production"}, nil, jsm{"webpack": "5", "webpack-cli": "5"}),
		}, ".", jsExpect{score: 0.3, build: "npm run build"}},
		{"vite without index.html", map[string]string{
			"package.json": nodePkg("lib", jsm{"build": "vite build"}, nil, jsm{"vite": "5"}),
		}, ".", jsExpect{score: 0.3, fw: "vite", build: "npm run build", kind: "-"}},
		{"vite library member", map[string]string{
			"package.json":             nodePkg("root", nil, nil, nil, `"workspaces": ["packages/*"]`),
			"packages/ui/package.json": nodePkg("@acme/ui", jsm{"build": "vite build"}, jsm{"react": "18"}, jsm{"vite": "5"}),
		}, "packages/ui", jsExpect{library: true, build: "npm run build", fw: "vite"}},
		{"tailwind member", map[string]string{
			"package.json":                 nodePkg("root", nil, nil, nil, `"workspaces": ["packages/*"]`),
			"packages/styles/package.json": nodePkg("styles", jsm{"build": "tailwindcss -o dist/app.css"}, nil, jsm{"tailwindcss": "3"}),
		}, "packages/styles", jsExpect{library: true}},
		{"mobile member is a library", map[string]string{
			"package.json":             nodePkg("root", nil, nil, nil, `"workspaces": ["apps/*"]`),
			"apps/mobile/package.json": nodePkg("mobile", jsm{"start": "expo start"}, jsm{"expo": "51", "react-native": "0.74"}, nil),
		}, "apps/mobile", jsExpect{library: true, fw: "expo"}},
		{"electron member is a library", map[string]string{
			"package.json":              nodePkg("root", nil, nil, nil, `"workspaces": ["apps/*"]`),
			"apps/desktop/package.json": nodePkg("desktop", nil, nil, jsm{"electron": "30"}),
		}, "apps/desktop", jsExpect{library: true}},
		{"electron alone", map[string]string{
			"package.json": nodePkg("desktop", nil, nil, jsm{"electron": "30"}),
		}, ".", jsExpect{score: 0.2}},
		{"next beside a python api is still next", map[string]string{
			"requirements.txt": "fastapi\n",
			"package.json":     nodePkg("web", jsm{"build": "next build", "start": "next start"}, jsm{"next": "15"}, nil),
		}, ".", jsExpect{fw: "next", score: 0.9}},
		{"deno project with a package.json", map[string]string{
			"deno.json":    `{"tasks": {"start": "deno run -A main.ts"}}`,
			"package.json": nodePkg("x", nil, jsm{"chalk": "5"}, nil),
			"main.ts":      "Deno.serve(() => new Response())",
		}, ".", jsExpect{maxScore: 0.4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsCheck(t, detectIn(t, Node{}, tt.files, tt.dir), tt.want)
		})
	}
}

func TestNodeStartCommands(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  jsExpect
	}{
		{"nodemon start falls back to node", map[string]string{
			"package.json": nodePkg("api", jsm{"start": "nodemon server.js"}, jsm{"express": "4"}, jsm{"nodemon": "3"}),
			"server.js":    "app.listen(3000)",
		}, jsExpect{start: "node server.js", warnHas: "development server", warnLine: 5}},
		{"nodemon on an unconventional file", map[string]string{
			"package.json": nodePkg("bot", jsm{"start": "nodemon src/bot.js"}, jsm{"discord.js": "14"}, jsm{"nodemon": "3"}),
			"src/bot.js":   "client.login()",
		}, jsExpect{start: "node src/bot.js", kind: "worker"}},
		{"tsx from devDependencies keeps them", map[string]string{
			"package.json": nodePkg("api", nil, jsm{"express": "4"}, jsm{"tsx": "4", "typescript": "5"}),
			"src/index.ts": "app.listen(3000)",
		}, jsExpect{start: "tsx src/index.ts", extra: jsm{"keep_dev": "1"}}},
		{"ts-node start script keeps devDependencies", map[string]string{
			"package.json": nodePkg("api", jsm{"start": "ts-node src/index.ts"}, jsm{"express": "4"}, jsm{"ts-node": "10"}),
		}, jsExpect{start: "npm start", extra: jsm{"keep_dev": "1"}}},
		{"compiled typescript", map[string]string{
			"package.json":  nodePkg("api", jsm{"build": "tsc"}, jsm{"koa": "2"}, jsm{"typescript": "5"}),
			"tsconfig.json": "{\n  // compiler\n  \"compilerOptions\": {\"outDir\": \"./build\", \"rootDir\": \"./src\",},\n}\n",
			"src/server.ts": "app.listen(3000)",
		}, jsExpect{start: "node build/server.js", build: "npm run build", warnings: -1}},
		{"typescript without runner warns", map[string]string{
			"package.json": nodePkg("api", nil, jsm{"koa": "2"}, nil),
			"index.ts":     "app.listen(3000)",
		}, jsExpect{start: "node index.ts", warnHas: "Node 23.6"}},
		{"port from env assignment", map[string]string{
			"package.json": nodePkg("api", jsm{"start": "PORT=8080 node index.js"}, jsm{"express": "4"}, nil),
		}, jsExpect{port: 8080}},
		{"remix-serve from devDependencies", map[string]string{
			"package.json": nodePkg("app", jsm{"build": "remix build"}, jsm{"@remix-run/node": "2"}, jsm{"@remix-run/serve": "2"}),
		}, jsExpect{start: "remix-serve ./build/index.js", extra: jsm{"keep_dev": "1"}}},
		{"local file dependency", map[string]string{
			"package.json":        nodePkg("api", jsm{"start": "node index.js"}, jsm{"shared": "file:./shared", "gone": "file:../outside", "tgz": "file:./x.tgz"}, nil),
			"shared/package.json": nodePkg("shared", nil, nil, nil),
		}, jsExpect{localPaths: []string{"shared"}}},
		{"prisma schema copied before install", map[string]string{
			"package.json":         nodePkg("api", jsm{"start": "node index.js", "postinstall": "prisma generate"}, jsm{"@prisma/client": "5", "express": "4"}, jsm{"prisma": "5"}),
			"package-lock.json":    "{}",
			"prisma/schema.prisma": "datasource db {}",
			"patches/x.patch":      "--- a",
		}, jsExpect{lockfiles: []string{"package-lock.json", "package.json", "prisma/schema.prisma"}}},
		{"pnpm patches copied before install", map[string]string{
			"package.json":                 nodePkg("api", jsm{"start": "node index.js"}, jsm{"express": "4"}, nil, `"pnpm": {"patchedDependencies": {"express@4.19.2": "patches/express@4.19.2.patch"}}`),
			"pnpm-lock.yaml":               "x",
			"patches/express@4.19.2.patch": "--- a",
		}, jsExpect{lockfiles: []string{"pnpm-lock.yaml", "package.json", "patches/express@4.19.2.patch"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsCheck(t, detectIn(t, Node{}, tt.files, "."), tt.want)
		})
	}
}

// nodeMonorepo is a pnpm + turborepo workspace: a Next.js app, an Express
// api, a shared UI library and an excluded example.
func nodeMonorepo() map[string]string {
	return map[string]string{
		"package.json":                  nodePkg("acme", jsm{"build": "turbo run build", "dev": "turbo run dev"}, nil, jsm{"turbo": "2", "prettier": "3"}, `"packageManager": "pnpm@9.12.0"`),
		"pnpm-lock.yaml":                "lockfileVersion: '9.0'\n",
		"pnpm-workspace.yaml":           "packages:\n  - 'apps/*'\n  - 'packages/*'\n  - '!packages/example'\n",
		"turbo.json":                    `{"tasks": {"build": {"dependsOn": ["^build"], "outputs": [".next/**", "dist/**"]}}}`,
		".nvmrc":                        "20\n",
		"apps/web/package.json":         nodePkg("web", jsm{"build": "next build", "start": "next start"}, jsm{"next": "15", "@acme/ui": "workspace:*"}, nil),
		"apps/api/package.json":         nodePkg("api", jsm{"build": "tsc", "start": "node dist/index.js"}, jsm{"express": "4", "@acme/ui": "workspace:*"}, nil),
		"packages/ui/package.json":      nodePkg("@acme/ui", jsm{"build": "tsc"}, jsm{"react": "18"}, nil, `"main": "dist/index.js"`),
		"packages/example/package.json": nodePkg("example", jsm{"start": "node ."}, nil, nil),
	}
}

func TestNodeWorkspaces(t *testing.T) {
	mono := nodeMonorepo()
	tests := []struct {
		name    string
		files   map[string]string
		dir, ws string
		want    jsExpect
	}{
		{"pnpm turbo root", mono, ".", ".", jsExpect{wsOnly: true, pm: "pnpm", version: "20", score: 0.9,
			members: []string{"apps/api", "apps/web", "packages/ui"}, lockfiles: []string{}}},
		{"pnpm turbo member", mono, "apps/web", ".", jsExpect{fw: "next", pm: "pnpm", version: "20", buildContext: ".",
			build: "pnpm exec turbo run build --filter=web...", start: "pnpm start", extra: jsm{"pm_version": "9.12.0"},
			lockfiles: []string{"pnpm-lock.yaml", "package.json", "pnpm-workspace.yaml", "apps/api/package.json", "apps/web/package.json", "packages/ui/package.json"}}},
		{"member found without the engine's workspace", mono, "apps/api", "apps/api", jsExpect{fw: "express", buildContext: ".", pm: "pnpm"}},
		{"excluded folder is no member", mono, "packages/example", "packages/example", jsExpect{buildContext: "-", start: "pnpm start"}},
		{"npm workspaces", map[string]string{
			"package.json":          nodePkg("root", nil, nil, nil, `"workspaces": ["apps/*", "./libs/**"]`),
			"package-lock.json":     "{}",
			"apps/a/package.json":   nodePkg("a", jsm{"start": "node ."}, nil, nil),
			"libs/x/y/package.json": nodePkg("y", nil, nil, nil),
			"libs/z/README.md":      "no package",
		}, ".", ".", jsExpect{wsOnly: true, pm: "npm", members: []string{"apps/a", "libs/x/y"}}},
		{"nx package-based member builds through nx", map[string]string{
			"package.json":        nodePkg("root", nil, nil, jsm{"nx": "19"}, `"workspaces": ["apps/*"]`),
			"nx.json":             "{}",
			"package-lock.json":   "{}",
			"apps/a/package.json": nodePkg("a", jsm{"start": "node dist/main.js", "build": "tsc"}, jsm{"koa": "2"}, nil),
		}, "apps/a", ".", jsExpect{build: "npx nx run a:build", buildContext: ".", extra: jsm{"build_from_context": "1"}}},
		{"npm workspace member lockfiles", map[string]string{
			"package.json":        nodePkg("root", nil, nil, nil, `"workspaces": ["apps/*"]`),
			"package-lock.json":   "{}",
			".npmrc":              "x",
			"apps/a/package.json": nodePkg("a", jsm{"start": "node .", "build": "tsc"}, jsm{"fastify": "4"}, nil),
			"apps/b/package.json": nodePkg("b", nil, nil, nil),
		}, "apps/a", ".", jsExpect{pm: "npm", buildContext: ".", build: "npm run build",
			lockfiles: []string{"package-lock.json", "package.json", ".npmrc", "apps/a/package.json", "apps/b/package.json"}}},
		{"yarn workspaces object", map[string]string{
			"package.json":            nodePkg("root", nil, nil, nil, `"workspaces": {"packages": ["packages/*"], "nohoist": ["**/x"]}`, `"private": true`),
			"yarn.lock":               "# yarn lockfile v1\n",
			"packages/a/package.json": nodePkg("a", nil, nil, nil),
		}, ".", ".", jsExpect{wsOnly: true, pm: "yarn", members: []string{"packages/a"}}},
		{"bun workspaces", map[string]string{
			"package.json":              nodePkg("root", nil, nil, nil, `"workspaces": ["packages/*"]`),
			"bun.lock":                  "{}",
			"packages/api/package.json": nodePkg("api", jsm{"start": "bun run src/index.ts"}, jsm{"hono": "4"}, nil),
		}, ".", ".", jsExpect{wsOnly: true, pm: "bun", members: []string{"packages/api"}}},
		{"bun member", map[string]string{
			"package.json":              nodePkg("root", nil, nil, nil, `"workspaces": ["packages/*"]`),
			"bun.lock":                  "{}",
			"packages/api/package.json": nodePkg("api", jsm{"start": "bun run src/index.ts"}, jsm{"hono": "4"}, nil),
		}, "packages/api", ".", jsExpect{pm: "bun", fw: "hono", start: "bun run start", buildContext: ".", portDefault: 3000}},
		{"root with its own app", map[string]string{
			"package.json":             nodePkg("app", jsm{"build": "next build", "start": "next start"}, jsm{"next": "15"}, nil, `"workspaces": ["packages/*"]`),
			"packages/ui/package.json": nodePkg("ui", nil, nil, nil),
		}, ".", ".", jsExpect{fw: "next", members: []string{"packages/ui"}, start: "npm start"}},
		{"root delegating start is still workspace only", map[string]string{
			"package.json":          nodePkg("root", jsm{"start": "turbo run start"}, nil, jsm{"turbo": "2", "vite": "5"}, `"workspaces": ["apps/*"]`),
			"turbo.json":            "{}",
			"apps/web/package.json": nodePkg("web", nil, nil, nil),
		}, ".", ".", jsExpect{wsOnly: true, members: []string{"apps/web"}}},
		{"nx root", map[string]string{
			"package.json":           nodePkg("org", nil, nil, jsm{"nx": "19", "@nx/js": "19"}),
			"package-lock.json":      "{}",
			"nx.json":                `{"workspaceLayout": {"appsDir": "apps", "libsDir": "libs"}}`,
			"apps/api/project.json":  `{"name": "api", "projectType": "application"}`,
			"libs/util/project.json": `{"name": "util", "projectType": "library"}`,
		}, ".", ".", jsExpect{wsOnly: true, members: []string{"apps/api", "libs/util"}}},
		{"moon globs", map[string]string{
			"package.json":          nodePkg("org", nil, nil, nil),
			".moon/workspace.yml":   "projects:\n  - 'apps/*'\n",
			"apps/web/moon.yml":     "language: typescript\n",
			"apps/api/package.json": nodePkg("api", nil, nil, nil),
		}, ".", ".", jsExpect{wsOnly: true, members: []string{"apps/api", "apps/web"}}},
		{"moon map", map[string]string{
			"package.json":          nodePkg("org", nil, nil, nil),
			".moon/workspace.yml":   "projects:\n  www: 'site'\n  api: 'services/api'\n",
			"site/package.json":     nodePkg("www", nil, nil, nil),
			"services/api/moon.yml": "type: application\n",
		}, ".", ".", jsExpect{wsOnly: true, members: []string{"services/api", "site"}}},
		{"lerna", map[string]string{
			"package.json":           nodePkg("org", nil, nil, jsm{"lerna": "8"}),
			"lerna.json":             `{"packages": ["modules/*"], "npmClient": "yarn"}`,
			"modules/a/package.json": nodePkg("a", nil, nil, nil),
		}, ".", ".", jsExpect{wsOnly: true, members: []string{"modules/a"}, pm: "yarn"}},
		{"pnpm empty workspace", map[string]string{
			"package.json":        nodePkg("root", nil, nil, nil),
			"pnpm-workspace.yaml": "",
		}, ".", ".", jsExpect{wsOnly: true, pm: "pnpm"}},
		{"member with its own lockfile builds alone", map[string]string{
			"package.json":        nodePkg("root", nil, nil, nil, `"workspaces": ["apps/*"]`),
			"package-lock.json":   "{}",
			"apps/x/package.json": nodePkg("x", jsm{"start": "node ."}, nil, nil),
			"apps/x/yarn.lock":    "# yarn lockfile v1\n",
		}, "apps/x", ".", jsExpect{pm: "yarn", buildContext: "-", lockfiles: []string{"apps/x/yarn.lock", "apps/x/package.json"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := detectWorkspace(t, Node{}, tt.files, tt.dir, tt.ws)
			if tt.want.lockfiles != nil && len(tt.want.lockfiles) == 0 {
				if len(r.Lockfiles) != 0 {
					t.Errorf("Lockfiles = %q, want none", r.Lockfiles)
				}
				tt.want.lockfiles = nil
			}
			jsCheck(t, r, tt.want)
		})
	}
}

func TestNodeNxProjects(t *testing.T) {
	files := map[string]string{
		"package.json":      nodePkg("org", nil, jsm{"express": "4", "pg": "8"}, jsm{"nx": "19", "@nx/node": "19"}),
		"package-lock.json": "{}",
		"nx.json":           "{}",
		"apps/api/project.json": `{
  "name": "api",
  "projectType": "application",
  "sourceRoot": "apps/api/src",
  "targets": {
    "build": {"executor": "@nx/esbuild:esbuild", "options": {"outputPath": "dist/apps/api", "main": "apps/api/src/main.ts"}},
    "serve": {"executor": "@nx/js:node", "options": {"buildTarget": "api:build"}}
  }
}`,
		"apps/api/src/main.ts":     "app.listen(port)",
		"apps/shop/project.json":   `{"name": "shop", "projectType": "application", "targets": {"build": {"executor": "@nx/vite:build", "options": {"outputPath": "dist/apps/shop"}}}}`,
		"apps/shop/index.html":     "<div id=root></div>",
		"apps/admin/project.json":  `{"name": "admin", "targets": {"build": {"executor": "@angular-devkit/build-angular:application", "options": {"outputPath": "dist/apps/admin"}}}}`,
		"apps/site/project.json":   `{"name": "site"}`,
		"apps/site/next.config.js": "module.exports = {}",
		"libs/util/project.json":   `{"name": "util", "projectType": "library"}`,
		"apps/bad/project.json":    `{"name": "bad", "targets": {"build": 3}}`,
		"orphan/project.json":      `{"name": "orphan"}`,
	}
	tests := []struct {
		dir  string
		want jsExpect
	}{
		{"apps/api", jsExpect{lang: "node", fw: "express", kind: "web", start: "node dist/apps/api/main.js", build: "npx nx run api:build",
			buildContext: ".", pm: "npm", extra: jsm{"run_from_context": "1"}, lockfiles: []string{"package-lock.json", "package.json"}, deps: []string{"pg"}, score: 0.8}},
		{"apps/shop", jsExpect{fw: "vite", kind: "static", target: "../../dist/apps/shop", extra: jsm{"spa": "1"}}},
		{"apps/admin", jsExpect{fw: "angular", kind: "static", target: "../../dist/apps/admin/browser"}},
		{"apps/site", jsExpect{fw: "next", start: "next start apps/site", build: "npx nx run site:build", portDefault: 3000}},
		{"libs/util", jsExpect{library: true, name: "util"}},
		{"apps/bad", jsExpect{warnHas: "cannot parse", maxScore: 0.6}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			jsCheck(t, detectWorkspace(t, Node{}, files, tt.dir, "."), tt.want)
		})
	}
	t.Run("project.json outside an nx workspace", func(t *testing.T) {
		delete(files, "nx.json")
		jsCheck(t, detectIn(t, Node{}, files, "orphan"), jsExpect{nilResult: true})
	})
}

func TestNodeNoPackage(t *testing.T) {
	jsCheck(t, detectIn(t, Node{}, map[string]string{"index.html": "<h1>hi</h1>", "main.go": "package main"}, "."), jsExpect{nilResult: true})
}

func TestNodeHelpers(t *testing.T) {
	for _, tt := range []struct {
		pattern, path string
		want          bool
	}{
		{"apps/*", "apps/web", true},
		{"apps/*", "apps/web/x", false},
		{"packages/**", "packages/a/b", true},
		{"**/pkg", "a/b/pkg", true},
		{"**/**/**", "a", true},
		{"apps/[", "apps/[", false},
	} {
		if got := jsGlobMatch(tt.pattern, tt.path); got != tt.want {
			t.Errorf("jsGlobMatch(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
	for _, tt := range []struct {
		script string
		dev    bool
	}{
		{"next start", false}, {"next dev", true}, {"vite", true}, {"vite build", false}, {"nodemon x.js", true},
		{"cross-env NODE_ENV=production node dist/index.js", false}, {"NODE_ENV=dev tsx watch src/index.ts", true},
		{"nest start", true}, {"nest start --prod", false}, {"react-scripts start", true}, {"node --watch a.js", true},
		{"prisma migrate deploy && node dist/main.js", false}, {"parcel index.html", true}, {"parcel build index.html", false},
	} {
		if got := isDevCommand(tt.script); got != tt.dev {
			t.Errorf("isDevCommand(%q) = %v, want %v", tt.script, got, tt.dev)
		}
	}
	for _, tt := range []struct {
		script string
		want   bool
	}{
		{"turbo run start", true}, {"pnpm -r start", true}, {"npm run start --workspace=api", true},
		{"node server.js", false}, {"yarn workspace api start", true},
	} {
		if got := delegatesToMembers(tt.script); got != tt.want {
			t.Errorf("delegatesToMembers(%q) = %v, want %v", tt.script, got, tt.want)
		}
	}
}

func TestNodeDetectorName(t *testing.T) {
	if (Node{}).Name() != "node" || (Deno{}).Name() != "deno" || (Static{}).Name() != "static" {
		t.Error("detector names")
	}
}

func TestNodeFileRouteHealth(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"next app router", map[string]string{"package.json": nodePkg("w", jsm{"start": "next start"}, jsm{"next": "15"}, nil), "app/api/health/route.ts": "x"}, "/api/health"},
		{"next src app", map[string]string{"package.json": nodePkg("w", nil, jsm{"next": "15"}, nil), "src/app/healthz/route.js": "x"}, "/healthz"},
		{"next pages api", map[string]string{"package.json": nodePkg("w", nil, jsm{"next": "15"}, nil), "pages/api/health.ts": "x"}, "/api/health"},
		{"nuxt server route", map[string]string{"package.json": nodePkg("w", nil, jsm{"nuxt": "3"}, nil), "server/routes/health.ts": "x"}, "/health"},
		{"nuxt api", map[string]string{"package.json": nodePkg("w", nil, jsm{"nuxt": "3"}, nil), "server/api/healthz.js": "x"}, "/api/healthz"},
		{"remix flat route", map[string]string{"package.json": nodePkg("w", nil, jsm{"@remix-run/node": "2"}, nil), "app/routes/api.health.ts": "x"}, "/api/health"},
		{"sveltekit endpoint", map[string]string{"package.json": nodePkg("w", nil, jsm{"@sveltejs/kit": "2", "@sveltejs/adapter-node": "5"}, nil), "src/routes/health/+server.ts": "x"}, "/health"},
		{"astro endpoint", map[string]string{"package.json": nodePkg("w", nil, jsm{"astro": "4", "@astrojs/node": "8"}, nil), "src/pages/health.ts": "x"}, "/health"},
		{"health before healthz", map[string]string{"package.json": nodePkg("w", nil, jsm{"next": "15"}, nil), "app/healthz/route.ts": "x", "app/health/route.ts": "x"}, "/health"},
		{"static site has none", map[string]string{"package.json": nodePkg("w", jsm{"build": "astro build"}, jsm{"astro": "4"}, nil), "src/pages/health.ts": "x"}, "-"},
		{"express has none from files", map[string]string{"package.json": nodePkg("w", jsm{"start": "node ."}, jsm{"express": "4"}, nil), "app/health/route.ts": "x"}, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := detectIn(t, Node{}, tt.files, ".")
			if want := strings.TrimPrefix(tt.want, "-"); r.Health != want {
				t.Errorf("Health = %q, want %q", r.Health, want)
			}
		})
	}
}

func TestNodeHostileWorkspaceGlobs(t *testing.T) {
	files := map[string]string{
		"package.json":        nodePkg("root", nil, nil, nil, `"workspaces": ["**/**/**/**/**/**/x", "**/a/**/a/**/a/**", "/etc", "../up", "!a/a"]`),
		"pnpm-workspace.yaml": "packages:\n  - '**'\n  - '[unclosed'\n",
	}
	deep := ""
	for i := 0; i < 25; i++ {
		deep += "a/"
		files[deep+"package.json"] = "{}"
	}
	r := detectIn(t, Node{}, files, ".")
	if !r.WorkspaceOnly || len(r.Members) == 0 {
		t.Fatalf("want a workspace root with members, got %+v", r)
	}
	for _, m := range r.Members {
		if m == "a/a" || strings.HasPrefix(m, "/") || strings.HasPrefix(m, "..") {
			t.Errorf("member %q should not be listed", m)
		}
	}
	// A member deep inside resolves its workspace without the engine's help.
	jsCheck(t, detectIn(t, Node{}, files, strings.TrimSuffix(deep, "/")), jsExpect{buildContext: ".", library: true})
}
