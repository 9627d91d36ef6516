package manifest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Dockerfile is what Kyozo needs from a repository's own Dockerfile: the
// final stage's ports, command and health check.
type Dockerfile struct {
	Stages     int
	BaseImages []string // FROM of every stage, in order
	Expose     []int    // the final stage's EXPOSE ports, in order
	ExposeLine int
	// Cmd and Entrypoint are the final stage's, as written: exec form keeps
	// its argv, shell form is one string in Shell.
	Cmd         []string
	Entrypoint  []string
	CmdShell    bool
	Healthcheck *DockerHealthcheck
	Env         map[string]string // the final stage's ENV, after ARG defaults
	EnvNames    []string          // ENV and ARG names, in order
	User        string
	Workdir     string
}

// DockerHealthcheck is a HEALTHCHECK instruction.
type DockerHealthcheck struct {
	None bool     // HEALTHCHECK NONE
	Test []string // the command, exec form or ["sh","-c",…]
	Line int
}

// ParseDockerfile parses a Dockerfile with moby/buildkit's parser, so every
// syntax a `docker build` accepts is accepted here.
func ParseDockerfile(data []byte) (*Dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Line: dockerErrLine(err), Msg: err.Error()}
	}
	d := &Dockerfile{Env: map[string]string{}}
	vars := map[string]string{} // ARG and ENV values, for $VAR in EXPOSE
	lex := shell.NewLex('\\')
	expand := func(s string) string {
		r, err := lex.ProcessWordWithMatches(s, shell.EnvsFromSlice(envList(vars)))
		if err != nil {
			return s
		}
		return r.Result
	}
	for _, n := range res.AST.Children {
		args := nodeArgs(n)
		switch strings.ToLower(n.Value) {
		case "from":
			d.Stages++
			if len(args) > 0 {
				d.BaseImages = append(d.BaseImages, args[0])
			}
			// A new stage starts from scratch except for global ARGs.
			d.Expose, d.ExposeLine, d.Cmd, d.Entrypoint, d.CmdShell, d.Healthcheck = nil, 0, nil, nil, false, nil
			d.Env = map[string]string{}
			d.User, d.Workdir = "", ""
		case "arg":
			for _, a := range args {
				k, v, _ := strings.Cut(a, "=")
				if _, ok := vars[k]; !ok || v != "" {
					vars[k] = v
				}
				d.EnvNames = appendUnique(d.EnvNames, k)
			}
		case "env":
			// The parser yields key, value, separator triples.
			for i := 0; i+1 < len(args); i += 3 {
				v := expand(args[i+1])
				d.Env[args[i]] = v
				vars[args[i]] = v
				d.EnvNames = appendUnique(d.EnvNames, args[i])
			}
		case "expose":
			d.ExposeLine = n.StartLine
			for _, a := range args {
				for _, w := range strings.Fields(expand(a)) {
					p, _, _ := strings.Cut(w, "/")
					lo, _, _ := strings.Cut(p, "-")
					port, err := strconv.Atoi(lo)
					if err != nil || port < 1 || port > 65535 {
						return d, &Error{Line: n.StartLine, Msg: fmt.Sprintf("EXPOSE %q is not a port", w)}
					}
					d.Expose = append(d.Expose, port)
				}
			}
		case "cmd":
			d.Cmd, d.CmdShell = args, !n.Attributes["json"]
		case "entrypoint":
			d.Entrypoint = args
		case "healthcheck":
			d.Healthcheck = parseHealthcheck(n)
		case "user":
			if len(args) > 0 {
				d.User = args[0]
			}
		case "workdir":
			if len(args) > 0 {
				d.Workdir = args[0]
			}
		}
	}
	if d.Stages == 0 {
		return d, &Error{Line: 1, Msg: "no FROM instruction"}
	}
	return d, nil
}

func parseHealthcheck(n *parser.Node) *DockerHealthcheck {
	h := &DockerHealthcheck{Line: n.StartLine}
	if n.Next == nil {
		return h
	}
	kind := strings.ToUpper(n.Next.Value)
	if kind == "NONE" {
		h.None = true
		return h
	}
	var rest []string
	for c := n.Next.Next; c != nil; c = c.Next {
		rest = append(rest, c.Value)
	}
	if n.Attributes["json"] {
		h.Test = rest
	} else {
		h.Test = []string{"sh", "-c", strings.Join(rest, " ")}
	}
	return h
}

func nodeArgs(n *parser.Node) []string {
	var out []string
	for c := n.Next; c != nil; c = c.Next {
		out = append(out, c.Value)
	}
	return out
}

func envList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func dockerErrLine(err error) int {
	if m := yamlLine.Re().FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// StartCommand renders the final stage's ENTRYPOINT and CMD as one command
// line, for display.
func (d *Dockerfile) StartCommand() string {
	parts := append(append([]string{}, d.Entrypoint...), d.Cmd...)
	return strings.Join(parts, " ")
}
