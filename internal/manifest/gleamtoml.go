package manifest

import (
	"slices"
	"strings"
)

// GleamProject is what Kyozo reads of a gleam.toml.
type GleamProject struct {
	Name    string
	Version string
	Target  string // "erlang" (the default) or "javascript"
	Runtime string // javascript.runtime: "node", "deno" or "bun"
	Gleam   string // gleam = ">= 1.4.0": the compiler requirement
	Deps    []string
	DevDeps []string
}

// ParseGleamTOML reads a gleam.toml.
func ParseGleamTOML(data []byte) (*GleamProject, error) {
	var w struct {
		Name       string         `toml:"name"`
		Version    string         `toml:"version"`
		Target     string         `toml:"target"`
		Gleam      string         `toml:"gleam"`
		Deps       map[string]any `toml:"dependencies"`
		DevDeps    map[string]any `toml:"dev-dependencies"`
		JavaScript struct {
			Runtime string `toml:"runtime"`
		} `toml:"javascript"`
	}
	if err := DecodeTOML(data, &w); err != nil {
		return nil, err
	}
	p := &GleamProject{
		Name: w.Name, Version: w.Version, Target: strings.ToLower(w.Target),
		Gleam: w.Gleam, Runtime: w.JavaScript.Runtime,
		Deps: tailSortedKeys(w.Deps), DevDeps: tailSortedKeys(w.DevDeps),
	}
	if p.Target == "" {
		p.Target = "erlang"
	}
	return p, nil
}

// tailSortedKeys returns a map's keys in order, so results do not depend on
// map iteration.
func tailSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
