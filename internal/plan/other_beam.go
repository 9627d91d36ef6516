package plan

import (
	"errors"
	"path"
)

// genElixir builds a mix release in the official Elixir image and runs it
// on debian:bookworm-slim (the Debian the Erlang images are built on); the
// release carries ERTS, so the runtime needs only the C libraries it links
// and a UTF-8 locale. Dependencies are fetched from mix.exs and mix.lock
// (every umbrella app's mix.exs too) and compiled with config/ before the
// sources are copied, so their layers survive source changes.
//
// Extra: "release", "phoenix", "assets_deploy", "config" (see the
// detector). The build's "otp" pin is not used: the official elixir image
// has one OTP per tag, so a pinned OTP needs the image key overridden.
func genElixir(g *Gen) error {
	s := g.S
	release, err := tailName("release", g.Extra("release"))
	if err != nil {
		return errors.New("no mix release to build (mix.exs names no app)")
	}
	g.D.From(g.Image("elixir", 2), "build")
	g.D.Workdir("/app")
	g.D.Env("MIX_ENV", "prod")
	g.D.Run("mix local.hex --force && mix local.rebar --force")
	tailCopyFiles(g, s.Build.Lockfiles)
	g.D.Run("mix deps.get --only prod")
	if g.Extra("config") == "true" {
		g.D.Copy("", "", "config/", "config")
	}
	g.D.Run("mix deps.compile")
	g.D.Copy("", "", "./", ".")
	tailWorkdir(g)
	if g.Extra("assets_deploy") == "true" {
		g.D.Run("mix assets.deploy")
	}
	g.D.Run("mix compile")
	g.D.Run("mix release")
	g.D.Blank()

	g.D.From(g.Image("elixir-runtime", 0), "")
	aptInstall(g, "libstdc++6", "openssl", "libncurses6", "locales", "ca-certificates")
	g.D.Run("sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen && locale-gen")
	g.D.Env("LANG", "en_US.UTF-8")
	g.D.Env("LANGUAGE", "en_US:en")
	g.D.Env("LC_ALL", "en_US.UTF-8")
	g.D.Env("MIX_ENV", "prod")
	if g.Extra("phoenix") == "true" {
		g.D.Env("PHX_SERVER", "true")
	}
	g.D.Workdir("/app")
	// The release writes its tmp/ folder below its root at start.
	g.D.Copy("build", User, "./", path.Join("/app/_build/prod/rel", release)+"/")
	argv := g.StartArgv()
	if len(argv) == 0 {
		argv = []string{"/app/bin/" + release, "start"}
	}
	g.Finish("", argv)
	return nil
}

// genGleam exports an Erlang shipment with the gleam image and runs its
// entrypoint.sh on the Erlang image of the OTP release .tool-versions pins
// (else the key's default), or, for the JavaScript target, runs gleam run
// in the gleam image built on Node.
//
// Extra: "target", "otp".
func genGleam(g *Gen) error {
	s := g.S
	if g.Extra("target") == "javascript" {
		g.D.From(g.Image("gleam-node", 3), "")
		g.D.Workdir("/app")
		tailCopyFiles(g, s.Build.Lockfiles)
		g.D.Run("gleam deps download")
		g.D.Copy("", "", "./", ".")
		// gleam run writes build/ as it starts.
		g.D.Run("gleam build && chown -R " + User + " /app")
		g.Finish("", g.StartArgv())
		return nil
	}
	g.D.From(g.Image("gleam", 3), "build")
	g.D.Workdir("/app")
	tailCopyFiles(g, s.Build.Lockfiles)
	g.D.Run("gleam deps download")
	g.D.Copy("", "", "./", ".")
	g.D.Run("gleam export erlang-shipment")
	g.D.Blank()

	runtime := g.images.Ref("gleam-runtime", VersionPrefix(g.Extra("otp"), 1))
	if runtime == "" {
		runtime = g.Image("gleam-runtime", 0)
	}
	g.D.From(runtime, "")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "./", "/app/build/erlang-shipment/")
	argv := g.StartArgv()
	if len(argv) == 0 {
		argv = []string{"/app/entrypoint.sh", "run"}
	}
	g.Finish("", argv)
	return nil
}
