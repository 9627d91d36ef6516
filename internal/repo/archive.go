package repo

import (
	"context"
	"errors"
	"io"

	"github.com/kyozo/kyozo/internal/tree"
)

// Archive writes the tree of commit as a tar stream to w (git archive).
// env is added to git's environment: a pre-receive hook passes its
// GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES and
// GIT_QUARANTINE_PATH so the objects of the push it is judging, still in
// quarantine, can be read.
func (r *Repos) Archive(ctx context.Context, app, commit string, env []string, w io.Writer) error {
	if err := r.check(app, commit); err != nil {
		return err
	}
	return r.archive(ctx, app, commit, env, w)
}

// archive is Archive once app and commit are checked.
func (r *Repos) archive(ctx context.Context, app, commit string, env []string, w io.Writer) error {
	_, err := runGit(ctx, r.Path(app), env, w, "archive", "--format=tar", commit)
	return err
}

// Export writes the tree of commit into dir (created when missing, and
// required to be empty) through a safe extractor: no absolute path, no
// "..", nothing written through a symbolic link, at most lim.MaxFiles
// files and links and lim.MaxReadBytes bytes of content (zero values take
// tree.DefaultLimits). On error dir may hold part of the tree; the caller
// removes it.
func (r *Repos) Export(ctx context.Context, app, commit string, env []string, dir string, lim tree.Limits) error {
	if err := r.check(app, commit); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	archived := make(chan error, 1)
	go func() {
		err := r.archive(ctx, app, commit, env, pw)
		pw.CloseWithError(err)
		archived <- err
	}()
	err := extract(pr, dir, lim)
	if err == nil {
		// git pads the archive past the end marker the reader stops at;
		// drain it so git exits cleanly instead of on a broken pipe.
		_, err = io.Copy(io.Discard, pr)
	}
	if err != nil {
		cancel() // before the pipe breaks, so git's death reads as ours
		pr.CloseWithError(err)
	}
	aerr := <-archived
	switch {
	case err == nil:
		return aerr
	case aerr != nil && errors.Is(aerr, ErrGit) && !refused(err):
		// git failed on its own (a missing object, say): the extractor only
		// saw the stream end early, git's message says why.
		return aerr
	default:
		return err
	}
}
