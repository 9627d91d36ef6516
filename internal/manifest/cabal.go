package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// HaskellPackage is what Kyozo reads of a Haskell package description, from
// a .cabal file or hpack's package.yaml.
type HaskellPackage struct {
	Name        string
	Version     string
	TestedWith  string // tested-with: GHC == 9.6.4
	Library     bool
	Executables []HaskellExecutable
	// Deps are the build-depends of the library and the executables, sorted
	// and without duplicates (test suites and benchmarks are left out).
	Deps []string
}

// HaskellExecutable is one executable section.
type HaskellExecutable struct {
	Name string
	Main string // main-is
	Dir  string // hs-source-dirs / source-dirs (first)
	Line int
}

// cabalSections are the stanzas a .cabal file may open at column 0.
var cabalSections = []string{
	"library", "executable", "test-suite", "benchmark", "foreign-library",
	"common", "flag", "source-repository", "custom-setup",
}

// ParseCabal reads a .cabal file: top-level fields, then indented sections.
// Field values continue on lines indented deeper than the field's name. A
// line at column 0 that is neither a field nor a known section fails with
// its line; what was read before it is returned with the error.
func ParseCabal(data []byte) (*HaskellPackage, error) {
	p := &HaskellPackage{}
	deps := map[string]bool{}
	var (
		section  string // "" for the top level
		exe      *HaskellExecutable
		field    string
		fieldInd = -1
		value    strings.Builder
	)
	flush := func() {
		if field == "" {
			return
		}
		v := strings.TrimSpace(value.String())
		switch {
		case section == "":
			switch field {
			case "name":
				p.Name = v
			case "version":
				p.Version = v
			case "tested-with":
				p.TestedWith = v
			}
		case field == "build-depends" && (section == "library" || section == "executable" || section == "common"):
			for _, d := range cabalDepNames(v) {
				deps[d] = true
			}
		case section == "executable" && exe != nil:
			switch field {
			case "main-is":
				exe.Main = v
			case "hs-source-dirs":
				if f := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }); len(f) > 0 {
					exe.Dir = f[0]
				}
			}
		}
		field, fieldInd = "", -1
		value.Reset()
	}
	endExe := func() {
		if exe != nil {
			p.Executables = append(p.Executables, *exe)
			exe = nil
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	var err error
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimLeft(raw, " \t")
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		ind := len(raw) - len(trimmed)
		if field != "" && ind > fieldInd {
			value.WriteByte('\n')
			value.WriteString(trimmed)
			continue
		}
		flush()
		if name, val, ok := cabalField(trimmed); ok {
			if ind == 0 && section != "" {
				// A top-level field after a section: the section ended.
				endExe()
				section = ""
			}
			field, fieldInd = name, ind
			value.WriteString(val)
			continue
		}
		if ind > 0 {
			// if/else conditionals and braces inside a section.
			continue
		}
		word, rest, _ := strings.Cut(trimmed, " ")
		word = strings.ToLower(word)
		if !slices.Contains(cabalSections, word) {
			err = &Error{Line: n, Msg: fmt.Sprintf("expected a field or a section, got %q", truncate(trimmed, 60))}
			break
		}
		endExe()
		section = word
		switch word {
		case "library":
			if strings.TrimSpace(strings.Trim(rest, "{ ")) == "" {
				p.Library = true // a named library is an internal sublibrary
			}
		case "executable":
			exe = &HaskellExecutable{Name: strings.TrimSpace(strings.Trim(rest, "{ ")), Line: n}
		}
	}
	if err == nil && sc.Err() != nil {
		err = &Error{Line: n + 1, Msg: sc.Err().Error()}
	}
	flush()
	endExe()
	p.Deps = tailSortedKeys(deps)
	if err == nil && p.Name == "" {
		err = &Error{Msg: "no name field"}
	}
	return p, err
}

// cabalField splits `name: value`; field names are case-insensitive.
func cabalField(line string) (name, value string, ok bool) {
	k, v, found := strings.Cut(line, ":")
	if !found || k == "" {
		return "", "", false
	}
	k = strings.TrimSpace(k)
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", "", false
		}
	}
	return strings.ToLower(k), strings.TrimSpace(v), true
}

// cabalDepNames returns the package names of a build-depends value:
// "base >=4.7 && <5, scotty ^>=0.20, text" gives base, scotty, text.
func cabalDepNames(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		end := strings.IndexFunc(item, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
		})
		if end >= 0 {
			item = item[:end]
		}
		if item != "" {
			out = append(out, item)
		}
	}
	return out
}

// ParseHpack reads hpack's package.yaml, the source stack generates the
// .cabal file from.
func ParseHpack(data []byte) (*HaskellPackage, error) {
	var w struct {
		Name         string         `yaml:"name"`
		Version      any            `yaml:"version"`
		TestedWith   any            `yaml:"tested-with"`
		Dependencies any            `yaml:"dependencies"`
		Library      map[string]any `yaml:"library"`
		Executables  map[string]struct {
			Main         string `yaml:"main"`
			SourceDirs   any    `yaml:"source-dirs"`
			Dependencies any    `yaml:"dependencies"`
		} `yaml:"executables"`
		Executable *struct {
			Main         string `yaml:"main"`
			SourceDirs   any    `yaml:"source-dirs"`
			Dependencies any    `yaml:"dependencies"`
		} `yaml:"executable"`
	}
	if err := DecodeYAML(data, &w); err != nil {
		return nil, err
	}
	p := &HaskellPackage{Name: w.Name, Version: yamlScalar(w.Version), TestedWith: yamlScalar(w.TestedWith)}
	p.Library = w.Library != nil
	deps := map[string]bool{}
	add := func(v any) {
		for _, d := range hpackDeps(v) {
			deps[d] = true
		}
	}
	add(w.Dependencies)
	add(w.Library["dependencies"])
	for _, name := range tailSortedKeys(w.Executables) {
		e := w.Executables[name]
		p.Executables = append(p.Executables, HaskellExecutable{Name: name, Main: e.Main, Dir: hpackFirst(e.SourceDirs)})
		add(e.Dependencies)
	}
	if e := w.Executable; e != nil {
		p.Executables = append(p.Executables, HaskellExecutable{Name: w.Name, Main: e.Main, Dir: hpackFirst(e.SourceDirs)})
		add(e.Dependencies)
	}
	p.Deps = tailSortedKeys(deps)
	return p, nil
}

// hpackDeps reads hpack's dependencies: a list of "name constraint"
// strings, a map of name to constraint, or one string.
func hpackDeps(v any) []string {
	switch x := v.(type) {
	case string:
		return cabalDepNames(x)
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, cabalDepNames(s)...)
			} else if m, ok := e.(map[string]any); ok {
				if n, ok := m["name"].(string); ok {
					out = append(out, cabalDepNames(n)...)
				}
			}
		}
		return out
	case map[string]any:
		return tailSortedKeys(x)
	}
	return nil
}

func hpackFirst(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			s, _ := x[0].(string)
			return s
		}
	}
	return ""
}

// StackConfig is what Kyozo reads of a stack.yaml.
type StackConfig struct {
	Resolver string   // resolver: lts-22.7 (or snapshot:)
	Compiler string   // compiler: ghc-9.6.4
	Packages []string // packages: [.] (folders relative to stack.yaml)
}

// ParseStackYAML reads a stack.yaml.
func ParseStackYAML(data []byte) (*StackConfig, error) {
	var w struct {
		Resolver any      `yaml:"resolver"`
		Snapshot any      `yaml:"snapshot"`
		Compiler string   `yaml:"compiler"`
		Packages []string `yaml:"packages"`
	}
	if err := DecodeYAML(data, &w); err != nil {
		return nil, err
	}
	s := &StackConfig{Resolver: yamlScalar(w.Resolver), Compiler: w.Compiler, Packages: w.Packages}
	if s.Resolver == "" {
		s.Resolver = yamlScalar(w.Snapshot)
	}
	return s, nil
}

// stackLTSGHC maps Stackage LTS major versions to the GHC minor they ship.
var stackLTSGHC = map[int]string{
	24: "9.10", 23: "9.8", 22: "9.6", 21: "9.4", 20: "9.2", 19: "9.0",
	18: "8.10", 17: "8.10", 16: "8.8", 15: "8.8", 14: "8.6", 13: "8.6", 12: "8.4",
}

// GHC returns the GHC version the configuration builds with ("9.6" or the
// compiler's full version), or "" when it cannot tell (a nightly, a custom
// snapshot, an LTS newer than this table).
func (s *StackConfig) GHC() string {
	if v, ok := strings.CutPrefix(s.Compiler, "ghc-"); ok {
		return v
	}
	r := s.Resolver
	if v, ok := strings.CutPrefix(r, "ghc-"); ok {
		return v
	}
	if v, ok := strings.CutPrefix(r, "lts-"); ok {
		major, _, _ := strings.Cut(v, ".")
		if n, err := strconv.Atoi(major); err == nil {
			return stackLTSGHC[n]
		}
	}
	return ""
}
