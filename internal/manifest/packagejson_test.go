package manifest

import (
	"slices"
	"testing"
)

func TestPackageJSONParse(t *testing.T) {
	data := []byte("\xEF\xBB\xBF" + `{
  "name": "@acme/web",
  "version": "1.2.3",
  "private": true,
  "type": "module",
  "main": "./dist/index.js",
  "typings": "dist/index.d.ts",
  "exports": {".": "./dist/index.js"},
  "files": ["dist"],
  "bin": "./bin/web.js",
  "scripts": {"start": "next start", "build": "next build"},
  "dependencies": {"next": "15.0.0", "react": "19.0.0"},
  "devDependencies": {"typescript": "5.6.0", "react": "19.0.0"},
  "optionalDependencies": {"sharp": "0.33.0"},
  "workspaces": {"packages": ["apps/*", " ", "packages/*"]},
  "packageManager": "pnpm@9.12.0+sha512.deadbeef",
  "engines": {"node": ">=20", "npm": ["x"]},
  "pnpm": {"patchedDependencies": {"b@1": "patches/b.patch", "a@1": "patches/a.patch"}},
  "prisma": {"schema": "db/schema.prisma"},
  "volta": {"node": "20.11.0", "bad": 3}
}`)
	p, err := ParsePackageJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		field, got, want string
	}{
		{"Name", p.Name, "@acme/web"}, {"Version", p.Version, "1.2.3"}, {"Type", p.Type, "module"},
		{"Main", p.Main, "./dist/index.js"}, {"Types", p.Types, "dist/index.d.ts"},
		{"Bin", p.Bin["web"], "./bin/web.js"}, {"Script", p.Script("start"), "next start"},
		{"PackageManager", p.PackageManager, "pnpm@9.12.0+sha512.deadbeef"}, {"Engines", p.Engines["node"], ">=20"},
		{"PrismaSchema", p.PrismaSchema, "db/schema.prisma"}, {"Volta", p.Volta["node"], "20.11.0"},
		{"DepVersion", p.DepVersion("typescript"), "5.6.0"}, {"optional", p.Dependencies["sharp"], "0.33.0"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if !p.Private || !p.HasExports || !p.HasFiles {
		t.Errorf("Private/HasExports/HasFiles = %v/%v/%v", p.Private, p.HasExports, p.HasFiles)
	}
	if name, v := p.Manager(); name != "pnpm" || v != "9.12.0" {
		t.Errorf("Manager() = %q, %q", name, v)
	}
	if !slices.Equal(p.Workspaces, []string{"apps/*", "packages/*"}) {
		t.Errorf("Workspaces = %q", p.Workspaces)
	}
	if !slices.Equal(p.PatchedDependencies, []string{"patches/a.patch", "patches/b.patch"}) {
		t.Errorf("PatchedDependencies = %q", p.PatchedDependencies)
	}
	if want := []string{"next", "react", "sharp", "typescript"}; !slices.Equal(p.DepNames(), want) {
		t.Errorf("DepNames() = %q, want %q", p.DepNames(), want)
	}
	if !p.Has("typescript") || p.Has("vue") {
		t.Error("Has")
	}
	if _, ok := p.Engines["npm"]; ok {
		t.Error("an engines value that is not a string must be dropped")
	}
}

func TestPackageJSONForms(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantErr  int // line of the error, -1 for none
		wantName string
		check    func(t *testing.T, p *PackageJSON)
	}{
		{"bin object", `{"name": "x", "bin": {"a": "a.js", "b": 3}}`, -1, "x", func(t *testing.T, p *PackageJSON) {
			if len(p.Bin) != 1 || p.Bin["a"] != "a.js" {
				t.Errorf("Bin = %v", p.Bin)
			}
		}},
		{"workspaces array", `{"workspaces": ["a/*"]}`, -1, "", func(t *testing.T, p *PackageJSON) {
			if !slices.Equal(p.Workspaces, []string{"a/*"}) {
				t.Errorf("Workspaces = %q", p.Workspaces)
			}
		}},
		{"private as a string", `{"private": "true"}`, -1, "", func(t *testing.T, p *PackageJSON) {
			if !p.Private {
				t.Error("Private")
			}
		}},
		{"null fields", `{"name": "n", "bin": null, "workspaces": null, "exports": null, "engines": null}`, -1, "n", func(t *testing.T, p *PackageJSON) {
			if p.HasExports || p.Bin != nil || p.Workspaces != nil {
				t.Errorf("%+v", p)
			}
		}},
		{"syntax error", "{\n  \"name\": \"x\"\n  \"version\": \"1\"\n}", 3, "", nil},
		{"truncated", "{\n  \"name\": \"x\",\n", 3, "", nil},
		{"trailing comma", "{\n  \"name\": \"x\",\n  \"scripts\": {\"start\": \"node .\",}\n}", 3, "x", func(t *testing.T, p *PackageJSON) {
			if p.Script("start") != "node ." {
				t.Errorf("Scripts = %v", p.Scripts)
			}
		}},
		{"comment", "{\n  // hi\n  \"name\": \"x\"\n}", 2, "x", nil},
		{"wrong type keeps the rest", "{\n  \"name\": \"x\",\n  \"dependencies\": [\"a\"],\n  \"scripts\": {\"start\": \"s\"}\n}", 3, "x", func(t *testing.T, p *PackageJSON) {
			if p.Script("start") != "s" {
				t.Errorf("Scripts = %v", p.Scripts)
			}
		}},
		{"bin of the wrong shape", "{\n  \"name\": \"x\",\n  \"bin\": 3\n}", 3, "x", nil},
		{"engines of the wrong shape", "{\n  \"engines\": \"node 20\"\n}", 2, "", nil},
		{"private of the wrong shape", "{\n  \"private\": 1\n}", 2, "", nil},
		{"not an object", `[1, 2]`, 1, "", nil},
		{"empty", ``, 1, "", nil},
		{"unknown packageManager", `{"packageManager": "cnpm@1"}`, -1, "", func(t *testing.T, p *PackageJSON) {
			if n, _ := p.Manager(); n != "" {
				t.Errorf("Manager() = %q", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePackageJSON([]byte(tt.data))
			if tt.wantErr == -1 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
			} else {
				if err == nil {
					t.Fatalf("want an error on line %d", tt.wantErr)
				}
				if l := ErrorLine(err); l != tt.wantErr {
					t.Errorf("error line = %d (%v), want %d", l, err, tt.wantErr)
				}
			}
			if p == nil {
				if tt.wantName != "" || tt.check != nil {
					t.Fatal("want a partial package, got nil")
				}
				return
			}
			if p.Name != tt.wantName {
				t.Errorf("Name = %q, want %q", p.Name, tt.wantName)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestPackageJSONKeyLine(t *testing.T) {
	data := []byte("{\n  \"a\": {\"bin\": 1},\n  \"bin\" :\n 2\n}")
	if l := KeyLine(data, "bin"); l != 2 {
		t.Errorf("KeyLine = %d, want 2 (the first key)", l)
	}
	if l := KeyLine([]byte(`{"x": "bin"}`), "bin"); l != 0 {
		t.Errorf("KeyLine of a value = %d, want 0", l)
	}
}

func FuzzPackageJSON(f *testing.F) {
	for _, s := range []string{
		`{"name": "x", "scripts": {"start": "node ."}, "dependencies": {"express": "4"}}`,
		`{"workspaces": {"packages": ["a/*"]}, "bin": {"x": "y"}, "engines": {"node": "20"}}`,
		`{"bin": "cli.js", "private": "true", "packageManager": "yarn@4.1.0", "pnpm": {"patchedDependencies": {"a": "p"}}}`,
		"{\n // c\n \"name\": \"x\",\n}",
		`{"exports": {".": {"import": "./a.mjs"}}, "volta": {"node": "20"}}`,
		`[`, ``, "\xEF\xBB\xBF{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePackageJSON(data)
		if p == nil && err == nil {
			t.Fatal("nil package without an error")
		}
		if p != nil {
			p.DepNames()
			p.Manager()
		}
		if err != nil && ErrorLine(err) < 0 {
			t.Fatal("negative line")
		}
	})
}
