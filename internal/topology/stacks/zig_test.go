package stacks

import (
	"slices"
	"testing"
)

func TestZigDetect(t *testing.T) {
	const build = "const std = @import(\"std\");\npub fn build(b: *std.Build) void {\n  const target = b.standardTargetOptions(.{});\n  const optimize = b.standardOptimizeOption(.{});\n  const dep = b.dependency(\"httpz\", .{});\n  const exe = b.addExecutable(.{ .name = \"hello\", .root_source_file = b.path(\"src/main.zig\") });\n  _ = dep;\n  b.installArtifact(exe);\n}\n"
	const zon = ".{\n  .name = .hello,\n  .version = \"0.1.0\",\n  .minimum_zig_version = \"0.14.0\",\n  .dependencies = .{ .httpz = .{ .url = \"u\", .hash = \"h\" } },\n  .paths = .{\"\"},\n}\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		check func(t *testing.T, r *Result)
	}{
		{"httpz", map[string]string{"build.zig": build, "build.zig.zon": zon, "src/main.zig": ""}, func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.PortDefault != 5882 || r.Target != "hello" || r.Start != "/app/bin/hello" || r.RuntimeVersion != "0.14.0" ||
				r.Score != 0.9 || r.Extra["standard_target"] != "true" || r.Build != "zig build -Doptimize=ReleaseSafe" || !slices.Equal(r.Deps, []string{"httpz"}) || !slices.Equal(r.Lockfiles, []string{"build.zig", "build.zig.zon"}) {
				t.Errorf("%+v", r)
			}
		}},
		{"pinned, no deps", map[string]string{"build.zig": build, ".zigversion": "0.13.0\n", "src/main.zig": "const port = std.posix.getenv(\"PORT\") orelse \"8080\";\n"}, func(t *testing.T, r *Result) {
			// b.dependency("httpz") in build.zig alone still names the package.
			if r.RuntimeVersion != "0.13.0" || r.Kind != "web" || r.Name != "hello" || r.PortDefault != 8080 {
				t.Errorf("%+v", r)
			}
		}},
		{"cli", map[string]string{"build.zig": "pub fn build(b: *std.Build) void {\n  _ = b.addExecutable(.{ .name = \"tool\" });\n}\n"}, func(t *testing.T, r *Result) {
			if r.Kind != "" || r.Target != "tool" || r.Score != 0.7 || r.Build != "zig build" || len(r.Extra) != 0 {
				t.Errorf("%+v", r)
			}
		}},
		{"library", map[string]string{"build.zig": "pub fn build(b: *std.Build) void {\n  _ = b.addModule(\"lib\", .{});\n}\n"}, func(t *testing.T, r *Result) {
			if !r.Library {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed zon", map[string]string{"build.zig": build, "build.zig.zon": ".{\n  .name = .x,\n  .version = ,\n}\n"}, func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line != 3 || r.Warnings[0].File != "build.zig.zon" || r.Target != "hello" {
				t.Errorf("%+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Zig{}, tc.files, ".")
			if r == nil || r.Language != "zig" || r.PackageManager != "zig" {
				t.Fatalf("got %+v", r)
			}
			tc.check(t, r)
		})
	}
}
