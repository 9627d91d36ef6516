package manifest

import (
	"fmt"
	"slices"
	"strings"
)

// Gradle is what Kyozo reads of a build.gradle or build.gradle.kts. The
// script is scanned, not run: plugin ids, dependency coordinates, the
// application's main class and the Java version cover what a deploy needs;
// values computed in code are missed.
type Gradle struct {
	// Plugins are the ids applied to this project ("java", "application",
	// "org.springframework.boot", "org.jetbrains.kotlin.jvm"); ids declared
	// with `apply false` are not applied and not listed.
	Plugins []string
	// PluginAliases are version-catalog plugin aliases (alias(libs.plugins.x)),
	// normalised ("spring.boot").
	PluginAliases []string
	// SubprojectPlugins are applied by a subprojects {} or allprojects {}
	// block to the projects below.
	SubprojectPlugins []string
	Deps              []GradleDep
	SubprojectDeps    []GradleDep
	MainClass         string
	// JavaVersion is the toolchain's language version, else the release or
	// source compatibility ("17", "1.8").
	JavaVersion string
}

// GradleDep is one dependency declaration.
type GradleDep struct {
	Config  string // implementation, api, runtimeOnly …
	Group   string
	Name    string
	Project string // ":lib" for project(":lib")
	Catalog string // version-catalog alias, normalised ("spring.boot.web")
	Bundle  bool   // Catalog names a bundle
	Line    int
}

// Coord returns "group:name", or "" for project and catalog references.
func (d GradleDep) Coord() string {
	if d.Name == "" {
		return ""
	}
	return d.Group + ":" + d.Name
}

// GradleSettings is what Kyozo reads of settings.gradle(.kts).
type GradleSettings struct {
	RootName      string
	Includes      []string          // project paths (":app", ":libs:core")
	ProjectDirs   map[string]string // project path → folder set with projectDir
	IncludeBuilds []string          // included builds (build-logic)
}

// Dir returns the folder of an included project relative to the settings
// file: its projectDir when set, else the path with ':' as separator.
func (s *GradleSettings) Dir(project string) string {
	if d, ok := s.ProjectDirs[project]; ok {
		return d
	}
	return strings.ReplaceAll(strings.TrimPrefix(project, ":"), ":", "/")
}

// ParseGradle scans a Gradle build script; kts selects the Kotlin DSL.
func ParseGradle(data []byte, kts bool) (*Gradle, error) {
	mode := jvmGroovy
	if kts {
		mode = jvmKotlin
	}
	toks, err := lexJVM(data, mode)
	g := &Gradle{}
	var toolchain, release, source string
	for _, st := range jvmStatements(toks) {
		if slices.Contains(st.blocks, "buildscript") {
			continue
		}
		sub := slices.Contains(st.blocks, "subprojects") || slices.Contains(st.blocks, "allprojects")
		t := st.toks
		head := gradleHead(t)
		inner := ""
		if len(st.blocks) > 0 {
			inner = st.blocks[len(st.blocks)-1]
		}
		switch {
		case inner == "plugins":
			id, alias := gradlePluginDecl(t)
			if id != "" {
				g.Plugins = appendUnique(g.Plugins, id)
			}
			if alias != "" {
				g.PluginAliases = appendUnique(g.PluginAliases, alias)
			}
		case head == "apply":
			if id := gradleApplyPlugin(t); id != "" {
				if sub {
					g.SubprojectPlugins = appendUnique(g.SubprojectPlugins, id)
				} else {
					g.Plugins = appendUnique(g.Plugins, id)
				}
			}
		case inner == "dependencies":
			for _, d := range gradleDeps(t) {
				if sub {
					g.SubprojectDeps = append(g.SubprojectDeps, d)
				} else {
					g.Deps = append(g.Deps, d)
				}
			}
		}
		switch {
		case head == "mainClass" || head == "mainClassName" || strings.HasSuffix(head, ".mainClass") || strings.HasSuffix(head, ".mainClassName"):
			if g.MainClass == "" {
				g.MainClass = gradleFirstString(t)
			}
		case strings.HasSuffix(head, "languageVersion") || head == "jvmToolchain":
			if toolchain == "" {
				toolchain = gradleVersionValue(t)
			}
		case head == "options.release" || head == "release":
			if release == "" {
				release = gradleVersionValue(t)
			}
		case strings.HasSuffix(head, "sourceCompatibility") || strings.HasSuffix(head, "jvmTarget"):
			if source == "" {
				source = gradleVersionValue(t)
			}
		}
	}
	for _, v := range []string{toolchain, release, source} {
		if v != "" {
			g.JavaVersion = v
			break
		}
	}
	return g, err
}

// ParseGradleSettings scans settings.gradle(.kts).
func ParseGradleSettings(data []byte, kts bool) (*GradleSettings, error) {
	mode := jvmGroovy
	if kts {
		mode = jvmKotlin
	}
	toks, err := lexJVM(data, mode)
	s := &GradleSettings{ProjectDirs: map[string]string{}}
	for _, st := range jvmStatements(toks) {
		t := st.toks
		head := gradleHead(t)
		switch head {
		case "rootProject.name":
			s.RootName = gradleFirstString(t)
		case "include":
			for _, x := range t[1:] {
				if x.kind == 's' && x.text != "" {
					p := x.text
					if !strings.HasPrefix(p, ":") {
						p = ":" + p
					}
					s.Includes = appendUnique(s.Includes, p)
				}
			}
		case "includeBuild":
			if b := gradleFirstString(t); b != "" {
				s.IncludeBuilds = appendUnique(s.IncludeBuilds, b)
			}
		case "project":
			// project(":api").projectDir = file("services/api")
			if len(t) >= 4 && t[1].kind == '(' && t[2].kind == 's' {
				rest := t[3:]
				for k := 0; k+1 < len(rest); k++ {
					if rest[k].kind == 'i' && rest[k].text == "projectDir" {
						for _, x := range rest[k+1:] {
							if x.kind == 's' {
								p := t[2].text
								if !strings.HasPrefix(p, ":") {
									p = ":" + p
								}
								s.ProjectDirs[p] = strings.TrimPrefix(x.text, "./")
								break
							}
						}
						break
					}
				}
			}
		}
	}
	return s, err
}

// VersionCatalog is what Kyozo reads of gradle/libs.versions.toml.
type VersionCatalog struct {
	Libraries map[string]string   // normalised alias → "group:name"
	Bundles   map[string][]string // normalised alias → library aliases
	Plugins   map[string]string   // normalised alias → plugin id
}

// ParseVersionCatalog reads a Gradle version catalog.
func ParseVersionCatalog(data []byte) (*VersionCatalog, error) {
	var w struct {
		Libraries map[string]any      `toml:"libraries"`
		Bundles   map[string][]string `toml:"bundles"`
		Plugins   map[string]any      `toml:"plugins"`
	}
	if err := DecodeTOML(data, &w); err != nil {
		return nil, err
	}
	vc := &VersionCatalog{Libraries: map[string]string{}, Bundles: map[string][]string{}, Plugins: map[string]string{}}
	for k, v := range w.Libraries {
		coord := ""
		switch x := v.(type) {
		case string:
			parts := strings.Split(x, ":")
			if len(parts) >= 2 {
				coord = parts[0] + ":" + parts[1]
			}
		case map[string]any:
			if m, ok := x["module"].(string); ok {
				coord = m
			} else {
				g, _ := x["group"].(string)
				n, _ := x["name"].(string)
				if g != "" && n != "" {
					coord = g + ":" + n
				}
			}
		}
		if coord != "" {
			vc.Libraries[CatalogAlias(k)] = coord
		}
	}
	for k, v := range w.Bundles {
		for _, a := range v {
			vc.Bundles[CatalogAlias(k)] = append(vc.Bundles[CatalogAlias(k)], CatalogAlias(a))
		}
	}
	for k, v := range w.Plugins {
		id := ""
		switch x := v.(type) {
		case string:
			id, _, _ = strings.Cut(x, ":")
		case map[string]any:
			id, _ = x["id"].(string)
		}
		if id != "" {
			vc.Plugins[CatalogAlias(k)] = id
		}
	}
	return vc, nil
}

// CatalogAlias normalises a catalog alias the way Gradle's accessors do:
// "spring-boot_web" and libs.spring.boot.web are the same library.
func CatalogAlias(s string) string {
	return strings.ToLower(strings.NewReplacer("-", ".", "_", ".").Replace(s))
}

// gradleHead joins a statement's leading dotted name ("java.sourceCompatibility",
// "rootProject.name", "mainClass.set" → "mainClass").
func gradleHead(t []jvmTok) string {
	var parts []string
	for i := 0; i < len(t); i++ {
		if t[i].kind != 'i' {
			break
		}
		if t[i].text == "set" && len(parts) > 0 && i+1 < len(t) && t[i+1].kind == '(' {
			break
		}
		parts = append(parts, t[i].text)
		if i+1 >= len(t) || t[i+1].kind != '.' {
			break
		}
		i++
	}
	return strings.Join(parts, ".")
}

// gradlePluginDecl reads one line of a plugins {} block: the plugin id, or
// the catalog alias of alias(libs.plugins.x). Ids applied with `apply false`
// only declare a version for subprojects and are skipped.
func gradlePluginDecl(t []jvmTok) (id, alias string) {
	for k := 0; k+1 < len(t); k++ {
		if t[k].kind == 'i' && t[k].text == "apply" && t[k+1].kind == 'i' && t[k+1].text == "false" {
			return "", ""
		}
		if t[k].kind == 'i' && t[k].text == "apply" && t[k+1].kind == '(' && k+2 < len(t) && t[k+2].text == "false" {
			return "", ""
		}
	}
	if len(t) == 0 || t[0].kind != 'i' {
		return "", ""
	}
	switch t[0].text {
	case "id":
		return gradleFirstString(t), ""
	case "kotlin":
		if s := gradleFirstString(t); s != "" {
			return "org.jetbrains.kotlin." + s, ""
		}
		return "", ""
	case "alias":
		chain := gradleChainAfter(t, 1)
		if rest, ok := strings.CutPrefix(chain, "libs.plugins."); ok {
			return "", CatalogAlias(rest)
		}
		return "", ""
	}
	// A bare core plugin: java, application, `java-library`, scala.
	if len(t) == 1 || t[1].kind == 'i' && t[1].text == "version" {
		return t[0].text, ""
	}
	return "", ""
}

// gradleApplyPlugin reads `apply plugin: 'x'` and `apply(plugin = "x")`.
func gradleApplyPlugin(t []jvmTok) string {
	for k := 1; k+1 < len(t); k++ {
		if t[k].kind == 'i' && t[k].text == "plugin" && (t[k+1].kind == ':' || t[k+1].kind == '=') {
			for _, x := range t[k+2:] {
				if x.kind == 's' {
					return x.text
				}
				if x.kind == 'i' {
					// apply plugin: JavaPlugin, or a class name.
					return ""
				}
			}
		}
	}
	return ""
}

// gradleDeps reads one statement of a dependencies {} block.
func gradleDeps(t []jvmTok) []GradleDep {
	if len(t) < 2 || t[0].kind != 'i' {
		return nil
	}
	config := t[0].text
	if !gradleRuntimeConfig(config) {
		return nil
	}
	var out []GradleDep
	line := t[0].line
	rest := t[1:]
	// Named arguments: group: 'x', name: 'y' (or group = "x", name = "y").
	named := map[string]string{}
	for k := 0; k+2 < len(rest); k++ {
		if rest[k].kind == 'i' && (rest[k+1].kind == ':' || rest[k+1].kind == '=') && rest[k+2].kind == 's' {
			named[rest[k].text] = rest[k+2].text
		}
	}
	if named["name"] != "" {
		return []GradleDep{{Config: config, Group: named["group"], Name: named["name"], Line: line}}
	}
	for k := 0; k < len(rest); k++ {
		x := rest[k]
		switch {
		case x.kind == 's':
			parts := strings.Split(x.text, ":")
			if len(parts) >= 2 && parts[0] != "" && parts[1] != "" && !strings.ContainsAny(parts[0], " ${}") {
				out = append(out, GradleDep{Config: config, Group: parts[0], Name: parts[1], Line: line})
			}
		case x.kind == 'i' && x.text == "project":
			for _, y := range rest[k+1:] {
				if y.kind == 's' {
					p := y.text
					if !strings.HasPrefix(p, ":") {
						p = ":" + p
					}
					out = append(out, GradleDep{Config: config, Project: p, Line: line})
					break
				}
				if y.kind == ')' {
					break
				}
			}
			return out
		case x.kind == 'i' && x.text == "kotlin" && k+2 < len(rest) && rest[k+1].kind == '(' && rest[k+2].kind == 's':
			out = append(out, GradleDep{Config: config, Group: "org.jetbrains.kotlin", Name: "kotlin-" + rest[k+2].text, Line: line})
			k += 2
		case x.kind == 'i' && x.text == "libs" && k+1 < len(rest) && rest[k+1].kind == '.':
			chain := gradleChainAfter(rest, k)
			chain = strings.TrimPrefix(chain, "libs.")
			d := GradleDep{Config: config, Line: line}
			if b, ok := strings.CutPrefix(chain, "bundles."); ok {
				d.Catalog, d.Bundle = CatalogAlias(b), true
			} else {
				d.Catalog = CatalogAlias(strings.TrimSuffix(chain, ".get"))
			}
			out = append(out, d)
			for k+1 < len(rest) && (rest[k+1].kind == '.' || rest[k+1].kind == 'i') {
				k++
			}
		}
	}
	return out
}

// gradleRuntimeConfig reports whether a configuration's dependencies end up
// in the deployed application.
func gradleRuntimeConfig(c string) bool {
	switch c {
	case "implementation", "api", "compile", "runtime", "runtimeOnly", "compileOnly",
		"compileOnlyApi", "providedCompile", "providedRuntime":
		return true
	}
	return false
}

// gradleChainAfter returns the dotted identifier chain starting at t[k]
// (or after an opening parenthesis there).
func gradleChainAfter(t []jvmTok, k int) string {
	if k < len(t) && t[k].kind == '(' {
		k++
	}
	var parts []string
	for ; k < len(t); k++ {
		if t[k].kind != 'i' {
			break
		}
		parts = append(parts, t[k].text)
		if k+1 >= len(t) || t[k+1].kind != '.' {
			break
		}
		k++
	}
	return strings.Join(parts, ".")
}

// gradleFirstString returns the first string literal of a statement.
func gradleFirstString(t []jvmTok) string {
	for _, x := range t {
		if x.kind == 's' {
			return x.text
		}
	}
	return ""
}

// gradleVersionValue reads a Java version from the value side of a
// statement: JavaLanguageVersion.of(21), jvmToolchain(17), '17', 1.8,
// JavaVersion.VERSION_17, JvmTarget.JVM_21.
func gradleVersionValue(t []jvmTok) string {
	for k, x := range t {
		if k == 0 && x.kind == 'i' {
			continue
		}
		switch x.kind {
		case 'n':
			return x.text
		case 's':
			if x.text != "" && x.text[0] >= '0' && x.text[0] <= '9' {
				return x.text
			}
		case 'i':
			for _, p := range []string{"VERSION_", "JVM_"} {
				if v, ok := strings.CutPrefix(x.text, p); ok && v != "" && v[0] >= '0' && v[0] <= '9' {
					return strings.ReplaceAll(v, "_", ".")
				}
			}
		}
	}
	return ""
}

// ---- The build-script lexer, shared with sbt.go ------------------------------

// jvmTok is a token of a Groovy, Kotlin or Scala build script (build.gradle,
// build.gradle.kts, settings.gradle, build.sbt): enough to find plugin ids,
// dependency coordinates, includes and a few settings, never to evaluate.
type jvmTok struct {
	kind byte // 'i' identifier, 's' string, 'n' number, ';' statement end, or the punctuation byte
	text string
	line int
}

// jvmLexMode selects the few differences between the languages.
type jvmLexMode int

const (
	jvmGroovy jvmLexMode = iota // '…' and '''…''' are strings
	jvmKotlin                   // '…' is a char literal, lexed as a string
	jvmScala                    // 'x' is a char literal; 'sym is a symbol
)

// lexJVM tokenises a build script. Newlines end statements except inside
// parentheses or brackets, after a token that cannot end one (`,`, `=`, an
// operator) and before a line that starts with `.` (a method chain). It
// fails with the line on an unterminated string or comment and on
// unbalanced brackets; the tokens read so far are returned with the error.
func lexJVM(src []byte, mode jvmLexMode) ([]jvmTok, error) {
	var toks []jvmTok
	line := 1
	// open holds the unclosed brackets; each brace level keeps its own
	// paren depth so a closure passed as an argument still splits statements.
	type opener struct {
		c    byte
		line int
	}
	var open []opener
	parens := func() bool {
		return len(open) > 0 && open[len(open)-1].c != '{'
	}
	emit := func(kind byte, text string, ln int) { toks = append(toks, jvmTok{kind, text, ln}) }
	endStatement := func() {
		if len(toks) == 0 {
			return
		}
		switch toks[len(toks)-1].kind {
		case ';', '{', ',', '=', '+', '%', '&', '|', '.', ':', '(', '[':
			return
		}
		emit(';', "", line)
	}
	s := src
	if len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF {
		s = s[3:]
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			if !parens() && !nextLineIsChain(s, i+1) {
				endStatement()
			}
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			start := line
			j := i + 2
			depth := 1 // Kotlin and Scala comments nest
			for j < len(s) && depth > 0 {
				switch {
				case s[j] == '\n':
					line++
					j++
				case s[j] == '*' && j+1 < len(s) && s[j+1] == '/':
					depth--
					j += 2
				case mode != jvmGroovy && s[j] == '/' && j+1 < len(s) && s[j+1] == '*':
					depth++
					j += 2
				default:
					j++
				}
			}
			if depth > 0 {
				return toks, &Error{Line: start, Msg: "unterminated comment"}
			}
			i = j
		case c == '#' && i == 0 && i+1 < len(s) && s[i+1] == '!':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'' && mode == jvmGroovy:
			start := line
			text, n, lines, ok := jvmString(s[i:], c)
			if !ok {
				return toks, &Error{Line: start, Msg: "unterminated string"}
			}
			emit('s', text, start)
			line += lines
			i += n
		case c == '\'':
			// A char literal ('a', '\n') is a string; a Scala symbol ('sym)
			// is an identifier.
			if i+2 < len(s) && s[i+1] != '\\' && s[i+2] == '\'' {
				emit('s', string(s[i+1]), line)
				i += 3
			} else if i+3 < len(s) && s[i+1] == '\\' && s[i+3] == '\'' {
				emit('s', string(s[i+1:i+3]), line)
				i += 4
			} else {
				i++
			}
		case c == '`':
			j := i + 1
			for j < len(s) && s[j] != '`' && s[j] != '\n' {
				j++
			}
			if j >= len(s) || s[j] != '`' {
				return toks, &Error{Line: line, Msg: "unterminated backquoted name"}
			}
			emit('i', string(s[i+1:j]), line)
			i = j + 1
		case jvmIdentStart(c):
			j := i + 1
			for j < len(s) && jvmIdentChar(s[j]) {
				j++
			}
			emit('i', string(s[i:j]), line)
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && (jvmIdentChar(s[j]) || s[j] == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
				j++
			}
			emit('n', string(s[i:j]), line)
			i = j
		case c == '(' || c == '[' || c == '{':
			emit(c, string(c), line)
			open = append(open, opener{c, line})
			i++
		case c == ')' || c == ']' || c == '}':
			want := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if len(open) == 0 || open[len(open)-1].c != want {
				if len(open) == 0 {
					return toks, &Error{Line: line, Msg: fmt.Sprintf("unexpected %q", c)}
				}
				o := open[len(open)-1]
				return toks, &Error{Line: line, Msg: fmt.Sprintf("unexpected %q: %q opened on line %d is not closed", c, o.c, o.line)}
			}
			if c == '}' {
				endStatement()
			}
			open = open[:len(open)-1]
			emit(c, string(c), line)
			i++
		case c == ';':
			emit(';', "", line)
			i++
		case c >= 0x80:
			// Non-ASCII letters in names and comments: part of an identifier.
			j := i + 1
			for j < len(s) && (s[j] >= 0x80 || jvmIdentChar(s[j])) {
				j++
			}
			emit('i', string(s[i:j]), line)
			i = j
		default:
			emit(c, string(c), line)
			i++
		}
	}
	if len(open) > 0 {
		o := open[len(open)-1]
		return toks, &Error{Line: o.line, Msg: fmt.Sprintf("%q is never closed", o.c)}
	}
	endStatement()
	return toks, nil
}

// nextLineIsChain reports whether the line starting at i begins with a
// method call on the previous line's value (".settings(", "?.let").
func nextLineIsChain(s []byte, i int) bool {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	if i < len(s) && s[i] == '?' && i+1 < len(s) && s[i+1] == '.' {
		return true
	}
	return i+1 < len(s) && s[i] == '.' && s[i+1] != '.'
}

// jvmString reads a string literal starting at s[0] (q is its quote). It
// returns the content as written (escapes kept but for \" and \'), the bytes
// consumed, the newlines inside, and false when it is not terminated.
func jvmString(s []byte, q byte) (text string, n, lines int, ok bool) {
	if len(s) >= 3 && s[1] == q && s[2] == q {
		for j := 3; j+2 < len(s); j++ {
			if s[j] == '\n' {
				lines++
			}
			if s[j] == q && s[j+1] == q && s[j+2] == q {
				// A triple-quoted string may end in more quotes ("""a"""").
				end := j
				for end+3 < len(s) && s[end+3] == q {
					end++
				}
				return string(s[3:end]), end + 3, lines, true
			}
		}
		return "", 0, 0, false
	}
	var b []byte
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) {
				if s[j+1] == q || s[j+1] == '\\' {
					b = append(b, s[j+1])
				} else {
					b = append(b, s[j], s[j+1])
				}
				if s[j+1] == '\n' {
					lines++
				}
				j++
			}
		case q:
			return string(b), j + 1, lines, true
		case '\n':
			return "", 0, 0, false
		default:
			b = append(b, s[j])
		}
	}
	return "", 0, 0, false
}

func jvmIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func jvmIdentChar(c byte) bool { return jvmIdentStart(c) || c >= '0' && c <= '9' }

// jvmStatement is a statement of a build script and the names of the blocks
// around it, outermost first ("subprojects", "dependencies").
type jvmStatement struct {
	toks   []jvmTok
	blocks []string
	line   int
}

// jvmStatements splits tokens into statements. A `{` makes the statement
// before it the block's header; the block's name is the header's first
// identifier ("dependencies", "java", "tasks" for tasks.named("x")).
func jvmStatements(toks []jvmTok) []jvmStatement {
	var out []jvmStatement
	var blocks []string
	var braces []bool // true for a block, false for a brace inside a call
	var cur []jvmTok
	parens := 0 // open ( and [ in cur, kept as tokens are added so this stays linear
	flush := func() {
		if len(cur) > 0 {
			out = append(out, jvmStatement{toks: cur, blocks: append([]string(nil), blocks...), line: cur[0].line})
			cur = nil
		}
		parens = 0
	}
	for _, t := range toks {
		switch t.kind {
		case ';':
			flush()
		case '{':
			// Braces inside an argument list belong to the statement
			// (a lambda in a call); only a statement-level brace opens a block.
			if parens > 0 || len(braces) > 0 && !braces[len(braces)-1] {
				braces = append(braces, false)
				cur = append(cur, t)
				continue
			}
			braces = append(braces, true)
			name := ""
			for _, h := range cur {
				if h.kind == 'i' {
					name = h.text
					break
				}
			}
			flush()
			blocks = append(blocks, name)
		case '}':
			block := len(braces) == 0 || braces[len(braces)-1]
			if len(braces) > 0 {
				braces = braces[:len(braces)-1]
			}
			if !block {
				cur = append(cur, t)
				continue
			}
			flush()
			if len(blocks) > 0 {
				blocks = blocks[:len(blocks)-1]
			}
		default:
			switch t.kind {
			case '(', '[':
				parens++
			case ')', ']':
				parens--
			}
			cur = append(cur, t)
		}
	}
	flush()
	return out
}
