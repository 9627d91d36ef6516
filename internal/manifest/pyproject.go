package manifest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Pyproject is the part of a pyproject.toml Kyozo uses: the project's name
// and dependencies (PEP 621 or Poetry's tables), which tools manage it, uv
// workspace members and local sources.
type Pyproject struct {
	Name           string // normalised (PEP 503)
	RequiresPython string // [project] requires-python
	PoetryPython   string // [tool.poetry.dependencies] python
	BuildBackend   string

	// Deps are the runtime dependencies: [project].dependencies and
	// Poetry's main group, optional ones left out.
	Deps []Requirement
	// Scripts are console scripts: name → "module:function".
	Scripts map[string]string

	HasProject bool // a [project] table
	Poetry     bool // a [tool.poetry] table
	UV         bool // a [tool.uv] table
	PDM        bool // a [tool.pdm] table

	// Workspace is [tool.uv.workspace], or nil.
	Workspace *UVWorkspace
	// WorkspaceDeps are dependencies uv takes from the workspace
	// ([tool.uv.sources] x = { workspace = true }).
	WorkspaceDeps []string
	// PathDeps maps a dependency to the local folder it comes from (uv
	// `{ path = "../lib" }`, Poetry `{ path = "../lib" }`), as written.
	PathDeps map[string]string
}

// UVWorkspace is [tool.uv.workspace].
type UVWorkspace struct {
	Members []string
	Exclude []string
}

type pyprojectWire struct {
	Project *struct {
		Name           string   `toml:"name"`
		RequiresPython string   `toml:"requires-python"`
		Dependencies   []string `toml:"dependencies"`
		Scripts        map[string]string
	} `toml:"project"`
	BuildSystem struct {
		Backend string `toml:"build-backend"`
	} `toml:"build-system"`
	Tool struct {
		Poetry *struct {
			Name         string         `toml:"name"`
			Dependencies map[string]any `toml:"dependencies"`
			Scripts      map[string]any `toml:"scripts"`
		} `toml:"poetry"`
		UV *struct {
			Workspace *struct {
				Members []string `toml:"members"`
				Exclude []string `toml:"exclude"`
			} `toml:"workspace"`
			Sources map[string]any `toml:"sources"`
		} `toml:"uv"`
		PDM map[string]any `toml:"pdm"`
	} `toml:"tool"`
}

// ParsePyproject reads a pyproject.toml.
func ParsePyproject(data []byte) (*Pyproject, error) {
	var w pyprojectWire
	if err := DecodeTOML(data, &w); err != nil {
		return nil, err
	}
	p := &Pyproject{BuildBackend: w.BuildSystem.Backend, Scripts: map[string]string{}}
	if w.Project != nil {
		p.HasProject = true
		p.Name = NormalizePyName(w.Project.Name)
		p.RequiresPython = w.Project.RequiresPython
		for _, d := range w.Project.Dependencies {
			q, err := ParseRequirement(d)
			if err != nil {
				return nil, &Error{Line: pyTextLine(data, d), Msg: "[project] dependencies: " + err.Error()}
			}
			q.Line = pyTextLine(data, d)
			p.Deps = append(p.Deps, q)
		}
		for k, v := range w.Project.Scripts {
			p.Scripts[k] = v
		}
	}
	if po := w.Tool.Poetry; po != nil {
		p.Poetry = true
		if p.Name == "" {
			p.Name = NormalizePyName(po.Name)
		}
		names := pyKeys(po.Dependencies)
		for _, k := range names {
			v := po.Dependencies[k]
			if strings.EqualFold(k, "python") {
				if s, ok := v.(string); ok {
					p.PoetryPython = s
				}
				continue
			}
			if !validPyName(k) {
				return nil, &Error{Line: pyTextLine(data, k), Msg: fmt.Sprintf("[tool.poetry.dependencies]: %q is not a package name", truncate(k, 40))}
			}
			q := Requirement{Name: NormalizePyName(k), Line: pyTextLine(data, k)}
			switch t := v.(type) {
			case string:
				q.Specifier = t
			case map[string]any:
				if opt, _ := t["optional"].(bool); opt {
					continue
				}
				q.Specifier, _ = t["version"].(string)
				if extras, ok := t["extras"].([]any); ok {
					for _, e := range extras {
						if s, ok := e.(string); ok && validPyName(s) {
							q.Extras = append(q.Extras, NormalizePyName(s))
						}
					}
				}
				if pth, ok := t["path"].(string); ok {
					q.Path = pth
					p.addPathDep(q.Name, pth)
				}
			case []any:
				// Alternatives by marker; the name is what matters.
			default:
				return nil, &Error{Line: q.Line, Msg: fmt.Sprintf("[tool.poetry.dependencies] %s: expected a version string or a table", k)}
			}
			p.Deps = append(p.Deps, q)
		}
		for k, v := range po.Scripts {
			switch t := v.(type) {
			case string:
				p.Scripts[k] = t
			case map[string]any:
				if s, ok := t["callable"].(string); ok {
					p.Scripts[k] = s
				}
			}
		}
	}
	if uv := w.Tool.UV; uv != nil {
		p.UV = true
		if ws := uv.Workspace; ws != nil {
			p.Workspace = &UVWorkspace{Members: ws.Members, Exclude: ws.Exclude}
		}
		for _, k := range pyKeys(uv.Sources) {
			name := NormalizePyName(k)
			src := uv.Sources[k]
			// A source may be a list of alternatives chosen by marker.
			var tables []map[string]any
			switch t := src.(type) {
			case map[string]any:
				tables = append(tables, t)
			case []any:
				for _, e := range t {
					if m, ok := e.(map[string]any); ok {
						tables = append(tables, m)
					}
				}
			default:
				return nil, &Error{Line: pyTextLine(data, k), Msg: fmt.Sprintf("[tool.uv.sources] %s: expected a table", k)}
			}
			for _, t := range tables {
				if ws, _ := t["workspace"].(bool); ws && !slices.Contains(p.WorkspaceDeps, name) {
					p.WorkspaceDeps = append(p.WorkspaceDeps, name)
				}
				if pth, ok := t["path"].(string); ok {
					p.addPathDep(name, pth)
				}
			}
		}
	}
	if w.Tool.PDM != nil {
		p.PDM = true
	}
	return p, nil
}

func (p *Pyproject) addPathDep(name, pth string) {
	if p.PathDeps == nil {
		p.PathDeps = map[string]string{}
	}
	p.PathDeps[name] = pth
}

// DepNames returns the normalised names of the runtime dependencies.
func (p *Pyproject) DepNames() []string {
	var out []string
	for _, q := range p.Deps {
		if q.Name != "" && !slices.Contains(out, q.Name) {
			out = append(out, q.Name)
		}
	}
	return out
}

func pyKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pyTextLine returns the line of the first occurrence of s in data, or 0:
// decoded values carry no position, and an error that names a line is worth
// the search.
func pyTextLine(data []byte, s string) int {
	if s == "" {
		return 0
	}
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0
	}
	return LineOf(data, int64(i))
}
