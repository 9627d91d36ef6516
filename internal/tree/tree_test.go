package tree

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestWalkSkipsVendoredAndHidden(t *testing.T) {
	fsys := fstest.MapFS{
		"package.json":                 {Data: []byte("{}")},
		"node_modules/x/package.json":  {Data: []byte("{}")},
		".git/config":                  {Data: []byte("")},
		".moon/workspace.yml":          {Data: []byte("")},
		"src/app.js":                   {Data: []byte("")},
		"api/mix.exs":                  {Data: []byte("")},
		"api/deps/phoenix/mix.exs":     {Data: []byte("")},
		"lib/deps/keep.txt":            {Data: []byte("")},
		"svc/App.csproj":               {Data: []byte("")},
		"svc/bin/Debug/App.dll":        {Data: []byte("")},
		"tools/bin/run":                {Data: []byte("")},
		"target/debug/build/x/out.txt": {Data: []byte("")},
	}
	tr, err := Walk(fsys, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, d := range tr.Dirs() {
		dirs = append(dirs, d.Path)
	}
	want := []string{".", ".moon", "api", "lib", "lib/deps", "src", "svc", "tools", "tools/bin"}
	if !reflect.DeepEqual(dirs, want) {
		t.Errorf("dirs %v, want %v", dirs, want)
	}
	if !tr.Exists("package.json") || tr.Exists("node_modules/x/package.json") {
		t.Error("Exists is wrong")
	}
}

func TestLimits(t *testing.T) {
	fsys := fstest.MapFS{
		"a.txt":         {Data: []byte("hello")},
		"big.txt":       {Data: make([]byte, 2000)},
		"1/2/3/4/x.txt": {Data: []byte("deep")},
	}
	tr, err := Walk(fsys, Limits{MaxFileSize: 1000, MaxDepth: 2, MaxReadBytes: 8})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.ReadFile("big.txt"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big file: %v", err)
	}
	if tr.Dir("1/2/3") != nil {
		t.Error("walked past MaxDepth")
	}
	if len(tr.Skipped()) != 1 || !strings.Contains(tr.Skipped()[0].Reason, "deeper than 2") {
		t.Errorf("skipped %v", tr.Skipped())
	}
	if b, err := tr.ReadFile("a.txt"); err != nil || string(b) != "hello" {
		t.Errorf("a.txt: %q %v", b, err)
	}
	if b, err := tr.ReadPrefix("a.txt", 2); err != nil || string(b) != "he" {
		t.Errorf("prefix %q %v", b, err)
	}
	// The read budget (8 bytes) is spent by now.
	if _, err := tr.ReadPrefix("a.txt", 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("budget: %v", err)
	}
	if len(tr.Refused()) != 1 {
		t.Errorf("refused %v", tr.Refused())
	}
	if _, err := Walk(fsys, Limits{MaxFiles: 2}); !errors.Is(err, ErrTooManyFiles) {
		t.Errorf("MaxFiles: %v", err)
	}
}

func TestOpenRefusesLinksOut(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "secret"), []byte("s3cret"), 0o600)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ok"), []byte("ok"), 0o644)
	os.Symlink(filepath.Join(out, "secret"), filepath.Join(dir, "abs"))
	os.Symlink("../"+filepath.Base(out)+"/secret", filepath.Join(dir, "rel"))
	os.Symlink("ok", filepath.Join(dir, "inside"))
	os.Symlink(out, filepath.Join(dir, "dirlink"))
	tr, err := Open(dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	for _, p := range []string{"abs", "rel"} {
		if b, err := tr.ReadFile(p); err == nil {
			t.Errorf("%s read %q through a link out of the tree", p, b)
		}
	}
	if b, err := tr.ReadFile("inside"); err != nil || string(b) != "ok" {
		t.Errorf("a link inside the tree should read: %q %v", b, err)
	}
	if tr.Dir("dirlink") != nil {
		t.Error("a link to a folder was walked")
	}
}

func TestJoinAndFirst(t *testing.T) {
	if Join(".", "a") != "a" || Join("x", "a") != "x/a" {
		t.Error("Join")
	}
	d := &Dir{Path: "x", Files: []string{"a.go", "b.txt", "go.mod"}}
	if d.First("Cargo.toml", "go.mod") != "go.mod" || !reflect.DeepEqual(d.WithExt(".go", ".txt"), []string{"a.go", "b.txt"}) {
		t.Error("First/WithExt")
	}
}
