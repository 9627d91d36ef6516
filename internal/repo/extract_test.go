package repo

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kyozo/kyozo/internal/tree"
)

// entry is one tar entry of a crafted archive.
type entry struct {
	name, body, link string
	typ              byte
	mode             int64
}

func file(name, body string) entry {
	return entry{name: name, body: body, typ: tar.TypeReg, mode: 0o644}
}
func dirEnt(name string) entry { return entry{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) entry {
	return entry{name: name, link: target, typ: tar.TypeSymlink, mode: 0o777}
}

func craft(t testing.TB, ents ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, Size: int64(len(e.body)), Format: tar.FormatPAX}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	return buf.Bytes()
}

func TestExtractRefusesHostileArchives(t *testing.T) {
	cases := []struct {
		name string
		ents []entry
		want error
	}{
		{"dotdot", []entry{file("../evil", "x")}, ErrUnsafeEntry},
		{"dotdot inside", []entry{file("a/../../evil", "x")}, ErrUnsafeEntry},
		{"dotdot folder", []entry{dirEnt("../up/")}, ErrUnsafeEntry},
		{"absolute", []entry{file("/tmp/evil", "x")}, ErrUnsafeEntry},
		{"dot", []entry{file("./evil", "x")}, ErrUnsafeEntry},
		{"empty element", []entry{file("a//evil", "x")}, ErrUnsafeEntry},
		{"empty name", []entry{file("", "x")}, ErrUnsafeEntry},
		{"through link out", []entry{symlink("l", ".."), file("l/evil", "x")}, ErrUnsafeEntry},
		{"through absolute link", []entry{symlink("l", "/tmp"), file("l/evil", "x")}, ErrUnsafeEntry},
		{"through link in", []entry{dirEnt("d/"), symlink("l", "d"), file("l/x", "x")}, ErrUnsafeEntry},
		{"through nested link", []entry{symlink("a", ".."), dirEnt("a/b/"), file("a/b/evil", "x")}, ErrUnsafeEntry},
		{"folder through link", []entry{symlink("l", ".."), dirEnt("l/sub/")}, ErrUnsafeEntry},
		{"link through link", []entry{symlink("l", ".."), symlink("l/m", "/etc")}, ErrUnsafeEntry},
		{"file over link", []entry{symlink("l", "../outside"), file("l", "x")}, ErrUnsafeEntry},
		{"link over file", []entry{file("f", "x"), symlink("f", "..")}, ErrUnsafeEntry},
		{"duplicate file", []entry{file("f", "x"), file("f", "y")}, ErrUnsafeEntry},
		{"file over folder", []entry{dirEnt("d/"), file("d", "x")}, ErrUnsafeEntry},
		{"link over folder", []entry{dirEnt("d/"), symlink("d", "..")}, ErrUnsafeEntry},
		{"under a file", []entry{file("f", "x"), file("f/g", "y")}, ErrUnsafeEntry},
		{"hard link", []entry{{name: "h", link: "/etc/passwd", typ: tar.TypeLink}}, ErrUnsafeEntry},
		{"device", []entry{{name: "dev", typ: tar.TypeChar}}, ErrUnsafeEntry},
		{"fifo", []entry{{name: "fifo", typ: tar.TypeFifo}}, ErrUnsafeEntry},
		{"empty link", []entry{symlink("l", "")}, ErrUnsafeEntry},
		{"too many files", []entry{file("a", "1"), file("b", "2"), symlink("c", "a"), file("d", "4")}, tree.ErrTooManyFiles},
		{"too many bytes", []entry{file("a", "12345"), file("b", "123456")}, tree.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := t.TempDir()
			dir := filepath.Join(base, "out")
			err := extract(bytes.NewReader(craft(t, c.ents...)), dir, tree.Limits{MaxFiles: 3, MaxReadBytes: 10})
			if !errors.Is(err, c.want) {
				t.Fatalf("extract = %v, want %v", err, c.want)
			}
			// Nothing lands beside the destination, whatever happened in it.
			ents, _ := os.ReadDir(base)
			if len(ents) != 1 || ents[0].Name() != "out" {
				t.Errorf("beside the destination: %v", ents)
			}
			if _, err := os.Lstat("/tmp/evil"); err == nil {
				t.Error("/tmp/evil written")
			}
		})
	}
}

func TestExtractKeepsLinksAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	arc := craft(t,
		entry{name: "pax_global_header", typ: tar.TypeXGlobalHeader},
		dirEnt("bin/"),
		entry{name: "bin/run", body: "#!/bin/sh\n", typ: tar.TypeReg, mode: 0o775},
		file("lib/deep/x.txt", "x"),
		symlink("up", "../../etc/passwd"),
		symlink("bin/lib", "../lib"),
		file("bin/after", "kept"),
	)
	if err := extract(bytes.NewReader(arc), dir, tree.Limits{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"bin/", "bin/after", "bin/lib -> ../lib", "bin/run *", "lib/", "lib/deep/", "lib/deep/x.txt", "up -> ../../etc/passwd"}
	if got := listFiles(dir); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	fi, _ := os.Stat(filepath.Join(dir, "bin/run"))
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("bin/run mode %v", fi.Mode())
	}
	fi, _ = os.Stat(filepath.Join(dir, "lib/deep"))
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("lib/deep mode %v", fi.Mode())
	}
}

func TestExtractTruncated(t *testing.T) {
	arc := craft(t, file("a", "hello world"))
	err := extract(bytes.NewReader(arc[:516]), filepath.Join(t.TempDir(), "out"), tree.Limits{})
	if err == nil || refused(err) {
		t.Errorf("extract of a truncated archive = %v, want a read error", err)
	}
}

// FuzzExtract feeds arbitrary bytes to the extractor: it may refuse them,
// it must never panic, and it must never write beside its folder.
func FuzzExtract(f *testing.F) {
	f.Add(craft(f, file("a", "x"), symlink("l", ".."), file("l/evil", "x")))
	f.Add(craft(f, dirEnt("d/"), file("d/f", "y"), symlink("d/l", "/"), file("../x", "z")))
	f.Add(craft(f, file("a/b/c", "x"), file("a/b", "y")))
	f.Fuzz(func(t *testing.T, data []byte) {
		base := t.TempDir()
		extract(bytes.NewReader(data), filepath.Join(base, "out"), tree.Limits{MaxFiles: 50, MaxReadBytes: 1 << 16})
		ents, _ := os.ReadDir(base)
		if len(ents) != 1 || ents[0].Name() != "out" {
			t.Errorf("beside the destination: %v", ents)
		}
	})
}
