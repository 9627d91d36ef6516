package repo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A push's quarantined objects are linked into the object store, its lock
// files are not, and a quarantine elsewhere is refused.
func TestKeepPushed(t *testing.T) {
	r, _, _ := pushed(t, map[string]string{"a": "1"})
	objects := filepath.Join(r.Path("web"), "objects")
	q := filepath.Join(objects, "tmp_objdir-incoming-test")
	for name, content := range map[string]string{"pack/pack-1.pack": "P", "pack/pack-1.idx": "I", "pack/pack-1.keep": "K", "ab/cdef": "L"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(q, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(q, name), []byte(content), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"GIT_OBJECT_DIRECTORY=" + q, "GIT_QUARANTINE_PATH=" + q}
	for range 2 { // twice: what is there already stays
		if err := r.KeepPushed("web", env); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]string{"pack/pack-1.pack": "P", "pack/pack-1.idx": "I", "ab/cdef": "L"} {
		if b, err := os.ReadFile(filepath.Join(objects, name)); err != nil || string(b) != want {
			t.Errorf("%s: %q %v", name, b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(objects, "pack/pack-1.keep")); err == nil {
		t.Error("a .keep lock was kept: the pack would never be repacked")
	}
	if err := r.KeepPushed("web", []string{"GIT_QUARANTINE_PATH=" + t.TempDir()}); err == nil || !strings.Contains(err.Error(), "is not in") {
		t.Errorf("a quarantine outside the repository: %v", err)
	}
	if err := r.KeepPushed("web", nil); err != nil {
		t.Errorf("no quarantine: %v", err)
	}
}

// SetBranch moves a branch from the value it had, and from no other.
func TestSetBranch(t *testing.T) {
	ctx := context.Background()
	r, w, first := pushed(t, map[string]string{"a": "1"})
	writeFiles(t, w, map[string]string{"a": "2"})
	git(t, w, nil, "commit", "-q", "-am", "two")
	second := git(t, w, nil, "rev-parse", "HEAD")
	// The objects reach the repository without the branch moving, as a
	// push whose hook died leaves them once KeepPushed ran.
	git(t, w, hookOK, "push", "-q", r.Path("web"), "main:refs/heads/other")

	if err := r.SetBranch(ctx, "web", "refs/heads/main", second, second); err == nil {
		t.Error("moved from a value the branch does not have")
	}
	if err := r.SetBranch(ctx, "web", "refs/heads/main", second, first); err != nil {
		t.Fatal(err)
	}
	if head, _ := r.Head(ctx, "web", "main"); head != second {
		t.Errorf("main at %s, want %s", head, second)
	}
	if err := r.SetBranch(ctx, "web", "refs/tags/v1", second, first); err == nil {
		t.Error("moved a tag")
	}
}
