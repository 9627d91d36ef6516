// Gradle builds: the settings file a project belongs to, its plugins and
// dependencies (through the version catalog), and the task that makes a
// runnable product.

package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

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
		b.catalog = gradleCatalog(c, r, d.Path)
		return b, project
	}
	return &gradleBuild{dir: c.Dir.Path, catalog: gradleCatalog(c, r, c.Dir.Path)}, ":"
}

// gradleCatalog reads the version catalog (gradle/libs.versions.toml) of
// the build in dir, or returns nil; a malformed one is warned about only
// when the build is the folder's own.
func gradleCatalog(c *Context, r *Result, dir string) *manifest.VersionCatalog {
	p := tree.Join(dir, "gradle/libs.versions.toml")
	data, err := c.ReadPath(p)
	if err != nil {
		return nil
	}
	vc, err := manifest.ParseVersionCatalog(data)
	if err != nil && r != nil && dir == c.Dir.Path {
		r.WarnParse(p, err)
	}
	return vc
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
			if j, ok := goJoin(b.dir, b.settings.Dir(d.Project)); ok {
				r.LocalPaths = jvmAppendMissing(r.LocalPaths, j)
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
		return jvmNotRunnable(c, r, g.JavaVersion, file)
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
	r.Score = jvmRunnableScore(r, 0.8)
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
