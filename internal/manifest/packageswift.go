package manifest

import (
	"path"
	"strings"
)

// SwiftPackage is what Kyozo reads of a Package.swift. The manifest is Swift
// code; it is scanned for the calls every manifest is written with
// (Package(name:), .package(url:…), .executableTarget(name:), .target(name:),
// .executable(name:)), not evaluated.
type SwiftPackage struct {
	ToolsVersion string // from the `// swift-tools-version:5.9` first line
	Name         string
	Deps         []string // lowercased repository names: vapor, hummingbird, swift-nio
	LocalPaths   []string // .package(path: "../Shared")
	Targets      []SwiftTarget
	Products     []string // .executable(name:) products
}

// SwiftTarget is one target of the manifest.
type SwiftTarget struct {
	Name string
	Kind string // "executable", "regular", "test", "plugin", "macro", "system", "binary"
	Path string // path: override, or ""
	Line int
}

// ParseSwiftPackage scans a Package.swift. A manifest that does not tokenise
// (an unterminated string, unbalanced brackets) fails with the line; what
// was found before it is returned with the error.
func ParseSwiftPackage(data []byte) (*SwiftPackage, error) {
	p := &SwiftPackage{ToolsVersion: swiftToolsVersion(data)}
	toks, err := lexC(data, true)
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.kind == 'i' && t.text == "Package" && toks[i+1].kind == '(' && p.Name == "" {
			p.Name = cNamedString(toks, i+1, "name")
			continue
		}
		if t.kind != '.' || i+2 >= len(toks) || toks[i+1].kind != 'i' || toks[i+2].kind != '(' {
			continue
		}
		open := i + 2
		switch fn := toks[i+1].text; fn {
		case "package":
			if u := cNamedString(toks, open, "url"); u != "" {
				p.Deps = append(p.Deps, swiftRepoName(u))
			} else if id := cNamedString(toks, open, "id"); id != "" {
				_, name, _ := strings.Cut(id, ".")
				p.Deps = append(p.Deps, strings.ToLower(name))
			} else if lp := cNamedString(toks, open, "path"); lp != "" {
				p.LocalPaths = append(p.LocalPaths, lp)
			}
		case "executableTarget", "target", "testTarget", "plugin", "macro", "systemLibrary", "binaryTarget":
			name := cNamedString(toks, open, "name")
			if name == "" {
				continue
			}
			kind := map[string]string{
				"executableTarget": "executable", "target": "regular", "testTarget": "test",
				"plugin": "plugin", "macro": "macro", "systemLibrary": "system", "binaryTarget": "binary",
			}[fn]
			p.Targets = append(p.Targets, SwiftTarget{Name: name, Kind: kind, Path: cNamedString(toks, open, "path"), Line: toks[i+1].line})
		case "executable":
			if name := cNamedString(toks, open, "name"); name != "" {
				p.Products = append(p.Products, name)
			}
		}
	}
	if err == nil && p.Name == "" {
		err = &Error{Msg: "no Package(name: …) declaration"}
	}
	return p, err
}

// swiftToolsVersion reads `// swift-tools-version:5.9` (or `: 5.9` or
// `:5.9.0` followed by `; …`) from the first line.
func swiftToolsVersion(data []byte) string {
	first, _, _ := strings.Cut(string(data), "\n")
	_, v, ok := strings.Cut(first, "swift-tools-version:")
	if !ok {
		return ""
	}
	v, _, _ = strings.Cut(strings.TrimSpace(v), ";")
	return strings.TrimSpace(v)
}

// swiftRepoName turns a package URL into the name SwiftPM gives the package
// identity: the last path element without .git, lowercased.
func swiftRepoName(u string) string {
	u = strings.TrimSuffix(strings.TrimRight(u, "/"), ".git")
	return strings.ToLower(path.Base(u))
}

// ExecutableTargets returns the names of the executable targets.
func (p *SwiftPackage) ExecutableTargets() []string {
	var out []string
	for _, t := range p.Targets {
		if t.Kind == "executable" {
			out = append(out, t.Name)
		}
	}
	return out
}
