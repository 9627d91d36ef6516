// How a Node service starts and is built: reading package.json scripts
// (production or development server, the file a watcher runs), the start
// and build commands through the package manager, an entry file when there
// is no script, the port a script names, and health routes that a
// file-based router defines (shared with the Deno detector).

package stacks

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
)

var (
	reNodePort    = lazyre.New(`(?:^|\s)(?:-p|--port)(?:=|\s+)(\d{2,5})\b`)
	reNodePortEnv = lazyre.New(`(?:^|\s)PORT=(\d{2,5})\b`)
	reNpmName     = lazyre.New(`^(?:@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*$`)
)

// startScript picks the script that starts the package in production: start,
// unless it runs a development server and a production variant exists.
func (s *nodeScan) startScript() (name string, dev bool) {
	start := s.pkg.Script("start")
	if start != "" && !isDevCommand(start) {
		return "start", false
	}
	for _, n := range []string{"start:prod", "start:production", "prod", "serve:prod"} {
		if v := s.pkg.Script(n); v != "" && !isDevCommand(v) {
			return n, false
		}
	}
	if start != "" {
		return "start", true
	}
	return "", false
}

// isDevCommand reports whether a script runs a development server or a
// watcher, which is no way to serve production traffic.
func isDevCommand(script string) bool {
	for _, cmd := range scriptCommands(script) {
		f := strings.Fields(cmd)
		if len(f) == 0 {
			continue
		}
		two := f[0]
		if len(f) > 1 {
			two += " " + f[1]
		}
		switch f[0] {
		case "nodemon", "ts-node-dev", "webpack-dev-server", "storybook", "start-storybook":
			return true
		case "vite":
			return len(f) == 1 || f[1] == "dev" || f[1] == "serve" || f[1] == "preview" || strings.HasPrefix(f[1], "-")
		case "parcel":
			return len(f) < 2 || f[1] != "build"
		case "node", "bun", "tsx":
			if slices.Contains(f, "--watch") || slices.Contains(f, "--hot") || two == "tsx watch" {
				return true
			}
		case "nest":
			if two == "nest start" && !slices.Contains(f, "--prod") {
				return true
			}
		}
		switch two {
		case "react-scripts start", "ng serve", "expo start", "astro dev", "astro preview", "nuxt dev", "nuxi dev",
			"next dev", "gatsby develop", "docusaurus start", "vue-cli-service serve", "webpack serve",
			"remix dev", "react-router dev", "vinxi dev", "svelte-kit dev", "vitepress dev", "hexo server":
			return true
		}
	}
	return false
}

// scriptCommands splits a script into its commands, without environment
// assignments, cross-env or npx in front.
func scriptCommands(script string) []string {
	var out []string
	for _, part := range jsSplitShell(script) {
		f := strings.Fields(part)
		for len(f) > 0 {
			w := f[0]
			if strings.Contains(w, "=") && !strings.HasPrefix(w, "-") || w == "cross-env" || w == "npx" || w == "exec" || w == "dotenv" || w == "--" {
				f = f[1:]
				continue
			}
			break
		}
		if len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return out
}

// jsSplitShell splits a command line on &&, ||, ; and |.
func jsSplitShell(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '&' || r == '|' || r == ';' })
}

// devEntryFile returns the file a watcher runs (`nodemon src/bot.js`,
// `tsx watch src/index.ts`), or "".
func devEntryFile(script string) string {
	for _, cmd := range scriptCommands(script) {
		f := strings.Fields(cmd)
		switch f[0] {
		case "nodemon", "ts-node-dev", "node", "tsx", "bun":
		default:
			continue
		}
		for _, a := range f[1:] {
			if strings.HasPrefix(a, "-") || a == "watch" || a == "run" {
				continue
			}
			switch path.Ext(a) {
			case ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts":
				return jsCleanRel(a, "")
			}
			break
		}
	}
	return ""
}

// runScript is how the package manager runs a script.
func (s *nodeScan) runScript(name string) string {
	if name == "start" && s.pm.name != "bun" {
		return s.pm.name + " start"
	}
	return s.pm.name + " run " + name
}

// exec is how the package manager runs a binary of the installed packages.
func (s *nodeScan) exec() string {
	switch s.pm.name {
	case "pnpm":
		return "pnpm exec"
	case "yarn":
		return "yarn"
	case "bun":
		return "bunx"
	}
	return "npx"
}

// setBuild sets the build: the build script when there is one (through
// turbo or nx in their monorepos, so the members it uses are built first),
// else the framework's own command.
func (s *nodeScan) setBuild(def string) {
	r, pkg := s.r, s.pkg
	if pkg.Script("build") != "" {
		r.Build = s.runScript("build")
		r.Because(s.c.Path("package.json"), "build script")
		if s.ws != nil && reNpmName.Re().MatchString(pkg.Name) {
			switch s.ws.tool {
			case "turbo":
				r.Build = s.exec() + " turbo run build --filter=" + pkg.Name + "..."
				r.Set("build_from_context", "1")
				r.Because(s.ws.toolFile, "turborepo builds the member and its dependencies")
			case "nx":
				r.Build = s.exec() + " nx run " + pkg.Name + ":build"
				r.Set("build_from_context", "1")
				r.Because(s.ws.toolFile, "nx builds the member and its dependencies")
			}
		}
		return
	}
	if def != "" {
		r.Build = def
	}
}

// setStart sets the start command: the start script through the package
// manager, else def (the framework's own server).
func (s *nodeScan) setStart(script, def string) {
	r := s.r
	if script != "" {
		r.Start = s.runScript(script)
		r.Because(s.c.Path("package.json"), script+" script")
		s.keepDevFor(s.pkg.Script(script))
		return
	}
	if def != "" {
		r.Start = def
		r.Because(s.c.Path("package.json"), "framework's production server")
		s.keepDevFor(def)
	}
}

// keepDevFor marks the image to keep devDependencies when cmd runs a tool
// that only devDependencies provide.
func (s *nodeScan) keepDevFor(cmd string) {
	bins := map[string]string{
		"remix-serve": "@remix-run/serve", "react-router-serve": "@react-router/serve",
		"nest": "@nestjs/cli", "tsc": "typescript", "ng": "@angular/cli", "nuxi": "nuxi",
	}
	for _, part := range scriptCommands(cmd) {
		w := strings.Fields(part)[0]
		dep := w
		if p, ok := bins[w]; ok {
			dep = p
		}
		if _, dev := s.pkg.DevDependencies[dep]; dev {
			if _, prod := s.pkg.Dependencies[dep]; !prod {
				s.r.Set("keep_dev", "1")
				s.r.Because(s.c.Path("package.json"), "start uses "+dep+" from devDependencies")
				return
			}
		}
	}
}

// startFromEntry starts the package from its main field or a conventional
// entry file; it reports false when there is none.
func (s *nodeScan) startFromEntry() bool {
	c, r, pkg := s.c, s.r, s.pkg
	file := ""
	if s.devFile != "" && c.Tree.Exists(c.Path(s.devFile)) {
		file = s.devFile
	} else if m := jsRelFile(pkg.Main); m != "" {
		file = m
		if !c.Tree.Exists(c.Path(m)) && !jsHasExt(m) {
			for _, ext := range []string{".js", ".mjs", ".cjs", "/index.js"} {
				if c.Tree.Exists(c.Path(m + ext)) {
					file = m + ext
					break
				}
			}
		}
	}
	if file == "" {
		for _, f := range []string{
			"server.js", "server.mjs", "server.ts", "app.js", "app.mjs", "app.ts", "index.js", "index.mjs", "index.ts", "main.js", "main.ts",
			"src/server.ts", "src/server.js", "src/index.ts", "src/index.js", "src/main.ts", "src/main.js", "src/app.ts", "src/app.js",
		} {
			if c.Tree.Exists(c.Path(f)) {
				file = f
				break
			}
		}
	}
	if file == "" {
		return false
	}
	r.Start = s.entryCommand(file)
	r.Score = max(r.Score, 0.7)
	r.Because(c.Path(file), "entry point")
	r.Entrypoints = jsAppendExisting(c, r.Entrypoints, file)
	return true
}

// entryCommand is the command that runs an entry file: bun runs
// TypeScript itself; tsx or ts-node when installed; the compiled file when
// tsc builds it; node otherwise.
func (s *nodeScan) entryCommand(file string) string {
	c, r, pkg := s.c, s.r, s.pkg
	if s.pm.name == "bun" {
		return "bun run " + file
	}
	ts := strings.HasSuffix(file, ".ts") || strings.HasSuffix(file, ".mts") || strings.HasSuffix(file, ".cts")
	if !ts {
		return "node " + file
	}
	for _, runner := range []string{"tsx", "ts-node"} {
		if pkg.Has(runner) {
			cmd := runner + " " + file
			s.keepDevFor(cmd)
			return cmd
		}
	}
	if pkg.Script("build") != "" {
		out, root := "dist", ""
		if c.Has("tsconfig.json") {
			data, _ := c.Read("tsconfig.json")
			if tc, _ := manifest.ParseTSConfig(data); tc != nil {
				out = jsCleanRel(tc.OutDir, "dist")
				root = jsCleanRel(tc.RootDir, "")
			}
		}
		rel := file
		switch {
		case root != "" && root != "." && strings.HasPrefix(file, root+"/"):
			rel = strings.TrimPrefix(file, root+"/")
		case root == "" && strings.HasPrefix(file, "src/"):
			rel = strings.TrimPrefix(file, "src/")
		}
		ext := path.Ext(rel)
		js := map[string]string{".ts": ".js", ".mts": ".mjs", ".cts": ".cjs"}[ext]
		return "node " + out + "/" + strings.TrimSuffix(rel, ext) + js
	}
	r.Warn(c.Path(file), 0, "TypeScript entry without tsx, ts-node or a build script: it needs Node 23.6 or later")
	return "node " + file
}

// entryPoints records the files worth scanning first for a package started
// by a script.
func (s *nodeScan) entryPoints() {
	c, r := s.c, s.r
	if m := jsRelFile(s.pkg.Main); m != "" {
		r.Entrypoints = jsAppendExisting(c, r.Entrypoints, m)
	}
	r.Entrypoints = jsAppendExisting(c, r.Entrypoints, "server.js", "server.ts", "app.js", "app.ts", "index.js", "index.ts",
		"src/server.ts", "src/server.js", "src/index.ts", "src/index.js", "src/main.ts", "src/app.ts")
	if len(r.Entrypoints) > 4 {
		r.Entrypoints = r.Entrypoints[:4]
	}
}

// portFromScript reads a port the start script names (`next start -p
// 4000`, `PORT=8080 node server.js`).
func (s *nodeScan) portFromScript(script string) {
	if script == "" {
		return
	}
	cmd := s.pkg.Script(script)
	for _, re := range []*lazyre.Regexp{reNodePort, reNodePortEnv} {
		if m := re.Re().FindStringSubmatch(cmd); m != nil {
			if p, err := strconv.Atoi(m[1]); err == nil && p > 0 && p < 65536 {
				s.r.Port = p
				s.r.Because(s.c.Path("package.json"), script+" script sets port "+m[1])
				return
			}
		}
	}
}

// jsHealthRoutes are the routes worth a health check, best first.
var jsHealthRoutes = []string{"health", "healthz", "api/health", "api/healthz"}

// jsFileRouteHealth records the health route a file-based router defines
// by a file's name (app/api/health/route.ts in Next.js, routes/healthz.ts
// in Remix …): configuration the engine's code scan cannot read.
func jsFileRouteHealth(c *Context, r *Result, fw string) {
	for _, name := range jsHealthRoutes {
		var cands []string
		switch fw {
		case "next":
			for _, base := range []string{"app/", "src/app/"} {
				cands = append(cands, base+name+"/route.ts", base+name+"/route.js")
			}
			if strings.HasPrefix(name, "api/") {
				cands = append(cands, "pages/"+name+".ts", "pages/"+name+".js", "src/pages/"+name+".ts", "src/pages/"+name+".js")
			}
		case "nuxt":
			if rest, ok := strings.CutPrefix(name, "api/"); ok {
				cands = append(cands, "server/api/"+rest+".ts", "server/api/"+rest+".js")
			} else {
				cands = append(cands, "server/routes/"+name+".ts", "server/routes/"+name+".js")
			}
		case "remix", "react-router":
			flat := strings.ReplaceAll(name, "/", ".")
			cands = append(cands, "app/routes/"+flat+".ts", "app/routes/"+flat+".tsx", "app/routes/"+flat+".js")
		case "sveltekit":
			cands = append(cands, "src/routes/"+name+"/+server.ts", "src/routes/"+name+"/+server.js")
		case "astro":
			cands = append(cands, "src/pages/"+name+".ts", "src/pages/"+name+".js")
		case "fresh":
			cands = append(cands, "routes/"+name+".ts", "routes/"+name+".tsx")
		}
		for _, f := range cands {
			if c.Tree.Exists(c.Path(f)) {
				r.Health = "/" + name
				r.Because(c.Path(f), "health route "+r.Health)
				return
			}
		}
	}
}
