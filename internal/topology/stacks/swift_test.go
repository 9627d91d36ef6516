package stacks

import (
	"slices"
	"testing"
)

func TestSwiftDetect(t *testing.T) {
	const vapor = "// swift-tools-version:5.9\nimport PackageDescription\nlet package = Package(\n  name: \"hello\",\n  dependencies: [.package(url: \"https://github.com/vapor/vapor.git\", from: \"4.99.0\")],\n  targets: [.executableTarget(name: \"App\", dependencies: [.product(name: \"Vapor\", package: \"vapor\")])]\n)\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		check func(t *testing.T, r *Result)
	}{
		{"vapor", map[string]string{"Package.swift": vapor, "Package.resolved": "{}", "Sources/App/entrypoint.swift": "", "Sources/App/configure.swift": "", ".swift-version": "6.0\n"}, func(t *testing.T, r *Result) {
			if r.Framework != "vapor" || r.Kind != "web" || r.PortDefault != 8080 || r.Target != "App" || r.RuntimeVersion != "6.0" ||
				r.Start != "/app/bin/App serve --env production --hostname 0.0.0.0 --port $PORT" || r.Score != 0.9 || r.Name != "hello" {
				t.Errorf("%+v", r)
			}
			if !slices.Equal(r.Lockfiles, []string{"Package.swift", "Package.resolved"}) ||
				!slices.Equal(r.Entrypoints, []string{"Sources/App/configure.swift", "Sources/App/entrypoint.swift"}) {
				t.Errorf("lockfiles %v entrypoints %v", r.Lockfiles, r.Entrypoints)
			}
		}},
		{"hummingbird template", map[string]string{
			"Package.swift":           "// swift-tools-version:5.9\nlet package = Package(name: \"hb\", dependencies: [.package(url: \"https://github.com/hummingbird-project/hummingbird.git\", from: \"2.0.0\")], targets: [.executableTarget(name: \"App\")])\n",
			"Sources/App/App.swift":   "@main struct App: AsyncParsableCommand {\n  @Option var hostname: String = \"127.0.0.1\"\n  @Option var port: Int = 8080\n}\n",
			"Sources/App/Route.swift": "",
		}, func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.Framework != "" || r.Start != "/app/bin/App --hostname 0.0.0.0 --port $PORT" || r.RuntimeVersion != "5.9" {
				t.Errorf("%+v", r)
			}
		}},
		{"old vapor layout", map[string]string{
			"Package.swift":          "// swift-tools-version:5.2\nlet package = Package(name: \"old\", targets: [.target(name: \"App\"), .target(name: \"Run\", dependencies: [.target(name: \"App\")])])\n",
			"Sources/Run/main.swift": "", "Sources/App/configure.swift": "",
		}, func(t *testing.T, r *Result) {
			if r.Target != "Run" || r.Kind != "" || r.Score != 0.7 {
				t.Errorf("%+v", r)
			}
		}},
		{"library", map[string]string{"Package.swift": "// swift-tools-version:5.9\nlet package = Package(name: \"Lib\", targets: [.target(name: \"Lib\")])\n", "Sources/Lib/Lib.swift": ""}, func(t *testing.T, r *Result) {
			if !r.Library || r.Target != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed", map[string]string{"Package.swift": "// swift-tools-version:5.9\nlet package = Package(\n  name: \"x\",\n  targets: [.executableTarget(name: \"Srv\")]\n", "Sources/Srv/main.swift": ""}, func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line != 2 || r.Target != "Srv" || r.Score >= 0.7 {
				t.Errorf("%+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Swift{}, tc.files, ".")
			if r == nil || r.Language != "swift" || r.PackageManager != "swiftpm" {
				t.Fatalf("got %+v", r)
			}
			tc.check(t, r)
		})
	}
}
