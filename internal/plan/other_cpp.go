package plan

import (
	"strings"
)

// cppPackages maps the native library names the cpp detector reports
// (Extra "libs") to the Debian bookworm packages to build with and to run
// with. Header-only libraries have no runtime package.
var cppPackages = map[string][2]string{
	"asio":                  {"libasio-dev", ""},
	"boost":                 {"libboost-dev", ""},
	"boost-system":          {"libboost-system-dev", "libboost-system1.74.0"},
	"boost-thread":          {"libboost-thread-dev", "libboost-thread1.74.0"},
	"boost-filesystem":      {"libboost-filesystem-dev", "libboost-filesystem1.74.0"},
	"boost-program_options": {"libboost-program-options-dev", "libboost-program-options1.74.0"},
	"boost-regex":           {"libboost-regex-dev", "libboost-regex1.74.0"},
	"boost-date_time":       {"libboost-date-time-dev", "libboost-date-time1.74.0"},
	"boost-chrono":          {"libboost-chrono-dev", "libboost-chrono1.74.0"},
	"boost-json":            {"libboost-json-dev", "libboost-json1.74.0"},
	"boost-url":             {"libboost-url-dev", "libboost-url1.74.0"},
	"boost-log":             {"libboost-log-dev", "libboost-log1.74.0"},
	"boost-iostreams":       {"libboost-iostreams-dev", "libboost-iostreams1.74.0"},
	"boost-serialization":   {"libboost-serialization-dev", "libboost-serialization1.74.0"},
	"openssl":               {"libssl-dev", "libssl3"},
	"zlib":                  {"zlib1g-dev", "zlib1g"},
	"curl":                  {"libcurl4-openssl-dev", "libcurl4"},
	"postgresql":            {"libpq-dev", "libpq5"},
	"fmt":                   {"libfmt-dev", "libfmt9"},
	"spdlog":                {"libspdlog-dev", "libspdlog1.10 libfmt9"},
	"nlohmann_json":         {"nlohmann-json3-dev", ""},
	"httplib":               {"libcpp-httplib-dev", "libcpp-httplib0.11"},
	"pistache":              {"libpistache-dev", "libpistache0"},
	"sqlite3":               {"libsqlite3-dev", "libsqlite3-0"},
	"jsoncpp":               {"libjsoncpp-dev", "libjsoncpp25"},
	"uuid":                  {"uuid-dev", "libuuid1"},
	"hiredis":               {"libhiredis-dev", "libhiredis0.14"},
	// Drogon itself is not packaged by Debian; these are what it builds on
	// when the project fetches it.
	"drogon": {"libjsoncpp-dev uuid-dev zlib1g-dev libssl-dev", "libjsoncpp25 libuuid1 zlib1g libssl3"},
}

// genCpp configures and builds the executable target with CMake or Meson
// in the gcc image (with the build tool and the -dev packages of the
// libraries the detector found from Debian), links libstdc++ and libgcc
// statically because gcc:14's are newer than bookworm's, and runs the
// binary on slim Debian with the runtime packages of those libraries. The
// build happens in /build, outside the sources, so a committed build/
// folder cannot interfere.
//
// Extra: "builder", "libs".
func genCpp(g *Gen) error {
	s := g.S
	target, err := tailName("target", s.Build.Target)
	if err != nil {
		return err
	}
	build, run := []string{}, []string{}
	for _, lib := range strings.Fields(g.Extra("libs")) {
		p, ok := cppPackages[lib]
		if !ok {
			continue
		}
		build = append(build, strings.Fields(p[0])...)
		run = append(run, strings.Fields(p[1])...)
	}
	meson := g.Extra("builder") == "meson"
	tools := []string{"cmake"}
	if meson {
		tools = []string{"meson", "ninja-build", "pkg-config"}
	}
	g.D.From(g.Image("cpp", 1), "build")
	aptInstall(g, tailUnique(append(tools, build...))...)
	g.D.Env("LDFLAGS", "-static-libstdc++ -static-libgcc")
	g.D.Workdir("/app")
	g.D.Copy("", "", "./", ".")
	tailWorkdir(g)
	g.D.Arg("KYOZO_TARGET", target)
	if meson {
		g.D.Run(`meson setup /build --buildtype=release && meson compile -C /build "$KYOZO_TARGET"`)
	} else {
		g.D.Run(`cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release && cmake --build /build --target "$KYOZO_TARGET" -j "$(nproc)"`)
	}
	// The target's output folder depends on the build files; find it.
	g.D.Run(`mkdir -p /out && cp "$(find /build -type f -name "$KYOZO_TARGET" -perm -u+x | head -n 1)" /out/`)
	g.D.Blank()

	g.D.From(g.Image("cpp-runtime", 0), "")
	aptInstall(g, tailUnique(append(run, "ca-certificates"))...)
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/bin/"+target, "/out/"+target)
	g.Finish("", g.StartArgv())
	return nil
}

// genCobol compiles the main program and its subprograms into one
// executable with GnuCOBOL's cobc -x and runs it on slim Debian with the
// GnuCOBOL runtime library.
//
// Extra: "program", "sources", "format", "copy".
func genCobol(g *Gen) error {
	s := g.S
	prog, err := tailName("program", g.Extra("program"))
	if err != nil {
		return err
	}
	mainSrc, err := tailPath("main program", s.Build.Target)
	if err != nil {
		return err
	}
	argv := []string{"cobc", "-x"}
	if g.Extra("format") == "free" {
		argv = append(argv, "-free")
	}
	for _, d := range strings.Fields(g.Extra("copy")) {
		if d == "." {
			argv = append(argv, "-I", ".")
			continue
		}
		if _, err := tailPath("copybook folder", d); err != nil {
			return err
		}
		argv = append(argv, "-I", d)
	}
	argv = append(argv, "-o", "/out/"+prog, mainSrc)
	for _, src := range strings.Fields(g.Extra("sources")) {
		if _, err := tailPath("source", src); err != nil {
			return err
		}
		argv = append(argv, src)
	}
	g.D.From(g.Image("cobol", 0), "build")
	aptInstall(g, "gnucobol")
	g.D.Workdir("/app")
	g.D.Copy("", "", "./", ".")
	tailWorkdir(g)
	g.D.Run("mkdir -p /out")
	g.D.RunArgv(argv...)
	g.D.Blank()

	g.D.From(g.Image("cobol-runtime", 0), "")
	aptInstall(g, "libcob4")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/bin/"+prog, "/out/"+prog)
	g.Finish("", g.StartArgv())
	return nil
}

// tailUnique drops repeated names, keeping the first.
func tailUnique(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
