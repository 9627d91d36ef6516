// Tests of the Node detector in monorepos: workspace roots and members of
// npm, Yarn, pnpm and Bun, Turborepo, Nx, moon and Lerna, Nx project
// folders without a package.json, and hostile workspace globs.

package stacks

import (
	"strings"
	"testing"
)

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
