package manifest

import (
	"slices"
	"testing"
)

const cabalScotty = `cabal-version:      2.4
name:               hello-scotty
version:            0.1.0.0
synopsis:           A tiny web service
description:
  A longer description.
  Note: this line has a colon and is not a field.
tested-with:        GHC == 9.6.6

common warnings
    ghc-options: -Wall

library
    import:           warnings
    exposed-modules:  Hello
    build-depends:    base ^>=4.18
                    , text
    hs-source-dirs:   src
    default-language: Haskell2010

executable hello-scotty
    import:           warnings
    main-is:          Main.hs
    build-depends:
        base ^>=4.18,
        hello-scotty,
        scotty >=0.20 && <0.23,
        warp
    if os(windows)
        build-depends: Win32
    hs-source-dirs:   app
    default-language: Haskell2010

test-suite hello-test
    type:             exitcode-stdio-1.0
    main-is:          Spec.hs
    build-depends:    base, hspec
`

func TestHaskellParseCabal(t *testing.T) {
	p, err := ParseCabal([]byte(cabalScotty))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello-scotty" || p.Version != "0.1.0.0" || p.TestedWith != "GHC == 9.6.6" || !p.Library {
		t.Errorf("got %+v", p)
	}
	if len(p.Executables) != 1 || p.Executables[0] != (HaskellExecutable{Name: "hello-scotty", Main: "Main.hs", Dir: "app", Line: 21}) {
		t.Errorf("executables = %+v", p.Executables)
	}
	if want := []string{"Win32", "base", "hello-scotty", "scotty", "text", "warp"}; !slices.Equal(p.Deps, want) {
		t.Errorf("deps = %v, want %v", p.Deps, want)
	}
}

func TestHaskellParseCabalMalformed(t *testing.T) {
	p, err := ParseCabal([]byte("name: x\nexecutable x\n  main-is: Main.hs\nwhat is this\n"))
	if ErrorLine(err) != 4 {
		t.Errorf("err = %v, want line 4", err)
	}
	if p == nil || p.Name != "x" || len(p.Executables) != 1 {
		t.Errorf("partial = %+v", p)
	}
	if _, err := ParseCabal([]byte("executable x\n  main-is: Main.hs\n")); err == nil {
		t.Error("a file without a name should fail")
	}
}

const hpackScotty = `name:                hello
version:             0.1.0.0
dependencies:
- base >= 4.7 && < 5
- text

library:
  source-dirs: src
  dependencies:
  - aeson

executables:
  hello-exe:
    main:                Main.hs
    source-dirs:         app
    dependencies:
    - hello
    - scotty
`

func TestHaskellParseHpackAndStack(t *testing.T) {
	p, err := ParseHpack([]byte(hpackScotty))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello" || !p.Library || len(p.Executables) != 1 || p.Executables[0].Name != "hello-exe" ||
		p.Executables[0].Dir != "app" || !slices.Equal(p.Deps, []string{"aeson", "base", "hello", "scotty", "text"}) {
		t.Errorf("hpack = %+v", p)
	}
	for _, tc := range []struct{ src, ghc string }{
		{"resolver: lts-22.7\npackages:\n- .\n", "9.6"},
		{"snapshot: lts-21.25\n", "9.4"},
		{"resolver: nightly-2024-01-01\ncompiler: ghc-9.8.2\n", "9.8.2"},
		{"resolver: ghc-9.2.8\n", "9.2.8"},
		{"resolver: nightly-2024-01-01\n", ""},
	} {
		s, err := ParseStackYAML([]byte(tc.src))
		if err != nil || s.GHC() != tc.ghc {
			t.Errorf("%q: ghc %q, %v; want %q", tc.src, s.GHC(), err, tc.ghc)
		}
	}
	if _, err := ParseStackYAML([]byte("resolver: [\n")); ErrorLine(err) == 0 {
		t.Errorf("malformed stack.yaml: %v", err)
	}
}

func FuzzCabal(f *testing.F) {
	f.Add(cabalScotty)
	f.Add("name: x\nexecutable\n\tmain-is:\n  build-depends: ,,, >=\n")
	f.Fuzz(func(t *testing.T, src string) {
		if p, _ := ParseCabal([]byte(src)); p == nil {
			t.Fatal("nil package")
		}
	})
}

func FuzzHpack(f *testing.F) {
	f.Add(hpackScotty)
	f.Add("executable:\n  main: Main.hs\ndependencies: {a: 1}\n")
	f.Add("resolver: lts-99.1\ncompiler: ghc-\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = ParseHpack([]byte(src))
		if s, err := ParseStackYAML([]byte(src)); err == nil {
			_ = s.GHC()
		}
	})
}
