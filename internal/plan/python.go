package plan

import (
	"errors"
	"path"
	"slices"
	"strings"
)

// pythonImages are the default base images of the family.
var pythonImages = Images{
	"python": "python:{version:3.12}-slim",
}

// pyPath is the PATH of the python images with the project's virtual
// environment first (ENV cannot extend $PATH without a shell).
const pyPath = "/app/.venv/bin:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"

// genPython writes a single-stage image: the package manager installs the
// locked dependencies from the manifests alone (so the layer caches until a
// lockfile changes), then the sources are copied. A node stage builds front
// end assets when the engine found a package.json beside the project.
func genPython(g *Gen) error {
	s := g.S
	assets, err := assetsStage(g)
	if err != nil {
		return err
	}
	g.D.From(g.Image("python", 2), "")
	g.D.Env("PYTHONDONTWRITEBYTECODE", "1")
	g.D.Env("PYTHONUNBUFFERED", "1")
	g.D.Env("PIP_NO_CACHE_DIR", "1")
	g.D.Env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
	pyAptInstall(g, g.Extra("apt"))
	g.D.Workdir("/app")

	pre, post := pyInstall(g)
	local := g.Extra("local_deps") == "1"
	if !local && len(pre) > 0 {
		pyCopyManifests(g, s.Build.Lockfiles)
		for _, argv := range pre {
			g.D.RunArgv(argv...)
		}
	} else {
		post = append(pre, post...)
	}
	g.D.Copy("", "", "./", ".")
	if rel := g.Rel(s.Path); rel != "." {
		g.D.Workdir(path.Join("/app", rel))
	}
	for _, argv := range post {
		g.D.RunArgv(argv...)
	}
	if s.PackageManager == "uv" || s.PackageManager == "pdm" {
		g.D.Env("VIRTUAL_ENV", "/app/.venv")
		g.D.Env("PATH", pyPath)
	}
	if assets != "" {
		dir := g.Extra("assets_dir")
		if dir == "" {
			dir = "static"
			if s.Framework != "django" {
				dir = "public"
			}
		}
		if err := assetsCopy(g, assets, dir); err != nil {
			return err
		}
	}
	if s.Framework == "django" && g.Extra("collectstatic") == "1" {
		argv := []string{"python", "manage.py", "collectstatic", "--noinput"}
		if name := g.Extra("secret_env"); ValidEnvName(name) {
			// Settings that read SECRET_KEY from the environment fail to
			// import without it; collectstatic needs no real secret.
			argv = append([]string{"env", name + "=kyozo-build-placeholder"}, argv...)
		}
		g.D.RunArgv(argv...)
	}
	g.Finish("", g.StartArgv())
	return nil
}

// pyInstall returns the install commands that need only the manifests
// (pre) and those that need the sources (post).
func pyInstall(g *Gen) (pre, post [][]string) {
	s := g.S
	locked := func(name string) bool { return hasLockfile(s.Build.Lockfiles, name) }
	switch s.PackageManager {
	case "poetry":
		g.D.Run("pip install poetry")
		g.D.Env("POETRY_VIRTUALENVS_CREATE", "false")
		g.D.Env("POETRY_NO_INTERACTION", "1")
		pre = append(pre, []string{"poetry", "install", "--only", "main", "--no-root"})
	case "uv":
		g.D.Run("pip install uv")
		// The image's interpreter is the one to use; uv must not fetch another.
		g.D.Env("UV_PYTHON_DOWNLOADS", "never")
		g.D.Env("UV_LINK_MODE", "copy")
		sync := []string{"uv", "sync", "--no-dev"}
		if locked("uv.lock") {
			sync = append(sync, "--frozen")
		}
		if pkg := g.Extra("uv_package"); pkg != "" {
			sync = append(sync, "--package", pkg)
			pre = append(pre, append(slices.Clone(sync), "--no-install-workspace"))
		} else {
			pre = append(pre, append(slices.Clone(sync), "--no-install-project"))
		}
		post = append(post, sync)
	case "pdm":
		g.D.Run("pip install pdm")
		g.D.Env("PDM_CHECK_UPDATE", "false")
		argv := []string{"pdm", "install", "--prod", "--no-self"}
		if locked("pdm.lock") {
			argv = append(argv, "--frozen-lockfile")
		}
		pre = append(pre, argv)
	case "pipenv":
		g.D.Run("pip install pipenv")
		if locked("Pipfile.lock") {
			pre = append(pre, []string{"pipenv", "install", "--deploy", "--system"})
		} else {
			pre = append(pre, []string{"pipenv", "install", "--system"})
		}
	default:
		switch req := g.Extra("requirements"); {
		case g.Extra("pip_install") == "requirements" && req != "":
			// pre runs from the context's root, post from the service's folder.
			if g.Extra("local_deps") == "1" {
				post = append(post, []string{"pip", "install", "-r", req})
			} else {
				pre = append(pre, []string{"pip", "install", "-r", g.Rel(path.Join(s.Path, req))})
			}
		case g.Extra("pip_install") == "project":
			post = append(post, []string{"pip", "install", "."})
		}
	}
	return pre, post
}

// pyCopyManifests copies manifests and lockfiles (tree paths) to the same
// places under the working directory, one COPY per folder. The whole
// family uses it.
func pyCopyManifests(g *Gen, files []string) {
	var rels []string
	for _, f := range files {
		rel := g.Rel(f)
		if strings.HasPrefix(rel, "../") || slices.Contains(assetsManifests, path.Base(rel)) {
			// The node files belong to the assets stage; copied here they
			// would only undo the dependency layer's cache.
			continue
		}
		rels = append(rels, rel)
	}
	copyToSameFolders(g, rels)
}

// pyAptPackage is a Debian package name as the detectors write them.
func pyAptPackage(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && strings.ContainsRune("+-.", c)) {
			return false
		}
	}
	return true
}

// pyAptInstall installs Debian packages named in an Extra value; names that
// are not plain package names are dropped, so the line stays fixed text.
func pyAptInstall(g *Gen, list string) {
	var pkgs []string
	for _, p := range strings.Fields(list) {
		if pyAptPackage(p) {
			pkgs = append(pkgs, p)
		}
	}
	aptInstall(g, pkgs...)
}

// assetsManifests are the node files the engine lists among a service's
// lockfiles when it adds an assets build.
var assetsManifests = []string{
	"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb",
}

// assetsLockfiles maps a node lockfile to the install that keeps to it.
var assetsLockfiles = []struct{ file, install string }{
	{"package-lock.json", "npm ci"},
	{"yarn.lock", "yarn install --frozen-lockfile"},
	{"pnpm-lock.yaml", "corepack pnpm install --frozen-lockfile"},
}

// assetsStage writes a node stage that installs the front-end packages
// beside a Python, Ruby or PHP project (with its lockfile when there is one)
// and runs the assets build; it returns the stage's name for COPY --from,
// or "" when the engine found no assets build (Build.Assets is not "node").
// Its /app is the service's folder.
func assetsStage(g *Gen) (string, error) {
	s := g.S
	if s.Build.Assets != "node" {
		return "", nil
	}
	if g.images.Ref("node", "") == "" {
		return "", errors.New("no base image for the node assets build (image key \"node\")")
	}
	const stage = "assets"
	g.D.From(g.Image("node", 0), stage)
	g.D.Workdir("/app")
	lock, install := "", "npm install"
	for _, l := range assetsLockfiles {
		have := g.Extra("node_lockfile") == l.file ||
			slices.ContainsFunc(s.Build.Lockfiles, func(p string) bool { return p == path.Join(s.Path, l.file) })
		if have {
			lock, install = l.file, l.install
			break
		}
	}
	src := func(name string) string { return g.Rel(path.Join(s.Path, name)) }
	files := []string{src("package.json")}
	if lock != "" {
		files = append(files, src(lock))
	}
	g.D.Copy("", "", "./", files...)
	g.D.Run(install)
	g.D.Copy("", "", "./", g.Rel(s.Path))
	build := s.Build.AssetsBuild
	if build == "" {
		build = "npm run build"
	}
	g.D.RunShell(build)
	g.D.Blank()
	return stage, nil
}

// assetsCopy copies a folder the assets stage built (folder-relative) into
// the current stage's working directory.
func assetsCopy(g *Gen, stage, dir string) error {
	dir = path.Clean(strings.Trim(dir, "/"))
	if dir == "." || dir == ".." || strings.HasPrefix(dir, "../") {
		return errors.New("assets folder " + dir + " is outside the service")
	}
	g.D.Copy(stage, "", dir+"/", path.Join("/app", dir))
	return nil
}
