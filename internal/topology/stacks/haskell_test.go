package stacks

import (
	"slices"
	"testing"
)

const haskellHpack = `name: hello
version: 0.1.0.0
dependencies:
- base >= 4.7 && < 5
- text
library:
  source-dirs: src
executables:
  hello-exe:
    main: Main.hs
    source-dirs: app
    dependencies:
    - hello
    - scotty
`

func TestHaskellDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		check func(t *testing.T, r *Result)
	}{
		{"scotty with stack", map[string]string{"stack.yaml": "resolver: lts-22.7\npackages:\n- .\n", "stack.yaml.lock": "", "package.yaml": haskellHpack, "hello.cabal": "name: hello\n", "app/Main.hs": "main = do\n  port <- maybe 3000 read <$> lookupEnv \"PORT\"\n  scotty port routes\n"}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.PackageManager != "stack" || r.Extra["builder"] != "stack" || r.Extra["package"] != "hello" ||
				r.Target != "hello-exe" || r.Start != "/app/bin/hello-exe" || r.PortDefault != 3000 || r.RuntimeVersion != "9.6" || r.BuildContext != "" || r.Score != 0.9 {
				t.Errorf("%+v", r)
			}
			if !slices.Equal(r.Lockfiles, []string{"stack.yaml", "package.yaml", "hello.cabal", "stack.yaml.lock"}) ||
				!slices.Equal(r.Entrypoints, []string{"app/Main.hs"}) || !slices.Contains(r.Deps, "scotty") {
				t.Errorf("lockfiles %v entrypoints %v deps %v", r.Lockfiles, r.Entrypoints, r.Deps)
			}
		}},
		{"cabal servant", map[string]string{
			"api.cabal":     "cabal-version: 2.4\nname: api\ntested-with: GHC == 9.4.8 || == 9.8.2\nexecutable api\n  main-is: Main.hs\n  hs-source-dirs: app\n  build-depends: base, servant-server, warp\n",
			"cabal.project": "packages: .\n",
		}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.PackageManager != "cabal" || r.Target != "api" || r.RuntimeVersion != "9.8.2" ||
				r.Build != "cabal install exe:api" || !slices.Contains(r.Lockfiles, "cabal.project") {
				t.Errorf("%+v", r)
			}
		}},
		{"stack member", map[string]string{"stack.yaml": "resolver: lts-21.25\npackages:\n- api\n- core\n", "api/package.yaml": haskellHpack, "core/package.yaml": "name: core\nlibrary:\n  source-dirs: src\n"}, "api", func(t *testing.T, r *Result) {
			if r.BuildContext != "." || r.RuntimeVersion != "9.4" || r.Lockfiles[0] != "stack.yaml" {
				t.Errorf("%+v", r)
			}
		}},
		{"stack workspace", map[string]string{"stack.yaml": "resolver: lts-21.25\npackages:\n- api\n- core/\n", "api/package.yaml": haskellHpack}, ".", func(t *testing.T, r *Result) {
			if !r.WorkspaceOnly || !slices.Equal(r.Members, []string{"api", "core"}) {
				t.Errorf("%+v", r)
			}
		}},
		{"cabal workspace", map[string]string{"cabal.project": "packages: api/\n          core/core.cabal\n", "api/api.cabal": "name: api\n"}, ".", func(t *testing.T, r *Result) {
			if !r.WorkspaceOnly || !slices.Equal(r.Members, []string{"api", "core"}) {
				t.Errorf("%+v", r)
			}
		}},
		{"library", map[string]string{"core/core.cabal": "name: core\nlibrary\n  exposed-modules: Core\n  build-depends: base\n"}, "core", func(t *testing.T, r *Result) {
			if !r.Library || r.Target != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed cabal", map[string]string{"x.cabal": "name: x\nexecutable x\n  main-is: Main.hs\n  build-depends: scotty\nwhat is this\n"}, ".", func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line != 5 || r.Target != "x" || r.Kind != "web" || r.Score >= 0.9 {
				t.Errorf("%+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Haskell{}, tc.files, tc.dir)
			if r == nil || r.Language != "haskell" {
				t.Fatalf("got %+v", r)
			}
			tc.check(t, r)
		})
	}
}
