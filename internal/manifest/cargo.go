package manifest

import (
	"bytes"
	"slices"
	"strings"
)

// Cargo is what Kyozo reads of a Cargo.toml.
type Cargo struct {
	// Package is nil for a virtual manifest (a workspace root without a
	// crate of its own).
	Package   *CargoPackage
	Workspace *CargoWorkspace
	Bins      []CargoTarget // [[bin]] entries, in file order
	Lib       *CargoTarget  // [lib], when written out
	// Deps are the crates of [dependencies] and target-specific
	// dependencies, by crate name (the `package` of a renamed dependency),
	// sorted. Dev and build dependencies are not deployed and not listed.
	Deps []string
	// PathDeps are the path dependencies of those sections.
	PathDeps []CargoPathDep
	// WorkspaceDeps are dependencies inherited with `workspace = true`:
	// their path, if any, is in the workspace root's [workspace.dependencies].
	WorkspaceDeps []string
}

// CargoPackage is [package].
type CargoPackage struct {
	Name        string
	RustVersion string // rust-version, "" when inherited from the workspace
	DefaultRun  string // default-run
	Autobins    bool   // false when autobins = false
	// RustVersionFromWorkspace is set for rust-version.workspace = true.
	RustVersionFromWorkspace bool
}

// CargoWorkspace is [workspace].
type CargoWorkspace struct {
	Members     []string
	Exclude     []string
	RustVersion string // [workspace.package] rust-version
	// PathDeps are [workspace.dependencies] entries with a path.
	PathDeps []CargoPathDep
}

// CargoTarget is a [[bin]] or [lib] entry.
type CargoTarget struct {
	Name string
	Path string
}

// CargoPathDep is a dependency on a crate in the tree.
type CargoPathDep struct {
	Name string // the dependency's key
	Path string // as written, relative to the manifest's folder
}

type cargoWire struct {
	Package *struct {
		Name        string `toml:"name"`
		RustVersion any    `toml:"rust-version"`
		DefaultRun  string `toml:"default-run"`
		Autobins    *bool  `toml:"autobins"`
	} `toml:"package"`
	Workspace *struct {
		Members      []string       `toml:"members"`
		Exclude      []string       `toml:"exclude"`
		Dependencies map[string]any `toml:"dependencies"`
		Package      struct {
			RustVersion any `toml:"rust-version"`
		} `toml:"package"`
	} `toml:"workspace"`
	Bin          []CargoTarget  `toml:"bin"`
	Lib          *CargoTarget   `toml:"lib"`
	Dependencies map[string]any `toml:"dependencies"`
	Target       map[string]struct {
		Dependencies map[string]any `toml:"dependencies"`
	} `toml:"target"`
}

// ParseCargo reads a Cargo.toml.
func ParseCargo(data []byte) (*Cargo, error) {
	var w cargoWire
	if err := DecodeTOML(data, &w); err != nil {
		return nil, err
	}
	c := &Cargo{Bins: w.Bin, Lib: w.Lib}
	if p := w.Package; p != nil {
		c.Package = &CargoPackage{Name: p.Name, DefaultRun: p.DefaultRun, Autobins: p.Autobins == nil || *p.Autobins}
		switch v := p.RustVersion.(type) {
		case string:
			c.Package.RustVersion = v
		case map[string]any:
			c.Package.RustVersionFromWorkspace = v["workspace"] == true
		}
	}
	if ws := w.Workspace; ws != nil {
		c.Workspace = &CargoWorkspace{Members: ws.Members, Exclude: ws.Exclude}
		if s, ok := ws.Package.RustVersion.(string); ok {
			c.Workspace.RustVersion = s
		}
		for _, name := range cargoKeys(ws.Dependencies) {
			if t, ok := ws.Dependencies[name].(map[string]any); ok {
				if p, ok := t["path"].(string); ok && p != "" {
					c.Workspace.PathDeps = append(c.Workspace.PathDeps, CargoPathDep{name, p})
				}
			}
		}
	}
	add := func(deps map[string]any) {
		for _, name := range cargoKeys(deps) {
			crate := name
			if t, ok := deps[name].(map[string]any); ok {
				if p, ok := t["package"].(string); ok && p != "" {
					crate = p
				}
				if p, ok := t["path"].(string); ok && p != "" {
					c.PathDeps = append(c.PathDeps, CargoPathDep{name, p})
				}
				if t["workspace"] == true {
					c.WorkspaceDeps = appendUnique(c.WorkspaceDeps, name)
				}
			}
			c.Deps = appendUnique(c.Deps, crate)
		}
	}
	add(w.Dependencies)
	for _, k := range cargoKeys(w.Target) {
		add(w.Target[k].Dependencies)
	}
	slices.Sort(c.Deps)
	return c, nil
}

// CargoLockHas reports whether a Cargo.lock lists a package: how a build
// learns that a crate links a system library (openssl-sys) somewhere deep in
// its dependency tree.
func CargoLockHas(lock []byte, name string) bool {
	return bytes.Contains(lock, []byte("\nname = \""+name+"\"\n"))
}

// RustToolchain reads the channel of a rust-toolchain.toml, or of the legacy
// rust-toolchain file (a bare channel name, or the same TOML).
func RustToolchain(data []byte) (string, error) {
	trimmed := strings.TrimSpace(string(data))
	if trimmed != "" && !strings.ContainsAny(trimmed, "=[\n") {
		return trimmed, nil
	}
	var w struct {
		Toolchain struct {
			Channel string `toml:"channel"`
		} `toml:"toolchain"`
	}
	if err := DecodeTOML(data, &w); err != nil {
		return "", err
	}
	return w.Toolchain.Channel, nil
}

func cargoKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
