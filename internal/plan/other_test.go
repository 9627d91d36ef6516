package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

// tailServices are the golden cases of the long-tail family, one or more
// per stack, built the way the detectors describe those services.
var tailServices = map[string]*topology.Service{
	"elixir-phoenix": {
		Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "elixir", Framework: "phoenix",
		PackageManager: "mix", RuntimeVersion: "1.17.3-otp-27", Port: 4000, StartCommand: "/app/bin/hello start",
		HealthCheck: &topology.HealthCheck{Path: "/health"},
		Build: topology.BuildHints{
			Lockfiles: []string{"mix.exs", "mix.lock"},
			Extra:     map[string]string{"release": "hello", "phoenix": "true", "assets_deploy": "true", "config": "true"},
		},
	},
	"elixir-umbrella-app": {
		Name: "acme-web", Path: "apps/acme_web", BuildContext: ".", Kind: topology.KindWeb, Language: "elixir",
		Framework: "phoenix", PackageManager: "mix", RuntimeVersion: "~> 1.15", Port: 4000,
		StartCommand: "/app/bin/acme_web start",
		Build: topology.BuildHints{
			Lockfiles: []string{"mix.exs", "mix.lock", "apps/acme/mix.exs", "apps/acme_web/mix.exs"},
			Extra:     map[string]string{"release": "acme_web", "phoenix": "true", "config": "true", "umbrella_app": "apps/acme_web"},
		},
	},
	"gleam-wisp": {
		Name: "hello-web", Path: ".", Kind: topology.KindWeb, Language: "gleam", PackageManager: "gleam",
		RuntimeVersion: "1.6.3", Port: 8000, StartCommand: "/app/entrypoint.sh run",
		Build: topology.BuildHints{
			Lockfiles: []string{"gleam.toml", "manifest.toml"},
			Extra:     map[string]string{"target": "erlang", "otp": "26.2.5"},
		},
	},
	"gleam-javascript": {
		Name: "cli", Path: ".", Kind: topology.KindWorker, Language: "gleam", PackageManager: "gleam",
		StartCommand: "gleam run",
		Build:        topology.BuildHints{Lockfiles: []string{"gleam.toml"}, Extra: map[string]string{"target": "javascript"}},
	},
	"crystal-kemal": {
		Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "crystal", PackageManager: "shards",
		RuntimeVersion: ">= 1.10.0", Port: 3000, StartCommand: "/app/bin/hello",
		Build: topology.BuildHints{Target: "hello", Lockfiles: []string{"shard.yml", "shard.lock"}},
	},
	"dart-shelf": {
		Name: "hello-server", Path: ".", Kind: topology.KindWeb, Language: "dart", PackageManager: "pub",
		RuntimeVersion: "^3.5.0", Port: 8080, StartCommand: "/app/bin/server",
		HealthCheck: &topology.HealthCheck{Path: "/healthz"},
		Build:       topology.BuildHints{Target: "bin/server.dart", Lockfiles: []string{"pubspec.yaml", "pubspec.lock"}},
	},
	"dart-frog": {
		Name: "api", Path: "api", Kind: topology.KindWeb, Language: "dart", PackageManager: "pub", Port: 8080,
		StartCommand: "/app/bin/server",
		Build: topology.BuildHints{Target: "build/bin/server.dart", Lockfiles: []string{"api/pubspec.yaml"},
			Extra: map[string]string{"dart_frog": "true"}},
	},
	"haskell-scotty-stack": {
		Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "haskell", PackageManager: "stack",
		RuntimeVersion: "9.6", Port: 3000, StartCommand: "/app/bin/hello-exe",
		Build: topology.BuildHints{
			Target:    "hello-exe",
			Lockfiles: []string{"stack.yaml", "package.yaml", "hello.cabal", "stack.yaml.lock"},
			Extra:     map[string]string{"builder": "stack", "package": "hello"},
		},
	},
	"haskell-servant-cabal": {
		Name: "api", Path: ".", Kind: topology.KindWeb, Language: "haskell", PackageManager: "cabal",
		RuntimeVersion: "9.8.2", Port: 8080, StartCommand: "/app/bin/api",
		Build: topology.BuildHints{
			Target: "api", Lockfiles: []string{"api.cabal", "cabal.project"},
			Extra: map[string]string{"builder": "cabal", "package": "api"},
		},
	},
	"swift-vapor": {
		Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "swift", Framework: "vapor",
		PackageManager: "swiftpm", RuntimeVersion: "6.0", Port: 8080,
		StartCommand: "/app/bin/App serve --env production --hostname 0.0.0.0 --port $PORT",
		Build:        topology.BuildHints{Target: "App", Lockfiles: []string{"Package.swift", "Package.resolved"}},
	},
	"zig-httpz": {
		Name: "hello", Path: ".", Kind: topology.KindWeb, Language: "zig", PackageManager: "zig",
		RuntimeVersion: "0.14.0", Port: 5882, StartCommand: "/app/bin/hello",
		Build: topology.BuildHints{Target: "hello", Lockfiles: []string{"build.zig", "build.zig.zon"},
			Extra: map[string]string{"standard_target": "true", "standard_optimize": "true"}},
	},
	"cpp-cmake-crow": {
		Name: "hello-crow", Path: ".", Kind: topology.KindWeb, Language: "cpp", PackageManager: "cmake",
		Port: 18080, StartCommand: "/app/bin/hello_crow",
		Build: topology.BuildHints{Target: "hello_crow", Lockfiles: []string{"CMakeLists.txt"},
			Extra: map[string]string{"builder": "cmake", "libs": "asio openssl"}},
	},
	"cpp-meson-exe": {
		Name: "tool", Path: "tool", Kind: topology.KindWorker, Language: "cpp", PackageManager: "meson",
		StartCommand: "/app/bin/tool",
		Build: topology.BuildHints{Target: "tool", Lockfiles: []string{"tool/meson.build"},
			Extra: map[string]string{"builder": "meson", "libs": "fmt spdlog unknown-lib"}},
	},
	"cobol-hello": {
		Name: "hello", Path: ".", Kind: topology.KindJob, Language: "cobol", StartCommand: "/app/bin/hello",
		Build: topology.BuildHints{Target: "src/hello.cbl",
			Extra: map[string]string{"program": "hello", "sources": "src/greet.cbl", "copy": "copybooks"}},
	},
	"shell-web": {
		Name: "site", Path: ".", Kind: topology.KindWeb, Language: "shell", Port: 8080, StartCommand: "sh start.sh",
		HealthCheck: &topology.HealthCheck{Path: "/"},
	},
	"shell-worker": {
		Name: "tick", Path: "services/tick", Kind: topology.KindWorker, Language: "shell", StartCommand: "bash run.sh",
	},
}

func TestTailGolden(t *testing.T) {
	for name, s := range tailServices {
		t.Run(name, func(t *testing.T) {
			got, err := Generate(s, DefaultImages())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "dockerfiles/"+name+".Dockerfile", got)
			if strings.Contains(got, "<<") || strings.Contains(got, "--mount") || strings.Contains(got, "--link") {
				t.Errorf("not classic-builder compatible:\n%s", got)
			}
			if !strings.Contains(got, "USER "+User+"\n") {
				t.Errorf("does not run as %s:\n%s", User, got)
			}
		})
	}
}

func TestTailHealthcheck(t *testing.T) {
	for name, s := range tailServices {
		got, _ := Generate(s, DefaultImages())
		want := s.HealthCheck != nil && s.Kind == topology.KindWeb && s.Port > 0
		if has := strings.Contains(got, "HEALTHCHECK"); has != want {
			t.Errorf("%s: HEALTHCHECK present %v, want %v", name, has, want)
		}
	}
}

func TestTailImageOverrides(t *testing.T) {
	over := map[string]string{}
	for k := range otherImages {
		over[k] = "mirror.local/" + k + ":{version:0}"
	}
	images := DefaultImages().With(over)
	for name, s := range tailServices {
		got, err := Generate(s, images)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(got, "\n") {
			if strings.HasPrefix(line, "FROM ") && !strings.HasPrefix(line, "FROM mirror.local/") {
				t.Errorf("%s: %q ignores the override", name, line)
			}
		}
	}
	s := tailServices["shell-web"]
	got, _ := Generate(s, DefaultImages().With(map[string]string{"shell": "kyozo-test/busybox:local"}))
	if !strings.HasPrefix(strings.Split(got, "\n")[1], "FROM kyozo-test/busybox:local") {
		t.Errorf("shell override:\n%s", got)
	}
}

// The shell image is pointed at a local busybox without a package
// manager or network in Kyozo's own tests: nothing may run while building.
func TestTailShellRunsNothing(t *testing.T) {
	for _, name := range []string{"shell-web", "shell-worker"} {
		got, _ := Generate(tailServices[name], DefaultImages())
		if strings.Contains(got, "\nRUN ") {
			t.Errorf("%s runs a command while building:\n%s", name, got)
		}
	}
}

func TestTailVersions(t *testing.T) {
	for _, tc := range []struct {
		name, version, want string
	}{
		{"elixir-phoenix", "", "FROM elixir:1.17 AS build"},
		{"elixir-phoenix", "1.16.2-otp-26", "FROM elixir:1.16 AS build"},
		{"gleam-wisp", ">= 1.4.0", "FROM ghcr.io/gleam-lang/gleam:v1.4.0-erlang-alpine AS build"},
		{"gleam-wisp", "", "FROM erlang:26-alpine"},
		{"crystal-kemal", "1.14.0", "FROM crystallang/crystal:1.14.0-alpine AS build"},
		{"dart-shelf", ">=3.4.0 <4.0.0", "FROM dart:3.4 AS build"},
		{"haskell-scotty-stack", "9.4.8", "FROM haskell:9.4 AS build"},
		{"swift-vapor", "5.10.1", "FROM swift:5.10-slim"},
		{"zig-httpz", "", `ARG ZIG_VERSION="0.14.1"`},
		{"zig-httpz", "0.13.0", "zig-linux-$(uname -m)-${ZIG_VERSION}"},
		{"zig-httpz", "0.15.1", "zig-$(uname -m)-linux-${ZIG_VERSION}"},
		{"cpp-cmake-crow", "13.2.0", "FROM gcc:13 AS build"},
	} {
		s := *tailServices[tc.name]
		s.RuntimeVersion = tc.version
		got, err := Generate(&s, DefaultImages())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s %q: no %q in\n%s", tc.name, tc.version, tc.want, got)
		}
	}
}

func TestTailErrors(t *testing.T) {
	bad := func(name string, edit func(*topology.Service)) *topology.Service {
		s := *tailServices[name]
		s.Build.Extra = map[string]string{}
		for k, v := range tailServices[name].Build.Extra {
			s.Build.Extra[k] = v
		}
		edit(&s)
		return &s
	}
	for name, s := range map[string]*topology.Service{
		"elixir without release":   bad("elixir-phoenix", func(s *topology.Service) { delete(s.Build.Extra, "release") }),
		"crystal target injection": bad("crystal-kemal", func(s *topology.Service) { s.Build.Target = "x; rm -rf /" }),
		"dart flutter":             bad("dart-shelf", func(s *topology.Service) { s.Build.Extra["flutter"] = "true" }),
		"dart shell start":         bad("dart-shelf", func(s *topology.Service) { s.StartCommand = "/app/bin/server --port $PORT" }),
		"cpp target path":          bad("cpp-cmake-crow", func(s *topology.Service) { s.Build.Target = "../x" }),
		"cobol source path":        bad("cobol-hello", func(s *topology.Service) { s.Build.Extra["sources"] = "src/a.cbl ../../etc/passwd" }),
		"shell without start":      bad("shell-web", func(s *topology.Service) { s.StartCommand = "" }),
	} {
		if _, err := Generate(s, DefaultImages()); err == nil || errors.Is(err, ErrNoGenerator) {
			t.Errorf("%s: err = %v, want a generation error", name, err)
		}
	}
}
