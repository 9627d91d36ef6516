package stacks

import (
	"bytes"
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// Python detects Python services: projects managed by pip, Poetry, uv,
// Pipenv or PDM; Django, Flask, FastAPI and FastHTML apps; Celery, RQ,
// Dramatiq and arq workers; uv workspaces and their members.
//
// Extra keys, read by internal/plan/python.go:
//
//	"requirements"  folder-relative requirements file pip installs
//	"pip_install"   "requirements" (pip install -r) or "project" (pip install .)
//	"local_deps"    "1": dependencies include local paths, so sources are
//	                copied before dependencies are installed
//	"uv_package"    the member to sync when built from a uv workspace root
//	"apt"           Debian packages native dependencies need (space-separated)
//	"collectstatic" "1": Django settings set STATIC_ROOT
//	"secret_env"    the variable Django settings read SECRET_KEY from; set to
//	                a placeholder while collectstatic runs
//	"assets_dir"    folder-relative folder a node assets build writes
//	"node_lockfile" the node lockfile beside package.json, for an assets build
//	"app"           the WSGI/ASGI application as module:attribute
type Python struct{}

// Name implements Detector.
func (Python) Name() string { return "python" }

// pyManifests are the files that make a folder a Python project.
var pyManifests = []string{
	"pyproject.toml", "requirements.txt", "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock",
	"poetry.lock", "uv.lock", "pdm.lock",
}

// pyEntryFiles are files a Python service is started from, in the order a
// reader would look at them.
var pyEntryFiles = []string{"manage.py", "app.py", "main.py", "wsgi.py", "asgi.py", "server.py", "application.py", "run.py"}

// pyPrefix is how much of a source file is read to find an application
// object; the constructor sits near the top of any real module.
const pyPrefix = 64 << 10

// pyDetection is the state of one detection.
type pyDetection struct {
	c    *Context
	r    *Result
	pp   *manifest.Pyproject
	pf   *manifest.Pipfile
	reqs []manifest.Requirement
	deps []string
	errs []pyParseErr
	// reqFile is the folder-relative requirements file pip installs.
	reqFile string
	local   []string // local dependency folders, as written, relative to the folder
}

type pyParseErr struct {
	file string
	err  error
}

// Detect implements Detector.
func (Python) Detect(c *Context) *Result {
	d := c.Dir
	manifestFile := d.First(pyManifests...)
	entry := d.First(pyEntryFiles...)
	reqDir := pyRequirementsDir(c)
	if manifestFile == "" && entry == "" && reqDir == "" {
		return nil
	}
	if manifestFile == "" && reqDir == "" && (d.Has("__init__.py") || pyInsideProject(c)) {
		// A package or module folder of a project found further up.
		return nil
	}
	if manifestFile == "" {
		manifestFile = reqDir
	}
	p := &pyDetection{c: c, r: &Result{Language: "python", SourceExts: []string{".py"}}}
	r := p.r
	p.readPyproject()
	if manifestFile == "pyproject.toml" && p.pp != nil && !p.pp.HasProject && !p.pp.Poetry && !p.pp.UV &&
		!p.pp.PDM && p.pp.BuildBackend == "" && entry == "" && d.First(pyManifests[1:]...) == "" && reqDir == "" {
		// Only tool settings ([tool.ruff], [tool.black]): not a project.
		return nil
	}
	p.readPipfile()
	p.readRequirements(reqDir)
	p.collectDeps()
	p.packageManager()
	p.runtimeVersion()
	p.localPaths()

	wsRoot := p.pp != nil && p.pp.Workspace != nil
	if wsRoot {
		r.Members = slices.Clone(p.pp.Workspace.Members)
		r.Because(c.Path("pyproject.toml"), "uv workspace")
	}
	served := p.framework()
	switch {
	case served && manifestFile == "":
		// Nothing says what to install: a weak claim whatever the entry.
		r.Score = min(r.Score, 0.4)
		r.Because(c.Path(entry), "python entry point without a manifest")
	case served:
	case manifestFile == "":
		r.Score = 0.3
		r.Because(c.Path(entry), "python entry point without a manifest")
	case wsRoot:
		r.WorkspaceOnly = true
		r.Score = 0.5
	default:
		r.Library = true
		r.Score = 0.5
		r.Because(c.Path(manifestFile), "python project without an entry point")
	}
	for _, e := range pyEntryFiles {
		if d.Has(e) && !slices.Contains(r.Entrypoints, e) {
			r.Entrypoints = append(r.Entrypoints, e)
		}
	}
	p.assets()
	for _, e := range p.errs {
		r.WarnParse(e.file, e.err)
	}
	return r
}

// pyInsideProject reports whether a folder above this one holds a Python
// manifest.
func pyInsideProject(c *Context) bool {
	for _, d := range c.Up()[1:] {
		if d.First(pyManifests...) != "" {
			return true
		}
	}
	return false
}

// pyRequirementsDir returns the folder-relative requirements file of a
// project that keeps them in requirements/ (cookiecutter-django's layout)
// and has no requirements.txt, or "".
func pyRequirementsDir(c *Context) string {
	if c.Has("requirements.txt") {
		return ""
	}
	sub := c.Tree.Dir(c.Path("requirements"))
	if sub == nil {
		return ""
	}
	if f := sub.First("production.txt", "prod.txt", "base.txt", "common.txt"); f != "" {
		return "requirements/" + f
	}
	return ""
}

func (p *pyDetection) readPyproject() {
	if !p.c.Has("pyproject.toml") {
		return
	}
	data, err := p.c.Read("pyproject.toml")
	if err != nil {
		return
	}
	pp, err := manifest.ParsePyproject(data)
	if err != nil {
		p.errs = append(p.errs, pyParseErr{p.c.Path("pyproject.toml"), err})
		return
	}
	p.pp = pp
	p.r.Name = pp.Name
	p.reqs = append(p.reqs, pp.Deps...)
}

func (p *pyDetection) readPipfile() {
	if !p.c.Has("Pipfile") {
		return
	}
	data, err := p.c.Read("Pipfile")
	if err != nil {
		return
	}
	pf, err := manifest.ParsePipfile(data)
	if err != nil {
		p.errs = append(p.errs, pyParseErr{p.c.Path("Pipfile"), err})
		return
	}
	p.pf = pf
	for _, name := range pf.Packages {
		p.reqs = append(p.reqs, manifest.Requirement{Name: name, Path: pf.PathDeps[name], Extras: pf.Extras[name]})
	}
}

// readRequirements reads requirements.txt (or reqDir's file) and, within
// the tree, the files it includes with -r/-c, three levels deep.
func (p *pyDetection) readRequirements(reqDir string) {
	file := "requirements.txt"
	if reqDir != "" {
		file = reqDir
	}
	if !p.c.Tree.Exists(p.c.Path(file)) {
		return
	}
	p.reqFile = file
	p.r.Lockfiles = append(p.r.Lockfiles, p.c.Path(file))
	seen := map[string]bool{}
	var read func(treePath string, depth int)
	read = func(treePath string, depth int) {
		if seen[treePath] || depth > 3 {
			return
		}
		seen[treePath] = true
		data, err := p.c.ReadPath(treePath)
		if err != nil {
			return
		}
		rq, err := manifest.ParseRequirements(data)
		if err != nil {
			p.errs = append(p.errs, pyParseErr{treePath, err})
		}
		p.reqs = append(p.reqs, rq.Reqs...)
		for _, inc := range rq.Includes {
			incPath := path.Clean(path.Join(path.Dir(treePath), inc.Path))
			inside := p.c.Dir.Path == "." && !strings.HasPrefix(incPath, "../") || strings.HasPrefix(incPath, p.c.Dir.Path+"/")
			if !inside || !p.c.Tree.Exists(incPath) {
				p.r.Warn(treePath, inc.Line, "included requirements "+inc.Path+" are not in the service's folder")
				continue
			}
			if !slices.Contains(p.r.Lockfiles, incPath) {
				p.r.Lockfiles = append(p.r.Lockfiles, incPath)
			}
			read(incPath, depth+1)
		}
	}
	read(p.c.Path(file), 0)
}

// collectDeps merges every source's dependencies: PEP 503 names, sorted.
func (p *pyDetection) collectDeps() {
	for _, q := range p.reqs {
		if q.Name != "" && !slices.Contains(p.deps, q.Name) {
			p.deps = append(p.deps, q.Name)
		}
		if q.Path != "" && q.Path != "." {
			p.local = append(p.local, q.Path)
		}
	}
	slices.Sort(p.deps)
	p.r.Deps = p.deps
	p.nativeDeps()
}

// nativeDeps names the Debian packages that dependencies without wheels,
// or needing a system library, build or load with.
func (p *pyDetection) nativeDeps() {
	var apt []string
	add := func(pkgs ...string) {
		for _, x := range pkgs {
			if !slices.Contains(apt, x) {
				apt = append(apt, x)
			}
		}
	}
	for _, q := range p.reqs {
		switch q.Name {
		case "psycopg2":
			add("build-essential", "libpq-dev")
		case "psycopg":
			switch {
			case slices.Contains(q.Extras, "c"):
				add("build-essential", "libpq-dev")
			case !slices.Contains(q.Extras, "binary") && !slices.Contains(p.deps, "psycopg-binary"):
				// The pure-Python driver loads the system libpq.
				add("libpq5")
			}
		case "mysqlclient":
			add("build-essential", "default-libmysqlclient-dev", "pkg-config")
		case "python-ldap":
			add("build-essential", "libldap2-dev", "libsasl2-dev")
		}
	}
	if len(apt) > 0 {
		slices.Sort(apt)
		p.r.Set("apt", strings.Join(apt, " "))
	}
}

// uvWorkspace returns the tree path of the uv workspace root holding the
// lockfile this member builds from, or "".
func (p *pyDetection) uvWorkspace() string {
	ws := p.c.Workspace
	if ws == "" || ws == p.c.Dir.Path || p.c.Has("uv.lock") {
		return ""
	}
	if p.c.Tree.Exists(tree.Join(ws, "uv.lock")) {
		return ws
	}
	return ""
}

func (p *pyDetection) packageManager() {
	c, r := p.c, p.r
	pp := p.pp
	lock := func(name string) bool { return c.Has(name) }
	ws := p.uvWorkspace()
	var pm, file, why string
	switch {
	case lock("uv.lock"):
		pm, file, why = "uv", "uv.lock", "uv.lock"
	case ws != "":
		pm, file, why = "uv", "", "member of a uv workspace"
	case lock("poetry.lock"):
		pm, file, why = "poetry", "poetry.lock", "poetry.lock"
	case lock("pdm.lock"):
		pm, file, why = "pdm", "pdm.lock", "pdm.lock"
	case lock("Pipfile.lock"), lock("Pipfile"):
		pm, file, why = "pipenv", c.Dir.First("Pipfile.lock", "Pipfile"), "pipenv files"
	case pp != nil && pp.UV:
		pm, file, why = "uv", "pyproject.toml", "[tool.uv] in pyproject.toml"
	case pp != nil && pp.Poetry:
		pm, file, why = "poetry", "pyproject.toml", "[tool.poetry] in pyproject.toml"
	case pp != nil && pp.PDM:
		pm, file, why = "pdm", "pyproject.toml", "[tool.pdm] in pyproject.toml"
	default:
		pm = "pip"
		file = c.Dir.First("requirements.txt", "setup.py", "setup.cfg", "pyproject.toml")
		why = "pip project"
		switch {
		case p.reqFile != "":
			r.Set("pip_install", "requirements")
			r.Set("requirements", p.reqFile)
			file = p.reqFile
		case file != "":
			r.Set("pip_install", "project")
		}
	}
	r.PackageManager = pm
	if file == "" {
		file = "pyproject.toml"
		if ws != "" {
			r.Because(tree.Join(ws, "uv.lock"), why)
		}
	} else {
		r.Because(c.Path(file), why)
	}
	// Manifests and lockfiles copied before sources, in install order.
	var files []string
	switch pm {
	case "uv":
		if ws != "" {
			r.BuildContext = ws
			files = append(files, tree.Join(ws, "pyproject.toml"), tree.Join(ws, "uv.lock"))
			if pp != nil && pp.Name != "" {
				r.Set("uv_package", pp.Name)
			}
		}
		files = append(files, c.Path("pyproject.toml"), c.Path("uv.lock"))
	case "poetry":
		files = append(files, c.Path("pyproject.toml"), c.Path("poetry.lock"))
	case "pdm":
		files = append(files, c.Path("pyproject.toml"), c.Path("pdm.lock"))
	case "pipenv":
		files = append(files, c.Path("Pipfile"), c.Path("Pipfile.lock"))
	}
	var lockfiles []string
	for _, f := range files {
		if c.Tree.Exists(f) && !slices.Contains(lockfiles, f) {
			lockfiles = append(lockfiles, f)
		}
	}
	r.Lockfiles = append(lockfiles, r.Lockfiles...)
}

func (p *pyDetection) runtimeVersion() {
	c, r := p.c, p.r
	set := func(v, file, why string) bool {
		if v == "" || !strings.ContainsAny(v, "0123456789") {
			return false
		}
		r.RuntimeVersion = v
		r.Because(file, why)
		return true
	}
	if f := c.FindUp(".python-version"); f != "" && set(pyFirstLine(c, f), f, "python version from .python-version") {
		return
	}
	if v, f := FirstLine(c, "runtime.txt"); set(strings.TrimPrefix(v, "python-"), f, "python version from runtime.txt") {
		return
	}
	if v, f := ToolVersion(c, "python"); set(v, f, "python version pinned") {
		return
	}
	if p.pf != nil && set(p.pf.PythonVersion, c.Path("Pipfile"), "python version from Pipfile") {
		return
	}
	if p.pp != nil {
		if set(pyVersionFromSpec(p.pp.RequiresPython), c.Path("pyproject.toml"), "requires-python") {
			return
		}
		set(pyVersionFromSpec(p.pp.PoetryPython), c.Path("pyproject.toml"), "python version from poetry dependencies")
	}
}

// pyFirstLine returns the first non-comment line of a file of the tree.
func pyFirstLine(c *Context, treePath string) string {
	data, err := c.ReadPath(treePath)
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return ""
}

// pyVersionFromSpec returns the lowest version a requirement such as
// ">=3.10,<4", "^3.11" or "~=3.12.0" allows, or "" when it sets only an
// upper bound.
func pyVersionFromSpec(spec string) string {
	for _, clause := range strings.Split(spec, ",") {
		c := strings.TrimSpace(clause)
		if strings.HasPrefix(c, "<") || strings.HasPrefix(c, "!=") {
			continue
		}
		c = strings.TrimLeft(c, "=>^~ ")
		c = strings.TrimSuffix(strings.TrimSuffix(c, "*"), ".")
		if c != "" && c[0] >= '0' && c[0] <= '9' {
			return c
		}
	}
	return ""
}

// localPaths turns path dependencies into tree paths; one outside the
// folder makes the build context their common ancestor.
func (p *pyDetection) localPaths() {
	c, r := p.c, p.r
	var rel []string
	rel = append(rel, p.local...)
	if p.pp != nil {
		for _, k := range pyKeysOf(p.pp.PathDeps) {
			rel = append(rel, p.pp.PathDeps[k])
		}
	}
	if len(rel) == 0 {
		return
	}
	r.Set("local_deps", "1")
	ctx := r.BuildContext
	if ctx == "" {
		ctx = c.Dir.Path
	}
	for _, x := range rel {
		tp, ok := dynTreePath(c.Dir.Path, x)
		if !ok || tp == c.Dir.Path || slices.Contains(r.LocalPaths, tp) {
			continue
		}
		r.LocalPaths = append(r.LocalPaths, tp)
		ctx = dynCommonDir(ctx, tp)
	}
	if ctx != c.Dir.Path {
		r.BuildContext = ctx
	}
}

func pyKeysOf(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dynTreePath joins a folder-relative path written in a manifest to the
// folder's tree path; ok is false for a path leaving the tree or absolute.
func dynTreePath(dir, rel string) (string, bool) {
	rel = strings.TrimPrefix(rel, "file:")
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "://") {
		return "", false
	}
	p := path.Clean(path.Join(dir, rel))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// dynCommonDir returns the deepest folder holding both tree paths.
func dynCommonDir(a, b string) string {
	for a != "." && b != a && !strings.HasPrefix(b, a+"/") {
		a = path.Dir(a)
	}
	return a
}

// Patterns that find an application object, a settings module or a task
// queue in Python sources.
var (
	pyFastAPIApp   = lazyre.New(`(?m)^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:fastapi\.)?FastAPI\(`)
	pyFlaskApp     = lazyre.New(`(?m)^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:flask\.)?Flask\(`)
	pyFlaskFactory = lazyre.New(`(?m)^def\s+(create_app|make_app)\s*\(`)
	pyFastHTMLApp  = lazyre.New(`(?m)^(\w+)\s*(?:,\s*\w+\s*)?=\s*(?:fast_app|FastHTML)\(`)
	pyCeleryApp    = lazyre.New(`(?m)^(\w+)\s*=\s*(?:celery\.)?Celery\(`)
	pyDramatiq     = lazyre.New(`(?m)^(?:dramatiq\.set_broker\(|@dramatiq\.actor)`)
	pyArqSettings  = lazyre.New(`(?m)^class\s+WorkerSettings\b`)
	pyDjangoSet    = lazyre.New(`DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']`)
	pyWSGISetting  = lazyre.New(`(?m)^WSGI_APPLICATION\s*=\s*["']([\w.]+)["']`)
	pyASGISetting  = lazyre.New(`(?m)^ASGI_APPLICATION\s*=\s*["']([\w.]+)["']`)
	pyStaticRoot   = lazyre.New(`(?m)^STATIC_ROOT\s*=`)
	pyStaticDirs   = lazyre.New(`(?m)^STATICFILES_DIRS\s*=\s*[\[(]\s*(?:BASE_DIR\s*/\s*["']([\w./-]+)["']|os\.path\.join\(\s*BASE_DIR\s*,\s*["']([\w./-]+)["']\s*\)|["']([\w./-]+)["'])`)
	pySecretEnv    = lazyre.New(`(?m)^SECRET_KEY\s*=\s*(?:os\.environ\[|os\.environ\.get\(|os\.getenv\(|env\(|env\.str\(|config\()\s*["']([A-Z_][A-Z0-9_]*)["']`)
)

// pyAppRef is a module-level object found in a source file.
type pyAppRef struct {
	file   string // folder-relative
	module string // dotted, relative to appDir
	attr   string
	appDir string // "src" for a src layout, else ""
}

// spec returns module:attr.
func (a pyAppRef) spec() string { return a.module + ":" + a.attr }

// pyCandidates returns folder-relative .py files where an application
// object is usually created: the folder's own entry files, then those of
// its packages and of a src/ layout.
func pyCandidates(c *Context) []string {
	var out []string
	add := func(f string) {
		if c.Tree.Exists(c.Path(f)) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	names := []string{"main.py", "app.py", "application.py", "server.py", "api.py", "wsgi.py", "asgi.py", "run.py", "__init__.py", "index.py", "tasks.py", "worker.py", "celery.py", "celery_app.py"}
	for _, n := range names {
		add(n)
	}
	for _, f := range c.Dir.WithExt(".py") {
		add(f)
	}
	subs := func(prefix string, d *tree.Dir) {
		if d == nil {
			return
		}
		for i, sub := range d.Dirs {
			if i >= 24 || strings.HasPrefix(sub, "test") || sub == "migrations" {
				continue
			}
			for _, n := range names {
				add(prefix + sub + "/" + n)
			}
		}
	}
	subs("", c.Dir)
	subs("src/", c.Tree.Dir(c.Path("src")))
	return out
}

// pyFind returns the first candidate whose source matches re (with the
// object's name in group 1), reading each file's beginning once.
func (p *pyDetection) pyFind(cands []string, lit string, re *lazyre.Regexp) (pyAppRef, bool) {
	for _, f := range cands {
		data, err := p.c.Tree.ReadPrefix(p.c.Path(f), pyPrefix)
		if err != nil || !bytes.Contains(data, []byte(lit)) {
			continue
		}
		m := re.Re().FindSubmatch(data)
		if m == nil {
			continue
		}
		ref := pyModuleOf(f)
		if len(m) > 1 {
			ref.attr = string(m[1])
		}
		return ref, true
	}
	return pyAppRef{}, false
}

// pyModuleOf turns a folder-relative file into its module: "app/main.py" is
// app.main, "app/__init__.py" is app, "src/shop/main.py" is shop.main from
// app dir src.
func pyModuleOf(f string) pyAppRef {
	ref := pyAppRef{file: f}
	mod := strings.TrimSuffix(f, ".py")
	if rest, ok := strings.CutPrefix(mod, "src/"); ok {
		ref.appDir = "src"
		mod = rest
	}
	mod = strings.TrimSuffix(mod, "/__init__")
	ref.module = strings.ReplaceAll(mod, "/", ".")
	return ref
}

func (p *pyDetection) has(names ...string) bool { return HasAny(p.deps, names...) }

// hasExtra reports whether a dependency is required with one of extras.
func (p *pyDetection) hasExtra(name string, extras ...string) bool {
	for _, q := range p.reqs {
		if q.Name == name {
			for _, e := range extras {
				if slices.Contains(q.Extras, e) {
					return true
				}
			}
		}
	}
	return false
}

func (p *pyDetection) manifestPath() string {
	if f := p.c.Dir.First(pyManifests...); f != "" {
		return p.c.Path(f)
	}
	if p.reqFile != "" {
		return p.c.Path(p.reqFile)
	}
	return p.c.Path(p.c.Dir.First(pyEntryFiles...))
}

// framework recognises the web framework or task queue and sets the start
// command; it reports whether the folder is a service.
func (p *pyDetection) framework() bool {
	c, r := p.c, p.r
	djangoManage := false
	if c.Has("manage.py") {
		if data, err := c.Tree.ReadPrefix(c.Path("manage.py"), pyPrefix); err == nil && bytes.Contains(data, []byte("django")) {
			djangoManage = true
		}
	}
	switch {
	case p.has("django") || djangoManage:
		p.django(djangoManage)
	case p.has("python-fasthtml"):
		p.fasthtml()
	case p.has("fastapi"):
		p.fastapi()
	case p.has("flask"):
		p.flask()
	case p.has("celery", "rq", "dramatiq", "arq"):
		p.worker()
	default:
		entry := c.Dir.First("main.py", "app.py", "server.py", "application.py", "run.py")
		if entry == "" {
			return false
		}
		r.Start = "python " + entry
		r.Score = 0.7
		r.Because(c.Path(entry), "python entry point")
		return true
	}
	if r.Start == "" {
		// A framework but no application object: an entry file may still
		// start it; without one it is a package others import.
		entry := c.Dir.First("main.py", "app.py", "server.py", "application.py", "run.py")
		if entry == "" {
			r.Kind = ""
			return false
		}
		r.Start = "python " + entry
		r.Score = 0.6
		r.Because(c.Path(entry), "python entry point")
		return true
	}
	r.Score = 0.9
	return true
}

func (p *pyDetection) django(manage bool) {
	c, r := p.c, p.r
	r.Framework = "django"
	r.PortDefault = 8000
	if p.has("django") {
		r.Because(p.manifestPath(), "django in dependencies")
	} else {
		r.Because(c.Path("manage.py"), "django manage.py")
	}
	r.Because(p.manifestPath(), "django default port 8000")

	settingsMod := ""
	if manage {
		if data, err := c.Tree.ReadPrefix(c.Path("manage.py"), pyPrefix); err == nil {
			if m := pyDjangoSet.Re().FindSubmatch(data); m != nil {
				settingsMod = string(m[1])
			}
		}
	}
	if settingsMod == "" {
		for _, sub := range c.Dir.Dirs {
			if c.Tree.Exists(c.Path(sub + "/settings.py")) {
				settingsMod = sub + ".settings"
				break
			}
		}
	}
	var wsgi, asgi string
	var settings [][]byte
	for _, f := range p.settingsFiles(settingsMod) {
		data, err := c.Tree.ReadPrefix(c.Path(f), pyPrefix)
		if err != nil {
			continue
		}
		settings = append(settings, data)
		if !slices.Contains(r.Entrypoints, f) {
			r.Entrypoints = append(r.Entrypoints, f)
		}
		if m := pyWSGISetting.Re().FindSubmatch(data); m != nil && wsgi == "" {
			wsgi = string(m[1])
			r.Because(c.Path(f), "wsgi application "+wsgi)
		}
		if m := pyASGISetting.Re().FindSubmatch(data); m != nil && asgi == "" {
			asgi = string(m[1])
		}
	}
	project := strings.Split(settingsMod, ".")[0]
	if wsgi == "" && project != "" && c.Tree.Exists(c.Path(project+"/wsgi.py")) {
		wsgi = project + ".wsgi.application"
	}
	if asgi == "" && project != "" && c.Tree.Exists(c.Path(project+"/asgi.py")) {
		asgi = project + ".asgi.application"
	}
	if wsgi == "" {
		for _, sub := range c.Dir.Dirs {
			if c.Tree.Exists(c.Path(sub + "/wsgi.py")) {
				wsgi = sub + ".wsgi.application"
				break
			}
		}
	}
	for _, data := range settings {
		if pyStaticRoot.Re().Match(data) {
			r.Set("collectstatic", "1")
		}
		if m := pyStaticDirs.Re().FindSubmatch(data); m != nil && r.Extra["assets_dir"] == "" {
			for _, g := range m[1:] {
				if len(g) > 0 {
					r.Set("assets_dir", strings.Trim(string(g), "/"))
					break
				}
			}
		}
		if m := pySecretEnv.Re().FindSubmatch(data); m != nil {
			r.Set("secret_env", string(m[1]))
		}
	}
	if r.Extra["collectstatic"] != "" && !manage {
		delete(r.Extra, "collectstatic")
	}
	switch {
	case p.has("gunicorn") && wsgi != "":
		mod, attr := pySplitObject(wsgi)
		target := mod
		if attr != "application" {
			target = mod + ":" + attr
		}
		r.Set("app", mod+":"+attr)
		r.Start = "gunicorn " + target + " --bind 0.0.0.0:$PORT"
		r.Because(p.manifestPath(), "gunicorn in dependencies")
	case p.has("uvicorn") && asgi != "":
		mod, attr := pySplitObject(asgi)
		r.Set("app", mod+":"+attr)
		r.Start = "uvicorn " + mod + ":" + attr + " --host 0.0.0.0 --port $PORT"
		r.Because(p.manifestPath(), "uvicorn in dependencies")
	case p.has("daphne") && asgi != "":
		mod, attr := pySplitObject(asgi)
		r.Set("app", mod+":"+attr)
		r.Start = "daphne -b 0.0.0.0 -p $PORT " + mod + ":" + attr
		r.Because(p.manifestPath(), "daphne in dependencies")
	case manage:
		r.Start = "python manage.py runserver 0.0.0.0:$PORT"
		r.Because(c.Path("manage.py"), "django development server (no gunicorn in dependencies)")
	}
}

// settingsFiles returns the folder-relative files of a Django settings
// module: the module itself, or a settings package's usual files.
func (p *pyDetection) settingsFiles(mod string) []string {
	if mod == "" {
		return nil
	}
	base := strings.ReplaceAll(mod, ".", "/")
	if p.c.Tree.Exists(p.c.Path(base + ".py")) {
		return []string{base + ".py"}
	}
	var out []string
	for _, n := range []string{"__init__.py", "base.py", "common.py", "production.py", "prod.py"} {
		if p.c.Tree.Exists(p.c.Path(base + "/" + n)) {
			out = append(out, base+"/"+n)
		}
	}
	// DJANGO_SETTINGS_MODULE may name one file of a settings package
	// (config.settings.local); its siblings hold the shared settings.
	if len(out) == 0 {
		dir := path.Dir(base)
		for _, n := range []string{"base.py", "common.py", "production.py", "prod.py"} {
			if p.c.Tree.Exists(p.c.Path(dir + "/" + n)) {
				out = append(out, dir+"/"+n)
			}
		}
	}
	return out
}

// pySplitObject splits "mysite.wsgi.application" into module and attribute.
func pySplitObject(dotted string) (string, string) {
	i := strings.LastIndexByte(dotted, '.')
	if i < 0 {
		return dotted, "application"
	}
	return dotted[:i], dotted[i+1:]
}

func (p *pyDetection) fastapi() {
	c, r := p.c, p.r
	r.Framework = "fastapi"
	r.PortDefault = 8000
	r.Because(p.manifestPath(), "fastapi in dependencies")
	r.Because(p.manifestPath(), "uvicorn default port 8000")
	ref, ok := p.pyFind(pyCandidates(c), "FastAPI", pyFastAPIApp)
	if !ok {
		r.Warn(p.manifestPath(), 0, "fastapi in dependencies but no module creates FastAPI()")
		return
	}
	p.appFound(ref, "fastapi app")
	appDir := ""
	if ref.appDir != "" {
		appDir = " --app-dir " + ref.appDir
	}
	switch {
	case p.has("uvicorn") || p.hasExtra("fastapi", "standard", "all"):
		r.Start = "uvicorn " + ref.spec() + " --host 0.0.0.0 --port $PORT" + appDir
	case p.has("hypercorn"):
		r.Start = "hypercorn " + ref.spec() + " --bind 0.0.0.0:$PORT"
	default:
		r.Start = "uvicorn " + ref.spec() + " --host 0.0.0.0 --port $PORT" + appDir
		r.Warn(p.manifestPath(), 0, "no ASGI server in dependencies: add uvicorn (or fastapi[standard]) to run "+ref.spec())
	}
}

func (p *pyDetection) flask() {
	c, r := p.c, p.r
	r.Framework = "flask"
	r.Because(p.manifestPath(), "flask in dependencies")
	gunicorn := p.has("gunicorn")
	if gunicorn {
		r.PortDefault = 8000
		r.Because(p.manifestPath(), "gunicorn default port 8000")
	} else {
		r.PortDefault = 5000
		r.Because(p.manifestPath(), "flask default port 5000")
	}
	cands := pyCandidates(c)
	// A module-level `app = Flask(...)` is the application; a Flask()
	// made inside create_app() means an application factory.
	ref, ok := p.pyFind(cands, "Flask(", pyFlaskApp)
	factory := false
	if !ok {
		ref, ok = p.pyFind(cands, "_app", pyFlaskFactory)
		factory = ok
	}
	if !ok {
		r.Warn(p.manifestPath(), 0, "flask in dependencies but no module creates Flask()")
		return
	}
	p.appFound(ref, "flask app")
	target := ref.spec()
	if factory {
		target = "'" + ref.module + ":" + ref.attr + "()'"
		r.Set("app", ref.module+":"+ref.attr+"()")
	}
	chdir := ""
	if ref.appDir != "" {
		chdir = " --chdir " + ref.appDir
	}
	switch {
	case gunicorn:
		r.Start = "gunicorn " + target + " --bind 0.0.0.0:$PORT" + chdir
		r.Because(p.manifestPath(), "gunicorn in dependencies")
	case ref.appDir == "" && (ref.module == "app" || ref.module == "wsgi") && (factory || ref.attr == "app" || ref.attr == "application"):
		// Flask finds app.py or wsgi.py and their app by itself.
		r.Start = "flask run --host 0.0.0.0 --port $PORT"
	case ref.appDir == "":
		r.Start = "flask --app " + target + " run --host 0.0.0.0 --port $PORT"
	default:
		r.Start = "flask --app " + target + " run --host 0.0.0.0 --port $PORT"
		r.Warn(c.Path(ref.file), 0, "flask app under "+ref.appDir+"/: the flask command needs it on PYTHONPATH")
	}
}

func (p *pyDetection) fasthtml() {
	c, r := p.c, p.r
	r.Framework = "fasthtml"
	r.PortDefault = 5001
	r.Because(p.manifestPath(), "python-fasthtml in dependencies")
	r.Because(p.manifestPath(), "fasthtml default port 5001")
	var cands []string
	for _, f := range c.Dir.WithExt(".py") {
		cands = append(cands, f)
	}
	slices.SortStableFunc(cands, func(a, b string) int {
		rank := func(s string) int {
			if i := slices.Index([]string{"main.py", "app.py"}, s); i >= 0 {
				return i
			}
			return 2
		}
		return rank(a) - rank(b)
	})
	ref, ok := p.pyFind(cands, "(", pyFastHTMLApp)
	if !ok {
		r.Warn(p.manifestPath(), 0, "python-fasthtml in dependencies but no module calls fast_app() or FastHTML()")
		return
	}
	p.appFound(ref, "fasthtml app")
	// serve() reads PORT and binds every address.
	r.Start = "python " + ref.file
}

// appFound records where the application object lives.
func (p *pyDetection) appFound(ref pyAppRef, what string) {
	p.r.Because(p.c.Path(ref.file), what+" in "+ref.file)
	if p.r.Extra["app"] == "" {
		p.r.Set("app", ref.spec())
	}
	if !slices.Contains(p.r.Entrypoints, ref.file) {
		p.r.Entrypoints = append(p.r.Entrypoints, ref.file)
	}
}

// worker recognises a task-queue consumer with no web framework.
func (p *pyDetection) worker() {
	c, r := p.c, p.r
	r.Kind = "worker"
	cands := pyCandidates(c)
	switch q := FirstOf(p.deps, "celery", "dramatiq", "arq", "rq"); q {
	case "celery":
		r.Because(p.manifestPath(), "celery in dependencies, no web framework")
		if ref, ok := p.pyFind(cands, "Celery(", pyCeleryApp); ok {
			p.appFound(ref, "celery app")
			mod := ref.module
			// proj/celery.py is found by `celery -A proj`.
			mod = strings.TrimSuffix(mod, ".celery")
			r.Start = "celery -A " + mod + " worker --loglevel=INFO"
		}
	case "dramatiq":
		r.Because(p.manifestPath(), "dramatiq in dependencies, no web framework")
		if ref, ok := p.pyFind(cands, "dramatiq", pyDramatiq); ok {
			r.Because(c.Path(ref.file), "dramatiq actors in "+ref.file)
			r.Entrypoints = append(r.Entrypoints, ref.file)
			r.Start = "dramatiq " + ref.module
		}
	case "arq":
		r.Because(p.manifestPath(), "arq in dependencies, no web framework")
		if ref, ok := p.pyFind(cands, "WorkerSettings", pyArqSettings); ok {
			r.Because(c.Path(ref.file), "arq worker settings in "+ref.file)
			r.Entrypoints = append(r.Entrypoints, ref.file)
			r.Start = "arq " + ref.module + ".WorkerSettings"
		}
	case "rq":
		r.Because(p.manifestPath(), "rq in dependencies, no web framework")
		if c.Has("worker.py") {
			r.Start = "python worker.py"
			r.Entrypoints = append(r.Entrypoints, "worker.py")
		} else {
			r.Start = "rq worker"
		}
	}
}

// assets notes what a node assets build beside the project needs: the
// lockfile, and for Django the folder it writes.
func (p *pyDetection) assets() {
	if lf := dynNodeLockfile(p.c); lf != "" {
		p.r.Set("node_lockfile", lf)
	}
}

// dynNodeLockfile returns the node lockfile beside a package.json in the
// folder, or "": the engine adds an assets build when a package.json sits
// next to this family's manifest, and its install needs the lockfile.
func dynNodeLockfile(c *Context) string {
	if !c.Has("package.json") {
		return ""
	}
	return c.Dir.First("package-lock.json", "yarn.lock", "pnpm-lock.yaml")
}
