// Tests of the Node detector's frameworks: what each one means for kind,
// start and build commands, ports and static output, and the health
// routes file-based routers define.

package stacks

import (
	"strings"
	"testing"
)

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
