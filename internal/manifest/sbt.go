package manifest

import (
	"bufio"
	"bytes"
	"strings"
)

// Sbt is what Kyozo reads of a build.sbt. The build is Scala code, so it is
// scanned: `lazy val x = (project in file("x"))` definitions and the
// settings after them, top-level settings (the root project's), dependency
// coordinates ("org" %% "name" % "version"), enabled plugins and the main
// class.
type Sbt struct {
	ScalaVersion string
	// Root holds the settings written outside any project definition, and
	// those of a project defined in file(".").
	Root SbtProject
	// Projects are the other project definitions, in file order.
	Projects []SbtProject
}

// SbtProject is one project of a build.
type SbtProject struct {
	ID        string // the val's name
	Dir       string // file("…") folder, relative to the build; the ID when not written
	Name      string // name := "…"
	Deps      []string
	Plugins   []string // enablePlugins(…)
	MainClass string
	DependsOn []string // project ids
	Aggregate []string // project ids
	Line      int
}

// ParseSbt scans a build.sbt.
func ParseSbt(data []byte) (*Sbt, error) {
	toks, err := lexJVM(data, jvmScala)
	b := &Sbt{}
	cur := &b.Root
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case '(', '[', '{':
			depth++
			continue
		case ')', ']', '}':
			depth--
			continue
		}
		// lazy val api = (project in file("api")) / project.in(file("api")) / project
		if depth == 0 && t.kind == 'i' && t.text == "val" && i+3 < len(toks) && toks[i+1].kind == 'i' && toks[i+2].kind == '=' {
			if dir, ok := sbtProjectDef(toks[i+3:]); ok {
				id := toks[i+1].text
				if dir == "" {
					dir = id
				}
				if dir == "." {
					cur = &b.Root
					cur.ID = id
				} else {
					b.Projects = append(b.Projects, SbtProject{ID: id, Dir: dir, Line: t.line})
					cur = &b.Projects[len(b.Projects)-1]
				}
				i += 2
				continue
			}
		}
		if t.kind != 'i' && t.kind != 's' {
			continue
		}
		switch {
		case t.kind == 's' && i+2 < len(toks) && toks[i+1].kind == '%':
			d, n := sbtDep(toks[i:])
			if d != "" {
				cur.Deps = appendUnique(cur.Deps, d)
			}
			i += n - 1
		case t.text == "name" && sbtAssign(toks, i):
			if s := sbtValue(toks, i); s != "" && cur.Name == "" {
				cur.Name = s
			}
		case t.text == "scalaVersion" && sbtAssign(toks, i):
			if s := sbtValue(toks, i); s != "" && b.ScalaVersion == "" {
				b.ScalaVersion = s
			}
		case t.text == "mainClass":
			// Compile / mainClass := Some("x"), mainClass in Compile := Some("x")
			for j := i + 1; j < len(toks) && j < i+12; j++ {
				if toks[j].kind == 's' {
					if cur.MainClass == "" {
						cur.MainClass = toks[j].text
					}
					break
				}
				if toks[j].kind == ';' {
					break
				}
			}
		case t.text == "enablePlugins":
			cur.Plugins = append(cur.Plugins, sbtIdents(toks, i+1)...)
		case t.text == "dependsOn":
			cur.DependsOn = append(cur.DependsOn, sbtIdents(toks, i+1)...)
		case t.text == "aggregate":
			cur.Aggregate = append(cur.Aggregate, sbtIdents(toks, i+1)...)
		}
	}
	return b, err
}

// sbtProjectDef recognises the right side of a project definition and
// returns its folder ("" when it is the val's name).
func sbtProjectDef(t []jvmTok) (string, bool) {
	k := 0
	if k < len(t) && t[k].kind == '(' {
		k++
	}
	if k >= len(t) || t[k].kind != 'i' || t[k].text != "project" {
		// crossProject(JVMPlatform).in(file("x")) and friends are not
		// deployable applications on their own.
		return "", false
	}
	for j := k + 1; j < len(t) && j < k+10; j++ {
		if t[j].kind == ';' {
			break
		}
		if t[j].kind == 'i' && t[j].text == "file" && j+2 < len(t) && t[j+1].kind == '(' && t[j+2].kind == 's' {
			return strings.TrimSuffix(strings.TrimPrefix(t[j+2].text, "./"), "/"), true
		}
	}
	return "", true
}

// sbtDep reads "org" %% "name" % "version" [% Test] at t and returns
// "org:name" and the tokens used; test and provided scopes yield "".
func sbtDep(t []jvmTok) (string, int) {
	k := 1
	for k < len(t) && t[k].kind == '%' {
		k++
	}
	if k >= len(t) || t[k].kind != 's' {
		return "", 1
	}
	org, name := t[0].text, t[k].text
	k++
	if k+1 < len(t) && t[k].kind == '%' { // % version
		k += 2
	}
	if k+1 < len(t) && t[k].kind == '%' { // % scope
		scope := strings.ToLower(t[k+1].text)
		k += 2
		if strings.HasPrefix(scope, "test") || scope == "it" || scope == "integrationtest" || scope == "provided" {
			return "", k
		}
	}
	if org == "" || name == "" {
		return "", k
	}
	return org + ":" + name, k
}

// sbtAssign reports whether the identifier at i is the key of `key := …`.
func sbtAssign(t []jvmTok, i int) bool {
	return i+2 < len(t) && t[i+1].kind == ':' && t[i+2].kind == '='
}

// sbtValue returns the string on the right of `key := "value"`.
func sbtValue(t []jvmTok, i int) string {
	if i+3 < len(t) && t[i+3].kind == 's' {
		return t[i+3].text
	}
	return ""
}

// sbtIdents returns the identifiers of the argument list starting at t[i].
func sbtIdents(t []jvmTok, i int) []string {
	if i >= len(t) || t[i].kind != '(' {
		return nil
	}
	var out []string
	depth := 0
	// Argument lists of project ids are short; the bound keeps nested
	// calls from making the scan quadratic.
	for j := i; j < len(t) && j < i+256; j++ {
		switch t[j].kind {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out
			}
		case 'i':
			if depth == 1 && (j+1 >= len(t) || t[j+1].kind != '.') && (j == 0 || t[j-1].kind != '.') {
				out = append(out, t[j].text)
			}
		}
	}
	return out
}

// ParseSbtPlugins reads project/plugins.sbt and returns the "org:name" of
// every addSbtPlugin(…).
func ParseSbtPlugins(data []byte) ([]string, error) {
	toks, err := lexJVM(data, jvmScala)
	var out []string
	for i := 0; i < len(toks); i++ {
		if toks[i].kind == 'i' && toks[i].text == "addSbtPlugin" {
			for j := i + 1; j < len(toks) && j < i+4; j++ {
				if toks[j].kind == 's' {
					if d, _ := sbtDep(toks[j:]); d != "" {
						out = appendUnique(out, d)
					}
					break
				}
			}
		}
	}
	return out, err
}

// SbtVersion reads sbt.version from project/build.properties.
func SbtVersion(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && strings.TrimSpace(k) == "sbt.version" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
