// Finding what a Python service runs: the WSGI/ASGI application object of
// a FastAPI, Flask or FastHTML app, or the Celery, Dramatiq, arq or RQ
// worker, and the command that starts it.

package stacks

import (
	"bytes"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/tree"
)

// Patterns that find an application object or a task queue in Python
// sources.
var (
	pyFastAPIApp   = lazyre.New(`(?m)^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:fastapi\.)?FastAPI\(`)
	pyFlaskApp     = lazyre.New(`(?m)^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:flask\.)?Flask\(`)
	pyFlaskFactory = lazyre.New(`(?m)^def\s+(create_app|make_app)\s*\(`)
	pyFastHTMLApp  = lazyre.New(`(?m)^(\w+)\s*(?:,\s*\w+\s*)?=\s*(?:fast_app|FastHTML)\(`)
	pyCeleryApp    = lazyre.New(`(?m)^(\w+)\s*=\s*(?:celery\.)?Celery\(`)
	pyDramatiq     = lazyre.New(`(?m)^(?:dramatiq\.set_broker\(|@dramatiq\.actor)`)
	pyArqSettings  = lazyre.New(`(?m)^class\s+WorkerSettings\b`)
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
		// manage.py beside a django dependency is a Django project even when
		// the file does not name django itself.
		p.django(djangoManage || c.Has("manage.py"))
	case p.has("python-fasthtml"):
		p.fasthtml()
	case p.has("fastapi"):
		p.fastapi()
	case p.has("flask"):
		p.flask()
	case p.has("celery", "rq", "dramatiq", "arq"):
		p.worker()
	default:
		return p.entryStart(0.7)
	}
	if r.Start == "" {
		// A framework but no application object: an entry file may still
		// start it; without one it is a package others import.
		if !p.entryStart(0.6) {
			r.Kind = ""
			return false
		}
		return true
	}
	r.Score = 0.9
	return true
}

// entryStart starts the service with `python <entry file>`, scored score,
// when the folder has an entry file; it reports whether it has.
func (p *pyDetection) entryStart(score float64) bool {
	entry := p.c.Dir.First("main.py", "app.py", "server.py", "application.py", "run.py")
	if entry == "" {
		return false
	}
	p.r.Start = "python " + entry
	p.r.Score = score
	p.r.Because(p.c.Path(entry), "python entry point")
	return true
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
