package stacks

import (
	"slices"
	"testing"
)

func TestDartDetect(t *testing.T) {
	const shelf = "name: hello_server\nenvironment:\n  sdk: ^3.0.0\ndependencies:\n  shelf: ^1.4.0\n  shelf_router: ^1.1.0\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		check func(t *testing.T, r *Result)
	}{
		{"shelf", map[string]string{"pubspec.yaml": shelf, "pubspec.lock": "sdks:\n  dart: \">=3.4.0 <4.0.0\"\n", "bin/server.dart": "void main() {}", "bin/tool.dart": ""}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.PortDefault != 8080 || r.Target != "bin/server.dart" || r.Start != "/app/bin/server" || r.Score != 0.9 ||
				r.RuntimeVersion != ">=3.4.0 <4.0.0" || !slices.Equal(r.Lockfiles, []string{"pubspec.yaml", "pubspec.lock"}) {
				t.Errorf("%+v", r)
			}
		}},
		{"executables entry", map[string]string{"pubspec.yaml": "name: x\nexecutables:\n  x: cli\n", "bin/cli.dart": "", "bin/main.dart": ""}, ".", func(t *testing.T, r *Result) {
			if r.Target != "bin/cli.dart" || r.Kind != "" || r.Score != 0.7 {
				t.Errorf("%+v", r)
			}
		}},
		{"dart frog", map[string]string{"pubspec.yaml": "name: api\ndependencies:\n  dart_frog: ^1.1.0\n", "routes/index.dart": ""}, ".", func(t *testing.T, r *Result) {
			if r.Extra["dart_frog"] != "true" || r.Target != "build/bin/server.dart" || r.Build != "dart_frog build" || r.Kind != "web" {
				t.Errorf("%+v", r)
			}
		}},
		{"flutter web", map[string]string{"app/pubspec.yaml": "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n", "app/web/index.html": "", "app/lib/main.dart": ""}, "app", func(t *testing.T, r *Result) {
			if r.Kind != "static" || r.Target != "build/web" || r.Extra["flutter"] != "true" || r.Library {
				t.Errorf("%+v", r)
			}
		}},
		{"flutter mobile", map[string]string{"pubspec.yaml": "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n", "lib/main.dart": ""}, ".", func(t *testing.T, r *Result) {
			if !r.Library || r.Kind != "" || r.Score >= 0.5 {
				t.Errorf("%+v", r)
			}
		}},
		{"library", map[string]string{"pubspec.yaml": "name: lib\n", "lib/lib.dart": ""}, ".", func(t *testing.T, r *Result) {
			if !r.Library || r.Start != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed", map[string]string{"pubspec.yaml": "name: x\ndependencies:\n  shelf: ^1\n bad: indent\n", "bin/server.dart": ""}, ".", func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line == 0 || r.Target != "bin/server.dart" {
				t.Errorf("%+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Dart{}, tc.files, tc.dir)
			if r == nil || r.Language != "dart" || r.PackageManager != "pub" {
				t.Fatalf("got %+v", r)
			}
			tc.check(t, r)
		})
	}
}
