// Package hooks holds the git hook scripts Kyozo installs into every app
// repository. They are thin: each one execs `kyozo hook NAME`, so the logic
// lives in the binary (tested, versioned) and a repository never needs its
// hooks rewritten when that logic changes.
package hooks

import (
	"embed"
	"io/fs"
	"maps"
	"slices"
)

// FS holds the hook scripts, each named as git expects it in hooks/.
//
//go:embed pre-receive
var FS embed.FS

// Files returns every hook by name with its content.
func Files() map[string][]byte {
	out := map[string][]byte{}
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		panic(err) // the embedded folder always reads
	}
	for _, e := range entries {
		b, err := fs.ReadFile(FS, e.Name())
		if err != nil {
			panic(err)
		}
		out[e.Name()] = b
	}
	return out
}

// Names returns the hooks' names, sorted.
func Names() []string { return slices.Sorted(maps.Keys(Files())) }
