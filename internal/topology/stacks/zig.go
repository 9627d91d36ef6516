package stacks

import (
	"bytes"
	"slices"
	"strconv"

	"github.com/kyozo/kyozo/internal/lazyre"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Zig detects Zig projects (build.zig, with build.zig.zon for packages).
// The executable build.zig adds is built with `zig build
// -Doptimize=ReleaseSafe` into zig-out/bin and installed to /app/bin.
//
// Target is the executable's name.
//
// Extra keys, read by plan.genZig:
//
//	"standard_target"   "true" when build.zig takes -Dtarget/-Dcpu (standardTargetOptions):
//	                    the image builds for -Dcpu=baseline, not the build host's CPU
//	"standard_optimize" "true" when build.zig takes -Doptimize (standardOptimizeOption)
type Zig struct{}

// Name implements Detector.
func (Zig) Name() string { return "zig" }

// zigWeb are web server packages, with their default port when they have one.
var zigWeb = []struct {
	dep  string
	port int
}{
	{"httpz", 5882}, {"zap", 0}, {"jetzig", 8080}, {"tokamak", 8080}, {"zzz", 0},
}

// Detect implements Detector.
func (Zig) Detect(c *Context) *Result {
	if !c.Has("build.zig") {
		return nil
	}
	file := c.Path("build.zig")
	r := &Result{Language: "zig", PackageManager: "zig", Score: 0.9, SourceExts: []string{".zig"}}
	r.Because(file, "build.zig")
	r.Lockfiles = []string{file}
	zon := &manifest.ZigPackage{}
	if c.Has("build.zig.zon") {
		zf := c.Path("build.zig.zon")
		r.Lockfiles = append(r.Lockfiles, zf)
		if data, err := c.Read("build.zig.zon"); err != nil {
			r.WarnParse(zf, err)
		} else if z, err := manifest.ParseZigZon(data); err != nil {
			r.WarnParse(zf, err)
		} else {
			zon = z
		}
	}
	b := &manifest.ZigBuild{}
	if data, err := c.Read("build.zig"); err != nil {
		r.WarnParse(file, err)
	} else {
		if bytes.Contains(data, []byte("standardTargetOptions(")) {
			r.Set("standard_target", "true")
		}
		if bytes.Contains(data, []byte("standardOptimizeOption(")) {
			r.Set("standard_optimize", "true")
		}
		zb, err := manifest.ParseBuildZig(data)
		if err != nil {
			r.WarnParse(file, err)
		}
		b = zb
	}
	r.Name = zon.Name
	r.Deps = append(r.Deps, zon.Deps...)
	for _, d := range b.Deps {
		if !slices.Contains(r.Deps, d) {
			r.Deps = append(r.Deps, d)
		}
	}
	for _, lp := range zon.LocalPaths {
		r.LocalPaths = append(r.LocalPaths, tailJoin(c.Dir.Path, lp))
	}
	if v, f := FirstLine(c, ".zigversion", ".zig-version"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "zig "+v+" pinned")
	} else if v, f := ToolVersion(c, "zig"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "zig "+v+" pinned")
	} else if zon.MinimumZigVersion != "" {
		r.RuntimeVersion = zon.MinimumZigVersion
		r.Because(c.Path("build.zig.zon"), "minimum_zig_version "+zon.MinimumZigVersion)
	}

	exe := ""
	for _, e := range b.Executables {
		if e == zon.Name || exe == "" {
			exe = e
		}
	}
	if !tailSafeName(exe) {
		r.Library = true
		r.Score -= 0.4
		r.Because(file, "no addExecutable: a library")
		return r
	}
	if r.Name == "" {
		r.Name = exe
	}
	r.Target = exe
	r.Build = "zig build"
	if r.Extra["standard_optimize"] == "true" {
		r.Build += " -Doptimize=ReleaseSafe"
	}
	r.Start = "/app/bin/" + exe
	r.Because(file, "executable "+exe)
	if c.Tree.Exists(c.Path("src/main.zig")) {
		r.Entrypoints = []string{"src/main.zig"}
	}
	for _, w := range zigWeb {
		if slices.Contains(r.Deps, w.dep) {
			r.Kind, r.PortDefault = "web", w.port
			r.Because(file, w.dep+" dependency")
			if p := zigPort(c, r.Entrypoints); p > 0 {
				r.PortDefault = p
				r.Because(c.Path(r.Entrypoints[0]), "listens on "+strconv.Itoa(p)+" unless PORT says otherwise")
			}
			return r
		}
	}
	r.Score -= 0.2
	return r
}

// zigPortRes find the port a Zig server names: the fallback of a PORT
// lookup (getenv("PORT") orelse "8080"), else a literal .port = 8080.
var zigPortRes = []*lazyre.Regexp{
	lazyre.New(`getenv\("PORT"\)\s*orelse\s*"([0-9]{2,5})"`),
	lazyre.New(`\.port\s*=\s*([0-9]{2,5})\b`),
}

// zigPort returns the port the entry file names, or 0.
func zigPort(c *Context, entries []string) int {
	if len(entries) == 0 {
		return 0
	}
	data, err := c.Read(entries[0])
	if err != nil {
		return 0
	}
	for _, re := range zigPortRes {
		if m := re.Re().FindSubmatch(data); m != nil {
			if p, err := strconv.Atoi(string(m[1])); err == nil && p > 0 && p < 65536 {
				return p
			}
		}
	}
	return 0
}
