// The Python detector: which files make a folder a Python project, the
// manifests and requirements it reads (pyproject.toml, Pipfile,
// requirements files) and the dependencies, native ones included, they name.

package stacks

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
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

// pyRead parses the folder's file name with parse. A missing or
// unreadable file gives false; so does a malformed one, whose error is kept
// for a warning.
func pyRead[T any](p *pyDetection, name string, parse func([]byte) (T, error)) (T, bool) {
	var zero T
	if !p.c.Has(name) {
		return zero, false
	}
	data, err := p.c.Read(name)
	if err != nil {
		return zero, false
	}
	v, err := parse(data)
	if err != nil {
		p.errs = append(p.errs, pyParseErr{p.c.Path(name), err})
		return zero, false
	}
	return v, true
}

func (p *pyDetection) readPyproject() {
	pp, ok := pyRead(p, "pyproject.toml", manifest.ParsePyproject)
	if !ok {
		return
	}
	p.pp = pp
	p.r.Name = pp.Name
	p.reqs = append(p.reqs, pp.Deps...)
}

func (p *pyDetection) readPipfile() {
	pf, ok := pyRead(p, "Pipfile", manifest.ParsePipfile)
	if !ok {
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

// assets notes what a node assets build beside the project needs: the
// lockfile, and for Django the folder it writes.
func (p *pyDetection) assets() {
	if lf := dynNodeLockfile(p.c); lf != "" {
		p.r.Set("node_lockfile", lf)
	}
}
