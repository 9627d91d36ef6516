// Tests of the sbt analysis: multi-project builds, projects defined from
// above, Play, sbt-assembly, a build without packaging plugin.

package stacks

import "testing"

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
