// Helpers the detectors of the dynamic languages (Python, Ruby, PHP) share:
// path dependencies written in a manifest, and the node lockfile an assets
// build beside the project needs.

package stacks

import (
	"path"
	"slices"
	"strings"
)

// dynLocalPaths records path dependencies (folder-relative, as a manifest
// writes them) as LocalPaths, and widens the build context, when they lie
// outside it, to the deepest folder that holds them all.
func dynLocalPaths(c *Context, r *Result, rels []string) {
	ctx := r.BuildContext
	if ctx == "" {
		ctx = c.Dir.Path
	}
	for _, x := range rels {
		tp, ok := dynTreePath(c.Dir.Path, x)
		if !ok || tp == c.Dir.Path || slices.Contains(r.LocalPaths, tp) {
			continue
		}
		r.LocalPaths = append(r.LocalPaths, tp)
		ctx = dynCommonDir(ctx, tp)
	}
	if ctx != c.Dir.Path {
		r.BuildContext = ctx
	}
}

// dynTreePath joins a folder-relative path written in a manifest to the
// folder's tree path; ok is false for a path leaving the tree or absolute.
func dynTreePath(dir, rel string) (string, bool) {
	rel = strings.TrimPrefix(rel, "file:")
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "://") {
		return "", false
	}
	p := path.Clean(path.Join(dir, rel))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// dynCommonDir returns the deepest folder holding both tree paths.
func dynCommonDir(a, b string) string {
	for a != "." && b != a && !strings.HasPrefix(b, a+"/") {
		a = path.Dir(a)
	}
	return a
}

// dynNodeLockfile returns the node lockfile beside a package.json in the
// folder, or "": the engine adds an assets build when a package.json sits
// next to this family's manifest, and its install needs the lockfile.
func dynNodeLockfile(c *Context) string {
	if !c.Has("package.json") {
		return ""
	}
	return c.Dir.First("package-lock.json", "yarn.lock", "pnpm-lock.yaml")
}
