package manifest

import (
	"slices"
	"testing"
)

const pubspecShelf = `name: hello_server
description: A server app using the shelf package.
version: 1.0.0
publish_to: none

environment:
  sdk: ^3.5.0

dependencies:
  args: ^2.4.0
  shelf: ^1.4.0
  shelf_router: ^1.1.0
  postgres: ^3.0.0

dev_dependencies:
  http: ^1.1.0
  lints: ^4.0.0
  test: ^1.24.0

executables:
  hello_server: server
`

func TestDartParsePubspec(t *testing.T) {
	p, err := ParsePubspec([]byte(pubspecShelf))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello_server" || p.SDK != "^3.5.0" || p.Flutter ||
		!slices.Equal(p.Deps, []string{"args", "postgres", "shelf", "shelf_router"}) ||
		p.Executables["hello_server"] != "server" {
		t.Errorf("got %+v", p)
	}
	fl, err := ParsePubspec([]byte("name: app\nenvironment:\n  sdk: '>=3.0.0 <4.0.0'\ndependencies:\n  flutter:\n    sdk: flutter\n"))
	if err != nil || !fl.Flutter || fl.SDK != ">=3.0.0 <4.0.0" {
		t.Errorf("flutter: %+v %v", fl, err)
	}
	_, err = ParsePubspec([]byte("name: x\ndependencies:\n  shelf: ^1\n bad: indent\n"))
	if err == nil || ErrorLine(err) == 0 {
		t.Errorf("malformed: %v, want a line", err)
	}
	sdk, err := PubspecLockSDK([]byte("packages: {}\nsdks:\n  dart: \">=3.4.0 <4.0.0\"\n"))
	if err != nil || sdk != ">=3.4.0 <4.0.0" {
		t.Errorf("lock sdk = %q %v", sdk, err)
	}
}

func FuzzPubspec(f *testing.F) {
	f.Add(pubspecShelf)
	f.Add("executables:\n  a:\n  b: [1]\nenvironment: 3\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParsePubspec([]byte(src))
		if err == nil && p == nil {
			t.Fatal("nil pubspec without error")
		}
		_, _ = PubspecLockSDK([]byte(src))
	})
}
