// The JVM family's test helpers, the Java version parser's test and the
// fuzz test every JVM (and Go, Rust, .NET) detector runs under.

package stacks

import (
	"slices"
	"testing"
)

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
