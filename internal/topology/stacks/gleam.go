package stacks

import (
	"bytes"
	"strconv"

	"github.com/kyozo/kyozo/internal/lazyre"

	"github.com/kyozo/kyozo/internal/manifest"
)

// Gleam detects Gleam projects (gleam.toml). An Erlang-target app is shipped
// as an erlang-shipment (`gleam export erlang-shipment`) and started with its
// entrypoint.sh; a JavaScript-target app runs with `gleam run`.
//
// Extra keys, read by plan.genGleam:
//
//	"target" "erlang" or "javascript"
//	"otp"    the Erlang/OTP version .tool-versions or mise pins, if any
type Gleam struct{}

// Name implements Detector.
func (Gleam) Name() string { return "gleam" }

// gleamWeb are the server packages that make a Gleam app a web service.
var gleamWeb = []string{"wisp", "mist", "glen", "gleam_elli", "gleam_cowboy"}

// Detect implements Detector.
func (Gleam) Detect(c *Context) *Result {
	if !c.Has("gleam.toml") {
		return nil
	}
	file := c.Path("gleam.toml")
	r := &Result{Language: "gleam", PackageManager: "gleam", Score: 0.9, SourceExts: []string{".gleam"}}
	r.Because(file, "gleam.toml")
	r.Lockfiles = []string{file}
	if c.Has("manifest.toml") {
		r.Lockfiles = append(r.Lockfiles, c.Path("manifest.toml"))
	}
	p := &manifest.GleamProject{Target: "erlang"}
	if data, err := c.Read("gleam.toml"); err != nil {
		r.WarnParse(file, err)
	} else if gp, err := manifest.ParseGleamTOML(data); err != nil {
		r.WarnParse(file, err)
	} else {
		p = gp
	}
	r.Name = p.Name
	r.Deps = p.Deps
	r.Set("target", p.Target)
	if v, f := ToolVersion(c, "gleam"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "gleam "+v+" pinned")
	} else if p.Gleam != "" {
		r.RuntimeVersion = p.Gleam
		r.Because(file, "gleam "+p.Gleam+" required")
	}
	if v, f := ToolVersion(c, "erlang"); v != "" {
		r.Set("otp", v)
		r.Because(f, "erlang "+v+" pinned")
	}

	main := "src/" + p.Name + ".gleam"
	if p.Name == "" || !gleamHasMain(c, main) {
		r.Library = true
		r.Score -= 0.4
		r.Because(file, "no src/<name>.gleam with pub fn main: a library")
		return r
	}
	r.Entrypoints = []string{main}
	r.Because(c.Path(main), "pub fn main in "+main)
	if w := FirstOf(p.Deps, gleamWeb...); w != "" {
		r.Kind = "web"
		r.Because(file, w+" in dependencies")
		if port := gleamPort(c, main); port > 0 {
			r.PortDefault = port
			r.Because(c.Path(main), "listens on "+strconv.Itoa(port)+" unless PORT says otherwise")
		}
	} else {
		r.Kind = "worker"
		r.Score -= 0.2
		r.Because(file, "no web server in dependencies: a worker")
	}
	if p.Target == "javascript" {
		r.Start = "gleam run"
		r.Because(file, "javascript target: started with gleam run")
		return r
	}
	r.Build = "gleam export erlang-shipment"
	r.Start = "/app/entrypoint.sh run"
	r.Because(file, "erlang target: shipped as an erlang-shipment")
	return r
}

var (
	// gleamMistPort finds mist.port(8000).
	gleamMistPort = lazyre.New(`mist\.port\(\s*([0-9]{2,5})\s*\)`)
	// gleamUnwrapPort finds the fallback of a PORT lookup:
	// envoy.get("PORT") |> result.then(int.parse) |> result.unwrap(8000).
	gleamUnwrapPort = lazyre.New(`"PORT"[^;]{0,200}?unwrap\(\s*([0-9]{2,5})\s*\)`)
)

// gleamPort returns the port the main module listens on when it says so
// in one of the forms the wisp and mist templates use, or 0.
func gleamPort(c *Context, rel string) int {
	data, err := c.Read(rel)
	if err != nil {
		return 0
	}
	for _, re := range []*lazyre.Regexp{gleamMistPort, gleamUnwrapPort} {
		if m := re.Re().FindSubmatch(data); m != nil {
			if p, err := strconv.Atoi(string(m[1])); err == nil && p > 0 && p < 65536 {
				return p
			}
		}
	}
	return 0
}

// gleamHasMain reports whether the module declares pub fn main.
func gleamHasMain(c *Context, rel string) bool {
	data, err := c.Read(rel)
	return err == nil && bytes.Contains(data, []byte("pub fn main("))
}
