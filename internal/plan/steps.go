// Dockerfile steps the generators of several families share: copying a
// service's manifests and lockfiles ahead of its sources, so the dependency
// layer caches until one of them changes; copying build-logic folders;
// installing Debian packages.

package plan

import (
	"path"
	"slices"
	"strings"
)

// copyToSameFolders copies files (relative to the build context) to the
// same places below the working folder, one COPY per folder, folders in the
// order their first file comes.
func copyToSameFolders(g *Gen, rels []string) {
	var dirs []string
	byDir := map[string][]string{}
	for _, rel := range rels {
		d := path.Dir(rel)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], rel)
	}
	for _, d := range dirs {
		dst := "./"
		if d != "." {
			dst = d + "/"
		}
		g.D.Copy("", "", dst, byDir[d]...)
	}
}

// compiledCopyManifests copies manifests and lockfiles (tree paths) to the
// same places under the working directory, one COPY per folder, before the
// sources. Paths outside the build context, and files inside wholeDirs
// (tree paths copied whole by compiledCopyDirs), are skipped.
func compiledCopyManifests(g *Gen, files []string, wholeDirs ...string) {
	var rels []string
	for _, f := range files {
		rel := g.Rel(f)
		if rel == "." || strings.HasPrefix(rel, "../") || !compiledRelDir(rel) {
			continue
		}
		if slices.ContainsFunc(wholeDirs, func(d string) bool { return d != "" && strings.HasPrefix(f, d+"/") }) {
			// Copied with its whole folder.
			continue
		}
		if !slices.Contains(rels, rel) {
			rels = append(rels, rel)
		}
	}
	copyToSameFolders(g, rels)
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

// hasLockfile reports whether one of the lockfiles (tree paths) has this
// base name.
func hasLockfile(files []string, name string) bool {
	return slices.ContainsFunc(files, func(p string) bool { return path.Base(p) == name })
}

// aptInstall installs Debian packages. Package names come from the
// generators' own tables, or are checked first (pyAptInstall), never
// straight from the tree.
func aptInstall(g *Gen, pkgs ...string) {
	if len(pkgs) == 0 {
		return
	}
	g.D.Run("apt-get update && apt-get install -y --no-install-recommends " + strings.Join(pkgs, " ") + " && rm -rf /var/lib/apt/lists/*")
}
