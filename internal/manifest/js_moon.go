package manifest

import (
	"fmt"
	"strings"
)

// MoonWorkspace is moon's .moon/workspace.yml: where its projects live.
type MoonWorkspace struct {
	// Globs are project folder globs; Sources maps project names to folders.
	Globs   []string
	Sources map[string]string
}

// ParseMoonWorkspace reads .moon/workspace.yml, whose "projects" is a list
// of globs, a map of names to folders, or {globs: […], sources: {…}}.
func ParseMoonWorkspace(data []byte) (*MoonWorkspace, error) {
	var w struct {
		Projects any `yaml:"projects"`
	}
	if err := jsDecodeYAML(data, &w); err != nil {
		return nil, err
	}
	m := &MoonWorkspace{}
	bad := &Error{Line: jsYAMLKeyLine(data, "projects"), Msg: `"projects" must be a list of globs or a map of names to folders`}
	if list, ok := jsYAMLStrings(w.Projects); ok {
		m.Globs = list
		return m, nil
	}
	obj, ok := w.Projects.(map[string]any)
	if !ok {
		return m, bad
	}
	globs, hasGlobs := obj["globs"]
	sources, hasSources := obj["sources"]
	if hasGlobs || hasSources {
		var okG, okS bool
		m.Globs, okG = jsYAMLStrings(globs)
		m.Sources, okS = jsStringMap(sources)
		if !okG || !okS {
			return m, bad
		}
		return m, nil
	}
	m.Sources, ok = jsStringMap(w.Projects)
	if !ok {
		return m, bad
	}
	return m, nil
}

func jsStringMap(v any) (map[string]string, bool) {
	switch t := v.(type) {
	case nil:
		return nil, true
	case map[string]any:
		out := map[string]string{}
		for k, e := range t {
			if s, ok := e.(string); ok && s != "" {
				out[k] = s
			}
		}
		return out, true
	}
	return nil, false
}

// MoonToolchain is the part of moon's .moon/toolchain.yml that pins the
// JavaScript runtimes and package manager.
type MoonToolchain struct {
	NodeVersion    string
	PackageManager string // npm, pnpm, yarn or bun
	// ManagerVersion is the version pinned under the package manager's own key.
	ManagerVersion string
	BunVersion     string
	DenoVersion    string
}

// ParseMoonToolchain reads .moon/toolchain.yml.
func ParseMoonToolchain(data []byte) (*MoonToolchain, error) {
	var w map[string]any
	if err := jsDecodeYAML(data, &w); err != nil {
		return nil, err
	}
	t := &MoonToolchain{}
	node, _ := w["node"].(map[string]any)
	t.NodeVersion = jsScalar(node["version"])
	t.PackageManager = jsScalar(node["packageManager"])
	if pm, ok := node[t.PackageManager].(map[string]any); ok {
		t.ManagerVersion = jsScalar(pm["version"])
	}
	if b, ok := w["bun"].(map[string]any); ok {
		t.BunVersion = jsScalar(b["version"])
	}
	if d, ok := w["deno"].(map[string]any); ok {
		t.DenoVersion = jsScalar(d["version"])
	}
	if _, ok := w["node"]; ok && node == nil && w["node"] != nil {
		return t, &Error{Line: jsYAMLKeyLine(data, "node"), Msg: `"node" must be a map`}
	}
	return t, nil
}

// jsScalar renders a YAML scalar (a version may be written 20 or 20.1).
func jsScalar(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case int, int64, uint64, float64:
		return fmt.Sprint(t)
	}
	return ""
}
