package plan

import (
	"errors"
	"path"
	"strings"
)

// genCrystal builds a static binary with `shards build --release --static`
// in the Alpine Crystal image (only musl links Crystal fully statically)
// and runs it on a slim Debian with the builder's CA bundle for TLS.
func genCrystal(g *Gen) error {
	s := g.S
	target, err := tailName("target", s.Build.Target)
	if err != nil {
		return err
	}
	g.D.From(g.Image("crystal", 3), "build")
	g.D.Workdir("/app")
	tailCopyFiles(g, s.Build.Lockfiles)
	if hasLockfile(s.Build.Lockfiles, "shard.lock") {
		g.D.Run("shards install --production")
	} else {
		g.D.Run("shards install --without-development")
	}
	g.D.Copy("", "", "./", ".")
	tailWorkdir(g)
	g.D.RunArgv("shards", "build", target, "--release", "--static", "--no-debug", "--without-development")
	g.D.Run("mkdir -p /out")
	g.D.RunArgv("cp", "bin/"+target, "/out/"+target)
	g.D.Blank()

	g.D.From(g.Image("crystal-runtime", 0), "")
	// A static OpenSSL built on Alpine looks for CA certificates at /etc/ssl/cert.pem.
	g.D.Copy("build", "", "/etc/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/bin/"+target, "/out/"+target)
	g.Finish("", g.StartArgv())
	return nil
}

// genDart compiles the entry script with `dart compile exe` and runs the
// binary on scratch plus the runtime files the dart image keeps in
// /runtime/, the pattern the official image documents. A Dart Frog project
// is first turned into a plain server with dart_frog build. Flutter web
// builds are not generated.
//
// Extra: "dart_frog", "flutter".
func genDart(g *Gen) error {
	s := g.S
	if g.Extra("flutter") == "true" {
		return errors.New("flutter web builds need the Flutter SDK, which has no official image: commit a Dockerfile")
	}
	entry, err := tailPath("entry script", s.Build.Target)
	if err != nil {
		return err
	}
	name := strings.TrimSuffix(path.Base(entry), ".dart")
	argv, err := tailStart(g, "dart runtime (scratch)")
	if err != nil {
		return err
	}
	g.D.From(g.Image("dart", 2), "build")
	g.D.Workdir("/app")
	tailCopyFiles(g, s.Build.Lockfiles)
	g.D.Run("dart pub get")
	g.D.Copy("", "", "./", ".")
	tailWorkdir(g)
	g.D.Run("dart pub get --offline")
	if g.Extra("dart_frog") == "true" {
		g.D.Run("dart pub global activate dart_frog_cli && dart pub global run dart_frog_cli:dart_frog build")
		g.D.Workdir("build")
		g.D.Run("dart pub get")
		entry = strings.TrimPrefix(entry, "build/")
	}
	g.D.Run("mkdir -p /out")
	g.D.RunArgv("dart", "compile", "exe", entry, "-o", "/out/"+name)
	g.D.Blank()

	g.D.From(g.Image("dart-runtime", 0), "")
	g.D.Copy("build", "", "/", "/runtime/")
	g.D.Copy("build", "", "/app/bin/"+name, "/out/"+name)
	g.D.Workdir("/app")
	g.Finish("", argv)
	return nil
}

// genHaskell builds with stack (in the resolver's GHC when the haskell
// image matches it, else stack installs it) or with cabal, dependencies
// first from the package descriptions, and runs the executable on slim
// Debian with the C libraries GHC programs link (libgmp) and netbase, which
// the network package reads /etc/services and /etc/protocols from.
//
// Extra: "builder", "package".
func genHaskell(g *Gen) error {
	s := g.S
	exe, err := tailName("executable", s.Build.Target)
	if err != nil {
		return err
	}
	g.D.From(g.Image("haskell", 2), "build")
	g.D.Workdir("/app")
	if g.Extra("builder") == "stack" {
		pkg, err := tailName("package", g.Extra("package"))
		if err != nil {
			return err
		}
		tailCopyFiles(g, s.Build.Lockfiles)
		g.D.RunArgv("stack", "build", "--system-ghc", "--only-dependencies", pkg+":exe:"+exe)
		g.D.Copy("", "", "./", ".")
		g.D.RunArgv("stack", "install", "--system-ghc", "--local-bin-path", "/out", pkg+":exe:"+exe)
	} else {
		g.D.Run("cabal update")
		tailCopyFiles(g, s.Build.Lockfiles)
		if rel := g.Rel(s.Path); rel != "." {
			// A package of a cabal project built from the project's root.
			tailWorkdir(g)
			g.D.RunArgv("cabal", "build", "--only-dependencies", "exe:"+exe)
			g.D.Workdir("/app")
		} else {
			g.D.RunArgv("cabal", "build", "--only-dependencies", "exe:"+exe)
		}
		g.D.Copy("", "", "./", ".")
		tailWorkdir(g)
		g.D.RunArgv("cabal", "install", "exe:"+exe, "--installdir=/out", "--install-method=copy", "--overwrite-policy=always")
	}
	g.D.Blank()

	g.D.From(g.Image("haskell-runtime", 0), "")
	aptInstall(g, "libgmp10", "zlib1g", "netbase", "ca-certificates")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/bin/"+exe, "/out/"+exe)
	g.Finish("", g.StartArgv())
	return nil
}

// genSwift builds the executable product with the Swift standard library
// linked in, and runs it on the slim Swift image (the same Ubuntu, with
// Foundation's system libraries) with its resource bundles beside it and
// Vapor's Public/ and Resources/ folders in the working folder.
func genSwift(g *Gen) error {
	s := g.S
	product, err := tailName("product", s.Build.Target)
	if err != nil {
		return err
	}
	g.D.From(g.Image("swift", 2), "build")
	g.D.Workdir("/app")
	tailCopyFiles(g, s.Build.Lockfiles)
	g.D.Run("swift package resolve")
	g.D.Copy("", "", "./", ".")
	tailWorkdir(g)
	g.D.RunArgv("swift", "build", "-c", "release", "--static-swift-stdlib", "--product", product)
	g.D.Arg("KYOZO_PRODUCT", product)
	g.D.Run(`mkdir -p /out/bin && bin="$(swift build -c release --show-bin-path)" && cp "$bin/$KYOZO_PRODUCT" /out/bin/ && ` +
		`find -L "$bin/" -maxdepth 1 -name '*.resources' -exec cp -Ra {} /out/bin/ \; && ` +
		`for d in Public Resources; do if [ -d "$d" ]; then cp -R "$d" /out/; fi; done`)
	g.D.Blank()

	g.D.From(g.Image("swift-runtime", 2), "")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/", "/out/")
	g.Finish("", g.StartArgv())
	return nil
}

// genZig downloads the Zig toolchain of the pinned version (Zig has no
// official image, so this needs network access while the image builds),
// builds with -Doptimize=ReleaseSafe for a baseline CPU (when build.zig
// takes those options) and runs the executable on slim Debian.
//
// Extra: "standard_target", "standard_optimize".
func genZig(g *Gen) error {
	s := g.S
	exe, err := tailName("executable", s.Build.Target)
	if err != nil {
		return err
	}
	version := VersionPrefix(s.RuntimeVersion, 3)
	if strings.Count(version, ".") != 2 {
		version = zigDefaultVersion
	}
	// Release archives were named zig-linux-<arch>-<v> up to 0.14.0 and
	// zig-<arch>-linux-<v> since.
	archive := `zig-$(uname -m)-linux-${ZIG_VERSION}`
	if !tailVersionAtLeast(version, 0, 14, 1) {
		archive = `zig-linux-$(uname -m)-${ZIG_VERSION}`
	}
	g.D.From(g.Image("zig", 0), "build")
	aptInstall(g, "ca-certificates", "curl", "xz-utils")
	g.D.Arg("ZIG_VERSION", version)
	g.D.Run(`mkdir -p /opt/zig && curl -fsSL "https://ziglang.org/download/${ZIG_VERSION}/` + archive + `.tar.xz" | tar -xJ -C /opt/zig --strip-components=1 && ln -s /opt/zig/zig /usr/local/bin/zig`)
	g.D.Workdir("/app")
	tailCopyFiles(g, s.Build.Lockfiles)
	if hasLockfile(s.Build.Lockfiles, "build.zig.zon") && tailVersionAtLeast(version, 0, 12, 0) {
		g.D.Run("zig build --fetch")
	}
	g.D.Copy("", "", "./", ".")
	tailWorkdir(g)
	argv := []string{"zig", "build", "--prefix", "/out"}
	if g.Extra("standard_optimize") == "true" {
		argv = append(argv, "-Doptimize=ReleaseSafe")
	}
	if g.Extra("standard_target") == "true" {
		// Native would tune for the build host's CPU, which the hosts
		// running the image may lack.
		argv = append(argv, "-Dcpu=baseline")
	}
	g.D.RunArgv(argv...)
	g.D.Blank()

	g.D.From(g.Image("zig-runtime", 0), "")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/bin/"+exe, "/out/bin/"+exe)
	g.Finish("", g.StartArgv())
	return nil
}

// zigDefaultVersion is the toolchain downloaded when the tree pins none.
const zigDefaultVersion = "0.14.1"
