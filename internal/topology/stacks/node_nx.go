// Nx project folders without a package.json, for the Node detector: the
// dependencies are the workspace root's, Nx builds the project from the
// root, and the executor says what the build produces.

package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// detectNxProject handles an Nx project folder without a package.json:
// its dependencies are the workspace root's, and Nx builds it from the root.
func detectNxProject(c *Context) *Result {
	var nxRoot *tree.Dir
	for _, d := range c.Up()[1:] {
		if d.Has("nx.json") {
			nxRoot = d
			break
		}
	}
	if nxRoot == nil {
		return nil
	}
	r := &Result{Language: "node", SourceExts: nodeSourceExts}
	projPath := c.Path("project.json")
	data, err := c.Read("project.json")
	var proj *manifest.ProjectJSON
	if err == nil {
		proj, err = manifest.ParseProjectJSON(data)
	}
	if proj == nil {
		proj = &manifest.ProjectJSON{}
	}
	r.Because(projPath, "nx project")
	r.Name = proj.Name
	if r.Name == "" {
		r.Name = path.Base(c.Dir.Path)
	}
	root := jsReadPackage(c, nxRoot.Join("package.json"))
	if root == nil {
		root = &manifest.PackageJSON{}
	}
	s := &nodeScan{c: c, r: r, pkg: &manifest.PackageJSON{Name: r.Name}, deps: root.DepNames()}
	s.ws = readJSWorkspace(c, nxRoot.Path, root)
	s.ws.tool, s.ws.toolFile = "nx", nxRoot.Join("nx.json")
	s.pm = s.packageManager()
	s.runtimeVersion()
	r.Deps = s.deps
	r.BuildContext = nxRoot.Path
	r.Set("run_from_context", "1")
	var files []string
	if s.pm.lockfile != "" {
		files = append(files, s.pm.lockfile)
	}
	files = append(files, nxRoot.Join("package.json"))
	for _, f := range []string{"pnpm-workspace.yaml", ".npmrc", ".yarnrc.yml"} {
		if nxRoot.Has(f) {
			files = append(files, nxRoot.Join(f))
		}
	}
	for _, m := range s.ws.Members {
		if c.Tree.Exists(tree.Join(m, "package.json")) {
			files = append(files, tree.Join(m, "package.json"))
		}
	}
	r.Lockfiles = files
	if err != nil {
		defer r.WarnParse(projPath, err)
	}

	if proj.ProjectType == "library" || strings.HasPrefix(Rel(nxRoot.Path, c.Dir.Path), "libs/") && proj.ProjectType == "" {
		r.Library = true
		r.Score = 0.5
		r.Because(projPath, "nx library")
		return r
	}
	name := proj.Name
	if name == "" || !reNpmName.Re().MatchString(name) {
		name = ""
	}
	build := proj.Targets["build"]
	exec := build.Executor
	rel := Rel(nxRoot.Path, c.Dir.Path)
	out := jsCleanRel(build.OutputPath, "dist/"+rel)
	toFolder := func(p string) string { return Rel(c.Dir.Path, tree.Join(nxRoot.Path, p)) }
	if name != "" && (build.Executor != "" || len(proj.Targets) == 0) {
		r.Build = s.exec() + " nx run " + name + ":build"
	}
	r.Score = 0.8
	has := func(names ...string) bool { return c.Dir.First(names...) != "" }
	switch {
	case strings.Contains(exec, "/next:") || has("next.config.js", "next.config.mjs", "next.config.ts"):
		r.Framework = "next"
		r.Kind, r.PortDefault = "web", 3000
		dir := rel
		if strings.Contains(exec, "/next:") {
			dir = out
		}
		r.Start = "next start " + dir
	case strings.Contains(exec, "angular") || has("angular.json"):
		r.Framework = "angular"
		r.Kind, r.PortDefault, r.Target = "static", 8080, toFolder(out+"/browser")
		if !strings.HasSuffix(exec, ":application") {
			r.Target = toFolder(out)
		}
		r.Set("spa", "1")
	case strings.Contains(exec, "/vite:") || strings.Contains(exec, "/webpack:") && has("index.html") || has("vite.config.ts", "vite.config.js", "vite.config.mts") && has("index.html"):
		r.Framework = "vite"
		if strings.Contains(exec, "/webpack:") {
			r.Framework = ""
		}
		r.Kind, r.PortDefault, r.Target = "static", 8080, toFolder(out)
		r.Set("spa", "1")
	default:
		// A Node server bundled by @nx/js, esbuild or webpack into one file.
		mainFile := "main.js"
		if build.Main != "" {
			mainFile = strings.TrimSuffix(path.Base(build.Main), path.Ext(build.Main)) + ".js"
		}
		r.Start = "node " + out + "/" + mainFile
		if fw := FirstOf(s.deps, "@nestjs/core", "hono", "fastify", "koa", "express"); fw != "" {
			for _, f := range nodeFrameworks {
				if slices.Contains(f.deps, fw) {
					r.Framework = f.name
				}
			}
			r.Kind = "web"
			if r.Framework == "nest" {
				r.PortDefault = 3000
			}
		}
		if !c.Tree.Exists(c.Path("src/main.ts")) && !c.Tree.Exists(c.Path("src/main.js")) && exec == "" {
			r.Score = 0.5
		}
		r.Entrypoints = jsAppendExisting(c, r.Entrypoints, "src/main.ts", "src/main.js")
	}
	if r.Framework != "" {
		r.Because(projPath, "nx project built with "+jsOr(exec, r.Framework))
	}
	return r
}
