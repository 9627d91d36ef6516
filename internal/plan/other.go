package plan

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// otherImages are the default base images of the long-tail family: BEAM
// languages, compiled languages with a toolchain image and a slim runtime
// image, and start scripts. The generators live in other_*.go.
//
// Builder and runtime images are paired so that what the builder links
// against is present at run time: the elixir, haskell and cpp builders are
// Debian images whose binaries run on debian:bookworm-slim (a release of
// Erlang carries its own ERTS; GHC binaries need libgmp; C++ binaries link
// libstdc++ statically because gcc:14's is newer than bookworm's); the
// crystal builder is Alpine because only musl links a fully static binary.
var otherImages = Images{
	"elixir":          "elixir:{version:1.17}",
	"elixir-runtime":  "debian:bookworm-slim",
	"gleam":           "ghcr.io/gleam-lang/gleam:v{version:1.6.3}-erlang-alpine",
	"gleam-node":      "ghcr.io/gleam-lang/gleam:v{version:1.6.3}-node-alpine",
	"gleam-runtime":   "erlang:{version:27}-alpine",
	"crystal":         "crystallang/crystal:{version:1.14.1}-alpine",
	"crystal-runtime": "debian:bookworm-slim",
	"dart":            "dart:{version:3.5}",
	"dart-runtime":    "scratch",
	"haskell":         "haskell:{version:9.6}",
	"haskell-runtime": "debian:bookworm-slim",
	"swift":           "swift:{version:6.0}",
	"swift-runtime":   "swift:{version:6.0}-slim",
	// Zig has no official image: the toolchain is downloaded from
	// ziglang.org while the image builds, which needs network access then.
	"zig":           "debian:bookworm-slim",
	"zig-runtime":   "debian:bookworm-slim",
	"cpp":           "gcc:{version:14}",
	"cpp-runtime":   "debian:bookworm-slim",
	"cobol":         "debian:bookworm-slim",
	"cobol-runtime": "debian:bookworm-slim",
	// The shell generator runs nothing in the image, so any image with a
	// shell works (tests point this key at a local busybox image).
	"shell": "debian:bookworm-slim",
}

// tailCopyFiles copies manifests and lockfiles (tree paths) to the same
// places below the working folder, one COPY per folder, so dependency
// layers are cached until one of them changes.
func tailCopyFiles(g *Gen, files []string) {
	var rels []string
	for _, f := range files {
		if rel := g.Rel(f); rel != "." && !strings.HasPrefix(rel, "../") {
			rels = append(rels, rel)
		}
	}
	copyToSameFolders(g, rels)
}

// tailName checks a binary, target or release name the detector found
// before it goes into a path or a command.
func tailName(kind, s string) (string, error) {
	if s == "" || len(s) > 100 || s[0] == '.' || s[0] == '-' {
		return "", fmt.Errorf("%s %q is not usable in an image", kind, s)
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '+') {
			return "", fmt.Errorf("%s %q is not usable in an image", kind, s)
		}
	}
	return s, nil
}

// tailPath checks a folder-relative path made of usable names.
func tailPath(kind, p string) (string, error) {
	for _, part := range strings.Split(p, "/") {
		if _, err := tailName(kind, part); err != nil {
			return "", fmt.Errorf("%s %q is not usable in an image", kind, p)
		}
	}
	return p, nil
}

// tailWorkdir moves to the service's folder when the build context is
// above it (an umbrella app, a stack package built from the stack root).
func tailWorkdir(g *Gen) {
	if rel := g.Rel(g.S.Path); rel != "." && !strings.HasPrefix(rel, "../") {
		g.D.Workdir(path.Join("/app", rel))
	}
}

// tailStart returns the start command's argv for an image without a
// shell, or an error when the command needs one.
func tailStart(g *Gen, image string) ([]string, error) {
	argv := g.StartArgv()
	if len(argv) > 0 && argv[0] == "sh" && len(argv) > 1 && argv[1] == "-c" {
		return nil, fmt.Errorf("start command %q needs a shell, and the %s image has none", g.S.StartCommand, image)
	}
	return argv, nil
}

// tailVersionAtLeast reports whether version v (as "0.13.0") is at least
// major.minor.patch; an unreadable version counts as new.
func tailVersionAtLeast(v string, want ...int) bool {
	parts := strings.Split(v, ".")
	for i, w := range want {
		if i >= len(parts) {
			return w == 0
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return true
		}
		if n != w {
			return n > w
		}
	}
	return true
}
