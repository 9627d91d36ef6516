package manifest

import (
	"slices"
	"testing"
)

const zigZon = `.{
    // This is the default name used by packages depending on this one.
    .name = .hello,
    .version = "0.0.1",
    .fingerprint = 0x9c0f1d2a3b4c5d6e,
    .minimum_zig_version = "0.14.0",
    .dependencies = .{
        .httpz = .{
            .url = "git+https://github.com/karlseguin/http.zig?ref=master#d4fb3c1",
            .hash = "httpz-0.0.0-PNVzrJSuBgDFvO7mtd2qDzaq8_hXIu1BqFuL1jwAV8Ac",
        },
        .shared = .{ .path = "../shared" },
        .@"quoted-dep" = .{ .url = "x", .hash = "y" },
    },
    .paths = .{
        "build.zig",
        "build.zig.zon",
        "src",
    },
}
`

const zigBuild = `const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});
    const httpz = b.dependency("httpz", .{ .target = target, .optimize = optimize });
    const exe = b.addExecutable(.{
        .name = "hello",
        .root_source_file = b.path("src/main.zig"),
        .target = target,
        .optimize = optimize,
    });
    exe.root_module.addImport("httpz", httpz.module("httpz"));
    b.installArtifact(exe);
    const sep = '{';
    _ = sep;
}
`

func TestZigParseZon(t *testing.T) {
	p, err := ParseZigZon([]byte(zigZon))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello" || p.Version != "0.0.1" || p.MinimumZigVersion != "0.14.0" ||
		!slices.Equal(p.Deps, []string{"httpz", "quoted-dep", "shared"}) || !slices.Equal(p.LocalPaths, []string{"../shared"}) {
		t.Errorf("got %+v", p)
	}
	old, err := ParseZigZon([]byte(".{ .name = \"legacy\", .version = \"1.0.0\", .dependencies = .{}, .paths = .{\"\"} }"))
	if err != nil || old.Name != "legacy" || len(old.Deps) != 0 {
		t.Errorf("0.13 form: %+v %v", old, err)
	}
	for _, tc := range []struct {
		src  string
		line int
	}{
		{".{\n  .name = \"x\",\n  .version = ,\n}\n", 3},
		{".{\n  .name = \"x\"\n  .version = \"1\",\n}\n", 3},
		{".{\n  .name = \"x\",\n", 1},
		{"\"just a string\"\n", 1},
	} {
		if _, err := ParseZigZon([]byte(tc.src)); ErrorLine(err) != tc.line {
			t.Errorf("%q: %v, want line %d", tc.src, err, tc.line)
		}
	}
}

func TestZigParseBuild(t *testing.T) {
	b, err := ParseBuildZig([]byte(zigBuild))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Executables, []string{"hello"}) || !slices.Equal(b.Deps, []string{"httpz"}) || len(b.Libraries) != 0 {
		t.Errorf("got %+v", b)
	}
}

func FuzzZigZon(f *testing.F) {
	f.Add(zigZon)
	f.Add(".{ .a = .{ .{ .{ -1 } } }, .b = \\\\x\n}")
	f.Add(zigBuild)
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = ParseZigZon([]byte(src))
		if b, _ := ParseBuildZig([]byte(src)); b == nil {
			t.Fatal("nil build")
		}
	})
}
