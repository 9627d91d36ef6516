package stacks

import (
	"maps"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Dart detects Dart packages (pubspec.yaml). A server is compiled with
// `dart compile exe` into a self-contained binary and run on scratch plus
// the Dart runtime files, as the official image recommends. Flutter apps
// are static sites when they have a web/ folder (built with `flutter build
// web`, which Kyozo does not generate a Dockerfile for), otherwise not a
// service.
//
// Target is the entry script, relative to the folder ("bin/server.dart");
// the binary is /app/bin/<script name without .dart>.
//
// Extra keys, read by plan.genDart:
//
//	"dart_frog" "true" for a Dart Frog project: `dart_frog build` first, entry build/bin/server.dart
//	"flutter"   "true" for a Flutter app
type Dart struct{}

// Name implements Detector.
func (Dart) Name() string { return "dart" }

// dartWeb are server packages that make a Dart program a web service.
var dartWeb = []string{"dart_frog", "serverpod", "shelf", "shelf_router", "alfred", "conduit", "angel3_framework", "relic"}

// Detect implements Detector.
func (Dart) Detect(c *Context) *Result {
	if !c.Has("pubspec.yaml") {
		return nil
	}
	file := c.Path("pubspec.yaml")
	r := &Result{Language: "dart", PackageManager: "pub", Score: 0.9, SourceExts: []string{".dart"}}
	r.Because(file, "pubspec.yaml")
	r.Lockfiles = []string{file}
	p := &manifest.Pubspec{}
	if data, err := c.Read("pubspec.yaml"); err != nil {
		r.WarnParse(file, err)
	} else if pp, err := manifest.ParsePubspec(data); err != nil {
		r.WarnParse(file, err)
	} else {
		p = pp
	}
	r.Name, r.Deps = p.Name, p.Deps
	lockSDK := ""
	if c.Has("pubspec.lock") {
		r.Lockfiles = append(r.Lockfiles, c.Path("pubspec.lock"))
		if data, err := c.Read("pubspec.lock"); err == nil {
			lockSDK, _ = manifest.PubspecLockSDK(data)
		}
	}
	switch v, f := ToolVersion(c, "dart"); {
	case v != "":
		r.RuntimeVersion = v
		r.Because(f, "dart "+v+" pinned")
	case lockSDK != "":
		r.RuntimeVersion = lockSDK
		r.Because(c.Path("pubspec.lock"), "dart sdk "+lockSDK+" resolved")
	case p.SDK != "":
		r.RuntimeVersion = p.SDK
		r.Because(file, "dart sdk "+p.SDK+" required")
	}

	if p.Flutter {
		r.Set("flutter", "true")
		r.Because(file, "flutter in dependencies")
		if c.Dir.HasDir("web") {
			r.Kind, r.Build, r.Target = "static", "flutter build web", "build/web"
			r.Score = 0.7
			r.Because(c.Path("web"), "web/ folder: a flutter web build")
			return r
		}
		r.Library = true
		r.Score = 0.3
		r.Because(file, "flutter app without web/: not a service")
		return r
	}

	entry := ""
	if HasAny(p.Deps, "dart_frog") && c.Dir.HasDir("routes") {
		r.Set("dart_frog", "true")
		r.Build = "dart_frog build"
		entry = "build/bin/server.dart"
		r.Because(c.Path("routes"), "dart_frog routes: built with dart_frog build")
	} else {
		entry = dartEntry(c, p)
	}
	if entry == "" {
		r.Library = true
		r.Score -= 0.4
		r.Because(file, "no bin/*.dart: a library")
		return r
	}
	name := strings.TrimSuffix(entry[strings.LastIndexByte(entry, '/')+1:], ".dart")
	if !tailSafeName(name) || !tailSafePath(entry) {
		r.Library = true
		r.Score -= 0.4
		r.Warn(c.Path(entry), 0, "entry script name is not usable in an image")
		return r
	}
	r.Target = entry
	r.Start = "/app/bin/" + name
	if r.Build == "" {
		r.Build = "dart compile exe " + entry + " -o bin/" + name
	}
	if !strings.HasPrefix(entry, "build/") {
		r.Entrypoints = []string{entry}
		r.Because(c.Path(entry), "entry "+entry)
	}
	if w := FirstOf(p.Deps, dartWeb...); w != "" {
		r.Kind, r.PortDefault = "web", 8080
		r.Because(file, w+" in dependencies")
		r.Because(file, w+" listens on 8080 by default")
		return r
	}
	r.Score -= 0.2
	return r
}

// dartEntry picks the script to compile: the first executables: entry,
// then bin/server.dart, bin/main.dart, bin/<name>.dart, then the first
// bin/*.dart.
func dartEntry(c *Context, p *manifest.Pubspec) string {
	for _, name := range slices.Sorted(maps.Keys(p.Executables)) {
		if f := "bin/" + p.Executables[name] + ".dart"; c.Tree.Exists(c.Path(f)) {
			return f
		}
	}
	bin := c.Tree.Dir(c.Path("bin"))
	if bin == nil {
		return ""
	}
	if f := bin.First("server.dart", "main.dart", p.Name+".dart"); f != "" {
		return "bin/" + f
	}
	if fs := bin.WithExt(".dart"); len(fs) > 0 {
		return "bin/" + fs[0]
	}
	return ""
}

// tailSafePath reports a folder-relative path made of safe names.
func tailSafePath(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if !tailSafeName(part) {
			return false
		}
	}
	return true
}
