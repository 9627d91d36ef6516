// The JVM family: the four detectors (Java, Kotlin, Scala, Clojure), which
// build tool a folder uses, and what every build tool's analysis shares:
// the source language, the Java version and how the product is started.

package stacks

import (
	"bufio"
	"bytes"
	"slices"
	"strings"
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

// jvmAppendMissing appends v to s unless s holds it already.
func jvmAppendMissing(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
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

// jvmNotRunnable finishes the analysis of a build with nothing to run (a
// library, a multi-project root): the Java version it builds with, and a
// middling score.
func jvmNotRunnable(c *Context, r *Result, fromBuild, buildFile string) *Result {
	jvmJavaVersion(c, r, fromBuild, buildFile)
	r.Score = parseWarnedScore(r, 0.5)
	return r
}

// jvmRunnableScore scores a build with a runnable product: 0.9 when it
// serves HTTP, framework when it names an application framework (Maven and
// Gradle builds rate that higher than a plain main class; sbt and Clojure
// do not), 0.7 otherwise; parse warnings lower it.
func jvmRunnableScore(r *Result, framework float64) float64 {
	score := 0.7
	switch {
	case r.Kind == "web":
		score = 0.9
	case r.Framework != "":
		score = framework
	}
	return parseWarnedScore(r, score)
}
