package manifest

import (
	"fmt"
	"slices"
)

// Pipfile is the part of pipenv's Pipfile Kyozo uses.
type Pipfile struct {
	Packages      []string            // normalised names of [packages]
	DevPackages   []string            // normalised names of [dev-packages]
	PathDeps      map[string]string   // package → local path ({ path = "." })
	Extras        map[string][]string // package → extras ({ extras = ["binary"] })
	PythonVersion string              // [requires] python_full_version or python_version
	Scripts       map[string]string   // [scripts]
}

type pipfileWire struct {
	Packages    map[string]any `toml:"packages"`
	DevPackages map[string]any `toml:"dev-packages"`
	Requires    struct {
		PythonVersion     string `toml:"python_version"`
		PythonFullVersion string `toml:"python_full_version"`
	} `toml:"requires"`
	Scripts map[string]any `toml:"scripts"`
}

// ParsePipfile reads a Pipfile (TOML).
func ParsePipfile(data []byte) (*Pipfile, error) {
	var w pipfileWire
	if err := DecodeTOML(data, &w); err != nil {
		return nil, err
	}
	p := &Pipfile{PythonVersion: w.Requires.PythonFullVersion, Scripts: map[string]string{}}
	if p.PythonVersion == "" {
		p.PythonVersion = w.Requires.PythonVersion
	}
	var err error
	if p.Packages, err = p.readPackages(data, "packages", w.Packages); err != nil {
		return nil, err
	}
	if p.DevPackages, err = p.readPackages(data, "dev-packages", w.DevPackages); err != nil {
		return nil, err
	}
	for k, v := range w.Scripts {
		switch t := v.(type) {
		case string:
			p.Scripts[k] = t
		case map[string]any:
			if s, ok := t["call"].(string); ok {
				p.Scripts[k] = s
			}
		}
	}
	return p, nil
}

func (p *Pipfile) readPackages(data []byte, table string, m map[string]any) ([]string, error) {
	var out []string
	for _, k := range pyKeys(m) {
		if !validPyName(k) {
			return nil, &Error{Line: pyTextLine(data, k), Msg: fmt.Sprintf("[%s]: %q is not a package name", table, truncate(k, 40))}
		}
		name := NormalizePyName(k)
		switch t := m[k].(type) {
		case string:
		case map[string]any:
			if extras, ok := t["extras"].([]any); ok && table == "packages" {
				for _, e := range extras {
					if s, ok := e.(string); ok && validPyName(s) {
						if p.Extras == nil {
							p.Extras = map[string][]string{}
						}
						p.Extras[name] = append(p.Extras[name], NormalizePyName(s))
					}
				}
			}
			if pth, ok := t["path"].(string); ok && table == "packages" {
				if p.PathDeps == nil {
					p.PathDeps = map[string]string{}
				}
				p.PathDeps[name] = pth
			}
		default:
			return nil, &Error{Line: pyTextLine(data, k), Msg: fmt.Sprintf("[%s] %s: expected a version string or a table", table, k)}
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}
