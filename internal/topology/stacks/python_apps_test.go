// Tests of finding what a Python service runs: Django (gunicorn, uvicorn,
// daphne, runserver), FastAPI, Flask, FastHTML, and Celery, Dramatiq, arq
// and RQ workers.

package stacks

import (
	"strings"
	"testing"
)

const pythonDjangoManage = `#!/usr/bin/env python
import os
import sys

def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
`

const pythonDjangoSettings = `from pathlib import Path
import os
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
WSGI_APPLICATION = "shop.wsgi.application"
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "assets"]
`

func TestPythonApps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		want  pythonWant
	}{
		{
			name: "django poetry gunicorn",
			files: map[string]string{
				"pyproject.toml":   "[tool.poetry]\nname = \"shop\"\n[tool.poetry.dependencies]\npython = \"^3.12\"\nDjango = \"^5.0\"\ngunicorn = \"^21\"\npsycopg = {version = \"^3.1\", extras = [\"binary\"]}\n",
				"poetry.lock":      "# lock\n",
				"manage.py":        pythonDjangoManage,
				"shop/settings.py": pythonDjangoSettings,
				"shop/wsgi.py":     "application = get_wsgi_application()\n",
			},
			dir: ".",
			want: pythonWant{Framework: "django", PackageManager: "poetry", PortDefault: 8000, Version: "3.12",
				Start:       "gunicorn shop.wsgi --bind 0.0.0.0:$PORT",
				Deps:        []string{"django", "gunicorn", "psycopg"},
				Lockfiles:   []string{"pyproject.toml", "poetry.lock"},
				Extra:       map[string]string{"collectstatic": "1", "secret_env": "DJANGO_SECRET_KEY", "assets_dir": "assets", "app": "shop.wsgi:application", "apt": ""},
				Entrypoints: []string{"manage.py", "shop/settings.py"}, MinScore: 0.9},
		},
		{
			name: "django runserver without gunicorn, settings package",
			files: map[string]string{
				"requirements.txt":         "Django==5.0.1\npsycopg2==2.9.9\n",
				"manage.py":                strings.Replace(pythonDjangoManage, "shop.settings", "config.settings.local", 1),
				"config/settings/base.py":  "WSGI_APPLICATION = 'config.wsgi.application'\n",
				"config/settings/local.py": "from .base import *\n",
				"config/wsgi.py":           "",
				".python-version":          "3.11.7\n",
			},
			dir: ".",
			want: pythonWant{Framework: "django", PackageManager: "pip", PortDefault: 8000, Version: "3.11.7",
				Start: "python manage.py runserver 0.0.0.0:$PORT",
				Extra: map[string]string{"apt": "build-essential libpq-dev", "pip_install": "requirements", "requirements": "requirements.txt", "collectstatic": ""}},
		},
		{
			name: "django uvicorn asgi, cookiecutter requirements folder",
			files: map[string]string{
				"requirements/base.txt":       "django\nuvicorn[standard]\n",
				"requirements/production.txt": "-r base.txt\npsycopg[c]\n",
				"manage.py":                   pythonDjangoManage,
				"shop/settings.py":            "ASGI_APPLICATION = \"shop.asgi.application\"\n",
				"shop/asgi.py":                "",
			},
			dir: ".",
			want: pythonWant{Framework: "django", PackageManager: "pip",
				Start:     "uvicorn shop.asgi:application --host 0.0.0.0 --port $PORT",
				Deps:      []string{"django", "uvicorn", "psycopg"},
				Lockfiles: []string{"requirements/production.txt", "requirements/base.txt"},
				Extra:     map[string]string{"requirements": "requirements/production.txt", "apt": "build-essential libpq-dev"}},
		},
		{
			name: "django daphne asgi",
			files: map[string]string{
				"requirements.txt": "django\nchannels\ndaphne\n",
				"manage.py":        pythonDjangoManage,
				"shop/settings.py": "ASGI_APPLICATION = 'shop.asgi.app'\n",
			},
			dir: ".",
			want: pythonWant{Framework: "django", PackageManager: "pip", Start: "daphne -b 0.0.0.0 -p $PORT shop.asgi:app",
				Extra: map[string]string{"app": "shop.asgi:app"}},
		},
		{
			name: "fastapi hypercorn",
			files: map[string]string{
				"requirements.txt": "fastapi\nhypercorn\n",
				"server.py":        "from fastapi import FastAPI\nservice = FastAPI()\n",
			},
			dir:  ".",
			want: pythonWant{Framework: "fastapi", PackageManager: "pip", Start: "hypercorn server:service --bind 0.0.0.0:$PORT"},
		},
		{
			name: "flask pip gunicorn",
			files: map[string]string{
				"requirements.txt": "Flask==3.0.0\ngunicorn==21.2.0\nFlask_SQLAlchemy\n",
				"app.py":           "from flask import Flask\n\napp = Flask(__name__)\n\n@app.get('/health')\ndef health():\n    return 'ok'\n",
				"runtime.txt":      "python-3.11.4\n",
			},
			dir: ".",
			want: pythonWant{Framework: "flask", PackageManager: "pip", PortDefault: 8000, Version: "3.11.4",
				Start: "gunicorn app:app --bind 0.0.0.0:$PORT", Deps: []string{"flask", "flask-sqlalchemy", "gunicorn"},
				Lockfiles: []string{"requirements.txt"}, Entrypoints: []string{"app.py"}, MinScore: 0.9},
		},
		{
			name: "flask run",
			files: map[string]string{
				"requirements.txt": "flask\n",
				"app.py":           "import flask\napp = flask.Flask(__name__)\n",
			},
			dir:  ".",
			want: pythonWant{Framework: "flask", PackageManager: "pip", PortDefault: 5000, Start: "flask run --host 0.0.0.0 --port $PORT"},
		},
		{
			name: "flask factory in a package",
			files: map[string]string{
				"pyproject.toml":    "[project]\nname = \"blog\"\ndependencies = [\"flask\", \"gunicorn\"]\n",
				"blog/__init__.py":  "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n",
				"blog/templates/x":  "",
				"tests/test_app.py": "",
				".tool-versions":    "python 3.12.1\n",
			},
			dir: ".",
			want: pythonWant{Framework: "flask", PackageManager: "pip", Version: "3.12.1",
				Start: "gunicorn 'blog:create_app()' --bind 0.0.0.0:$PORT",
				Extra: map[string]string{"app": "blog:create_app()", "pip_install": "project"}},
		},
		{
			name: "fastapi uv in app package",
			files: map[string]string{
				"pyproject.toml":  "[project]\nname = \"api\"\nrequires-python = \">=3.12\"\ndependencies = [\"fastapi[standard]>=0.110\", \"asyncpg\"]\n",
				"uv.lock":         "version = 1\n",
				"app/__init__.py": "",
				"app/main.py":     "from fastapi import FastAPI\n\napi: FastAPI = FastAPI(title=\"x\")\n",
			},
			dir: ".",
			want: pythonWant{Framework: "fastapi", PackageManager: "uv", PortDefault: 8000, Version: "3.12",
				Start: "uvicorn app.main:api --host 0.0.0.0 --port $PORT", Deps: []string{"fastapi", "asyncpg"},
				Lockfiles: []string{"pyproject.toml", "uv.lock"}, Entrypoints: []string{"app/main.py"}},
		},
		{
			name: "fastapi src layout without server warns",
			files: map[string]string{
				"pyproject.toml":      "[project]\nname = \"svc\"\ndependencies = [\"fastapi\"]\n[tool.uv]\n",
				"src/svc/__init__.py": "",
				"src/svc/main.py":     "import fastapi\napp = fastapi.FastAPI()\n",
			},
			dir: ".",
			want: pythonWant{Framework: "fastapi", PackageManager: "uv",
				Start: "uvicorn svc.main:app --host 0.0.0.0 --port $PORT --app-dir src", WarnLine: -1},
		},
		{
			name: "fasthtml",
			files: map[string]string{
				"requirements.txt": "python-fasthtml\n",
				"main.py":          "from fasthtml.common import *\n\napp, rt = fast_app()\n\nserve()\n",
			},
			dir:  ".",
			want: pythonWant{Framework: "fasthtml", PackageManager: "pip", PortDefault: 5001, Start: "python main.py"},
		},
		{
			name: "celery worker pipenv",
			files: map[string]string{
				"Pipfile":           "[packages]\ncelery = {version = \"*\", extras = [\"redis\"]}\nrequests = \"*\"\n[requires]\npython_version = \"3.11\"\n",
				"Pipfile.lock":      "{}",
				"tasks/__init__.py": "",
				"tasks/celery.py":   "from celery import Celery\n\napp = Celery('tasks', broker='redis://localhost')\n",
			},
			dir: ".",
			want: pythonWant{PackageManager: "pipenv", Kind: "worker", Version: "3.11",
				Start: "celery -A tasks worker --loglevel=INFO", Deps: []string{"celery", "requests"},
				Lockfiles: []string{"Pipfile", "Pipfile.lock"}},
		},
		{
			name: "celery beside django stays web",
			files: map[string]string{
				"requirements.txt": "django\ncelery\n",
				"manage.py":        pythonDjangoManage,
				"shop/settings.py": "",
			},
			dir:  ".",
			want: pythonWant{Framework: "django", PackageManager: "pip", Start: "python manage.py runserver 0.0.0.0:$PORT"},
		},
		{
			name: "dramatiq worker pdm",
			files: map[string]string{
				"pyproject.toml": "[project]\nname = \"jobs\"\ndependencies = [\"dramatiq[redis]\"]\n[tool.pdm]\n",
				"pdm.lock":       "",
				"actors.py":      "import dramatiq\n\n@dramatiq.actor\ndef send(x):\n    pass\n",
			},
			dir:  ".",
			want: pythonWant{PackageManager: "pdm", Kind: "worker", Start: "dramatiq actors", Lockfiles: []string{"pyproject.toml", "pdm.lock"}},
		},
		{
			name: "arq worker",
			files: map[string]string{
				"requirements.txt": "arq\n",
				"worker.py":        "class WorkerSettings:\n    functions = []\n",
			},
			dir:  ".",
			want: pythonWant{PackageManager: "pip", Kind: "worker", Start: "arq worker.WorkerSettings"},
		},
		{
			name: "rq worker script",
			files: map[string]string{
				"requirements.txt": "rq\n",
				"worker.py":        "from rq import Worker\n",
			},
			dir:  ".",
			want: pythonWant{PackageManager: "pip", Kind: "worker", Start: "python worker.py"},
		},
		{
			name: "package using fastapi without an app is a library",
			files: map[string]string{
				"pyproject.toml":       "[project]\nname = \"auth-helpers\"\ndependencies = [\"fastapi\"]\n",
				"auth_helpers/deps.py": "from fastapi import Depends\n",
			},
			dir:  ".",
			want: pythonWant{Framework: "fastapi", PackageManager: "pip", Library: true, WarnLine: -1, MaxScore: 0.5},
		},
		{
			name: "flask app object not found but entry file",
			files: map[string]string{
				"requirements.txt": "flask\n",
				"main.py":          "from web import make\nmake().run()\n",
			},
			dir:  ".",
			want: pythonWant{Framework: "flask", PackageManager: "pip", Start: "python main.py", MinScore: 0.6, MaxScore: 0.6},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pythonCheck(t, detectIn(t, Python{}, tc.files, tc.dir), tc.want)
		})
	}
}
