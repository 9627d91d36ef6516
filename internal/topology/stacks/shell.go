package stacks

import (
	"bufio"
	"bytes"
	"path"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
)

// Shell detects a service that is only a start script: start.sh, run.sh,
// entrypoint.sh or main.sh with a shell shebang. Alone it is a weak hint
// (0.3); it is a claim of its own (0.6) when nothing else in the folder
// belongs to another stack and the folder is where services live (the
// tree's root, a workspace member, a top-level folder, or a child of apps/,
// services/ …). It
// is a web service when the script starts a listener (nc -l, busybox
// httpd, python -m http.server, socat TCP-LISTEN …), a worker otherwise.
//
// The image copies the folder and runs `sh <script>` (bash when the shebang
// asks for it); no Extra keys.
type Shell struct{}

// Name implements Detector.
func (Shell) Name() string { return "shell" }

// shellScripts are the script names a service starts with, in order of preference.
var shellScripts = []string{"start.sh", "run.sh", "entrypoint.sh", "main.sh"}

// shellNotServices are folder names, besides tooling ones, whose scripts
// run tests or examples, not services.
var shellNotServices = []string{"test", "tests", "e2e", "examples", "docs"}

// shellOtherStacks are files that mean another stack owns the folder.
var shellOtherStacks = []string{
	"package.json", "deno.json", "deno.jsonc", "requirements.txt", "pyproject.toml", "Pipfile", "setup.py",
	"go.mod", "Cargo.toml", "pom.xml", "build.gradle", "build.gradle.kts", "build.sbt", "project.clj", "deps.edn",
	"Gemfile", "composer.json", "mix.exs", "gleam.toml", "shard.yml", "pubspec.yaml", "stack.yaml",
	"package.yaml", "Package.swift", "build.zig", "CMakeLists.txt", "meson.build",
}

// Detect implements Detector.
func (Shell) Detect(c *Context) *Result {
	script := c.Dir.First(shellScripts...)
	if script == "" {
		return nil
	}
	base := path.Base(c.Dir.Path)
	if c.Dir.Path != "." && (ToolingDir(strings.ToLower(base)) || tailContainsFold(shellNotServices, base)) {
		return nil
	}
	data, err := c.Read(script)
	if err != nil {
		return nil
	}
	f := shellScan(data)
	if f.shell == "" {
		return nil // no shebang, or one for another interpreter
	}
	file := c.Path(script)
	r := &Result{Language: "shell", Score: 0.3, SourceExts: []string{".sh"}, Entrypoints: []string{script}}
	if c.Dir.Path != "." {
		r.Name = base
	}
	r.Start = f.shell + " " + script
	r.Because(file, script+" with a "+f.shell+" shebang")
	if other := c.Dir.First(shellOtherStacks...); other == "" && len(c.Dir.WithExt(".csproj", ".fsproj", ".cabal", ".cbl", ".cob")) == 0 {
		parent := path.Base(path.Dir(c.Dir.Path))
		switch {
		case c.Dir.Path == ".":
			r.Score = 0.6
			r.Because(file, "the only service at the root")
		case c.Workspace != "" && c.Workspace != c.Dir.Path:
			r.Score = 0.6
			r.Because(file, "the only service of a workspace member")
		case c.Dir.Depth == 1:
			r.Score = 0.6
			r.Because(file, "the only service of a top-level folder")
		case ServiceParent(strings.ToLower(parent)):
			r.Score = 0.6
			r.Because(file, "the only service in "+parent+"/"+base)
		}
	}
	if f.listener == "" {
		r.Kind = "worker"
		r.Because(file, "starts no listener: a worker")
		return r
	}
	r.Kind = "web"
	r.Because(file, "starts a listener: "+f.listener)
	if f.port > 0 {
		r.PortDefault = f.port
		r.Because(file, "listens on "+strconv.Itoa(f.port))
	}
	return r
}

// shellFacts is what a start script says about itself.
type shellFacts struct {
	shell    string // "sh" or "bash", from the shebang; "" when not a shell script
	listener string // the listening command found, or ""
	port     int    // a literal port it listens on, or 0
}

// shellListeners are the commands that make a script a server, with the
// port they use when none is given.
var shellListeners = []struct {
	re   *lazyre.Regexp
	name string
	port int
}{
	{lazyre.New(`\bbusybox\s+httpd\b|\bhttpd\s+(?:-\S+\s+)*-f\b`), "busybox httpd", 80},
	{lazyre.New(`\b(?:nc|ncat|netcat)\b[^|;&]*\s-[a-zA-Z]*l`), "nc -l", 0},
	{lazyre.New(`\bpython[0-9.]*\s+-m\s+http\.server\b`), "python -m http.server", 8000},
	{lazyre.New(`\bsocat\b.*\bTCP[46]?-LISTEN:`), "socat TCP-LISTEN", 0},
	{lazyre.New(`\bphp\s+-S\b`), "php -S", 0},
	{lazyre.New(`\bruby\s+-run\s+-e\s*httpd\b`), "ruby httpd", 8080},
	{lazyre.New(`\bdarkhttpd\b`), "darkhttpd", 8080},
	{lazyre.New(`\b(?:lighttpd|nginx|caddy)\b`), "web server", 0},
}

var (
	// shellPortFlag finds a port given to a listener: -p 8080, -lp 8080,
	// -l 8080, --port 8080, --port=8080, :8080, http.server 8000.
	shellPortFlag = lazyre.New(`(?:\s-[a-zA-Z]*[pl]\s*|--port[= ]\s*|TCP[46]?-LISTEN:|\S:|http\.server\s+)["']?([0-9]{2,5})\b`)
	// shellPortVar finds the default of a PORT-like variable: ${PORT:-8080},
	// PORT=${PORT:-8080}, : "${PORT:=8080}", PORT=8080.
	shellPortVar = lazyre.New(`\$\{([A-Z_]*PORT):[-=]([0-9]{2,5})\}|^\s*(?:export\s+)?([A-Z_]*PORT)=["']?([0-9]{2,5})["']?\s*$`)
	// shellUsesVar finds a $PORT-like reference on a listener line.
	shellUsesVar = lazyre.New(`\$\{?([A-Z_]*PORT)\b`)
)

// shellScan reads a script's shebang and looks for a listener and its port.
// Comment lines are skipped; nothing is evaluated.
func shellScan(data []byte) shellFacts {
	var f shellFacts
	first, _, _ := bytes.Cut(data, []byte("\n"))
	f.shell = shellFromShebang(string(first))
	if f.shell == "" {
		return f
	}
	defaults := map[string]int{}
	var listenLine string
	defPort := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, m := range shellPortVar.Re().FindAllStringSubmatch(line, -1) {
			name, val := m[1], m[2]
			if name == "" {
				name, val = m[3], m[4]
			}
			if p := shellPort(val); p > 0 {
				if _, seen := defaults[name]; !seen {
					defaults[name] = p
				}
			}
		}
		if f.listener != "" {
			continue
		}
		for _, l := range shellListeners {
			if l.re.Re().MatchString(line) {
				f.listener, listenLine, defPort = l.name, line, l.port
				break
			}
		}
	}
	if f.listener == "" {
		return f
	}
	if m := shellUsesVar.Re().FindStringSubmatch(listenLine); m != nil {
		if p := defaults[m[1]]; p > 0 {
			f.port = p
			return f
		}
	}
	if m := shellPortFlag.Re().FindStringSubmatch(listenLine); m != nil {
		if p := shellPort(m[1]); p > 0 {
			f.port = p
			return f
		}
	}
	if !strings.Contains(listenLine, "$") {
		f.port = defPort
	}
	return f
}

// shellFromShebang returns "sh" or "bash" for a shell shebang line.
func shellFromShebang(line string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "#!")
	if !ok {
		return ""
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return ""
	}
	interp := path.Base(fields[0])
	if interp == "env" {
		interp = ""
		for _, a := range fields[1:] {
			if !strings.HasPrefix(a, "-") {
				interp = path.Base(a)
				break
			}
		}
	}
	switch interp {
	case "bash":
		return "bash"
	case "sh", "ash", "dash", "busybox":
		return "sh"
	}
	return ""
}

func shellPort(s string) int {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0
	}
	return p
}

func tailContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
