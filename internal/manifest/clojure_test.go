package manifest

import (
	"errors"
	"slices"
	"testing"
)

const leinSample = `;; The shop API
(defproject acme/shop "0.1.0-SNAPSHOT"
  :description "Shop API"
  :min-lein-version "2.0.0"
  :dependencies [[org.clojure/clojure "1.12.0"]
                 [ring/ring-core "1.12.2"]
                 [ring/ring-jetty-adapter "1.12.2"]
                 [compojure "1.7.1"]
                 #_[unused/lib "1.0"]
                 [org.postgresql/postgresql "42.7.4"]]
  :plugins [[lein-ring "0.12.6"]]
  :ring {:handler shop.handler/app :port 3000}
  :main ^:skip-aot shop.core
  :uberjar-name "shop-standalone.jar"
  :target-path "target/%s"
  :profiles {:uberjar {:aot :all :main shop.core
                       :jvm-opts ["-Dclojure.compiler.direct-linking=true"]}
             :dev {:dependencies [[ring/ring-mock "0.4.0"]]}})
`

const depsEdnSample = `{:paths ["src" "resources"]
 :deps {org.clojure/clojure {:mvn/version "1.12.0"}
        http-kit/http-kit {:mvn/version "2.8.0"}
        acme/shared {:local/root "../shared"}}
 :aliases
 {:run {:main-opts ["-m" "acme.api.main"]}
  :test {:extra-deps {lambdaisland/kaocha {:mvn/version "1.91.1392"}}}
  :build {:deps {io.github.clojure/tools.build {:git/tag "v0.10.5" :git/sha "2a21b7a"}}
          :ns-default build}
  :x {:exec-fn acme.api/start :exec-args {:port 8080}}}}
`

func TestLeinProject(t *testing.T) {
	p, err := ParseLeinProject([]byte(leinSample))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "acme/shop" || p.Version != "0.1.0-SNAPSHOT" || p.Main != "shop.core" || p.UberjarMain != "shop.core" {
		t.Errorf("project = %+v", p)
	}
	want := []string{"org.clojure/clojure", "ring/ring-core", "ring/ring-jetty-adapter", "compojure", "org.postgresql/postgresql"}
	if !slices.Equal(p.Deps, want) {
		t.Errorf("deps = %v, want %v", p.Deps, want)
	}
	if !slices.Equal(p.Plugins, []string{"lein-ring"}) || p.RingHandler != "shop.handler/app" || p.RingPort != 3000 {
		t.Errorf("ring = %v %q %d", p.Plugins, p.RingHandler, p.RingPort)
	}
	if p.UberjarName != "shop-standalone.jar" || p.TargetPath != "target/%s" || p.Line != 2 {
		t.Errorf("uberjar %q, target %q, line %d", p.UberjarName, p.TargetPath, p.Line)
	}
}

func TestLeinDepsEdn(t *testing.T) {
	d, err := ParseDepsEdn([]byte(depsEdnSample))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Deps, []string{"org.clojure/clojure", "http-kit/http-kit", "acme/shared"}) || d.LocalRoots["acme/shared"] != "../shared" {
		t.Errorf("deps = %v, roots %v", d.Deps, d.LocalRoots)
	}
	if d.Aliases["run"].MainNamespace() != "acme.api.main" || d.Aliases["build"].NsDefault != "build" || d.Aliases["x"].ExecFn != "acme.api/start" {
		t.Errorf("aliases = %+v", d.Aliases)
	}
	if !slices.Equal(d.Aliases["build"].Deps, []string{"io.github.clojure/tools.build"}) {
		t.Errorf("build deps = %v", d.Aliases["build"].Deps)
	}
}

func TestLeinReaderForms(t *testing.T) {
	forms, err := readClj([]byte(`#?(:clj 1 :cljs 2) #{:a :b} #"re\"x" \space \( 'q ~@(x) @y ^{:m 1} z #inst "2024-01-01" ##Inf #:ns{:a 1}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(forms) != 12 {
		t.Errorf("read %d forms: %+v", len(forms), forms)
	}
}

func TestLeinMalformed(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
	}{
		{"(defproject a \"1\"\n  :dependencies [[x \"1\"]\n", 2},
		{"(defproject a \"1\")\n)\n", 2},
		{"(defproject a \"1\n", 1},
		{"(def x 1)\n", 1},
		{"{:deps {a {:mvn/version \"1\"}}\n :paths [\"src\"}\n", 2},
	} {
		_, err := ParseLeinProject([]byte(c.src))
		if c.src[0] == '{' {
			_, err = ParseDepsEdn([]byte(c.src))
		}
		var me *Error
		if !errors.As(err, &me) || me.Line != c.line {
			t.Errorf("%q: err = %v, want line %d", c.src, err, c.line)
		}
	}
	if _, err := ParseDepsEdn([]byte("[:not :a :map]")); ErrorLine(err) != 1 {
		t.Errorf("vector deps.edn: %v", err)
	}
	deep := make([]byte, 0, 2000)
	for range 1000 {
		deep = append(deep, '[')
	}
	if _, err := ParseDepsEdn(deep); err == nil {
		t.Error("deeply nested input: no error")
	}
}

func FuzzLeinProject(f *testing.F) {
	f.Add([]byte(leinSample))
	f.Add([]byte(depsEdnSample))
	f.Add([]byte("(defproject x \"1\" :main ^:skip-aot x.core :ring {:port 3000})"))
	f.Add([]byte("#_#_ a b #?@(:clj [1]) #x/y {:a \\a}"))
	f.Add([]byte("{:aliases {:run {:main-opts [\"-m\"]}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, err := range []error{
			func() error { _, err := ParseLeinProject(data); return err }(),
			func() error { _, err := ParseDepsEdn(data); return err }(),
		} {
			if err != nil {
				var me *Error
				if !errors.As(err, &me) {
					t.Fatalf("error %T is not *Error", err)
				}
			}
		}
	})
}
