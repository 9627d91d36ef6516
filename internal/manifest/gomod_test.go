package manifest

import (
	"errors"
	"slices"
	"testing"
)

const goModSample = `module github.com/acme/shop

go 1.22.3

toolchain go1.23.4

require (
	github.com/gin-gonic/gin v1.10.0
	github.com/jackc/pgx/v5 v5.6.0
	golang.org/x/sys v0.20.0 // indirect
)

replace github.com/acme/shared => ../shared

replace github.com/acme/tools v1.0.0 => github.com/fork/tools v1.0.1
`

func TestGoModParse(t *testing.T) {
	m, err := ParseGoMod([]byte(goModSample))
	if err != nil {
		t.Fatal(err)
	}
	if m.Module != "github.com/acme/shop" || m.Go != "1.22.3" || m.Toolchain != "1.23.4" {
		t.Errorf("module/go/toolchain = %q %q %q", m.Module, m.Go, m.Toolchain)
	}
	if want := []string{"github.com/gin-gonic/gin", "github.com/jackc/pgx/v5", "golang.org/x/sys"}; !slices.Equal(m.Require, want) {
		t.Errorf("require = %v, want %v", m.Require, want)
	}
	if !slices.Equal(m.Indirect, []string{"golang.org/x/sys"}) {
		t.Errorf("indirect = %v", m.Indirect)
	}
	if !slices.Equal(m.LocalReplaces, []string{"../shared"}) {
		t.Errorf("local replaces = %v", m.LocalReplaces)
	}
}

func TestGoModMalformed(t *testing.T) {
	cases := []struct {
		name, src  string
		line       int
		wantModule string
	}{
		{"unknown directive", "module example.com/a\n\ngo 1.22\n\nfrobnicate x\n", 5, "example.com/a"},
		{"bad version", "module example.com/a\n\nrequire github.com/x/y 1.0\n", 3, "example.com/a"},
		{"unterminated block", "module example.com/a\nrequire (\n\tgithub.com/x/y v1.0.0\n", 4, "example.com/a"},
		{"bad replace", "module example.com/a\nreplace github.com/x/y =>\n", 2, "example.com/a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseGoMod([]byte(c.src))
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if me.Line != c.line {
				t.Errorf("line = %d, want %d (%s)", me.Line, c.line, me.Msg)
			}
			if m == nil || m.Module != c.wantModule {
				t.Errorf("partial module = %+v, want %q", m, c.wantModule)
			}
		})
	}
}

func TestGoModWork(t *testing.T) {
	w, err := ParseGoWork([]byte("go 1.23\n\nuse (\n\t./api\n\t./worker\n\t./lib\n)\n\nuse ./tools\n\nreplace example.com/x => ./third_party/x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"./api", "./worker", "./lib", "./tools"}; !slices.Equal(w.Use, want) {
		t.Errorf("use = %v, want %v", w.Use, want)
	}
	if w.Go != "1.23" || !slices.Equal(w.LocalReplaces, []string{"./third_party/x"}) {
		t.Errorf("go %q, replaces %v", w.Go, w.LocalReplaces)
	}
	if _, err := ParseGoWork([]byte("go 1.23\nuse (\n")); ErrorLine(err) == 0 {
		t.Errorf("malformed go.work: err = %v, want a line", err)
	}
}

func FuzzGoMod(f *testing.F) {
	f.Add([]byte(goModSample))
	f.Add([]byte("module x\n"))
	f.Add([]byte("module \"quoted/path\"\ngo 1.21\nrequire x.y/z v0.0.0-20240101000000-abcdefabcdef\n"))
	f.Add([]byte("module x\nretract [v1.0.0, v1.1.0]\nexclude a.b/c v1.0.0\ntool golang.org/x/tools/cmd/stringer\n"))
	f.Add([]byte("module x\nrequire (\n"))
	f.Add([]byte("go 1.23\nuse ./a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseGoMod(data)
		if m == nil {
			t.Fatal("nil result")
		}
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not *Error", err)
			}
		}
		w, err := ParseGoWork(data)
		if w == nil {
			t.Fatal("nil work result")
		}
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not *Error", err)
			}
		}
	})
}
