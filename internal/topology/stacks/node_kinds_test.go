// Tests of the Node detector on packages by kind (workers, libraries,
// command-line tools, asset pipelines, undeployable apps) and of the start
// commands it picks when a script is missing or runs a development server.

package stacks

import (
	"testing"
)

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
