package stacks

import (
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
)

// PHP detects PHP services: Laravel and Symfony apps and plain PHP sites,
// with or without Composer.
//
// Extra keys, read by internal/plan/php.go:
//
//	"docroot"        folder-relative document root: "public", "web" or "."
//	"php_extensions" extensions to add to the image's own (space-separated)
//	"composer_local" "1": composer.json has path repositories, so sources
//	                 are copied before composer install
//	"post_install"   "1": a Symfony app's post-install-cmd script (cache
//	                 clear, assets:install) runs once the sources are in
//	"node_lockfile"  the node lockfile beside package.json, for an assets build
type PHP struct{}

// Name implements Detector.
func (PHP) Name() string { return "php" }

// phpBundledExtensions ship in the official PHP images FrankenPHP builds on;
// asking for them installs nothing.
var phpBundledExtensions = []string{
	"core", "ctype", "curl", "date", "dom", "fileinfo", "filter", "ftp", "hash", "iconv", "json",
	"libxml", "mbstring", "mysqlnd", "openssl", "pcre", "pdo", "pdo_sqlite", "phar", "posix",
	"random", "readline", "reflection", "session", "simplexml", "sodium", "spl", "sqlite3",
	"standard", "tokenizer", "xml", "xmlreader", "xmlwriter", "zlib",
}

// Detect implements Detector.
func (PHP) Detect(c *Context) *Result {
	d := c.Dir
	docroot := phpDocroot(c)
	if d.First("composer.json", "composer.lock", "artisan") == "" && docroot == "" {
		return nil
	}
	if !c.Has("composer.json") && phpInsideProject(c) {
		// Laravel's public/, or a sub-folder of a PHP site: part of the
		// project above, not a service of its own.
		return nil
	}
	r := &Result{Language: "php", SourceExts: []string{".php"}}
	var comp *manifest.Composer
	var parseErr error
	if c.Has("composer.json") {
		if data, err := c.Read("composer.json"); err == nil {
			comp, parseErr = manifest.ParseComposer(data)
		}
		r.PackageManager = "composer"
		r.Because(c.Path("composer.json"), "composer.json")
		for _, f := range []string{"composer.json", "composer.lock"} {
			if c.Has(f) {
				r.Lockfiles = append(r.Lockfiles, c.Path(f))
			}
		}
	}
	if comp != nil {
		r.Name = comp.Name
		r.Deps = comp.Deps()
	}
	requires := func(pkg string) bool { return comp != nil && comp.Requires(pkg) }
	phpVersion(c, r, comp)

	exts := map[string]bool{}
	if comp != nil {
		for _, e := range comp.Extensions {
			exts[e] = true
		}
	}
	switch {
	case requires("laravel/framework"):
		r.Framework = "laravel"
		r.PortDefault = 8000
		docroot = "public"
		r.Because(c.Path("composer.json"), "laravel/framework in require")
		r.Because(c.Path("composer.json"), "laravel default port 8000")
		r.Score = 0.7
		if c.Has("artisan") {
			r.Score = 0.9
			r.Because(c.Path("artisan"), "artisan")
		}
		phpDatabaseExtension(c, exts, "DB_CONNECTION")
		for _, e := range []string{"routes/web.php", "routes/api.php", "bootstrap/app.php", "public/index.php"} {
			if c.Tree.Exists(c.Path(e)) {
				r.Entrypoints = append(r.Entrypoints, e)
			}
		}
	case requires("symfony/framework-bundle") || c.Tree.Exists(c.Path("bin/console")):
		r.Framework = "symfony"
		r.PortDefault = 8000
		docroot = "public"
		if requires("symfony/framework-bundle") {
			r.Because(c.Path("composer.json"), "symfony/framework-bundle in require")
		} else {
			r.Because(c.Path("bin/console"), "bin/console")
		}
		r.Because(c.Path("composer.json"), "symfony default port 8000")
		r.Score = 0.9
		if comp != nil && slices.Contains(comp.Scripts, "post-install-cmd") {
			r.Set("post_install", "1")
		}
		phpDatabaseExtension(c, exts, "DATABASE_URL")
		for _, e := range []string{"public/index.php", "config/routes.yaml"} {
			if c.Tree.Exists(c.Path(e)) {
				r.Entrypoints = append(r.Entrypoints, e)
			}
		}
	case docroot != "":
		r.PortDefault = 8000
		r.Score = 0.7
		if !c.Has("composer.json") {
			r.Score = 0.6
		}
		index := strings.TrimPrefix(docroot+"/index.php", "./")
		r.Because(c.Path(index), "php entry point "+index)
		r.Entrypoints = append(r.Entrypoints, index)
	default:
		r.Library = true
		r.Score = 0.5
		r.Because(c.Path(d.First("composer.json", "composer.lock", "artisan")), "php project without an entry point")
	}
	if docroot != "" && !r.Library {
		r.Set("docroot", docroot)
		root := docroot + "/"
		if docroot == "." {
			root = "./"
		}
		r.Start = "frankenphp php-server --listen :$PORT --root " + root
	}
	var extra []string
	for e := range exts {
		if !slices.Contains(phpBundledExtensions, e) && phpExtensionName(e) {
			extra = append(extra, e)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		r.Set("php_extensions", strings.Join(extra, " "))
	}
	if comp != nil && len(comp.PathRepos) > 0 {
		r.Set("composer_local", "1")
		var dirs []string
		for _, u := range comp.PathRepos {
			// A path repository may be a glob ("packages/*"); its folder is what counts.
			dirs = append(dirs, strings.TrimSuffix(strings.SplitN(u, "*", 2)[0], "/"))
		}
		dynLocalPaths(c, r, dirs)
	}
	if lf := dynNodeLockfile(c); lf != "" {
		r.Set("node_lockfile", lf)
	}
	if parseErr != nil {
		r.WarnParse(c.Path("composer.json"), parseErr)
	}
	return r
}

// phpInsideProject reports whether a folder above this one is a PHP project.
func phpInsideProject(c *Context) bool {
	for _, d := range c.Up()[1:] {
		if d.First("composer.json", "artisan", "index.php") != "" || c.Tree.Exists(d.Join("public/index.php")) {
			return true
		}
	}
	return false
}

// phpDocroot returns the folder-relative document root of a plain PHP
// site: the folder holding index.php.
func phpDocroot(c *Context) string {
	for _, dir := range []string{"public", "web"} {
		if c.Tree.Exists(c.Path(dir + "/index.php")) {
			return dir
		}
	}
	if c.Has("index.php") {
		return "."
	}
	return ""
}

func phpVersion(c *Context, r *Result, comp *manifest.Composer) {
	set := func(v, file, why string) bool {
		v = strings.TrimSpace(v)
		if v == "" || !strings.ContainsAny(v, "0123456789") {
			return false
		}
		r.RuntimeVersion = v
		r.Because(file, why)
		return true
	}
	if comp != nil && set(comp.PlatformPHP, c.Path("composer.json"), "php version from config.platform.php") {
		return
	}
	if v, f := ToolVersion(c, "php"); set(v, f, "php version pinned") {
		return
	}
	if comp != nil {
		set(phpVersionFromConstraint(comp.PHP), c.Path("composer.json"), "php version from require.php")
	}
}

// phpVersionFromConstraint returns the lowest version a Composer constraint
// such as "^8.2", ">=8.1 <9.0" or "~8.3.0 || ^8.4" allows.
func phpVersionFromConstraint(s string) string {
	first := strings.TrimSpace(strings.SplitN(s, "||", 2)[0])
	first = strings.TrimSpace(strings.SplitN(first, "|", 2)[0])
	for _, part := range strings.FieldsFunc(first, func(r rune) bool { return r == ' ' || r == ',' }) {
		if v := pyVersionFromSpec(part); v != "" {
			return strings.TrimSuffix(v, ".x")
		}
	}
	return ""
}

// phpDatabaseExtension adds the PDO driver a Laravel or Symfony app's
// example environment selects (DB_CONNECTION=pgsql, DATABASE_URL=postgresql://…).
// Only the driver's name is read from the value, never printed.
func phpDatabaseExtension(c *Context, exts map[string]bool, name string) {
	for _, f := range []string{".env.example", ".env", ".env.dist"} {
		if !c.Has(f) {
			continue
		}
		data, err := c.Read(f)
		if err != nil {
			continue
		}
		env, err := manifest.ParseDotenv(data)
		if err != nil {
			continue
		}
		v := strings.ToLower(env.Values[name])
		switch {
		case v == "":
			continue
		case strings.HasPrefix(v, "pgsql") || strings.HasPrefix(v, "postgres"):
			exts["pdo_pgsql"] = true
		case strings.HasPrefix(v, "mysql") || strings.HasPrefix(v, "mariadb"):
			exts["pdo_mysql"] = true
		}
		return
	}
}

// phpExtensionName reports whether s may be passed to install-php-extensions.
func phpExtensionName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
