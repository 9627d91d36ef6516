package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

func TestPHPGolden(t *testing.T) {
	pythonGolden(t, map[string]*topology.Service{
		"php-laravel-vite": {
			Name: "shop", Path: ".", Kind: topology.KindWeb, Language: "php", Framework: "laravel",
			PackageManager: "composer", RuntimeVersion: "8.2", Port: 8000,
			StartCommand: "frankenphp php-server --listen :$PORT --root public/",
			HealthCheck:  &topology.HealthCheck{Path: "/up"},
			Build: topology.BuildHints{
				Assets: "node", AssetsBuild: "npm run build",
				Lockfiles: []string{"composer.json", "composer.lock", "package-lock.json", "package.json"},
				Extra: map[string]string{"docroot": "public", "php_extensions": "intl pdo_pgsql",
					"node_lockfile": "package-lock.json"},
			},
		},
		"php-symfony": {
			Name: "api", Path: ".", Kind: topology.KindWeb, Language: "php", Framework: "symfony",
			PackageManager: "composer", RuntimeVersion: "8.3.2", Port: 8000,
			StartCommand: "frankenphp php-server --listen :$PORT --root public/",
			Build: topology.BuildHints{
				Lockfiles: []string{"composer.json", "composer.lock"},
				Extra:     map[string]string{"docroot": "public", "php_extensions": "pdo_mysql", "post_install": "1"},
			},
		},
		"php-plain": {
			Name: "site", Path: "site", Kind: topology.KindWeb, Language: "php", Port: 8000,
			StartCommand: "frankenphp php-server --listen :$PORT --root ./",
			Build:        topology.BuildHints{Extra: map[string]string{"docroot": "."}},
		},
		"php-composer-path-repos": {
			Name: "site", Path: "apps/site", BuildContext: ".", Kind: topology.KindWeb, Language: "php",
			PackageManager: "composer", Port: 8000, StartCommand: "frankenphp php-server --listen :$PORT --root public/",
			Build: topology.BuildHints{
				Lockfiles: []string{"apps/site/composer.json"},
				Extra:     map[string]string{"docroot": "public", "composer_local": "1", "php_extensions": "gd redis"},
			},
		},
	})
}

func TestPHPImageOverride(t *testing.T) {
	s := &topology.Service{
		Name: "web", Path: ".", Kind: topology.KindWeb, Language: "php", Framework: "symfony", PackageManager: "composer",
		RuntimeVersion: "8.4", Port: 8000, StartCommand: "frankenphp php-server --listen :$PORT --root public/",
		Build: topology.BuildHints{Lockfiles: []string{"composer.json"}},
	}
	got, err := Generate(s, DefaultImages().With(map[string]string{
		"php": "mirror.local/frankenphp:php{version:8.3}", "composer": "mirror.local/composer:{version:2}",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FROM mirror.local/frankenphp:php8.4\n", "COPY --from=mirror.local/composer:2 "} {
		if !strings.Contains(got, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, got)
		}
	}
}

func TestPHPUntrustedExtras(t *testing.T) {
	s := &topology.Service{
		Name: "web", Path: ".", Kind: topology.KindWeb, Language: "php", Port: 8000,
		StartCommand: "frankenphp php-server --listen :$PORT --root public/",
		Build:        topology.BuildHints{Extra: map[string]string{"php_extensions": "gd; rm -rf / -x $(id) intl"}},
	}
	got, err := Generate(s, DefaultImages())
	if err != nil {
		t.Fatal(err)
	}
	if want := `RUN ["install-php-extensions", "opcache", "rm", "intl"]`; !strings.Contains(got, want) {
		t.Errorf("Dockerfile lacks %s:\n%s", want, got)
	}
	pythonNoShellText(t, got)
}
