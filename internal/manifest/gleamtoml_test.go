package manifest

import (
	"slices"
	"testing"
)

const gleamWisp = `name = "hello_web"
version = "1.0.0"
gleam = ">= 1.4.0"

[dependencies]
gleam_stdlib = ">= 0.34.0 and < 2.0.0"
wisp = ">= 1.1.0 and < 2.0.0"
mist = ">= 1.2.0 and < 5.0.0"
gleam_erlang = ">= 0.25.0 and < 1.0.0"

[dev-dependencies]
gleeunit = ">= 1.0.0 and < 2.0.0"
`

func TestGleamParseTOML(t *testing.T) {
	p, err := ParseGleamTOML([]byte(gleamWisp))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello_web" || p.Target != "erlang" || p.Gleam != ">= 1.4.0" ||
		!slices.Equal(p.Deps, []string{"gleam_erlang", "gleam_stdlib", "mist", "wisp"}) ||
		!slices.Equal(p.DevDeps, []string{"gleeunit"}) {
		t.Errorf("got %+v", p)
	}
	js, err := ParseGleamTOML([]byte("name = \"x\"\ntarget = \"javascript\"\n[javascript]\nruntime = \"deno\"\n"))
	if err != nil || js.Target != "javascript" || js.Runtime != "deno" {
		t.Errorf("javascript target: %+v, %v", js, err)
	}
	_, err = ParseGleamTOML([]byte("name = \"x\"\n[dependencies\nwisp = \"1\"\n"))
	if ErrorLine(err) != 2 {
		t.Errorf("malformed: %v, want line 2", err)
	}
}

func FuzzGleamTOML(f *testing.F) {
	f.Add(gleamWisp)
	f.Add("target = 3\n[dependencies]\nx = { path = \"../x\" }\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParseGleamTOML([]byte(src))
		if err == nil && p == nil {
			t.Fatal("nil project without error")
		}
	})
}
