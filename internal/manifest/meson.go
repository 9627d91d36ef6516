package manifest

import "strings"

// MesonProject is what Kyozo reads of a meson.build.
type MesonProject struct {
	Name        string   // project('name', …)
	Languages   []string // project('name', 'cpp', 'c')
	Executables []CMakeTarget
	Libraries   []CMakeTarget
	Deps        []string // dependency('drogon')
	Subdirs     []string // subdir('src')
}

// ParseMeson scans a meson.build for the calls that declare the project,
// its artifacts and its dependencies. Unterminated strings and unbalanced
// brackets fail with the line; what was read is returned with the error.
func ParseMeson(data []byte) (*MesonProject, error) {
	toks, err := lexMeson(data)
	p := &MesonProject{}
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != 'i' || toks[i+1].kind != '(' {
			continue
		}
		// Positional string arguments directly inside the call.
		var pos []string
		for j := i + 2; j < toks[i+1].match && j < len(toks); j = cNext(toks, j) {
			if toks[j].kind == 'i' && j+1 < len(toks) && toks[j+1].kind == ':' {
				break // keyword arguments follow the positional ones
			}
			if toks[j].kind == 's' {
				pos = append(pos, toks[j].text)
			} else if toks[j].kind == 'i' && toks[j].text == "meson" && j+2 < len(toks) && toks[j+1].kind == '.' && toks[j+2].text == "project_name" {
				pos = append(pos, p.Name) // executable(meson.project_name(), …)
				j += 2
			} else if toks[j].kind != ',' {
				pos = append(pos, "") // a variable or expression
			}
		}
		if len(pos) == 0 {
			continue
		}
		line := toks[i].line
		switch toks[i].text {
		case "project":
			if p.Name == "" {
				p.Name = pos[0]
				for _, l := range pos[1:] {
					if l != "" {
						p.Languages = append(p.Languages, l)
					}
				}
			}
		case "executable":
			if pos[0] != "" {
				p.Executables = append(p.Executables, CMakeTarget{pos[0], line})
			}
		case "library", "shared_library", "static_library", "both_libraries", "shared_module":
			if pos[0] != "" {
				p.Libraries = append(p.Libraries, CMakeTarget{pos[0], line})
			}
		case "dependency":
			if pos[0] != "" {
				p.Deps = append(p.Deps, pos[0])
			}
		case "subdir":
			if pos[0] != "" {
				p.Subdirs = append(p.Subdirs, pos[0])
			}
		}
	}
	if err == nil && p.Name == "" {
		err = &Error{Msg: "no project() call"}
	}
	return p, err
}

// lexMeson tokenises Meson's language: # comments, '…' and ”'…”' strings
// (f'…' too), identifiers, numbers and punctuation.
func lexMeson(s []byte) ([]cTok, error) {
	toks, err := lexMesonRaw(s)
	return cMatch(toks), err
}

func lexMesonRaw(s []byte) ([]cTok, error) {
	var toks []cTok
	var br brackets
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\\':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\'' || (c == 'f' && i+1 < len(s) && s[i+1] == '\''):
			if c == 'f' {
				i++
			}
			start := line
			if i+2 < len(s) && s[i+1] == '\'' && s[i+2] == '\'' {
				k := strings.Index(string(s[i+3:]), "'''")
				if k < 0 {
					return toks, &Error{Line: start, Msg: "unterminated multi-line string"}
				}
				body := string(s[i+3 : i+3+k])
				line += strings.Count(body, "\n")
				toks = append(toks, cTok{'s', body, start, len(br), 0})
				i += 3 + k + 3
				continue
			}
			text, end, ok := cString(s, i)
			if !ok {
				return toks, &Error{Line: start, Msg: "unterminated string"}
			}
			toks = append(toks, cTok{'s', text, start, len(br), 0})
			i = end
		case cIdentStart(c):
			j := cIdentEnd(s, i)
			toks = append(toks, cTok{'i', string(s[i:j]), line, len(br), 0})
			i = j
		default:
			var err error
			if toks, err = cPunct(toks, &br, c, line); err != nil {
				return toks, err
			}
			i++
		}
	}
	return toks, br.unclosed()
}
