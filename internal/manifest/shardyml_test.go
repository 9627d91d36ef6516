package manifest

import (
	"slices"
	"testing"
)

const shardKemal = `name: hello
version: 0.1.0

authors:
  - Ada <ada@example.com>

targets:
  hello:
    main: src/hello.cr
  worker:
    main: src/worker.cr

dependencies:
  kemal:
    github: kemalcr/kemal
  pg:
    github: will/crystal-pg

development_dependencies:
  ameba:
    github: crystal-ameba/ameba

crystal: ">= 1.10.0"
license: MIT
`

func TestCrystalParseShardYML(t *testing.T) {
	s, err := ParseShardYML([]byte(shardKemal))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "hello" || s.Version != "0.1.0" || s.Crystal != ">= 1.10.0" ||
		!slices.Equal(s.TargetNames, []string{"hello", "worker"}) || s.Targets["hello"] != "src/hello.cr" ||
		!slices.Equal(s.Deps, []string{"kemal", "pg"}) || !slices.Equal(s.DevDeps, []string{"ameba"}) {
		t.Errorf("got %+v", s)
	}
	s, err = ParseShardYML([]byte("name: x\ncrystal: 1.14\n"))
	if err != nil || s.Crystal != "1.14" {
		t.Errorf("numeric crystal: %+v %v", s, err)
	}
	_, err = ParseShardYML([]byte("name: x\ntargets:\n  x:\n    main: [\n"))
	if err == nil || ErrorLine(err) == 0 {
		t.Errorf("malformed: %v, want a line", err)
	}
}

func FuzzShardYML(f *testing.F) {
	f.Add(shardKemal)
	f.Add("targets: 3\ndependencies: [a]\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := ParseShardYML([]byte(src))
		if err == nil && s == nil {
			t.Fatal("nil shard without error")
		}
	})
}
