package stacks

import (
	"bytes"
	"path"
	"slices"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Swift detects Swift packages (Package.swift). An executable target is
// built with `swift build -c release --static-swift-stdlib` and installed
// to /app/bin/<target>; the image's working folder is /app, where Vapor
// looks for Public/ and Resources/.
//
// Target is the executable target's name.
type Swift struct{}

// Name implements Detector.
func (Swift) Name() string { return "swift" }

// Detect implements Detector.
func (Swift) Detect(c *Context) *Result {
	if !c.Has("Package.swift") {
		return nil
	}
	file := c.Path("Package.swift")
	r := &Result{Language: "swift", PackageManager: "swiftpm", Score: 0.9, SourceExts: []string{".swift"}}
	r.Because(file, "Package.swift")
	r.Lockfiles = []string{file}
	if c.Has("Package.resolved") {
		r.Lockfiles = append(r.Lockfiles, c.Path("Package.resolved"))
	}
	p := &manifest.SwiftPackage{}
	if data, err := c.Read("Package.swift"); err != nil {
		r.WarnParse(file, err)
	} else {
		sp, err := manifest.ParseSwiftPackage(data)
		if err != nil {
			r.WarnParse(file, err)
		}
		if sp != nil {
			p = sp
		}
	}
	r.Name, r.Deps = p.Name, p.Deps
	for _, lp := range p.LocalPaths {
		r.LocalPaths = append(r.LocalPaths, path.Join(c.Dir.Path, lp))
	}
	if v, f := FirstLine(c, ".swift-version"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "swift "+v+" pinned")
	} else if v, f := ToolVersion(c, "swift"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "swift "+v+" pinned")
	} else if p.ToolsVersion != "" {
		r.RuntimeVersion = p.ToolsVersion
		r.Because(file, "swift-tools-version "+p.ToolsVersion)
	}

	exe, dir := swiftExecutable(c, p)
	if exe == "" {
		r.Library = true
		r.Score -= 0.4
		r.Because(file, "no executable target: a library")
		return r
	}
	r.Target = exe
	r.Build = "swift build -c release --product " + exe
	r.Start = "/app/bin/" + exe
	r.Because(file, "executable target "+exe)
	if d := c.Tree.Dir(c.Path(dir)); d != nil {
		for _, f := range d.WithExt(".swift") {
			r.Entrypoints = append(r.Entrypoints, path.Join(dir, f))
		}
	}
	switch {
	case slices.Contains(p.Deps, "vapor"):
		r.Framework, r.Kind, r.PortDefault = "vapor", "web", 8080
		// Vapor listens on 127.0.0.1:8080 unless told otherwise.
		r.Start = "/app/bin/" + exe + " serve --env production --hostname 0.0.0.0 --port $PORT"
		r.Because(file, "vapor in dependencies")
		r.Because(file, "vapor listens on 8080 by default")
	case slices.Contains(p.Deps, "hummingbird"):
		r.Kind, r.PortDefault = "web", 8080
		r.Because(file, "hummingbird in dependencies")
		if swiftDeclares(c, r.Entrypoints, "var hostname") && swiftDeclares(c, r.Entrypoints, "var port") {
			// The template's argument parser binds 127.0.0.1 by default.
			r.Start += " --hostname 0.0.0.0 --port $PORT"
			r.Because(c.Path(dir), "hostname and port options")
		}
	default:
		r.Score -= 0.2
	}
	return r
}

// swiftExecutable returns the executable target to build and its source
// folder: an executableTarget (the one named App or Run first), else a
// target whose folder holds main.swift (manifests before tools 5.4).
func swiftExecutable(c *Context, p *manifest.SwiftPackage) (name, dir string) {
	src := func(t manifest.SwiftTarget) string {
		if t.Path != "" {
			return t.Path
		}
		return "Sources/" + t.Name
	}
	var cands []manifest.SwiftTarget
	for _, t := range p.Targets {
		if !tailSafeName(t.Name) {
			continue
		}
		if t.Kind == "executable" || t.Kind == "regular" && c.Tree.Exists(c.Path(src(t)+"/main.swift")) {
			cands = append(cands, t)
		}
	}
	for _, want := range []string{"App", "Run"} {
		for _, t := range cands {
			if t.Name == want {
				return t.Name, src(t)
			}
		}
	}
	if len(cands) > 0 {
		return cands[0].Name, src(cands[0])
	}
	return "", ""
}

// swiftDeclares reports whether one of the files holds text.
func swiftDeclares(c *Context, files []string, text string) bool {
	for _, f := range files {
		if data, err := c.Read(f); err == nil && bytes.Contains(data, []byte(text)) {
			return true
		}
	}
	return false
}
