package manifest

import (
	"slices"
	"testing"
)

const mixPhoenix = `defmodule Hello.MixProject do
  use Mix.Project

  @version "0.1.0"

  def project do
    [
      app: :hello,
      version: @version,
      elixir: "~> 1.15",
      elixirc_paths: elixirc_paths(Mix.env()),
      start_permanent: Mix.env() == :prod,
      aliases: aliases(),
      deps: deps()
    ]
  end

  # Configuration for the OTP application.
  def application do
    [
      mod: {Hello.Application, []},
      extra_applications: [:logger, :runtime_tools]
    ]
  end

  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]

  defp deps do
    [
      {:phoenix, "~> 1.7.14"},
      {:phoenix_ecto, "~> 4.5"},
      {:ecto_sql, "~> 3.10"},
      {:postgrex, ">= 0.0.0"},
      {:phoenix_live_reload, "~> 1.2", only: :dev},
      {:floki, ">= 0.30.0", only: [:dev, :test]},
      {:heroicons,
       github: "tailwindlabs/heroicons",
       tag: "v2.1.1",
       sparse: "optimized",
       app: false,
       compile: false,
       depth: 1},
      {:shared, path: "../shared"},
      {:bandit, "~> 1.5"}
    ]
  end

  defp aliases do
    [
      setup: ["deps.get", "ecto.setup", "assets.setup", "assets.build"],
      "ecto.setup": ["ecto.create", "ecto.migrate", "run priv/repo/seeds.exs"],
      "assets.deploy": [
        "tailwind hello --minify",
        "esbuild hello --minify",
        "phx.digest"
      ]
    ]
  end
end
`

const mixUmbrella = `defmodule Acme.Umbrella.MixProject do
  use Mix.Project

  def project do
    [
      apps_path: "apps",
      version: "0.1.0",
      start_permanent: Mix.env() == :prod,
      deps: deps(),
      releases: [
        acme: [
          applications: [acme: :permanent, acme_web: :permanent]
        ]
      ]
    ]
  end

  defp deps, do: []
end
`

func TestElixirParseMixExs(t *testing.T) {
	p, err := ParseMixExs([]byte(mixPhoenix))
	if err != nil {
		t.Fatal(err)
	}
	if p.App != "hello" || p.Version != "0.1.0" || p.Elixir != "~> 1.15" || p.Mod != "Hello.Application" || p.Umbrella() {
		t.Errorf("project = %+v", p)
	}
	var names []string
	for _, d := range p.Deps {
		names = append(names, d.Name)
	}
	want := []string{"phoenix", "phoenix_ecto", "ecto_sql", "postgrex", "phoenix_live_reload", "floki", "heroicons", "shared", "bandit"}
	if !slices.Equal(names, want) {
		t.Errorf("deps = %v, want %v", names, want)
	}
	byName := map[string]MixDep{}
	for _, d := range p.Deps {
		byName[d.Name] = d
	}
	if d := byName["phoenix"]; d.Requirement != "~> 1.7.14" || !d.RuntimeDep() || d.Line != 31 {
		t.Errorf("phoenix = %+v", d)
	}
	if d := byName["floki"]; !slices.Equal(d.Only, []string{"dev", "test"}) || d.RuntimeDep() {
		t.Errorf("floki = %+v", d)
	}
	if d := byName["phoenix_live_reload"]; !slices.Equal(d.Only, []string{"dev"}) {
		t.Errorf("live reload = %+v", d)
	}
	if d := byName["shared"]; d.Path != "../shared" {
		t.Errorf("shared = %+v", d)
	}
	if !slices.Contains(p.Aliases, "assets.deploy") || !slices.Contains(p.Aliases, "setup") {
		t.Errorf("aliases = %v", p.Aliases)
	}
}

func TestElixirParseMixExsUmbrella(t *testing.T) {
	p, err := ParseMixExs([]byte(mixUmbrella))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Umbrella() || p.AppsPath != "apps" || !slices.Equal(p.Releases, []string{"acme"}) || len(p.Deps) != 0 {
		t.Errorf("umbrella = %+v", p)
	}
}

func TestElixirParseMixExsShapes(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		check     func(*MixProject) bool
	}{
		{"inline deps and releases function", `defmodule A.MixProject do
  def project, do: [app: :a, deps: [{:jason, "~> 1.4"}, {:child, in_umbrella: true}], releases: releases()]
  defp releases do
    [a_rel: [include_executables_for: [:unix]]]
  end
end`, func(p *MixProject) bool {
			return p.App == "a" && len(p.Deps) == 2 && p.Deps[1].InUmbrella && slices.Equal(p.Releases, []string{"a_rel"})
		}},
		{"char literals, sigils and heredocs", `defmodule B do
  @moduledoc """
  Not a dep: {:fake, "1"}
  """
  def project, do: [app: :b, escript: [main_module: B.CLI], deps: deps()]
  def x, do: [?{, ~w(a b), ~r/[/]
  defp deps, do: [{:oban, "~> 2.17"}]
end`, func(p *MixProject) bool {
			return p.App == "b" && p.Escript && len(p.Deps) == 1 && p.Deps[0].Name == "oban"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseMixExs([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(p) {
				t.Errorf("got %+v", p)
			}
		})
	}
}

func TestElixirParseMixExsMalformed(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"defmodule A do\n  def project do\n    [app: :a,\n", 3},
		{"defmodule A do\n  @v \"1.0\n  end\n", 2},
		{"defmodule A do\n  [app: :a}\nend\n", 2},
	} {
		p, err := ParseMixExs([]byte(tc.src))
		if err == nil || ErrorLine(err) != tc.line {
			t.Errorf("%q: err = %v, want line %d", tc.src, err, tc.line)
		}
		if p == nil {
			t.Errorf("%q: no partial result", tc.src)
		}
	}
}

func FuzzMixExs(f *testing.F) {
	f.Add(mixPhoenix)
	f.Add(mixUmbrella)
	f.Add(`def project, do: [app: :"q", deps: [{:x, "1", only: [:dev]}]]`)
	f.Add("~w(\n\"\"\"\n?")
	f.Fuzz(func(t *testing.T, src string) {
		p, _ := ParseMixExs([]byte(src))
		if p == nil {
			t.Fatal("nil project")
		}
	})
}
