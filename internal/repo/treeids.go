package repo

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"strings"
)

// TreeIDs returns the git object id of each path at commit: a tree id for a
// folder, a blob id for a file, "" when the path is absent. "." is the
// commit's root tree. Equal ids mean equal content, so a deploy can tell
// which services changed between two commits without reading a file. It
// costs two git processes whatever the number of paths: one rev-parse, one
// ls-tree.
func (r *Repos) TreeIDs(ctx context.Context, app, commit string, env []string, paths []string) (map[string]string, error) {
	if err := r.check(app, commit); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(paths))
	want := map[string][]string{} // clean path → the spellings asked for
	for _, p := range paths {
		c := strings.TrimSuffix(p, "/")
		if c == "" {
			c = "."
		}
		if !fs.ValidPath(c) {
			return nil, fmt.Errorf("%w: path %q", ErrUnsafeEntry, p)
		}
		out[p] = ""
		if c != "." {
			want[c] = append(want[c], p)
		}
	}
	gd := r.Path(app)
	// ^{commit} first: an id that names a tree or a blob is refused, not read.
	root, err := runGit(ctx, gd, env, nil, "rev-parse", "--verify", "--quiet", commit+"^{commit}^{tree}")
	if err != nil {
		return nil, fmt.Errorf("app %s: commit %s: %w", app, commit, err)
	}
	for _, p := range paths {
		if c := strings.TrimSuffix(p, "/"); c == "" || c == "." {
			out[p] = strings.TrimSpace(string(root))
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	// -t shows a folder on the way to a deeper path asked for too; the
	// pathspecs are literal (runGit sets GIT_LITERAL_PATHSPECS).
	args := []string{"ls-tree", "-z", "-t", "--full-tree", commit, "--"}
	for c := range want {
		args = append(args, c)
	}
	ls, err := runGit(ctx, gd, env, nil, args...)
	if err != nil {
		return nil, fmt.Errorf("app %s: commit %s: %w", app, commit, err)
	}
	for rec := range bytes.SplitSeq(ls, []byte{0}) {
		// <mode> SP <type> SP <id> TAB <path>
		meta, name, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		f := bytes.Fields(meta)
		if len(f) != 3 {
			continue
		}
		for _, p := range want[string(name)] {
			out[p] = string(f[2])
		}
	}
	return out, nil
}
