package manifest

import (
	"errors"
	"slices"
	"testing"
)

const cargoSample = `[package]
name = "api"
version = "0.1.0"
edition = "2021"
rust-version = "1.80"
default-run = "api"

[[bin]]
name = "api"
path = "src/main.rs"

[[bin]]
name = "migrate"
path = "src/bin/migrate.rs"

[dependencies]
axum = "0.7"
tokio = { version = "1", features = ["full"] }
core = { path = "../core" }
pg = { package = "tokio-postgres", version = "0.7" }
shared.workspace = true

[target.'cfg(unix)'.dependencies]
nix = "0.29"

[dev-dependencies]
reqwest = "0.12"
`

func TestCargoParse(t *testing.T) {
	c, err := ParseCargo([]byte(cargoSample))
	if err != nil {
		t.Fatal(err)
	}
	if c.Package == nil || c.Package.Name != "api" || c.Package.RustVersion != "1.80" || c.Package.DefaultRun != "api" || !c.Package.Autobins {
		t.Errorf("package = %+v", c.Package)
	}
	if len(c.Bins) != 2 || c.Bins[1].Name != "migrate" || c.Bins[1].Path != "src/bin/migrate.rs" {
		t.Errorf("bins = %+v", c.Bins)
	}
	if want := []string{"axum", "core", "nix", "shared", "tokio", "tokio-postgres"}; !slices.Equal(c.Deps, want) {
		t.Errorf("deps = %v, want %v", c.Deps, want)
	}
	if len(c.PathDeps) != 1 || c.PathDeps[0] != (CargoPathDep{"core", "../core"}) {
		t.Errorf("path deps = %+v", c.PathDeps)
	}
	if !slices.Equal(c.WorkspaceDeps, []string{"shared"}) {
		t.Errorf("workspace deps = %v", c.WorkspaceDeps)
	}
}

func TestCargoWorkspace(t *testing.T) {
	c, err := ParseCargo([]byte(`[workspace]
resolver = "2"
members = ["crates/*", "bins/api"]
exclude = ["crates/old"]

[workspace.package]
rust-version = "1.79"

[workspace.dependencies]
shared = { path = "crates/shared" }
serde = "1"
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Package != nil {
		t.Errorf("virtual manifest has a package: %+v", c.Package)
	}
	ws := c.Workspace
	if ws == nil || !slices.Equal(ws.Members, []string{"crates/*", "bins/api"}) || ws.RustVersion != "1.79" {
		t.Fatalf("workspace = %+v", ws)
	}
	if len(ws.PathDeps) != 1 || ws.PathDeps[0].Path != "crates/shared" {
		t.Errorf("workspace path deps = %+v", ws.PathDeps)
	}
	m, err := ParseCargo([]byte("[package]\nname = \"x\"\nrust-version.workspace = true\nautobins = false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Package.RustVersionFromWorkspace || m.Package.Autobins {
		t.Errorf("member package = %+v", m.Package)
	}
}

func TestCargoMalformed(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
	}{
		{"[package]\nname = \"x\"\nversion = \n", 3},
		{"[package]\nname = \"x\"\n[dependencies\n", 3},
		{"[package]\nname = 3\n", 2},
	} {
		_, err := ParseCargo([]byte(c.src))
		var me *Error
		if !errors.As(err, &me) || me.Line != c.line {
			t.Errorf("%q: err = %v, want line %d", c.src, err, c.line)
		}
	}
}

func TestCargoToolchainAndLock(t *testing.T) {
	for src, want := range map[string]string{
		"1.82.0\n":                               "1.82.0",
		"stable":                                 "stable",
		"[toolchain]\nchannel = \"1.81\"\n":      "1.81",
		"[toolchain]\ncomponents = [\"clippy\"]": "",
	} {
		got, err := RustToolchain([]byte(src))
		if err != nil || got != want {
			t.Errorf("RustToolchain(%q) = %q, %v; want %q", src, got, err, want)
		}
	}
	lock := []byte("version = 3\n\n[[package]]\nname = \"openssl-sys\"\nversion = \"0.9\"\n")
	if !CargoLockHas(lock, "openssl-sys") || CargoLockHas(lock, "openssl") {
		t.Error("CargoLockHas")
	}
}

func FuzzCargo(f *testing.F) {
	f.Add([]byte(cargoSample))
	f.Add([]byte("[workspace]\nmembers = [\"a\"]\n"))
	f.Add([]byte("[package]\nname = \"x\"\n[lib]\npath = \"src/lib.rs\"\n"))
	f.Add([]byte("[dependencies]\na = { workspace = true, path = 3 }\n"))
	f.Add([]byte("[package\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseCargo(data)
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not *Error", err)
			}
		}
		_, _ = RustToolchain(data)
	})
}
