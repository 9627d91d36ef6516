package topology_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

// tree writes files into a fresh folder and analyses it.
func analyzeFiles(t *testing.T, files map[string]string, opts topology.Options) *topology.Topology {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, files)
	return analyze(t, dir, opts)
}

func backingTypes(topo *topology.Topology) map[string]string {
	out := map[string]string{}
	for _, b := range topo.BackingServices {
		out[b.Name] = b.Type
	}
	return out
}

func TestBackingServicesFromEveryKindOfSignal(t *testing.T) {
	flask := `{"x": 1}`
	_ = flask
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  map[string]string // backing name → type
		link  map[string]string // backing name → a variable it is linked as
	}{
		{
			name: "host name in python code",
			files: map[string]string{
				"requirements.txt": "flask\nredis\n",
				"app.py":           "from flask import Flask\nimport redis\napp = Flask(__name__)\nr = redis.Redis(host=\"redis\", port=6379)\n",
			},
			want: map[string]string{"redis": "redis"},
		},
		{
			name: "custom host name names the service",
			files: map[string]string{
				"package.json": `{"name":"a","scripts":{"start":"node s.js"},"dependencies":{"express":"4","ioredis":"5"}}`,
				"s.js":         "const Redis = require('ioredis');\nconst r = new Redis({ host: 'sessions', port: 6379 });\n",
			},
			want: map[string]string{"sessions": "redis"},
		},
		{
			name: "DATABASE_URL value says mysql",
			files: map[string]string{
				"package.json": `{"name":"a","scripts":{"start":"node s.js"},"dependencies":{"express":"4"}}`,
				".env.example": "DATABASE_URL=mysql://user:pass@localhost:3306/app\n",
			},
			want: map[string]string{"mysql": "mysql"},
			link: map[string]string{"mysql": "DATABASE_URL"},
		},
		{
			name: "DATABASE_URL alone means postgres",
			files: map[string]string{
				"requirements.txt": "django\n",
				"manage.py":        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'x.settings')\n",
				"x/settings.py":    "import os\nDB = os.environ['DATABASE_URL']\n",
			},
			want: map[string]string{"postgres": "postgres"},
		},
		{
			name: "laravel drivers",
			files: map[string]string{
				"composer.json": `{"require":{"laravel/framework":"^11.0"}}`,
				"artisan":       "#!/usr/bin/env php\n",
				".env.example":  "DB_CONNECTION=mariadb\nCACHE_STORE=redis\n",
			},
			want: map[string]string{"mariadb": "mariadb", "redis": "redis"},
		},
		{
			name: "heroku add-ons",
			files: map[string]string{
				"Procfile": "web: node s.js\n",
				"s.js":     "require('http').createServer().listen(process.env.PORT)\n",
				"app.json": `{"addons":["heroku-postgresql:mini","memcachier"]}`,
			},
			want: map[string]string{"postgres": "postgres", "memcached": "memcached"},
		},
		{
			name: "go client libraries",
			files: map[string]string{
				"go.mod":  "module x\n\ngo 1.22\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.6.0\n\tgithub.com/nats-io/nats.go v1.36.0\n)\n",
				"main.go": "package main\n\nfunc main() {}\n",
			},
			want: map[string]string{"postgres": "postgres", "nats": "nats"},
		},
		{
			name: "two databases do not share DATABASE_URL",
			files: map[string]string{
				"requirements.txt": "psycopg2\npymongo\nflask\n",
				"app.py":           "from flask import Flask\napp = Flask(__name__)\n",
				".env.example":     "DATABASE_URL=postgres://x@localhost/app\nMONGO_URL=mongodb://localhost/app\n",
			},
			want: map[string]string{"postgres": "postgres", "mongodb": "mongodb"},
			link: map[string]string{"postgres": "DATABASE_URL", "mongodb": "MONGO_URL"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			topo := analyzeFiles(t, tc.files, topology.Options{})
			if got := backingTypes(topo); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("backing %v, want %v", got, tc.want)
			}
			for name, v := range tc.link {
				if _, ok := topo.Backing(name).Env[v]; !ok {
					t.Errorf("%s not linked as %s: %v", name, v, topo.Backing(name).Env)
				}
			}
			for _, b := range topo.BackingServices {
				if len(b.UsedBy) == 0 || len(b.Evidence) == 0 {
					t.Errorf("%s: used by %v, evidence %v", b.Name, b.UsedBy, b.Evidence)
				}
				for _, s := range topo.Services {
					if slices.Contains(b.UsedBy, s.Name) && !slices.Contains(s.DependsOn, b.Name) {
						t.Errorf("%s uses %s but does not depend on it", s.Name, b.Name)
					}
				}
			}
		})
	}
}

func TestServiceEdges(t *testing.T) {
	topo := analyzeFiles(t, map[string]string{
		// web reads API_URL (documented with a value naming api and its port)
		"web/package.json": `{"name":"web","scripts":{"start":"node s.js"},"dependencies":{"express":"4"}}`,
		"web/s.js":         "require('express')().listen(3000)\n",
		"web/.env.example": "API_URL=http://api:8080\n",
		// api calls search by name and port in code
		"api/go.mod":  "module api\n\ngo 1.22\n",
		"api/main.go": "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.Get(\"http://search:9000/q\")\n\thttp.ListenAndServe(\":8080\", nil)\n}\n",
		// search is reached through AUTH_SERVICE_URL by nothing: no edge back
		"search/requirements.txt": "fastapi\nuvicorn\n",
		"search/main.py":          "from fastapi import FastAPI\napp = FastAPI()\nif __name__ == '__main__':\n    import uvicorn\n    uvicorn.run(app, port=9000)\n",
	}, topology.Options{})
	deps := map[string][]string{}
	for _, s := range topo.Services {
		deps[s.Name] = s.DependsOn
	}
	want := map[string][]string{"web": {"api"}, "api": {"search"}, "search": nil}
	if !reflect.DeepEqual(deps, want) {
		t.Errorf("edges %v, want %v", deps, want)
	}
	if order := topo.StartOrder; !reflect.DeepEqual(order, [][]string{{"search"}, {"api"}, {"web"}}) {
		t.Errorf("start order %v", order)
	}
}

func TestComposeDependsOnAndNames(t *testing.T) {
	topo := analyzeFiles(t, map[string]string{
		"docker-compose.yml": "services:\n  front:\n    build: ./ui\n    depends_on: [back]\n  back:\n    build: ./srv\n    ports: ['5000:5000']\n    depends_on: [db]\n  db:\n    image: postgres:16\n",
		"ui/index.html":      "<h1>x</h1>",
		"ui/Dockerfile":      "FROM nginx\n",
		"srv/Dockerfile":     "FROM python:3.12\nCMD [\"python\", \"app.py\"]\n",
		"srv/app.py":         "print('hi')\n",
	}, topology.Options{})
	front, back := topo.Service("front"), topo.Service("back")
	if front == nil || back == nil || front.Path != "ui" || back.Path != "srv" {
		t.Fatalf("compose names and paths: %+v", names(topo))
	}
	if !reflect.DeepEqual(front.DependsOn, []string{"back"}) || !reflect.DeepEqual(back.DependsOn, []string{"db"}) {
		t.Errorf("depends_on: front %v back %v", front.DependsOn, back.DependsOn)
	}
	if b := topo.Backing("db"); b == nil || b.Type != "postgres" || b.Image != "postgres:16" {
		t.Errorf("compose backing: %+v", topo.BackingServices)
	}
	if back.Port != 5000 || back.Language != "python" || back.Dockerfile.Source != "repo" {
		t.Errorf("back: %+v", back)
	}
}

func TestIncludeExamples(t *testing.T) {
	files := map[string]string{
		"package.json":                  `{"name":"a","scripts":{"start":"node s.js"},"dependencies":{"express":"4"}}`,
		"examples/demo/package.json":    `{"name":"demo","scripts":{"start":"node s.js"},"dependencies":{"express":"4"}}`,
		"tests/fixtures/x/package.json": `{"name":"x","scripts":{"start":"node s.js"},"dependencies":{"express":"4"}}`,
	}
	topo := analyzeFiles(t, files, topology.Options{})
	if len(topo.Services) != 1 || len(topo.Ignored) != 2 {
		t.Fatalf("services %v ignored %v", names(topo), topo.Ignored)
	}
	topo = analyzeFiles(t, files, topology.Options{IncludeExamples: true})
	if len(topo.Services) != 3 || len(topo.Ignored) != 0 {
		t.Fatalf("--include-examples: services %v ignored %v", names(topo), topo.Ignored)
	}
}

func TestProcfileNames(t *testing.T) {
	topo := analyzeFiles(t, map[string]string{
		"api/Procfile":         "worker: celery -A t worker\nweb: gunicorn app:app\nclock: python clock.py\n",
		"api/requirements.txt": "flask\ngunicorn\ncelery\n",
		"api/app.py":           "from flask import Flask\napp = Flask(__name__)\n",
		"jobs/Procfile":        "worker: python jobs.py\n",
		"jobs/jobs.py":         "print(1)\n",
	}, topology.Options{})
	got := names(topo)
	want := []string{"api@api", "api-clock@api", "api-worker@api", "jobs@jobs"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("services %v, want %v", got, want)
	}
	if s := topo.Service("api"); s.Kind != topology.KindWeb || s.StartCommand != "gunicorn app:app" {
		t.Errorf("web process: %+v", s)
	}
	if s := topo.Service("jobs"); s.Kind != topology.KindWorker || s.Port != 0 {
		t.Errorf("a lone worker process keeps the folder's name and runs without a port: %+v", s)
	}
}
