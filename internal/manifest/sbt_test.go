package manifest

import (
	"errors"
	"slices"
	"testing"
)

const sbtMultiSample = `ThisBuild / scalaVersion := "3.3.4"
ThisBuild / organization := "com.acme"

val http4sVersion = "0.23.29"

lazy val root = (project in file("."))
  .aggregate(core, api)
  .settings(name := "shop")

lazy val core = project
  .in(file("modules/core"))
  .settings(
    libraryDependencies ++= Seq(
      "org.typelevel" %% "cats-effect" % "3.5.5",
      "org.tpolecat" %% "doobie-postgres" % "1.0.0-RC5",
      "org.scalameta" %% "munit" % "1.0.2" % Test,
    )
  )

lazy val api = (project in file("modules/api"))
  .dependsOn(core)
  .enablePlugins(JavaAppPackaging, DockerPlugin)
  .settings(
    name := "shop-api",
    libraryDependencies += "org.http4s" %% "http4s-ember-server" % http4sVersion,
    Compile / mainClass := Some("com.acme.api.Main")
  )
`

func TestSbtMulti(t *testing.T) {
	b, err := ParseSbt([]byte(sbtMultiSample))
	if err != nil {
		t.Fatal(err)
	}
	if b.ScalaVersion != "3.3.4" || b.Root.ID != "root" || b.Root.Name != "shop" || !slices.Equal(b.Root.Aggregate, []string{"core", "api"}) {
		t.Errorf("root = %+v, scala %q", b.Root, b.ScalaVersion)
	}
	if len(b.Projects) != 2 {
		t.Fatalf("projects = %+v", b.Projects)
	}
	core, api := b.Projects[0], b.Projects[1]
	if core.ID != "core" || core.Dir != "modules/core" || !slices.Equal(core.Deps, []string{"org.typelevel:cats-effect", "org.tpolecat:doobie-postgres"}) {
		t.Errorf("core = %+v", core)
	}
	if api.Dir != "modules/api" || api.Name != "shop-api" || api.MainClass != "com.acme.api.Main" ||
		!slices.Equal(api.Plugins, []string{"JavaAppPackaging", "DockerPlugin"}) || !slices.Equal(api.DependsOn, []string{"core"}) ||
		!slices.Equal(api.Deps, []string{"org.http4s:http4s-ember-server"}) {
		t.Errorf("api = %+v", api)
	}
}

func TestSbtSingle(t *testing.T) {
	b, err := ParseSbt([]byte(`name := "hello"
version := "0.1.0"
scalaVersion := "2.13.15"

libraryDependencies ++= Seq(
  "com.typesafe.akka" %% "akka-http" % "10.5.3",
  "org.scalatest" %% "scalatest" % "3.2.19" % "test"
)
enablePlugins(JavaAppPackaging)
mainClass in Compile := Some("hello.Main")
`))
	if err != nil {
		t.Fatal(err)
	}
	if b.Root.Name != "hello" || b.ScalaVersion != "2.13.15" || b.Root.MainClass != "hello.Main" ||
		!slices.Equal(b.Root.Deps, []string{"com.typesafe.akka:akka-http"}) || !slices.Equal(b.Root.Plugins, []string{"JavaAppPackaging"}) {
		t.Errorf("root = %+v", b.Root)
	}
}

func TestSbtPluginsAndProperties(t *testing.T) {
	ps, err := ParseSbtPlugins([]byte(`addSbtPlugin("com.github.sbt" % "sbt-native-packager" % "1.10.4")
addSbtPlugin("org.playframework" % "sbt-plugin" % "3.0.5")
// addSbtPlugin("com.eed3si9n" % "sbt-assembly" % "2.3.0")
`))
	if err != nil || !slices.Equal(ps, []string{"com.github.sbt:sbt-native-packager", "org.playframework:sbt-plugin"}) {
		t.Errorf("plugins = %v, %v", ps, err)
	}
	if v := SbtVersion([]byte("# comment\nsbt.version = 1.10.5\n")); v != "1.10.5" {
		t.Errorf("sbt.version = %q", v)
	}
}

func TestSbtMalformed(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
	}{
		{"name := \"x\n", 1},
		{"lazy val a = project.settings(\n  name := \"a\"\n\n", 1},
		{"name := \"x\"\n)\n", 2},
		{"val s = \"\"\"never\nclosed\n", 1},
	} {
		_, err := ParseSbt([]byte(c.src))
		var me *Error
		if !errors.As(err, &me) || me.Line != c.line {
			t.Errorf("%q: err = %v, want line %d", c.src, err, c.line)
		}
	}
	// Scala symbols and char literals are not strings.
	if _, err := ParseSbt([]byte("val c = 'x'\nval s = 'sym\nname := \"ok\"\n")); err != nil {
		t.Errorf("symbols: %v", err)
	}
}

func FuzzSbt(f *testing.F) {
	f.Add([]byte(sbtMultiSample))
	f.Add([]byte("addSbtPlugin(\"a\" % \"b\" % \"1\")\n"))
	f.Add([]byte("lazy val x = project\nlibraryDependencies += \"a\" %% \"b\" % v % Test\n"))
	f.Add([]byte("val a = s\"${x}\" + '\\n' + 'sym\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, err := range []error{
			func() error { _, err := ParseSbt(data); return err }(),
			func() error { _, err := ParseSbtPlugins(data); return err }(),
		} {
			if err != nil {
				var me *Error
				if !errors.As(err, &me) {
					t.Fatalf("error %T is not *Error", err)
				}
			}
		}
		_ = SbtVersion(data)
	})
}
