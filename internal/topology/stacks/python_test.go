// The Python family's test helper (the Ruby and PHP tests use it too), and
// tests of what makes a folder a Python project, malformed manifests, uv
// workspaces, path dependencies, the version parser and the fixtures.

package stacks

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/tree"
)

// pythonWant is what a detection must find; zero fields are not checked,
// except Framework, Start, Kind and PackageManager which are always compared.
type pythonWant struct {
	Nil            bool
	Framework      string
	PackageManager string
	Start          string
	Kind           string
	PortDefault    int
	Version        string
	Deps           []string // each must be in Result.Deps
	NotDeps        []string // none may be
	Library        bool
	WorkspaceOnly  bool
	Members        []string
	LocalPaths     []string
	BuildContext   string
	Lockfiles      []string
	Extra          map[string]string // "" value: key must be absent
	Entrypoints    []string          // each must be listed
	MinScore       float64
	MaxScore       float64
	WarnLine       int // a warning with this line; -1: any warning
	WarnFile       string
}

// pythonCheck compares a result with want; family tests share it.
func pythonCheck(t *testing.T, r *Result, want pythonWant) {
	t.Helper()
	if want.Nil {
		if r != nil {
			t.Fatalf("got a result (%s %s), want nil", r.Language, r.Framework)
		}
		return
	}
	if r == nil {
		t.Fatal("no result")
	}
	if r.Framework != want.Framework {
		t.Errorf("framework = %q, want %q", r.Framework, want.Framework)
	}
	if r.PackageManager != want.PackageManager {
		t.Errorf("package manager = %q, want %q", r.PackageManager, want.PackageManager)
	}
	if r.Start != want.Start {
		t.Errorf("start = %q\n            want %q", r.Start, want.Start)
	}
	if r.Kind != want.Kind {
		t.Errorf("kind = %q, want %q", r.Kind, want.Kind)
	}
	if want.PortDefault != 0 && r.PortDefault != want.PortDefault {
		t.Errorf("port default = %d, want %d", r.PortDefault, want.PortDefault)
	}
	if want.Version != "" && r.RuntimeVersion != want.Version {
		t.Errorf("runtime version = %q, want %q", r.RuntimeVersion, want.Version)
	}
	for _, d := range want.Deps {
		if !slices.Contains(r.Deps, d) {
			t.Errorf("deps %v lack %q", r.Deps, d)
		}
	}
	for _, d := range want.NotDeps {
		if slices.Contains(r.Deps, d) {
			t.Errorf("deps %v hold %q", r.Deps, d)
		}
	}
	if !slices.IsSorted(r.Deps) {
		t.Errorf("deps %v are not sorted", r.Deps)
	}
	if r.Library != want.Library {
		t.Errorf("library = %v, want %v", r.Library, want.Library)
	}
	if r.WorkspaceOnly != want.WorkspaceOnly {
		t.Errorf("workspace only = %v, want %v", r.WorkspaceOnly, want.WorkspaceOnly)
	}
	if want.Members != nil && !reflect.DeepEqual(r.Members, want.Members) {
		t.Errorf("members = %v, want %v", r.Members, want.Members)
	}
	if want.LocalPaths != nil && !reflect.DeepEqual(r.LocalPaths, want.LocalPaths) {
		t.Errorf("local paths = %v, want %v", r.LocalPaths, want.LocalPaths)
	}
	if want.BuildContext != "" && r.BuildContext != want.BuildContext {
		t.Errorf("build context = %q, want %q", r.BuildContext, want.BuildContext)
	}
	if want.Lockfiles != nil && !reflect.DeepEqual(r.Lockfiles, want.Lockfiles) {
		t.Errorf("lockfiles = %v, want %v", r.Lockfiles, want.Lockfiles)
	}
	for k, v := range want.Extra {
		got, ok := r.Extra[k]
		if v == "" && ok {
			t.Errorf("extra %s = %q, want none", k, got)
		} else if v != "" && got != v {
			t.Errorf("extra %s = %q, want %q", k, got, v)
		}
	}
	for _, e := range want.Entrypoints {
		if !slices.Contains(r.Entrypoints, e) {
			t.Errorf("entrypoints %v lack %q", r.Entrypoints, e)
		}
	}
	if want.MinScore != 0 && r.Score < want.MinScore {
		t.Errorf("score = %.2f, want >= %.2f", r.Score, want.MinScore)
	}
	if want.MaxScore != 0 && r.Score > want.MaxScore {
		t.Errorf("score = %.2f, want <= %.2f", r.Score, want.MaxScore)
	}
	switch {
	case want.WarnLine == 0 && want.WarnFile == "":
	case !slices.ContainsFunc(r.Warnings, func(w Warning) bool {
		return (want.WarnLine < 0 || w.Line == want.WarnLine) && (want.WarnFile == "" || w.File == want.WarnFile)
	}):
		t.Errorf("warnings %+v lack one on %s line %d", r.Warnings, want.WarnFile, want.WarnLine)
	}
	for _, ev := range r.Evidence {
		if ev.File == "" || ev.Reason == "" || strings.ToLower(ev.Reason[:1]) != ev.Reason[:1] {
			t.Errorf("evidence %+v: needs a file and a lower-case reason", ev)
		}
	}
	if r.Language == "" || len(r.SourceExts) == 0 {
		t.Errorf("language %q, source exts %v", r.Language, r.SourceExts)
	}
}

func TestPythonDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		want  pythonWant
	}{
		{
			name: "plain script with setup.py",
			files: map[string]string{
				"setup.py": "from setuptools import setup\nsetup(name='x')\n",
				"main.py":  "print('hi')\n",
			},
			dir:  ".",
			want: pythonWant{PackageManager: "pip", Start: "python main.py", Extra: map[string]string{"pip_install": "project"}, MinScore: 0.7, MaxScore: 0.7},
		},
		{
			name:  "library",
			files: map[string]string{"pyproject.toml": "[project]\nname = \"utils\"\ndependencies = [\"attrs\"]\n[build-system]\nbuild-backend = \"hatchling.build\"\n", "utils/__init__.py": ""},
			dir:   ".",
			want:  pythonWant{PackageManager: "pip", Library: true, MaxScore: 0.5},
		},
		{
			name:  "tool settings only",
			files: map[string]string{"pyproject.toml": "[tool.ruff]\nline-length = 100\n", "package.json": "{}"},
			dir:   ".",
			want:  pythonWant{Nil: true},
		},
		{
			name:  "nothing python",
			files: map[string]string{"README.md": "x"},
			dir:   ".",
			want:  pythonWant{Nil: true},
		},
		{
			name:  "package folder of a project above",
			files: map[string]string{"requirements.txt": "django\n", "manage.py": pythonDjangoManage, "shop/wsgi.py": "", "shop/settings.py": ""},
			dir:   "shop",
			want:  pythonWant{Nil: true},
		},
		{
			name:  "scripts folder of a project above",
			files: map[string]string{"pyproject.toml": "[project]\nname = \"x\"\n", "scripts/main.py": ""},
			dir:   "scripts",
			want:  pythonWant{Nil: true},
		},
		{
			name:  "lone entry file is a weak hint",
			files: map[string]string{"main.py": "print(1)\n"},
			dir:   ".",
			want:  pythonWant{PackageManager: "pip", Start: "python main.py", MaxScore: 0.4},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pythonCheck(t, detectIn(t, Python{}, tc.files, tc.dir), tc.want)
		})
	}
}

func TestPythonMalformed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  pythonWant
	}{
		{
			name: "requirements line",
			files: map[string]string{
				"requirements.txt": "flask\ngunicorn\ndjango 4.2\n",
				"app.py":           "from flask import Flask\napp = Flask(__name__)\n",
			},
			want: pythonWant{Framework: "flask", PackageManager: "pip", Start: "gunicorn app:app --bind 0.0.0.0:$PORT",
				WarnFile: "requirements.txt", WarnLine: 3, MaxScore: 0.7, MinScore: 0.7},
		},
		{
			name: "pyproject toml",
			files: map[string]string{
				"pyproject.toml":   "[project]\nname = \"x\"\ndependencies = [\"fastapi\"\n",
				"requirements.txt": "fastapi\nuvicorn\n",
				"main.py":          "from fastapi import FastAPI\napp = FastAPI()\n",
			},
			want: pythonWant{Framework: "fastapi", PackageManager: "pip", Start: "uvicorn main:app --host 0.0.0.0 --port $PORT",
				WarnFile: "pyproject.toml", WarnLine: 3, MaxScore: 0.7},
		},
		{
			name: "pipfile",
			files: map[string]string{
				"Pipfile": "[packages]\nflask = \"*\"\ngunicorn = 3\n",
				"app.py":  "from flask import Flask\napp = Flask(__name__)\n",
			},
			want: pythonWant{PackageManager: "pipenv", Start: "python app.py", WarnFile: "Pipfile", WarnLine: 3, MaxScore: 0.5},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pythonCheck(t, detectIn(t, Python{}, tc.files, "."), tc.want)
		})
	}
}

func TestPythonUVWorkspace(t *testing.T) {
	files := map[string]string{
		"pyproject.toml":                 "[project]\nname = \"mono\"\n[tool.uv.workspace]\nmembers = [\"packages/*\", \"apps/*\"]\n",
		"uv.lock":                        "version = 1\n",
		".python-version":                "3.12\n",
		"apps/api/pyproject.toml":        "[project]\nname = \"api\"\ndependencies = [\"fastapi\", \"uvicorn\", \"core\", \"tools\"]\n[tool.uv.sources]\ncore = { workspace = true }\ntools = { path = \"../../tools\" }\n",
		"apps/api/main.py":               "from fastapi import FastAPI\napp = FastAPI()\n",
		"packages/core/pyproject.toml":   "[project]\nname = \"core\"\ndependencies = [\"pydantic\"]\n",
		"packages/core/core/__init__.py": "",
		"tools/pyproject.toml":           "[project]\nname = \"tools\"\n",
	}
	t.Run("root", func(t *testing.T) {
		pythonCheck(t, detectIn(t, Python{}, files, "."), pythonWant{PackageManager: "uv", WorkspaceOnly: true,
			Members: []string{"packages/*", "apps/*"}, Version: "3.12"})
	})
	t.Run("member app", func(t *testing.T) {
		pythonCheck(t, detectWorkspace(t, Python{}, files, "apps/api", "."), pythonWant{
			Framework: "fastapi", PackageManager: "uv", Version: "3.12",
			Start:        "uvicorn main:app --host 0.0.0.0 --port $PORT",
			BuildContext: ".", LocalPaths: []string{"tools"},
			Lockfiles: []string{"pyproject.toml", "uv.lock", "apps/api/pyproject.toml"},
			Extra:     map[string]string{"uv_package": "api", "local_deps": "1"}, Deps: []string{"core", "tools"},
		})
	})
	t.Run("member library", func(t *testing.T) {
		pythonCheck(t, detectWorkspace(t, Python{}, files, "packages/core", "."), pythonWant{
			PackageManager: "uv", Library: true, BuildContext: ".",
		})
	})
	t.Run("root with its own app", func(t *testing.T) {
		f := map[string]string{
			"pyproject.toml": "[project]\nname = \"site\"\ndependencies = [\"flask\"]\n[tool.uv.workspace]\nmembers = [\"libs/*\"]\n",
			"uv.lock":        "",
			"app.py":         "from flask import Flask\napp = Flask(__name__)\n",
		}
		pythonCheck(t, detectIn(t, Python{}, f, "."), pythonWant{Framework: "flask", PackageManager: "uv",
			Start: "flask run --host 0.0.0.0 --port $PORT", Members: []string{"libs/*"}})
	})
}

func TestPythonLocalPathsOutside(t *testing.T) {
	files := map[string]string{
		"services/web/requirements.txt": "-e ../../libs/common\nflask\ngunicorn\n",
		"services/web/app.py":           "from flask import Flask\napp = Flask(__name__)\n",
		"libs/common/setup.py":          "",
	}
	pythonCheck(t, detectIn(t, Python{}, files, "services/web"), pythonWant{Framework: "flask", PackageManager: "pip",
		Start: "gunicorn app:app --bind 0.0.0.0:$PORT", LocalPaths: []string{"libs/common"}, BuildContext: ".",
		Extra: map[string]string{"local_deps": "1"}, Lockfiles: []string{"services/web/requirements.txt"}})
}

func TestPythonAssetsNeighbour(t *testing.T) {
	files := map[string]string{
		"requirements.txt":  "django\ngunicorn\n",
		"manage.py":         pythonDjangoManage,
		"shop/settings.py":  pythonDjangoSettings,
		"shop/wsgi.py":      "",
		"package.json":      `{"scripts": {"build": "tailwindcss -o assets/app.css"}}`,
		"package-lock.json": "{}",
	}
	pythonCheck(t, detectIn(t, Python{}, files, "."), pythonWant{Framework: "django", PackageManager: "pip",
		Start: "gunicorn shop.wsgi --bind 0.0.0.0:$PORT",
		Extra: map[string]string{"node_lockfile": "package-lock.json", "assets_dir": "assets"}})
}

func TestPythonVersionFromSpec(t *testing.T) {
	for in, want := range map[string]string{
		">=3.10,<4": "3.10", "^3.11": "3.11", "~=3.12.0": "3.12.0", "==3.11.*": "3.11", "<3.13": "", "": "", ">= 3.9": "3.9",
	} {
		if got := pyVersionFromSpec(in); got != want {
			t.Errorf("pyVersionFromSpec(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPythonFixtures runs the family's detectors on the end-to-end fixtures,
// so the fixtures say what the detectors are meant to find.
func TestPythonFixtures(t *testing.T) {
	for _, tc := range []struct {
		fixture, dir, ws string
		d                Detector
		want             pythonWant
	}{
		{"python-django-poetry", ".", "", Python{}, pythonWant{Framework: "django", PackageManager: "poetry", Version: "3.12.3",
			Start: "gunicorn shop.wsgi --bind 0.0.0.0:$PORT", Deps: []string{"django", "django-redis", "psycopg"},
			Extra: map[string]string{"collectstatic": "1", "secret_env": "DJANGO_SECRET_KEY", "apt": ""}, MinScore: 0.9}},
		{"python-flask", ".", "", Python{}, pythonWant{Framework: "flask", PackageManager: "pip", Version: "3.11.9",
			Start: "gunicorn app:app --bind 0.0.0.0:$PORT", Deps: []string{"flask-sqlalchemy", "psycopg2-binary"}, MinScore: 0.9}},
		{"python-fastapi-uv", ".", "", Python{}, pythonWant{Framework: "fastapi", PackageManager: "uv", Version: "3.12",
			Start: "uvicorn app.main:app --host 0.0.0.0 --port $PORT", Deps: []string{"asyncpg", "sqlalchemy"}, MinScore: 0.9}},
		{"python-celery-worker", ".", "", Python{}, pythonWant{PackageManager: "pip", Kind: "worker",
			Start: "celery -A proj worker --loglevel=INFO", Deps: []string{"celery"}, MinScore: 0.9}},
		{"python-fasthtml", ".", "", Python{}, pythonWant{Framework: "fasthtml", PackageManager: "pip", Start: "python main.py"}},
		{"python-uv-workspace", ".", "", Python{}, pythonWant{PackageManager: "uv", WorkspaceOnly: true, Members: []string{"apps/*", "packages/*"}}},
		{"python-uv-workspace", "apps/api", ".", Python{}, pythonWant{Framework: "fastapi", PackageManager: "uv", BuildContext: ".",
			Start: "uvicorn api.main:app --host 0.0.0.0 --port $PORT", Extra: map[string]string{"uv_package": "api"}}},
		{"python-uv-workspace", "packages/core", ".", Python{}, pythonWant{PackageManager: "uv", Library: true}},
		{"ruby-rails", ".", "", Ruby{}, pythonWant{Framework: "rails", PackageManager: "bundler", Version: "3.3.1",
			Start: "bundle exec puma -C config/puma.rb", Deps: []string{"pg", "redis"}, NotDeps: []string{"debug", "web-console"},
			Extra:       map[string]string{"assets_precompile": "1", "node_lockfile": "yarn.lock", "apt_runtime": "libpq5"},
			Entrypoints: []string{"config/routes.rb"}, MinScore: 0.9}},
		{"ruby-sinatra", ".", "", Ruby{}, pythonWant{Framework: "sinatra", PackageManager: "bundler", Version: "3.3.1",
			Start: "bundle exec rackup -o 0.0.0.0 -p $PORT", NotDeps: []string{"rack-test"}, MinScore: 0.9}},
		{"php-laravel-vite", ".", "", PHP{}, pythonWant{Framework: "laravel", PackageManager: "composer", Version: "8.2",
			Start: "frankenphp php-server --listen :$PORT --root public/",
			Extra: map[string]string{"php_extensions": "intl pdo_pgsql", "node_lockfile": "package-lock.json"}, MinScore: 0.9}},
		{"php-symfony", ".", "", PHP{}, pythonWant{Framework: "symfony", PackageManager: "composer", Version: "8.3.7",
			Start: "frankenphp php-server --listen :$PORT --root public/",
			Extra: map[string]string{"php_extensions": "pdo_pgsql", "post_install": "1"}, MinScore: 0.9}},
		{"php-plain", ".", "", PHP{}, pythonWant{Start: "frankenphp php-server --listen :$PORT --root ./", Extra: map[string]string{"docroot": "."}}},
	} {
		t.Run(tc.fixture+"/"+tc.dir, func(t *testing.T) {
			tr, err := tree.Open(filepath.Join("..", "testdata", "fixtures", tc.fixture), tree.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			ws := tc.ws
			if ws == "" {
				ws = tc.dir
			}
			dir := tr.Dir(tc.dir)
			if dir == nil {
				t.Fatalf("no folder %s", tc.dir)
			}
			r := tc.d.Detect(&Context{Tree: tr, Dir: dir, Workspace: ws})
			pythonCheck(t, r, tc.want)
			if r != nil && len(r.Warnings) > 0 {
				t.Errorf("warnings on a clean fixture: %+v", r.Warnings)
			}
		})
	}
}
