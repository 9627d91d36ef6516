package plan

import "fmt"

// rustImages are the default base images of the family.
var rustImages = Images{
	"rust":         "rust:{version:1.83}-slim-bookworm",
	"rust-runtime": "debian:bookworm-slim",
}

// rustStubs gives every crate of the context an empty src/lib.rs when it
// has none, so the workspace loads with its manifests alone, and lists what
// it created. Only libraries are stubbed: a stub src/main.rs could clash
// with a binary declared elsewhere. Fixed text: it names no path from the tree.
const rustStubs = `for m in $(find . -name Cargo.toml -not -path './target/*'); do d=$(dirname "$m"); mkdir -p "$d/src"; [ -f "$d/src/lib.rs" ] || { touch "$d/src/lib.rs"; echo "$d/src/lib.rs" >> /tmp/kyozo-stubs; }; done`

// rustStubBin adds a stub main for the binary being built ($1, its source).
const rustStubBin = `[ -f "$1" ] || { mkdir -p "$(dirname "$1")" && echo 'fn main() {}' > "$1" && echo "$1" >> /tmp/kyozo-stubs; }`

// rustDepsBuild builds the dependencies against the stubs ($1 is the binary,
// $2 "--locked" or ""). A manifest the stubs cannot satisfy (an explicit
// build script or bench) only costs the cache, not the build.
const rustDepsBuild = `cargo build --release $2 --bin "$1" || echo "kyozo: dependency pre-build failed; the full build follows"`

// genRust builds the binary with cargo in the rust image, dependencies
// first against stub sources, and runs it on Debian slim with the build
// image's CA bundle (or libssl3 and ca-certificates from Debian when the
// crate links OpenSSL).
//
// Extra (stacks.Rust): "crate-dir", "bin-path", "openssl",
// "rust-version-minimum".
func genRust(g *Gen) error {
	s := g.S
	bin := s.Build.Target
	if bin == "" {
		return errNoTarget
	}
	if !compiledSafeName(bin) {
		return fmt.Errorf("binary name %q is not a plain name", bin)
	}
	openssl := g.Extra("openssl") == "1"
	locked := ""
	if hasLockfile(s.Build.Lockfiles, "Cargo.lock") {
		locked = "--locked"
	}

	g.D.From(rustBuildImage(g), "build")
	g.D.Workdir("/src")
	if openssl {
		aptInstall(g, "pkg-config", "libssl-dev")
	}
	compiledCopyManifests(g, s.Build.Lockfiles)
	g.D.Comment("Dependencies first, built against stub sources so this layer caches until a manifest changes.")
	g.D.Run(rustStubs)
	binPath := g.Extra("bin-path")
	if binPath == "" {
		binPath = "src/main.rs"
	}
	if !compiledRelDir(binPath) {
		return fmt.Errorf("binary source %q is not a relative path", binPath)
	}
	g.D.RunArgv("sh", "-c", rustStubBin, "stub", binPath)
	g.D.RunArgv("sh", "-c", rustDepsBuild, "deps", bin, locked)
	g.D.Run("if [ -f /tmp/kyozo-stubs ]; then xargs rm -f < /tmp/kyozo-stubs; fi")
	g.D.Copy("", "", "./", ".")
	// Copied sources keep their own modification times, older than the
	// stubs' build: touch them so cargo rebuilds the workspace's crates.
	g.D.Run("find . -name '*.rs' -not -path './target/*' -exec touch {} +")
	args := []string{"cargo", "build", "--release"}
	if locked != "" {
		args = append(args, locked)
	}
	g.D.RunArgv(append(args, "--bin", bin)...)
	g.D.Blank()

	g.D.From(g.Image("rust-runtime", 0), "")
	if openssl {
		aptInstall(g, "ca-certificates", "libssl3")
	} else {
		g.D.Copy("build", "", "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt")
	}
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/bin/"+bin, "/src/target/release/"+bin)
	if s.Framework == "rocket" {
		// Rocket listens on 127.0.0.1 unless told otherwise.
		g.D.Env("ROCKET_ADDRESS", "0.0.0.0")
		compiledPortEnv(g, "ROCKET_PORT")
	}
	argv := g.StartArgv()
	if len(argv) == 0 {
		argv = []string{"/app/bin/" + bin}
	}
	g.Finish("", argv)
	return nil
}

// rustBuildImage picks the rust image: a pinned toolchain's version, or for
// a rust-version (a minimum) the default unless the minimum is newer —
// Cargo.lock files written by newer cargo do not load in older ones.
func rustBuildImage(g *Gen) string {
	v := VersionPrefix(g.S.RuntimeVersion, 2)
	if g.Extra("rust-version-minimum") == "1" {
		def := compiledDefaultVersion(g.images["rust"])
		if v == "" || def == "" || !compiledVersionLess(def, v) {
			v = ""
		}
	}
	ref := g.images.Ref("rust", v)
	if ref == "" {
		return g.Image("rust", 2)
	}
	return ref
}
