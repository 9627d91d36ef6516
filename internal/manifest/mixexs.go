package manifest

import "strings"

// MixProject is what Kyozo reads of a mix.exs. mix.exs is Elixir code, so it
// is scanned, not evaluated: the keyword lists of project/0, application/0,
// releases and the {:name, …} tuples of deps/0 cover every generated and
// nearly every hand-written file; values computed at compile time are missed.
type MixProject struct {
	App      string   // app: :my_app
	Version  string   // version: "0.1.0", or the module attribute it names
	Elixir   string   // elixir: "~> 1.15" (a requirement)
	AppsPath string   // apps_path: "apps" on an umbrella root
	Mod      string   // mod: {MyApp.Application, []}: the application callback module
	Escript  bool     // escript: […] is configured
	Releases []string // names under releases: […], in order
	Aliases  []string // names of aliases ("assets.deploy", "setup" …)
	Deps     []MixDep
}

// MixDep is one {:name, …} tuple of deps/0.
type MixDep struct {
	Name        string
	Requirement string   // "~> 1.7", or "" for git/path deps
	Only        []string // only: :dev / only: [:dev, :test]
	Path        string   // path: "../lib"
	InUmbrella  bool     // in_umbrella: true
	Line        int
}

// Umbrella reports whether the project is an umbrella root.
func (p *MixProject) Umbrella() bool { return p.AppsPath != "" }

// RuntimeDep reports whether the dependency is part of a prod build.
func (d MixDep) RuntimeDep() bool {
	if len(d.Only) == 0 {
		return true
	}
	for _, e := range d.Only {
		if e == "prod" {
			return true
		}
	}
	return false
}

// ParseMixExs scans a mix.exs. Unterminated strings and unbalanced brackets
// fail with their line; what was read is still returned with the error.
func ParseMixExs(data []byte) (*MixProject, error) {
	toks, err := lexElixir(data)
	p := &MixProject{}
	attrs := map[string]string{}
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind == exAttr && toks[i+1].kind == exString {
			if _, seen := attrs[toks[i].text]; !seen {
				attrs[toks[i].text] = toks[i+1].text
			}
		}
	}
	str := func(i int) string {
		if i >= len(toks) {
			return ""
		}
		switch toks[i].kind {
		case exString:
			return toks[i].text
		case exAttr:
			return attrs[toks[i].text]
		}
		return ""
	}
	var sawReleases, sawAliases bool
	for i, t := range toks {
		if t.kind != exKey {
			continue
		}
		switch t.text {
		case "app":
			if p.App == "" && i+1 < len(toks) && toks[i+1].kind == exAtom {
				p.App = toks[i+1].text
			}
		case "version":
			if p.Version == "" {
				p.Version = str(i + 1)
			}
		case "elixir":
			if p.Elixir == "" {
				p.Elixir = str(i + 1)
			}
		case "apps_path":
			if p.AppsPath == "" {
				p.AppsPath = str(i + 1)
			}
		case "mod":
			if p.Mod == "" && i+2 < len(toks) && toks[i+1].text == "{" && toks[i+2].kind == exIdent {
				p.Mod = toks[i+2].text
			}
		case "escript":
			p.Escript = true
		case "releases":
			if !sawReleases {
				sawReleases = true
				p.Releases = exListKeys(toks, i+1)
			}
		case "aliases":
			if !sawAliases {
				sawAliases = true
				p.Aliases = exListKeys(toks, i+1)
			}
		}
	}
	// releases: releases() and aliases: aliases() name private functions
	// whose bodies hold the lists.
	if len(p.Releases) == 0 {
		if body := exFuncBody(toks, "releases"); body >= 0 {
			p.Releases = exListKeys(toks, body)
		}
	}
	if len(p.Aliases) == 0 {
		if body := exFuncBody(toks, "aliases"); body >= 0 {
			p.Aliases = exListKeys(toks, body)
		}
	}
	start, end := 0, len(toks)
	if body := exFuncBody(toks, "deps"); body >= 0 {
		start, end = body, exListEnd(toks, body)
	}
	for i := start; i+2 < end; i++ {
		if toks[i].text == "{" && toks[i].kind == exPunct && toks[i+1].kind == exAtom && toks[i+2].text == "," {
			if d, ok := exMixDep(toks, i, str); ok {
				p.Deps = append(p.Deps, d)
			}
		}
	}
	return p, err
}

// exMixDep reads the tuple opening at toks[i] when it has the shape of a
// dependency: {:name, "req"} or {:name, opt: …} or {:name, "req", opt: …}.
func exMixDep(toks []exTok, i int, str func(int) string) (MixDep, bool) {
	d := MixDep{Name: toks[i+1].text, Line: toks[i+1].line}
	end := toks[i].match
	j := i + 3
	if j < len(toks) && toks[j].kind == exString {
		d.Requirement = toks[j].text
		j++
	} else if j >= len(toks) || toks[j].kind != exKey {
		return d, false
	}
	for ; j < end && j < len(toks); j = exNext(toks, j) {
		t := toks[j]
		if t.kind != exKey {
			continue
		}
		switch t.text {
		case "path":
			d.Path = str(j + 1)
		case "in_umbrella":
			d.InUmbrella = j+1 < len(toks) && toks[j+1].text == "true"
		case "only":
			if j+1 < len(toks) && toks[j+1].kind == exAtom {
				d.Only = []string{toks[j+1].text}
			} else if j+1 < len(toks) && toks[j+1].text == "[" {
				for k := j + 2; k < toks[j+1].match && k < len(toks); k++ {
					if toks[k].kind == exAtom {
						d.Only = append(d.Only, toks[k].text)
					}
				}
			}
		}
	}
	return d, true
}

// exFuncBody returns the index of the first token of the body of
// `def(p) name do … end` or `def(p) name, do: …`, or -1.
func exFuncBody(toks []exTok, name string) int {
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != exIdent || toks[i].text != "def" && toks[i].text != "defp" {
			continue
		}
		if toks[i+1].kind != exIdent || toks[i+1].text != name {
			continue
		}
		j := i + 2
		if j < len(toks) && toks[j].kind == exPunct && toks[j].text == "(" {
			j = toks[j].match + 1
		}
		if j < len(toks) && toks[j].kind == exIdent && toks[j].text == "do" {
			return j + 1
		}
		if j+1 < len(toks) && toks[j].text == "," && toks[j+1].kind == exKey && toks[j+1].text == "do" {
			return j + 2
		}
	}
	return -1
}

// exListEnd returns the index just past the list starting at toks[i] (or the
// do-block starting there), bounded by the tokens.
func exListEnd(toks []exTok, i int) int {
	if i >= len(toks) {
		return len(toks)
	}
	base := toks[i].depth
	for j := i; j < len(toks); j++ {
		t := toks[j]
		if t.depth < base || t.kind == exIdent && t.text == "end" && t.depth == base {
			return j
		}
		if (t.kind == exIdent && (t.text == "def" || t.text == "defp")) && t.depth == base && j > i {
			return j
		}
	}
	return len(toks)
}

// exListKeys returns the keyword keys directly inside the list at toks[i]
// (a `[` token); quoted keys such as "assets.deploy": count.
func exListKeys(toks []exTok, i int) []string {
	if i >= len(toks) || toks[i].text != "[" {
		return nil
	}
	var out []string
	for j := i + 1; j < toks[i].match && j < len(toks); j = exNext(toks, j) {
		if toks[j].kind == exKey {
			out = append(out, toks[j].text)
		}
	}
	return out
}

type exKind int

const (
	exPunct  exKind = iota
	exAtom          // :name (text without the colon)
	exKey           // name: (text without the colon)
	exString        // "…" (text unescaped enough for names and versions)
	exIdent         // names, module aliases, do/end/true
	exAttr          // @name
	exOther         // numbers, operators
)

type exTok struct {
	kind  exKind
	text  string
	line  int
	depth int // bracket depth before the token ({[( count, not do/end)
	match int // for an opening bracket, the index of its closing one
}

// exMatch fills in match for every opening bracket, so scans jump over
// nested groups and stay linear on deeply nested input.
func exMatch(toks []exTok) []exTok {
	matchBrackets(len(toks), func(i int) byte {
		if toks[i].kind != exPunct {
			return 0
		}
		return toks[i].text[0]
	}, func(o, c int) { toks[o].match = c })
	return toks
}

// exNext returns the index after toks[j], jumping over a bracketed group.
func exNext(toks []exTok, j int) int {
	if t := toks[j]; t.kind == exPunct && (t.text == "{" || t.text == "[" || t.text == "(") {
		return t.match + 1
	}
	return j + 1
}

// lexElixir splits Elixir source into the tokens the mix.exs scanner needs.
func lexElixir(data []byte) ([]exTok, error) {
	toks, err := lexElixirRaw(data)
	return exMatch(toks), err
}

func lexElixirRaw(data []byte) ([]exTok, error) {
	var toks []exTok
	var br brackets
	line := 1
	s := data
	i := 0
	emit := func(k exKind, text string) {
		toks = append(toks, exTok{k, text, line, len(br), 0})
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			startLine := line
			if i+2 < len(s) && s[i+1] == c && s[i+2] == c {
				// Heredoc: runs to the next triple quote.
				end := exIndexFrom(s, i+3, string([]byte{c, c, c}))
				if end < 0 {
					return toks, &Error{Line: startLine, Msg: "unterminated heredoc"}
				}
				line += strings.Count(string(s[i:end]), "\n")
				emit(exString, "")
				i = end + 3
				continue
			}
			text, n, nl, ok := exQuoted(s[i:], c)
			if !ok {
				return toks, &Error{Line: startLine, Msg: "unterminated string"}
			}
			i += n
			// "assets.deploy": is a quoted keyword key.
			if i < len(s) && s[i] == ':' && (i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' || s[i+1] == '\t') {
				emit(exKey, text)
				i++
			} else if c == '"' {
				emit(exString, text)
			} else {
				emit(exOther, text)
			}
			line += nl
		case c == '~' && i+2 < len(s) && exIsLetter(s[i+1]):
			// Sigil: ~w(a b), ~r/x/, ~S"…"; its body is skipped.
			delim := s[i+2]
			closer, ok := exSigilCloser(delim)
			if !ok {
				emit(exOther, "~")
				i++
				continue
			}
			startLine := line
			j := i + 3
			for j < len(s) && s[j] != closer {
				if s[j] == '\\' {
					j++
				} else if s[j] == '\n' {
					line++
				}
				j++
			}
			if j >= len(s) {
				return toks, &Error{Line: startLine, Msg: "unterminated sigil"}
			}
			emit(exString, "")
			i = j + 1
			for i < len(s) && exIsLetter(s[i]) {
				i++ // modifiers
			}
		case c == '?' && i+1 < len(s):
			// Character literal (?a, ?{, ?\n): never a bracket.
			i += 2
			if s[i-1] == '\\' && i < len(s) {
				i++
			}
		case c == ':' && i+1 < len(s) && s[i+1] == '"':
			text, n, nl, ok := exQuoted(s[i+1:], '"')
			if !ok {
				return toks, &Error{Line: line, Msg: "unterminated atom"}
			}
			emit(exAtom, text)
			line += nl
			i += 1 + n
		case c == ':' && i+1 < len(s) && exIdentStart(s[i+1]):
			j := i + 1
			for j < len(s) && exIdentChar(s[j]) {
				j++
			}
			emit(exAtom, string(s[i+1:j]))
			i = j
		case c == '@' && i+1 < len(s) && exIdentStart(s[i+1]):
			j := i + 1
			for j < len(s) && exIdentChar(s[j]) {
				j++
			}
			emit(exAttr, string(s[i+1:j]))
			i = j
		case exIdentStart(c) || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (exIdentChar(s[j]) || s[j] == '.' && j+1 < len(s) && s[j+1] >= 'A' && s[j+1] <= 'Z') {
				j++
			}
			word := string(s[i:j])
			if j < len(s) && s[j] == ':' && (j+1 >= len(s) || s[j+1] != ':') {
				emit(exKey, word)
				j++
			} else {
				emit(exIdent, word)
			}
			i = j
		case c == '{' || c == '[' || c == '(':
			emit(exPunct, string(c))
			br.open(c, line)
			i++
		case c == '}' || c == ']' || c == ')':
			if err := br.close(c, line); err != nil {
				return toks, err
			}
			emit(exPunct, string(c))
			i++
		case c == ',':
			emit(exPunct, ",")
			i++
		default:
			emit(exOther, string(c))
			i++
		}
	}
	return toks, br.unclosed()
}

// exQuoted reads a quoted string at s[0]; it returns the text (escapes kept
// as their second byte, interpolations kept verbatim), the bytes consumed
// and the newlines crossed.
func exQuoted(s []byte, q byte) (string, int, int, bool) {
	var b strings.Builder
	nl := 0
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) {
				j++
				if s[j] == '\n' {
					nl++
				}
				b.WriteByte(s[j])
			}
		case q:
			return b.String(), j + 1, nl, true
		case '\n':
			nl++
			b.WriteByte('\n')
		default:
			b.WriteByte(s[j])
		}
	}
	return "", len(s), nl, false
}

func exSigilCloser(c byte) (byte, bool) {
	switch c {
	case '(':
		return ')', true
	case '[':
		return ']', true
	case '{':
		return '}', true
	case '<':
		return '>', true
	case '/', '|', '"', '\'':
		return c, true
	}
	return 0, false
}

func exIndexFrom(s []byte, from int, sub string) int {
	if from > len(s) {
		return -1
	}
	if k := strings.Index(string(s[from:]), sub); k >= 0 {
		return from + k
	}
	return -1
}

func exIsLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func exIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c == '_' }

func exIdentChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '?' || c == '!'
}
