package plan

import "path"

// rubyImages are the default base images of the family.
var rubyImages = Images{
	"ruby": "ruby:{version:3.3}-slim",
}

// genRuby writes two stages: a build stage with the compilers native gems
// need, where bundle install and (for Rails) assets:precompile run, and a
// runtime stage of the same Ruby with only the gems, the app and the
// libraries gems load. The Ruby version is kept to the patch level because
// Bundler refuses a Ruby other than the one a Gemfile names.
func genRuby(g *Gen) error {
	s := g.S
	assets, err := assetsStage(g)
	if err != nil {
		return err
	}
	image := g.Image("ruby", 3)
	locked := hasLockfile(s.Build.Lockfiles, "Gemfile.lock")
	rails := s.Framework == "rails"

	g.D.From(image, "build")
	pyAptInstall(g, g.Extra("apt_build"))
	g.D.Workdir("/app")
	rubyEnv(g, locked)
	if rails {
		g.D.Env("RAILS_ENV", "production")
	}
	hasGemfile := hasLockfile(s.Build.Lockfiles, "Gemfile")
	if hasGemfile {
		// BUNDLE_APP_CONFIG is /usr/local/bundle in the ruby images, so this
		// setting travels with the gems to the runtime stage.
		g.D.Run("bundle config set without development test")
	}
	local := g.Extra("bundle_local") == "1"
	if hasGemfile && !local {
		pyCopyManifests(g, s.Build.Lockfiles)
		g.D.Run("bundle install")
	}
	g.D.Copy("", "", "./", ".")
	if rel := g.Rel(s.Path); rel != "." {
		g.D.Workdir(path.Join("/app", rel))
	}
	if hasGemfile && local {
		g.D.Run("bundle install")
	}
	if assets != "" {
		dir := "public"
		if rails {
			dir = "app/assets/builds"
		}
		if err := assetsCopy(g, assets, dir); err != nil {
			return err
		}
	}
	if rails && g.Extra("assets_precompile") == "1" {
		// SKIP_JS_BUILD and SKIP_CSS_BUILD keep jsbundling/cssbundling from
		// running node here: the assets stage already built.
		g.D.Run("SECRET_KEY_BASE_DUMMY=1 SKIP_JS_BUILD=1 SKIP_CSS_BUILD=1 bundle exec rails assets:precompile")
	}
	g.D.Blank()

	g.D.From(image, "")
	pyAptInstall(g, g.Extra("apt_runtime"))
	g.D.Workdir("/app")
	rubyEnv(g, locked)
	if rails {
		g.D.Env("RAILS_ENV", "production")
		g.D.Env("RAILS_LOG_TO_STDOUT", "1")
		g.D.Env("RAILS_SERVE_STATIC_FILES", "1")
	} else {
		g.D.Env("RACK_ENV", "production")
		g.D.Env("APP_ENV", "production")
	}
	g.D.Copy("build", "", "/usr/local/bundle", "/usr/local/bundle")
	g.D.Copy("build", "", "/app", "/app")
	if rel := g.Rel(s.Path); rel != "." {
		g.D.Workdir(path.Join("/app", rel))
	}
	if rails {
		// Rails writes logs, pids, caches and SQLite databases here.
		g.D.Run("mkdir -p db log storage tmp && chown -R " + User + " db log storage tmp")
	}
	g.Finish("", g.StartArgv())
	return nil
}

// rubyEnv sets Bundler's deployment mode, which needs the lockfile.
func rubyEnv(g *Gen, locked bool) {
	if locked {
		g.D.Env("BUNDLE_DEPLOYMENT", "1")
	}
}
