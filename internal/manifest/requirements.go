package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strings"
)

// Requirement is one Python dependency: a PEP 508 line of requirements.txt
// or pyproject.toml, or a local path or URL pip installs from.
type Requirement struct {
	// Name is normalised as PEP 503 says (lower case, runs of "-_." as one
	// "-"), so "Flask_SQLAlchemy" and "flask-sqlalchemy" are the same
	// package; "" for a path or URL whose name pip learns only by building it.
	Name      string
	Extras    []string // "binary" of psycopg[binary]
	Specifier string   // ">=4.2,<5"
	Marker    string   // `python_version < "3.11"`
	URL       string   // "name @ url", a VCS or archive URL
	Path      string   // a local folder or archive ("-e .", "./libs/common")
	Editable  bool
	Line      int
}

// Include is a requirements file another one pulls in with -r or -c. It is
// noted, not followed: the caller decides whether the file is in the tree.
type Include struct {
	Path       string // as written, relative to the including file
	Constraint bool   // -c: pins versions, installs nothing
	Line       int
}

// Requirements is the content of a pip requirements file.
type Requirements struct {
	Reqs     []Requirement
	Includes []Include
}

// Names returns the names of the requirements, in file order, without
// duplicates or unnamed entries.
func (r *Requirements) Names() []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range r.Reqs {
		if q.Name != "" && !seen[q.Name] {
			seen[q.Name] = true
			out = append(out, q.Name)
		}
	}
	return out
}

// HasLocal reports whether a requirement is a local path, which pip can
// install only once the sources are in place.
func (r *Requirements) HasLocal() bool {
	for _, q := range r.Reqs {
		if q.Path != "" {
			return true
		}
	}
	return false
}

// pip options that take a value, and those that stand alone. Anything else
// starting with "-" is an error, as it is for pip.
var (
	pipValueOpts = map[string]bool{
		"-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true,
		"--trusted-host": true, "--no-binary": true, "--only-binary": true, "--use-feature": true,
		"--config-settings": true, "--global-option": true, "--hash": true,
	}
	pipFlagOpts = map[string]bool{
		"--no-index": true, "--pre": true, "--prefer-binary": true, "--require-hashes": true,
	}
)

// ParseRequirements reads a pip requirements file: one requirement a line,
// `\` continuations, # comments, -r/-c includes (noted), -e editables, and
// per-line options such as --hash. Every line is read; the first malformed
// one is returned as an *Error together with everything that parsed.
func ParseRequirements(data []byte) (*Requirements, error) {
	out := &Requirements{}
	var first error
	fail := func(line int, format string, a ...any) {
		if first == nil {
			first = &Error{Line: line, Msg: fmt.Sprintf(format, a...)}
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	var pending strings.Builder
	start := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		if pending.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(text, `\`) {
			pending.WriteString(strings.TrimSuffix(text, `\`))
			pending.WriteByte(' ')
			continue
		}
		pending.WriteString(text)
		line := pending.String()
		pending.Reset()
		parseRequirementsLine(out, line, start, fail)
	}
	if pending.Len() > 0 {
		parseRequirementsLine(out, pending.String(), start, fail)
	}
	if err := sc.Err(); err != nil {
		fail(n+1, "%s", err.Error())
	}
	return out, first
}

func parseRequirementsLine(out *Requirements, line string, n int, fail func(int, string, ...any)) {
	line = strings.TrimSpace(stripPipComment(line))
	if line == "" {
		return
	}
	if strings.HasPrefix(line, "-") {
		parsePipOption(out, line, n, fail)
		return
	}
	// Per-requirement options (--hash=…) follow the requirement.
	if i := strings.Index(line, " -"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	q, err := ParseRequirementLine(line)
	if err != nil {
		fail(n, "%s", err.Error())
		return
	}
	q.Line = n
	out.Reqs = append(out.Reqs, q)
}

// stripPipComment drops a # comment: one at the start of the line or after
// whitespace, as pip reads it (a URL's #egg= fragment is kept).
func stripPipComment(s string) string {
	if strings.HasPrefix(s, "#") {
		return ""
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

func parsePipOption(out *Requirements, line string, n int, fail func(int, string, ...any)) {
	name, value := line, ""
	if i := strings.IndexAny(line, " \t="); i >= 0 {
		name, value = line[:i], strings.TrimSpace(line[i+1:])
	}
	switch name {
	case "-r", "--requirement", "-c", "--constraint":
		if value == "" {
			fail(n, "%s needs a file name", name)
			return
		}
		out.Includes = append(out.Includes, Include{Path: value, Constraint: name == "-c" || name == "--constraint", Line: n})
	case "-e", "--editable":
		if value == "" {
			fail(n, "%s needs a path or URL", name)
			return
		}
		q, err := ParseRequirementLine(value)
		if err != nil {
			fail(n, "%s", err.Error())
			return
		}
		q.Editable, q.Line = true, n
		out.Reqs = append(out.Reqs, q)
	default:
		switch {
		case pipFlagOpts[name]:
		case pipValueOpts[name]:
			if value == "" {
				fail(n, "%s needs a value", name)
			}
		default:
			fail(n, "unknown pip option %q", truncate(name, 40))
		}
	}
}

// ParseRequirementLine reads one requirement as requirements.txt allows it:
// a PEP 508 requirement, a URL (its name from #egg=), or a local path.
func ParseRequirementLine(s string) (Requirement, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Requirement{}, &Error{Msg: "empty requirement"}
	case isPipURL(s):
		return Requirement{Name: eggName(s), URL: s}, nil
	case isPipPath(s):
		return Requirement{Path: s}, nil
	}
	return ParseRequirement(s)
}

func isPipURL(s string) bool {
	for _, p := range []string{"git+", "hg+", "svn+", "bzr+", "http://", "https://", "file:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func isPipPath(s string) bool {
	if s == "." || s == ".." || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") {
		return true
	}
	// A bare "libs/common" or "dist/pkg-1.0.whl" is a path for pip too.
	// "name @ url" is PEP 508's direct reference, not a path.
	name, _, _ := strings.Cut(s, ";")
	name = strings.TrimSpace(name)
	if strings.Contains(name, "@") {
		return false
	}
	return strings.Contains(name, "/") ||
		strings.HasSuffix(name, ".whl") || strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".zip")
}

// eggName returns the normalised name in a URL's #egg= fragment, or a
// wheel file's name, or "".
func eggName(u string) string {
	if _, frag, ok := strings.Cut(u, "#"); ok {
		for _, part := range strings.Split(frag, "&") {
			if v, ok := strings.CutPrefix(part, "egg="); ok {
				if name, _, _ := strings.Cut(v, "["); validPyName(name) {
					return NormalizePyName(name)
				}
			}
		}
	}
	base := path.Base(strings.SplitN(u, "#", 2)[0])
	if strings.HasSuffix(base, ".whl") {
		if name, _, ok := strings.Cut(base, "-"); ok && validPyName(name) {
			return NormalizePyName(name)
		}
	}
	return ""
}

// ParseRequirement reads a PEP 508 requirement: name, [extras], a version
// specifier or "@ url", and "; marker".
func ParseRequirement(s string) (Requirement, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && isPyNameChar(s[i]) {
		i++
	}
	name := s[:i]
	if !validPyName(name) {
		return Requirement{}, &Error{Msg: fmt.Sprintf("%q is not a requirement: it must start with a package name", truncate(s, 60))}
	}
	q := Requirement{Name: NormalizePyName(name)}
	rest := strings.TrimSpace(s[i:])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return Requirement{}, &Error{Msg: fmt.Sprintf("%q: extras are not closed with ]", truncate(s, 60))}
		}
		for _, e := range strings.Split(rest[1:end], ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if !validPyName(e) {
				return Requirement{}, &Error{Msg: fmt.Sprintf("%q: invalid extra %q", truncate(s, 60), truncate(e, 30))}
			}
			q.Extras = append(q.Extras, NormalizePyName(e))
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	if u, ok := strings.CutPrefix(rest, "@"); ok {
		u = strings.TrimSpace(u)
		url, marker, _ := strings.Cut(u, " ;")
		url = strings.TrimSpace(url)
		if url == "" {
			return Requirement{}, &Error{Msg: fmt.Sprintf("%q: no URL after @", truncate(s, 60))}
		}
		q.URL = url
		q.Marker = strings.TrimSpace(marker)
		return q, nil
	}
	spec, marker, _ := strings.Cut(rest, ";")
	q.Marker = strings.TrimSpace(marker)
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "(") && strings.HasSuffix(spec, ")") {
		spec = strings.TrimSpace(spec[1 : len(spec)-1])
	}
	if spec != "" {
		if err := checkPySpecifier(spec); err != nil {
			return Requirement{}, &Error{Msg: fmt.Sprintf("%q: %s", truncate(s, 60), err.Error())}
		}
	}
	q.Specifier = spec
	return q, nil
}

// checkPySpecifier checks a comma-separated list of version clauses.
func checkPySpecifier(spec string) error {
	for _, clause := range strings.Split(spec, ",") {
		c := strings.TrimSpace(clause)
		op := ""
		for _, o := range []string{"===", "==", "!=", "~=", ">=", "<=", ">", "<"} {
			if strings.HasPrefix(c, o) {
				op = o
				break
			}
		}
		if op == "" {
			return fmt.Errorf("version %q needs an operator such as == or >=", truncate(c, 30))
		}
		v := strings.TrimSpace(c[len(op):])
		if v == "" {
			return fmt.Errorf("no version after %s", op)
		}
		for _, r := range v {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(".*+-_!", r)) {
				return fmt.Errorf("invalid version %q", truncate(v, 30))
			}
		}
	}
	return nil
}

func isPyNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

func validPyName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isPyNameChar(s[i]) {
			return false
		}
	}
	first, last := s[0], s[len(s)-1]
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	return alnum(first) && alnum(last)
}

// NormalizePyName is PEP 503's normal form of a Python package name: lower
// case, with every run of "-", "_" and "." replaced by one "-".
func NormalizePyName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
