package stacks

import (
	"slices"
	"strings"
	"testing"
)

const goTestGinMain = `package main

import "github.com/gin-gonic/gin"

func main() {
	r := gin.Default()
	r.GET("/healthz", func(c *gin.Context) { c.String(200, "ok") })
	r.Run()
}
`

// goTestWant is the part of a Result a Go test checks; empty fields are not checked.
type goTestWant struct {
	nilResult      bool
	framework      string
	kind           string
	target         string
	buildContext   string
	name           string
	runtimeVersion string
	portDefault    int
	library        bool
	workspaceOnly  bool
	members        []string
	lockfiles      []string
	localPaths     []string
	extra          map[string]string
	start          string
	minScore       float64
	maxScore       float64
	warnLine       int
}

func goTestCheck(t *testing.T, r *Result, w goTestWant) {
	t.Helper()
	if w.nilResult {
		if r != nil {
			t.Fatalf("got a result, want none: %+v", r)
		}
		return
	}
	if r == nil {
		t.Fatal("no result")
	}
	check := func(field, got, want string) {
		t.Helper()
		if want != "" && got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("Framework", r.Framework, w.framework)
	check("Kind", r.Kind, w.kind)
	check("Target", r.Target, w.target)
	check("BuildContext", r.BuildContext, w.buildContext)
	check("Name", r.Name, w.name)
	check("RuntimeVersion", r.RuntimeVersion, w.runtimeVersion)
	check("Start", r.Start, w.start)
	if w.portDefault != 0 && r.PortDefault != w.portDefault {
		t.Errorf("PortDefault = %d, want %d", r.PortDefault, w.portDefault)
	}
	if r.Library != w.library || r.WorkspaceOnly != w.workspaceOnly {
		t.Errorf("Library/WorkspaceOnly = %v/%v, want %v/%v", r.Library, r.WorkspaceOnly, w.library, w.workspaceOnly)
	}
	if w.members != nil && !slices.Equal(r.Members, w.members) {
		t.Errorf("Members = %v, want %v", r.Members, w.members)
	}
	if w.lockfiles != nil && !slices.Equal(r.Lockfiles, w.lockfiles) {
		t.Errorf("Lockfiles = %v, want %v", r.Lockfiles, w.lockfiles)
	}
	if w.localPaths != nil && !slices.Equal(r.LocalPaths, w.localPaths) {
		t.Errorf("LocalPaths = %v, want %v", r.LocalPaths, w.localPaths)
	}
	for k, v := range w.extra {
		if r.Extra[k] != v {
			t.Errorf("Extra[%q] = %q, want %q", k, r.Extra[k], v)
		}
	}
	if w.minScore > 0 && r.Score < w.minScore {
		t.Errorf("Score = %v, want at least %v", r.Score, w.minScore)
	}
	if w.maxScore > 0 && r.Score > w.maxScore {
		t.Errorf("Score = %v, want at most %v", r.Score, w.maxScore)
	}
	if w.warnLine > 0 {
		if len(r.Warnings) == 0 || r.Warnings[0].Line != w.warnLine {
			t.Errorf("Warnings = %+v, want one on line %d", r.Warnings, w.warnLine)
		}
	} else if len(r.Warnings) > 0 {
		t.Errorf("unexpected warnings %+v", r.Warnings)
	}
	if r.Language != "" && r.Language != "go" {
		t.Errorf("Language = %q", r.Language)
	}
	if len(r.Evidence) == 0 {
		t.Error("no evidence")
	}
}

func TestGoDetect(t *testing.T) {
	cmdTree := map[string]string{
		"go.mod":                     "module github.com/acme/shop\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgithub.com/jackc/pgx/v5 v5.6.0\n\tgolang.org/x/sys v0.20.0 // indirect\n)\n",
		"go.sum":                     "",
		"cmd/api/main.go":            "package main\n\nimport \"github.com/acme/shop/internal/server\"\n\nfunc main() { server.Run() }\n",
		"cmd/worker/main.go":         "package main\n\nimport \"github.com/acme/shop/internal/queue\"\n\nfunc main() { queue.Consume() }\n",
		"cmd/migrate/main.go":        "package main\n\nfunc main() {}\n",
		"cmd/shop/main.go":           "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8081\", nil) }\n",
		"internal/server/server.go":  "package server\n\nimport \"github.com/gin-gonic/gin\"\n\nfunc Run() { gin.Default().Run() }\n",
		"internal/queue/queue.go":    "package queue\n\nfunc Consume() {}\n",
		"internal/tools/gen/main.go": "package main\n\nfunc main() {}\n",
		"testdata/app/main.go":       "package main\n\nfunc main() {}\n",
	}
	workTree := map[string]string{
		"go.work":         "go 1.23\n\nuse (\n\t./api\n\t./lib\n)\n",
		"go.work.sum":     "",
		"api/go.mod":      "module example.com/api\n\ngo 1.23\n\nrequire github.com/labstack/echo/v4 v4.12.0\n",
		"api/go.sum":      "",
		"api/main.go":     "package main\n\nimport (\n\t\"github.com/labstack/echo/v4\"\n\t_ \"example.com/lib\"\n)\n\nfunc main() { e := echo.New(); e.Logger.Fatal(e.Start(\":1323\")) }\n",
		"lib/go.mod":      "module example.com/lib\n\ngo 1.23\n",
		"lib/lib.go":      "package lib\n",
		"lib/gen.go":      "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
		"lib/tools.go":    "//go:build tools\n\npackage tools\n",
		".tool-versions":  "golang 1.23.2\n",
		"other/go.mod":    "module example.com/other\n\ngo 1.21\n",
		"other/server.go": "package main\n\nimport \"github.com/go-chi/chi/v5\"\n\nfunc main() { _ = chi.NewRouter() }\n",
	}
	replaceTree := map[string]string{
		"services/api/go.mod":  "module example.com/api\n\ngo 1.22\n\ntoolchain go1.23.4\n\nrequire example.com/shared v0.0.0\n\nreplace example.com/shared => ../../libs/shared\n",
		"services/api/main.go": "package main\n\nimport \"github.com/gofiber/fiber/v2\"\n\nfunc main() { fiber.New().Listen(\":3000\") }\n",
		"libs/shared/go.mod":   "module example.com/shared\n\ngo 1.22\n",
		"libs/shared/go.sum":   "",
		"libs/shared/x.go":     "package shared\n",
	}
	cases := []struct {
		name  string
		files map[string]string
		dir   string
		want  goTestWant
	}{
		{"gin at the root", map[string]string{"go.mod": "module github.com/acme/hello\n\ngo 1.23.1\n\nrequire github.com/gin-gonic/gin v1.10.0\n", "go.sum": "", "main.go": goTestGinMain},
			".", goTestWant{framework: "gin", kind: "web", target: ".", portDefault: 8080, name: "github.com/acme/hello", runtimeVersion: "1.23.1",
				lockfiles: []string{"go.mod", "go.sum"}, start: "/app/bin/hello", extra: map[string]string{"binary": "hello", "module-dir": "."}, minScore: 0.9}},
		{"module root with cmd mains", cmdTree, ".", goTestWant{workspaceOnly: true, members: []string{"cmd/*"}, runtimeVersion: "1.22"}},
		{"cmd/api with gin in go.mod", cmdTree, "cmd/api", goTestWant{framework: "gin", kind: "web", target: "./cmd/api", buildContext: ".",
			name: "github.com/acme/shop/cmd/api", portDefault: 8080, lockfiles: []string{"go.mod", "go.sum"}, start: "/app/bin/api"}},
		{"cmd/worker", cmdTree, "cmd/worker", goTestWant{kind: "worker", target: "./cmd/worker", buildContext: "."}},
		{"cmd/migrate", cmdTree, "cmd/migrate", goTestWant{kind: "job", target: "./cmd/migrate"}},
		{"cmd/shop serves net/http", cmdTree, "cmd/shop", goTestWant{kind: "web", target: "./cmd/shop", minScore: 0.9}},
		{"a tool below internal/", cmdTree, "internal/tools/gen", goTestWant{target: "./internal/tools/gen", maxScore: 0.4}},
		{"library package", cmdTree, "internal/server", goTestWant{nilResult: true}},
		{"testdata is ignored", cmdTree, "testdata/app", goTestWant{nilResult: true}},
		{"go.work root", workTree, ".", goTestWant{workspaceOnly: true, members: []string{"api", "lib"}, runtimeVersion: "1.23"}},
		{"go.work member", workTree, "api", goTestWant{framework: "echo", kind: "web", target: "./api", buildContext: ".", runtimeVersion: "1.23",
			lockfiles: []string{"go.work", "go.work.sum", "api/go.mod", "api/go.sum", "lib/go.mod"}, extra: map[string]string{"go-work": "1", "module-dir": "."}}},
		{"library module with ignored main", workTree, "lib", goTestWant{library: true, name: ""}},
		{"module outside go.work", workTree, "other", goTestWant{framework: "chi", kind: "web", target: ".", runtimeVersion: "1.21", extra: map[string]string{"go-work": ""}}},
		{"replace widens the context", replaceTree, "services/api", goTestWant{framework: "fiber", kind: "web", target: ".", buildContext: ".",
			runtimeVersion: "1.23.4", localPaths: []string{"libs/shared"}, lockfiles: []string{"services/api/go.mod", "libs/shared/go.mod", "libs/shared/go.sum"},
			extra: map[string]string{"module-dir": "services/api", "binary": "api"}}},
		{"no module", map[string]string{"main.go": "package main\nfunc main(){}\n"}, ".", goTestWant{nilResult: true}},
		{"malformed go.mod", map[string]string{"go.mod": "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin 1.10\n)\n", "main.go": goTestGinMain},
			".", goTestWant{framework: "gin", kind: "web", warnLine: 6, maxScore: 0.75, name: "example.com/x"}},
		{"malformed go.mod seen from cmd", map[string]string{"go.mod": "module example.com/x\nfrobnicate\n", "cmd/api/main.go": goTestGinMain},
			"cmd/api", goTestWant{framework: "gin", maxScore: 0.75}},
		{"tool-versions pins go", map[string]string{"go.mod": "module example.com/x\n", "main.go": "package main\nfunc main(){}\n", ".tool-versions": "nodejs 20\ngolang 1.22.5\n"},
			".", goTestWant{runtimeVersion: "1.22.5", kind: "worker"}},
		{"v2 module binary name", map[string]string{"go.mod": "module github.com/acme/tool/v2\n", "main.go": "package main\nfunc main(){}\n"},
			".", goTestWant{extra: map[string]string{"binary": "tool"}}},
		{"lone library module", map[string]string{"go.mod": "module example.com/lib\n", "lib.go": "package lib\n"}, ".", goTestWant{library: true, name: "example.com/lib"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			goTestCheck(t, detectIn(t, Go{}, c.files, c.dir), c.want)
		})
	}
}

func TestGoDetectDeps(t *testing.T) {
	r := detectIn(t, Go{}, map[string]string{
		"go.mod":  "module x\n\nrequire (\n\tgithub.com/redis/go-redis/v9 v9.5.0\n\tgithub.com/lib/pq v1.10.9 // indirect\n)\n",
		"main.go": "package main\nfunc main(){}\n",
	}, ".")
	if !slices.Equal(r.Deps, []string{"github.com/redis/go-redis/v9"}) {
		t.Errorf("Deps = %v (indirect requires are not the module's own)", r.Deps)
	}
	if !slices.Equal(r.Entrypoints, []string{"main.go"}) || !slices.Equal(r.SourceExts, []string{".go"}) {
		t.Errorf("Entrypoints %v, SourceExts %v", r.Entrypoints, r.SourceExts)
	}
	for _, e := range r.Evidence {
		if e.File == "" || e.Reason == "" || strings.ToLower(e.Reason[:1]) != e.Reason[:1] {
			t.Errorf("evidence %+v", e)
		}
	}
}

func TestGoMemberGlobs(t *testing.T) {
	got := goMemberGlobs([]string{"cmd/api", "cmd/worker", "server", "services/a", "services/b"})
	if want := []string{"cmd/*", "server", "services/*"}; !slices.Equal(got, want) {
		t.Errorf("globs = %v, want %v", got, want)
	}
}
