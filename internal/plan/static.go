package plan

import (
	"path"
	"strconv"
	"strings"
)

// staticImages are the default base images of the family: nginx built to
// run unprivileged (user 101, port 8080), and Python for MkDocs sites.
var staticImages = Images{
	"static": "nginxinc/nginx-unprivileged:{version:1.27}-alpine",
	"mkdocs": "python:{version:3.13}-slim",
}

// staticUser is nginx-unprivileged's user.
const staticUser = "101"

// genStatic writes the Dockerfile of a folder of plain files (served as
// they are) or of an MkDocs site (built first).
func genStatic(g *Gen) error {
	s := g.S
	target := s.Build.Target
	if target == "" {
		target = "."
	}
	if g.Extra("ssg") == "mkdocs" {
		d := g.D
		d.From(g.Image("mkdocs", 2), "build")
		d.Workdir("/site")
		var reqs []string
		for _, f := range s.Build.Lockfiles {
			if strings.HasSuffix(f, ".txt") {
				reqs = append(reqs, g.Rel(f))
			}
		}
		if copyManifests(g, s.Build.Lockfiles, "") && len(reqs) > 0 {
			argv := []string{"pip", "install", "--no-cache-dir"}
			for _, r := range reqs {
				argv = append(argv, "-r", r)
			}
			d.RunArgv(argv...)
		} else {
			d.Run("pip install --no-cache-dir mkdocs")
		}
		d.Copy("", "", "./", ".")
		build := s.BuildCommand
		if build == "" {
			build = "mkdocs build"
		}
		d.RunArgv(CommandArgv(build)...)
		d.Blank()
		staticRuntime(g, "build", path.Join("/site", g.Rel(s.Path), target), false)
		return nil
	}
	staticRuntime(g, "", g.Rel(path.Join(s.Path, target)), false)
	return nil
}

// staticRuntime writes the nginx stage that serves src (a folder of stage
// from, or of the build context when from is ""). A single-page app
// answers unknown paths with index.html; a site of pages answers them with
// 404. Dotfiles are never served, except /.well-known/.
func staticRuntime(g *Gen, from, src string, spa bool) {
	d := g.D
	port := g.S.Port
	if port <= 0 || port > 65535 {
		port = 8080
	}
	d.From(g.Image("static", 0), "")
	// nginx-unprivileged runs as 101; its configuration is written as root.
	d.User("0")
	tryFiles := "try_files $uri $uri.html $uri/ =404;"
	if spa {
		tryFiles = "try_files $uri $uri/ /index.html;"
	}
	conf := []string{
		"server {",
		"    listen " + strconv.Itoa(port) + ";",
		"    server_name _;",
		"    root /usr/share/nginx/html;",
		"    index index.html;",
		"    absolute_redirect off;",
		"    error_page 404 /404.html;",
		"    location ~ /\\.(?!well-known/) { deny all; }",
		"    location / { " + tryFiles + " }",
		"}",
	}
	var b strings.Builder
	b.WriteString("printf '%s\\n'")
	for _, l := range conf {
		b.WriteString(" '" + l + "'")
	}
	b.WriteString(" > /etc/nginx/conf.d/default.conf")
	d.Run(b.String())
	if src == "" {
		src = "."
	}
	d.Copy(from, "", "/usr/share/nginx/html", src)
	g.Finish(staticUser, nil)
}
