package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

func TestRustGolden(t *testing.T) {
	compiledGolden(t, map[string]*topology.Service{
		"rust-axum": {
			Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "rust", Framework: "axum", PackageManager: "cargo",
			RuntimeVersion: "1.82.0", Port: 3000, StartCommand: "/app/bin/hello",
			HealthCheck: &topology.HealthCheck{Path: "/health"},
			Build: topology.BuildHints{Target: "hello", Lockfiles: []string{"Cargo.toml", "Cargo.lock", "rust-toolchain.toml"},
				Extra: map[string]string{"crate-dir": ".", "bin-path": "src/main.rs"}},
		},
		"rust-workspace-member": {
			Name: "api", Path: "crates/api", BuildContext: ".", Kind: topology.KindWeb, Language: "rust", Framework: "actix-web",
			PackageManager: "cargo", RuntimeVersion: "1.80", Port: 8080, StartCommand: "/app/bin/api",
			Build: topology.BuildHints{Target: "api",
				Lockfiles: []string{"Cargo.toml", "Cargo.lock", "crates/api/Cargo.toml", "crates/core/Cargo.toml"},
				Extra:     map[string]string{"crate-dir": "crates/api", "bin-path": "crates/api/src/main.rs", "rust-version-minimum": "1", "openssl": "1"}},
		},
		"rust-rocket-bin": {
			Name: "web", Path: ".", Kind: topology.KindWeb, Language: "rust", Framework: "rocket", PackageManager: "cargo",
			Port: 8000, StartCommand: "/app/bin/web",
			Build: topology.BuildHints{Target: "web", Lockfiles: []string{"Cargo.toml"},
				Extra: map[string]string{"crate-dir": ".", "bin-path": "src/bin/web.rs"}},
		},
	})
}

func TestRustPlanRules(t *testing.T) {
	s := &topology.Service{Name: "x", Path: ".", Kind: topology.KindWorker, Language: "rust", RuntimeVersion: "1.86",
		Build: topology.BuildHints{Target: "x", Extra: map[string]string{"rust-version-minimum": "1"}}}
	got, err := Generate(s, DefaultImages().With(map[string]string{"rust-runtime": "registry.local/debian:12"}))
	if err != nil {
		t.Fatal(err)
	}
	// A minimum newer than the default wins; the runtime override is used.
	for _, want := range []string{"FROM rust:1.86-slim-bookworm AS build", "FROM registry.local/debian:12", `CMD ["/app/bin/x"]`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "--locked") {
		t.Error("--locked without a Cargo.lock")
	}
	s.RuntimeVersion = "1.70"
	if got, _ := Generate(s, DefaultImages()); !strings.Contains(got, "FROM rust:1.83-slim-bookworm AS build") {
		t.Errorf("an older minimum must not downgrade the image:\n%s", got)
	}
	for _, bad := range []string{"", "--features=x", "a b", "../x"} {
		s.Build.Target = bad
		if _, err := Generate(s, DefaultImages()); err == nil {
			t.Errorf("target %q: no error", bad)
		}
	}
}
