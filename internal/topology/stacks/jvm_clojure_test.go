// Tests of the Clojure analysis: Leiningen (ring, main, Luminus, library)
// and Clojure CLI projects (main alias, tools.build, library).

package stacks

import "testing"

func TestJVMClojure(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  jvmTestWant
	}{
		{"lein ring", map[string]string{
			"project.clj": `(defproject shop "0.1.0"
  :dependencies [[org.clojure/clojure "1.12.0"] [ring/ring-jetty-adapter "1.12.2"] [compojure "1.7.1"]]
  :plugins [[lein-ring "0.12.6"]]
  :ring {:handler shop.handler/app :port 3300})`,
		}, jvmTestWant{language: "clojure", pm: "lein", framework: "ring", kind: "web", build: "lein ring uberjar", portDefault: 3000, port: 3300,
			start: "java -jar /app/app.jar", extra: map[string]string{"lein-task": "ring uberjar", "jvm-layout": "jar"}}},
		{"lein main worker", map[string]string{
			"project.clj":   "(defproject jobs \"1.0\" :dependencies [[org.clojure/clojure \"1.12.0\"]] :main jobs.core :uberjar-name \"jobs.jar\")",
			".java-version": "17\n",
		}, jvmTestWant{kind: "worker", build: "lein uberjar", runtimeVersion: "17", extra: map[string]string{"uberjar-name": "jobs.jar"}}},
		{"luminus", map[string]string{
			"project.clj": "(defproject guestbook \"0.1.0\" :dependencies [[luminus-jetty \"0.2.3\"] [ring/ring-core \"1.9.6\"]] :main ^:skip-aot guestbook.core)",
		}, jvmTestWant{framework: "luminus", kind: "web", portDefault: 3000}},
		{"lein library", map[string]string{"project.clj": "(defproject util \"1.0\" :dependencies [])"}, jvmTestWant{library: true}},
		{"deps.edn main alias", map[string]string{
			"deps.edn":     "{:deps {http-kit/http-kit {:mvn/version \"2.8.0\"} acme/lib {:local/root \"lib\"}}\n :aliases {:run {:main-opts [\"-m\" \"acme.main\"]}}}",
			"lib/deps.edn": "{}",
		}, jvmTestWant{pm: "clojure", kind: "web", portDefault: 8090, start: "java @/app/java.args", localPaths: []string{"lib"},
			extra: map[string]string{"jvm-layout": "clj-main", "clj-alias": ":run", "main-ns": "acme.main", "server": "http-kit"}}},
		{"deps.edn tools.build", map[string]string{
			"deps.edn":  "{:deps {ring/ring-jetty-adapter {:mvn/version \"1.12.2\"}} :aliases {:build {:deps {io.github.clojure/tools.build {:mvn/version \"0.10.5\"}} :ns-default build}}}",
			"build.clj": "(ns build)",
		}, jvmTestWant{framework: "ring", build: "clojure -T:build uber", extra: map[string]string{"jvm-layout": "jar", "clj-alias": ":build"}}},
		{"deps.edn library", map[string]string{"deps.edn": "{:deps {}}"}, jvmTestWant{library: true}},
		{"malformed project.clj", map[string]string{"project.clj": "(defproject x \"1\"\n  :main x.core\n"}, jvmTestWant{library: true, warnLine: 1, maxScore: 0.35}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jvmTestCheck(t, detectIn(t, Clojure{}, c.files, "."), c.want)
		})
	}
}
