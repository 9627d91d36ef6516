package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/topology"
)

// compiledGolden generates each service, checks the file parses, and
// compares it with its golden file.
func compiledGolden(t *testing.T, cases map[string]*topology.Service) {
	t.Helper()
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Generate(s, DefaultImages())
			if err != nil {
				t.Fatal(err)
			}
			df, err := manifest.ParseDockerfile([]byte(got))
			if err != nil {
				t.Fatalf("generated Dockerfile does not parse: %v\n%s", err, got)
			}
			if df.User != User {
				t.Errorf("final stage runs as %q, want %q", df.User, User)
			}
			for _, bad := range []string{"--mount", "<<", "COPY --link", "# syntax="} {
				if strings.Contains(got, bad) {
					t.Errorf("uses %q, which the classic builder rejects", bad)
				}
			}
			golden(t, "dockerfiles/"+name+".Dockerfile", got)
		})
	}
}

func TestGoGolden(t *testing.T) {
	compiledGolden(t, map[string]*topology.Service{
		"go-gin-root": {
			Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "go", Framework: "gin", PackageManager: "go",
			RuntimeVersion: "1.23.1", Port: 8080, StartCommand: "/app/bin/hello",
			HealthCheck: &topology.HealthCheck{Path: "/healthz"},
			Build: topology.BuildHints{Target: ".", Lockfiles: []string{"go.mod", "go.sum"},
				Extra: map[string]string{"binary": "hello", "module-dir": "."}},
		},
		"go-cmd-api": {
			Name: "api", Path: "cmd/api", BuildContext: ".", Kind: topology.KindWeb, Language: "go", Framework: "gin",
			PackageManager: "go", RuntimeVersion: "1.22", Port: 8080, StartCommand: "/app/bin/api",
			Build: topology.BuildHints{Target: "./cmd/api", Lockfiles: []string{"go.mod", "go.sum"},
				Extra: map[string]string{"binary": "api", "module-dir": "."}},
		},
		"go-work-member": {
			Name: "api", Path: "api", BuildContext: ".", Kind: topology.KindWeb, Language: "go", Framework: "echo",
			PackageManager: "go", RuntimeVersion: "1.23", Port: 1323, StartCommand: "/app/bin/api",
			Build: topology.BuildHints{Target: "./api",
				Lockfiles: []string{"go.work", "go.work.sum", "api/go.mod", "api/go.sum", "lib/go.mod"},
				Extra:     map[string]string{"binary": "api", "module-dir": ".", "go-work": "1"}},
		},
		"go-replace-worker": {
			Name: "worker", Path: "services/worker", BuildContext: ".", Kind: topology.KindWorker, Language: "go",
			PackageManager: "go", RuntimeVersion: "1.23.4",
			StartCommand: "/app/bin/worker --queue $QUEUE",
			Build: topology.BuildHints{Target: ".",
				Lockfiles: []string{"services/worker/go.mod", "services/worker/go.sum", "libs/shared/go.mod"},
				Extra:     map[string]string{"binary": "worker", "module-dir": "services/worker"}},
		},
	})
}

func TestGoPlanRules(t *testing.T) {
	base := func() *topology.Service {
		return &topology.Service{Name: "x", Path: ".", Kind: topology.KindWeb, Language: "go", Port: 8080,
			HealthCheck: &topology.HealthCheck{Path: "/healthz"},
			Build:       topology.BuildHints{Target: ".", Extra: map[string]string{"binary": "x"}}}
	}
	got, err := Generate(base(), DefaultImages().With(map[string]string{
		"go": "registry.local/golang:{version:1.23}", "go-runtime": "registry.local/static:latest",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"FROM registry.local/golang:1.23 AS build", "FROM registry.local/static:latest",
		`HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["/kyozo/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]`,
		`CMD ["/app/bin/x"]`, `ENV GOWORK="off"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "go mod download") {
		t.Error("go mod download without a go.mod copied first")
	}
	for _, bad := range []*topology.Service{
		func() *topology.Service { s := base(); s.Build.Target = "-toolexec=evil"; return s }(),
		func() *topology.Service { s := base(); s.Build.Target = "./../x"; return s }(),
		func() *topology.Service { s := base(); s.Build.Extra["module-dir"] = "../x"; return s }(),
	} {
		if _, err := Generate(bad, DefaultImages()); err == nil {
			t.Errorf("target %q, module-dir %q: no error", bad.Build.Target, bad.Build.Extra["module-dir"])
		}
	}
	s := base()
	s.Build.Extra["binary"] = "x;rm -rf /"
	if got, err := Generate(s, DefaultImages()); err != nil || !strings.Contains(got, "/app/bin/app") {
		t.Errorf("unsafe binary name not replaced: %v\n%s", err, got)
	}
}
