package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Process is one line of a Procfile: a process type and its command.
type Process struct {
	Type    string
	Command string
	Line    int
}

// ParseProcfile reads a Procfile. Lines are `type: command`; blank lines and
// # comments are skipped. A malformed line fails with its line number; the
// processes read before it are returned with the error.
func ParseProcfile(data []byte) ([]Process, error) {
	var out []Process
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, cmd, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		cmd = strings.TrimSpace(cmd)
		if !ok || !validProcessType(name) {
			return out, &Error{Line: n, Msg: fmt.Sprintf("expected `type: command`, got %q", truncate(line, 60))}
		}
		if cmd == "" {
			return out, &Error{Line: n, Msg: fmt.Sprintf("process type %q has no command", name)}
		}
		if first, dup := seen[name]; dup {
			return out, &Error{Line: n, Msg: fmt.Sprintf("process type %q is also defined on line %d", name, first)}
		}
		seen[name] = n
		out = append(out, Process{Type: name, Command: cmd, Line: n})
	}
	if err := sc.Err(); err != nil {
		return out, &Error{Line: n + 1, Msg: err.Error()}
	}
	return out, nil
}

func validProcessType(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
