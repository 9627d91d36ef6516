package stacks

import (
	"slices"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Crystal detects Crystal shards (shard.yml). A shard with targets builds
// them with `shards build --release --static`; one without targets is a
// library.
//
// Target is the binary name (a key of shard.yml's targets), built to
// bin/<target> and started as /app/bin/<target>.
type Crystal struct{}

// Name implements Detector.
func (Crystal) Name() string { return "crystal" }

// crystalWeb are the web frameworks, with their default port.
var crystalWeb = []struct {
	dep  string
	port int
}{
	{"kemal", 3000}, {"lucky", 3000}, {"amber", 3000}, {"athena", 3000},
	{"grip", 4004}, {"marten", 8000}, {"action-controller", 3000},
}

// Detect implements Detector.
func (Crystal) Detect(c *Context) *Result {
	if !c.Has("shard.yml") {
		return nil
	}
	file := c.Path("shard.yml")
	r := &Result{Language: "crystal", PackageManager: "shards", Score: 0.9, SourceExts: []string{".cr", ".ecr"}}
	r.Because(file, "shard.yml")
	r.Lockfiles = []string{file}
	if c.Has("shard.lock") {
		r.Lockfiles = append(r.Lockfiles, c.Path("shard.lock"))
	}
	s := &manifest.Shard{Targets: map[string]string{}}
	if data, err := c.Read("shard.yml"); err != nil {
		r.WarnParse(file, err)
	} else if sp, err := manifest.ParseShardYML(data); err != nil {
		r.WarnParse(file, err)
	} else {
		s = sp
	}
	r.Name, r.Deps = s.Name, s.Deps
	if v, f := FirstLine(c, ".crystal-version"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "crystal "+v+" pinned")
	} else if v, f := ToolVersion(c, "crystal"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "crystal "+v+" pinned")
	} else if s.Crystal != "" {
		r.RuntimeVersion = s.Crystal
		r.Because(file, "crystal "+s.Crystal+" required")
	}

	target := ""
	if _, ok := s.Targets[s.Name]; ok {
		target = s.Name
	} else if len(s.TargetNames) > 0 {
		target = s.TargetNames[0]
	}
	if !tailSafeName(target) {
		r.Library = true
		r.Score -= 0.4
		r.Because(file, "no targets: a library")
		return r
	}
	r.Target = target
	r.Build = "shards build " + target + " --release --production"
	r.Start = "/app/bin/" + target
	r.Because(file, "target "+target+" built to bin/"+target)
	if m := s.Targets[target]; m != "" {
		r.Entrypoints = []string{m}
	}
	for _, w := range crystalWeb {
		if slices.Contains(s.Deps, w.dep) {
			r.Kind, r.PortDefault = "web", w.port
			r.Because(file, w.dep+" in dependencies")
			return r
		}
	}
	r.Score -= 0.2
	r.Because(file, "no web framework in dependencies")
	return r
}

// tailSafeName reports a binary, target or program name safe to use in
// paths and commands of the generated image (letters, digits, . _ - +,
// not starting with a dot or dash).
func tailSafeName(s string) bool {
	if s == "" || len(s) > 100 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, ch := range s {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-' || ch == '.' || ch == '+') {
			return false
		}
	}
	return true
}
