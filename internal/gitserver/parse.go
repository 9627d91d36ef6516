package gitserver

import (
	"errors"
	"fmt"
	"strings"
)

// ErrParse is returned for an ssh command line that cannot be split.
var ErrParse = errors.New("cannot parse command")

// splitCommand splits an ssh command line into words. It understands what
// git and people send: blanks between words, single quotes (how git quotes
// the path, a quote inside it included), double quotes with backslash
// escapes, and backslash escapes outside quotes. Nothing is expanded: no
// variables, globs or substitutions, because no shell ever sees the result.
func splitCommand(s string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word (possibly an empty quoted one)
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("%w: unterminated single quote", ErrParse)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			in = true
		case c == '"':
			in = true
			for i++; ; i++ {
				if i >= len(s) {
					return nil, fmt.Errorf("%w: unterminated double quote", ErrParse)
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("%w: trailing backslash", ErrParse)
			}
			i++
			cur.WriteByte(s[i])
			in = true
		case c == 0:
			return nil, fmt.Errorf("%w: NUL byte", ErrParse)
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// parseCommand returns the command name and its arguments. "git
// receive-pack" is the same command as "git-receive-pack" (older clients
// and GIT_SSH_VARIANT=simple send either).
func parseCommand(raw string) (string, []string, error) {
	w, err := splitCommand(raw)
	if err != nil || len(w) == 0 {
		return "", nil, err
	}
	if w[0] == "git" && len(w) > 1 && (w[1] == "receive-pack" || w[1] == "upload-pack") {
		return "git-" + w[1], w[2:], nil
	}
	return w[0], w[1:], nil
}

// appFromPath turns the path git asks for ('/APP', 'APP', 'APP.git',
// '/APP.git') into the app name; the caller validates the name.
func appFromPath(p string) string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	return strings.TrimSuffix(p, ".git")
}
