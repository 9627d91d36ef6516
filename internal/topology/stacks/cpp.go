package stacks

import (
	"bufio"
	"bytes"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
)

// Cpp detects C and C++ projects built with CMake (CMakeLists.txt with a
// project() call) or Meson (meson.build with a project() call). Folders
// pulled in by add_subdirectory() or subdir() belong to the project above
// them and are not projects of their own; their targets count for it.
//
// Target is the executable target's name; it is installed to /app/bin/<target>.
//
// Extra keys, read by plan.genCpp:
//
//	"builder" "cmake" or "meson"
//	"libs"    space-separated native libraries the build needs, as the names
//	          of cppLibs (asio boost boost-system openssl zlib …); the
//	          generator maps them to Debian packages
type Cpp struct{}

// Name implements Detector.
func (Cpp) Name() string { return "cpp" }

// cppWeb are web frameworks: the names they go by in find_package,
// FetchContent, target_link_libraries, vcpkg/conan and #include lines
// (lower-cased), and the framework.
var cppWeb = []struct{ match, name string }{
	{"crow", "crow"}, {"crowcpp", "crow"}, {"crow_all.h", "crow"}, {"crow.h", "crow"},
	{"drogon", "drogon"},
	{"httplib", "cpp-httplib"}, {"cpp-httplib", "cpp-httplib"}, {"httplib.h", "cpp-httplib"},
	{"pistache", "pistache"},
	{"boost/beast", "boost beast"}, {"boost::beast", "boost beast"}, {"beast", "boost beast"},
	{"oatpp", "oatpp"}, {"restbed", "restbed"}, {"cpprestsdk", "cpprestsdk"}, {"cpprest", "cpprestsdk"},
	{"civetweb", "civetweb"}, {"uwebsockets", "uwebsockets"}, {"mongoose", "mongoose"},
}

// cppLibs maps the names dependencies go by to the native library names the
// generator knows (see plan's cppPackages).
var cppLibs = map[string]string{
	"crow": "asio", "crowcpp": "asio", "asio": "asio",
	"boost": "boost", "openssl": "openssl", "zlib": "zlib", "curl": "curl", "libcurl": "curl",
	"postgresql": "postgresql", "libpq": "postgresql", "pq": "postgresql", "fmt": "fmt", "spdlog": "spdlog",
	"nlohmann_json": "nlohmann_json", "nlohmann-json": "nlohmann_json", "httplib": "httplib",
	"cpp-httplib": "httplib", "pistache": "pistache", "libpistache": "pistache", "sqlite3": "sqlite3",
	"sqlite": "sqlite3", "jsoncpp": "jsoncpp", "uuid": "uuid", "hiredis": "hiredis", "drogon": "drogon",
}

// cppBoostComponents are the compiled Boost libraries the generator knows.
var cppBoostComponents = []string{"system", "thread", "filesystem", "program_options", "regex", "date_time", "chrono", "json", "url", "log", "iostreams", "serialization"}

// cppMaxSubdirs bounds how many add_subdirectory folders are read.
const cppMaxSubdirs = 32

// Detect implements Detector.
func (Cpp) Detect(c *Context) *Result {
	switch {
	case c.Has("CMakeLists.txt"):
		return cppCMake(c)
	case c.Has("meson.build"):
		return cppMeson(c)
	}
	return nil
}

// cppFacts is what one build description says, with its sub-folders.
type cppFacts struct {
	name    string
	exes    []manifest.CMakeTarget
	exeDirs []string // the folder (tree path) each exe was declared in
	libs    int
	deps    []string // as spelled
	sources []string // tree paths of the chosen executable's sources
}

func cppCMake(c *Context) *Result {
	file := c.Path("CMakeLists.txt")
	data, err := c.Read("CMakeLists.txt")
	var p *manifest.CMakeProject
	if err == nil {
		p, err = manifest.ParseCMake(data)
	}
	if p != nil && p.Name == "" && cppCoveredAbove(c, "CMakeLists.txt") {
		return nil // an add_subdirectory() folder of the project above
	}
	r := &Result{Language: "cpp", PackageManager: "cmake", Score: 0.6, SourceExts: []string{".cpp", ".cc", ".cxx", ".c", ".h", ".hpp"}}
	r.Because(file, "CMakeLists.txt")
	r.Lockfiles = []string{file}
	if err != nil {
		r.WarnParse(file, err)
	}
	if p == nil {
		p = &manifest.CMakeProject{}
	}
	f := &cppFacts{name: p.Name}
	seen := map[string]bool{}
	var subprojects []string // add_subdirectory folders with a project() of their own
	var walk func(dir string, p *manifest.CMakeProject)
	walk = func(dir string, p *manifest.CMakeProject) {
		if dir != c.Dir.Path && p.Name != "" {
			subprojects = append(subprojects, dir)
		}
		for _, e := range p.Executables {
			f.exes = append(f.exes, e)
			f.exeDirs = append(f.exeDirs, dir)
		}
		f.libs += len(p.Libraries)
		f.deps = append(f.deps, p.Packages...)
		f.deps = append(f.deps, cppFetched(p)...)
		for _, l := range p.Links {
			if lib, _, ok := strings.Cut(l, "::"); ok {
				f.deps = append(f.deps, lib)
			}
		}
		for _, sub := range p.Subdirs {
			sd := path.Clean(path.Join(dir, sub))
			if seen[sd] || len(seen) >= cppMaxSubdirs || strings.HasPrefix(sd, "..") {
				continue
			}
			seen[sd] = true
			data, err := c.ReadPath(tailJoin(sd, "CMakeLists.txt"))
			if err != nil {
				continue
			}
			if sp, _ := manifest.ParseCMake(data); sp != nil {
				walk(sd, sp)
			}
		}
		for _, comp := range cppBoostComps(p) {
			f.deps = append(f.deps, "boost-"+comp)
		}
	}
	seen[c.Dir.Path] = true
	walk(c.Dir.Path, p)
	if p.Name != "" {
		r.Name = p.Name
		r.Because(file, "project "+p.Name)
	}
	if cppOnlyInSubprojects(f, subprojects) {
		// A super-build: every executable is a project of its own below.
		r.WorkspaceOnly = true
		r.Score = 0.5
		for _, sp := range subprojects {
			r.Members = append(r.Members, c.Rel(sp))
		}
		r.Because(file, "gathers the projects "+strings.Join(r.Members, ", "))
		return r
	}
	return cppConclude(c, r, f, "cmake", cppCMakeSources(c, p, f))
}

func cppMeson(c *Context) *Result {
	file := c.Path("meson.build")
	data, err := c.Read("meson.build")
	var p *manifest.MesonProject
	if err == nil {
		p, err = manifest.ParseMeson(data)
	}
	if p != nil && p.Name == "" && cppCoveredAbove(c, "meson.build") {
		return nil // a subdir() folder of the project above
	}
	r := &Result{Language: "cpp", PackageManager: "meson", Score: 0.6, SourceExts: []string{".cpp", ".cc", ".cxx", ".c", ".h", ".hpp"}}
	r.Because(file, "meson.build")
	r.Lockfiles = []string{file}
	if err != nil {
		r.WarnParse(file, err)
	}
	if p == nil {
		p = &manifest.MesonProject{}
	}
	f := &cppFacts{name: p.Name}
	seen := map[string]bool{c.Dir.Path: true}
	var walk func(dir string, p *manifest.MesonProject)
	walk = func(dir string, p *manifest.MesonProject) {
		for _, e := range p.Executables {
			f.exes = append(f.exes, e)
			f.exeDirs = append(f.exeDirs, dir)
		}
		f.libs += len(p.Libraries)
		f.deps = append(f.deps, p.Deps...)
		for _, sub := range p.Subdirs {
			sd := path.Clean(path.Join(dir, sub))
			if seen[sd] || len(seen) >= cppMaxSubdirs || strings.HasPrefix(sd, "..") {
				continue
			}
			seen[sd] = true
			data, err := c.ReadPath(tailJoin(sd, "meson.build"))
			if err != nil {
				continue
			}
			if sp, _ := manifest.ParseMeson(data); sp != nil {
				walk(sd, sp)
			}
		}
	}
	walk(c.Dir.Path, p)
	if p.Name != "" {
		r.Name = p.Name
		r.Because(file, "project "+p.Name)
	}
	var sources []string
	for _, n := range []string{"main.cpp", "src/main.cpp", "main.cc", "src/main.cc", "main.c", "src/main.c"} {
		if c.Tree.Exists(c.Path(n)) {
			sources = append(sources, c.Path(n))
		}
	}
	return cppConclude(c, r, f, "meson", sources)
}

// cppOnlyInSubprojects reports whether there are executables and every one
// is declared in (or below) a sub-folder with a project() of its own.
func cppOnlyInSubprojects(f *cppFacts, subprojects []string) bool {
	if len(f.exes) == 0 || len(subprojects) == 0 {
		return false
	}
	for _, d := range f.exeDirs {
		in := false
		for _, sp := range subprojects {
			if d == sp || strings.HasPrefix(d, sp+"/") {
				in = true
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// cppConclude sets the target, kind and libraries from what the build
// files and the main sources say.
func cppConclude(c *Context, r *Result, f *cppFacts, builder string, sources []string) *Result {
	r.Set("builder", builder)
	file := r.Lockfiles[0]
	for _, extra := range []string{"vcpkg.json", "conanfile.txt"} {
		if c.Has(extra) {
			r.Lockfiles = append(r.Lockfiles, c.Path(extra))
			f.deps = append(f.deps, cppPackageDeps(c, extra)...)
		}
	}
	for _, d := range f.deps {
		if d != "" && !slices.Contains(r.Deps, d) {
			r.Deps = append(r.Deps, d)
		}
	}
	if v, vf := ToolVersion(c, "gcc"); v != "" {
		r.RuntimeVersion = v
		r.Because(vf, "gcc "+v+" pinned")
	}

	exe := ""
	for _, e := range f.exes {
		if !tailSafeName(e.Name) {
			continue
		}
		if exe == "" || e.Name == f.name {
			exe = e.Name
		}
	}
	if exe == "" {
		r.Library = true
		r.Score = 0.4
		if f.libs > 0 {
			r.Because(file, "only libraries: a library")
		} else {
			r.Because(file, "no executable target")
		}
		return r
	}
	r.Target = exe
	r.Start = "/app/bin/" + exe
	if builder == "cmake" {
		r.Build = "cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target " + exe
	} else {
		r.Build = "meson setup build --buildtype=release && meson compile -C build " + exe
	}
	r.Because(file, "executable "+exe)
	for _, s := range sources {
		r.Entrypoints = append(r.Entrypoints, c.Rel(s))
	}

	// Web frameworks by dependency name, then by #include in the sources.
	names := make([]string, 0, len(r.Deps))
	for _, d := range r.Deps {
		names = append(names, strings.ToLower(d))
	}
	web := ""
	for _, w := range cppWeb {
		if slices.Contains(names, w.match) {
			web = w.name
			r.Because(file, w.name+" dependency")
			break
		}
	}
	if web == "" {
		for _, s := range sources {
			if w, inc := cppIncludes(c, s); w != "" {
				web = w
				names = append(names, inc...)
				r.Because(s, "includes "+w)
				break
			}
		}
	}
	libs := cppLibNames(names)
	if web == "crow" && !slices.Contains(libs, "asio") {
		libs = append(libs, "asio")
	}
	if web == "boost beast" && !slices.Contains(libs, "boost") {
		libs = append(libs, "boost")
	}
	if len(libs) > 0 {
		r.Set("libs", strings.Join(libs, " "))
	}
	if slices.Contains(libs, "drogon") {
		r.Warn(file, 0, "drogon is not packaged by Debian: the generated image finds it only when the build fetches it")
	}
	if web != "" {
		r.Kind = "web"
		r.Score = 0.8
		for _, src := range sources {
			if p := cppPort(c, src); p > 0 {
				r.PortDefault = p
				r.Because(src, "listens on "+strconv.Itoa(p)+" unless PORT says otherwise")
				break
			}
		}
	}
	return r
}

// cppPortRes find the port a C++ server names: the fallback of a PORT
// lookup (getenv("PORT") ? … : 18080), app.port(18080) (Crow),
// addListener("0.0.0.0", 8080) (Drogon), listen("0.0.0.0", 8080) (httplib).
var cppPortRes = []*lazyre.Regexp{
	lazyre.New(`getenv\("PORT"\)[\s\S]{0,200}?\?[^;]*?:\s*([0-9]{2,5})\s*;`),
	lazyre.New(`\.port\(\s*([0-9]{2,5})\s*\)`),
	lazyre.New(`(?:addListener|listen)\(\s*"[^"]*"\s*,\s*([0-9]{2,5})\s*\)`),
}

// cppPort returns the port a source names, or 0.
func cppPort(c *Context, file string) int {
	data, err := c.Tree.ReadPrefix(file, 64<<10)
	if err != nil {
		return 0
	}
	for _, re := range cppPortRes {
		if m := re.Re().FindSubmatch(data); m != nil {
			if p, err := strconv.Atoi(string(m[1])); err == nil && p > 0 && p < 65536 {
				return p
			}
		}
	}
	return 0
}

// cppLibNames maps dependency names to the generator's native library
// names, sorted and without duplicates.
func cppLibNames(names []string) []string {
	var out []string
	for _, n := range names {
		lib := cppLibs[n]
		if comp, ok := strings.CutPrefix(n, "boost-"); ok && slices.Contains(cppBoostComponents, comp) {
			lib = n
		}
		if lib != "" && !slices.Contains(out, lib) {
			out = append(out, lib)
		}
	}
	slices.Sort(out)
	return out
}

// cppBoostComps returns the compiled Boost components find_package(Boost
// COMPONENTS …) asks for.
func cppBoostComps(p *manifest.CMakeProject) []string {
	var out []string
	for _, cmd := range p.Commands {
		if cmd.Name != "find_package" || len(cmd.Args) == 0 || !strings.EqualFold(cmd.Args[0], "boost") {
			continue
		}
		for _, a := range cmd.Args[1:] {
			if a = strings.ToLower(a); slices.Contains(cppBoostComponents, a) && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// cppCMakeSources returns the tree paths of the sources worth scanning:
// the chosen executable's own files that exist, else main.cpp files.
func cppCMakeSources(c *Context, p *manifest.CMakeProject, f *cppFacts) []string {
	var out []string
	for _, cmd := range p.Commands {
		if cmd.Name != "add_executable" || len(cmd.Args) < 2 {
			continue
		}
		for _, a := range cmd.Args[1:] {
			if t := tailJoin(c.Dir.Path, a); cppSourceFile(a) && c.Tree.Exists(t) && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	for i := range f.exes {
		if f.exeDirs[i] == c.Dir.Path {
			continue
		}
		for _, n := range []string{"main.cpp", "main.cc", "main.c"} {
			if t := tailJoin(f.exeDirs[i], n); c.Tree.Exists(t) && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	for _, n := range []string{"main.cpp", "src/main.cpp", "main.cc", "src/main.cc", "main.c", "src/main.c"} {
		if t := c.Path(n); c.Tree.Exists(t) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}

func cppSourceFile(name string) bool {
	for _, e := range []string{".cpp", ".cc", ".cxx", ".c", ".c++"} {
		if strings.HasSuffix(name, e) {
			return true
		}
	}
	return false
}

// cppIncludes reads a source's #include lines and returns the web framework
// they name, if any, and the included names worth mapping to libraries.
func cppIncludes(c *Context, file string) (string, []string) {
	data, err := c.Tree.ReadPrefix(file, 64<<10)
	if err != nil {
		return "", nil
	}
	var web string
	var incs []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "#include")
		if !ok {
			continue
		}
		inc := strings.ToLower(strings.Trim(strings.TrimSpace(rest), `<>"`))
		first, _, _ := strings.Cut(inc, "/")
		for _, w := range cppWeb {
			if web == "" && (inc == w.match || first == w.match || strings.HasPrefix(inc, w.match+"/") || w.match == "boost/beast" && strings.HasPrefix(inc, "boost/beast")) {
				web = w.name
			}
		}
		switch {
		case strings.HasPrefix(inc, "boost/"):
			incs = append(incs, "boost")
		case first == "openssl":
			incs = append(incs, "openssl")
		case inc == "zlib.h":
			incs = append(incs, "zlib")
		case first == "nlohmann":
			incs = append(incs, "nlohmann_json")
		case inc == "httplib.h":
			incs = append(incs, "httplib")
		case first == "pistache":
			incs = append(incs, "pistache")
		case first == "asio" || inc == "asio.hpp":
			incs = append(incs, "asio")
		}
	}
	return web, incs
}

// cppPackageDeps reads dependency names from vcpkg.json or conanfile.txt.
func cppPackageDeps(c *Context, name string) []string {
	data, err := c.Read(name)
	if err != nil {
		return nil
	}
	var out []string
	if name == "vcpkg.json" {
		var v struct {
			Dependencies []any `json:"dependencies"`
		}
		if manifest.DecodeJSON(data, &v) != nil {
			return nil
		}
		for _, d := range v.Dependencies {
			switch x := d.(type) {
			case string:
				out = append(out, x)
			case map[string]any:
				if n, ok := x["name"].(string); ok {
					out = append(out, n)
				}
			}
		}
		return out
	}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = line == "[requires]"
			continue
		}
		if in && line != "" && !strings.HasPrefix(line, "#") {
			n, _, _ := strings.Cut(line, "/")
			out = append(out, n)
		}
	}
	return out
}

// cppCoveredAbove reports whether a folder above holds the same build file,
// so this one is part of that project.
func cppCoveredAbove(c *Context, name string) bool {
	up := c.Up()
	for _, d := range up[1:] {
		if d.Has(name) {
			return true
		}
	}
	return false
}

// cppRepoName turns a repository URL or CPM "gh:owner/repo@1.0" into the
// repository's name.
func cppRepoName(u string) string {
	u = strings.TrimPrefix(u, "gh:")
	base := path.Base(strings.TrimRight(u, "/"))
	base, _, _ = strings.Cut(base, "@")
	return strings.TrimSuffix(base, ".git")
}

// cppFetched returns the names of packages FetchContent_Declare,
// CPMAddPackage and ExternalProject_Add fetch, and of their repositories:
// FetchContent_Declare(Crow GIT_REPOSITORY https://…/Crow.git) gives Crow
// and Crow; CPMAddPackage("gh:yhirose/cpp-httplib@0.15.3") gives cpp-httplib.
func cppFetched(p *manifest.CMakeProject) []string {
	var out []string
	for _, cmd := range p.Commands {
		switch cmd.Name {
		case "fetchcontent_declare", "cpmaddpackage", "cpmfindpackage", "externalproject_add":
		default:
			continue
		}
		for i, a := range cmd.Args {
			switch {
			case i == 0 && a != "NAME" && !strings.Contains(a, ":"):
				out = append(out, a)
			case i == 0 && strings.Contains(a, ":"):
				out = append(out, cppRepoName(a))
			case i > 0 && (cmd.Args[i-1] == "NAME" || cmd.Args[i-1] == "GIT_REPOSITORY" || cmd.Args[i-1] == "GITHUB_REPOSITORY" || cmd.Args[i-1] == "URL"):
				out = append(out, cppRepoName(a))
			}
		}
	}
	return out
}
