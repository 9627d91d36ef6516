package plan

import (
	"fmt"
	"strings"
)

// jvmImages are the default base images of the family. The build images
// are keyed on the Java feature release; sbt's official images pin a JDK,
// sbt and Scala release in one tag, so "sbt" has no version placeholder
// (the sbt launcher fetches the project's own sbt and Scala anyway).
var jvmImages = Images{
	"maven":        "maven:3-eclipse-temurin-{version:21}",
	"gradle":       "gradle:8-jdk{version:21}",
	"sbt":          "sbtscala/scala-sbt:eclipse-temurin-21.0.5_11_1.10.7_3.6.2",
	"lein":         "clojure:temurin-{version:21}-lein",
	"clojure":      "clojure:temurin-{version:21}-tools-deps",
	"java-runtime": "eclipse-temurin:{version:21}-jre",
}

// jvmHeap lets the JVM use most of the container's memory limit instead
// of its default quarter.
const jvmHeap = "-XX:MaxRAMPercentage=75.0"

// jvmPickJar copies the runnable jar of the first folder ($@) that has one
// to /out/app.jar: a fat jar by its usual suffix first, else the one jar
// that is not a sources, javadoc, tests, plain or original-* jar.
const jvmPickJar = `set -e; mkdir -p /out; jar=""; for d in "$@"; do [ -d "$d" ] || continue; ` +
	`jar=$(ls -1 "$d"/*-jar-with-dependencies.jar "$d"/*-all.jar "$d"/*-standalone.jar "$d"/*-assembly*.jar "$d"/scala-*/*-assembly*.jar 2>/dev/null | head -n 1); ` +
	`[ -n "$jar" ] || jar=$(ls -1 "$d"/*.jar "$d"/*.war 2>/dev/null | grep -v -E '/original-[^/]*$|-(sources|javadoc|tests|plain)\.jar$' | head -n 1); ` +
	`[ -z "$jar" ] || break; done; [ -n "$jar" ] || { echo "kyozo: no runnable jar in $*" >&2; exit 1; }; cp "$jar" /out/app.jar`

// jvmPickFile copies the first of the files ($@) that exists to /out/app.jar.
const jvmPickFile = `set -e; mkdir -p /out; for f in "$@"; do if [ -f "$f" ]; then cp "$f" /out/app.jar; exit 0; fi; done; echo "kyozo: none of $* was built" >&2; exit 1`

// jvmPickDist copies a distribution folder ($1 itself when it holds bin/,
// else its one sub-folder, as Gradle's build/install/<name>) to /out/app
// and links its launcher to bin/start.
const jvmPickDist = `set -e; d="$1"; [ -d "$d/bin" ] || d=$(ls -d "$1"/*/ | head -n 1); ` +
	`mkdir -p /out; cp -r "$d" /out/app; cd /out/app/bin; s=$(ls | grep -v -E '\.bat$' | head -n 1); ` +
	`[ -n "$s" ] || { echo "kyozo: no launcher in $d/bin" >&2; exit 1; }; ln -sf "$s" start`

func genJava(g *Gen) error { return genJVM(g) }

func genKotlin(g *Gen) error { return genJVM(g) }

func genScala(g *Gen) error { return genJVM(g) }

func genClojure(g *Gen) error { return genJVM(g) }

// genJVM builds with the project's build tool in its official image, then
// runs the product on a Temurin JRE: a runnable jar, Quarkus' fast-jar
// folder, a distribution folder (bin/ + lib/) or a classpath.
//
// Extra (stacks JVM detectors): "jvm-layout", "artifact-dir", "main-class",
// "gradle-task", "gradle-wrapper", "copy-dirs", "sbt-task",
// "sbt-add-packager", "lein-task", "uberjar-name", "clj-alias", "main-ns",
// "server", "port-env".
func genJVM(g *Gen) error {
	s := g.S
	layout := g.Extra("jvm-layout")
	art := g.Extra("artifact-dir")
	if art == "" {
		art = "target"
	}
	if !compiledRelDir(art) {
		return fmt.Errorf("artifact folder %q is not a relative path", art)
	}
	var err error
	switch s.PackageManager {
	case "maven":
		err = jvmMaven(g, layout, art)
	case "gradle":
		err = jvmGradle(g, layout, art)
	case "sbt":
		err = jvmSbt(g, layout, art)
	case "lein":
		err = jvmLein(g)
	case "clojure":
		if layout == "clj-main" {
			return jvmCljMain(g)
		}
		err = jvmCljBuild(g)
	default:
		return fmt.Errorf("%w: %s builds with %q", ErrNoGenerator, s.Language, s.PackageManager)
	}
	if err != nil {
		return err
	}
	g.D.Blank()
	g.D.From(g.Image("java-runtime", 1), "")
	g.D.Workdir("/app")
	switch layout {
	case "quarkus":
		g.D.Copy("build", "", "/app/", "/src/"+art+"/")
	case "dist":
		g.D.Copy("build", "", "/app/", "/out/app/")
	case "classpath":
		g.D.Copy("build", "", "/app/app.jar", "/out/app.jar")
		g.D.Copy("build", "", "/app/lib/", "/out/lib/")
	default:
		g.D.Copy("build", "", "/app/app.jar", "/out/app.jar")
	}
	jvmRuntimeEnv(g)
	g.Finish("", jvmArgv(g, layout))
	return nil
}

// jvmRuntimeEnv sets the JVM's options and the framework's port variable.
func jvmRuntimeEnv(g *Gen) {
	opts := jvmHeap
	if g.Extra("server") == "play" {
		// Play writes a RUNNING_PID file into its folder, which the
		// unprivileged user cannot write.
		opts += " -Dplay.server.pidfile.path=/dev/null"
	}
	g.D.Env("JAVA_TOOL_OPTIONS", opts)
	compiledPortEnv(g, g.Extra("port-env"))
}

// jvmArgv is the start command, or the layout's own when there is none.
func jvmArgv(g *Gen, layout string) []string {
	if argv := g.StartArgv(); len(argv) > 0 {
		return argv
	}
	switch layout {
	case "quarkus":
		return []string{"java", "-jar", "/app/quarkus-run.jar"}
	case "dist":
		return []string{"/app/bin/start"}
	case "classpath":
		return []string{"java", "-cp", "/app/app.jar:/app/lib/*", g.Extra("main-class")}
	case "clj-main":
		return []string{"java", "@/app/java.args"}
	}
	return []string{"java", "-jar", "/app/app.jar"}
}

// jvmMaven builds with Maven: the poms first and dependency:go-offline for
// the cache, then the package goal, for one module of a reactor with -pl.
func jvmMaven(g *Gen, layout, art string) error {
	s := g.S
	module := s.Build.Target
	if module == "" {
		module = "."
	}
	if !compiledRelDir(module) {
		return fmt.Errorf("maven module %q is not a relative path", module)
	}
	g.D.From(g.Image("maven", 1), "build")
	g.D.Workdir("/src")
	compiledCopyManifests(g, s.Build.Lockfiles)
	// go-offline cannot resolve a reactor's own modules before they are
	// built; what it did fetch still caches.
	g.D.Run("mvn -B -q dependency:go-offline || true")
	g.D.Copy("", "", "./", ".")
	args := []string{"mvn", "-B", "-DskipTests"}
	if module != "." {
		args = append(args, "-pl", module, "-am")
	}
	args = append(args, "package")
	if layout == "classpath" {
		args = append(args, "dependency:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=target/lib")
	}
	g.D.RunArgv(args...)
	switch layout {
	case "quarkus":
	case "classpath":
		g.D.RunArgv("sh", "-c", jvmPickJar, "pick-jar", art)
		g.D.RunArgv("cp", "-r", art+"/lib", "/out/lib")
	default:
		g.D.RunArgv("sh", "-c", jvmPickJar, "pick-jar", art)
	}
	return nil
}

// jvmGradle builds with Gradle (the project's wrapper when committed): the
// scripts and build logic first with a dependency resolution for the
// cache, then the task that makes the product.
func jvmGradle(g *Gen, layout, art string) error {
	s := g.S
	project := s.Build.Target
	if project == "" {
		project = ":"
	}
	if !jvmGradlePath(project) {
		return fmt.Errorf("gradle project path %q is not valid", project)
	}
	task := g.Extra("gradle-task")
	switch task {
	case "bootJar", "shadowJar", "installDist", "quarkusBuild", "buildFatJar", "build", "assemble":
	default:
		return fmt.Errorf("gradle task %q is not one Kyozo runs", task)
	}
	prefix := project
	if prefix != ":" {
		prefix += ":"
	}
	gradle := "gradle"
	g.D.From(g.Image("gradle", 1), "build")
	g.D.Workdir("/src")
	jvmCopyBuildFiles(g)
	if g.Extra("gradle-wrapper") == "1" {
		gradle = "./gradlew"
		g.D.Run("chmod +x gradlew")
	}
	g.D.RunArgv("sh", "-c", `"$1" --no-daemon -q "$2" > /dev/null || true`, "deps", gradle, prefix+"dependencies")
	g.D.Copy("", "", "./", ".")
	if gradle == "./gradlew" {
		g.D.Run("chmod +x gradlew")
	}
	g.D.RunArgv(gradle, "--no-daemon", prefix+task, "-x", "test")
	switch layout {
	case "quarkus":
	case "dist":
		g.D.RunArgv("sh", "-c", jvmPickDist, "pick-dist", art)
	default:
		g.D.RunArgv("sh", "-c", jvmPickJar, "pick-jar", art)
	}
	return nil
}

// jvmCopyBuildFiles copies what a Gradle or sbt build needs to resolve its
// dependencies: its scripts, settings and lockfiles, and, whole, the
// build-logic folders the detector listed in "copy-dirs" (buildSrc,
// build-logic, sbt's project/).
func jvmCopyBuildFiles(g *Gen) {
	dirs := g.Extra("copy-dirs")
	compiledCopyManifests(g, g.S.Build.Lockfiles, strings.Split(dirs, "\n")...)
	compiledCopyDirs(g, dirs)
}

// jvmGradlePath accepts ":" and ":app:api".
func jvmGradlePath(p string) bool {
	if p == ":" {
		return true
	}
	if !strings.HasPrefix(p, ":") || strings.HasSuffix(p, ":") {
		return false
	}
	for _, seg := range strings.Split(p[1:], ":") {
		if !compiledSafeName(seg) {
			return false
		}
	}
	return true
}

// jvmSbtPackager is the sbt-native-packager release added to builds that
// have no packaging plugin, so `sbt stage` exists.
const jvmSbtPackager = `mkdir -p project && echo 'addSbtPlugin("com.github.sbt" % "sbt-native-packager" % "1.10.4")' > project/zz-kyozo-packager.sbt`

// jvmSbt builds with sbt: build definition first with `sbt update`, then
// stage (sbt-native-packager) or assembly.
func jvmSbt(g *Gen, layout, art string) error {
	s := g.S
	id := s.Build.Target
	if id != "" && !compiledSafeName(id) {
		return fmt.Errorf("sbt project %q is not a plain name", id)
	}
	task := g.Extra("sbt-task")
	if task != "stage" && task != "assembly" {
		return fmt.Errorf("sbt task %q is not one Kyozo runs", task)
	}
	if id != "" {
		task = id + "/" + task
	}
	g.D.From(g.Image("sbt", 0), "build")
	g.D.Workdir("/src")
	jvmCopyBuildFiles(g)
	add := g.Extra("sbt-add-packager") == "1"
	if add {
		// Separate files: the sources copied later cannot overwrite them.
		g.D.Run(jvmSbtPackager)
	}
	g.D.Run("sbt -batch update || true")
	g.D.Copy("", "", "./", ".")
	if add {
		dir := g.Rel(s.Path)
		if !compiledRelDir(dir) {
			return fmt.Errorf("sbt project folder %q is not a relative path", dir)
		}
		g.D.RunArgv("sh", "-c", `echo 'enablePlugins(JavaAppPackaging)' > "$1/zz-kyozo-packager.sbt"`, "enable", dir)
	}
	g.D.RunArgv("sbt", "-batch", task)
	if layout == "dist" {
		g.D.RunArgv("sh", "-c", jvmPickDist, "pick-dist", art)
	} else {
		g.D.RunArgv("sh", "-c", jvmPickJar, "pick-jar", art)
	}
	return nil
}

// jvmLein builds an uberjar with Leiningen (with lein-ring for a ring app
// without :main).
func jvmLein(g *Gen) error {
	s := g.S
	task := []string{"lein", "uberjar"}
	if g.Extra("lein-task") == "ring uberjar" {
		task = []string{"lein", "ring", "uberjar"}
	}
	g.D.From(g.Image("lein", 1), "build")
	g.D.Workdir("/src")
	compiledCopyManifests(g, s.Build.Lockfiles)
	g.D.Run("lein deps")
	g.D.Copy("", "", "./", ".")
	g.D.RunArgv(task...)
	if name := g.Extra("uberjar-name"); compiledSafeName(name) {
		g.D.RunArgv("sh", "-c", jvmPickFile, "pick-jar", "target/uberjar/"+name, "target/"+name)
	} else {
		g.D.RunArgv("sh", "-c", jvmPickJar, "pick-jar", "target/uberjar", "target")
	}
	return nil
}

// jvmCljBuild builds an uberjar with the project's tools.build alias.
func jvmCljBuild(g *Gen) error {
	s := g.S
	alias := g.Extra("clj-alias")
	if !jvmCljAlias(alias) {
		return fmt.Errorf("clojure alias %q is not a plain keyword", alias)
	}
	g.D.From(g.Image("clojure", 1), "build")
	g.D.Workdir("/src")
	compiledCopyManifests(g, s.Build.Lockfiles)
	g.D.Run("clojure -P")
	g.D.Copy("", "", "./", ".")
	g.D.RunArgv("clojure", "-T"+alias, "uber")
	g.D.RunArgv("sh", "-c", jvmPickJar, "pick-jar", "target")
	return nil
}

// jvmCljArgs writes the JVM's argument file: the classpath the Clojure CLI
// computes for the alias ($1), then clojure.main -m with the namespace ($2).
const jvmCljArgs = `cp=$(clojure -Sdeps '{:mvn/local-repo "/app/.m2"}' -Spath "-M$1") && printf '%s\n' -cp "\"$cp\"" clojure.main -m "$2" > /app/java.args`

// jvmCljMain runs a Clojure CLI project without an uberjar: the alias's
// classpath, resolved at build time into /app (dependencies in /app/.m2,
// git libraries in /app/.gitlibs), becomes a java @argfile, so the runtime
// image needs only a JRE.
func jvmCljMain(g *Gen) error {
	s := g.S
	alias, ns := g.Extra("clj-alias"), g.Extra("main-ns")
	if !jvmCljAlias(alias) || !jvmCljSymbol(ns) {
		return fmt.Errorf("clojure alias %q or namespace %q is not plain", alias, ns)
	}
	g.D.From(g.Image("clojure", 1), "build")
	g.D.Workdir("/app")
	g.D.Env("GITLIBS", "/app/.gitlibs")
	compiledCopyManifests(g, s.Build.Lockfiles)
	g.D.RunArgv("clojure", "-Sdeps", `{:mvn/local-repo "/app/.m2"}`, "-P", "-M"+alias)
	g.D.Copy("", "", "./", ".")
	g.D.RunArgv("sh", "-c", jvmCljArgs, "args", alias, ns)
	g.D.Blank()
	g.D.From(g.Image("java-runtime", 1), "")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/", "/app/")
	jvmRuntimeEnv(g)
	g.Finish("", jvmArgv(g, "clj-main"))
	return nil
}

func jvmCljAlias(a string) bool {
	return strings.HasPrefix(a, ":") && jvmCljSymbol(a[1:])
}

func jvmCljSymbol(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-_*+!?/", c)) {
			return false
		}
	}
	return true
}
