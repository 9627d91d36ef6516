package stacks

import (
	"slices"
	"testing"
)

func TestCrystalDetect(t *testing.T) {
	const kemal = "name: hello\nversion: 0.1.0\ntargets:\n  hello:\n    main: src/hello.cr\ndependencies:\n  kemal:\n    github: kemalcr/kemal\n  pg:\n    github: will/crystal-pg\ncrystal: \">= 1.10.0\"\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		check func(t *testing.T, r *Result)
	}{
		{"kemal", map[string]string{"shard.yml": kemal, "shard.lock": "", "src/hello.cr": "require \"kemal\"\nKemal.run\n"}, func(t *testing.T, r *Result) {
			if r.Kind != "web" || r.PortDefault != 3000 || r.Target != "hello" || r.Start != "/app/bin/hello" || r.Score != 0.9 ||
				r.RuntimeVersion != ">= 1.10.0" || !slices.Equal(r.Deps, []string{"kemal", "pg"}) || !slices.Equal(r.Entrypoints, []string{"src/hello.cr"}) {
				t.Errorf("%+v", r)
			}
			if !slices.Equal(r.Lockfiles, []string{"shard.yml", "shard.lock"}) {
				t.Errorf("lockfiles %v", r.Lockfiles)
			}
		}},
		{"pinned version, cli", map[string]string{"shard.yml": "name: tool\ntargets:\n  other:\n    main: src/other.cr\n", ".crystal-version": "1.14.0\n"}, func(t *testing.T, r *Result) {
			if r.Kind != "" || r.Target != "other" || r.RuntimeVersion != "1.14.0" || r.Score != 0.7 {
				t.Errorf("%+v", r)
			}
		}},
		{"library", map[string]string{"shard.yml": "name: lib\nversion: 1.0.0\n"}, func(t *testing.T, r *Result) {
			if !r.Library || r.Target != "" {
				t.Errorf("%+v", r)
			}
		}},
		{"malformed", map[string]string{"shard.yml": "name: x\ntargets:\n  x:\n    main: [\n"}, func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line == 0 || r.Warnings[0].File != "shard.yml" {
				t.Errorf("warnings %+v", r.Warnings)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectIn(t, Crystal{}, tc.files, ".")
			if r == nil || r.Language != "crystal" || r.PackageManager != "shards" {
				t.Fatalf("got %+v", r)
			}
			tc.check(t, r)
		})
	}
}
