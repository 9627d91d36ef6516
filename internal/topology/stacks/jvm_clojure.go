// Clojure projects: Leiningen (project.clj) and the Clojure CLI (deps.edn),
// the web library their dependencies name, and how the uberjar or the
// main namespace is built and run.

package stacks

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// cljWeb maps Clojure dependencies to the framework or server they mean.
var cljWeb = []struct {
	dep, framework, server string
	port                   int
}{
	{"luminus-jetty", "luminus", "", 3000},
	{"luminus/ring-ttl-session", "luminus", "", 3000},
	{"luminus-undertow", "luminus", "", 3000},
	{"luminus-immutant", "luminus", "", 3000},
	{"luminus-http-kit", "luminus", "", 3000},
	{"luminus-transit", "luminus", "", 3000},
	{"luminus/config", "luminus", "", 3000},
	{"ring/ring-jetty-adapter", "ring", "", 3000},
	{"ring/ring-core", "ring", "", 0},
	{"ring", "ring", "", 3000},
	{"compojure", "ring", "", 0},
	{"compojure/compojure", "ring", "", 0},
	{"metosin/reitit", "ring", "", 0},
	{"metosin/reitit-ring", "ring", "", 0},
	{"http-kit", "", "http-kit", 8090},
	{"http-kit/http-kit", "", "http-kit", 8090},
	{"io.pedestal/pedestal.service", "", "pedestal", 8080},
	{"aleph", "", "aleph", 0},
	{"aleph/aleph", "", "aleph", 0},
	{"info.sunng/ring-jetty9-adapter", "ring", "", 3000},
}

// cljClassify sets framework, kind and default port from dependencies.
func cljClassify(r *Result, file string, deps []string, ringPlugin bool) {
	port := 0
	for _, w := range cljWeb {
		if !slices.Contains(deps, w.dep) {
			continue
		}
		if w.framework == "luminus" || r.Framework == "" && r.Extra["server"] == "" {
			r.Framework = w.framework
			if w.server != "" {
				r.Set("server", w.server)
			}
			r.Because(file, w.dep+" in dependencies")
		}
		if port == 0 || w.framework == "luminus" {
			port = max(port, w.port)
		}
		r.Kind = "web"
	}
	if ringPlugin {
		r.Kind = "web"
		if r.Framework == "" {
			r.Framework = "ring"
		}
		port = 3000
		r.Because(file, "lein-ring plugin")
	}
	if port > 0 && r.Kind == "web" {
		r.PortDefault = port
		name := r.Framework
		if name == "" {
			name = r.Extra["server"]
		}
		r.Because(file, name+" listens on "+strconv.Itoa(port)+" by default")
	}
}

// leinDetect analyses a Leiningen project.
func leinDetect(c *Context) *Result {
	file := c.Path("project.clj")
	r := &Result{Language: "clojure", PackageManager: "lein", SourceExts: []string{".clj", ".cljc"}}
	data, err := c.Read("project.clj")
	var p *manifest.LeinProject
	if err == nil {
		p, err = manifest.ParseLeinProject(data)
	}
	if err != nil {
		r.WarnParse(file, err)
		p = &manifest.LeinProject{Name: path.Base(c.Dir.Path)}
	}
	r.Because(file, "leiningen project")
	r.Name = p.Name
	r.Deps = p.Deps
	ring := slices.Contains(p.Plugins, "lein-ring") && p.RingHandler != ""
	cljClassify(r, file, p.Deps, ring)
	if p.RingPort > 0 && p.RingPort < 65536 {
		r.Port = p.RingPort
		r.Because(file, ":ring :port "+strconv.Itoa(p.RingPort))
	}
	main := p.UberjarMain
	if main == "" {
		main = p.Main
	}
	switch {
	case main != "":
		r.Set("lein-task", "uberjar")
		r.Build = "lein uberjar"
		r.Because(file, ":main "+main)
	case ring:
		r.Set("lein-task", "ring uberjar")
		r.Build = "lein ring uberjar"
		r.Because(file, ":ring :handler "+p.RingHandler)
	default:
		r.Library = true
		r.Because(file, "no :main and no :ring handler")
		return jvmNotRunnable(c, r, "", file)
	}
	if cljSafeFile(p.UberjarName) {
		r.Set("uberjar-name", p.UberjarName)
	}
	r.Set("jvm-layout", "jar")
	r.Set("artifact-dir", "target")
	r.Lockfiles = []string{file}
	jvmStart(r, "jar")
	return cljRunnable(c, r, file)
}

// depsEdnDetect analyses a Clojure CLI project.
func depsEdnDetect(c *Context) *Result {
	file := c.Path("deps.edn")
	r := &Result{Language: "clojure", PackageManager: "clojure", SourceExts: []string{".clj", ".cljc"}}
	data, err := c.Read("deps.edn")
	var d *manifest.DepsEdn
	if err == nil {
		d, err = manifest.ParseDepsEdn(data)
	}
	if err != nil {
		r.WarnParse(file, err)
		d = &manifest.DepsEdn{Aliases: map[string]manifest.DepsAlias{}, LocalRoots: map[string]string{}}
	}
	r.Because(file, "clojure cli project")
	r.Name = path.Base(c.Dir.Path)
	if c.Dir.Path == "." {
		r.Name = ""
	}
	r.Deps = d.Deps
	for _, lib := range d.Deps {
		if root, ok := d.LocalRoots[lib]; ok {
			if j, ok := goJoin(c.Dir.Path, root); ok && c.Tree.Dir(j) != nil {
				r.LocalPaths = jvmAppendMissing(r.LocalPaths, j)
			}
		}
	}
	cljClassify(r, file, d.Deps, false)
	aliases := make([]string, 0, len(d.Aliases))
	for k := range d.Aliases {
		aliases = append(aliases, k)
	}
	slices.Sort(aliases)
	build, run, ns := "", "", ""
	for _, a := range aliases {
		al := d.Aliases[a]
		if slices.Contains(al.Deps, "io.github.clojure/tools.build") && build == "" {
			build = a
		}
	}
	// The alias that runs the application: :run, :main, :server, :start
	// first, then any with -m.
	for _, pref := range []string{"run", "main", "server", "start", "serve", "app", "prod"} {
		if ns = d.Aliases[pref].MainNamespace(); ns != "" {
			run = pref
			break
		}
	}
	if run == "" {
		for _, a := range aliases {
			if ns = d.Aliases[a].MainNamespace(); ns != "" && a != "test" && a != "dev" {
				run = a
				break
			}
			ns = ""
		}
	}
	switch {
	case build != "" && c.Has("build.clj"):
		r.Set("clj-alias", ":"+build)
		r.Set("jvm-layout", "jar")
		r.Set("artifact-dir", "target")
		r.Build = "clojure -T:" + build + " uber"
		r.Because(c.Path("build.clj"), "tools.build alias :"+build+" builds an uberjar")
		jvmStart(r, "jar")
	case run != "" && cljSafeSymbol(ns) && cljSafeSymbol(run):
		r.Set("clj-alias", ":"+run)
		r.Set("main-ns", ns)
		r.Set("jvm-layout", "clj-main")
		r.Build = "clojure -P -M:" + run
		r.Because(file, "alias :"+run+" runs -m "+ns)
		jvmStart(r, "clj-main")
	default:
		r.Library = true
		r.Because(file, "no alias with -m and no tools.build uberjar")
		return jvmNotRunnable(c, r, "", file)
	}
	r.Lockfiles = jvmExisting(c, file)
	return cljRunnable(c, r, file)
}

// cljRunnable finishes the analysis of a project with something to run:
// the Java version, a worker when no web library was found, and the score.
func cljRunnable(c *Context, r *Result, file string) *Result {
	jvmJavaVersion(c, r, "", file)
	if r.Kind == "" {
		r.Kind = "worker"
		r.Because(file, "no HTTP server dependency")
	}
	r.Score = jvmRunnableScore(r, 0.7)
	return r
}

// cljSafeSymbol accepts a namespace or alias name that may go into a
// generated command line as one word.
func cljSafeSymbol(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-_*+!?<>=/", c)) {
			return false
		}
	}
	return true
}

// cljSafeFile accepts a plain file name.
func cljSafeFile(s string) bool {
	if s == "" || len(s) > 128 || strings.HasPrefix(s, ".") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
