package topology_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
	"github.com/kyozo/kyozo/internal/tree"
)

// write creates files (path → content) under dir.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func analyze(t *testing.T, dir string, opts topology.Options) *topology.Topology {
	t.Helper()
	topo, err := topology.Analyze(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

const expressApp = `{"name":"app","scripts":{"start":"node server.js"},"dependencies":{"express":"^4.19.2"}}`

func TestSymlinksNeverLeaveTheTree(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, map[string]string{"secret/.env": "DATABASE_URL=postgres://admin:hunter2@prod-db:5432/main\n", "secret/package.json": expressApp})
	dir := t.TempDir()
	write(t, dir, map[string]string{"app/package.json": expressApp, "app/server.js": "require('express')().listen(3000)"})
	// A link to a folder outside, a link to a file outside, and a loop.
	must(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "app", "linked")))
	must(t, os.Symlink(filepath.Join(outside, "secret", ".env"), filepath.Join(dir, "app", ".env")))
	must(t, os.Symlink("..", filepath.Join(dir, "app", "loop")))
	must(t, os.Symlink("/", filepath.Join(dir, "root")))

	topo := analyze(t, dir, topology.Options{})
	if len(topo.Services) != 1 || topo.Services[0].Path != "app" {
		t.Fatalf("want the one service in app/, got %+v", names(topo))
	}
	s := topo.Services[0]
	if len(topo.BackingServices) != 0 {
		t.Errorf("a .env linked from outside the tree was read: backing services %v", topo.BackingServices)
	}
	for _, e := range s.Env {
		if e == "DATABASE_URL" {
			t.Error("a .env linked from outside the tree was read")
		}
	}
	out, _ := jsonOf(topo)
	if strings.Contains(out, "hunter2") || strings.Contains(out, "prod-db") {
		t.Errorf("secret from outside the tree in output:\n%s", out)
	}
}

func TestRealEnvValuesNeverInOutput(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"package.json": expressApp,
		"server.js":    "require('express')().listen(process.env.PORT || 3000)",
		".env":         "DATABASE_URL=postgres://admin:s3cr3t-value@db.internal:5432/main\nSTRIPE_KEY=sk_live_abcdef\nPORT=4000\n",
	})
	topo := analyze(t, dir, topology.Options{})
	out, _ := jsonOf(topo)
	for _, secret := range []string{"s3cr3t-value", "sk_live_abcdef", "db.internal", "admin"} {
		if strings.Contains(out, secret) {
			t.Errorf("value %q from .env in output:\n%s", secret, out)
		}
	}
	s := topo.Services[0]
	if !contains(s.Env, "STRIPE_KEY") || !contains(s.Env, "DATABASE_URL") {
		t.Errorf("variable names from .env missing: %v", s.Env)
	}
	if topo.Backing("postgres") == nil {
		t.Errorf("DATABASE_URL=postgres://… should give a postgres backing service: %+v", topo.BackingServices)
	}
}

func TestTooManyFilesIsAClearError(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"package.json": expressApp}
	for i := range 60 {
		files[fmt.Sprintf("src/f%02d.js", i)] = "x"
	}
	write(t, dir, files)
	_, err := topology.Analyze(context.Background(), dir, topology.Options{Limits: tree.Limits{MaxFiles: 50}})
	if !errors.Is(err, tree.ErrTooManyFiles) {
		t.Fatalf("want ErrTooManyFiles, got %v", err)
	}
	if !strings.Contains(err.Error(), "50") {
		t.Errorf("error should name the limit: %v", err)
	}
}

func TestDeepAndLargeTreesAreBounded(t *testing.T) {
	dir := t.TempDir()
	deep := strings.Repeat("d/", 12)
	write(t, dir, map[string]string{
		"package.json":            expressApp,
		"server.js":               "require('express')().listen(3000)",
		deep + "api/package.json": expressApp,
		"big/package.json":        `{"name":"big","scripts":{"start":"node x"},"description":"` + strings.Repeat("x", 2<<20) + `"}`,
	})
	topo := analyze(t, dir, topology.Options{Limits: tree.Limits{MaxDepth: 8, MaxFileSize: 1 << 20}})
	for _, s := range topo.Services {
		if strings.HasPrefix(s.Path, "d/") {
			t.Errorf("a folder deeper than the limit was analysed: %s", s.Path)
		}
	}
	if !hasWarning(topo, "d/d/d/d/d/d/d/d/d", "deeper than 8") {
		t.Errorf("no warning for the folder past the depth limit: %+v", topo.Warnings)
	}
	if !hasWarning(topo, "big/package.json", "limit") {
		t.Errorf("no warning for the file over the size limit: %+v", topo.Warnings)
	}
}

func TestReadOnlyTree(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"package.json": expressApp, "server.js": "require('express')().listen(3000)"})
	must(t, os.Chmod(filepath.Join(dir, "package.json"), 0o444))
	must(t, os.Chmod(filepath.Join(dir, "server.js"), 0o444))
	must(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	topo := analyze(t, dir, topology.Options{})
	if len(topo.Services) != 1 || topo.Services[0].Port != 3000 {
		t.Fatalf("read-only tree: %+v", names(topo))
	}
}

func TestGarbageNeverPanics(t *testing.T) {
	dir := t.TempDir()
	garbage := "\x00\xff{[\"\n\t:: ]]}}" + strings.Repeat("{", 5000)
	files := map[string]string{}
	for _, name := range []string{
		"package.json", "pyproject.toml", "requirements.txt", "go.mod", "Cargo.toml", "pom.xml",
		"build.gradle", "Gemfile", "composer.json", "app.csproj", "mix.exs", "gleam.toml",
		"shard.yml", "pubspec.yaml", "stack.yaml", "Package.swift", "build.zig", "CMakeLists.txt",
		"Procfile", "app.json", ".env", "Dockerfile", "docker-compose.yml", "deno.json",
		"pnpm-workspace.yaml", "go.work", "project.clj", "deps.edn", "build.sbt", "global.json",
		"main.cbl", "start.sh", "index.html", "meson.build", "pdm.lock", "Pipfile",
	} {
		files["g/"+name] = garbage
	}
	write(t, dir, files)
	topo := analyze(t, dir, topology.Options{})
	if len(topo.Warnings) == 0 {
		t.Error("garbage manifests gave no warnings")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func names(t *topology.Topology) []string {
	var out []string
	for _, s := range t.Services {
		out = append(out, s.Name+"@"+s.Path)
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func hasWarning(t *topology.Topology, file, text string) bool {
	for _, w := range t.Warnings {
		if strings.HasPrefix(w.File, file) && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}

func jsonOf(t *topology.Topology) (string, error) {
	b, err := json.Marshal(t)
	return string(b), err
}
