//go:build unix

package build

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestContextRefusesSpecialFiles(t *testing.T) {
	dir := tree(t, map[string]string{"Dockerfile": "FROM scratch\n", "run/": ""})
	must(t, syscall.Mkfifo(filepath.Join(dir, "run/queue"), 0o644))
	bc, err := newBuildContext(Request{ContextDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bc.WriteTo(&bytes.Buffer{})
	if !errors.Is(err, ErrInvalidContext) || !strings.Contains(err.Error(), "run/queue is a named pipe") {
		t.Fatalf("err = %v", err)
	}

	// Excluded, it is never looked at.
	must(t, os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("run/queue\n"), 0o644))
	_, _, names := sendContext(t, Request{ContextDir: dir})
	for _, n := range names {
		if n == "run/queue" {
			t.Error("excluded pipe sent")
		}
	}
}

// A context that breaks half way is reported as the context's fault, not as
// whatever the engine made of a cut-off upload.
func TestBuildReportsContextError(t *testing.T) {
	dir := tree(t, map[string]string{"Dockerfile": "FROM scratch\n"})
	must(t, syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644))
	f := &fakeEngine{}
	_, err := NewDocker(f).Build(context.Background(), Request{ContextDir: dir}, nil)
	if !errors.Is(err, ErrInvalidContext) || !strings.Contains(err.Error(), "pipe is a named pipe") {
		t.Fatalf("err = %v", err)
	}
}
