package plan

import (
	"fmt"
	"path"
	"strings"
)

// goImages are the default base images of the family.
var goImages = Images{
	"go": "golang:{version:1.23}-bookworm",
	// distroless/static holds CA certificates, tzdata and a nonroot user:
	// all a CGO_ENABLED=0 binary needs.
	"go-runtime": "gcr.io/distroless/static-debian12",
	// The debug variant adds busybox's sh, for a start command that needs a
	// shell (a Procfile line with $PORT or &&).
	"go-runtime-shell": "gcr.io/distroless/static-debian12:debug",
}

// genGo builds a static binary in the golang image and runs it on
// distroless. go.mod/go.sum (and go.work and the other modules' go.mod
// files a build needs) are copied first so `go mod download` caches.
//
// Extra (stacks.Go): "binary", "module-dir", "go-work".
func genGo(g *Gen) error {
	s := g.S
	target := s.Build.Target
	if target == "" {
		target = "."
	}
	if !goPlanPackagePath(target) {
		return fmt.Errorf("go package path %q is not a relative path", target)
	}
	bin := g.Extra("binary")
	if !compiledSafeName(bin) {
		bin = "app"
	}
	moduleDir := g.Extra("module-dir")
	if moduleDir == "" {
		moduleDir = "."
	}
	if !compiledRelDir(moduleDir) {
		return fmt.Errorf("module folder %q is not a relative path", moduleDir)
	}

	g.D.From(g.Image("go", 2), "build")
	g.D.Workdir("/src")
	if g.Extra("go-work") != "1" {
		// A go.work above the module (not copied, or not listing it) must
		// not switch the build into workspace mode.
		g.D.Env("GOWORK", "off")
	}
	g.D.Env("CGO_ENABLED", "0")
	compiledCopyManifests(g, s.Build.Lockfiles)
	if moduleDir != "." {
		g.D.Workdir(path.Join("/src", moduleDir))
	}
	if len(s.Build.Lockfiles) > 0 {
		g.D.Run("go mod download")
	}
	g.D.Copy("", "", "/src/", ".")
	g.D.RunArgv("go", "build", "-trimpath", "-ldflags=-s -w", "-o", "/out/"+bin, target)
	g.D.Blank()

	argv := g.StartArgv()
	runtime := "go-runtime"
	if len(argv) > 0 && argv[0] == "sh" {
		runtime = "go-runtime-shell"
	}
	if len(argv) == 0 {
		argv = []string{"/app/bin/" + bin}
	}
	g.D.From(g.Image(runtime, 0), "")
	if runtime == "go-runtime-shell" {
		// The debug image's entrypoint is busybox sh, which would take
		// the command for a script name.
		g.D.line("ENTRYPOINT []")
	}
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/bin/"+bin, "/out/"+bin)
	g.Finish("", argv)
	return nil
}

// goPlanPackagePath accepts "." and "./cmd/api": a package path the go
// command reads as a folder, never as a flag or an import path.
func goPlanPackagePath(p string) bool {
	if p == "." {
		return true
	}
	rest, ok := strings.CutPrefix(p, "./")
	return ok && compiledRelDir(rest)
}
