package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kyozo/kyozo/hooks"
	"github.com/kyozo/kyozo/internal/topology"
)

// ErrInvalidName is returned for an app name that does not follow
// topology.NameRule; the name becomes a path, so it is checked first.
var ErrInvalidName = errors.New("invalid app name")

// ErrInvalidCommit is returned for a commit id that is not 40 or 64
// lower-case hex digits; ids go on git's command line, so nothing else may.
var ErrInvalidCommit = errors.New("invalid commit id")

// ErrInvalidRef is returned for a branch name git would not accept.
var ErrInvalidRef = errors.New("invalid branch name")

// ErrNoRepo is returned when an app has no repository yet.
var ErrNoRepo = errors.New("no repository")

// Repos is the folder holding every app's bare repository, as Root/APP.git.
type Repos struct {
	Root string
}

// attributes override any export-ignore or export-subst a pushed
// .gitattributes asks for: the deploy must build exactly the committed tree,
// the one TreeIDs describes, not an archive-flavoured variant of it.
// $GIT_DIR/info/attributes takes precedence over the tree's own files.
const attributes = "* -export-ignore -export-subst\n"

// Path is where the app's repository lives. It does not check the name:
// callers that take names from users go through Ensure or Exists first.
func (r *Repos) Path(app string) string {
	return filepath.Join(r.Root, app+".git")
}

// Exists reports whether the app has a repository.
func (r *Repos) Exists(app string) bool {
	if !topology.ValidName(app) {
		return false
	}
	fi, err := os.Stat(filepath.Join(r.Path(app), "HEAD"))
	return err == nil && fi.Mode().IsRegular()
}

// Ensure creates the app's bare repository with Kyozo's hooks, or, when it
// exists, re-installs any hook that differs from the binary's. A new
// repository is built in a temporary folder and renamed into place, so a
// push can never reach a repository whose hooks are not installed yet, and
// two concurrent calls create it once.
func (r *Repos) Ensure(ctx context.Context, app string) (created bool, err error) {
	if !topology.ValidName(app) {
		return false, fmt.Errorf("%w %q", ErrInvalidName, app)
	}
	p := r.Path(app)
	if fi, err := os.Stat(p); err == nil {
		if !fi.IsDir() {
			return false, fmt.Errorf("repository %s: not a folder", p)
		}
		return false, install(p, app)
	}
	if err := os.MkdirAll(r.Root, 0o750); err != nil {
		return false, fmt.Errorf("repositories folder: %w", err)
	}
	// The leading dot keeps the temporary folder out of the APP.git names.
	tmp, err := os.MkdirTemp(r.Root, ".init-"+app+"-")
	if err != nil {
		return false, fmt.Errorf("repository %s: %w", app, err)
	}
	defer os.RemoveAll(tmp)
	// --template= keeps a machine's init.templateDir (and git's sample
	// hooks) out of Kyozo's repositories.
	if _, err := runGit(ctx, "", nil, nil, "init", "--quiet", "--bare", "--template=", "--initial-branch=main", tmp); err != nil {
		return false, fmt.Errorf("repository %s: %w", app, err)
	}
	if err := install(tmp, app); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, p); err != nil {
		// Someone else created it meanwhile: theirs stands, with the same hooks.
		if _, serr := os.Stat(filepath.Join(p, "HEAD")); serr == nil {
			return false, install(p, app)
		}
		return false, fmt.Errorf("repository %s: %w", app, err)
	}
	return true, nil
}

// install writes the hooks, the description and the attributes override,
// each only when it differs, each atomically.
func install(gitDir, app string) error {
	for name, content := range hooks.Files() {
		if err := writeIfDiffers(filepath.Join(gitDir, "hooks", name), content, 0o755); err != nil {
			return fmt.Errorf("install hook %s: %w", name, err)
		}
	}
	if err := writeIfDiffers(filepath.Join(gitDir, "info", "attributes"), []byte(attributes), 0o644); err != nil {
		return fmt.Errorf("repository attributes: %w", err)
	}
	desc := filepath.Join(gitDir, "description")
	if _, err := os.Stat(desc); errors.Is(err, fs.ErrNotExist) {
		if err := writeIfDiffers(desc, []byte("Kyozo app "+app+"\n"), 0o644); err != nil {
			return fmt.Errorf("repository description: %w", err)
		}
	}
	return nil
}

// writeIfDiffers replaces name by content with mode, through a rename so a
// running push sees either the old file or the new one, never half of it.
func writeIfDiffers(name string, content []byte, mode fs.FileMode) error {
	if fi, err := os.Lstat(name); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm() == mode {
		if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, content) {
			return nil
		}
	}
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(name)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(content); err != nil {
		f.Close()
		return err
	}
	// Chmod after the write: CreateTemp's 0600 is narrowed by no umask,
	// and an explicit mode is what makes the hook executable.
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// Head returns the commit the branch points at, or "" when the branch does
// not exist. It asks git (rev-parse), as everything else here does: go-git
// was used for this one read, and linking it cost every kyozo process
// 0.5 ms of start-up (its openpgp, gob and config packages), measured,
// while pushed objects in quarantine are out of its reach anyway.
func (r *Repos) Head(ctx context.Context, app, branch string) (commit string, err error) {
	if !topology.ValidName(app) {
		return "", fmt.Errorf("%w %q", ErrInvalidName, app)
	}
	if !validBranch(branch) {
		return "", fmt.Errorf("%w %q", ErrInvalidRef, branch)
	}
	if !r.Exists(app) {
		return "", fmt.Errorf("app %s: %w", app, ErrNoRepo)
	}
	out, err := runGit(ctx, r.Path(app), nil, nil, "for-each-ref", "--format=%(objectname)", "refs/heads/"+branch)
	if err != nil {
		return "", fmt.Errorf("app %s: read %s: %w", app, branch, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// validBranch accepts the branch names git's check-ref-format would, for
// the characters that matter on a command line and in a ref path.
func validBranch(b string) bool {
	if b == "" || len(b) > 255 || strings.HasPrefix(b, "-") || strings.HasPrefix(b, "/") ||
		strings.HasSuffix(b, "/") || strings.HasSuffix(b, ".") || strings.HasSuffix(b, ".lock") ||
		strings.Contains(b, "..") || strings.Contains(b, "//") || strings.Contains(b, "@{") || b == "@" {
		return false
	}
	for _, c := range b {
		if c < 0x20 || c == 0x7f || strings.ContainsRune(" ~^:?*[\\", c) {
			return false
		}
	}
	for _, part := range strings.Split(b, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}

// validCommit reports whether s is a full SHA-1 or SHA-256 object id.
func validCommit(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (r *Repos) check(app, commit string) error {
	if !topology.ValidName(app) {
		return fmt.Errorf("%w %q", ErrInvalidName, app)
	}
	if !validCommit(commit) {
		return fmt.Errorf("%w %q", ErrInvalidCommit, commit)
	}
	if !r.Exists(app) {
		return fmt.Errorf("app %s: %w", app, ErrNoRepo)
	}
	return nil
}
