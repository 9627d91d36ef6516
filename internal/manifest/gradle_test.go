package manifest

import (
	"errors"
	"slices"
	"testing"
)

const gradleGroovySample = `buildscript {
    dependencies { classpath 'com.example:build-only:1.0' }
}
plugins {
    id 'java'
    id 'org.springframework.boot' version '3.3.5'
    id 'io.spring.dependency-management' version '1.1.6'
    id 'com.diffplug.spotless' version '6.25.0' apply false
}

java {
    toolchain {
        languageVersion = JavaLanguageVersion.of(21)
    }
}
sourceCompatibility = '17'

/* a block
   comment { */
dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web'
    implementation group: 'org.flywaydb', name: 'flyway-core', version: '10.0.0'
    implementation project(':core')
    runtimeOnly 'org.postgresql:postgresql', 'com.h2database:h2'
    testImplementation 'org.springframework.boot:spring-boot-starter-test'
    implementation libs.bundles.jackson
}

subprojects {
    apply plugin: 'java-library'
    dependencies { implementation 'org.slf4j:slf4j-api:2.0.9' }
}

application {
    mainClass = 'com.acme.App'
}
`

const gradleKotlinSample = `import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    kotlin("jvm") version "2.0.21"
    kotlin("plugin.spring") version "2.0.21"
    alias(libs.plugins.spring.boot)
    ` + "`java-library`" + `
    application
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation(libs.spring.boot.starter.web)
    implementation("org.jetbrains.kotlin:kotlin-reflect")
    implementation(kotlin("stdlib"))
    implementation(platform("org.springframework.boot:spring-boot-dependencies:3.3.5"))
    implementation(project(":shared"))
    runtimeOnly("org.postgresql:postgresql")
    testImplementation("io.kotest:kotest-runner-junit5:5.9.1")
}

application {
    mainClass.set("com.acme.ApplicationKt")
}

tasks.withType<Test> {
    useJUnitPlatform()
}
`

func gradleCoords(deps []GradleDep) []string {
	var out []string
	for _, d := range deps {
		switch {
		case d.Project != "":
			out = append(out, "project "+d.Project)
		case d.Catalog != "":
			out = append(out, "libs "+d.Catalog)
		default:
			out = append(out, d.Coord())
		}
	}
	return out
}

func TestGradleGroovy(t *testing.T) {
	g, err := ParseGradle([]byte(gradleGroovySample), false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"java", "org.springframework.boot", "io.spring.dependency-management"}; !slices.Equal(g.Plugins, want) {
		t.Errorf("plugins = %v, want %v", g.Plugins, want)
	}
	if !slices.Equal(g.SubprojectPlugins, []string{"java-library"}) {
		t.Errorf("subproject plugins = %v", g.SubprojectPlugins)
	}
	want := []string{
		"org.springframework.boot:spring-boot-starter-web", "org.flywaydb:flyway-core", "project :core",
		"org.postgresql:postgresql", "com.h2database:h2", "libs jackson",
	}
	if got := gradleCoords(g.Deps); !slices.Equal(got, want) {
		t.Errorf("deps = %v, want %v", got, want)
	}
	if len(g.SubprojectDeps) != 1 {
		t.Errorf("subproject deps = %+v", g.SubprojectDeps)
	}
	if g.MainClass != "com.acme.App" || g.JavaVersion != "21" {
		t.Errorf("main %q, java %q", g.MainClass, g.JavaVersion)
	}
}

func TestGradleKotlin(t *testing.T) {
	g, err := ParseGradle([]byte(gradleKotlinSample), true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"org.jetbrains.kotlin.jvm", "org.jetbrains.kotlin.plugin.spring", "java-library", "application"}; !slices.Equal(g.Plugins, want) {
		t.Errorf("plugins = %v, want %v", g.Plugins, want)
	}
	if !slices.Equal(g.PluginAliases, []string{"spring.boot"}) {
		t.Errorf("aliases = %v", g.PluginAliases)
	}
	want := []string{
		"libs spring.boot.starter.web", "org.jetbrains.kotlin:kotlin-reflect", "org.jetbrains.kotlin:kotlin-stdlib",
		"org.springframework.boot:spring-boot-dependencies", "project :shared", "org.postgresql:postgresql",
	}
	if got := gradleCoords(g.Deps); !slices.Equal(got, want) {
		t.Errorf("deps = %v, want %v", got, want)
	}
	if g.MainClass != "com.acme.ApplicationKt" || g.JavaVersion != "17" {
		t.Errorf("main %q, java %q", g.MainClass, g.JavaVersion)
	}
}

func TestGradleJavaVersionForms(t *testing.T) {
	for src, want := range map[string]string{
		"sourceCompatibility = JavaVersion.VERSION_1_8\n":                                       "1.8",
		"java { sourceCompatibility = JavaVersion.VERSION_17 }\n":                               "17",
		"java.toolchain.languageVersion.set(JavaLanguageVersion.of(21))\n":                      "21",
		"tasks.withType(JavaCompile) { options.release = 11 }\n":                                "11",
		"kotlin { compilerOptions { jvmTarget.set(JvmTarget.JVM_21) } }\n":                      "21",
		"sourceCompatibility = 1.8\ntargetCompatibility = 1.8\n":                                "1.8",
		"java {\n  toolchain {\n    languageVersion = JavaLanguageVersion.of(\"17\")\n  }\n}\n": "17",
	} {
		g, err := ParseGradle([]byte(src), false)
		if err != nil || g.JavaVersion != want {
			t.Errorf("%q: java %q, err %v; want %q", src, g.JavaVersion, err, want)
		}
	}
}

func TestGradleSettings(t *testing.T) {
	s, err := ParseGradleSettings([]byte(`pluginManagement {
    includeBuild("build-logic")
}
rootProject.name = "shop"
include(":app", ":libs:core")
include 'worker',
        'admin'
project(':admin').projectDir = file('tools/admin')
`), false)
	if err != nil {
		t.Fatal(err)
	}
	if s.RootName != "shop" || !slices.Equal(s.Includes, []string{":app", ":libs:core", ":worker", ":admin"}) {
		t.Errorf("settings = %+v", s)
	}
	if s.Dir(":libs:core") != "libs/core" || s.Dir(":admin") != "tools/admin" {
		t.Errorf("dirs: %q %q", s.Dir(":libs:core"), s.Dir(":admin"))
	}
	if !slices.Equal(s.IncludeBuilds, []string{"build-logic"}) {
		t.Errorf("include builds = %v", s.IncludeBuilds)
	}
}

func TestGradleVersionCatalog(t *testing.T) {
	vc, err := ParseVersionCatalog([]byte(`[versions]
boot = "3.3.5"
[libraries]
spring-boot-starter-web = { module = "org.springframework.boot:spring-boot-starter-web" }
jackson_core = { group = "com.fasterxml.jackson.core", name = "jackson-core", version.ref = "boot" }
pg = "org.postgresql:postgresql:42.7.4"
[bundles]
jackson = ["jackson_core"]
[plugins]
spring-boot = { id = "org.springframework.boot", version.ref = "boot" }
kotlin = "org.jetbrains.kotlin.jvm:2.0.21"
`))
	if err != nil {
		t.Fatal(err)
	}
	if vc.Libraries["spring.boot.starter.web"] != "org.springframework.boot:spring-boot-starter-web" ||
		vc.Libraries["jackson.core"] != "com.fasterxml.jackson.core:jackson-core" || vc.Libraries["pg"] != "org.postgresql:postgresql" {
		t.Errorf("libraries = %v", vc.Libraries)
	}
	if !slices.Equal(vc.Bundles["jackson"], []string{"jackson.core"}) {
		t.Errorf("bundles = %v", vc.Bundles)
	}
	if vc.Plugins["spring.boot"] != "org.springframework.boot" || vc.Plugins["kotlin"] != "org.jetbrains.kotlin.jvm" {
		t.Errorf("plugins = %v", vc.Plugins)
	}
}

func TestGradleMalformed(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
	}{
		{"plugins {\n  id 'java'\n\ndependencies {\n}\n", 1},
		{"plugins {\n}\n}\n", 3},
		{"dependencies {\n  implementation 'a:b\n}\n", 2},
		{"/* never closed\n\n", 1},
		{"dependencies {\n  implementation('a:b'\n}\n", 3},
	} {
		g, err := ParseGradle([]byte(c.src), false)
		var me *Error
		if !errors.As(err, &me) || me.Line != c.line {
			t.Errorf("%q: err = %v, want line %d", c.src, err, c.line)
		}
		if g == nil {
			t.Errorf("%q: no partial result", c.src)
		}
	}
	// What comes before the error is still read.
	g, _ := ParseGradle([]byte("plugins { id 'org.springframework.boot' }\ndependencies {\n"), false)
	if !slices.Contains(g.Plugins, "org.springframework.boot") {
		t.Errorf("partial plugins = %v", g.Plugins)
	}
}

func FuzzGradle(f *testing.F) {
	f.Add([]byte(gradleGroovySample), false)
	f.Add([]byte(gradleKotlinSample), true)
	f.Add([]byte("include ':a', ':b'\nrootProject.name = 'x'\n"), false)
	f.Add([]byte("dependencies { implementation(\"a:b\") { exclude(group = \"c\") } }\n"), true)
	f.Add([]byte("def x = '''multi\nline''' + \"\"\"k\"\"\"\n"), false)
	f.Add([]byte("foo({ a ->\n b }\n)\n}"), true)
	f.Fuzz(func(t *testing.T, data []byte, kts bool) {
		for _, err := range []error{
			func() error { _, err := ParseGradle(data, kts); return err }(),
			func() error { _, err := ParseGradleSettings(data, kts); return err }(),
			func() error { _, err := ParseVersionCatalog(data); return err }(),
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
