// What a JavaScript-family detector test expects of a Result (jsExpect,
// checked by jsCheck), and nodePkg, which writes a package.json: shared by
// the Node, Deno and static detector tests.

package stacks

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
)

// jsExpect is what a JavaScript-family test expects of a Result. Empty
// strings and zero numbers are not checked; "-" asks for an empty string
// and -1 for a zero number.
type jsExpect struct {
	nilResult                                                             bool
	lang, fw, pm, kind, start, build, version, name, target, buildContext string
	port, portDefault                                                     int
	score, minScore, maxScore                                             float64
	library, wsOnly                                                       bool
	members, lockfiles, localPaths                                        []string
	extra                                                                 map[string]string
	noExtra                                                               []string
	deps                                                                  []string // must be among Deps
	warnings                                                              int      // -1: none; 0: not checked
	warnLine                                                              int      // the first warning's line
	warnHas                                                               string   // the first warning's message holds it
	evidence                                                              string   // a reason holds it
}

func jsCheck(t *testing.T, r *Result, e jsExpect) {
	t.Helper()
	if e.nilResult {
		if r != nil {
			t.Fatalf("want no result, got %+v", r)
		}
		return
	}
	if r == nil {
		t.Fatal("want a result, got nil")
	}
	str := func(field, got, want string) {
		t.Helper()
		switch {
		case want == "":
		case want == "-" && got != "":
			t.Errorf("%s = %q, want empty", field, got)
		case want != "-" && got != want:
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	num := func(field string, got, want int) {
		t.Helper()
		switch {
		case want == 0:
		case want == -1 && got != 0:
			t.Errorf("%s = %d, want 0", field, got)
		case want > 0 && got != want:
			t.Errorf("%s = %d, want %d", field, got, want)
		}
	}
	str("Language", r.Language, e.lang)
	str("Framework", r.Framework, e.fw)
	str("PackageManager", r.PackageManager, e.pm)
	str("Kind", r.Kind, e.kind)
	str("Start", r.Start, e.start)
	str("Build", r.Build, e.build)
	str("RuntimeVersion", r.RuntimeVersion, e.version)
	str("Name", r.Name, e.name)
	str("Target", r.Target, e.target)
	str("BuildContext", r.BuildContext, e.buildContext)
	num("Port", r.Port, e.port)
	num("PortDefault", r.PortDefault, e.portDefault)
	if e.score != 0 && math.Abs(r.Score-e.score) > 1e-9 {
		t.Errorf("Score = %v, want %v", r.Score, e.score)
	}
	if e.minScore != 0 && r.Score < e.minScore-1e-9 {
		t.Errorf("Score = %v, want at least %v", r.Score, e.minScore)
	}
	if e.maxScore != 0 && r.Score > e.maxScore+1e-9 {
		t.Errorf("Score = %v, want at most %v", r.Score, e.maxScore)
	}
	if r.Library != e.library {
		t.Errorf("Library = %v, want %v", r.Library, e.library)
	}
	if r.WorkspaceOnly != e.wsOnly {
		t.Errorf("WorkspaceOnly = %v, want %v", r.WorkspaceOnly, e.wsOnly)
	}
	if e.members != nil && !slices.Equal(r.Members, e.members) {
		t.Errorf("Members = %q, want %q", r.Members, e.members)
	}
	if e.lockfiles != nil && !slices.Equal(r.Lockfiles, e.lockfiles) {
		t.Errorf("Lockfiles = %q, want %q", r.Lockfiles, e.lockfiles)
	}
	if e.localPaths != nil && !slices.Equal(r.LocalPaths, e.localPaths) {
		t.Errorf("LocalPaths = %q, want %q", r.LocalPaths, e.localPaths)
	}
	for k, v := range e.extra {
		if r.Extra[k] != v {
			t.Errorf("Extra[%q] = %q, want %q", k, r.Extra[k], v)
		}
	}
	for _, k := range e.noExtra {
		if _, ok := r.Extra[k]; ok {
			t.Errorf("Extra[%q] = %q, want unset", k, r.Extra[k])
		}
	}
	for _, d := range e.deps {
		if !slices.Contains(r.Deps, d) {
			t.Errorf("Deps = %q, want %q among them", r.Deps, d)
		}
	}
	switch {
	case e.warnings == -1 && len(r.Warnings) > 0:
		t.Errorf("Warnings = %+v, want none", r.Warnings)
	case e.warnings > 0 && len(r.Warnings) != e.warnings:
		t.Errorf("Warnings = %+v, want %d", r.Warnings, e.warnings)
	}
	if e.warnLine > 0 || e.warnHas != "" {
		if len(r.Warnings) == 0 {
			t.Fatalf("want a warning, got none")
		}
		w := r.Warnings[0]
		if e.warnLine > 0 && w.Line != e.warnLine {
			t.Errorf("warning line = %d, want %d (%+v)", w.Line, e.warnLine, w)
		}
		if e.warnHas != "" && !slices.ContainsFunc(r.Warnings, func(w Warning) bool { return strings.Contains(w.Message, e.warnHas) }) {
			t.Errorf("warnings = %+v, want one to mention %q", r.Warnings, e.warnHas)
		}
	}
	if e.evidence != "" && !slices.ContainsFunc(r.Evidence, func(ev Evidence) bool { return strings.Contains(ev.Reason, e.evidence) }) {
		t.Errorf("Evidence = %+v, want a reason with %q", r.Evidence, e.evidence)
	}
	for _, ev := range r.Evidence {
		if ev.File == "" || ev.Reason == "" || ev.Reason != strings.ToLower(ev.Reason[:1])+ev.Reason[1:] {
			t.Errorf("evidence %+v: want a file and a lower-case reason", ev)
		}
	}
	if r.Framework != "" && !slices.Contains(Frameworks, r.Framework) {
		t.Errorf("Framework %q is not in Frameworks", r.Framework)
	}
	if !slices.Contains(Languages, r.Language) {
		t.Errorf("Language %q is not in Languages", r.Language)
	}
}

// nodePkg writes a package.json from a name, scripts, dependencies and dev
// dependencies plus extra top-level fields (raw JSON members).
func nodePkg(name string, scripts, deps, devDeps map[string]string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"name\": %q,\n  \"version\": \"1.0.0\"", name)
	obj := func(key string, m map[string]string) {
		if m == nil {
			return
		}
		fmt.Fprintf(&b, ",\n  %q: {", key)
		i := 0
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "\n    %q: %q", k, m[k])
			i++
		}
		b.WriteString("\n  }")
	}
	obj("scripts", scripts)
	obj("dependencies", deps)
	obj("devDependencies", devDeps)
	for _, e := range extra {
		b.WriteString(",\n  " + e)
	}
	b.WriteString("\n}\n")
	return b.String()
}

type jsm = map[string]string
