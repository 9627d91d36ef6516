package plan

import (
	"path"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/topology"
)

// nodeImages are the default base images of the family. Node's tags are
// cut to the major version (".nvmrc 20.11.1", "engines >=20.3" → 20); Bun's
// keep up to three parts, all of which Bun publishes.
var nodeImages = Images{
	"node": "node:{version:22}-slim",
	"bun":  "oven/bun:{version:1}-slim",
}

// systemPath is the PATH of the node and bun images, which the generated
// files extend with node_modules/.bin (ENV cannot refer to $PATH portably
// through Dockerfile.Env, which quotes "$").
const systemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// nodePlan is what a Node generation needs to know about the service.
type nodePlan struct {
	g        *Gen
	pm       string // npm, yarn, pnpm, bun
	berry    bool
	locked   bool   // the package manager's lockfile is copied before install
	image    string // the base image of the deps, build and runtime stages
	member   string // the folder relative to the build context ("." for itself)
	appDir   string // the folder in the image
	fromRoot bool   // build and start run at the build context
}

// genNode writes a Node (or Bun) Dockerfile: a deps stage that installs
// from the manifests and lockfile alone, so the layer caches until they
// change; a build stage; and a runtime stage holding production
// dependencies only (NODE_ENV=production), or nginx serving the build for
// a static site.
func genNode(g *Gen) error {
	s := g.S
	n := &nodePlan{g: g, pm: s.PackageManager, berry: g.Extra("yarn") == "berry"}
	if n.pm == "" {
		n.pm = "npm"
	}
	switch n.pm {
	case "bun":
		n.image = g.Image("bun", 3)
	case "npm", "yarn", "pnpm":
		n.image = g.Image("node", 1)
	default:
		return ErrNoGenerator
	}
	n.locked = n.hasLockfile()
	n.member = g.Rel(s.Path)
	n.appDir = path.Join("/app", n.member)
	n.fromRoot = g.Extra("run_from_context") == "1"
	static := s.Kind == topology.KindStatic

	n.depsStage()
	g.D.Blank()
	n.buildStage(static)
	g.D.Blank()
	if static {
		staticRuntime(g, "build", n.outputDir(), g.Extra("spa") == "1")
		return nil
	}
	if g.Extra("standalone") == "1" && n.member == "." {
		n.standaloneRuntime()
		return nil
	}
	n.runtimeStage()
	return nil
}

// lockfiles of each package manager, to know whether a frozen install is possible.
var nodeLockNames = map[string][]string{
	"npm":  {"package-lock.json", "npm-shrinkwrap.json"},
	"yarn": {"yarn.lock"},
	"pnpm": {"pnpm-lock.yaml"},
	"bun":  {"bun.lock", "bun.lockb"},
}

func (n *nodePlan) hasLockfile() bool {
	for _, f := range n.g.S.Build.Lockfiles {
		for _, name := range nodeLockNames[n.pm] {
			if path.Base(f) == name {
				return true
			}
		}
	}
	return false
}

// setupPM makes pnpm or Yarn available through corepack. Node 25 and later
// ship without corepack (and Node 26 without Yarn), so it is installed when
// missing; its cache lives outside any home folder so the unprivileged
// runtime user can run what root downloaded.
func (n *nodePlan) setupPM(runtime bool) {
	if n.pm != "pnpm" && n.pm != "yarn" {
		return
	}
	d := n.g.D
	d.Env("COREPACK_HOME", "/usr/local/share/corepack")
	d.Env("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0")
	if runtime {
		// Without a packageManager field corepack looks up the latest
		// release; at run time the one fetched at build time must do.
		d.Env("COREPACK_DEFAULT_TO_LATEST", "0")
	}
	d.Run("command -v corepack >/dev/null 2>&1 || { rm -f /usr/local/bin/yarn /usr/local/bin/yarnpkg && npm install -g corepack; }; corepack enable")
}

func (n *nodePlan) depsStage() {
	g, d := n.g, n.g.D
	d.From(n.image, "deps")
	d.Workdir("/app")
	n.setupPM(false)
	if copyManifests(g, g.S.Build.Lockfiles, "") {
		d.RunArgv(n.installArgv()...)
	}
}

// installArgv is the install: frozen to the lockfile when there is one.
func (n *nodePlan) installArgv() []string {
	switch n.pm {
	case "yarn":
		switch {
		case !n.locked:
			return []string{"yarn", "install"}
		case n.berry:
			return []string{"yarn", "install", "--immutable"}
		}
		return []string{"yarn", "install", "--frozen-lockfile"}
	case "pnpm", "bun":
		if n.locked {
			return []string{n.pm, "install", "--frozen-lockfile"}
		}
		return []string{n.pm, "install"}
	}
	if n.locked {
		return []string{"npm", "ci"}
	}
	return []string{"npm", "install"}
}

func (n *nodePlan) buildStage(static bool) {
	g, d, s := n.g, n.g.D, n.g.S
	d.From("deps", "build")
	d.Env("PATH", n.binPath())
	switch s.Framework {
	case "next":
		d.Env("NEXT_TELEMETRY_DISABLED", "1")
	case "nuxt":
		d.Env("NUXT_TELEMETRY_DISABLED", "1")
	case "astro":
		d.Env("ASTRO_TELEMETRY_DISABLED", "1")
	}
	d.Copy("", "", "./", ".")
	if len(s.Build.Lockfiles) == 0 {
		d.RunArgv(n.installArgv()...)
	}
	if s.BuildCommand != "" {
		dir := n.appDir
		if n.fromRoot || g.Extra("build_from_context") == "1" {
			dir = "/app"
		}
		if dir != "/app" {
			d.Workdir(dir)
		}
		d.RunArgv(CommandArgv(s.BuildCommand)...)
		if dir != "/app" {
			d.Workdir("/app")
		}
	}
	if static || g.Extra("standalone") == "1" && n.member == "." {
		return
	}
	if g.Extra("keep_dev") == "1" {
		d.Comment("The start command runs a tool from devDependencies: they stay installed.")
		return
	}
	if p := n.pruneCommand(); p != "" {
		d.Run(p)
	} else {
		d.Comment("Yarn before 4 cannot drop devDependencies in place: they stay installed.")
	}
}

// pruneCommand drops devDependencies from the built tree (fixed text).
// pnpm and Bun cannot prune a workspace in place, so they reinstall from
// their store, which the deps stage filled.
func (n *nodePlan) pruneCommand() string {
	workspace := n.g.S.BuildContext != "" && n.member != "."
	frozen := ""
	switch n.pm {
	case "npm":
		return "npm prune --omit=dev"
	case "pnpm":
		if n.locked {
			frozen = " --frozen-lockfile"
		}
		if !workspace {
			return "pnpm prune --prod"
		}
		return "find . -name node_modules -type d -prune -exec rm -rf {} + && pnpm install --prod --prefer-offline" + frozen
	case "bun":
		if n.locked {
			frozen = " --frozen-lockfile"
		}
		return "find . -name node_modules -type d -prune -exec rm -rf {} + && bun install --production" + frozen
	case "yarn":
		if n.berry {
			// `workspaces focus` is built into Yarn 4; Yarn 2 and 3 need a plugin.
			if major, err := strconv.Atoi(VersionPrefix(n.g.Extra("pm_version"), 1)); err == nil && major >= 4 {
				return "yarn workspaces focus --all --production"
			}
			return ""
		}
		if n.locked {
			frozen = " --frozen-lockfile"
		}
		return "yarn install --production --ignore-scripts --prefer-offline" + frozen
	}
	return ""
}

// binPath puts the folder's and the context's node_modules/.bin first, so
// a start or build command without the package manager (`next start`,
// `remix-serve build/index.js`) finds its tool.
func (n *nodePlan) binPath() string {
	p := "/app/node_modules/.bin:" + systemPath
	if n.appDir != "/app" {
		p = path.Join(n.appDir, "node_modules/.bin") + ":" + p
	}
	return p
}

func (n *nodePlan) runtimeStage() {
	g, d, s := n.g, n.g.D, n.g.S
	d.From(n.image, "")
	d.Workdir("/app")
	d.Env("NODE_ENV", "production")
	d.Env("PATH", n.binPath())
	uses := strings.Fields(s.StartCommand)
	if len(uses) > 0 && uses[0] == "npm" {
		// The runtime user has no home: npm's cache and logs go to /tmp,
		// and it does not look for updates of itself.
		d.Env("NPM_CONFIG_CACHE", "/tmp/.npm")
		d.Env("NPM_CONFIG_UPDATE_NOTIFIER", "false")
	}
	if len(uses) > 0 && uses[0] == n.pm && (n.pm == "pnpm" || n.pm == "yarn") {
		// Fetch the package manager the start command runs while root,
		// before the application layer, so it is cached and never
		// downloaded at run time.
		d.Env("NPM_CONFIG_UPDATE_NOTIFIER", "false")
		n.setupPM(true)
		if root := n.rootManifest(); root != "" {
			d.Copy("", "", "./", root)
		}
		d.Run(n.pm + " --version")
	}
	d.Copy("build", "", "/app", "/app")
	if v := g.Extra("bind_env"); ValidEnvName(v) {
		d.Env(v, "0.0.0.0")
	}
	dir := n.appDir
	if n.fromRoot {
		dir = "/app"
	}
	if dir != "/app" {
		d.Workdir(dir)
	}
	if s.Framework == "next" {
		// The image cache and ISR write under .next/cache.
		d.Run("mkdir -p .next/cache && chown -R " + User + " .next/cache")
	}
	g.Finish("", g.StartArgv())
}

// rootManifest is the context's package.json among the copied manifests.
func (n *nodePlan) rootManifest() string {
	for _, f := range n.g.S.Build.Lockfiles {
		if n.g.Rel(f) == "package.json" {
			return "package.json"
		}
	}
	return ""
}

// standaloneRuntime runs Next.js's standalone server: the traced files
// only, with the static assets beside them.
func (n *nodePlan) standaloneRuntime() {
	g, d := n.g, n.g.D
	d.From(n.image, "")
	d.Workdir("/app")
	d.Env("NODE_ENV", "production")
	d.Env("HOSTNAME", "0.0.0.0")
	d.Copy("build", "", "./", "/app/.next/standalone/")
	d.Copy("build", "", "./.next/static", "/app/.next/static")
	if g.Extra("next_public") == "1" {
		d.Copy("build", "", "./public", "/app/public")
	}
	d.Run("mkdir -p .next/cache && chown -R " + User + " .next/cache")
	g.Finish("", []string{"node", "server.js"})
}

// outputDir is the static build's folder in the build stage.
func (n *nodePlan) outputDir() string {
	t := n.g.S.Build.Target
	if t == "" {
		t = "dist"
	}
	return path.Join(n.appDir, t)
}

// copyManifests copies the files installs need (manifests, lockfiles,
// patches) into their folders, one COPY per folder, in the order given;
// chown may be "". It reports whether anything was copied. Files outside
// the build context are skipped: no COPY can reach them.
func copyManifests(g *Gen, files []string, chown string) bool {
	var dirs []string
	byDir := map[string][]string{}
	for _, f := range files {
		rel := g.Rel(f)
		if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		dir := path.Dir(rel)
		if _, ok := byDir[dir]; !ok {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], rel)
	}
	for _, dir := range dirs {
		dst := "./"
		if dir != "." {
			dst = dir + "/"
		}
		g.D.Copy("", chown, dst, byDir[dir]...)
	}
	return len(dirs) > 0
}
