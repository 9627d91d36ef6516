// What a JVM build serves: the framework or HTTP server its dependencies
// name, its default port, and the port and health endpoint its
// configuration (application.properties, .yml or HOCON .conf) sets.

package stacks

import (
	"bufio"
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
)

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
	if r.Health != "" && !ValidHealthPath(r.Health) {
		r.Health = ""
	}
}

var jvmPlaceholder = lazyre.New(`^\$\{\??([A-Za-z_][A-Za-z0-9_]*)(?::([0-9]*))?\}$`)

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
