// sbt builds: which project of a build.sbt a folder is, the build's
// plugins, and whether the project is staged (sbt-native-packager) or
// assembled (sbt-assembly).

package stacks

import (
	"path"
	"slices"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

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
				if j, ok := goJoin(rootDir, p.Dir); ok {
					r.LocalPaths = jvmAppendMissing(r.LocalPaths, j)
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
		return jvmNotRunnable(c, r, "", buildFile)
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
	r.Score = jvmRunnableScore(r, 0.7)
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
