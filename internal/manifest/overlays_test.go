package manifest

import (
	"reflect"
	"strings"
	"testing"
)

func TestProcfile(t *testing.T) {
	got, err := ParseProcfile([]byte("# processes\nweb: gunicorn app:app --bind 0.0.0.0:$PORT\n\nworker:  celery -A tasks worker\nrelease: flask db upgrade\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Process{
		{"web", "gunicorn app:app --bind 0.0.0.0:$PORT", 2},
		{"worker", "celery -A tasks worker", 4},
		{"release", "flask db upgrade", 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestProcfileErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
		msg  string
	}{
		{"web: a\nnot a process\n", 2, "expected `type: command`"},
		{"web:\n", 1, "has no command"},
		{"web: a\nweb: b\n", 2, "also defined on line 1"},
		{"we b: x\n", 1, "expected"},
	} {
		procs, err := ParseProcfile([]byte(tc.in))
		if err == nil || ErrorLine(err) != tc.line || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: got %v (line %d), want line %d and %q", tc.in, err, ErrorLine(err), tc.line, tc.msg)
		}
		if tc.line > 1 && len(procs) == 0 {
			t.Errorf("%q: the processes before the bad line are lost", tc.in)
		}
	}
}

func TestDotenvKeepsNamesAndValues(t *testing.T) {
	env, err := ParseDotenv([]byte("# comment\nexport PORT=4000\nDATABASE_URL=\"postgres://u:p@db:5432/x\"\nEMPTY=\nQUOTED='a b'\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"DATABASE_URL", "EMPTY", "PORT", "QUOTED"}; !reflect.DeepEqual(env.Names, want) {
		t.Errorf("names %v, want %v", env.Names, want)
	}
	if env.Values["PORT"] != "4000" || env.Values["DATABASE_URL"] != "postgres://u:p@db:5432/x" || env.Values["QUOTED"] != "a b" {
		t.Errorf("values %v", env.Values)
	}
}

func TestDotenvMalformed(t *testing.T) {
	_, err := ParseDotenv([]byte("A=1\nB=\"unterminated\n"))
	if err == nil {
		t.Fatal("want an error for an unterminated quote")
	}
}

func TestAppJSON(t *testing.T) {
	a, err := ParseAppJSON([]byte(`{
		"name": "x",
		"env": {"SECRET_KEY": {"generator": "secret"}, "PLAIN": "v"},
		"addons": ["heroku-postgresql:essential-0", {"plan": "heroku-redis:mini"}],
		"formation": {"web": {"quantity": 2}},
		"healthchecks": {"web": [{"type": "startup", "path": "/health", "attempts": 3}]},
		"scripts": {"dokku": {"predeploy": "migrate"}, "postdeploy": "seed"}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Env, []string{"PLAIN", "SECRET_KEY"}) ||
		!reflect.DeepEqual(a.Addons, []string{"heroku-postgresql", "heroku-redis"}) ||
		a.Formation["web"] != 2 || a.Healthchecks["web"][0].Path != "/health" ||
		a.Predeploy != "migrate" || a.Postdeploy != "seed" {
		t.Errorf("got %+v", a)
	}
	_, err = ParseAppJSON([]byte("{\n  \"name\": \"x\",\n  \"env\": [1]\n}"))
	if ErrorLine(err) != 3 {
		t.Errorf("type error should name line 3: %v", err)
	}
	_, err = ParseAppJSON([]byte("{\n\"name\": \"x\",,\n}"))
	if ErrorLine(err) != 2 {
		t.Errorf("syntax error should name line 2: %v", err)
	}
}

func TestDockerfile(t *testing.T) {
	d, err := ParseDockerfile([]byte(`# syntax=docker/dockerfile:1
ARG PORT=3000
FROM node:20 AS build
EXPOSE 9999
CMD ["ignored"]

FROM node:20-slim
ARG PORT
ENV PORT=$PORT NODE_ENV=production
EXPOSE $PORT 9229/tcp
HEALTHCHECK --interval=5s CMD curl -f http://localhost:3000/healthz || exit 1
USER node
ENTRYPOINT ["node"]
CMD ["server.js"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Stages != 2 || !reflect.DeepEqual(d.BaseImages, []string{"node:20", "node:20-slim"}) {
		t.Errorf("stages %d %v", d.Stages, d.BaseImages)
	}
	if !reflect.DeepEqual(d.Expose, []int{3000, 9229}) {
		t.Errorf("expose %v, want the final stage's [3000 9229]", d.Expose)
	}
	if d.StartCommand() != "node server.js" || d.CmdShell {
		t.Errorf("start %q shell %v", d.StartCommand(), d.CmdShell)
	}
	if d.Healthcheck == nil || !strings.Contains(strings.Join(d.Healthcheck.Test, " "), "http://localhost:3000/healthz") {
		t.Errorf("healthcheck %+v", d.Healthcheck)
	}
	if d.User != "node" || d.Env["NODE_ENV"] != "production" {
		t.Errorf("user %q env %v", d.User, d.Env)
	}
}

func TestDockerfileErrors(t *testing.T) {
	for in, line := range map[string]int{
		"RUN echo hi\n":                      1, // no FROM
		"FROM alpine\nEXPOSE eighty\n":       2,
		"FROM alpine\nEXPOSE 70000\n":        2,
		"FROM alpine\nHEALTHCHECK NONE\n":    0,
		"FROM alpine\nCMD [\"unterminated\n": 0,
	} {
		d, err := ParseDockerfile([]byte(in))
		if line == 0 {
			if err != nil {
				t.Errorf("%q: %v", in, err)
			}
			continue
		}
		if ErrorLine(err) != line {
			t.Errorf("%q: got %v, want an error on line %d", in, err, line)
		}
		_ = d
	}
}

func TestCompose(t *testing.T) {
	c, err := ParseCompose([]byte(`
services:
  web:
    build:
      context: ./web
      dockerfile: Dockerfile.prod
    ports: ["8080:3000", "127.0.0.1:9229:9229"]
    expose: ["4000"]
    environment:
      - API_URL=http://api:${API_PORT:-9000}
      - DEBUG
    env_file: .env.web
    depends_on:
      api: {condition: service_healthy}
      db: {condition: service_started}
    command: ["node", "server.js"]
  api:
    build: ../api
    healthcheck:
      test: curl -f http://localhost:9000/health
  db:
    image: postgres:16
    volumes: ["pgdata:/var/lib/postgresql/data", "./init:/docker-entrypoint-initdb.d"]
volumes:
  pgdata: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Services) != 3 || c.Services[0].Name != "api" || c.Services[2].Name != "web" {
		t.Fatalf("services %+v", c.Services)
	}
	web := c.Services[2]
	if web.Context != "web" || web.Dockerfile != "Dockerfile.prod" || !reflect.DeepEqual(web.Ports, []int{3000, 9229, 4000}) {
		t.Errorf("web build/ports: %+v", web)
	}
	if web.Env["API_URL"] != "http://api:9000" || !reflect.DeepEqual(web.DependsOn, []string{"api", "db"}) || !reflect.DeepEqual(web.Healthy, []string{"api"}) {
		t.Errorf("web env/depends: %+v", web)
	}
	if !reflect.DeepEqual(web.Command, []string{"node", "server.js"}) || !reflect.DeepEqual(web.EnvFiles, []string{".env.web"}) {
		t.Errorf("web command/env files: %+v", web)
	}
	if c.Services[0].Context != "../api" || !strings.Contains(strings.Join(c.Services[0].Health, " "), "/health") {
		t.Errorf("api: %+v", c.Services[0])
	}
	db := c.Services[1]
	if db.Image != "postgres:16" || db.Volumes[0] != (ComposeVolume{"volume", "pgdata", "/var/lib/postgresql/data"}) || db.Volumes[1].Type != "bind" {
		t.Errorf("db: %+v", db)
	}
}

func TestComposeErrors(t *testing.T) {
	for in, line := range map[string]int{
		"services:\n  web:\n    ports: [\"3000\"\n": 3,
		"services: [a, b]\n":                        1,
		"services:\n  web: 3\n":                     2,
		"- just\n- a list\n":                        1,
	} {
		_, err := ParseCompose([]byte(in))
		if err == nil {
			t.Errorf("%q: no error", in)
			continue
		}
		if l := ErrorLine(err); l != line && l != line+1 {
			t.Errorf("%q: %v, want line %d", in, err, line)
		}
	}
}

func TestStripJSONCKeepsLines(t *testing.T) {
	in := "{\n  // comment\n  \"a\": \"//not\", /* block\n comment */ \"b\": [1, 2,],\n}\n"
	var v struct {
		A string
		B []int
	}
	if err := DecodeJSONC([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "//not" || len(v.B) != 2 {
		t.Errorf("got %+v", v)
	}
	if strings.Count(string(StripJSONC([]byte(in))), "\n") != strings.Count(in, "\n") {
		t.Error("lines not kept")
	}
	err := DecodeJSONC([]byte("{\n// c\n\"a\": 1 2\n}"), &v)
	if ErrorLine(err) != 3 {
		t.Errorf("want line 3, got %v", err)
	}
}

func FuzzProcfile(f *testing.F) {
	f.Add([]byte("web: node server.js\nworker: node worker.js\n"))
	f.Add([]byte("# c\n\nrelease: ./migrate\nweb:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		procs, err := ParseProcfile(data)
		for _, p := range procs {
			if p.Type == "" || p.Command == "" {
				t.Fatalf("empty process %+v", p)
			}
		}
		if err != nil && ErrorLine(err) == 0 {
			t.Fatalf("error without a line: %v", err)
		}
	})
}

func FuzzDotenv(f *testing.F) {
	f.Add([]byte("A=1\nexport B=\"two\"\n# c\nC='3'\n"))
	f.Add([]byte("A=\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := ParseDotenv(data)
		if err == nil && len(env.Names) != len(env.Values) {
			t.Fatalf("names %v values %v", env.Names, env.Values)
		}
	})
}

func FuzzAppJSON(f *testing.F) {
	f.Add([]byte(`{"name":"x","env":{"A":"b"},"addons":["heroku-redis"],"healthchecks":{"web":[{"path":"/"}]}}`))
	f.Add([]byte(`{"addons":[{"plan":"p:x"}, 3], "scripts": {"postdeploy": 1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseAppJSON(data)
	})
}

func FuzzDockerfile(f *testing.F) {
	f.Add([]byte("FROM alpine AS a\nEXPOSE 80 443/tcp\nCMD [\"x\"]\nHEALTHCHECK CMD wget http://x/\n"))
	f.Add([]byte("ARG P=1\nFROM scratch\nENV A=$P\nEXPOSE $P\nHEALTHCHECK NONE\nENTRYPOINT x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDockerfile(data)
		if err == nil {
			for _, p := range d.Expose {
				if p < 1 || p > 65535 {
					t.Fatalf("port %d", p)
				}
			}
		}
	})
}

func FuzzCompose(f *testing.F) {
	f.Add([]byte("services:\n  a:\n    build: .\n    ports: [\"80:8080\"]\n    depends_on: [b]\n  b:\n    image: redis\n"))
	f.Add([]byte("services:\n  a:\n    environment: {X: ${Y:-z}}\n    healthcheck: {test: [CMD, x]}\n"))
	f.Add([]byte("x-a: &a {image: x}\nservices: {s: *a}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseCompose(data)
	})
}

func FuzzJSONC(f *testing.F) {
	f.Add([]byte("{\"a\": 1, // x\n \"b\": [1,],}"))
	f.Add([]byte("/* unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := StripJSONC(data)
		if len(out) != len(data) {
			t.Fatalf("length changed: %d → %d", len(data), len(out))
		}
	})
}
