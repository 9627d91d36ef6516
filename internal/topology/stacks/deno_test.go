package stacks

import "testing"

func TestDenoDetect(t *testing.T) {
	fresh1 := `{
  "lock": false,
  "tasks": {
    "check": "deno fmt --check && deno lint",
    "start": "deno run -A --watch=static/,routes/ dev.ts",
    "build": "deno run -A dev.ts build",
    "preview": "deno run -A main.ts"
  },
  "imports": {
    "$fresh/": "https://deno.land/x/fresh@1.6.8/",
    "preact": "https://esm.sh/preact@10.19.6",
    "$std/": "https://deno.land/std@0.211.0/"
  },
  "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "preact" }
}`
	tests := []struct {
		name  string
		files map[string]string
		dir   string
		want  jsExpect
	}{
		{"fresh 1", map[string]string{"deno.json": fresh1, "main.ts": "await start(manifest, config);", "dev.ts": "await dev(import.meta.url, './main.ts')", ".dvmrc": "1.46.3\n", "routes/api/health.ts": "x"}, ".",
			jsExpect{lang: "deno", fw: "fresh", pm: "deno", kind: "web", start: "deno task preview", build: "deno task build", version: "1.46.3",
				portDefault: 8000, score: 0.9, warnHas: "development server", warnLine: 5, extra: jsm{"entry": "main.ts"},
				lockfiles: []string{"deno.json"}, deps: []string{"preact"}, evidence: "health route /api/health"}},
		{"fresh 1 without preview", map[string]string{"deno.json": `{"tasks": {"start": "deno run -A --watch dev.ts"}, "imports": {"$fresh/": "https://deno.land/x/fresh@1.6.8/"}}`, "main.ts": "x"}, ".",
			jsExpect{fw: "fresh", start: "deno run -A main.ts"}},
		{"fresh 2", map[string]string{
			"deno.json": `{"tasks": {"dev": "vite", "build": "vite build", "start": "deno serve -A _fresh/server.js"}, "imports": {"fresh": "jsr:@fresh/core@^2.0.0", "preact": "npm:preact@^10.26"}}`,
			"deno.lock": "{}", "main.ts": "export const app = new App()"}, ".",
			jsExpect{fw: "fresh", start: "deno task start", build: "deno task build", lockfiles: []string{"deno.json", "deno.lock"}, deps: []string{"@fresh/core", "preact"}}},
		{"fresh 2 start task dev", map[string]string{
			"deno.jsonc": "{\n  // fresh\n  \"tasks\": {\"start\": \"vite\"},\n  \"imports\": {\"fresh\": \"jsr:@fresh/core@^2\"},\n}\n"}, ".",
			jsExpect{fw: "fresh", start: "deno serve -A _fresh/server.js", warnHas: "development server"}},
		{"hono on deno", map[string]string{
			"deno.json": `{"imports": {"hono": "jsr:@hono/hono@^4.6", "postgres": "https://deno.land/x/postgres@v0.19.3/mod.ts", "pg": "npm:pg@8"}}`,
			"main.ts":   "Deno.serve(app.fetch)"}, ".",
			jsExpect{fw: "hono", kind: "web", start: "deno run -A main.ts", portDefault: 8000, deps: []string{"@hono/hono", "postgres", "pg"}, score: 0.9}},
		{"start task", map[string]string{"deno.json": `{"tasks": {"start": "deno run --allow-net server.ts"}}`, "server.ts": "Deno.serve(h)"}, ".",
			jsExpect{start: "deno task start", score: 0.9, kind: "-", extra: jsm{"entry": "server.ts"}}},
		{"default export fetch handler", map[string]string{"deno.json": `{}`, "main.ts": "export default { fetch(req) { return new Response('hi') } }"}, ".",
			jsExpect{start: "deno serve -A main.ts", score: 0.7}},
		{"no config, deno code", map[string]string{"server.ts": "import { serve } from 'https://deno.land/std/http/server.ts';\nserve(h);"}, ".",
			jsExpect{lang: "deno", start: "deno run -A server.ts", score: 0.6, portDefault: 8000}},
		{"no config, not deno", map[string]string{"main.ts": "console.log(process.argv)"}, ".", jsExpect{nilResult: true}},
		{"no config beside package.json", map[string]string{"main.ts": "Deno.serve(h)", "package.json": "{}"}, ".", jsExpect{nilResult: true}},
		{"nothing", map[string]string{"README.md": "x"}, ".", jsExpect{nilResult: true}},
		{"library", map[string]string{"deno.json": `{"name": "@acme/util", "version": "1.0.0", "exports": "./mod.ts"}`, "mod.ts": "export const x = 1"}, ".",
			jsExpect{library: true, score: 0.5, name: "@acme/util", start: "-"}},
		{"workspace root", map[string]string{
			"deno.json":     `{"workspace": ["./api", "./lib"]}`,
			"deno.lock":     "{}",
			"api/deno.json": `{"tasks": {"start": "deno run -A main.ts"}}`,
			"api/main.ts":   "Deno.serve(h)",
			"lib/deno.json": `{"name": "@x/lib", "exports": "./mod.ts"}`,
		}, ".", jsExpect{wsOnly: true, members: []string{"api", "lib"}, score: 0.9}},
		{"workspace member", map[string]string{
			"deno.json":     `{"workspace": ["./api"]}`,
			"deno.lock":     "{}",
			"api/deno.json": `{"tasks": {"start": "deno run -A main.ts"}}`,
			"api/main.ts":   "Deno.serve(h)",
			"api/deps.ts":   "export * from 'npm:redis@4';",
		}, "api", jsExpect{start: "deno task start", buildContext: ".", lockfiles: []string{"deno.json", "deno.lock", "api/deno.json", "api/deps.ts"}, deps: []string{"redis"}}},
		{"malformed", map[string]string{"deno.json": "{\n  \"tasks\": {\n    \"start\": \"deno run main.ts\"\n  \n", "main.ts": "Deno.serve(h)"}, ".",
			jsExpect{lang: "deno", warnLine: 5, warnHas: "cannot parse", start: "deno run -A main.ts", score: 0.5}},
		{"task of the wrong shape", map[string]string{"deno.json": "{\n  \"tasks\": {\n    \"start\": 3\n  }\n}\n", "main.ts": "Deno.serve(h)"}, ".",
			jsExpect{warnLine: 3, start: "deno run -A main.ts"}},
		{"deno 2 task object", map[string]string{"deno.json": `{"tasks": {"start": {"command": "deno run -A main.ts", "description": "serve"}}}`}, ".",
			jsExpect{start: "deno task start", score: 0.9}},
		{"tool-versions", map[string]string{"deno.json": `{"tasks": {"start": "deno run main.ts"}}`, ".tool-versions": "deno 2.0.6\n"}, ".",
			jsExpect{version: "2.0.6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsCheck(t, detectIn(t, Deno{}, tt.files, tt.dir), tt.want)
		})
	}
}

func TestDenoPackageName(t *testing.T) {
	for spec, want := range map[string]string{
		"npm:pg@8.11":                                  "pg",
		"npm:@prisma/client@5/edge":                    "@prisma/client",
		"jsr:@std/http@^1.0.0":                         "@std/http",
		"jsr:/@std/assert@1":                           "@std/assert",
		"https://deno.land/x/redis@v0.32.0/mod.ts":     "redis",
		"https://esm.sh/@supabase/supabase-js@2":       "@supabase/supabase-js",
		"https://deno.land/std@0.200.0/http/server.ts": "",
		"./local.ts":                                   "",
	} {
		if got := denoPackageName(spec); got != want {
			t.Errorf("denoPackageName(%q) = %q, want %q", spec, got, want)
		}
	}
}
