package stacks

import "testing"

func TestStaticDetect(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		dir   string
		want  jsExpect
	}{
		{"root site", map[string]string{"index.html": "<h1>hi</h1>", "style.css": "h1{}"}, ".",
			jsExpect{lang: "static", kind: "static", target: ".", portDefault: 8080, score: 0.6, evidence: "index.html"}},
		{"docs folder", map[string]string{"docs/index.html": "x", "main.go": "package main"}, "docs", jsExpect{score: 0.6}},
		{"www folder", map[string]string{"www/index.htm": "x"}, "www", jsExpect{score: 0.6}},
		{"other folder", map[string]string{"landing/index.html": "x"}, "landing", jsExpect{score: 0.3}},
		{"public of a node app", map[string]string{"package.json": "{}", "public/index.html": "x"}, "public", jsExpect{score: 0.2}},
		{"docs beside tooling", map[string]string{"package.json": "{}", "docs/index.html": "x"}, "docs", jsExpect{score: 0.6}},
		{"public of a rails app", map[string]string{"Gemfile": "x", "public/index.html": "x"}, "public", jsExpect{score: 0.2}},
		{"templates", map[string]string{"app/templates/index.html": "{{ x }}"}, "app/templates", jsExpect{score: 0.1}},
		{"flutter web template", map[string]string{"pubspec.yaml": "name: app", "web/index.html": "x"}, "web", jsExpect{score: 0.2}},
		{"aspnet wwwroot", map[string]string{"Shop.csproj": "<Project/>", "wwwroot/index.html": "x"}, "wwwroot", jsExpect{score: 0.2}},
		{"beside a backend", map[string]string{"index.html": "x", "composer.json": "{}"}, ".", jsExpect{score: 0.2}},
		{"package.json is node's", map[string]string{"index.html": "x", "package.json": "{}"}, ".", jsExpect{nilResult: true}},
		{"no index", map[string]string{"about.html": "x"}, ".", jsExpect{nilResult: true}},
		{"mkdocs", map[string]string{"mkdocs.yml": "site_name: Docs\n", "docs/index.md": "# hi", "requirements.txt": "mkdocs-material\n", ".python-version": "3.12\n"}, ".",
			jsExpect{lang: "static", kind: "static", target: "site", build: "mkdocs build", score: 0.7, version: "3.12",
				extra: jsm{"ssg": "mkdocs"}, lockfiles: []string{"requirements.txt"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsCheck(t, detectIn(t, Static{}, tt.files, tt.dir), tt.want)
		})
	}
}
