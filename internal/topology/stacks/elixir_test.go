package stacks

import (
	"slices"
	"strings"
	"testing"
)

const elixirPhoenixMix = `defmodule Hello.MixProject do
  use Mix.Project

  def project do
    [app: :hello, version: "0.1.0", elixir: "~> 1.15", deps: deps(), aliases: aliases()]
  end

  def application do
    [mod: {Hello.Application, []}, extra_applications: [:logger]]
  end

  defp deps do
    [
      {:phoenix, "~> 1.7.14"},
      {:ecto_sql, "~> 3.10"},
      {:postgrex, ">= 0.0.0"},
      {:phoenix_live_reload, "~> 1.2", only: :dev},
      {:bandit, "~> 1.5"}
    ]
  end

  defp aliases do
    ["assets.deploy": ["tailwind hello --minify", "phx.digest"]]
  end
end
`

func elixirMix(app, deps, extra string) string {
	return "defmodule X.MixProject do\n  def project, do: [app: :" + app + ", version: \"0.1.0\", deps: deps()" + extra + "]\n" +
		"  def application, do: [mod: {X.Application, []}]\n  defp deps, do: [" + deps + "]\nend\n"
}

func TestElixirDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		check func(t *testing.T, r *Result)
	}{
		{"phoenix", map[string]string{
			"mix.exs": elixirPhoenixMix, "mix.lock": "%{}", "config/runtime.exs": "import Config",
			"assets/js/app.js": "", "lib/hello/application.ex": "", "lib/hello_web/endpoint.ex": "",
			".tool-versions": "elixir 1.17.3-otp-27\nerlang 27.1\n",
		}, ".", func(t *testing.T, r *Result) {
			if r.Framework != "phoenix" || r.Kind != "web" || r.PortDefault != 4000 || r.Score != 0.9 || r.Library {
				t.Errorf("framework/kind: %+v", r)
			}
			if r.Start != "/app/bin/hello start" || r.Extra["release"] != "hello" || r.Extra["phoenix"] != "true" ||
				r.Extra["assets_deploy"] != "true" || r.Extra["config"] != "true" || r.Extra["otp"] != "27.1" {
				t.Errorf("start/extra: %q %v", r.Start, r.Extra)
			}
			if r.RuntimeVersion != "1.17.3-otp-27" || r.Name != "hello" || r.PackageManager != "mix" {
				t.Errorf("version/name: %q %q", r.RuntimeVersion, r.Name)
			}
			if !slices.Equal(r.Deps, []string{"phoenix", "ecto_sql", "postgrex", "bandit"}) {
				t.Errorf("deps = %v (dev-only deps are left out)", r.Deps)
			}
			if !slices.Equal(r.Lockfiles, []string{"mix.exs", "mix.lock"}) ||
				!slices.Equal(r.Entrypoints, []string{"config/runtime.exs", "lib/hello/application.ex", "lib/hello_web/endpoint.ex"}) {
				t.Errorf("lockfiles %v entrypoints %v", r.Lockfiles, r.Entrypoints)
			}
		}},
		{"version from mix.exs", map[string]string{"mix.exs": elixirPhoenixMix}, ".", func(t *testing.T, r *Result) {
			if r.RuntimeVersion != "~> 1.15" || r.Extra["assets_deploy"] != "" {
				t.Errorf("version %q extra %v", r.RuntimeVersion, r.Extra)
			}
		}},
		{"oban worker", map[string]string{"worker/mix.exs": elixirMix("jobs", `{:oban, "~> 2.17"}, {:postgrex, "~> 0.19"}`, "")}, "worker", func(t *testing.T, r *Result) {
			if r.Kind != "worker" || r.Framework != "" || r.Start != "/app/bin/jobs start" || r.Library {
				t.Errorf("%+v", r)
			}
		}},
		{"plug web", map[string]string{"mix.exs": elixirMix("api", `{:plug_cowboy, "~> 2.7"}`, "")}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.Framework != "" || r.PortDefault != 0 {
				t.Errorf("%+v", r)
			}
		}},
		{"library", map[string]string{"mix.exs": "defmodule L.MixProject do\n  def project, do: [app: :lib, deps: [{:jason, \"~> 1.4\"}]]\nend\n"}, ".", func(t *testing.T, r *Result) {
			if !r.Library || r.Start != "" || r.Score >= 0.6 {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed", map[string]string{"mix.exs": "defmodule A.MixProject do\n  def project, do: [app: :a,\n  def application, do: [mod: {A.App, []}]\n"}, ".", func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].File != "mix.exs" || r.Warnings[0].Line == 0 || r.Score > 0.7 {
				t.Errorf("warnings %+v score %v", r.Warnings, r.Score)
			}
			if r.Name != "a" || r.Start != "/app/bin/a start" {
				t.Errorf("partial read lost: %+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Elixir{}, tc.files, tc.dir)
			if r == nil {
				t.Fatal("not detected")
			}
			if r.Language != "elixir" {
				t.Errorf("language %q", r.Language)
			}
			tc.check(t, r)
		})
	}
	if r := detectIn(t, Elixir{}, map[string]string{"README.md": ""}, "."); r != nil {
		t.Errorf("no mix.exs: %+v", r)
	}
}

func TestElixirUmbrella(t *testing.T) {
	root := "defmodule U.MixProject do\n  def project, do: [apps_path: \"apps\", version: \"0.1.0\", deps: []%s]\nend\n"
	core := elixirMix("acme", `{:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}`, "")
	web := elixirMix("acme_web", `{:phoenix, "~> 1.7"}, {:acme, in_umbrella: true}`, "")
	files := map[string]string{
		"mix.exs": strings.Replace(root, "%s", "", 1), "mix.lock": "", "config/config.exs": "",
		"apps/acme/mix.exs": core, "apps/acme_web/mix.exs": web,
	}
	r := detectIn(t, Elixir{}, files, ".")
	if !r.WorkspaceOnly || !slices.Equal(r.Members, []string{"apps/*"}) || r.Start != "" {
		t.Errorf("root without releases: %+v", r)
	}
	w := detectWorkspace(t, Elixir{}, files, "apps/acme_web", ".")
	if w.Library || w.Framework != "phoenix" || w.BuildContext != "." || w.Extra["umbrella_app"] != "apps/acme_web" ||
		w.Start != "/app/bin/acme_web start" || w.Extra["config"] != "true" {
		t.Errorf("web member: %+v", w)
	}
	if !slices.Equal(w.Lockfiles, []string{"mix.exs", "mix.lock", "apps/acme/mix.exs", "apps/acme_web/mix.exs"}) ||
		!slices.Equal(w.LocalPaths, []string{"apps/acme"}) {
		t.Errorf("web member lockfiles %v local %v", w.Lockfiles, w.LocalPaths)
	}
	// Found without the engine's workspace too (apps/<app> below a root).
	if c := detectIn(t, Elixir{}, files, "apps/acme"); !c.Library {
		t.Errorf("core used in_umbrella by acme_web should be a library: %+v", c)
	}

	files["mix.exs"] = strings.Replace(root, "%s", ", releases: [acme: [applications: [acme_web: :permanent]]]", 1)
	r = detectIn(t, Elixir{}, files, ".")
	if r.WorkspaceOnly || r.Library || r.Framework != "phoenix" || r.Start != "/app/bin/acme start" ||
		!slices.Equal(r.Members, []string{"apps/*"}) || !slices.Contains(r.Deps, "postgrex") || slices.Contains(r.Deps, "acme") {
		t.Errorf("root with releases: %+v", r)
	}
	if !slices.Equal(r.Lockfiles, []string{"mix.exs", "mix.lock", "apps/acme/mix.exs", "apps/acme_web/mix.exs"}) {
		t.Errorf("root lockfiles %v", r.Lockfiles)
	}
	if w := detectWorkspace(t, Elixir{}, files, "apps/acme_web", "."); !w.Library {
		t.Errorf("member of a released umbrella should be a library: %+v", w)
	}
}
