package plan

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Dockerfile is a Dockerfile being written. Its methods write instructions
// in forms the classic builder and BuildKit both accept (no heredocs, no
// RUN --mount). Every argument that may hold text from the tree is written
// as a JSON array, so it cannot end the instruction or start another.
type Dockerfile struct {
	b strings.Builder
}

// String returns the file's text.
func (d *Dockerfile) String() string { return d.b.String() }

func (d *Dockerfile) line(format string, a ...any) {
	fmt.Fprintf(&d.b, format, a...)
	d.b.WriteByte('\n')
}

// Comment writes a # line; newlines in text are folded.
func (d *Dockerfile) Comment(text string) {
	d.line("# %s", strings.ReplaceAll(text, "\n", " "))
}

// Blank writes an empty line between stages.
func (d *Dockerfile) Blank() { d.b.WriteByte('\n') }

// From starts a stage; as may be "".
func (d *Dockerfile) From(image, as string) {
	if as != "" {
		d.line("FROM %s AS %s", image, as)
		return
	}
	d.line("FROM %s", image)
}

// Workdir sets the working directory.
func (d *Dockerfile) Workdir(dir string) { d.line("WORKDIR %s", quoteIfNeeded(dir)) }

// Copy copies srcs to dst from the context, or from a stage or image when
// from is set; chown may be "".
func (d *Dockerfile) Copy(from, chown string, dst string, srcs ...string) {
	var flags string
	if from != "" {
		flags += " --from=" + from
	}
	if chown != "" {
		flags += " --chown=" + chown
	}
	d.line("COPY%s %s", flags, jsonArray(append(append([]string{}, srcs...), dst)))
}

// Run runs a shell command the generator wrote itself. Text from the tree
// must go through RunArgv or RunShell instead.
func (d *Dockerfile) Run(cmd string) { d.line("RUN %s", cmd) }

// RunArgv runs an argv with no shell.
func (d *Dockerfile) RunArgv(argv ...string) { d.line("RUN %s", jsonArray(argv)) }

// RunShell runs a command line taken from the tree through sh -c, written as
// a JSON array so it stays one instruction whatever it holds.
func (d *Dockerfile) RunShell(cmd string) { d.line("RUN %s", jsonArray([]string{"sh", "-c", cmd})) }

// Env sets a variable. name must be a valid variable name; value is quoted
// and kept on one line (a Dockerfile ENV cannot carry a newline).
func (d *Dockerfile) Env(name, value string) {
	if !ValidEnvName(name) {
		panic("plan: invalid variable name " + name)
	}
	value = strings.NewReplacer("\n", " ", "\r", " ").Replace(value)
	d.line("ENV %s=%s", name, strconvQuote(value))
}

// Arg declares a build argument with a default.
func (d *Dockerfile) Arg(name, value string) {
	if !ValidEnvName(name) {
		panic("plan: invalid argument name " + name)
	}
	d.line("ARG %s=%s", name, strconvQuote(value))
}

// Expose declares the port.
func (d *Dockerfile) Expose(port int) { d.line("EXPOSE %d", port) }

// User switches to a user.
func (d *Dockerfile) User(user string) { d.line("USER %s", user) }

// Cmd sets the command, exec form.
func (d *Dockerfile) Cmd(argv ...string) { d.line("CMD %s", jsonArray(argv)) }

// Entrypoint sets the entrypoint, exec form.
func (d *Dockerfile) Entrypoint(argv ...string) { d.line("ENTRYPOINT %s", jsonArray(argv)) }

// Healthcheck sets a health check command, exec form.
func (d *Dockerfile) Healthcheck(argv ...string) {
	d.line("HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD %s", jsonArray(argv))
}

func jsonArray(s []string) string {
	return strings.ReplaceAll(jsonText(s), `","`, `", "`)
}

// strconvQuote quotes a value for ENV and ARG, where the builder expands $
// even inside double quotes.
func strconvQuote(s string) string {
	return strings.ReplaceAll(jsonText(s), "$", `\$`)
}

// jsonText marshals without HTML escaping, so "&&" stays readable.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

func quoteIfNeeded(s string) string {
	if strings.ContainsAny(s, " \t\"'$\\") {
		return strconvQuote(s)
	}
	return s
}

// ValidEnvName reports whether s is a portable environment variable name.
func ValidEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
