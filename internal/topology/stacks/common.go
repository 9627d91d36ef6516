package stacks

import (
	"bufio"
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// FirstLine returns the first non-empty, non-comment line of the first of
// files that exists in the folder, and that file's tree path: how .nvmrc,
// .python-version, .ruby-version and runtime.txt are read.
func FirstLine(c *Context, files ...string) (value, file string) {
	for _, f := range files {
		if !c.Has(f) {
			continue
		}
		data, err := c.Read(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l != "" && !strings.HasPrefix(l, "#") {
				return l, c.Path(f)
			}
		}
	}
	return "", ""
}

// ToolVersion looks for a tool's version pinned by asdf's .tool-versions or
// mise's mise.toml / .mise.toml, in the folder or above it, and returns the
// version and the file's tree path. tools are the names the tool goes by
// ("nodejs", "node").
func ToolVersion(c *Context, tools ...string) (version, file string) {
	for _, d := range c.Up() {
		if d.Has(".tool-versions") {
			if v := toolVersionsFile(c, d.Join(".tool-versions"), tools); v != "" {
				return v, d.Join(".tool-versions")
			}
		}
		for _, name := range []string{"mise.toml", ".mise.toml"} {
			if d.Has(name) {
				if v := miseFile(c, d.Join(name), tools); v != "" {
					return v, d.Join(name)
				}
			}
		}
	}
	return "", ""
}

func toolVersionsFile(c *Context, p string, tools []string) string {
	data, err := c.ReadPath(p)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && slices.Contains(tools, f[0]) {
			return f[1]
		}
	}
	return ""
}

func miseFile(c *Context, p string, tools []string) string {
	data, err := c.ReadPath(p)
	if err != nil {
		return ""
	}
	var m struct {
		Tools map[string]any `toml:"tools"`
	}
	if manifest.DecodeTOML(data, &m) != nil {
		return ""
	}
	for _, t := range tools {
		switch v := m.Tools[t].(type) {
		case string:
			return v
		case []any:
			if len(v) > 0 {
				if s, ok := v[0].(string); ok {
					return s
				}
			}
		case map[string]any:
			if s, ok := v["version"].(string); ok {
				return s
			}
		}
	}
	return ""
}

// HasAny reports whether deps holds any of names.
func HasAny(deps []string, names ...string) bool {
	for _, n := range names {
		if slices.Contains(deps, n) {
			return true
		}
	}
	return false
}

// FirstOf returns the first of names that deps holds, or "".
func FirstOf(deps []string, names ...string) string {
	for _, n := range names {
		if slices.Contains(deps, n) {
			return n
		}
	}
	return ""
}

// WarnParse records a malformed manifest: the warning names the file and
// line, and the result's score drops so the service's confidence says so.
func (r *Result) WarnParse(file string, err error) {
	msg := err.Error()
	var me *manifest.Error
	if errors.As(err, &me) {
		msg = me.Msg
	}
	r.Warn(file, manifest.ErrorLine(err), "cannot parse: "+msg)
	r.Score -= 0.2
	if r.Score < 0.1 {
		r.Score = 0.1
	}
}

// ValidHealthPath reports whether p is a plain URL path, safe to put in a
// health check command and to request: a slash, then letters, digits and
// /-_.~ only.
func ValidHealthPath(p string) bool {
	if !strings.HasPrefix(p, "/") || len(p) > 200 {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("/-_.~", c)) {
			return false
		}
	}
	return true
}
