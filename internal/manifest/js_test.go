package manifest

import (
	"slices"
	"testing"
)

func TestPnpmWorkspace(t *testing.T) {
	w, err := ParsePnpmWorkspace([]byte("packages:\n  - 'apps/*'\n  - \"!apps/legacy\"\n  - 3\ncatalog:\n  react: ^18\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.Packages, []string{"apps/*", "!apps/legacy"}) {
		t.Errorf("Packages = %q", w.Packages)
	}
	if w, err := ParsePnpmWorkspace(nil); err != nil || len(w.Packages) != 0 {
		t.Errorf("empty file: %v %v", w, err)
	}
	if _, err := ParsePnpmWorkspace([]byte("packages:\n  a: b\n")); ErrorLine(err) != 1 {
		t.Errorf("map packages: %v", err)
	}
	if _, err := ParsePnpmWorkspace([]byte("packages:\n  - a\n - b\n")); err == nil || ErrorLine(err) == 0 {
		t.Errorf("bad indentation: want an error with a line, got %v", err)
	}
}

func TestDenoJSON(t *testing.T) {
	d, err := ParseDenoJSON([]byte(`{
  // comment
  "name": "@x/app",
  "exports": {"./b": "./b.ts", ".": "./mod.ts"},
  "tasks": {"start": "deno run -A main.ts", "build": {"command": "deno run -A dev.ts build", "dependencies": ["check"]}},
  "imports": {"$fresh/": "https://deno.land/x/fresh@1.6.8/"},
  "importMap": "./import_map.json",
  "workspace": {"members": ["./a", ""]},
  "lock": {"path": "./locks/deno.lock", "frozen": true},
  "compilerOptions": {"jsxImportSource": "preact"},
}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "@x/app" || d.Tasks["build"] != "deno run -A dev.ts build" || d.Tasks["start"] != "deno run -A main.ts" ||
		d.ImportMap != "./import_map.json" || d.Lock != "./locks/deno.lock" || d.JSXImportSource != "preact" {
		t.Errorf("%+v", d)
	}
	if !slices.Equal(d.Exports, []string{"./mod.ts", "./b.ts"}) || !slices.Equal(d.Workspace, []string{"./a"}) {
		t.Errorf("Exports %q Workspace %q", d.Exports, d.Workspace)
	}
	if !slices.Contains(d.ImportNames(), "$fresh/") {
		t.Errorf("ImportNames = %q", d.ImportNames())
	}
	for _, tt := range []struct {
		data string
		lock string
		line int
	}{
		{`{"lock": false}`, "", 0},
		{`{"lock": "x.lock", "exports": "./mod.ts", "workspace": ["a"]}`, "x.lock", 0},
		{"{\n\"lock\": 3\n}", "deno.lock", 2},
		{"{\n\"exports\": 3\n}", "deno.lock", 2},
		{"{\n\"workspace\": 3\n}", "deno.lock", 2},
		{"{\n\"tasks\": {\"a\": 1}\n}", "deno.lock", 2},
		{"{\n\"imports\": []\n}", "deno.lock", 2},
	} {
		d, err := ParseDenoJSON([]byte(tt.data))
		if ErrorLine(err) != tt.line {
			t.Errorf("%s: error %v, want line %d", tt.data, err, tt.line)
		}
		if d == nil || d.Lock != tt.lock {
			t.Errorf("%s: %+v, want lock %q", tt.data, d, tt.lock)
		}
	}
	if d, err := ParseDenoJSON([]byte("{\n\"a\":\n")); d != nil || ErrorLine(err) != 3 {
		t.Errorf("syntax error: %v %v", d, err)
	}
}

func TestNxJSON(t *testing.T) {
	n, err := ParseNxJSON([]byte(`{"workspaceLayout": {"appsDir": "apps", "libsDir": "libs"}, "plugins": ["@nx/next/plugin", {"plugin": "@nx/vite/plugin", "options": {}}, 3]}`))
	if err != nil || n.AppsDir != "apps" || n.LibsDir != "libs" || !slices.Equal(n.Plugins, []string{"@nx/next/plugin", "@nx/vite/plugin"}) {
		t.Errorf("%+v %v", n, err)
	}
	p, err := ParseProjectJSON([]byte(`{
  "name": "api", "projectType": "application", "sourceRoot": "apps/api/src", "tags": ["scope:api"],
  "targets": {
    "build": {"executor": "@nx/webpack:webpack", "options": {"outputPath": "dist/apps/api", "main": "apps/api/src/main.ts"}},
    "serve": {"executor": "@nx/js:node", "options": {"buildTarget": "api:build"}},
    "ng": {"builder": "@angular/build:application", "options": {"outputPath": {"base": "dist/x"}}},
    "run": {"executor": "nx:run-commands", "options": {"command": "node x.js"}}
  }
}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Targets["build"].OutputPath != "dist/apps/api" || p.Targets["build"].Main != "apps/api/src/main.ts" ||
		p.Targets["serve"].BuildTarget != "api:build" || p.Targets["ng"].Executor != "@angular/build:application" ||
		p.Targets["ng"].OutputPath != "dist/x" || p.Targets["run"].Command != "node x.js" {
		t.Errorf("%+v", p.Targets)
	}
	if p, err := ParseProjectJSON([]byte("{\n\"name\": \"x\",\n\"targets\": {\"build\": 3}\n}")); ErrorLine(err) != 3 || p == nil || p.Name != "x" {
		t.Errorf("bad target: %v %v", p, err)
	}
}

func TestTurboJSON(t *testing.T) {
	tj, err := ParseTurboJSON([]byte("{\n // v2\n \"tasks\": {\"build\": {\"dependsOn\": [\"^build\"], \"outputs\": [\"dist/**\"]}, \"web#deploy\": {}, \"dev\": {\"persistent\": true}}\n}"))
	if err != nil {
		t.Fatal(err)
	}
	if !tj.HasTask("build") || !tj.HasTask("deploy") || tj.HasTask("lint") || !tj.Tasks["dev"].Persistent {
		t.Errorf("%+v", tj)
	}
	tj, err = ParseTurboJSON([]byte(`{"pipeline": {"build": {"outputs": [".next/**"]}}}`))
	if err != nil || !slices.Equal(tj.Tasks["build"].Outputs, []string{".next/**"}) {
		t.Errorf("v1: %+v %v", tj, err)
	}
}

func TestMoonFiles(t *testing.T) {
	for _, tt := range []struct {
		data    string
		globs   []string
		sources map[string]string
		line    int
	}{
		{"projects:\n  - 'apps/*'\n  - 'packages/*'\n", []string{"apps/*", "packages/*"}, nil, 0},
		{"projects:\n  web: 'apps/web'\n", nil, map[string]string{"web": "apps/web"}, 0},
		{"projects:\n  globs: ['apps/*']\n  sources:\n    root: '.'\n", []string{"apps/*"}, map[string]string{"root": "."}, 0},
		{"vcs:\n  manager: git\n", nil, nil, 0},
		{"x: 1\nprojects: 3\n", nil, nil, 2},
		{"projects:\n  globs: 3\n", nil, nil, 1},
	} {
		w, err := ParseMoonWorkspace([]byte(tt.data))
		if ErrorLine(err) != tt.line {
			t.Errorf("%q: error %v, want line %d", tt.data, err, tt.line)
		}
		if tt.line == 0 && (!slices.Equal(w.Globs, tt.globs) || len(w.Sources) != len(tt.sources)) {
			t.Errorf("%q: %+v", tt.data, w)
		}
	}
	tc, err := ParseMoonToolchain([]byte("node:\n  version: '20.10.0'\n  packageManager: 'pnpm'\n  pnpm:\n    version: 9.1.0\nbun:\n  version: 1.1\ndeno:\n  version: '2.0.0'\n"))
	if err != nil || tc.NodeVersion != "20.10.0" || tc.PackageManager != "pnpm" || tc.ManagerVersion != "9.1.0" || tc.BunVersion != "1.1" || tc.DenoVersion != "2.0.0" {
		t.Errorf("%+v %v", tc, err)
	}
	if _, err := ParseMoonToolchain([]byte("node: 20\n")); ErrorLine(err) != 1 {
		t.Errorf("node jsScalar: %v", err)
	}
}

func TestAngularJSON(t *testing.T) {
	a, err := ParseAngularJSON([]byte(`{
  "defaultProject": "shop",
  "projects": {
    "admin": {"projectType": "application", "root": "projects/admin", "architect": {"build": {"builder": "@angular-devkit/build-angular:browser", "options": {"outputPath": "dist/admin"}}}},
    "lib": {"projectType": "library"},
    "shop": {"projectType": "application", "targets": {"build": {"builder": "@angular/build:application", "options": {"outputPath": {"base": "dist/shop", "browser": ""}, "ssr": {"entry": "server.ts"}}}}}
  }
}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Apps) != 2 || a.Apps[0].Name != "shop" || !a.Apps[0].SSR || a.Apps[0].Browser == nil || *a.Apps[0].Browser != "" ||
		a.Apps[1].Name != "admin" || a.Apps[1].SSR || a.Apps[1].OutputPath != "dist/admin" || a.Apps[1].Root != "projects/admin" {
		t.Errorf("%+v", a.Apps)
	}
	if _, err := ParseAngularJSON([]byte("{\n\"projects\": 3\n}")); ErrorLine(err) != 2 {
		t.Errorf("bad projects: %v", err)
	}
}

func TestLernaTSConfigYarnRC(t *testing.T) {
	l, err := ParseLernaJSON([]byte(`{"packages": ["packages/*"], "npmClient": "pnpm", "version": "independent"}`))
	if err != nil || !slices.Equal(l.Packages, []string{"packages/*"}) || l.NpmClient != "pnpm" {
		t.Errorf("%+v %v", l, err)
	}
	if _, err := ParseLernaJSON([]byte("{\n\"packages\": 1}")); ErrorLine(err) != 2 {
		t.Errorf("bad lerna: %v", err)
	}
	tc, err := ParseTSConfig([]byte("{\n  // c\n  \"extends\": \"./base.json\",\n  \"compilerOptions\": {\"outDir\": \"build\", \"rootDir\": \"src\",},\n}"))
	if err != nil || tc.OutDir != "build" || tc.RootDir != "src" {
		t.Errorf("%+v %v", tc, err)
	}
	if _, err := ParseTSConfig([]byte("{\n\"compilerOptions\": {\"outDir\": 1}}")); ErrorLine(err) != 2 {
		t.Errorf("bad tsconfig: %v", err)
	}
	rc, err := ParseYarnRC([]byte("nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.5.0.cjs\n"))
	if err != nil || rc.NodeLinker != "node-modules" || rc.YarnPath != ".yarn/releases/yarn-4.5.0.cjs" {
		t.Errorf("%+v %v", rc, err)
	}
	if _, err := ParseYarnRC([]byte("a: [\n")); err == nil {
		t.Error("bad yarnrc: want an error")
	}
}

func jsFuzzNoPanic[T any](f *testing.F, seeds []string, parse func([]byte) (*T, error)) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parse(data)
		if v == nil && err == nil {
			t.Fatal("nil result without an error")
		}
		if ErrorLine(err) < 0 {
			t.Fatal("negative line")
		}
	})
}

func FuzzPnpmWorkspace(f *testing.F) {
	jsFuzzNoPanic(f, []string{"packages:\n  - 'a/*'\n", "packages: x\n", "&a [*a]", "packages:\n  a: b\n"}, ParsePnpmWorkspace)
}

func FuzzDenoJSON(f *testing.F) {
	jsFuzzNoPanic(f, []string{
		`{"tasks": {"start": "deno run main.ts", "b": {"command": "x"}}, "imports": {"a": "npm:a"}, "workspace": ["./a"], "lock": false, "exports": "./mod.ts"}`,
		"{\n// c\n\"workspace\": {\"members\": []},\n}", `{"lock": {"path": "x"}}`, `{`,
	}, ParseDenoJSON)
}

func FuzzNxJSON(f *testing.F) {
	jsFuzzNoPanic(f, []string{`{"plugins": ["a", {"plugin": "b"}], "workspaceLayout": {"appsDir": "apps"}}`, `{`}, ParseNxJSON)
}

func FuzzProjectJSON(f *testing.F) {
	jsFuzzNoPanic(f, []string{`{"name": "a", "targets": {"build": {"executor": "x", "options": {"outputPath": {"base": "d"}, "command": "c"}}}}`, `{"targets": {"a": 1}}`}, ParseProjectJSON)
}

func FuzzTurboJSON(f *testing.F) {
	jsFuzzNoPanic(f, []string{`{"tasks": {"build": {"dependsOn": ["^build"]}}}`, `{"pipeline": {"a#b": 1}}`}, ParseTurboJSON)
}

func FuzzMoonWorkspace(f *testing.F) {
	jsFuzzNoPanic(f, []string{"projects:\n  - 'apps/*'\n", "projects:\n  a: b\n", "projects:\n  globs: [a]\n  sources: {a: b}\n"}, ParseMoonWorkspace)
}

func FuzzMoonToolchain(f *testing.F) {
	jsFuzzNoPanic(f, []string{"node:\n  version: 20\n  packageManager: pnpm\n  pnpm:\n    version: 9\n", "node: 1\n"}, ParseMoonToolchain)
}

func FuzzAngularJSON(f *testing.F) {
	jsFuzzNoPanic(f, []string{`{"defaultProject": "a", "projects": {"a": {"architect": {"build": {"builder": "b:application", "options": {"outputPath": {"base": "d", "browser": ""}, "ssr": true}}}}}}`}, ParseAngularJSON)
}

func FuzzLernaJSON(f *testing.F) {
	jsFuzzNoPanic(f, []string{`{"packages": ["a/*"], "npmClient": "yarn"}`}, ParseLernaJSON)
}

func FuzzTSConfig(f *testing.F) {
	jsFuzzNoPanic(f, []string{"{\n// c\n\"compilerOptions\": {\"outDir\": \"d\",},\n}"}, ParseTSConfig)
}

func FuzzYarnRC(f *testing.F) {
	jsFuzzNoPanic(f, []string{"yarnPath: .yarn/releases/yarn.cjs\nnodeLinker: pnp\n"}, ParseYarnRC)
}
