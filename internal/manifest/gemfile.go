package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Gemfile is what a Bundler Gemfile declares, read by a line scanner: the
// Gemfile is Ruby, and only its common, declarative forms are understood
// (gem, group … do, ruby, gemspec, source/path/git blocks). Dynamic forms
// (a gem named by a variable) are skipped, not errors.
type Gemfile struct {
	Gems     []Gem
	Ruby     string // ruby "3.3.0" (a requirement such as "~> 3.2" is kept as written)
	RubyFile string // ruby file: ".ruby-version"
	Gemspec  bool   // the Gemfile takes dependencies from a local *.gemspec
	Sources  []string
}

// Gem is one gem line.
type Gem struct {
	Name         string
	Requirements []string // "~> 1.5", ">= 1.0"
	Groups       []string // from group blocks and group:/groups:; empty means :default
	Path         string   // path: "../lib", or a path block's folder
	Git          string   // git: or github:
	Line         int
}

// InGroup reports whether the gem belongs to one of groups.
func (g Gem) InGroup(groups ...string) bool {
	for _, x := range g.Groups {
		if slices.Contains(groups, x) {
			return true
		}
	}
	return false
}

// Runtime returns the names of the gems outside the development and test
// groups, in file order, without duplicates.
func (f *Gemfile) Runtime() []string {
	var out []string
	for _, g := range f.Gems {
		if len(g.Groups) > 0 && !g.InGroup("default", "production") {
			continue
		}
		if !slices.Contains(out, g.Name) {
			out = append(out, g.Name)
		}
	}
	return out
}

// Has reports whether the Gemfile names the gem in any group.
func (f *Gemfile) Has(name string) bool {
	for _, g := range f.Gems {
		if g.Name == name {
			return true
		}
	}
	return false
}

type gemBlock struct {
	kind   string // "group", "path", "git", "source", "other"
	groups []string
	path   string
	line   int
}

// ParseGemfile reads a Gemfile. Every line is read; the first malformed one
// (an unterminated string, an `end` with no block, a block never closed) is
// returned as an *Error together with everything that parsed.
func ParseGemfile(data []byte) (*Gemfile, error) {
	f := &Gemfile{}
	var first error
	fail := func(line int, format string, a ...any) {
		if first == nil {
			first = &Error{Line: line, Msg: fmt.Sprintf(format, a...)}
		}
	}
	var stack []gemBlock
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n, start := 0, 0
	var pending []rbToken
	for sc.Scan() {
		n++
		toks, err := rbTokens(sc.Text())
		if err != nil {
			fail(n, "%s", err.Error())
			pending = nil
			continue
		}
		if len(pending) == 0 {
			start = n
		}
		pending = append(pending, toks...)
		if len(pending) == 0 || rbContinues(pending) {
			continue
		}
		stack = f.statement(pending, start, stack, fail)
		pending = nil
	}
	if len(pending) > 0 {
		stack = f.statement(pending, start, stack, fail)
	}
	if err := sc.Err(); err != nil {
		fail(n+1, "%s", err.Error())
	}
	if len(stack) > 0 {
		b := stack[len(stack)-1]
		fail(b.line, "block opened here is never closed with `end`")
	}
	return f, first
}

// rbContinues reports whether a statement goes on on the next line: after
// a trailing comma, backslash or operator, or inside brackets.
func rbContinues(toks []rbToken) bool {
	depth := 0
	for _, t := range toks {
		switch t.text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		}
	}
	last := toks[len(toks)-1]
	return depth > 0 || last.kind == rbPunct && (last.text == "," || last.text == `\` || last.text == "=>")
}

func (f *Gemfile) statement(toks []rbToken, line int, stack []gemBlock, fail func(int, string, ...any)) []gemBlock {
	head := toks[0]
	opensDo := rbOpensDo(toks)
	if head.kind == rbIdent {
		switch head.text {
		case "end":
			if len(stack) == 0 {
				fail(line, "`end` with no open block")
				return stack
			}
			return stack[:len(stack)-1]
		case "gem":
			f.gem(toks[1:], line, stack, fail)
		case "group", "groups":
			if opensDo {
				var groups []string
				for _, t := range toks[1:] {
					if t.kind == rbSymbol || t.kind == rbString {
						groups = append(groups, t.text)
					}
				}
				return append(stack, gemBlock{kind: "group", groups: groups, line: line})
			}
		case "path":
			if opensDo {
				p := ""
				if len(toks) > 1 && toks[1].kind == rbString {
					p = toks[1].text
				}
				return append(stack, gemBlock{kind: "path", path: p, line: line})
			}
		case "ruby":
			args := rbArgs(toks[1:])
			for _, a := range args {
				if len(a) == 1 && a[0].kind == rbString && f.Ruby == "" {
					f.Ruby = a[0].text
				}
				if k, v, ok := rbKeyword(a); ok && k == "file" && v.kind == rbString {
					f.RubyFile = v.text
				}
			}
		case "gemspec":
			f.Gemspec = true
		case "source":
			if len(toks) > 1 && toks[1].kind == rbString {
				f.Sources = append(f.Sources, toks[1].text)
			}
		case "if", "unless", "case", "begin", "while", "until", "def", "module", "class":
			if toks[len(toks)-1].text != "end" {
				return append(stack, gemBlock{kind: "other", line: line})
			}
			return stack
		}
	}
	if opensDo {
		return append(stack, gemBlock{kind: "other", line: line})
	}
	return stack
}

// rbOpensDo reports whether the statement ends with `do` or `do |args|`.
func rbOpensDo(toks []rbToken) bool {
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		if t.kind == rbIdent && t.text == "do" {
			return true
		}
		if t.kind == rbIdent && t.text == "end" {
			return false
		}
		// Block parameters: do |a, b|
		if !(t.kind == rbPunct && (t.text == "|" || t.text == ",") || t.kind == rbIdent) {
			return false
		}
	}
	return false
}

func (f *Gemfile) gem(args []rbToken, line int, stack []gemBlock, fail func(int, string, ...any)) {
	if len(args) > 0 && args[0].text == "(" {
		args = args[1:]
		if len(args) > 0 && args[len(args)-1].text == ")" {
			args = args[:len(args)-1]
		}
	}
	parts := rbArgs(args)
	if len(parts) == 0 || len(parts[0]) == 0 {
		fail(line, "gem without a name")
		return
	}
	if len(parts[0]) != 1 || parts[0][0].kind != rbString {
		// A name computed at run time: nothing to read statically.
		return
	}
	g := Gem{Name: parts[0][0].text, Line: line}
	if g.Name == "" {
		fail(line, "gem with an empty name")
		return
	}
	for _, b := range stack {
		g.Groups = append(g.Groups, b.groups...)
		if b.kind == "path" && b.path != "" {
			g.Path = b.path
		}
	}
	for _, a := range parts[1:] {
		if len(a) == 1 && a[0].kind == rbString {
			g.Requirements = append(g.Requirements, a[0].text)
			continue
		}
		k, v, ok := rbKeyword(a)
		if !ok {
			continue
		}
		switch k {
		case "group", "groups":
			for _, t := range a[1:] {
				if t.kind == rbSymbol || t.kind == rbString {
					g.Groups = append(g.Groups, t.text)
				}
			}
		case "path":
			if v.kind == rbString {
				g.Path = v.text
			}
		case "git", "github":
			if v.kind == rbString {
				g.Git = v.text
			}
		}
	}
	f.Gems = append(f.Gems, g)
}

// rbArgs splits tokens on commas outside brackets.
func rbArgs(toks []rbToken) [][]rbToken {
	var out [][]rbToken
	var cur []rbToken
	depth := 0
	for _, t := range toks {
		if t.kind == rbIdent && (t.text == "do" || t.text == "if" || t.text == "unless") && depth == 0 {
			break
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		if t.kind == rbPunct && t.text == "," && depth == 0 {
			out = append(out, cur)
			cur = nil
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// rbKeyword reads `key: value` or `:key => value`; value is the first token
// after the key (a bracket for lists).
func rbKeyword(a []rbToken) (string, rbToken, bool) {
	switch {
	case len(a) >= 2 && a[0].kind == rbLabel:
		return a[0].text, rbFirstValue(a[1:]), true
	case len(a) >= 3 && (a[0].kind == rbSymbol || a[0].kind == rbString) && a[1].text == "=>":
		return a[0].text, rbFirstValue(a[2:]), true
	}
	return "", rbToken{}, false
}

func rbFirstValue(a []rbToken) rbToken {
	for _, t := range a {
		if t.kind != rbPunct {
			return t
		}
	}
	return a[0]
}

type rbKind int

const (
	rbIdent  rbKind = iota // gem, group, do, end, true
	rbString               // "pg" (text is the content)
	rbSymbol               // :test (text without the colon)
	rbLabel                // require: (text without the colon)
	rbNumber
	rbPunct // , ( ) [ ] { } | => and anything else
)

type rbToken struct {
	kind rbKind
	text string
}

// rbTokens splits one line of Ruby into tokens, dropping a # comment.
func rbTokens(line string) ([]rbToken, error) {
	var out []rbToken
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			return out, nil
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for ; j < len(line) && line[j] != c; j++ {
				if line[j] == '\\' && j+1 < len(line) {
					j++
				}
				if c == '"' && line[j] == '#' && j+1 < len(line) && line[j+1] == '{' {
					// Interpolation may hold quotes of its own: skip to its brace.
					end := rbInterpolationEnd(line, j+2)
					b.WriteString(line[j:min(end+1, len(line))])
					j = end
					continue
				}
				b.WriteByte(line[j])
			}
			if j >= len(line) {
				return nil, fmt.Errorf("string starting at column %d is not closed", i+1)
			}
			out = append(out, rbToken{rbString, b.String()})
			i = j + 1
		case c == ':' && i+1 < len(line) && rbIdentStart(line[i+1]):
			j := i + 1
			for j < len(line) && rbIdentChar(line[j]) {
				j++
			}
			out = append(out, rbToken{rbSymbol, line[i+1 : j]})
			i = j
		case c == ':' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\''):
			// :"symbol" reads as its string.
			i++
		case rbIdentStart(c):
			j := i
			for j < len(line) && rbIdentChar(line[j]) {
				j++
			}
			if j < len(line) && (line[j] == '?' || line[j] == '!') {
				j++
			}
			if j < len(line) && line[j] == ':' && (j+1 >= len(line) || line[j+1] != ':') {
				out = append(out, rbToken{rbLabel, line[i:j]})
				i = j + 1
				continue
			}
			out = append(out, rbToken{rbIdent, line[i:j]})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && (line[j] >= '0' && line[j] <= '9' || line[j] == '.' || line[j] == '_') {
				j++
			}
			out = append(out, rbToken{rbNumber, line[i:j]})
			i = j
		case c == '=' && i+1 < len(line) && line[i+1] == '>':
			out = append(out, rbToken{rbPunct, "=>"})
			i += 2
		default:
			out = append(out, rbToken{rbPunct, string(c)})
			i++
		}
	}
	return out, nil
}

// rbInterpolationEnd returns the index of the } closing an interpolation
// whose body starts at i, or the end of the line.
func rbInterpolationEnd(line string, i int) int {
	depth := 1
	for ; i < len(line); i++ {
		switch line[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(line)
}

func rbIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '@' || c == '$'
}

func rbIdentChar(c byte) bool { return rbIdentStart(c) || c >= '0' && c <= '9' }

// GemfileLock is what Bundler's Gemfile.lock records.
type GemfileLock struct {
	Specs   map[string]string // every resolved gem, transitive ones too → version
	Ruby    string            // RUBY VERSION, without the patch level ("3.3.0")
	Bundler string            // BUNDLED WITH
}

// ParseGemfileLock reads a Gemfile.lock. A merge conflict or a spec line
// that is cut short is an *Error naming its line, returned with what parsed.
func ParseGemfileLock(data []byte) (*GemfileLock, error) {
	l := &GemfileLock{Specs: map[string]string{}}
	var first error
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	section := ""
	for sc.Scan() {
		n++
		text := strings.TrimRight(sc.Text(), " \r")
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "<<<<<<<") || strings.HasPrefix(text, ">>>>>>>") || text == "=======" {
			if first == nil {
				first = &Error{Line: n, Msg: "unresolved merge conflict"}
			}
			continue
		}
		if text[0] != ' ' {
			section = text
			continue
		}
		indent := len(text) - len(strings.TrimLeft(text, " "))
		body := strings.TrimSpace(text)
		switch section {
		case "GEM", "PATH", "GIT", "PLUGIN SOURCE":
			if indent != 4 {
				continue
			}
			name, ver, ok := strings.Cut(body, " (")
			if !ok || !strings.HasSuffix(ver, ")") {
				if first == nil {
					first = &Error{Line: n, Msg: fmt.Sprintf("spec %q has no (version)", truncate(body, 60))}
				}
				continue
			}
			l.Specs[name] = strings.TrimSuffix(ver, ")")
		case "RUBY VERSION":
			if v, ok := strings.CutPrefix(body, "ruby "); ok {
				// "3.3.0p0": the patch level is no part of an image tag.
				for i := 1; i < len(v); i++ {
					if v[i] == 'p' && i+1 < len(v) && v[i+1] >= '0' && v[i+1] <= '9' {
						v = v[:i]
						break
					}
				}
				l.Ruby = strings.TrimSpace(v)
			}
		case "BUNDLED WITH":
			l.Bundler = body
		}
	}
	if err := sc.Err(); err != nil && first == nil {
		first = &Error{Line: n + 1, Msg: err.Error()}
	}
	return l, first
}
