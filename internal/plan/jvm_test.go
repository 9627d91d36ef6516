package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

func TestJVMGolden(t *testing.T) {
	compiledGolden(t, map[string]*topology.Service{
		"java-spring-maven": {
			Name: "orders", Path: ".", Kind: topology.KindWeb, Language: "java", Framework: "spring-boot", PackageManager: "maven",
			RuntimeVersion: "21", Port: 8081, StartCommand: "java -jar /app/app.jar",
			HealthCheck: &topology.HealthCheck{Path: "/actuator/health"},
			Build: topology.BuildHints{Target: ".", Lockfiles: []string{"pom.xml"},
				Extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "target", "port-env": "SERVER_PORT"}},
		},
		"java-maven-module": {
			Name: "api", Path: "api", BuildContext: ".", Kind: topology.KindWeb, Language: "java", PackageManager: "maven",
			RuntimeVersion: "17", Port: 8080, StartCommand: "java -jar /app/app.jar",
			Build: topology.BuildHints{Target: "api", Lockfiles: []string{"pom.xml", "api/pom.xml", "core/pom.xml"},
				Extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "api/target", "server": "javalin", "main-class": "com.acme.api.Main"}},
		},
		"java-quarkus-maven": {
			Name: "greet", Path: ".", Kind: topology.KindWeb, Language: "java", Framework: "quarkus", PackageManager: "maven",
			RuntimeVersion: "17", Port: 8080, StartCommand: "java -jar /app/quarkus-run.jar",
			HealthCheck: &topology.HealthCheck{Path: "/q/health"},
			Build: topology.BuildHints{Target: ".", Lockfiles: []string{"pom.xml"},
				Extra: map[string]string{"jvm-layout": "quarkus", "artifact-dir": "target/quarkus-app", "port-env": "QUARKUS_HTTP_PORT"}},
		},
		"kotlin-spring-gradle": {
			Name: "orders", Path: ".", Kind: topology.KindWeb, Language: "kotlin", Framework: "spring-boot", PackageManager: "gradle",
			RuntimeVersion: "21", Port: 8080, StartCommand: "java -jar /app/app.jar",
			Build: topology.BuildHints{Target: ":",
				Lockfiles: []string{"settings.gradle.kts", "build.gradle.kts", "gradle/libs.versions.toml", "gradlew",
					"gradle/wrapper/gradle-wrapper.jar", "gradle/wrapper/gradle-wrapper.properties"},
				Extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "build/libs", "gradle-task": "bootJar",
					"gradle-wrapper": "1", "port-env": "SERVER_PORT"}},
		},
		"java-gradle-dist": {
			Name: "app", Path: "app", BuildContext: ".", Kind: topology.KindWorker, Language: "java", PackageManager: "gradle",
			RuntimeVersion: "17", StartCommand: "/app/bin/start",
			Build: topology.BuildHints{Target: ":app",
				Lockfiles: []string{"settings.gradle", "build.gradle", "app/build.gradle", "lib/build.gradle"},
				Extra: map[string]string{"jvm-layout": "dist", "artifact-dir": "app/build/install", "gradle-task": "installDist",
					"main-class": "shop.App", "copy-dirs": "buildSrc"}},
		},
		"scala-sbt": {
			Name: "api", Path: "modules/api", BuildContext: ".", Kind: topology.KindWeb, Language: "scala", PackageManager: "sbt",
			Port: 8080, StartCommand: "/app/bin/start",
			Build: topology.BuildHints{Target: "api", Lockfiles: []string{"build.sbt", "project/build.properties", "project/plugins.sbt"},
				Extra: map[string]string{"jvm-layout": "dist", "artifact-dir": "modules/api/target/universal/stage", "sbt-task": "stage",
					"copy-dirs": "project", "scala-version": "3.3.4", "server": "http4s"}},
		},
		"scala-play-added-packager": {
			Name: "site", Path: ".", Kind: topology.KindWeb, Language: "scala", PackageManager: "sbt", Port: 9000,
			StartCommand: "/app/bin/start",
			Build: topology.BuildHints{Target: "", Lockfiles: []string{"build.sbt"},
				Extra: map[string]string{"jvm-layout": "dist", "artifact-dir": "target/universal/stage", "sbt-task": "stage",
					"sbt-add-packager": "1", "server": "play", "port-env": "PLAY_HTTP_PORT"}},
		},
		"clojure-lein-ring": {
			Name: "shop", Path: ".", Kind: topology.KindWeb, Language: "clojure", Framework: "ring", PackageManager: "lein",
			RuntimeVersion: "17", Port: 3000, StartCommand: "java -jar /app/app.jar",
			Build: topology.BuildHints{Lockfiles: []string{"project.clj"},
				Extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "target", "lein-task": "ring uberjar"}},
		},
		"clojure-deps-main": {
			Name: "api", Path: ".", Kind: topology.KindWeb, Language: "clojure", PackageManager: "clojure", Port: 8090,
			StartCommand: "java @/app/java.args",
			Build: topology.BuildHints{Lockfiles: []string{"deps.edn"},
				Extra: map[string]string{"jvm-layout": "clj-main", "clj-alias": ":run", "main-ns": "acme.main", "server": "http-kit"}},
		},
	})
}

func TestJVMPlanRules(t *testing.T) {
	s := &topology.Service{Name: "x", Path: ".", Kind: topology.KindWeb, Language: "java", PackageManager: "maven",
		RuntimeVersion: "17", Port: 8080, HealthCheck: &topology.HealthCheck{Path: "/actuator/health"},
		Build: topology.BuildHints{Target: ".", Lockfiles: []string{"pom.xml"},
			Extra: map[string]string{"jvm-layout": "classpath", "main-class": "com.acme.Main", "artifact-dir": "target"}}}
	got, err := Generate(s, DefaultImages().With(map[string]string{
		"maven": "registry.local/maven:{version:21}", "java-runtime": "registry.local/jre:{version:21}",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"FROM registry.local/maven:17 AS build", "FROM registry.local/jre:17",
		`CMD ["java", "-cp", "/app/app.jar:/app/lib/*", "com.acme.Main"]`,
		"dependency:copy-dependencies", `COPY --from=build ["/out/lib/", "/app/lib/"]`,
		"HEALTHCHECK", "http://127.0.0.1:8080/actuator/health",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	bad := []func(*topology.Service){
		func(s *topology.Service) { s.Build.Extra["artifact-dir"] = "../../etc" },
		func(s *topology.Service) { s.Build.Target = "-Dexec=evil" },
		func(s *topology.Service) {
			s.PackageManager = "gradle"
			s.Build.Extra["gradle-task"] = "clean; rm -rf /"
		},
		func(s *topology.Service) {
			s.PackageManager = "gradle"
			s.Build.Extra["gradle-task"] = "bootJar"
			s.Build.Target = ":a b"
		},
		func(s *topology.Service) { s.PackageManager = "sbt"; s.Build.Extra["sbt-task"] = "run" },
		func(s *topology.Service) {
			s.PackageManager = "clojure"
			s.Build.Extra["jvm-layout"] = "clj-main"
			s.Build.Extra["clj-alias"] = ":run;x"
		},
		func(s *topology.Service) { s.PackageManager = "ant" },
	}
	for i, f := range bad {
		c := *s
		c.Build.Extra = map[string]string{"jvm-layout": "jar", "artifact-dir": "target"}
		c.Build.Target = "."
		f(&c)
		if _, err := Generate(&c, DefaultImages()); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}
