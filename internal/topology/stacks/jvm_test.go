package stacks

import (
	"slices"
	"testing"
)

const jvmTestSpringPom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.5</version>
    <relativePath/>
  </parent>
  <groupId>com.acme</groupId>
  <artifactId>orders</artifactId>
  <version>0.0.1-SNAPSHOT</version>
  <properties>
    <java.version>21</java.version>
  </properties>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><scope>runtime</scope></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-test</artifactId><scope>test</scope></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin>
    </plugins>
  </build>
</project>
`

// jvmTestWant is the part of a JVM Result a test checks; empty fields are not checked.
type jvmTestWant struct {
	nilResult      bool
	language       string
	pm             string
	framework      string
	kind           string
	target         string
	buildContext   string
	build          string
	start          string
	runtimeVersion string
	port           int
	portDefault    int
	health         string
	library        bool
	workspaceOnly  bool
	members        []string
	lockfiles      []string
	localPaths     []string
	deps           []string // must be contained
	extra          map[string]string
	minScore       float64
	maxScore       float64
	warnLine       int
}

func jvmTestCheck(t *testing.T, r *Result, w jvmTestWant) {
	t.Helper()
	if w.nilResult {
		if r != nil {
			t.Fatalf("got a result, want none: %+v", r)
		}
		return
	}
	if r == nil {
		t.Fatal("no result")
	}
	str := func(field, got, want string) {
		t.Helper()
		if want != "" && got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	str("Language", r.Language, w.language)
	str("PackageManager", r.PackageManager, w.pm)
	str("Framework", r.Framework, w.framework)
	str("Kind", r.Kind, w.kind)
	str("Target", r.Target, w.target)
	str("BuildContext", r.BuildContext, w.buildContext)
	str("Build", r.Build, w.build)
	str("Start", r.Start, w.start)
	str("RuntimeVersion", r.RuntimeVersion, w.runtimeVersion)
	str("Health", r.Health, w.health)
	if w.port != 0 && r.Port != w.port {
		t.Errorf("Port = %d, want %d", r.Port, w.port)
	}
	if w.portDefault != 0 && r.PortDefault != w.portDefault {
		t.Errorf("PortDefault = %d, want %d", r.PortDefault, w.portDefault)
	}
	if r.Library != w.library || r.WorkspaceOnly != w.workspaceOnly {
		t.Errorf("Library/WorkspaceOnly = %v/%v, want %v/%v", r.Library, r.WorkspaceOnly, w.library, w.workspaceOnly)
	}
	if w.members != nil && !slices.Equal(r.Members, w.members) {
		t.Errorf("Members = %v, want %v", r.Members, w.members)
	}
	if w.lockfiles != nil && !slices.Equal(r.Lockfiles, w.lockfiles) {
		t.Errorf("Lockfiles = %v, want %v", r.Lockfiles, w.lockfiles)
	}
	if w.localPaths != nil && !slices.Equal(r.LocalPaths, w.localPaths) {
		t.Errorf("LocalPaths = %v, want %v", r.LocalPaths, w.localPaths)
	}
	for _, d := range w.deps {
		if !slices.Contains(r.Deps, d) {
			t.Errorf("Deps = %v, want %q in them", r.Deps, d)
		}
	}
	for k, v := range w.extra {
		if r.Extra[k] != v {
			t.Errorf("Extra[%q] = %q, want %q", k, r.Extra[k], v)
		}
	}
	if w.minScore > 0 && r.Score < w.minScore {
		t.Errorf("Score = %v, want at least %v", r.Score, w.minScore)
	}
	if w.maxScore > 0 && r.Score > w.maxScore {
		t.Errorf("Score = %v, want at most %v", r.Score, w.maxScore)
	}
	if w.warnLine > 0 {
		if len(r.Warnings) == 0 || r.Warnings[0].Line != w.warnLine {
			t.Errorf("Warnings = %+v, want one on line %d", r.Warnings, w.warnLine)
		}
	} else if len(r.Warnings) > 0 {
		t.Errorf("unexpected warnings %+v", r.Warnings)
	}
	if len(r.Evidence) == 0 {
		t.Error("no evidence")
	}
}

func TestJVMMaven(t *testing.T) {
	spring := map[string]string{
		"pom.xml": jvmTestSpringPom,
		"src/main/java/com/acme/OrdersApplication.java": "package com.acme;\n",
		"src/main/resources/application.properties":     "spring.application.name=orders\nserver.port=8081\nserver.servlet.context-path=/api\n",
	}
	multi := map[string]string{
		"pom.xml": `<project><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1.0</version><packaging>pom</packaging>
<modules><module>api</module><module>core</module></modules>
<properties><maven.compiler.release>17</maven.compiler.release></properties></project>`,
		"api/pom.xml": `<project><parent><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1.0</version></parent>
<artifactId>api</artifactId>
<dependencies>
  <dependency><groupId>com.acme</groupId><artifactId>core</artifactId><version>${project.version}</version></dependency>
  <dependency><groupId>io.javalin</groupId><artifactId>javalin</artifactId><version>6.3.0</version></dependency>
</dependencies>
<build><plugins><plugin><artifactId>maven-shade-plugin</artifactId>
<configuration><transformers><transformer><mainClass>com.acme.api.Main</mainClass></transformer></transformers></configuration>
</plugin></plugins></build></project>`,
		"api/src/main/java/com/acme/api/Main.java": "",
		"core/pom.xml": `<project><parent><groupId>com.acme</groupId><artifactId>shop</artifactId><version>1.0</version></parent>
<artifactId>core</artifactId></project>`,
		"core/src/main/java/com/acme/core/Core.java": "",
	}
	cases := []struct {
		name  string
		det   Detector
		files map[string]string
		dir   string
		want  jvmTestWant
	}{
		{"spring boot", Java{}, spring, ".", jvmTestWant{language: "java", pm: "maven", framework: "spring-boot", kind: "web", target: ".",
			build: "mvn -B -DskipTests package", start: "java -jar /app/app.jar", runtimeVersion: "21", port: 8081, portDefault: 8080,
			health: "/api/actuator/health", lockfiles: []string{"pom.xml"}, deps: []string{"org.postgresql:postgresql"},
			extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "target", "port-env": "SERVER_PORT"}, minScore: 0.9}},
		{"kotlin detector leaves java alone", Kotlin{}, spring, ".", jvmTestWant{nilResult: true}},
		{"reactor root", Java{}, multi, ".", jvmTestWant{workspaceOnly: true, members: []string{"api", "core"}}},
		{"reactor module", Java{}, multi, "api", jvmTestWant{kind: "web", target: "api", buildContext: ".", build: "mvn -B -DskipTests -pl api -am package",
			portDefault: 8080, runtimeVersion: "17", lockfiles: []string{"pom.xml", "api/pom.xml", "core/pom.xml"}, deps: []string{"com.acme:core"}, localPaths: []string{"core"},
			extra: map[string]string{"jvm-layout": "jar", "artifact-dir": "api/target", "server": "javalin", "main-class": "com.acme.api.Main"}}},
		{"reactor library module", Java{}, multi, "core", jvmTestWant{library: true, runtimeVersion: "17"}},
		{"quarkus", Java{}, map[string]string{
			"pom.xml": `<project><groupId>org.acme</groupId><artifactId>greet</artifactId><version>1.0</version>
<properties><maven.compiler.release>17</maven.compiler.release></properties>
<dependencies>
 <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency>
 <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency>
</dependencies>
<build><plugins><plugin><groupId>io.quarkus.platform</groupId><artifactId>quarkus-maven-plugin</artifactId></plugin></plugins></build></project>`,
			"src/main/resources/application.properties": "quarkus.http.port=8085\n",
		}, ".", jvmTestWant{framework: "quarkus", kind: "web", port: 8085, health: "/q/health", start: "java -jar /app/quarkus-run.jar",
			extra: map[string]string{"jvm-layout": "quarkus", "artifact-dir": "target/quarkus-app", "port-env": "QUARKUS_HTTP_PORT"}}},
		{"micronaut", Java{}, map[string]string{
			"pom.xml": `<project><parent><groupId>io.micronaut.platform</groupId><artifactId>micronaut-parent</artifactId><version>4.6.3</version></parent>
<artifactId>hello</artifactId><properties><jdk.version>17</jdk.version></properties>
<dependencies><dependency><groupId>io.micronaut</groupId><artifactId>micronaut-http-server-netty</artifactId></dependency>
<dependency><groupId>io.micronaut</groupId><artifactId>micronaut-management</artifactId></dependency></dependencies></project>`,
			"src/main/resources/application.yml": "micronaut:\n  application:\n    name: hello\n  server:\n    port: 8090\n",
		}, ".", jvmTestWant{framework: "micronaut", kind: "web", port: 8090, health: "/health", runtimeVersion: "17", extra: map[string]string{"jvm-layout": "jar"}}},
		{"spring boot without a web starter is a worker", Java{}, map[string]string{
			"pom.xml": `<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.5</version></parent>
<artifactId>batch</artifactId><properties><java.version>1.8</java.version></properties>
<dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-batch</artifactId></dependency></dependencies>
<build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>`,
		}, ".", jvmTestWant{framework: "spring-boot", kind: "worker", runtimeVersion: "8"}},
		{"thin jar with exec main class", Java{}, map[string]string{
			"pom.xml": `<project><artifactId>tool</artifactId><build><plugins><plugin><artifactId>exec-maven-plugin</artifactId>
<configuration><mainClass>com.acme.Tool</mainClass></configuration></plugin></plugins></build></project>`,
			".sdkmanrc": "# sdkman\njava=21.0.2-tem\n",
		}, ".", jvmTestWant{start: "java -cp '/app/app.jar:/app/lib/*' com.acme.Tool", runtimeVersion: "21", extra: map[string]string{"jvm-layout": "classpath"}}},
		{"kotlin maven", Kotlin{}, map[string]string{
			"pom.xml":                        jvmTestSpringPom,
			"src/main/kotlin/Application.kt": "",
		}, ".", jvmTestWant{language: "kotlin", framework: "spring-boot"}},
		{"malformed pom", Java{}, map[string]string{
			"pom.xml": "<project>\n  <artifactId>x</artifactId>\n  <dependencies>\n</project>\n",
		}, ".", jvmTestWant{language: "java", library: true, warnLine: 4, maxScore: 0.35}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jvmTestCheck(t, detectIn(t, c.det, c.files, c.dir), c.want)
		})
	}
}

func TestJVMGradle(t *testing.T) {
	kotlinSpring := map[string]string{
		"settings.gradle.kts": "rootProject.name = \"orders\"\n",
		"build.gradle.kts": `plugins {
    id("org.springframework.boot") version "3.3.5"
    id("io.spring.dependency-management") version "1.1.6"
    kotlin("jvm") version "2.0.21"
    kotlin("plugin.spring") version "2.0.21"
}
java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }
dependencies {
    implementation("org.springframework.boot:spring-boot-starter-webflux")
    implementation(libs.redis)
}
`,
		"gradle/libs.versions.toml":                "[libraries]\nredis = { module = \"org.springframework.boot:spring-boot-starter-data-redis\" }\n",
		"gradlew":                                  "#!/bin/sh\n",
		"gradle/wrapper/gradle-wrapper.jar":        "",
		"gradle/wrapper/gradle-wrapper.properties": "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.10-bin.zip\n",
		"src/main/kotlin/com/acme/Application.kt":  "",
		"src/main/resources/application.yml":       "server:\n  port: ${PORT:8080}\n",
	}
	multi := map[string]string{
		"settings.gradle":                         "rootProject.name = 'shop'\ninclude 'app', 'lib'\n",
		"build.gradle":                            "plugins {\n  id 'org.springframework.boot' version '3.3.5' apply false\n}\nsubprojects {\n  apply plugin: 'java'\n}\n",
		"app/build.gradle":                        "plugins {\n  id 'application'\n}\ndependencies {\n  implementation project(':lib')\n  implementation 'io.ktor:ktor-server-netty:2.3.12'\n}\napplication {\n  mainClass = 'shop.App'\n}\njava.toolchain.languageVersion = JavaLanguageVersion.of(17)\n",
		"app/src/main/java/shop/App.java":         "",
		"lib/build.gradle":                        "plugins { id 'java-library' }\n",
		"lib/src/main/java/shop/Lib.java":         "",
		"buildSrc/build.gradle":                   "",
		"app/src/main/resources/application.conf": "ktor {\n  deployment {\n    port = 8080\n    port = ${?PORT}\n  }\n}\n",
	}
	cases := []struct {
		name  string
		det   Detector
		files map[string]string
		dir   string
		want  jvmTestWant
	}{
		{"kotlin spring boot", Kotlin{}, kotlinSpring, ".", jvmTestWant{language: "kotlin", pm: "gradle", framework: "spring-boot", kind: "web", target: ":",
			build: "./gradlew --no-daemon :bootJar -x test", runtimeVersion: "21", port: 8080, portDefault: 8080,
			deps:      []string{"org.springframework.boot:spring-boot-starter-data-redis"},
			lockfiles: []string{"settings.gradle.kts", "build.gradle.kts", "gradle/libs.versions.toml", "gradlew", "gradle/wrapper/gradle-wrapper.jar", "gradle/wrapper/gradle-wrapper.properties"},
			extra:     map[string]string{"gradle-task": "bootJar", "artifact-dir": "build/libs", "gradle-wrapper": "1", "jvm-layout": "jar"}}},
		{"java detector leaves kotlin alone", Java{}, kotlinSpring, ".", jvmTestWant{nilResult: true}},
		{"multi-project root", Java{}, multi, ".", jvmTestWant{workspaceOnly: true, members: []string{"app", "lib"}}},
		{"application subproject", Java{}, multi, "app", jvmTestWant{kind: "web", target: ":app", buildContext: ".", build: "gradle --no-daemon :app:installDist -x test",
			start: "/app/bin/start", runtimeVersion: "17", port: 8080, localPaths: []string{"lib"},
			lockfiles: []string{"settings.gradle", "build.gradle", "app/build.gradle", "lib/build.gradle"},
			extra:     map[string]string{"jvm-layout": "dist", "artifact-dir": "app/build/install", "main-class": "shop.App", "server": "ktor", "copy-dirs": "buildSrc"}}},
		{"library subproject", Java{}, multi, "lib", jvmTestWant{library: true}},
		{"quarkus gradle", Java{}, map[string]string{
			"build.gradle":  "plugins {\n  id 'java'\n  id 'io.quarkus'\n}\ndependencies {\n  implementation 'io.quarkus:quarkus-rest'\n}\n",
			".java-version": "17.0.9\n",
		}, ".", jvmTestWant{framework: "quarkus", kind: "web", runtimeVersion: "17", build: "gradle --no-daemon :quarkusBuild -x test",
			extra: map[string]string{"jvm-layout": "quarkus", "artifact-dir": "build/quarkus-app"}}},
		{"plain java library", Java{}, map[string]string{"build.gradle": "plugins { id 'java' }\n"}, ".", jvmTestWant{library: true}},
		{"malformed script keeps what it read", Java{}, map[string]string{
			"build.gradle": "plugins {\n  id 'org.springframework.boot' version '3.3.5'\n}\ndependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-web'\n",
		}, ".", jvmTestWant{framework: "spring-boot", kind: "web", warnLine: 4, maxScore: 0.7}},
		{"project without script", Java{}, map[string]string{
			"settings.gradle": "include 'svc'\n", "build.gradle": "subprojects { apply plugin: 'application' }\n",
			"svc/src/main/java/A.java": "",
		}, "svc", jvmTestWant{target: ":svc", buildContext: ".", extra: map[string]string{"jvm-layout": "dist"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jvmTestCheck(t, detectIn(t, c.det, c.files, c.dir), c.want)
		})
	}
}

func TestJVMScala(t *testing.T) {
	multi := map[string]string{
		"build.sbt": `ThisBuild / scalaVersion := "3.3.4"
lazy val root = (project in file(".")).aggregate(core, api)
lazy val core = project.in(file("modules/core"))
lazy val api = (project in file("modules/api"))
  .dependsOn(core)
  .enablePlugins(JavaAppPackaging)
  .settings(
    libraryDependencies += "org.http4s" %% "http4s-ember-server" % "0.23.29",
    Compile / mainClass := Some("acme.Main")
  )
`,
		"project/plugins.sbt":                    "addSbtPlugin(\"com.github.sbt\" % \"sbt-native-packager\" % \"1.10.4\")\n",
		"project/build.properties":               "sbt.version=1.10.5\n",
		"modules/api/src/main/scala/Main.scala":  "",
		"modules/core/src/main/scala/Core.scala": "",
	}
	cases := []struct {
		name  string
		files map[string]string
		dir   string
		want  jvmTestWant
	}{
		{"multi-project root", multi, ".", jvmTestWant{language: "scala", pm: "sbt", workspaceOnly: true, members: []string{"modules/core", "modules/api"}}},
		{"project defined above", multi, "modules/api", jvmTestWant{kind: "web", target: "api", buildContext: ".", build: "sbt api/stage", start: "/app/bin/start",
			localPaths: []string{"modules/core"}, lockfiles: []string{"build.sbt", "project/build.properties", "project/plugins.sbt"},
			extra: map[string]string{"jvm-layout": "dist", "artifact-dir": "modules/api/target/universal/stage", "scala-version": "3.3.4",
				"sbt-version": "1.10.5", "server": "http4s", "main-class": "acme.Main", "copy-dirs": "project"}}},
		{"project without packaging plugin", map[string]string{
			"build.sbt":                 "name := \"svc\"\nscalaVersion := \"2.13.15\"\nlibraryDependencies += \"com.typesafe.akka\" %% \"akka-http\" % \"10.5.3\"\n",
			"src/main/scala/Main.scala": "",
		}, ".", jvmTestWant{kind: "web", target: "", build: "sbt stage", extra: map[string]string{"sbt-add-packager": "1", "sbt-task": "stage", "artifact-dir": "target/universal/stage"}}},
		{"play", map[string]string{
			"build.sbt":                            "lazy val root = (project in file(\".\")).enablePlugins(PlayScala)\n",
			"project/plugins.sbt":                  "addSbtPlugin(\"org.playframework\" % \"sbt-plugin\" % \"3.0.5\")\n",
			"app/controllers/HomeController.scala": "",
			"conf/application.conf":                "",
		}, ".", jvmTestWant{kind: "web", portDefault: 9000, extra: map[string]string{"server": "play", "sbt-task": "stage", "port-env": "PLAY_HTTP_PORT"}}},
		{"assembly", map[string]string{
			"build.sbt": "name := \"job\"\n", "project/plugins.sbt": "addSbtPlugin(\"com.eed3si9n\" % \"sbt-assembly\" % \"2.3.0\")\n",
			"src/main/scala/Job.scala": "",
		}, ".", jvmTestWant{start: "java -jar /app/app.jar", extra: map[string]string{"sbt-task": "assembly", "jvm-layout": "jar"}}},
		{"malformed build.sbt", map[string]string{"build.sbt": "name := \"x\n", "src/main/scala/A.scala": ""}, ".", jvmTestWant{warnLine: 1, maxScore: 0.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jvmTestCheck(t, detectIn(t, Scala{}, c.files, c.dir), c.want)
		})
	}
}

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

func TestJVMJavaVersionNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"1.8": "8", "17": "17", "21.0.2-tem": "21", "temurin-21.0.1+12": "21", "openjdk-11": "11", "${java.version}": "", "lts": "",
	} {
		if got := jvmNormalizeJava(in); got != want {
			t.Errorf("jvmNormalizeJava(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzJVMDetectors feeds one content to every manifest the Go, Rust, JVM
// and .NET detectors read, in a root and a member folder: whatever the
// content, a detector returns without panicking.
func FuzzJVMDetectors(f *testing.F) {
	f.Add([]byte(jvmTestSpringPom))
	f.Add([]byte("module x\nrequire (\n"))
	f.Add([]byte("[workspace]\nmembers = [\"*\"]\n[package]\nname = \"a\"\n[[bin]]\n"))
	f.Add([]byte("include ':', '::', ':a:'\nplugins { id 'application' }\n"))
	f.Add([]byte("lazy val a = project.in(file(\"..\"))\n"))
	f.Add([]byte("(defproject x \"1\" :main ^:skip-aot x :ring {:handler h :port 99999})"))
	f.Add([]byte("<Project Sdk=\"Microsoft.NET.Sdk.Web\"><ItemGroup><ProjectReference Include=\"..\\..\\..\\x.csproj\"/></ItemGroup></Project>"))
	names := []string{
		"go.mod", "go.work", "Cargo.toml", "Cargo.lock", "rust-toolchain", "Rocket.toml", "pom.xml", "build.gradle",
		"build.gradle.kts", "settings.gradle", "gradle/libs.versions.toml", "build.sbt", "project/plugins.sbt",
		"project.clj", "deps.edn", "App.csproj", "App.sln", "global.json", "appsettings.json",
		"Directory.Build.props", "src/main/resources/application.yml", "src/main/resources/application.conf",
		"main.go", "src/main.rs",
	}
	dets := []Detector{Go{}, Rust{}, Java{}, Kotlin{}, Scala{}, Clojure{}, DotNet{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string]string{}
		for _, n := range names {
			files[n] = string(data)
			files["m/"+n] = string(data)
		}
		for _, d := range dets {
			for _, dir := range []string{".", "m"} {
				if r := detectIn(t, d, files, dir); r != nil && (r.Score < 0 || r.Score > 1) {
					t.Errorf("%s on %s: score %v", d.Name(), dir, r.Score)
				}
			}
		}
	})
}
