package plan

import (
	"path"
	"slices"
	"strings"
)

// phpImages are the default base images of the family. FrankenPHP is PHP
// with its own web server in one process, so a PHP service needs no
// php-fpm and nginx pair; Composer comes from its own image.
var phpImages = Images{
	"php":      "dunglas/frankenphp:1-php{version:8.3}",
	"composer": "composer:{version:2}",
}

// genPHP writes a single-stage FrankenPHP image: extensions first, then
// composer install from the manifests alone (cached until they change),
// the sources, and the autoloader dumped with the app's classes.
func genPHP(g *Gen) error {
	s := g.S
	assets, err := assetsStage(g)
	if err != nil {
		return err
	}
	g.D.From(g.Image("php", 2), "")
	composer := hasLockfile(s.Build.Lockfiles, "composer.json")
	// install-php-extensions ships in the FrankenPHP images; zip lets
	// Composer unpack archives without unzip.
	exts := []string{"install-php-extensions", "opcache"}
	if composer {
		exts = append(exts, "zip")
	}
	for _, e := range strings.Fields(g.Extra("php_extensions")) {
		if phpExtension(e) && !slices.Contains(exts, e) {
			exts = append(exts, e)
		}
	}
	g.D.RunArgv(exts...)
	// Caddy, inside FrankenPHP, keeps its state here; the app user needs it.
	g.D.Run("mkdir -p /data/caddy /config/caddy && chown -R " + User + " /data/caddy /config/caddy")
	g.D.Workdir("/app")
	if s.Framework == "symfony" {
		// Composer's scripts and the cache warm-up read it too.
		g.D.Env("APP_ENV", "prod")
	}
	if composer {
		g.D.Copy(g.Image("composer", 0), "", "/usr/bin/composer", "/usr/bin/composer")
		g.D.Env("COMPOSER_ALLOW_SUPERUSER", "1")
		if g.Extra("composer_local") != "1" {
			pyCopyManifests(g, s.Build.Lockfiles)
			g.D.Run("composer install --no-dev --optimize-autoloader --no-scripts --no-interaction --no-progress")
		}
	}
	g.D.Copy("", "", "./", ".")
	if rel := g.Rel(s.Path); rel != "." {
		g.D.Workdir(path.Join("/app", rel))
	}
	if composer {
		if g.Extra("composer_local") == "1" {
			g.D.Run("composer install --no-dev --optimize-autoloader --no-scripts --no-interaction --no-progress")
		}
		g.D.Run("composer dump-autoload --optimize --no-dev")
		if g.Extra("post_install") == "1" {
			// Symfony's post-install-cmd clears the cache and installs
			// bundle assets, which --no-scripts skipped.
			g.D.Run("composer run-script --no-dev post-install-cmd")
		}
	}
	if assets != "" {
		dir := "public"
		if s.Framework == "laravel" {
			dir = "public/build"
		}
		if err := assetsCopy(g, assets, dir); err != nil {
			return err
		}
	}
	switch s.Framework {
	case "laravel":
		g.D.Env("LOG_CHANNEL", "stderr")
		g.D.Run("mkdir -p storage/framework/cache storage/framework/sessions storage/framework/views storage/logs bootstrap/cache && chown -R " + User + " storage bootstrap/cache")
	case "symfony":
		g.D.Run("mkdir -p var && chown -R " + User + " var")
	}
	g.Finish("", g.StartArgv())
	return nil
}

// phpExtension reports whether s is a plain extension name.
func phpExtension(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '_' || c == '-')) {
			return false
		}
	}
	return true
}
