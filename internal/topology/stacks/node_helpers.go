// Small helpers of the JavaScript family, shared by the Node, Deno and
// static detectors: reading configuration files, cleaning the paths they
// name, and telling a package.json that is another stack's asset pipeline.

package stacks

import (
	"errors"
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// jsBackendManifests mark a folder whose server is another stack: a
// package.json there is the asset pipeline of that app.
var jsBackendManifests = []string{
	"composer.json", "artisan", "Gemfile", "config.ru", "manage.py", "requirements.txt",
	"pyproject.toml", "Pipfile", "go.mod", "mix.exs", "Cargo.toml", "pom.xml", "build.gradle",
	"build.gradle.kts", "build.sbt", "project.clj", "deps.edn", "gleam.toml", "shard.yml",
	"pubspec.yaml", "Package.swift", "stack.yaml", "build.zig", "CMakeLists.txt",
}

// jsBackendManifest returns the manifest of another stack's app in the
// folder (a .csproj or .cabal counts), or "".
func jsBackendManifest(d *tree.Dir) string {
	if f := d.First(jsBackendManifests...); f != "" {
		return f
	}
	if fs := d.WithExt(".csproj", ".fsproj", ".vbproj", ".cabal"); len(fs) > 0 {
		return fs[0]
	}
	return ""
}

func jsReadPackage(c *Context, p string) *manifest.PackageJSON {
	data, err := c.ReadPath(p)
	if err != nil {
		return nil
	}
	pkg, _ := manifest.ParsePackageJSON(data)
	return pkg
}

// jsReadFirst returns the first of names in the folder and its text.
func jsReadFirst(c *Context, names ...string) (name, text string) {
	name = c.Dir.First(names...)
	if name == "" {
		return "", ""
	}
	data, err := c.Read(name)
	if err != nil {
		return name, ""
	}
	return name, string(data)
}

func jsMustRead(c *Context, name string) []byte {
	data, _ := c.Read(name)
	return data
}

// jsCleanRel normalises a folder-relative path from configuration; a path
// that is absolute or leaves the tree gives def.
func jsCleanRel(p, def string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return def
	}
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	if path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
		return def
	}
	return p
}

// jsRelFile is jsCleanRel for a path that must name something inside the
// folder: "" when it is empty, the folder itself, absolute or outside.
func jsRelFile(p string) string {
	if p = jsCleanRel(p, ""); p == "." {
		return ""
	}
	return p
}

// jsSafeSegment returns name when it is a plain folder name, else def.
func jsSafeSegment(name, def string) string {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return def
	}
	return name
}

func jsHasExt(p string) bool { return path.Ext(p) != "" }

func jsOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// jsAppendExisting appends the folder-relative files that exist.
func jsAppendExisting(c *Context, list []string, files ...string) []string {
	for _, f := range files {
		if c.Tree.Exists(c.Path(f)) && !slices.Contains(list, f) {
			list = append(list, f)
		}
	}
	return list
}

func jsErrMsg(err error) string {
	var me *manifest.Error
	if errors.As(err, &me) {
		return me.Msg
	}
	return err.Error()
}
