package stacks

import (
	"bufio"
	"bytes"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// The JVM detectors share one analysis per build tool: Maven and Gradle
// builds are claimed by Java, Kotlin or Scala after the language of their
// sources; sbt builds by Scala; Leiningen and Clojure CLI projects by
// Clojure. RuntimeVersion is always the Java version (what the images are
// keyed on); Scala's own version is in Extra.
//
// Target is the build's unit inside the build context: the Maven module
// folder ("api", "." for a single project), the Gradle project path (":app",
// ":" for the root project), the sbt project id ("" for the root), "" for
// Clojure.
//
// Extra keys, read by plan.genJava/genKotlin/genScala/genClojure:
//   - "jvm-layout": how the build's product runs:
//     "jar" (a runnable jar: Spring Boot, shade, assembly, shadow, Ktor fat jar,
//     lein/tools.build uberjar), "quarkus" (build/quarkus-app), "dist" (a
//     folder with bin/ and lib/: Gradle installDist, sbt stage), "classpath"
//     (a thin jar plus its dependencies copied beside it, run with
//     "main-class"), "clj-main" (the Clojure CLI's classpath, run with
//     clojure.main -m "main-ns").
//   - "artifact-dir": where the product lies, relative to the build context.
//   - "main-class": the application's main class, when the build names it.
//   - "gradle-task": the task that builds the product (bootJar, shadowJar,
//     installDist, quarkusBuild, buildFatJar).
//   - "gradle-wrapper": "1" when gradlew and its jar are committed.
//   - "copy-dirs": newline-separated tree paths of build-logic folders copied
//     with the manifests (buildSrc, build-logic, sbt's project/).
//   - "sbt-task": "stage" or "assembly"; "sbt-add-packager": "1" when the
//     build has no packaging plugin and sbt-native-packager is added for the
//     image build only.
//   - "scala-version", "sbt-version".
//   - "lein-task": "uberjar" or "ring uberjar"; "uberjar-name".
//   - "clj-alias": the deps.edn alias to run (":run"), "main-ns".
//   - "server": the HTTP server when it is not a named framework (play,
//     ktor, javalin, http-kit …); "port-env": the variable the framework
//     reads its port from (SERVER_PORT, QUARKUS_HTTP_PORT …).
type (
	// Java detects Maven and Gradle builds of Java sources.
	Java struct{}
	// Kotlin detects Maven and Gradle builds of Kotlin sources.
	Kotlin struct{}
	// Scala detects sbt builds, and Maven and Gradle builds of Scala sources.
	Scala struct{}
	// Clojure detects Leiningen and Clojure CLI (deps.edn) projects.
	Clojure struct{}
)

// Name implements Detector.
func (Java) Name() string { return "java" }

// Name implements Detector.
func (Kotlin) Name() string { return "kotlin" }

// Name implements Detector.
func (Scala) Name() string { return "scala" }

// Name implements Detector.
func (Clojure) Name() string { return "clojure" }

// Detect implements Detector.
func (Java) Detect(c *Context) *Result { return jvmForLanguage(c, "java") }

// Detect implements Detector.
func (Kotlin) Detect(c *Context) *Result { return jvmForLanguage(c, "kotlin") }

// Detect implements Detector.
func (Scala) Detect(c *Context) *Result {
	if r := sbtDetect(c); r != nil {
		return r
	}
	return jvmForLanguage(c, "scala")
}

// Detect implements Detector.
func (Clojure) Detect(c *Context) *Result {
	switch {
	case c.Has("project.clj"):
		return leinDetect(c)
	case c.Has("deps.edn"):
		return depsEdnDetect(c)
	}
	return nil
}

// jvmForLanguage runs the Maven or Gradle analysis and keeps the result
// when its sources are in lang.
func jvmForLanguage(c *Context, lang string) *Result {
	var r *Result
	switch {
	case c.Has("pom.xml"):
		r = mavenDetect(c)
	case c.Dir.First("build.gradle.kts", "build.gradle", "settings.gradle.kts", "settings.gradle") != "":
		r = gradleDetect(c)
	default:
		r = gradleMemberWithoutScript(c)
	}
	if r == nil || r.Language != lang {
		return nil
	}
	return r
}

// jvmSourceLanguage tells the language of a JVM project from its source
// folders and build plugins.
func jvmSourceLanguage(c *Context, kotlinPlugin, scalaPlugin bool) string {
	switch {
	case kotlinPlugin || c.Tree.Dir(c.Dir.Join("src/main/kotlin")) != nil:
		return "kotlin"
	case scalaPlugin || c.Tree.Dir(c.Dir.Join("src/main/scala")) != nil:
		return "scala"
	}
	return "java"
}

// jvmFramework is a server framework recognised by a dependency.
type jvmFramework struct {
	name    string // Result.Framework, or "" for a server outside Frameworks
	server  string // Extra "server" for those
	port    int    // default port
	portEnv string // variable the framework reads its port from
}

// jvmWebDeps are dependencies (group:artifact, or a group prefix ending in
// ':') that mean an HTTP server runs, and which framework it is.
var jvmWebDeps = []struct {
	dep string
	fw  jvmFramework
}{
	{"org.springframework.boot:spring-boot-starter-web", jvmFramework{name: "spring-boot", port: 8080, portEnv: "SERVER_PORT"}},
	{"org.springframework.boot:spring-boot-starter-webflux", jvmFramework{name: "spring-boot", port: 8080, portEnv: "SERVER_PORT"}},
	{"org.springframework.boot:spring-boot-starter-jersey", jvmFramework{name: "spring-boot", port: 8080, portEnv: "SERVER_PORT"}},
	{"org.springframework.boot:spring-boot-starter-websocket", jvmFramework{name: "spring-boot", port: 8080, portEnv: "SERVER_PORT"}},
	{"org.springframework.boot:spring-boot-starter-data-rest", jvmFramework{name: "spring-boot", port: 8080, portEnv: "SERVER_PORT"}},
	{"org.springframework.boot:spring-boot-starter-hateoas", jvmFramework{name: "spring-boot", port: 8080, portEnv: "SERVER_PORT"}},
	{"org.springframework.cloud:spring-cloud-starter-gateway", jvmFramework{name: "spring-boot", port: 8080, portEnv: "SERVER_PORT"}},
	{"io.quarkus:quarkus-rest", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-resteasy", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-resteasy-reactive", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-rest-jackson", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-resteasy-jackson", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-resteasy-reactive-jackson", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-vertx-http", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-undertow", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-reactive-routes", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.quarkus:quarkus-smallrye-health", jvmFramework{name: "quarkus", port: 8080, portEnv: "QUARKUS_HTTP_PORT"}},
	{"io.micronaut:micronaut-http-server-netty", jvmFramework{name: "micronaut", port: 8080, portEnv: "MICRONAUT_SERVER_PORT"}},
	{"io.micronaut:micronaut-http-server-jetty", jvmFramework{name: "micronaut", port: 8080, portEnv: "MICRONAUT_SERVER_PORT"}},
	{"io.micronaut.servlet:micronaut-http-server-jetty", jvmFramework{name: "micronaut", port: 8080, portEnv: "MICRONAUT_SERVER_PORT"}},
	{"io.ktor:ktor-server-netty", jvmFramework{server: "ktor"}},
	{"io.ktor:ktor-server-cio", jvmFramework{server: "ktor"}},
	{"io.ktor:ktor-server-jetty", jvmFramework{server: "ktor"}},
	{"io.ktor:ktor-server-core", jvmFramework{server: "ktor"}},
	{"io.javalin:javalin", jvmFramework{server: "javalin", port: 8080}},
	{"com.sparkjava:spark-core", jvmFramework{server: "spark", port: 4567}},
	{"io.dropwizard:dropwizard-core", jvmFramework{server: "dropwizard", port: 8080}},
	{"io.vertx:vertx-web", jvmFramework{server: "vertx"}},
	{"io.helidon.webserver:helidon-webserver", jvmFramework{server: "helidon"}},
	{"org.http4k:http4k-core", jvmFramework{server: "http4k"}},
	{"org.http4s:http4s-ember-server", jvmFramework{server: "http4s"}},
	{"org.http4s:http4s-blaze-server", jvmFramework{server: "http4s"}},
	{"com.typesafe.akka:akka-http", jvmFramework{server: "akka-http"}},
	{"org.apache.pekko:pekko-http", jvmFramework{server: "pekko-http"}},
	{"dev.zio:zio-http", jvmFramework{server: "zio-http"}},
	{"com.lihaoyi:cask", jvmFramework{server: "cask", port: 8080}},
	{"com.twitter:finatra-http-server", jvmFramework{server: "finatra", port: 8888}},
	{"org.scalatra:scalatra", jvmFramework{server: "scalatra"}},
	{"org.eclipse.jetty:jetty-server", jvmFramework{server: "jetty"}},
	{"io.undertow:undertow-core", jvmFramework{server: "undertow"}},
}

// jvmAppFrameworks name the framework of a build that is an application
// even without an HTTP dependency (a Spring Boot batch job, a Quarkus
// consumer): by group prefix.
var jvmAppFrameworks = []struct{ group, name, portEnv string }{
	{"org.springframework.boot", "spring-boot", "SERVER_PORT"},
	{"io.quarkus", "quarkus", "QUARKUS_HTTP_PORT"},
	{"io.micronaut", "micronaut", "MICRONAUT_SERVER_PORT"},
}

// jvmDepName strips a Scala cross-version suffix (_2.13, _3) from an artifact.
func jvmDepName(coord string) string {
	for _, suf := range []string{"_2.11", "_2.12", "_2.13", "_3"} {
		coord = strings.TrimSuffix(coord, suf)
	}
	return coord
}

// jvmWeb returns the web framework the dependencies name, and the dependency.
func jvmWeb(deps []string) (jvmFramework, string, bool) {
	for _, w := range jvmWebDeps {
		for _, d := range deps {
			if jvmDepName(d) == w.dep {
				return w.fw, d, true
			}
		}
	}
	return jvmFramework{}, "", false
}

// jvmClassify sets Framework, Kind, PortDefault and the "server" and
// "port-env" Extra keys from dependencies and plugin-implied frameworks.
func jvmClassify(r *Result, file string, deps []string, implied string) {
	fw, dep, web := jvmWeb(deps)
	switch {
	case web:
		r.Kind = "web"
		r.Framework = fw.name
		if fw.server != "" {
			r.Set("server", fw.server)
		}
		r.Because(file, dep+" in dependencies")
	case implied != "":
		r.Framework = implied
		r.Because(file, implied+" build plugin")
	default:
		for _, a := range jvmAppFrameworks {
			for _, d := range deps {
				if strings.HasPrefix(d, a.group+":") || strings.HasPrefix(d, a.group+".") {
					r.Framework = a.name
					r.Because(file, d+" in dependencies")
					break
				}
			}
			if r.Framework != "" {
				break
			}
		}
	}
	if r.Framework == "" && !web {
		return
	}
	if !web {
		// Spring Boot without a web starter starts no server.
		r.Kind = "worker"
		r.Because(file, "no HTTP server dependency")
	}
	for _, a := range jvmAppFrameworks {
		if a.name == r.Framework {
			fw.portEnv = a.portEnv
			if web && fw.port == 0 {
				fw.port = 8080
			}
		}
	}
	if web && fw.port > 0 {
		r.PortDefault = fw.port
		name := fw.name
		if name == "" {
			name = fw.server
		}
		r.Because(file, name+" listens on "+strconv.Itoa(fw.port)+" by default")
	}
	if fw.portEnv != "" {
		r.Set("port-env", fw.portEnv)
	}
}

// jvmConfig reads the application's configuration
// (src/main/resources/application.properties / .yml / .conf) for the port
// and health endpoint, and records the port variable it follows.
func jvmConfig(c *Context, r *Result, buildFile string, deps []string) {
	props := jvmReadConfig(c, r)
	if props == nil {
		props = map[string]string{}
	}
	var keys []string
	switch r.Framework {
	case "spring-boot":
		keys = []string{"server.port"}
	case "quarkus":
		keys = []string{"quarkus.http.port"}
	case "micronaut":
		keys = []string{"micronaut.server.port"}
	default:
		switch r.Extra["server"] {
		case "ktor":
			keys = []string{"ktor.deployment.port"}
		case "play":
			keys = []string{"play.server.http.port", "http.port"}
		}
	}
	for _, k := range keys {
		v, ok := props[k]
		if !ok {
			continue
		}
		file := props["\x00file"]
		// "${PORT:8080}" follows PORT with 8080 as default; "${?PORT}" (HOCON)
		// follows PORT only.
		if m := jvmPlaceholder.Re().FindStringSubmatch(v); m != nil {
			r.Because(file, k+" follows $"+m[1])
			r.Env = jvmAppendMissing(r.Env, m[1])
			v = m[2]
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && n < 65536 {
			r.Port = n
			r.Because(file, k+"="+strconv.Itoa(n))
		}
		break
	}
	// Health endpoints the framework serves when its health module is there.
	has := func(d string) bool { return slices.Contains(deps, d) }
	switch {
	case r.Framework == "spring-boot" && has("org.springframework.boot:spring-boot-starter-actuator"):
		if mp := props["management.server.port"]; mp != "" && mp != props["server.port"] {
			r.Because(props["\x00file"], "actuator on a separate management port: no health check on the service port")
			break
		}
		base := strings.TrimSuffix(props["management.endpoints.web.base-path"], "/")
		if base == "" {
			base = "/actuator"
		}
		ctx := strings.TrimSuffix(props["server.servlet.context-path"], "/")
		if ctx == "" {
			ctx = strings.TrimSuffix(props["spring.webflux.base-path"], "/")
		}
		r.Health = ctx + base + "/health"
		r.Because(buildFile, "spring-boot-starter-actuator serves "+r.Health)
	case r.Framework == "quarkus" && has("io.quarkus:quarkus-smallrye-health"):
		root := strings.TrimSuffix(props["quarkus.http.root-path"], "/")
		nonApp := props["quarkus.http.non-application-root-path"]
		if nonApp == "" {
			nonApp = "q"
		}
		nonApp = "/" + strings.Trim(nonApp, "/")
		if strings.HasPrefix(props["quarkus.http.non-application-root-path"], "/") {
			root = ""
		}
		r.Health = root + nonApp + "/health"
		r.Because(buildFile, "quarkus-smallrye-health serves "+r.Health)
	case r.Framework == "micronaut" && has("io.micronaut:micronaut-management"):
		r.Health = "/health"
		r.Because(buildFile, "micronaut-management serves /health")
	}
	if r.Health != "" && !jvmValidPath(r.Health) {
		r.Health = ""
	}
}

var jvmPlaceholder = lazyre.New(`^\$\{\??([A-Za-z_][A-Za-z0-9_]*)(?::([0-9]*))?\}$`)

func jvmValidPath(p string) bool {
	if !strings.HasPrefix(p, "/") || len(p) > 200 {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("/-_.~", c)) {
			return false
		}
	}
	return true
}

func jvmAppendMissing(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// jvmReadConfig flattens the first configuration file found into dotted
// keys; the key "\x00file" holds its tree path.
func jvmReadConfig(c *Context, r *Result) map[string]string {
	for _, name := range []string{"application.properties", "application.yml", "application.yaml", "application.conf"} {
		p := c.Dir.Join("src/main/resources/" + name)
		data, err := c.ReadPath(p)
		if err != nil {
			continue
		}
		out := map[string]string{"\x00file": p}
		switch {
		case strings.HasSuffix(name, ".properties"):
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(make([]byte, 0, 4096), 1<<20)
			for sc.Scan() {
				l := strings.TrimSpace(sc.Text())
				if l == "" || l[0] == '#' || l[0] == '!' {
					continue
				}
				i := strings.IndexAny(l, "=:")
				if i < 0 {
					continue
				}
				out[strings.TrimSpace(l[:i])] = strings.TrimSpace(l[i+1:])
			}
		case strings.HasSuffix(name, ".conf"):
			// HOCON: only `key = value` lines inside named blocks are read.
			jvmHocon(data, out)
		default:
			var doc map[string]any
			if err := manifest.DecodeYAML(data, &doc); err != nil {
				r.WarnParse(p, err)
				return out
			}
			jvmFlatten("", doc, out)
		}
		return out
	}
	return nil
}

func jvmFlatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			jvmFlatten(key, vv, out)
		}
	case nil:
	case []any:
	default:
		if _, ok := out[prefix]; !ok {
			out[prefix] = strings.TrimSpace(jvmScalar(x))
		}
	}
}

func jvmScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case uint64:
		return strconv.FormatUint(x, 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

var jvmHoconLine = lazyre.New(`^\s*([A-Za-z0-9_.-]+)\s*(?:=|:)\s*("?)([^"#\n]*?)("?)\s*(?:#.*)?$`)

// jvmHocon reads the `key = value` lines of a HOCON file, prefixing keys
// with the names of the blocks they are in.
func jvmHocon(data []byte, out map[string]string) {
	var stack []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "//") {
			continue
		}
		if name, ok := strings.CutSuffix(l, "{"); ok {
			if len(stack) >= 32 {
				// Deeper than any real configuration: stop reading.
				return
			}
			stack = append(stack, strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), "=")))
			continue
		}
		if l == "}" {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if m := jvmHoconLine.Re().FindStringSubmatch(l); m != nil {
			key := strings.Join(append(slices.Clone(stack), m[1]), ".")
			v := m[3]
			// `port = 8080` followed by `port = ${?PORT}`: keep both facts.
			if prev, ok := out[key]; ok && strings.HasPrefix(v, "${?") && !strings.HasPrefix(prev, "${") {
				v = strings.TrimSuffix(v, "}") + ":" + prev + "}"
			}
			out[key] = v
		}
	}
}

// jvmJavaVersion finds the Java version: the build's own setting first,
// then .java-version, .sdkmanrc and .tool-versions/mise in the folder or
// above it.
func jvmJavaVersion(c *Context, r *Result, fromBuild, buildFile string) {
	if v := jvmNormalizeJava(fromBuild); v != "" {
		r.RuntimeVersion = v
		r.Because(buildFile, "java "+v+" in the build")
		return
	}
	for _, d := range c.Up() {
		for _, name := range []string{".java-version", ".sdkmanrc"} {
			if !d.Has(name) {
				continue
			}
			data, err := c.ReadPath(d.Join(name))
			if err != nil {
				continue
			}
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				l := strings.TrimSpace(sc.Text())
				if l == "" || l[0] == '#' {
					continue
				}
				if name == ".sdkmanrc" {
					v, ok := strings.CutPrefix(l, "java=")
					if !ok {
						continue
					}
					l = v
				}
				if v := jvmNormalizeJava(l); v != "" {
					r.RuntimeVersion = v
					r.Because(d.Join(name), "java "+v+" pinned")
					return
				}
			}
		}
	}
	if v, f := ToolVersion(c, "java"); v != "" {
		if v = jvmNormalizeJava(v); v != "" {
			r.RuntimeVersion = v
			r.Because(f, "java "+v+" pinned")
		}
	}
}

// jvmNormalizeJava turns the ways a Java version is written ("1.8",
// "17.0.2-tem", "temurin-21.0.1+12", "JavaVersion.VERSION_17" already
// cut to "17") into its feature release: "8", "17", "21". Anything without
// a number yields "".
func jvmNormalizeJava(v string) string {
	v = strings.TrimSpace(v)
	start := strings.IndexFunc(v, func(r rune) bool { return r >= '0' && r <= '9' })
	if start < 0 || strings.Contains(v, "${") {
		return ""
	}
	v = v[start:]
	end := strings.IndexFunc(v, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	if end >= 0 {
		v = v[:end]
	}
	parts := strings.Split(strings.Trim(v, "."), ".")
	if len(parts) >= 2 && parts[0] == "1" {
		return parts[1]
	}
	return parts[0]
}

// jvmExisting returns the paths that exist in the tree, in order.
func jvmExisting(c *Context, paths ...string) []string {
	var out []string
	for _, p := range paths {
		if c.Tree.Exists(p) {
			out = append(out, p)
		}
	}
	return out
}

// ---- Maven -----------------------------------------------------------------

// mavenPom is a pom.xml read with its parents' properties, dependencies and
// plugins merged in, as Maven's effective model has them.
type mavenPom struct {
	*manifest.Pom
	file  string
	props map[string]string
	deps  []string // group:artifact, test scope left out
	plugs []manifest.MavenPlugin
}

func mavenRead(c *Context, file string) (*manifest.Pom, error) {
	data, err := c.ReadPath(file)
	if err != nil {
		return nil, err
	}
	return manifest.ParsePom(data)
}

// mavenEffective merges up to four parents found in the tree.
func mavenEffective(c *Context, p *manifest.Pom, file string) *mavenPom {
	m := &mavenPom{Pom: p, file: file, props: map[string]string{}}
	dir := path.Dir(file)
	chain := []*manifest.Pom{p}
	cur := p
	for range 4 {
		if cur.Parent == nil {
			break
		}
		rel := cur.Parent.RelativePath
		if rel == "" {
			rel = "../pom.xml"
		}
		if !strings.HasSuffix(rel, ".xml") {
			rel = strings.TrimSuffix(rel, "/") + "/pom.xml"
		}
		pp, ok := goJoin(dir, rel)
		if !ok || !c.Tree.Exists(pp) {
			break
		}
		parent, err := mavenRead(c, pp)
		if err != nil || parent.ArtifactID != cur.Parent.ArtifactID {
			break
		}
		chain = append(chain, parent)
		cur, dir = parent, path.Dir(pp)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].Properties {
			m.props[k] = v
		}
	}
	for _, pp := range chain {
		for _, d := range pp.Deps {
			if d.Scope == "test" || d.GroupID == "" || d.ArtifactID == "" {
				continue
			}
			m.deps = jvmAppendMissing(m.deps, pp.Resolve(d.GroupID)+":"+d.ArtifactID)
		}
		m.plugs = append(m.plugs, pp.Plugins...)
	}
	return m
}

// resolve expands ${…} with the merged properties.
func (m *mavenPom) resolve(s string) string {
	saved := m.Properties
	m.Properties = m.props
	defer func() { m.Properties = saved }()
	return m.Resolve(s)
}

func (m *mavenPom) plugin(artifact string) *manifest.MavenPlugin {
	for i := range m.plugs {
		if m.plugs[i].ArtifactID == artifact {
			return &m.plugs[i]
		}
	}
	return nil
}

// mavenDetect analyses a folder with a pom.xml.
func mavenDetect(c *Context) *Result {
	file := c.Path("pom.xml")
	r := &Result{PackageManager: "maven", SourceExts: []string{".java", ".kt", ".scala"}}
	p, err := mavenRead(c, file)
	if err != nil {
		r.WarnParse(file, err)
		p = &manifest.Pom{ArtifactID: path.Base(c.Dir.Path), Packaging: "jar", Properties: map[string]string{}}
	}
	m := mavenEffective(c, p, file)
	r.Because(file, "maven project")
	// The artifactId names the service; sibling modules are linked by
	// LocalPaths, not by name.
	r.Name = p.ArtifactID
	r.Deps = m.deps
	r.Language = jvmSourceLanguage(c, m.plugin("kotlin-maven-plugin") != nil, m.plugin("scala-maven-plugin") != nil)

	root := mavenReactorRoot(c)
	if p.Packaging == "pom" {
		for _, mod := range p.Modules {
			r.Members = append(r.Members, strings.TrimSuffix(strings.TrimPrefix(mod, "./"), "/"))
		}
		if len(r.Members) > 0 {
			r.WorkspaceOnly = true
			r.Because(file, "packaging pom with modules "+strings.Join(r.Members, ", "))
		} else {
			r.Library = true
			r.Because(file, "packaging pom without modules: a parent or BOM")
		}
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}

	// Framework from plugins, then dependencies.
	implied := ""
	switch {
	case m.plugin("spring-boot-maven-plugin") != nil || p.Parent != nil && p.Parent.ArtifactID == "spring-boot-starter-parent":
		implied = "spring-boot"
	case m.plugin("quarkus-maven-plugin") != nil:
		implied = "quarkus"
	case m.plugin("micronaut-maven-plugin") != nil || p.Parent != nil && p.Parent.ArtifactID == "micronaut-parent":
		implied = "micronaut"
	}
	jvmClassify(r, file, m.deps, implied)

	// How the product runs.
	mainClass := ""
	for _, name := range []string{"spring-boot-maven-plugin", "maven-shade-plugin", "maven-assembly-plugin", "exec-maven-plugin", "maven-jar-plugin"} {
		if pl := m.plugin(name); pl != nil && pl.MainClass != "" {
			mainClass = m.resolve(pl.MainClass)
			break
		}
	}
	if mainClass == "" {
		for _, k := range []string{"start-class", "exec.mainClass", "main.class", "mainClass"} {
			if v := m.resolve(m.props[k]); v != "" && !strings.Contains(v, "${") {
				mainClass = v
				break
			}
		}
	}
	fat := m.plugin("spring-boot-maven-plugin") != nil || m.plugin("maven-shade-plugin") != nil ||
		m.plugin("maven-assembly-plugin") != nil || r.Framework == "micronaut"
	layout := ""
	switch {
	case r.Framework == "quarkus":
		layout = "quarkus"
	case fat:
		layout = "jar"
	case mainClass != "":
		layout = "classpath"
	}
	if layout == "" {
		r.Library = true
		r.Because(file, "no runnable jar: no Spring Boot, shade or assembly plugin and no main class")
		jvmJavaVersion(c, r, mavenJavaVersion(m), file)
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}
	if jvmJavaMainClass(mainClass) {
		r.Set("main-class", mainClass)
	} else {
		mainClass = ""
	}
	if layout == "classpath" && mainClass == "" {
		layout = "jar"
	}
	r.Set("jvm-layout", layout)
	rel := Rel(root, c.Dir.Path)
	r.Target = rel
	if root != c.Dir.Path {
		r.BuildContext = root
		r.Because(tree.Join(root, "pom.xml"), "module of the Maven reactor at "+root)
		r.Build = "mvn -B -DskipTests -pl " + rel + " -am package"
	} else {
		r.Build = "mvn -B -DskipTests package"
	}
	out := "target"
	if rel != "." {
		out = rel + "/target"
	}
	if layout == "quarkus" {
		out += "/quarkus-app"
	}
	r.Set("artifact-dir", out)
	r.Lockfiles = mavenPoms(c, root)
	r.LocalPaths = mavenSiblings(c, r.Lockfiles, file, m.deps)
	jvmStart(r, layout)
	jvmConfig(c, r, file, m.deps)
	jvmJavaVersion(c, r, mavenJavaVersion(m), file)
	switch {
	case r.Kind == "web":
		r.Score = 0.9
	case r.Framework != "":
		r.Score = 0.8
	default:
		r.Score = 0.7
	}
	r.Score = parseWarnedScore(r, r.Score)
	return r
}

// mavenJavaVersion reads the compiler's release or source level.
func mavenJavaVersion(m *mavenPom) string {
	if pl := m.plugin("maven-compiler-plugin"); pl != nil && pl.Release != "" {
		if v := m.resolve(pl.Release); !strings.Contains(v, "${") {
			return v
		}
	}
	for _, k := range []string{"maven.compiler.release", "java.version", "maven.compiler.source", "maven.compiler.target", "jdk.version"} {
		if v := m.resolve(m.props[k]); v != "" && !strings.Contains(v, "${") {
			return v
		}
	}
	return ""
}

// mavenReactorRoot returns the topmost folder above whose pom lists this
// one as a module, through any number of aggregator levels, or the folder.
func mavenReactorRoot(c *Context) string {
	root := c.Dir.Path
	for root != "." {
		found := ""
		for p := path.Dir(root); ; p = path.Dir(p) {
			if d := c.Tree.Dir(p); d != nil && d.Has("pom.xml") {
				if pom, err := mavenRead(c, d.Join("pom.xml")); err == nil {
					for _, mod := range pom.Modules {
						if j, ok := goJoin(p, mod); ok && j == root {
							found = p
						}
					}
				}
				// Maven lists modules from the nearest aggregator; stop there.
				break
			}
			if p == "." {
				break
			}
		}
		if found == "" {
			return root
		}
		root = found
	}
	return root
}

// mavenPoms lists every pom.xml of the reactor rooted at root, parents first.
func mavenPoms(c *Context, root string) []string {
	var out []string
	var walk func(dir string, depth int)
	walk = func(dir string, depth int) {
		p := tree.Join(dir, "pom.xml")
		if depth > 8 || slices.Contains(out, p) || !c.Tree.Exists(p) {
			return
		}
		out = append(out, p)
		pom, err := mavenRead(c, p)
		if err != nil {
			return
		}
		for _, mod := range pom.Modules {
			if j, ok := goJoin(dir, mod); ok {
				walk(j, depth+1)
			}
		}
	}
	walk(root, 0)
	return out
}

// mavenSiblings returns the folders of the reactor's modules this one
// depends on (by groupId:artifactId, the group inherited from the parent
// when not written).
func mavenSiblings(c *Context, poms []string, self string, deps []string) []string {
	var out []string
	for _, pf := range poms {
		if pf == self {
			continue
		}
		p, err := mavenRead(c, pf)
		if err != nil || p.Packaging == "pom" {
			continue
		}
		group := p.GroupID
		if group == "" && p.Parent != nil {
			group = p.Parent.GroupID
		}
		if slices.Contains(deps, group+":"+p.ArtifactID) {
			out = append(out, path.Dir(pf))
		}
	}
	return out
}

// jvmJavaMainClass accepts a fully qualified Java class name.
func jvmJavaMainClass(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c == '.' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return !strings.HasPrefix(s, ".") && !strings.HasSuffix(s, ".") && !strings.Contains(s, "..")
}

// jvmStart sets Start after the layout: the command the generated image runs.
func jvmStart(r *Result, layout string) {
	switch layout {
	case "jar":
		r.Start = "java -jar /app/app.jar"
	case "quarkus":
		r.Start = "java -jar /app/quarkus-run.jar"
	case "dist":
		r.Start = "/app/bin/start"
	case "classpath":
		r.Start = "java -cp '/app/app.jar:/app/lib/*' " + r.Extra["main-class"]
	case "clj-main":
		r.Start = "java @/app/java.args"
	}
}

// ---- Gradle ----------------------------------------------------------------

// gradleBuild is a Gradle build root: its settings and what its root
// script applies to subprojects.
type gradleBuild struct {
	dir      string
	settings *manifest.GradleSettings
	rootFile string
	root     *manifest.Gradle
	catalog  *manifest.VersionCatalog
}

// gradleDetect analyses a folder with a Gradle build script or settings.
func gradleDetect(c *Context) *Result {
	r := &Result{PackageManager: "gradle", SourceExts: []string{".java", ".kt", ".scala", ".groovy"}}
	b, project := gradleBuildFor(c, r)
	scriptName := c.Dir.First("build.gradle.kts", "build.gradle")
	var g *manifest.Gradle
	file := ""
	if scriptName != "" {
		file = c.Path(scriptName)
		g = gradleParse(c, r, file)
	} else {
		g = &manifest.Gradle{}
	}
	if file != "" {
		r.Because(file, "gradle build script")
	} else {
		r.Because(tree.Join(b.dir, gradleSettingsName(c, b.dir)), "gradle settings")
	}
	return gradleAnalyse(c, r, b, project, g, file)
}

// gradleMemberWithoutScript handles a project folder that a settings file
// includes but that has no script of its own (configured by the root).
func gradleMemberWithoutScript(c *Context) *Result {
	if c.Tree.Dir(c.Dir.Join("src/main")) == nil {
		return nil
	}
	r := &Result{PackageManager: "gradle", SourceExts: []string{".java", ".kt", ".scala", ".groovy"}}
	b, project := gradleBuildFor(c, r)
	if b.dir == c.Dir.Path || b.settings == nil {
		return nil
	}
	r.Because(tree.Join(b.dir, gradleSettingsName(c, b.dir)), "project "+project+" of the Gradle build at "+b.dir)
	return gradleAnalyse(c, r, b, project, &manifest.Gradle{}, "")
}

func gradleSettingsName(c *Context, dir string) string {
	if d := c.Tree.Dir(dir); d != nil {
		if n := d.First("settings.gradle.kts", "settings.gradle"); n != "" {
			return n
		}
	}
	return "settings.gradle"
}

func gradleParse(c *Context, r *Result, file string) *manifest.Gradle {
	data, err := c.ReadPath(file)
	if err != nil {
		return &manifest.Gradle{}
	}
	g, err := manifest.ParseGradle(data, strings.HasSuffix(file, ".kts"))
	if err != nil && r != nil {
		r.WarnParse(file, err)
	}
	if g == nil {
		g = &manifest.Gradle{}
	}
	return g
}

// gradleBuildFor finds the build the folder belongs to: the nearest settings
// file at or above it that includes it (or is in it). project is the Gradle
// project path (":" for the root project).
func gradleBuildFor(c *Context, r *Result) (*gradleBuild, string) {
	for _, d := range c.Up() {
		name := d.First("settings.gradle.kts", "settings.gradle")
		if name == "" {
			continue
		}
		data, err := c.ReadPath(d.Join(name))
		if err != nil {
			continue
		}
		s, err := manifest.ParseGradleSettings(data, strings.HasSuffix(name, ".kts"))
		if err != nil && d.Path == c.Dir.Path && r != nil {
			r.WarnParse(d.Join(name), err)
		}
		project := ""
		if d.Path == c.Dir.Path {
			project = ":"
		} else {
			for _, inc := range s.Includes {
				if j, ok := goJoin(d.Path, s.Dir(inc)); ok && j == c.Dir.Path {
					project = inc
				}
			}
		}
		if project == "" {
			// The nearest settings file decides; a folder it does not
			// include is a build of its own.
			break
		}
		b := &gradleBuild{dir: d.Path, settings: s}
		if sc := d.First("build.gradle.kts", "build.gradle"); sc != "" {
			b.rootFile = d.Join(sc)
			if d.Path != c.Dir.Path {
				b.root = gradleParse(c, nil, b.rootFile)
			}
		}
		if data, err := c.ReadPath(tree.Join(d.Path, "gradle/libs.versions.toml")); err == nil {
			vc, err := manifest.ParseVersionCatalog(data)
			if err != nil && r != nil && d.Path == c.Dir.Path {
				r.WarnParse(tree.Join(d.Path, "gradle/libs.versions.toml"), err)
			}
			b.catalog = vc
		}
		return b, project
	}
	b := &gradleBuild{dir: c.Dir.Path}
	if data, err := c.Read("gradle/libs.versions.toml"); err == nil {
		vc, err := manifest.ParseVersionCatalog(data)
		if err != nil && r != nil {
			r.WarnParse(c.Path("gradle/libs.versions.toml"), err)
		}
		b.catalog = vc
	}
	return b, ":"
}

// gradleAnalyse turns a project's script (and its build's root) into a Result.
func gradleAnalyse(c *Context, r *Result, b *gradleBuild, project string, g *manifest.Gradle, file string) *Result {
	if file == "" {
		file = tree.Join(b.dir, gradleSettingsName(c, b.dir))
	}
	plugins := slices.Clone(g.Plugins)
	deps := gradleDepCoords(g.Deps, b.catalog)
	if b.root != nil {
		plugins = append(plugins, b.root.SubprojectPlugins...)
		for _, d := range gradleDepCoords(b.root.SubprojectDeps, b.catalog) {
			deps = jvmAppendMissing(deps, d)
		}
	}
	if b.catalog != nil {
		for _, a := range g.PluginAliases {
			if id := b.catalog.Plugins[a]; id != "" {
				plugins = append(plugins, id)
			}
		}
	}
	has := func(ids ...string) bool { return HasAny(plugins, ids...) }
	r.Deps = deps
	r.Language = jvmSourceLanguage(c, has("org.jetbrains.kotlin.jvm", "kotlin", "org.jetbrains.kotlin.plugin.spring"), has("scala"))
	if b.settings != nil && b.settings.RootName != "" && project == ":" {
		r.Name = b.settings.RootName
	} else if project != ":" {
		r.Name = strings.TrimPrefix(project[strings.LastIndexByte(project, ':'):], ":")
	} else {
		r.Name = path.Base(c.Dir.Path)
	}
	for _, d := range g.Deps {
		if d.Project != "" && b.settings != nil {
			if j, ok := goJoin(b.dir, b.settings.Dir(d.Project)); ok && !slices.Contains(r.LocalPaths, j) {
				r.LocalPaths = append(r.LocalPaths, j)
			}
		}
	}

	implied := ""
	switch {
	case has("org.springframework.boot"):
		implied = "spring-boot"
	case has("io.quarkus"):
		implied = "quarkus"
	case has("io.micronaut.application", "io.micronaut.minimal.application"):
		implied = "micronaut"
	}
	jvmClassify(r, file, deps, implied)
	if has("io.ktor.plugin") && r.Extra["server"] == "" {
		r.Set("server", "ktor")
		r.Kind = "web"
	}

	// How the product is built and runs.
	task, layout, out := "", "", ""
	projDir := Rel(b.dir, c.Dir.Path)
	libs := func(sub string) string {
		if projDir == "." {
			return "build/" + sub
		}
		return projDir + "/build/" + sub
	}
	switch {
	case r.Framework == "spring-boot" && has("org.springframework.boot"):
		task, layout, out = "bootJar", "jar", libs("libs")
	case r.Framework == "quarkus" && has("io.quarkus"):
		task, layout, out = "quarkusBuild", "quarkus", libs("quarkus-app")
	case has("io.ktor.plugin"):
		task, layout, out = "buildFatJar", "jar", libs("libs")
	case has("com.github.johnrengelman.shadow", "com.gradleup.shadow", "io.github.goooler.shadow"):
		task, layout, out = "shadowJar", "jar", libs("libs")
	case has("application", "io.micronaut.application", "io.micronaut.minimal.application"):
		task, layout, out = "installDist", "dist", libs("install")
	}
	sub := b.settings != nil && len(b.settings.Includes) > 0 && project == ":"
	if layout == "" {
		if sub && c.Tree.Dir(c.Dir.Join("src/main")) == nil {
			r.WorkspaceOnly = true
			for _, inc := range b.settings.Includes {
				r.Members = append(r.Members, b.settings.Dir(inc))
			}
			r.Because(file, "multi-project build including "+strings.Join(b.settings.Includes, ", "))
		} else {
			r.Library = true
			r.Because(file, "no application, Spring Boot, Quarkus, Ktor or shadow plugin: nothing runnable")
		}
		jvmJavaVersion(c, r, g.JavaVersion, file)
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}
	if sub {
		for _, inc := range b.settings.Includes {
			r.Members = append(r.Members, b.settings.Dir(inc))
		}
	}
	r.Set("jvm-layout", layout)
	r.Set("gradle-task", task)
	r.Set("artifact-dir", out)
	if jvmJavaMainClass(g.MainClass) {
		r.Set("main-class", g.MainClass)
	}
	r.Target = project
	if b.dir != c.Dir.Path {
		r.BuildContext = b.dir
		r.Because(tree.Join(b.dir, gradleSettingsName(c, b.dir)), "project "+project+" of the Gradle build at "+b.dir)
	}
	gradle := "gradle"
	if c.Tree.Exists(tree.Join(b.dir, "gradlew")) && c.Tree.Exists(tree.Join(b.dir, "gradle/wrapper/gradle-wrapper.jar")) {
		gradle = "./gradlew"
		r.Set("gradle-wrapper", "1")
		r.Because(tree.Join(b.dir, "gradlew"), "gradle wrapper committed")
	}
	taskPath := ":" + task
	if project != ":" {
		taskPath = project + ":" + task
	}
	r.Build = gradle + " --no-daemon " + taskPath + " -x test"
	r.Lockfiles, r.Extra["copy-dirs"] = gradleLockfiles(c, b)
	if r.Extra["copy-dirs"] == "" {
		delete(r.Extra, "copy-dirs")
	}
	jvmStart(r, layout)
	jvmConfig(c, r, file, deps)
	jvmJavaVersion(c, r, g.JavaVersion, file)
	if r.RuntimeVersion == "" && b.root != nil {
		jvmJavaVersion(c, r, b.root.JavaVersion, b.rootFile)
	}
	switch {
	case r.Kind == "web":
		r.Score = 0.9
	case r.Framework != "":
		r.Score = 0.8
	default:
		r.Score = 0.7
	}
	r.Score = parseWarnedScore(r, r.Score)
	return r
}

// gradleDepCoords resolves dependencies to group:artifact, through the
// version catalog for libs.* references.
func gradleDepCoords(deps []manifest.GradleDep, vc *manifest.VersionCatalog) []string {
	var out []string
	for _, d := range deps {
		switch {
		case d.Name != "":
			out = jvmAppendMissing(out, d.Coord())
		case d.Catalog != "" && vc != nil && d.Bundle:
			for _, a := range vc.Bundles[d.Catalog] {
				if coord := vc.Libraries[a]; coord != "" {
					out = jvmAppendMissing(out, coord)
				}
			}
		case d.Catalog != "" && vc != nil:
			if coord := vc.Libraries[d.Catalog]; coord != "" {
				out = jvmAppendMissing(out, coord)
			}
		}
	}
	return out
}

// gradleLockfiles lists the build's scripts, settings and catalog, and the
// build-logic folders copied whole.
func gradleLockfiles(c *Context, b *gradleBuild) ([]string, string) {
	j := func(p string) string { return tree.Join(b.dir, p) }
	out := jvmExisting(c,
		j("settings.gradle.kts"), j("settings.gradle"), j("build.gradle.kts"), j("build.gradle"),
		j("gradle.properties"), j("gradle/libs.versions.toml"),
		j("gradlew"), j("gradle/wrapper/gradle-wrapper.jar"), j("gradle/wrapper/gradle-wrapper.properties"))
	if b.settings != nil {
		for _, inc := range b.settings.Includes {
			if d, ok := goJoin(b.dir, b.settings.Dir(inc)); ok {
				out = append(out, jvmExisting(c, tree.Join(d, "build.gradle.kts"), tree.Join(d, "build.gradle"))...)
			}
		}
	}
	var dirs []string
	for _, name := range []string{"buildSrc", "build-logic"} {
		if c.Tree.Dir(j(name)) != nil {
			dirs = append(dirs, j(name))
		}
	}
	if b.settings != nil {
		for _, ib := range b.settings.IncludeBuilds {
			if d, ok := goJoin(b.dir, ib); ok && c.Tree.Dir(d) != nil && !slices.Contains(dirs, d) && d != b.dir {
				dirs = append(dirs, d)
			}
		}
	}
	return out, strings.Join(dirs, "\n")
}

// ---- sbt -------------------------------------------------------------------

// sbtDetect analyses a folder with a build.sbt, or a project folder that a
// build.sbt above defines.
func sbtDetect(c *Context) *Result {
	rootDir, proj, b := sbtBuildFor(c)
	if b == nil {
		return nil
	}
	r := &Result{Language: "scala", PackageManager: "sbt", SourceExts: []string{".scala", ".java"}}
	buildFile := tree.Join(rootDir, "build.sbt")
	if rootDir == c.Dir.Path {
		data, _ := c.Read("build.sbt")
		if _, err := manifest.ParseSbt(data); err != nil {
			r.WarnParse(buildFile, err)
		}
	}
	r.Because(buildFile, "sbt build")
	plugins := sbtPluginsOf(c, r, rootDir)
	r.Name = proj.Name
	if r.Name == "" {
		r.Name = proj.ID
	}
	if r.Name == "" {
		r.Name = path.Base(c.Dir.Path)
	}
	if b.ScalaVersion != "" {
		r.Set("scala-version", b.ScalaVersion)
	}
	if data, err := c.ReadPath(tree.Join(rootDir, "project/build.properties")); err == nil {
		if v := manifest.SbtVersion(data); v != "" {
			r.Set("sbt-version", v)
		}
	}
	deps := slices.Clone(proj.Deps)
	r.Deps = deps
	for _, dep := range proj.DependsOn {
		for _, p := range b.Projects {
			if p.ID == dep {
				if j, ok := goJoin(rootDir, p.Dir); ok && !slices.Contains(r.LocalPaths, j) {
					r.LocalPaths = append(r.LocalPaths, j)
				}
			}
		}
	}

	play := HasAny(plugins, "com.typesafe.play:sbt-plugin", "org.playframework:sbt-plugin") &&
		HasAny(proj.Plugins, "PlayScala", "PlayJava", "PlayMinimalJava", "PlayService")
	if play {
		r.Kind = "web"
		r.PortDefault = 9000
		r.Set("server", "play")
		r.Set("port-env", "PLAY_HTTP_PORT")
		// Play refuses to start in production without an application secret.
		r.Env = jvmAppendMissing(r.Env, "APPLICATION_SECRET")
		r.Because(tree.Join(rootDir, "project/plugins.sbt"), "play framework plugin")
		r.Because(buildFile, "play listens on 9000 by default")
	} else {
		jvmClassify(r, buildFile, deps, "")
	}

	// Root of a multi-project build with no code of its own.
	if rootDir == c.Dir.Path && proj.ID == b.Root.ID && len(b.Projects) > 0 && c.Tree.Dir(c.Dir.Join("src/main")) == nil {
		r.WorkspaceOnly = true
		for _, p := range b.Projects {
			r.Members = append(r.Members, p.Dir)
		}
		r.Because(buildFile, "multi-project build")
		jvmJavaVersion(c, r, "", buildFile)
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}
	if c.Tree.Dir(c.Dir.Join("src/main")) == nil && c.Tree.Dir(c.Dir.Join("app")) == nil {
		r.Library = true
		r.Because(c.Dir.Path, "no sources under src/main")
		r.Score = parseWarnedScore(r, 0.4)
		return r
	}
	packager := HasAny(plugins, "com.github.sbt:sbt-native-packager", "com.typesafe.sbt:sbt-native-packager") &&
		HasAny(proj.Plugins, "JavaAppPackaging", "JavaServerAppPackaging", "DockerPlugin", "UniversalPlugin") || play
	assembly := HasAny(plugins, "com.eed3si9n:sbt-assembly")
	projDir := Rel(rootDir, c.Dir.Path)
	prefix := projDir + "/"
	if projDir == "." {
		prefix = ""
	}
	switch {
	case packager:
		r.Set("sbt-task", "stage")
		r.Set("jvm-layout", "dist")
		r.Set("artifact-dir", prefix+"target/universal/stage")
		r.Because(tree.Join(rootDir, "project/plugins.sbt"), "sbt-native-packager stages the application")
	case assembly:
		r.Set("sbt-task", "assembly")
		r.Set("jvm-layout", "jar")
		r.Set("artifact-dir", prefix+"target")
		r.Because(tree.Join(rootDir, "project/plugins.sbt"), "sbt-assembly builds a fat jar")
	default:
		r.Set("sbt-task", "stage")
		r.Set("sbt-add-packager", "1")
		r.Set("jvm-layout", "dist")
		r.Set("artifact-dir", prefix+"target/universal/stage")
		r.Because(buildFile, "no packaging plugin: the image build adds sbt-native-packager to stage the application")
	}
	if jvmJavaMainClass(proj.MainClass) {
		r.Set("main-class", proj.MainClass)
	}
	r.Target = proj.ID
	if rootDir != c.Dir.Path {
		r.BuildContext = rootDir
	}
	task := r.Extra["sbt-task"]
	if proj.ID != "" && proj.ID != b.Root.ID {
		task = proj.ID + "/" + task
	}
	r.Build = "sbt " + task
	r.Lockfiles = jvmExisting(c, buildFile, tree.Join(rootDir, "project/build.properties"), tree.Join(rootDir, "project/plugins.sbt"))
	if c.Tree.Dir(tree.Join(rootDir, "project")) != nil {
		r.Set("copy-dirs", tree.Join(rootDir, "project"))
	}
	jvmStart(r, r.Extra["jvm-layout"])
	jvmConfig(c, r, buildFile, deps)
	jvmJavaVersion(c, r, "", buildFile)
	switch {
	case r.Kind == "web":
		r.Score = 0.9
	default:
		r.Score = 0.7
	}
	r.Score = parseWarnedScore(r, r.Score)
	return r
}

// sbtBuildFor finds the sbt build defining the folder as a project: a
// build.sbt above whose project definitions name this folder, else the
// folder's own build.sbt (its root project).
func sbtBuildFor(c *Context) (string, manifest.SbtProject, *manifest.Sbt) {
	for _, d := range c.Up()[1:] {
		if !d.Has("build.sbt") {
			continue
		}
		data, err := c.ReadPath(d.Join("build.sbt"))
		if err != nil {
			break
		}
		b, _ := manifest.ParseSbt(data)
		if b == nil {
			break
		}
		rel := Rel(d.Path, c.Dir.Path)
		for _, p := range b.Projects {
			if path.Clean(p.Dir) == rel {
				return d.Path, p, b
			}
		}
		break
	}
	if !c.Has("build.sbt") {
		return "", manifest.SbtProject{}, nil
	}
	data, err := c.Read("build.sbt")
	if err != nil {
		return "", manifest.SbtProject{}, nil
	}
	b, _ := manifest.ParseSbt(data)
	if b == nil {
		b = &manifest.Sbt{}
	}
	return c.Dir.Path, b.Root, b
}

// sbtPluginsOf reads project/plugins.sbt of the build.
func sbtPluginsOf(c *Context, r *Result, rootDir string) []string {
	p := tree.Join(rootDir, "project/plugins.sbt")
	data, err := c.ReadPath(p)
	if err != nil {
		return nil
	}
	ps, err := manifest.ParseSbtPlugins(data)
	if err != nil && rootDir == c.Dir.Path {
		r.WarnParse(p, err)
	}
	return ps
}

// ---- Clojure ---------------------------------------------------------------

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
		jvmJavaVersion(c, r, "", file)
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}
	if cljSafeFile(p.UberjarName) {
		r.Set("uberjar-name", p.UberjarName)
	}
	r.Set("jvm-layout", "jar")
	r.Set("artifact-dir", "target")
	r.Lockfiles = []string{file}
	jvmStart(r, "jar")
	jvmJavaVersion(c, r, "", file)
	if r.Kind == "" {
		r.Kind = "worker"
		r.Because(file, "no HTTP server dependency")
	}
	r.Score = 0.7
	if r.Kind == "web" {
		r.Score = 0.9
	}
	r.Score = parseWarnedScore(r, r.Score)
	return r
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
			if j, ok := goJoin(c.Dir.Path, root); ok && c.Tree.Dir(j) != nil && !slices.Contains(r.LocalPaths, j) {
				r.LocalPaths = append(r.LocalPaths, j)
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
		jvmJavaVersion(c, r, "", file)
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}
	r.Lockfiles = jvmExisting(c, file)
	jvmJavaVersion(c, r, "", file)
	if r.Kind == "" {
		r.Kind = "worker"
		r.Because(file, "no HTTP server dependency")
	}
	r.Score = 0.7
	if r.Kind == "web" {
		r.Score = 0.9
	}
	r.Score = parseWarnedScore(r, r.Score)
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
