// The Node detector: the Detector itself, the state of one package's
// detection, and the order in which a package.json is read and classified.
// The conclusions live beside it: node_frameworks.go (meta-frameworks and
// servers), node_kinds.go (packages without a framework), node_start.go
// (start and build commands, ports, health routes), node_install.go
// (package manager, runtime version, files copied before the install),
// node_workspace.go and node_nx.go (monorepos), node_helpers.go (helpers
// the Deno and static detectors share).

package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Node detects Node.js projects: a package.json installed by npm, Yarn,
// pnpm or Bun (a Bun project stays language "node" with package manager
// "bun"), and the project.json folders of an Nx workspace.
//
// Extra keys, read by internal/plan/node.go:
//
//	"yarn"             "berry" when Yarn 2+ installs the project (else Yarn classic)
//	"pm_version"       the package manager version the tree pins (packageManager, Volta, moon)
//	"spa"              "1": the static build is a single-page app; unknown paths serve index.html
//	"standalone"       "1": Next.js output: 'standalone'; the image runs .next/standalone/server.js
//	"next_public"      "1": a Next.js standalone app has a public/ folder to copy beside it
//	"bind_env"         a variable the server reads its listen address from (HOST for Astro,
//	                   FASTIFY_ADDRESS for fastify-cli, HOSTNAME for Next standalone);
//	                   the image sets it to 0.0.0.0
//	"keep_dev"         "1": the start command runs a tool from devDependencies, so the
//	                   image keeps them instead of pruning to production dependencies
//	"build_from_context" "1": Build runs at BuildContext, not in the folder (turbo run
//	                   build --filter=<member>... in a Turborepo)
//	"run_from_context" "1": build and start run at BuildContext, not in the folder (an Nx
//	                   project without a package.json of its own); Start is relative to it
//
// BuildContext is set to the workspace root for a workspace member that has
// no lockfile of its own: the install must run where the lockfile and the
// sibling members are. Lockfiles then lists the root lockfile, the root
// package.json and workspace files, and the package.json of every member,
// because npm ci, pnpm install --frozen-lockfile and yarn --immutable refuse
// a workspace with members missing. Target is the folder a static build
// writes (relative to the service folder).
type Node struct{}

// Name implements Detector.
func (Node) Name() string { return "node" }

// Detect implements Detector.
func (Node) Detect(c *Context) *Result {
	if c.Has("package.json") {
		return detectNodePackage(c)
	}
	if c.Has("project.json") {
		return detectNxProject(c)
	}
	return nil
}

var nodeSourceExts = []string{".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".vue", ".svelte", ".astro"}

// nodeScan is the state of one package's detection.
type nodeScan struct {
	c    *Context
	r    *Result
	pkg  *manifest.PackageJSON
	pm   nodePM
	ws   *jsWorkspace // the enclosing workspace, nil when the folder is not a member
	own  *jsWorkspace // the workspace this folder declares, nil when it declares none
	deps []string
	// devFile is the file a development start script watches: with the
	// watcher dropped, it is the entry point.
	devFile string
}

// nodePM is the package manager that installs the folder.
type nodePM struct {
	name     string // npm, yarn, pnpm, bun
	version  string
	berry    bool
	lockfile string // tree path, "" when there is none
}

func detectNodePackage(c *Context) *Result {
	r := &Result{Language: "node", SourceExts: nodeSourceExts}
	pkgPath := c.Path("package.json")
	var parseErr error
	var pkg *manifest.PackageJSON
	if data, err := c.Read("package.json"); err != nil {
		parseErr = err
	} else {
		pkg, parseErr = manifest.ParsePackageJSON(data)
	}
	if pkg == nil {
		pkg = &manifest.PackageJSON{}
	}
	s := &nodeScan{c: c, r: r, pkg: pkg, deps: pkg.DepNames()}
	r.Name = pkg.Name
	r.Deps = s.deps
	r.Because(pkgPath, "package.json")
	r.LocalPaths = s.localPaths()

	s.own = readJSWorkspace(c, c.Dir.Path, pkg)
	s.ws = findEnclosingWorkspace(c)
	s.pm = s.packageManager()
	s.runtimeVersion()
	s.classify()
	s.buildFiles()
	if parseErr != nil {
		r.WarnParse(pkgPath, parseErr)
	}
	return r
}

// classify settles framework, kind, start, build, port and score.
func (s *nodeScan) classify() {
	c, r := s.c, s.r
	pkgPath := c.Path("package.json")
	fw, fwDep := s.framework()
	script, devStart := s.startScript()
	devScript := ""
	if devStart {
		// A development server is no way to serve production traffic: the
		// framework's own server or the entry file it watches is.
		devScript, script = script, ""
		s.devFile = devEntryFile(s.pkg.Script(devScript))
	}

	// A workspace root that only gathers members.
	if s.own != nil {
		r.Members = s.own.relMembers(c.Dir.Path)
		for _, src := range s.own.sources {
			r.Because(src, "workspace members")
		}
		if !s.rootHasOwnApp(fw, script) {
			r.WorkspaceOnly = true
			r.Score = 0.9
			r.Because(pkgPath, "workspace root without a server of its own")
			return
		}
	}

	// The asset pipeline of another stack's app.
	if backend := jsBackendManifest(c.Dir); backend != "" && !s.isServer(fw) && script == "" {
		s.assetsOnly(backend)
		return
	}

	if fw != "" {
		r.Framework = fw
		r.Because(pkgPath, fwDep+" in dependencies")
	}

	switch fw {
	case "next":
		s.next(script)
	case "nuxt":
		s.nuxt(script)
	case "remix":
		s.serverFramework(script, 3000, remixDefaultStart(c))
	case "react-router":
		s.reactRouter(script)
	case "tanstack-start":
		s.serverFramework(script, 3000, "node .output/server/index.mjs")
	case "astro":
		s.astro(script)
	case "sveltekit":
		s.svelteKit(script)
	case "angular":
		s.angular()
	case "expo":
		s.expo()
	case "cra":
		s.static("build", "react-scripts build", true)
	case "nest":
		s.nest(script)
	case "hono", "fastify", "koa", "express":
		s.plainServer(script, fw)
	case "vite":
		s.vite(script)
	default:
		s.noFramework(script)
	}
	if devScript != "" && r.Start != "" && r.Kind != "static" {
		r.Warn(pkgPath, manifest.KeyLine(jsMustRead(c, "package.json"), devScript),
			devScript+" script runs a development server; the image runs "+r.Start)
	}
	s.portFromScript(script)
	if r.Kind == "web" {
		jsFileRouteHealth(c, r, r.Framework)
	}
	if (c.Has("deno.json") || c.Has("deno.jsonc")) && script == "" && !s.isServer(fw) {
		// A Deno project with a package.json for npm packages: Deno's
		// detector makes the stronger claim.
		r.Score = min(r.Score, 0.4)
	}
}

// localPaths are the tree paths of packages this one depends on by path
// (file: and link: specifiers).
func (s *nodeScan) localPaths() []string {
	var out []string
	for _, m := range []map[string]string{s.pkg.Dependencies, s.pkg.DevDependencies} {
		for _, v := range m {
			rel, ok := strings.CutPrefix(v, "file:")
			if !ok {
				rel, ok = strings.CutPrefix(v, "link:")
			}
			if !ok || strings.HasSuffix(rel, ".tgz") {
				continue
			}
			p := path.Join(s.c.Dir.Path, rel)
			if p != ".." && !strings.HasPrefix(p, "../") && !path.IsAbs(p) && s.c.Tree.Dir(p) != nil {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
