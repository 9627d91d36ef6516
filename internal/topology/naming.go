package topology

import (
	"fmt"
	"path"
	"strings"
)

// NameRule is the rule app, service and backing-service names follow.
const NameRule = `^[a-z][a-z0-9-]{0,62}$`

// ValidName reports whether s follows NameRule.
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Normalize turns any label into a valid name: lower case, runs of other
// characters become one dash, a leading non-letter is dropped, at most 63
// characters. It returns "" when nothing is left.
func Normalize(s string) string {
	s = strings.ToLower(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:] // "@acme/web" → "web", "github.com/acme/api" → "api"
	}
	var b strings.Builder
	dash := false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9' && b.Len() > 0:
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 63 {
		out = strings.TrimRight(out[:63], "-")
	}
	return out
}

// nameServices gives every service a unique valid name: the compose
// service's name, else the folder's (the manifest's for the root), with
// the Procfile process type appended for non-web processes. Clashes take
// the parent folder's name as a prefix, then a number.
func (a *analyzer) nameServices() {
	firstProcess := map[*unit]bool{}
	seenDir := map[string]bool{}
	for _, u := range a.units {
		if u.proc != nil && !seenDir[u.dir] {
			seenDir[u.dir] = true
			firstProcess[u] = true
		}
	}
	for _, u := range a.units {
		var base string
		switch {
		case u.compose != nil:
			base = Normalize(u.compose.svc.Name)
		case u.dir == ".":
			if u.res != nil {
				base = Normalize(u.res.Name)
			}
			if base == "" {
				base = Normalize(a.opts.RootName)
			}
			if base == "" {
				base = "app"
			}
		default:
			base = Normalize(path.Base(u.dir))
			if base == "" && u.res != nil {
				base = Normalize(u.res.Name)
			}
			if base == "" {
				base = "app"
			}
		}
		// The first process of a Procfile (web when there is one) keeps
		// the folder's name; the others are named folder-type.
		if u.proc != nil && u.compose == nil && !firstProcess[u] && Normalize(u.proc.Type) != base {
			base = trimName(base + "-" + Normalize(u.proc.Type))
		}
		u.base = base
	}
	count := map[string]int{}
	for _, u := range a.units {
		count[u.base]++
	}
	used := map[string]bool{}
	for _, u := range a.units {
		name := u.base
		if count[name] > 1 && u.dir != "." && u.compose == nil {
			if parent := Normalize(path.Base(path.Dir(u.dir))); parent != "" {
				name = trimName(parent + "-" + name)
			}
		}
		for i := 2; used[name]; i++ {
			name = trimName(fmt.Sprintf("%s-%d", u.base, i))
		}
		used[name] = true
		u.svc.Name = name
		if u.svc.Dockerfile.Source == "generated" {
			u.svc.Dockerfile.Path = GeneratedDockerfile(name)
		}
	}
}

// GeneratedDockerfile is where `kyozo detect --format dockerfiles` writes a
// service's generated Dockerfile, relative to its output folder.
func GeneratedDockerfile(service string) string { return ".kyozo/" + service + ".Dockerfile" }

func trimName(s string) string {
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}
