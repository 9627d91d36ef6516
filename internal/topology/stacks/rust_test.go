package stacks

import (
	"slices"
	"testing"
)

func TestRustDetect(t *testing.T) {
	axum := map[string]string{
		"Cargo.toml":          "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\ntokio = { version = \"1\", features = [\"full\"] }\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n",
		"Cargo.lock":          "version = 3\n\n[[package]]\nname = \"openssl-sys\"\nversion = \"0.9.103\"\n",
		"src/main.rs":         "fn main() {}\n",
		"rust-toolchain.toml": "[toolchain]\nchannel = \"1.82.0\"\n",
	}
	ws := map[string]string{
		"Cargo.toml":                 "[workspace]\nresolver = \"2\"\nmembers = [\"crates/*\"]\nexclude = [\"crates/legacy\"]\n\n[workspace.package]\nrust-version = \"1.80\"\n\n[workspace.dependencies]\ncore = { path = \"crates/core\" }\n",
		"Cargo.lock":                 "version = 4\n",
		"crates/api/Cargo.toml":      "[package]\nname = \"api\"\nversion = \"0.1.0\"\nrust-version.workspace = true\n\n[dependencies]\nactix-web = \"4\"\ncore.workspace = true\n",
		"crates/api/src/main.rs":     "fn main() {}\n",
		"crates/core/Cargo.toml":     "[package]\nname = \"core\"\nversion = \"0.1.0\"\n",
		"crates/core/src/lib.rs":     "",
		"crates/jobs/Cargo.toml":     "[package]\nname = \"jobs\"\nversion = \"0.1.0\"\ndefault-run = \"consume\"\n\n[dependencies]\nlapin = \"2\"\n\n[[bin]]\nname = \"consume\"\npath = \"src/consume.rs\"\n",
		"crates/jobs/src/consume.rs": "fn main() {}\n",
		"crates/jobs/src/bin/cli.rs": "fn main() {}\n",
		"crates/legacy/Cargo.toml":   "[package]\nname = \"legacy\"\n",
		"crates/legacy/src/main.rs":  "fn main() {}\n",
	}
	cases := []struct {
		name  string
		files map[string]string
		dir   string
		check func(t *testing.T, r *Result)
	}{
		{"axum service", axum, ".", func(t *testing.T, r *Result) {
			rustTestExpect(t, r, "axum", "web", "hello", "", "1.82.0")
			if r.Score < 0.9 || r.Extra["openssl"] != "1" || r.Extra["bin-path"] != "src/main.rs" || r.Extra["crate-dir"] != "." {
				t.Errorf("score %v extra %v", r.Score, r.Extra)
			}
			if want := []string{"Cargo.toml", "Cargo.lock", "rust-toolchain.toml"}; !slices.Equal(r.Lockfiles, want) {
				t.Errorf("Lockfiles = %v, want %v", r.Lockfiles, want)
			}
			if r.Start != "/app/bin/hello" || !slices.Contains(r.Deps, "sqlx") {
				t.Errorf("start %q deps %v", r.Start, r.Deps)
			}
		}},
		{"virtual workspace root", ws, ".", func(t *testing.T, r *Result) {
			if !r.WorkspaceOnly || !slices.Equal(r.Members, []string{"crates/*", "!crates/legacy"}) || r.Score != 0.5 {
				t.Errorf("root = %+v", r)
			}
		}},
		{"workspace bin member", ws, "crates/api", func(t *testing.T, r *Result) {
			rustTestExpect(t, r, "actix-web", "web", "api", ".", "1.80")
			if r.Extra["rust-version-minimum"] != "1" || r.Extra["crate-dir"] != "crates/api" || r.Extra["bin-path"] != "crates/api/src/main.rs" {
				t.Errorf("extra = %v", r.Extra)
			}
			if !slices.Equal(r.LocalPaths, []string{"crates/core"}) {
				t.Errorf("LocalPaths = %v", r.LocalPaths)
			}
			want := []string{"Cargo.toml", "Cargo.lock", "crates/api/Cargo.toml", "crates/core/Cargo.toml", "crates/jobs/Cargo.toml"}
			if !slices.Equal(r.Lockfiles, want) {
				t.Errorf("Lockfiles = %v, want %v", r.Lockfiles, want)
			}
		}},
		{"workspace lib member", ws, "crates/core", func(t *testing.T, r *Result) {
			if !r.Library || r.Name != "core" || r.Target != "" {
				t.Errorf("lib = %+v", r)
			}
		}},
		{"default-run and a worker crate", ws, "crates/jobs", func(t *testing.T, r *Result) {
			rustTestExpect(t, r, "", "worker", "consume", ".", "")
			if r.Extra["bin-path"] != "crates/jobs/src/consume.rs" {
				t.Errorf("bin-path = %q", r.Extra["bin-path"])
			}
		}},
		{"excluded member stands alone", ws, "crates/legacy", func(t *testing.T, r *Result) {
			rustTestExpect(t, r, "", "", "legacy", "", "")
		}},
		{"rocket with Rocket.toml", map[string]string{
			"Cargo.toml":  "[package]\nname = \"rk\"\n[dependencies]\nrocket = \"0.5\"\n",
			"src/main.rs": "", "Rocket.toml": "[default]\naddress = \"0.0.0.0\"\n[release]\nport = 9000\n",
		}, ".", func(t *testing.T, r *Result) {
			rustTestExpect(t, r, "rocket", "web", "rk", "", "")
			if r.PortDefault != 8000 || r.Port != 9000 {
				t.Errorf("ports %d/%d", r.PortDefault, r.Port)
			}
		}},
		{"bins from src/bin", map[string]string{
			"Cargo.toml": "[package]\nname = \"multi\"\n", "src/bin/a.rs": "", "src/bin/b/main.rs": "",
		}, ".", func(t *testing.T, r *Result) {
			rustTestExpect(t, r, "", "", "a", "", "")
			if r.Score != 0.7 {
				t.Errorf("score %v", r.Score)
			}
		}},
		{"library crate", map[string]string{"Cargo.toml": "[package]\nname = \"l\"\n", "src/lib.rs": ""}, ".", func(t *testing.T, r *Result) {
			if !r.Library || r.Score != 0.5 {
				t.Errorf("lib = %+v", r)
			}
		}},
		{"malformed Cargo.toml", map[string]string{
			"Cargo.toml": "[package]\nname = \"broken\"\n[dependencies\naxum = \"0.7\"\n", "src/main.rs": "",
		}, ".", func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line != 3 || r.Warnings[0].File != "Cargo.toml" {
				t.Errorf("warnings = %+v", r.Warnings)
			}
			if r.Library || r.Target != "app" || r.Score > 0.5 {
				t.Errorf("still a binary, with a lower score: %+v", r)
			}
		}},
		{"autobins off", map[string]string{"Cargo.toml": "[package]\nname = \"x\"\nautobins = false\n", "src/main.rs": "", "src/lib.rs": ""}, ".", func(t *testing.T, r *Result) {
			if !r.Library {
				t.Errorf("autobins = false and no [[bin]]: %+v", r)
			}
		}},
		{"tool-versions and nightly channel", map[string]string{
			"Cargo.toml": "[package]\nname = \"n\"\n", "src/main.rs": "", "rust-toolchain": "nightly-2024-10-01\n", ".tool-versions": "rust 1.81.0\n",
		}, ".", func(t *testing.T, r *Result) {
			if r.RuntimeVersion != "1.81.0" {
				t.Errorf("RuntimeVersion = %q", r.RuntimeVersion)
			}
		}},
		{"no Cargo.toml", map[string]string{"src/main.rs": ""}, ".", func(t *testing.T, r *Result) {
			if r != nil {
				t.Errorf("got %+v", r)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.check(t, detectIn(t, Rust{}, c.files, c.dir))
		})
	}
}

func rustTestExpect(t *testing.T, r *Result, framework, kind, target, buildContext, version string) {
	t.Helper()
	if r == nil {
		t.Fatal("no result")
	}
	if r.Language != "rust" || r.PackageManager != "cargo" || r.Framework != framework || r.Kind != kind || r.Target != target ||
		r.BuildContext != buildContext || r.RuntimeVersion != version {
		t.Errorf("got framework %q kind %q target %q context %q version %q; want %q %q %q %q %q",
			r.Framework, r.Kind, r.Target, r.BuildContext, r.RuntimeVersion, framework, kind, target, buildContext, version)
	}
	if len(r.Evidence) == 0 {
		t.Error("no evidence")
	}
}
