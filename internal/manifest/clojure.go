package manifest

import (
	"fmt"
	"strconv"
	"strings"
)

// LeinProject is what Kyozo reads of a Leiningen project.clj.
type LeinProject struct {
	Name        string // the defproject symbol ("acme/api" or "api")
	Version     string
	Deps        []string // dependency symbols as written ("ring/ring-core")
	Plugins     []string
	Main        string // :main namespace
	UberjarMain string // :main of the :uberjar profile
	UberjarName string
	TargetPath  string
	RingHandler string // :ring {:handler …}
	RingPort    int    // :ring {:port …}
	Line        int    // line of the defproject form
}

// DepsEdn is what Kyozo reads of a Clojure CLI deps.edn.
type DepsEdn struct {
	Deps       []string          // :deps library symbols
	LocalRoots map[string]string // library → :local/root folder
	Paths      []string
	Aliases    map[string]DepsAlias // alias keyword without ':' → alias
}

// DepsAlias is one entry of :aliases.
type DepsAlias struct {
	MainOpts  []string // :main-opts
	ExecFn    string   // :exec-fn
	NsDefault string   // :ns-default (tools.build aliases)
	Deps      []string // :extra-deps, :deps and :replace-deps libraries
}

// MainNamespace returns the namespace of `-m ns` in :main-opts, or "".
func (a DepsAlias) MainNamespace() string {
	for i := 0; i+1 < len(a.MainOpts); i++ {
		if a.MainOpts[i] == "-m" || a.MainOpts[i] == "--main" {
			return a.MainOpts[i+1]
		}
	}
	return ""
}

// ParseLeinProject reads a project.clj. The file is Clojure code; only the
// literal parts of its defproject form are read.
func ParseLeinProject(data []byte) (*LeinProject, error) {
	forms, err := readClj(data)
	if err != nil {
		return nil, err
	}
	for _, f := range forms {
		if f.kind != '(' || len(f.items) < 2 || f.items[0].kind != 'y' || f.items[0].text != "defproject" {
			continue
		}
		p := &LeinProject{Name: f.items[1].text, Line: f.line}
		rest := f.items[2:]
		if len(rest) > 0 && rest[0].kind == 's' {
			p.Version = rest[0].text
			rest = rest[1:]
		}
		for i := 0; i+1 < len(rest); i += 2 {
			k, v := rest[i], rest[i+1]
			if k.kind != 'k' {
				continue
			}
			switch k.text {
			case "dependencies":
				p.Deps = cljDepVector(v)
			case "plugins":
				p.Plugins = cljDepVector(v)
			case "main":
				p.Main = cljSymbol(v)
			case "uberjar-name":
				p.UberjarName = cljString(v)
			case "target-path":
				p.TargetPath = cljString(v)
			case "ring":
				p.RingHandler = cljSymbol(v.get("handler"))
				if n, err := strconv.Atoi(v.get("port").text); err == nil && v.get("port").kind == 'n' {
					p.RingPort = n
				}
			case "profiles":
				p.UberjarMain = cljSymbol(v.get("uberjar").get("main"))
			}
		}
		return p, nil
	}
	return nil, &Error{Line: 1, Msg: "no (defproject …) form"}
}

// ParseDepsEdn reads a deps.edn.
func ParseDepsEdn(data []byte) (*DepsEdn, error) {
	forms, err := readClj(data)
	if err != nil {
		return nil, err
	}
	if len(forms) == 0 || forms[0].kind != '{' {
		line := 1
		if len(forms) > 0 {
			line = forms[0].line
		}
		return nil, &Error{Line: line, Msg: "deps.edn must hold a map"}
	}
	m := forms[0]
	d := &DepsEdn{LocalRoots: map[string]string{}, Aliases: map[string]DepsAlias{}}
	libs := func(v cljNode) []string {
		var out []string
		for i := 0; i+1 < len(v.items); i += 2 {
			if lib := v.items[i].text; lib != "" {
				out = appendUnique(out, lib)
				if root := cljString(v.items[i+1].get("local/root")); root != "" {
					d.LocalRoots[lib] = root
				}
			}
		}
		return out
	}
	if v := m.get("deps"); v.kind == '{' {
		d.Deps = libs(v)
	}
	for _, p := range m.get("paths").items {
		if p.kind == 's' {
			d.Paths = append(d.Paths, p.text)
		}
	}
	al := m.get("aliases")
	for i := 0; i+1 < len(al.items); i += 2 {
		k, v := al.items[i], al.items[i+1]
		if k.kind != 'k' || v.kind != '{' {
			continue
		}
		a := DepsAlias{ExecFn: cljSymbol(v.get("exec-fn")), NsDefault: cljSymbol(v.get("ns-default"))}
		for _, o := range v.get("main-opts").items {
			if o.kind == 's' {
				a.MainOpts = append(a.MainOpts, o.text)
			}
		}
		for _, key := range []string{"extra-deps", "deps", "replace-deps"} {
			if x := v.get(key); x.kind == '{' {
				for _, lib := range libs(x) {
					a.Deps = appendUnique(a.Deps, lib)
				}
			}
		}
		d.Aliases[k.text] = a
	}
	return d, nil
}

// cljNode is a form read from Clojure or EDN text. kind is '(' list, '['
// vector, '{' map, '#' set, 's' string, 'k' keyword (text without ':'),
// 'y' symbol, 'n' number, 'c' character or other atom.
type cljNode struct {
	kind  byte
	text  string
	items []cljNode
	line  int
}

// get returns the value of a keyword key in a map node, or the zero node.
func (n cljNode) get(key string) cljNode {
	if n.kind != '{' {
		return cljNode{}
	}
	for i := 0; i+1 < len(n.items); i += 2 {
		if n.items[i].kind == 'k' && n.items[i].text == key {
			return n.items[i+1]
		}
	}
	return cljNode{}
}

func cljString(n cljNode) string {
	if n.kind == 's' {
		return n.text
	}
	return ""
}

func cljSymbol(n cljNode) string {
	if n.kind == 'y' {
		return n.text
	}
	return ""
}

// cljDepVector reads [[lib "version" …] …] and returns the library symbols.
func cljDepVector(v cljNode) []string {
	var out []string
	for _, d := range v.items {
		if d.kind == '[' && len(d.items) > 0 && d.items[0].kind == 'y' {
			out = appendUnique(out, d.items[0].text)
		}
	}
	return out
}

// cljMaxDepth bounds nesting so a hostile file cannot exhaust the stack.
const cljMaxDepth = 256

// readClj reads every top-level form of Clojure or EDN text. Reader macros
// are read structurally: quote and deref wrap nothing (the form after them
// is read in place), #_ drops the next form, metadata (^…) is dropped,
// tagged literals keep their value.
func readClj(src []byte) ([]cljNode, error) {
	r := &cljReader{s: src, line: 1}
	var out []cljNode
	for {
		n, ok, err := r.form(0)
		if err != nil {
			return out, err
		}
		if !ok {
			if r.i < len(r.s) {
				return out, &Error{Line: r.line, Msg: fmt.Sprintf("unexpected %q", r.s[r.i])}
			}
			return out, nil
		}
		out = append(out, n)
	}
}

type cljReader struct {
	s    []byte
	i    int
	line int
}

// skip passes whitespace, commas and ; comments.
func (r *cljReader) skip() {
	for r.i < len(r.s) {
		c := r.s[r.i]
		switch {
		case c == '\n':
			r.line++
			r.i++
		case c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\f':
			r.i++
		case c == ';':
			for r.i < len(r.s) && r.s[r.i] != '\n' {
				r.i++
			}
		default:
			return
		}
	}
}

// form reads one form; ok is false at the end of input or before a
// closing bracket, which the caller handles.
func (r *cljReader) form(depth int) (cljNode, bool, error) {
	if depth > cljMaxDepth {
		return cljNode{}, false, &Error{Line: r.line, Msg: "forms nested too deeply"}
	}
	r.skip()
	if r.i >= len(r.s) {
		return cljNode{}, false, nil
	}
	c := r.s[r.i]
	line := r.line
	switch c {
	case ')', ']', '}':
		return cljNode{}, false, nil
	case '(', '[', '{':
		r.i++
		return r.seq(c, line, depth)
	case '"':
		s, err := r.str()
		return cljNode{kind: 's', text: s, line: line}, err == nil, err
	case '\'', '`', '@':
		r.i++
		return r.formAfter(depth, line, "a form after "+string(c))
	case '~':
		r.i++
		if r.i < len(r.s) && r.s[r.i] == '@' {
			r.i++
		}
		return r.formAfter(depth, line, "a form after ~")
	case '^':
		r.i++
		if _, err := r.required(depth, line, "metadata after ^"); err != nil {
			return cljNode{}, false, err
		}
		return r.formAfter(depth, line, "a form after metadata")
	case '\\':
		j := r.i + 1
		if j < len(r.s) {
			j++
		}
		for j < len(r.s) && cljAtomChar(r.s[j]) {
			j++
		}
		n := cljNode{kind: 'c', text: string(r.s[r.i:j]), line: line}
		r.i = j
		return n, true, nil
	case '#':
		if r.i+1 >= len(r.s) {
			r.i++
			return cljNode{}, false, &Error{Line: line, Msg: "lone #"}
		}
		switch d := r.s[r.i+1]; d {
		case '{':
			r.i += 2
			n, ok, err := r.seq('{', line, depth)
			n.kind = '#'
			return n, ok, err
		case '(':
			r.i += 2
			return r.seq('(', line, depth)
		case '"':
			r.i++
			s, err := r.str()
			return cljNode{kind: 'c', text: s, line: line}, err == nil, err
		case '_':
			r.i += 2
			if _, err := r.required(depth, line, "a form after #_"); err != nil {
				return cljNode{}, false, err
			}
			return r.form(depth)
		case '\'', '=':
			r.i += 2
			return r.formAfter(depth, line, "a form after #"+string(d))
		case '?':
			// Reader conditionals: #?(:clj x :cljs y) and #?@(…).
			r.i += 2
			if r.i < len(r.s) && r.s[r.i] == '@' {
				r.i++
			}
			return r.formAfter(depth, line, "a list after #?")
		case '#':
			// ##Inf, ##NaN
			r.i += 2
			return r.atom(line)
		default:
			// A tagged literal (#inst "…", #uuid "…", #my/tag {…}): the tag is
			// dropped, the value kept.
			r.i++
			if _, _, err := r.atom(line); err != nil {
				return cljNode{}, false, err
			}
			return r.formAfter(depth, line, "a value after a tag")
		}
	}
	return r.atom(line)
}

// formAfter reads the form a reader macro applies to.
func (r *cljReader) formAfter(depth, line int, what string) (cljNode, bool, error) {
	n, err := r.required(depth, line, what)
	return n, err == nil, err
}

// required reads a form that must be there.
func (r *cljReader) required(depth, line int, what string) (cljNode, error) {
	n, ok, err := r.form(depth + 1)
	if err != nil {
		return n, err
	}
	if !ok {
		return n, &Error{Line: line, Msg: "expected " + what}
	}
	return n, nil
}

// seq reads the items of a list, vector or map up to its closing bracket.
func (r *cljReader) seq(open byte, line, depth int) (cljNode, bool, error) {
	closer := map[byte]byte{'(': ')', '[': ']', '{': '}'}[open]
	n := cljNode{kind: open, line: line}
	for {
		item, ok, err := r.form(depth + 1)
		if err != nil {
			return n, false, err
		}
		if !ok {
			if r.i >= len(r.s) {
				return n, false, &Error{Line: line, Msg: fmt.Sprintf("%q is never closed", open)}
			}
			if r.s[r.i] != closer {
				return n, false, &Error{Line: r.line, Msg: fmt.Sprintf("unexpected %q: %q opened on line %d is not closed", r.s[r.i], open, line)}
			}
			r.i++
			return n, true, nil
		}
		n.items = append(n.items, item)
	}
}

// str reads a string literal at r.i.
func (r *cljReader) str() (string, error) {
	start := r.line
	var b strings.Builder
	for j := r.i + 1; j < len(r.s); j++ {
		c := r.s[j]
		switch c {
		case '\\':
			if j+1 < len(r.s) {
				j++
				switch r.s[j] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case '\n':
					r.line++
					b.WriteByte('\n')
				default:
					b.WriteByte(r.s[j])
				}
			}
		case '"':
			r.i = j + 1
			return b.String(), nil
		case '\n':
			r.line++
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	r.i = len(r.s)
	return "", &Error{Line: start, Msg: "unterminated string"}
}

// atom reads a symbol, keyword or number.
func (r *cljReader) atom(line int) (cljNode, bool, error) {
	if r.i >= len(r.s) {
		return cljNode{}, false, &Error{Line: line, Msg: "unexpected end of file"}
	}
	j := r.i
	for j < len(r.s) && cljAtomChar(r.s[j]) {
		j++
	}
	if j == r.i {
		c := r.s[r.i]
		r.i++
		return cljNode{}, false, &Error{Line: line, Msg: fmt.Sprintf("unexpected %q", c)}
	}
	text := string(r.s[r.i:j])
	r.i = j
	switch {
	case strings.HasPrefix(text, "::"):
		return cljNode{kind: 'k', text: text[2:], line: line}, true, nil
	case text[0] == ':':
		return cljNode{kind: 'k', text: text[1:], line: line}, true, nil
	case text[0] >= '0' && text[0] <= '9' || (text[0] == '-' || text[0] == '+') && len(text) > 1 && text[1] >= '0' && text[1] <= '9':
		return cljNode{kind: 'n', text: text, line: line}, true, nil
	}
	return cljNode{kind: 'y', text: text, line: line}, true, nil
}

func cljAtomChar(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', ',', '(', ')', '[', ']', '{', '}', '"', ';', '\\', '^', '@', '`', '~':
		return false
	}
	return true
}
