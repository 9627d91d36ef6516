package stacks

import (
	"testing"
	"testing/fstest"

	"github.com/kyozo/kyozo/internal/tree"
)

// detectIn runs d on the folder dir of a tree made of files (path → content).
func detectIn(t *testing.T, d Detector, files map[string]string, dir string) *Result {
	t.Helper()
	return detectWorkspace(t, d, files, dir, dir)
}

// detectWorkspace is detectIn for a workspace member whose workspace root is ws.
func detectWorkspace(t *testing.T, d Detector, files map[string]string, dir, ws string) *Result {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, c := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(c)}
	}
	tr, err := tree.Walk(fsys, tree.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	dd := tr.Dir(dir)
	if dd == nil {
		t.Fatalf("no folder %q in the test tree", dir)
	}
	return d.Detect(&Context{Tree: tr, Dir: dd, Workspace: ws})
}
