package manifest

import (
	"reflect"
	"testing"
)

func TestComposerParse(t *testing.T) {
	c, err := ParseComposer([]byte(`{
    "name": "acme/shop",
    "type": "project",
    "require": {
        "php": "^8.2",
        "ext-pdo_pgsql": "*",
        "ext-intl": "*",
        "laravel/framework": "^11.0",
        "Laravel/Tinker": "^2.9"
    },
    "require-dev": {"phpunit/phpunit": "^11"},
    "repositories": [
        {"type": "path", "url": "../packages/billing"},
        {"type": "vcs", "url": "https://github.com/acme/x"},
        {"packagist.org": false}
    ],
    "config": {"platform": {"php": "8.3.4"}},
    "scripts": {"post-autoload-dump": ["@php artisan package:discover"]}
}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"laravel/framework", "laravel/tinker"}; !reflect.DeepEqual(c.Deps(), want) {
		t.Errorf("deps = %v, want %v", c.Deps(), want)
	}
	if c.PHP != "^8.2" || c.PlatformPHP != "8.3.4" || !reflect.DeepEqual(c.Extensions, []string{"intl", "pdo_pgsql"}) ||
		!reflect.DeepEqual(c.PathRepos, []string{"../packages/billing"}) || !c.Requires("laravel/tinker") ||
		!reflect.DeepEqual(c.Scripts, []string{"post-autoload-dump"}) {
		t.Errorf("got %+v", c)
	}
}

func TestComposerEmptyArrays(t *testing.T) {
	c, err := ParseComposer([]byte(`{"require": [], "require-dev": [], "repositories": {"local": {"type": "path", "url": "lib/x"}}, "config": {"platform": {"php": false}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Deps()) != 0 || c.PlatformPHP != "" || !reflect.DeepEqual(c.PathRepos, []string{"lib/x"}) {
		t.Errorf("got %+v", c)
	}
}

func TestComposerErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		line       int
	}{
		{"syntax", "{\n  \"name\": \"a\",\n  \"require\": {\n    \"php\": \"^8\"\n    \"x/y\": \"1\"\n  }\n}\n", 5},
		{"require not an object", "{\n  \"require\": \"laravel/framework\"\n}\n", 2},
		{"require value", "{\n  \"name\": \"a\",\n  \"require\": {\"php\": 8}\n}\n", 3},
		{"repositories", "{\n  \"repositories\": 3\n}\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseComposer([]byte(tc.data))
			if got := ErrorLine(err); err == nil || got != tc.line {
				t.Errorf("line = %d, want %d (%v)", got, tc.line, err)
			}
		})
	}
}

func FuzzComposer(f *testing.F) {
	for _, s := range []string{
		`{"name":"a/b","require":{"php":">=8.1","ext-gd":"*","symfony/framework-bundle":"7.*"}}`,
		`{"require":[],"repositories":[{"type":"path","url":"x"}],"config":{"platform":{"php":"8.2.0"}}}`,
		`{"repositories":{"a":{"type":"path","url":"y"}},"scripts":{"x":"y"}}`, `{`, `[]`, `{"require":{"a":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseComposer(data)
		if err == nil {
			_ = c.Deps()
		}
	})
}
