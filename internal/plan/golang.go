package plan

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
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

// The helpers below are shared by the Go, Rust, JVM and .NET generators.

// compiledSafeName accepts a file name made of letters, digits, '.', '-'
// and '_' that does not start with '.' or '-'.
func compiledSafeName(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// compiledRelDir accepts a clean relative folder inside the build context
// ("." included): no "..", no absolute path, no segment starting with '-',
// no control characters.
func compiledRelDir(p string) bool {
	if p == "." {
		return true
	}
	if p == "" || len(p) > 512 || strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || strings.HasPrefix(seg, "-") {
			return false
		}
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// compiledCopyManifests copies manifests and lockfiles (tree paths) to the
// same places under the working directory, one COPY per folder, before the
// sources, so the dependency layer caches until one of them changes.
// Paths outside the build context, and files inside wholeDirs (tree paths
// copied whole by compiledCopyDirs), are skipped.
func compiledCopyManifests(g *Gen, files []string, wholeDirs ...string) {
	var dirs []string
	byDir := map[string][]string{}
	for _, f := range files {
		rel := g.Rel(f)
		if rel == "." || strings.HasPrefix(rel, "../") || !compiledRelDir(rel) {
			continue
		}
		if slices.ContainsFunc(wholeDirs, func(d string) bool { return d != "" && strings.HasPrefix(f, d+"/") }) {
			// Copied with its whole folder.
			continue
		}
		d := path.Dir(rel)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		if !slices.Contains(byDir[d], rel) {
			byDir[d] = append(byDir[d], rel)
		}
	}
	for _, d := range dirs {
		dst := "./"
		if d != "." {
			dst = d + "/"
		}
		g.D.Copy("", "", dst, byDir[d]...)
	}
}

// compiledCopyDirs copies whole folders (tree paths, newline-separated in
// an Extra value) to the same places: build logic the dependency step needs.
func compiledCopyDirs(g *Gen, list string) {
	for _, p := range strings.Split(list, "\n") {
		if p == "" {
			continue
		}
		rel := g.Rel(p)
		if rel == "." || strings.HasPrefix(rel, "../") || !compiledRelDir(rel) {
			continue
		}
		g.D.Copy("", "", rel+"/", rel)
	}
}

// compiledHas reports whether a lockfile with this base name is listed.
func compiledHas(files []string, name string) bool {
	return slices.ContainsFunc(files, func(p string) bool { return path.Base(p) == name })
}

// compiledDefaultVersion returns the D of an image reference's
// "{version:D}", or "".
func compiledDefaultVersion(ref string) string {
	i := strings.Index(ref, "{version:")
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(ref[i:], '}')
	if j < 0 {
		return ""
	}
	return ref[i+len("{version:") : i+j]
}

// compiledVersionLess compares dotted version numbers numerically.
func compiledVersionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// compiledPortEnv sets a framework's port variable to the service's port,
// so the server listens where Kyozo routes whatever its own default.
func compiledPortEnv(g *Gen, name string) {
	if name == "" || g.S.Port <= 0 || g.S.Kind != "web" {
		return
	}
	if !ValidEnvName(name) {
		return
	}
	g.D.Env(name, strconv.Itoa(g.S.Port))
}

var errNoTarget = errors.New("the detector named no build target")
