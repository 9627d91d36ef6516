package stacks

import "testing"

const phpLaravelComposer = `{
    "name": "acme/shop",
    "type": "project",
    "require": {
        "php": "^8.2",
        "ext-intl": "*",
        "ext-mbstring": "*",
        "laravel/framework": "^11.0",
        "laravel/tinker": "^2.9"
    },
    "require-dev": {"phpunit/phpunit": "^11.0"}
}
`

func TestPHPDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		want  pythonWant
	}{
		{
			name: "laravel with vite",
			files: map[string]string{
				"composer.json":     phpLaravelComposer,
				"composer.lock":     "{}",
				"artisan":           "#!/usr/bin/env php\n",
				"public/index.php":  "<?php\n",
				"routes/web.php":    "<?php\nRoute::get('/', fn () => view('welcome'));\n",
				"bootstrap/app.php": "<?php\n->withRouting(health: '/up')\n",
				".env.example":      "APP_NAME=Shop\nDB_CONNECTION=pgsql\nDB_HOST=127.0.0.1\n",
				"package.json":      `{"scripts":{"build":"vite build"}}`,
				"package-lock.json": "{}",
			},
			want: pythonWant{Framework: "laravel", PackageManager: "composer", PortDefault: 8000, Version: "8.2",
				Start: "frankenphp php-server --listen :$PORT --root public/", Deps: []string{"laravel/framework", "laravel/tinker"},
				NotDeps: []string{"php", "ext-intl", "phpunit/phpunit"}, Lockfiles: []string{"composer.json", "composer.lock"},
				Extra:       map[string]string{"docroot": "public", "php_extensions": "intl pdo_pgsql", "node_lockfile": "package-lock.json"},
				Entrypoints: []string{"routes/web.php", "bootstrap/app.php"}, MinScore: 0.9},
		},
		{
			name: "symfony with platform version",
			files: map[string]string{
				"composer.json":    `{"require": {"php": ">=8.1", "symfony/framework-bundle": "7.0.*", "symfony/runtime": "7.0.*"}, "config": {"platform": {"php": "8.3.2"}}}`,
				"bin/console":      "#!/usr/bin/env php\n",
				"public/index.php": "<?php\n",
				".env":             "APP_ENV=dev\nDATABASE_URL=\"mysql://app:secret@127.0.0.1:3306/app\"\n",
			},
			want: pythonWant{Framework: "symfony", PackageManager: "composer", PortDefault: 8000, Version: "8.3.2",
				Start: "frankenphp php-server --listen :$PORT --root public/",
				Extra: map[string]string{"docroot": "public", "php_extensions": "pdo_mysql"}},
		},
		{
			name: "symfony by bin/console only",
			files: map[string]string{
				"composer.json": `{"require": {"symfony/console": "^7"}}`,
				"bin/console":   "",
			},
			want: pythonWant{Framework: "symfony", PackageManager: "composer", Start: "frankenphp php-server --listen :$PORT --root public/"},
		},
		{
			name: "plain php at the root",
			files: map[string]string{
				"index.php":      "<?php echo 'hi';\n",
				".tool-versions": "php 8.3.4\n",
			},
			want: pythonWant{PackageManager: "", PortDefault: 8000, Version: "8.3.4",
				Start: "frankenphp php-server --listen :$PORT --root ./", Extra: map[string]string{"docroot": "."}, MaxScore: 0.6},
		},
		{
			name: "plain php with composer and public",
			files: map[string]string{
				"composer.json":    `{"require": {"php": "^8.1 || ^8.2", "slim/slim": "^4"}}`,
				"public/index.php": "<?php\n",
			},
			want: pythonWant{PackageManager: "composer", Version: "8.1",
				Start: "frankenphp php-server --listen :$PORT --root public/", Deps: []string{"slim/slim"}, MinScore: 0.7},
		},
		{
			name:  "library",
			files: map[string]string{"composer.json": `{"name": "acme/util", "type": "library", "require": []}`, "src/Util.php": "<?php\n"},
			want:  pythonWant{PackageManager: "composer", Library: true, Extra: map[string]string{"docroot": ""}},
		},
		{
			name: "path repositories outside the folder",
			files: map[string]string{
				"apps/site/composer.json":        `{"require": {"acme/billing": "*"}, "repositories": [{"type": "path", "url": "../../packages/*"}]}`,
				"apps/site/public/index.php":     "<?php\n",
				"packages/billing/composer.json": "{}",
			},
			dir: "apps/site",
			want: pythonWant{PackageManager: "composer", Start: "frankenphp php-server --listen :$PORT --root public/",
				LocalPaths: []string{"packages"}, BuildContext: ".", Extra: map[string]string{"composer_local": "1"}},
		},
		{
			name:  "laravel public folder is no service",
			files: map[string]string{"composer.json": phpLaravelComposer, "artisan": "", "public/index.php": "<?php\n"},
			dir:   "public",
			want:  pythonWant{Nil: true},
		},
		{
			name:  "sub-folder of a plain site",
			files: map[string]string{"index.php": "<?php\n", "admin/index.php": "<?php\n"},
			dir:   "admin",
			want:  pythonWant{Nil: true},
		},
		{
			name:  "not php",
			files: map[string]string{"index.html": ""},
			want:  pythonWant{Nil: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = "."
			}
			pythonCheck(t, detectIn(t, PHP{}, tc.files, dir), tc.want)
		})
	}
}

func TestPHPMalformed(t *testing.T) {
	files := map[string]string{
		"composer.json":    "{\n  \"require\": {\n    \"laravel/framework\": \"^11\"\n    \"php\": \"^8.2\"\n  }\n}\n",
		"artisan":          "",
		"public/index.php": "<?php\n",
	}
	// The manifest cannot be read, so Laravel cannot be told from it: a
	// plain PHP site, with a warning on the line and a lower score.
	pythonCheck(t, detectIn(t, PHP{}, files, "."), pythonWant{PackageManager: "composer",
		Start: "frankenphp php-server --listen :$PORT --root public/", WarnFile: "composer.json", WarnLine: 4, MaxScore: 0.5})
}

func TestPHPVersionFromConstraint(t *testing.T) {
	for in, want := range map[string]string{
		"^8.2": "8.2", ">=8.1 <9.0": "8.1", "~8.3.0 || ^8.4": "8.3.0", "8.2.*": "8.2", "": "", "<8": "", "8.1.x": "8.1",
	} {
		if got := phpVersionFromConstraint(in); got != want {
			t.Errorf("phpVersionFromConstraint(%q) = %q, want %q", in, got, want)
		}
	}
}
