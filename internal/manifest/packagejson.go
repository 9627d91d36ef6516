package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// PackageJSON is the part of a package.json Kyozo uses.
//
// Parsing is lenient on purpose: a hand-edited package.json with a comment,
// a trailing comma or a field of the wrong type still tells a lot about the
// project, so ParsePackageJSON returns what it could read together with the
// error that names the line.
type PackageJSON struct {
	Name    string
	Version string
	Private bool
	Type    string // "module" or "commonjs"
	Main    string
	Module  string
	Types   string // "types" or "typings"
	// HasExports is set when the package declares "exports": the mark of a
	// package meant to be imported, not run.
	HasExports bool
	// HasFiles is set when the package lists "files" to publish.
	HasFiles bool
	// Bin maps command names to files; a plain string bin is keyed by the
	// package name without its scope.
	Bin             map[string]string
	Scripts         map[string]string
	Dependencies    map[string]string
	DevDependencies map[string]string
	// Workspaces are member globs, from the array form or from
	// {"packages": [...]} (Yarn's form).
	Workspaces []string
	// PackageManager is the corepack field as written ("pnpm@9.1.0+sha512.…").
	PackageManager string
	Engines        map[string]string
	// PatchedDependencies are patch files pnpm applies at install
	// ("pnpm": {"patchedDependencies": {"pkg@1": "patches/pkg@1.patch"}}).
	PatchedDependencies []string
	// PrismaSchema is the "prisma": {"schema": …} path, when set.
	PrismaSchema string
	// Volta holds the tool versions Volta pins ("node", "npm", "yarn", "pnpm").
	Volta map[string]string
}

type packageJSONWire struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Private              json.RawMessage   `json:"private"`
	Type                 string            `json:"type"`
	Main                 string            `json:"main"`
	Module               string            `json:"module"`
	Types                string            `json:"types"`
	Typings              string            `json:"typings"`
	Exports              json.RawMessage   `json:"exports"`
	Files                json.RawMessage   `json:"files"`
	Bin                  json.RawMessage   `json:"bin"`
	Scripts              map[string]string `json:"scripts"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	Workspaces           json.RawMessage   `json:"workspaces"`
	PackageManager       string            `json:"packageManager"`
	Engines              json.RawMessage   `json:"engines"`
	Pnpm                 struct {
		PatchedDependencies map[string]string `json:"patchedDependencies"`
	} `json:"pnpm"`
	Prisma struct {
		Schema string `json:"schema"`
	} `json:"prisma"`
	Volta map[string]json.RawMessage `json:"volta"`
}

// ParsePackageJSON reads a package.json. On malformed input it returns the
// error (an *Error with the line) and, when anything could be read, the
// package as far as it was understood: a syntax error that only comments or
// trailing commas cause still yields the whole package, a field of the wrong
// type yields every other field. The package is nil only when nothing could
// be read.
func ParsePackageJSON(data []byte) (*PackageJSON, error) {
	// npm strips a byte order mark before parsing; so do we.
	data = jsStripBOM(data)
	var w packageJSONWire
	// A field of the wrong type leaves the other fields decoded, so only a
	// syntax error loses the document.
	err := DecodeJSON(data, &w)
	if err != nil && !json.Valid(data) {
		// npm refuses the file, but when the only faults are comments or
		// trailing commas the content is still clear.
		var w2 packageJSONWire
		if e2 := DecodeJSONC(data, &w2); e2 != nil && !json.Valid(StripJSONC(data)) {
			return nil, err
		}
		w = w2
	}
	p := &PackageJSON{
		Name:            w.Name,
		Version:         w.Version,
		Type:            w.Type,
		Main:            w.Main,
		Module:          w.Module,
		Types:           w.Types,
		Scripts:         w.Scripts,
		Dependencies:    w.Dependencies,
		DevDependencies: w.DevDependencies,
		PackageManager:  strings.TrimSpace(w.PackageManager),
		PrismaSchema:    w.Prisma.Schema,
	}
	for k, v := range w.Volta {
		var s string
		if json.Unmarshal(v, &s) == nil && s != "" {
			if p.Volta == nil {
				p.Volta = map[string]string{}
			}
			p.Volta[k] = s
		}
	}
	if p.Types == "" {
		p.Types = w.Typings
	}
	// Optional dependencies are installed like dependencies.
	for k, v := range w.OptionalDependencies {
		if p.Dependencies == nil {
			p.Dependencies = map[string]string{}
		}
		if _, ok := p.Dependencies[k]; !ok {
			p.Dependencies[k] = v
		}
	}
	p.HasExports = jsPresent(w.Exports)
	p.HasFiles = jsPresent(w.Files)
	for _, f := range slices.Sorted(maps.Keys(w.Pnpm.PatchedDependencies)) {
		if v := w.Pnpm.PatchedDependencies[f]; v != "" {
			p.PatchedDependencies = append(p.PatchedDependencies, v)
		}
	}
	shapeErr := func(field, want string) {
		if err == nil {
			err = &Error{Line: KeyLine(data, field), Msg: fmt.Sprintf("%q must be %s", field, want)}
		}
	}
	if !jsDecodeLoose(w.Private, &p.Private) {
		var s string
		if jsDecodeLoose(w.Private, &s) {
			p.Private = s == "true"
		} else {
			shapeErr("private", "true or false")
		}
	}
	if !p.decodeBin(w.Bin) {
		shapeErr("bin", "a path or an object of paths")
	}
	if !p.decodeWorkspaces(w.Workspaces) {
		shapeErr("workspaces", `an array of globs or {"packages": [...]}`)
	}
	if !jsDecodeLoose(w.Engines, &p.Engines) {
		// Engines values of other types (npm once allowed arrays) are dropped.
		var m map[string]json.RawMessage
		if jsDecodeLoose(w.Engines, &m) {
			p.Engines = map[string]string{}
			for k, v := range m {
				var s string
				if json.Unmarshal(v, &s) == nil {
					p.Engines[k] = s
				}
			}
		} else {
			shapeErr("engines", "an object")
		}
	}
	return p, err
}

func (p *PackageJSON) decodeBin(raw json.RawMessage) bool {
	if !jsPresent(raw) {
		return true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s != "" {
			name := p.Name
			if i := strings.LastIndexByte(name, '/'); i >= 0 {
				name = name[i+1:]
			}
			p.Bin = map[string]string{name: s}
		}
		return true
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for k, v := range m {
		var f string
		if json.Unmarshal(v, &f) == nil && f != "" {
			if p.Bin == nil {
				p.Bin = map[string]string{}
			}
			p.Bin[k] = f
		}
	}
	return true
}

func (p *PackageJSON) decodeWorkspaces(raw json.RawMessage) bool {
	if !jsPresent(raw) {
		return true
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		p.Workspaces = jsNonEmpty(list)
		return true
	}
	var obj struct {
		Packages []string `json:"packages"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		p.Workspaces = jsNonEmpty(obj.Packages)
		return true
	}
	return false
}

// KeyLine returns the line of the first `"key":` in a JSON document, or 0:
// how a field whose value has the wrong shape is located.
func KeyLine(data []byte, key string) int {
	q := []byte(`"` + key + `"`)
	off := 0
	for {
		i := bytes.Index(data[off:], q)
		if i < 0 {
			return 0
		}
		j := off + i + len(q)
		for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\r' || data[j] == '\n') {
			j++
		}
		if j < len(data) && data[j] == ':' {
			return LineOf(data, int64(off+i))
		}
		off = off + i + 1
	}
}

// DepNames returns the names of dependencies and devDependencies, sorted
// and without repeats.
func (p *PackageJSON) DepNames() []string {
	out := make([]string, 0, len(p.Dependencies)+len(p.DevDependencies))
	for k := range p.Dependencies {
		out = append(out, k)
	}
	for k := range p.DevDependencies {
		out = append(out, k)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Has reports whether name is a dependency or a dev dependency.
func (p *PackageJSON) Has(name string) bool {
	_, ok := p.Dependencies[name]
	if !ok {
		_, ok = p.DevDependencies[name]
	}
	return ok
}

// DepVersion returns the version range of a dependency or dev dependency.
func (p *PackageJSON) DepVersion(name string) string {
	if v, ok := p.Dependencies[name]; ok {
		return v
	}
	return p.DevDependencies[name]
}

// Script returns a script's command line, or "".
func (p *PackageJSON) Script(name string) string { return strings.TrimSpace(p.Scripts[name]) }

// Manager splits the packageManager field: "pnpm@9.1.0+sha512.abc" is
// ("pnpm", "9.1.0"). It returns "" for a field it does not understand.
func (p *PackageJSON) Manager() (name, version string) {
	name, version, _ = strings.Cut(p.PackageManager, "@")
	version, _, _ = strings.Cut(version, "+")
	switch name {
	case "npm", "yarn", "pnpm", "bun":
		return name, version
	}
	return "", ""
}
