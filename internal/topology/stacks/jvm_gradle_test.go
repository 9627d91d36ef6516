// Tests of the Gradle analysis: Kotlin DSL with a version catalog and the
// wrapper, multi-project builds, Quarkus, libraries, a malformed script.

package stacks

import "testing"

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
