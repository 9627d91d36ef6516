package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/manifest"
)

func run(t *testing.T, environ []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &Env{Stdout: &out, Stderr: &errb, Environ: environ})
	return out.String(), errb.String(), code
}

func example(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"api/package.json": `{"name":"api","scripts":{"start":"node server.js"},"dependencies":{"express":"^4","pg":"^8"}}`,
		"api/server.js":    "require('express')().get('/health', (q, r) => r.send('ok')).listen(process.env.PORT || 4000)",
		"api/Dockerfile":   "FROM node:20\nCOPY . .\nEXPOSE 4000\nCMD [\"node\", \"server.js\"]\n",
		"web/index.html":   "<h1>hi</h1>",
	}
	for p, c := range files {
		must(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644))
	}
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDetectJSONIsOnlyJSON(t *testing.T) {
	dir := example(t)
	out, errOut, code := run(t, nil, "detect", dir, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Schema   string
		Services []struct{ Name, Kind string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if v.Schema != "kyozo.topology/v1" || len(v.Services) != 2 {
		t.Errorf("got %+v", v)
	}
}

func TestDetectText(t *testing.T) {
	out, _, code := run(t, nil, "detect", "--format=text", example(t))
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, want := range []string{"2 services", "SERVICES", "api", "4000", "/health", "postgres", "START ORDER"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestDetectDockerfilesAndCompose(t *testing.T) {
	dir := example(t)
	out := t.TempDir()
	stdout, errOut, code := run(t, nil, "detect", dir, "--format", "dockerfiles", "--out", out, "--image", "static=registry.local/nginx:1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	df, err := os.ReadFile(filepath.Join(out, "web.Dockerfile"))
	if err != nil {
		t.Fatalf("%v (stdout %q)", err, stdout)
	}
	if !strings.Contains(string(df), "FROM registry.local/nginx:1") {
		t.Errorf("--image did not reach the Dockerfile:\n%s", df)
	}
	if _, err := os.Stat(filepath.Join(out, "api.Dockerfile")); err == nil {
		t.Error("a Dockerfile was generated for a service that has its own")
	}
	composeOut := t.TempDir()
	_, errOut, code = run(t, nil, "detect", dir, "--format", "compose", "--out", composeOut)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(filepath.Join(composeOut, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := manifest.ParseCompose(data)
	if err != nil || len(c.Services) != 3 {
		t.Fatalf("compose: %v %+v", err, c)
	}
	if _, err := os.Stat(filepath.Join(composeOut, ".kyozo", "web.Dockerfile")); err != nil {
		t.Errorf("compose --out should write the Dockerfiles it references: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := example(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"detect", dir, "--format", "yaml"}, "--format must be"},
		{[]string{"detect", dir, dir}, "one folder at most"},
		{[]string{"detect", "--bogus"}, "flag provided but not defined"},
		{[]string{"detect", "--image", "nokey"}, "KEY=REF"},
		{[]string{"detect", dir, "--image", "nosuch=x"}, "unknown key"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"detect", filepath.Join(dir, "api", "server.js")}, "not a folder"},
	} {
		_, errOut, code := run(t, nil, tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	_, errOut, code := run(t, nil, "detect", filepath.Join(dir, "missing"))
	if code != ExitFailure || !strings.Contains(errOut, "missing") {
		t.Errorf("missing folder: exit %d %q", code, errOut)
	}
}

func TestConfigFileAndEnv(t *testing.T) {
	dir := example(t)
	cfg := filepath.Join(t.TempDir(), "kyozo.yaml")
	must(t, os.WriteFile(cfg, []byte("images:\n  static: from-file/nginx:1\n"), 0o644))
	out := t.TempDir()
	_, errOut, code := run(t, []string{"KYOZO_CONFIG=" + cfg}, "detect", dir, "--format", "dockerfiles", "--out", out)
	if code != ExitOK {
		t.Fatal(errOut)
	}
	df, _ := os.ReadFile(filepath.Join(out, "web.Dockerfile"))
	if !strings.Contains(string(df), "FROM from-file/nginx:1") {
		t.Errorf("config file image not used:\n%s", df)
	}
	_, _, code = run(t, []string{"KYOZO_CONFIG=" + cfg, "KYOZO_IMAGE_STATIC=from-env/nginx:2"}, "detect", dir, "--format", "dockerfiles", "--out", out)
	df, _ = os.ReadFile(filepath.Join(out, "web.Dockerfile"))
	if code != ExitOK || !strings.Contains(string(df), "FROM from-env/nginx:2") {
		t.Errorf("env should override the file:\n%s", df)
	}
	must(t, os.WriteFile(cfg, []byte("images:\n  static: x\nimagez: {}\n"), 0o644))
	_, errOut, code = run(t, []string{"KYOZO_CONFIG=" + cfg}, "detect", dir)
	if code != ExitUsage || !strings.Contains(errOut, "imagez") || !strings.Contains(errOut, "line 3") {
		t.Errorf("unknown config key: exit %d %q", code, errOut)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _, code := run(t, nil, "help")
	if code != ExitOK || !strings.Contains(out, "detect") {
		t.Errorf("help: %d %q", code, out)
	}
	out, _, code = run(t, nil, "help", "detect")
	if code != ExitOK || !strings.Contains(out, "-format") {
		t.Errorf("help detect: %d %q", code, out)
	}
	out, _, code = run(t, nil, "version")
	if code != ExitOK || !strings.HasPrefix(out, "kyozo ") {
		t.Errorf("version: %d %q", code, out)
	}
	_, _, code = run(t, nil)
	if code != ExitUsage {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}
