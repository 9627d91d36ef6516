package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeepPushed links the objects of a push still in quarantine (the
// GIT_QUARANTINE_PATH of a pre-receive hook's env) into the app's object
// store. Git moves them there itself when the hook accepts the push; a
// daemon killed while the hook waits takes the quarantine with it, and the
// pushed commit would be lost though its deploy is retried. Linked objects
// nothing references cost nothing and are pruned by git's gc. Lock files
// (.keep) are git's bookkeeping of the push, and are not linked.
func (r *Repos) KeepPushed(app string, env []string) error {
	var q string
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "GIT_QUARANTINE_PATH="); ok {
			q = v
		}
	}
	if q == "" {
		return nil
	}
	objects := filepath.Join(r.Path(app), "objects")
	rel, err := filepath.Rel(objects, q)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || strings.ContainsRune(rel, filepath.Separator) {
		return fmt.Errorf("quarantine %s is not in %s", q, objects)
	}
	return filepath.WalkDir(q, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() || strings.HasSuffix(path, ".keep") {
			return err
		}
		sub, err := filepath.Rel(q, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(objects, sub)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Link(path, dst); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		return nil
	})
}

// SetBranch points ref at commit if it still points at old (a zero old:
// if it does not exist): what git would have done had the hook that was
// judging the push lived to accept it.
func (r *Repos) SetBranch(ctx context.Context, app, ref, commit, old string) error {
	if err := r.check(app, commit); err != nil {
		return err
	}
	if !strings.HasPrefix(ref, "refs/heads/") || !validCommit(old) {
		return fmt.Errorf("%w: ref %q from %q", ErrInvalidCommit, ref, old)
	}
	_, err := runGit(ctx, r.Path(app), nil, nil, "update-ref", ref, commit, old)
	return err
}
