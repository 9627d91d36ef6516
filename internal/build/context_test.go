package build

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree writes files (slash paths; a trailing slash makes a directory) under
// a fresh directory and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			must(t, os.MkdirAll(p, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type entry struct {
	hdr  *tar.Header
	body string
}

// sendContext writes req's context and reads it back, checking the byte
// count WriteTo reports against what it wrote.
func sendContext(t *testing.T, req Request) (*buildContext, map[string]entry, []string) {
	t.Helper()
	bc, err := newBuildContext(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := bc.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo reported %d bytes, wrote %d", n, buf.Len())
	}
	entries := map[string]entry{}
	var names []string
	tr := tar.NewReader(&buf)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := entries[hdr.Name]; dup {
			t.Errorf("%s sent twice", hdr.Name)
		}
		entries[hdr.Name] = entry{hdr, string(body)}
		names = append(names, hdr.Name)
	}
	slices.Sort(names)
	return bc, entries, names
}

func TestContextDockerignore(t *testing.T) {
	files := map[string]string{
		"Dockerfile":              "FROM scratch\n",
		"app.txt":                 "app",
		"b.log":                   "root log",
		"secret.env":              "TOKEN=x",
		"sub/a.log":               "sub log",
		"logs/debug.log":          "debug",
		"logs/keep.log":           "keep",
		"node_modules/x/index.js": "js",
		"docs/readme.md":          "docs",
	}
	all := []string{".dockerignore", "Dockerfile", "app.txt", "b.log", "docs/", "docs/readme.md", "logs/", "logs/debug.log", "logs/keep.log",
		"node_modules/", "node_modules/x/", "node_modules/x/index.js", "secret.env", "sub/", "sub/a.log"}
	without := func(drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(drop, s) })
	}
	tests := []struct {
		name   string
		ignore string // "" is no .dockerignore at all
		want   []string
	}{
		{"no .dockerignore", "", without(".dockerignore")},
		{"a pattern is anchored at the root", "*.log", without("b.log")},
		{"** reaches every level", "**/*.log", without("b.log", "sub/a.log", "logs/debug.log", "logs/keep.log")},
		{"an exception re-includes a file in an excluded directory", "logs\n!logs/keep.log",
			without("logs/", "logs/debug.log")},
		{"later patterns win", "**/*.log\n!**/keep.log", without("b.log", "sub/a.log", "logs/debug.log")},
		{"everything but one file", "*\n!app.txt", []string{".dockerignore", "Dockerfile", "app.txt"}},
		{"comments, leading slash and ./ are cleaned", "# node_modules is big\n/node_modules\n./docs/\n",
			without("node_modules/", "node_modules/x/", "node_modules/x/index.js", "docs/", "docs/readme.md")},
		{"the Dockerfile and .dockerignore are always sent", "Dockerfile\n.dockerignore\nsecret.env", without("secret.env")},
		{"a directory excluded with no exception is not entered", "node_modules/**\nsub",
			without("node_modules/x/", "node_modules/x/index.js", "sub/", "sub/a.log")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, files)
			if tt.ignore != "" {
				must(t, os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(tt.ignore), 0o644))
			}
			bc, entries, names := sendContext(t, Request{ContextDir: dir})
			if !slices.Equal(names, tt.want) {
				t.Errorf("sent %v\nwant %v", names, tt.want)
			}
			if bc.dockerfile != "Dockerfile" {
				t.Errorf("dockerfile = %q", bc.dockerfile)
			}
			if tt.ignore != "" && entries[".dockerignore"].body != tt.ignore {
				t.Errorf(".dockerignore sent as %q", entries[".dockerignore"].body)
			}
		})
	}
}

func TestContextDockerfileInExcludedDirectory(t *testing.T) {
	dir := tree(t, map[string]string{
		"deploy/Dockerfile": "FROM scratch\n",
		"deploy/secret.key": "k",
		"main.go":           "package main",
		".dockerignore":     "deploy\n",
	})
	bc, _, names := sendContext(t, Request{ContextDir: dir, Dockerfile: "./deploy/../deploy/Dockerfile"})
	if bc.dockerfile != "deploy/Dockerfile" {
		t.Errorf("dockerfile = %q", bc.dockerfile)
	}
	if want := []string{".dockerignore", "deploy/Dockerfile", "main.go"}; !slices.Equal(names, want) {
		t.Errorf("sent %v, want %v", names, want)
	}
}

func TestContextLinksAndModes(t *testing.T) {
	dir := tree(t, map[string]string{
		"Dockerfile":     "FROM scratch\n",
		"sub/inner.txt":  "inner",
		"private/":       "",
		"private/key":    "k",
		"bin/run.sh":     "#!/bin/sh\n",
		"bin/setuid-bin": "x",
	})
	must(t, os.Chmod(filepath.Join(dir, "bin/run.sh"), 0o755))
	must(t, os.Chmod(filepath.Join(dir, "bin/setuid-bin"), 0o755|os.ModeSetuid))
	must(t, os.Chmod(filepath.Join(dir, "private/key"), 0o600))
	must(t, os.Chmod(filepath.Join(dir, "private"), 0o700))
	must(t, os.Symlink("../../etc/passwd", filepath.Join(dir, "escape")))
	must(t, os.Symlink("/etc/shadow", filepath.Join(dir, "absolute")))
	must(t, os.Symlink("sub", filepath.Join(dir, "dirlink")))
	must(t, os.Symlink("missing", filepath.Join(dir, "dangling")))

	_, entries, names := sendContext(t, Request{ContextDir: dir})
	if slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "dirlink/") }) {
		t.Errorf("followed a directory link: %v", names)
	}
	links := map[string]string{"escape": "../../etc/passwd", "absolute": "/etc/shadow", "dirlink": "sub", "dangling": "missing"}
	for name, target := range links {
		e, ok := entries[name]
		if !ok {
			t.Errorf("link %s not sent", name)
			continue
		}
		if e.hdr.Typeflag != tar.TypeSymlink || e.hdr.Linkname != target || e.body != "" {
			t.Errorf("%s: type %c -> %q, body %q; want a link to %q", name, e.hdr.Typeflag, e.hdr.Linkname, e.body, target)
		}
	}
	modes := map[string]int64{"bin/run.sh": 0o755, "bin/setuid-bin": 0o4755, "private/key": 0o600, "private/": 0o700, "Dockerfile": 0o644}
	for name, want := range modes {
		if got := entries[name].hdr.Mode; got != want {
			t.Errorf("%s: mode %o, want %o", name, got, want)
		}
	}
	for _, e := range entries {
		if e.hdr.Uid != 0 || e.hdr.Gid != 0 || e.hdr.Uname != "" || e.hdr.Gname != "" {
			t.Errorf("%s: owner %d:%d %q:%q, want 0:0", e.hdr.Name, e.hdr.Uid, e.hdr.Gid, e.hdr.Uname, e.hdr.Gname)
		}
	}
	if entries["sub/inner.txt"].body != "inner" || entries["private/"].hdr.Typeflag != tar.TypeDir {
		t.Errorf("entries = %v", names)
	}
}

func TestContextGeneratedDockerfile(t *testing.T) {
	generated := []byte("FROM kyozo/base\nCOPY . /app\n")
	tests := []struct {
		name       string
		ignore     string // "" is none
		wantIgnore string
	}{
		{"no .dockerignore: one is added that drops itself and the Dockerfile", "", ".dockerignore\n" + GeneratedDockerfile + "\n"},
		{"the repository's .dockerignore gets the Dockerfile appended", "*.log", "*.log\n" + GeneratedDockerfile + "\n"},
		{"even when it excludes everything", "*\n!app.txt\n", "*\n!app.txt\n" + GeneratedDockerfile + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, map[string]string{
				"app.txt":           "app",
				"Dockerfile":        "FROM the-repositorys-own\n",
				GeneratedDockerfile: "a repository file that happens to have the name",
			})
			if tt.ignore != "" {
				must(t, os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(tt.ignore), 0o644))
			}
			bc, entries, _ := sendContext(t, Request{ContextDir: dir, Content: generated, Dockerfile: "Dockerfile"})
			if bc.dockerfile != GeneratedDockerfile {
				t.Errorf("engine told to read %q", bc.dockerfile)
			}
			if got := entries[GeneratedDockerfile].body; got != string(generated) {
				t.Errorf("generated Dockerfile sent as %q", got)
			}
			if got := entries[".dockerignore"].body; got != tt.wantIgnore {
				t.Errorf(".dockerignore sent as %q, want %q", got, tt.wantIgnore)
			}
			if _, ok := entries["app.txt"]; !ok {
				t.Error("app.txt not sent")
			}
		})
	}
}

func TestContextRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		req   func(dir string) Request
		want  string
	}{
		{"missing Dockerfile", nil, func(dir string) Request { return Request{ContextDir: dir, Dockerfile: "nope/Dockerfile"} }, "nope/Dockerfile"},
		{"Dockerfile outside the context", nil, func(dir string) Request { return Request{ContextDir: dir, Dockerfile: "../Dockerfile"} }, "not a path inside"},
		{"absolute Dockerfile", nil, func(dir string) Request { return Request{ContextDir: dir, Dockerfile: "/etc/passwd"} }, "not a path inside"},
		{"Dockerfile that is a link", func(t *testing.T, dir string) {
			must(t, os.Symlink("/etc/passwd", filepath.Join(dir, "Linked")))
		}, func(dir string) Request { return Request{ContextDir: dir, Dockerfile: "Linked"} }, "symbolic link"},
		{".dockerignore that is a link", func(t *testing.T, dir string) {
			must(t, os.Symlink("/etc/passwd", filepath.Join(dir, ".dockerignore")))
		}, func(dir string) Request { return Request{ContextDir: dir} }, ".dockerignore is a symbolic link"},
		{"bad pattern", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("[z-a"), 0o644))
		}, func(dir string) Request { return Request{ContextDir: dir} }, ".dockerignore"},
		{"no context", nil, func(string) Request { return Request{} }, "no context directory"},
		{"context is a file", nil, func(dir string) Request { return Request{ContextDir: filepath.Join(dir, "Dockerfile")} }, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, map[string]string{"Dockerfile": "FROM scratch\n"})
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			_, err := newBuildContext(tt.req(dir))
			if !errors.Is(err, ErrInvalidContext) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalidContext naming %q", err, tt.want)
			}
		})
	}
}
