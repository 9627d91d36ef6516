package stacks

import (
	"bufio"
	"bytes"
	"path"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
)

// Haskell detects Haskell packages: a .cabal file or hpack's package.yaml,
// built with stack when a stack.yaml is in the folder or above it, else with
// cabal. A stack.yaml or cabal.project whose packages are other folders is a
// workspace root.
//
// Target is the executable's name; it is installed to /app/bin/<target>.
//
// Extra keys, read by plan.genHaskell:
//
//	"builder" "stack" or "cabal"
//	"package" the package name (stack install <package>:exe:<target>)
type Haskell struct{}

// Name implements Detector.
func (Haskell) Name() string { return "haskell" }

// haskellWeb are web server packages, with the default port of the ones
// that have one.
var haskellWeb = []struct {
	dep  string
	port int
}{
	{"yesod", 3000}, {"yesod-core", 3000}, {"ihp", 8000}, {"scotty", 0}, {"servant-server", 0},
	{"spock", 0}, {"Spock", 0}, {"snap-server", 8000}, {"warp", 0}, {"wai", 0},
}

// Detect implements Detector.
func (Haskell) Detect(c *Context) *Result {
	cabals := c.Dir.WithExt(".cabal")
	hasHpack := c.Has("package.yaml")
	if len(cabals) == 0 && !hasHpack {
		if c.Has("stack.yaml") || c.Has("cabal.project") {
			return haskellWorkspace(c)
		}
		return nil
	}
	r := &Result{Language: "haskell", Score: 0.9, SourceExts: []string{".hs", ".lhs"}}
	var (
		pkg  *manifest.HaskellPackage
		file string
		err  error
	)
	if hasHpack {
		file = c.Path("package.yaml")
		pkg, err = haskellRead(c, file, manifest.ParseHpack)
	} else {
		file = c.Path(cabals[0])
		pkg, err = haskellRead(c, file, manifest.ParseCabal)
	}
	r.Because(file, path.Base(file))
	if err != nil {
		r.WarnParse(file, err)
	}
	if pkg == nil {
		pkg = &manifest.HaskellPackage{}
	}
	r.Name, r.Deps = pkg.Name, pkg.Deps
	for _, f := range append([]string{"package.yaml"}, cabals...) {
		if c.Has(f) {
			r.Lockfiles = append(r.Lockfiles, c.Path(f))
		}
	}

	// stack.yaml here or above decides the builder and the build context.
	builder := "cabal"
	if sy := c.FindUp("stack.yaml"); sy != "" {
		builder = "stack"
		root := path.Dir(sy)
		if root != c.Dir.Path {
			r.BuildContext = root
		}
		r.Lockfiles = append([]string{sy}, r.Lockfiles...)
		if c.Tree.Exists(tailJoin(root, "stack.yaml.lock")) {
			r.Lockfiles = append(r.Lockfiles, tailJoin(root, "stack.yaml.lock"))
		}
		r.Because(sy, "built with stack")
		if data, err := c.ReadPath(sy); err != nil {
			r.WarnParse(sy, err)
		} else if sc, err := manifest.ParseStackYAML(data); err != nil {
			r.WarnParse(sy, err)
		} else if g := sc.GHC(); g != "" {
			r.RuntimeVersion = g
			r.Because(sy, "resolver "+sc.Resolver+" uses ghc "+g)
		}
	} else {
		r.Because(file, "built with cabal")
		for _, f := range []string{"cabal.project", "cabal.project.freeze"} {
			if c.Has(f) {
				r.Lockfiles = append(r.Lockfiles, c.Path(f))
			}
		}
		if v := haskellWithCompiler(c); v != "" {
			r.RuntimeVersion = v
			r.Because(c.Path("cabal.project"), "with-compiler ghc "+v)
		}
	}
	r.PackageManager = builder
	r.Set("builder", builder)
	if v, f := ToolVersion(c, "ghc"); v != "" {
		r.RuntimeVersion = v
		r.Because(f, "ghc "+v+" pinned")
	} else if r.RuntimeVersion == "" && pkg.TestedWith != "" {
		if v := haskellTestedWith(pkg.TestedWith); v != "" {
			r.RuntimeVersion = v
			r.Because(file, "tested with ghc "+v)
		}
	}

	exe := haskellPickExe(pkg)
	if exe == nil || !tailSafeName(exe.Name) || !tailSafeName(pkg.Name) {
		r.Library = true
		r.Score -= 0.4
		r.Because(file, "no executable section: a library")
		return r
	}
	r.Target = exe.Name
	r.Set("package", pkg.Name)
	r.Start = "/app/bin/" + exe.Name
	if builder == "stack" {
		r.Build = "stack install " + pkg.Name + ":exe:" + exe.Name
	} else {
		r.Build = "cabal install exe:" + exe.Name
	}
	r.Because(file, "executable "+exe.Name)
	if exe.Main != "" {
		r.Entrypoints = []string{path.Join(exe.Dir, exe.Main)}
	}
	for _, w := range haskellWeb {
		if HasAny(pkg.Deps, w.dep) {
			r.Kind, r.PortDefault = "web", w.port
			r.Because(file, w.dep+" in build-depends")
			if len(r.Entrypoints) > 0 {
				if p := haskellPort(c, r.Entrypoints[0]); p > 0 {
					r.PortDefault = p
					r.Because(c.Path(r.Entrypoints[0]), "listens on "+strconv.Itoa(p)+" unless PORT says otherwise")
				}
			}
			return r
		}
	}
	r.Score -= 0.2
	return r
}

// haskellPortRes find the port a Haskell main listens on: scotty 3000,
// run 8080 (warp), or the fallback of a PORT lookup (maybe 3000 read <$>
// lookupEnv "PORT", fromMaybe "3000" <$> lookupEnv "PORT").
var haskellPortRes = []*lazyre.Regexp{
	lazyre.New(`(?:maybe\s+|fromMaybe\s+"?)([0-9]{2,5})"?[^\n]*"PORT"`),
	lazyre.New(`(?m)\b(?:scotty|Warp\.run|run|runEnv)\s+([0-9]{2,5})\b`),
}

// haskellPort returns the port the main module names, or 0.
func haskellPort(c *Context, rel string) int {
	data, err := c.Read(rel)
	if err != nil {
		return 0
	}
	for _, re := range haskellPortRes {
		if m := re.Re().FindSubmatch(data); m != nil {
			if p, err := strconv.Atoi(string(m[1])); err == nil && p > 0 && p < 65536 {
				return p
			}
		}
	}
	return 0
}

func haskellRead(c *Context, file string, parse func([]byte) (*manifest.HaskellPackage, error)) (*manifest.HaskellPackage, error) {
	data, err := c.ReadPath(file)
	if err != nil {
		return nil, err
	}
	return parse(data)
}

// haskellPickExe prefers the executable named like the package, then
// <name>-exe (stack's template), then the first.
func haskellPickExe(p *manifest.HaskellPackage) *manifest.HaskellExecutable {
	if len(p.Executables) == 0 {
		return nil
	}
	for _, want := range []string{p.Name, p.Name + "-exe"} {
		for i := range p.Executables {
			if p.Executables[i].Name == want {
				return &p.Executables[i]
			}
		}
	}
	return &p.Executables[0]
}

// haskellWorkspace concludes for a folder with a stack.yaml or
// cabal.project and no package of its own.
func haskellWorkspace(c *Context) *Result {
	r := &Result{Language: "haskell", Score: 0.5, WorkspaceOnly: true}
	if c.Has("stack.yaml") {
		file := c.Path("stack.yaml")
		r.PackageManager = "stack"
		data, err := c.Read("stack.yaml")
		var sc *manifest.StackConfig
		if err == nil {
			sc, err = manifest.ParseStackYAML(data)
		}
		if err != nil {
			r.WarnParse(file, err)
			return r
		}
		for _, p := range sc.Packages {
			if p = strings.TrimSuffix(p, "/"); p != "." && p != "" {
				r.Members = append(r.Members, p)
			}
		}
		r.Because(file, "stack project gathering packages")
		return r
	}
	file := c.Path("cabal.project")
	r.PackageManager = "cabal"
	data, _ := c.Read("cabal.project")
	r.Members = haskellProjectPackages(data)
	r.Because(file, "cabal project gathering packages")
	return r
}

// haskellProjectPackages reads the packages: field of a cabal.project
// (folders or globs, optionally naming a .cabal file).
func haskellProjectPackages(data []byte) []string {
	var out []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		if rest, ok := strings.CutPrefix(trimmed, "packages:"); ok {
			in = true
			trimmed = rest
		} else if line[0] != ' ' && line[0] != '\t' {
			in = false
		}
		if !in {
			continue
		}
		for _, f := range strings.Fields(trimmed) {
			f = strings.TrimSuffix(f, "/")
			if strings.HasSuffix(f, ".cabal") {
				f = path.Dir(f)
			}
			if f != "." && f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

// haskellWithCompiler reads `with-compiler: ghc-9.6.4` from cabal.project.
func haskellWithCompiler(c *Context) string {
	data, err := c.Read("cabal.project")
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "with-compiler:"); ok {
			v = strings.TrimSpace(v)
			if g, ok := strings.CutPrefix(v, "ghc-"); ok {
				return g
			}
		}
	}
	return ""
}

// haskellTestedWith returns the newest-looking version of a tested-with
// field ("GHC == 9.4.8 || == 9.6.6" gives 9.6.6): the last one listed.
func haskellTestedWith(v string) string {
	last := ""
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '=' || r == '|' || r == '{' || r == '}' }) {
		if f != "" && f[0] >= '0' && f[0] <= '9' {
			last = f
		}
	}
	return last
}

// tailJoin joins a tree path and a name, "." being the root.
func tailJoin(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}
