package plan

import (
	"path"
	"strconv"
)

// denoImages are the default base images of the family; Deno tags are full
// versions.
var denoImages = Images{
	"deno": "denoland/deno:{version:2.1.4}",
}

// genDeno writes a Deno Dockerfile. Dependencies are cached from the
// configuration (deno install, Deno 2) or deps.ts before the sources are
// copied, so that layer survives source changes; the entry module is cached
// after. Everything runs as the unprivileged user, who owns the app folder
// and Deno's cache: Deno writes its lockfile and cache at run time.
func genDeno(g *Gen) error {
	s, d := g.S, g.D
	d.From(g.Image("deno", 3), "")
	d.Workdir("/app")
	d.Run("mkdir -p /deno-dir && chown " + User + " /app /deno-dir")
	d.User(User)
	hasConfig, hasDeps, locked := false, "", false
	for _, f := range s.Build.Lockfiles {
		switch path.Base(f) {
		case "deno.json", "deno.jsonc":
			hasConfig = true
		case "deno.lock":
			locked = true
		case "deps.ts":
			hasDeps = g.Rel(f)
		}
	}
	if copyManifests(g, s.Build.Lockfiles, User) {
		switch {
		case hasDeps != "":
			d.RunArgv("deno", "cache", hasDeps)
		case hasConfig && denoMajor(s.RuntimeVersion) >= 2:
			if locked {
				d.RunArgv("deno", "install", "--frozen")
			} else {
				d.RunArgv("deno", "install")
			}
		}
	}
	d.Copy("", User, "./", ".")
	if dir := g.Rel(s.Path); dir != "." {
		d.Workdir(path.Join("/app", dir))
	}
	if entry := g.Extra("entry"); entry != "" {
		d.RunArgv("deno", "cache", entry)
	}
	if s.BuildCommand != "" {
		d.RunArgv(CommandArgv(s.BuildCommand)...)
	}
	g.Finish("", g.StartArgv())
	return nil
}

// denoMajor is the major version of a Deno version, 2 (the default
// image's) when unknown.
func denoMajor(v string) int {
	if n, err := strconv.Atoi(VersionPrefix(v, 1)); err == nil {
		return n
	}
	return 2
}
