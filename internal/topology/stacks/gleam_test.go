package stacks

import (
	"slices"
	"testing"
)

func TestGleamDetect(t *testing.T) {
	const toml = "name = \"hello_web\"\nversion = \"1.0.0\"\ngleam = \">= 1.4.0\"\n\n[dependencies]\ngleam_stdlib = \">= 0.34.0\"\nwisp = \">= 1.1.0\"\nmist = \">= 1.2.0\"\n"
	const main = "import wisp\n\npub fn main() {\n  Nil\n}\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		check func(t *testing.T, r *Result)
	}{
		{"wisp", map[string]string{"gleam.toml": toml, "manifest.toml": "", "src/hello_web.gleam": main + "fn port() { envoy.get(\"PORT\") |> result.then(int.parse) |> result.unwrap(8000) }\n", ".tool-versions": "gleam 1.6.3\nerlang 27.1.2\n"}, func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.Score != 0.9 || r.Start != "/app/entrypoint.sh run" || r.Build != "gleam export erlang-shipment" ||
				r.RuntimeVersion != "1.6.3" || r.PortDefault != 8000 || r.Extra["otp"] != "27.1.2" || r.Extra["target"] != "erlang" || r.Name != "hello_web" {
				t.Errorf("%+v", r)
			}
			if !slices.Equal(r.Lockfiles, []string{"gleam.toml", "manifest.toml"}) || !slices.Equal(r.Entrypoints, []string{"src/hello_web.gleam"}) {
				t.Errorf("lockfiles %v entrypoints %v", r.Lockfiles, r.Entrypoints)
			}
		}},
		{"version from gleam.toml", map[string]string{"gleam.toml": toml, "src/hello_web.gleam": main}, func(t *testing.T, r *Result) {
			if r.RuntimeVersion != ">= 1.4.0" {
				t.Errorf("version %q", r.RuntimeVersion)
			}
		}},
		{"javascript worker", map[string]string{"gleam.toml": "name = \"cli\"\ntarget = \"javascript\"\n", "src/cli.gleam": main}, func(t *testing.T, r *Result) {
			if r.Kind != "worker" || r.Start != "gleam run" || r.Extra["target"] != "javascript" || r.Build != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"library", map[string]string{"gleam.toml": "name = \"lib\"\n", "src/lib.gleam": "pub fn add(a, b) { a + b }\n"}, func(t *testing.T, r *Result) {
			if !r.Library || r.Start != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed", map[string]string{"gleam.toml": "name = \"x\"\n[dependencies\n", "src/x.gleam": main}, func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line != 2 || r.Score >= 0.6 {
				t.Errorf("warnings %+v score %v", r.Warnings, r.Score)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Gleam{}, tc.files, ".")
			if r == nil || r.Language != "gleam" || r.PackageManager != "gleam" {
				t.Fatalf("got %+v", r)
			}
			tc.check(t, r)
		})
	}
	if r := detectIn(t, Gleam{}, map[string]string{"x.gleam": ""}, "."); r != nil {
		t.Errorf("no gleam.toml: %+v", r)
	}
}
