package repo

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/hooks"
	"github.com/kyozo/kyozo/internal/tree"
)

// The test binary doubles as `kyozo hook pre-receive` (KYOZO_BIN points at
// it), so the quarantine test reads a push from inside a real pre-receive
// hook, exactly where the deploy will.
func TestMain(m *testing.M) {
	if os.Getenv("REPO_TEST_HOOK_OUT") != "" {
		os.Exit(fakeHook())
	}
	os.Exit(m.Run())
}

type hookReport struct {
	Commit        string            `json:"commit"`
	Quarantined   bool              `json:"quarantined"`
	WithoutEnvErr string            `json:"without_env_err"`
	Files         []string          `json:"files"`
	IDs           map[string]string `json:"ids"`
	Err           string            `json:"err"`
}

func fakeHook() int {
	rep := hookReport{}
	defer func() {
		b, _ := json.Marshal(rep)
		os.WriteFile(os.Getenv("REPO_TEST_HOOK_OUT"), b, 0o644)
	}()
	in, _ := io.ReadAll(os.Stdin)
	f := strings.Fields(string(in))
	if len(f) < 3 || os.Args[1] != "hook" || os.Args[2] != "pre-receive" {
		rep.Err = fmt.Sprintf("bad call %q %q", os.Args, in)
		return 1
	}
	rep.Commit = f[1]
	var env []string
	for _, k := range []string{"GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	rep.Quarantined = os.Getenv("GIT_QUARANTINE_PATH") != ""
	r := &Repos{Root: os.Getenv("REPO_TEST_ROOT")}
	app := os.Getenv("REPO_TEST_APP")
	ctx := context.Background()
	if err := r.Archive(ctx, app, rep.Commit, nil, io.Discard); err != nil {
		rep.WithoutEnvErr = err.Error()
	}
	dir := os.Getenv("REPO_TEST_EXPORT")
	if err := r.Export(ctx, app, rep.Commit, env, dir, tree.Limits{}); err != nil {
		rep.Err = err.Error()
		return 1
	}
	rep.Files = listFiles(dir)
	ids, err := r.TreeIDs(ctx, app, rep.Commit, env, []string{".", "a"})
	if err != nil {
		rep.Err = err.Error()
		return 1
	}
	rep.IDs = ids
	return 0
}

// git runs git for the test with a fixed identity and no user config.
func git(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(os.Environ(), nil),
		"HOME="+t.TempDir(), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_AUTHOR_DATE=2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(content, "#!") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// workTree makes a work tree with one commit of files; it returns its folder.
func workTree(t *testing.T, files map[string]string) string {
	t.Helper()
	w := t.TempDir()
	git(t, w, nil, "init", "-q", "-b", "main")
	writeFiles(t, w, files)
	git(t, w, nil, "add", "-A")
	git(t, w, nil, "commit", "-q", "-m", "first")
	return w
}

// hookOK lets the installed pre-receive hook succeed: KYOZO_BIN is `true`.
var hookOK = []string{"KYOZO_BIN=/bin/true"}

func listFiles(dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			rel += " -> " + target
		case fi.IsDir():
			rel += "/"
		case fi.Mode()&0o111 != 0:
			rel += " *"
		}
		out = append(out, rel)
		return nil
	})
	return out
}

var sample = map[string]string{
	"README.md":         "hello\n",
	"a/app.py":          "print('a')\n",
	"a/run.sh":          "#!/bin/sh\necho run\n",
	"b/deep/x/y.txt":    "y\n",
	"secret.txt":        "kept\n",
	".gitattributes":    "secret.txt export-ignore\nREADME.md export-subst\n",
	"weird name *.txt":  "literal\n",
	"b/deep/x/$Format":  "$Format:%H$\n",
	"c/d/e/f/g/h/i.txt": "deep\n",
}

func TestEnsure(t *testing.T) {
	ctx := context.Background()
	r := &Repos{Root: filepath.Join(t.TempDir(), "repos")}
	if r.Exists("web") {
		t.Fatal("Exists before Ensure")
	}
	created, err := r.Ensure(ctx, "web")
	if err != nil || !created {
		t.Fatalf("Ensure = %v, %v; want created", created, err)
	}
	p := r.Path("web")
	if p != filepath.Join(r.Root, "web.git") || !r.Exists("web") {
		t.Fatalf("Path %s, Exists %v", p, r.Exists("web"))
	}
	if git(t, p, nil, "rev-parse", "--is-bare-repository") != "true" {
		t.Error("not a bare repository")
	}
	if got := git(t, p, nil, "symbolic-ref", "HEAD"); got != "refs/heads/main" {
		t.Errorf("HEAD = %s", got)
	}
	checkHooks := func() {
		t.Helper()
		ents, _ := os.ReadDir(filepath.Join(p, "hooks"))
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, hooks.Names()) {
			t.Errorf("hooks/ holds %v, want %v (no samples)", names, hooks.Names())
		}
		for name, want := range hooks.Files() {
			fi, err := os.Stat(filepath.Join(p, "hooks", name))
			if err != nil || fi.Mode().Perm() != 0o755 {
				t.Fatalf("hook %s: %v %v", name, fi, err)
			}
			got, _ := os.ReadFile(filepath.Join(p, "hooks", name))
			if !bytes.Equal(got, want) {
				t.Errorf("hook %s differs", name)
			}
		}
	}
	checkHooks()
	if b, _ := os.ReadFile(filepath.Join(p, "description")); string(b) != "Kyozo app web\n" {
		t.Errorf("description = %q", b)
	}

	created, err = r.Ensure(ctx, "web")
	if err != nil || created {
		t.Fatalf("second Ensure = %v, %v; want existing", created, err)
	}
	// A hook that drifted (an older Kyozo, a hand edit) is put back.
	hook := filepath.Join(p, "hooks", "pre-receive")
	os.WriteFile(hook, []byte("#!/bin/sh\nexit 0\n"), 0o755)
	os.Chmod(hook, 0o644)
	if _, err := r.Ensure(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	checkHooks()
	if left, _ := filepath.Glob(filepath.Join(r.Root, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	for _, bad := range []string{"", "Web", "../x", "a/b", "-x", "web.git", strings.Repeat("a", 64)} {
		if _, err := r.Ensure(ctx, bad); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Ensure(%q) = %v, want ErrInvalidName", bad, err)
		}
		if r.Exists(bad) {
			t.Errorf("Exists(%q)", bad)
		}
	}
}

func TestEnsureConcurrent(t *testing.T) {
	r := &Repos{Root: t.TempDir()}
	errs := make(chan error, 8)
	createdN := make(chan bool, 8)
	for range 8 {
		go func() {
			c, err := r.Ensure(context.Background(), "api")
			errs <- err
			createdN <- c
		}()
	}
	n := 0
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
		if <-createdN {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d calls report creating the repository, want 1", n)
	}
}

// pushed makes a repository and pushes sample into it; it returns the
// repos, the work tree and the commit.
func pushed(t *testing.T, files map[string]string) (*Repos, string, string) {
	t.Helper()
	r := &Repos{Root: t.TempDir()}
	if _, err := r.Ensure(context.Background(), "web"); err != nil {
		t.Fatal(err)
	}
	w := workTree(t, files)
	git(t, w, hookOK, "push", "-q", r.Path("web"), "main")
	return r, w, git(t, w, nil, "rev-parse", "HEAD")
}

func TestHead(t *testing.T) {
	ctx := context.Background()
	r, w, commit := pushed(t, sample)
	got, err := r.Head(ctx, "web", "main")
	if err != nil || got != commit {
		t.Fatalf("Head = %q, %v; want %s", got, err, commit)
	}
	if got, err := r.Head(ctx, "web", "other"); got != "" || err != nil {
		t.Errorf("Head(other) = %q, %v; want empty", got, err)
	}
	if _, err := r.Head(ctx, "web", "bad..name"); !errors.Is(err, ErrInvalidRef) {
		t.Errorf("Head(bad..name) = %v", err)
	}
	if _, err := r.Head(ctx, "nope", "main"); !errors.Is(err, ErrNoRepo) {
		t.Errorf("Head(nope) = %v, want ErrNoRepo", err)
	}

	// A pre-receive hook that fails rejects the push: the branch stays.
	writeFiles(t, w, map[string]string{"new.txt": "n\n"})
	git(t, w, nil, "add", "-A")
	git(t, w, nil, "commit", "-q", "-m", "second")
	cmd := exec.Command("git", "push", "-q", r.Path("web"), "main")
	cmd.Dir = w
	cmd.Env = append(gitEnv(os.Environ(), nil), "KYOZO_BIN=/bin/false")
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("push with a failing hook succeeded: %s", out)
	}
	if got, _ := r.Head(ctx, "web", "main"); got != commit {
		t.Errorf("after a rejected push Head = %s, want %s", got, commit)
	}
	// And without KYOZO_BIN the hook refuses rather than passing.
	cmd = exec.Command("git", "push", "-q", r.Path("web"), "main")
	cmd.Dir = w
	cmd.Env = gitEnv(os.Environ(), nil)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "kyozo binary not set") {
		t.Errorf("push without KYOZO_BIN: %v %s", err, out)
	}
}

func TestArchiveAndExport(t *testing.T) {
	ctx := context.Background()
	files := map[string]string{}
	for k, v := range sample {
		files[k] = v
	}
	r, w, _ := pushed(t, files)
	os.Symlink("a/app.py", filepath.Join(w, "link"))
	git(t, w, nil, "add", "-A")
	git(t, w, nil, "commit", "-q", "-m", "link")
	git(t, w, hookOK, "push", "-q", r.Path("web"), "main")
	commit := git(t, w, nil, "rev-parse", "HEAD")

	var buf bytes.Buffer
	if err := r.Archive(ctx, "web", commit, nil, &buf); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			got[h.Name] = string(b)
		}
	}
	for name, want := range files {
		if got[name] != want {
			t.Errorf("archive %s = %q, want %q (the committed bytes, attributes or not)", name, got[name], want)
		}
	}

	dir := filepath.Join(t.TempDir(), "out")
	if err := r.Export(ctx, "web", commit, nil, dir, tree.Limits{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		".gitattributes", "README.md", "a/", "a/app.py", "a/run.sh *", "b/", "b/deep/", "b/deep/x/",
		"b/deep/x/$Format", "b/deep/x/y.txt", "c/", "c/d/", "c/d/e/", "c/d/e/f/", "c/d/e/f/g/", "c/d/e/f/g/h/",
		"c/d/e/f/g/h/i.txt", "link -> a/app.py", "secret.txt", "weird name *.txt",
	}
	if got := listFiles(dir); !slices.Equal(got, want) {
		t.Errorf("exported\n%q\nwant\n%q", got, want)
	}
	for name, content := range files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != content {
			t.Errorf("%s = %q, %v", name, b, err)
		}
	}
	fi, _ := os.Stat(filepath.Join(dir, "a/app.py"))
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("a/app.py mode %v, want 0644", fi.Mode())
	}

	// Limits hold on a real export too.
	if err := r.Export(ctx, "web", commit, nil, t.TempDir(), tree.Limits{MaxFiles: 3}); !errors.Is(err, tree.ErrTooManyFiles) {
		t.Errorf("Export with MaxFiles 3 = %v", err)
	}
	if err := r.Export(ctx, "web", commit, nil, t.TempDir(), tree.Limits{MaxReadBytes: 20}); !errors.Is(err, tree.ErrTooLarge) {
		t.Errorf("Export with MaxReadBytes 20 = %v", err)
	}
	if err := r.Export(ctx, "web", commit, nil, dir, tree.Limits{}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("Export into a full folder = %v", err)
	}

	// Ids are checked before git sees them; unknown commits are git's error.
	for _, bad := range []string{"HEAD", "main", "--output=/tmp/x", commit[:12], strings.ToUpper(commit), commit + "0"} {
		if err := r.Archive(ctx, "web", bad, nil, io.Discard); !errors.Is(err, ErrInvalidCommit) {
			t.Errorf("Archive(%q) = %v, want ErrInvalidCommit", bad, err)
		}
	}
	missing := strings.Repeat("ab", 20)
	if err := r.Archive(ctx, "web", missing, nil, io.Discard); !errors.Is(err, ErrGit) {
		t.Errorf("Archive(missing) = %v, want ErrGit", err)
	}
	if err := r.Export(ctx, "web", missing, nil, t.TempDir(), tree.Limits{}); !errors.Is(err, ErrGit) {
		t.Errorf("Export(missing) = %v, want ErrGit", err)
	}
	if err := r.Archive(ctx, "nope", commit, nil, io.Discard); !errors.Is(err, ErrNoRepo) {
		t.Errorf("Archive(nope) = %v, want ErrNoRepo", err)
	}
	if err := r.Archive(ctx, "web", commit, []string{"NOEQUALS"}, io.Discard); !errors.Is(err, ErrInvalidEnv) {
		t.Errorf("Archive with a bad env entry = %v", err)
	}
}

func TestTreeIDs(t *testing.T) {
	ctx := context.Background()
	r, w, first := pushed(t, sample)
	paths := []string{".", "a", "a/", "b/deep", "b/deep/x/y.txt", "c", "missing", "weird name *.txt", "weird*", "*"}
	ids1, err := r.TreeIDs(ctx, "web", first, nil, paths)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.TreeIDs(ctx, "web", first, nil, paths)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids1) != fmt.Sprint(again) {
		t.Errorf("ids not stable:\n%v\n%v", ids1, again)
	}
	for _, p := range paths {
		want := ""
		switch p {
		case ".":
			want = git(t, w, nil, "rev-parse", "HEAD^{tree}")
		case "missing", "weird*", "*":
		default:
			want = git(t, w, nil, "rev-parse", "HEAD:"+strings.TrimSuffix(p, "/"))
		}
		if ids1[p] != want {
			t.Errorf("TreeIDs[%q] = %q, want %q", p, ids1[p], want)
		}
	}
	if len(ids1) != len(paths) {
		t.Errorf("%d ids for %d paths", len(ids1), len(paths))
	}

	// Change one folder: only it and the root change.
	writeFiles(t, w, map[string]string{"b/deep/new.txt": "new\n"})
	git(t, w, nil, "add", "-A")
	git(t, w, nil, "commit", "-q", "-m", "b changes")
	git(t, w, hookOK, "push", "-q", r.Path("web"), "main")
	second := git(t, w, nil, "rev-parse", "HEAD")
	ids2, err := r.TreeIDs(ctx, "web", second, nil, paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		changed := ids1[p] != ids2[p]
		if want := p == "." || p == "b/deep"; changed != want {
			t.Errorf("%s: changed %v, want %v", p, changed, want)
		}
	}

	blob := git(t, w, nil, "rev-parse", "HEAD:README.md")
	if _, err := r.TreeIDs(ctx, "web", blob, nil, paths); !errors.Is(err, ErrGit) {
		t.Errorf("TreeIDs(blob id) = %v, want ErrGit", err)
	}
	for _, bad := range []string{"../x", "/etc", "a//b", "a/../b"} {
		if _, err := r.TreeIDs(ctx, "web", second, nil, []string{bad}); !errors.Is(err, ErrUnsafeEntry) {
			t.Errorf("TreeIDs(%q) = %v", bad, err)
		}
	}
}

// TestQuarantine reads a push from inside its pre-receive hook: the objects
// are readable only with the hook's quarantine variables, and the ref has
// not moved yet.
func TestQuarantine(t *testing.T) {
	r := &Repos{Root: t.TempDir()}
	if _, err := r.Ensure(context.Background(), "web"); err != nil {
		t.Fatal(err)
	}
	w := workTree(t, sample)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.json")
	export := filepath.Join(t.TempDir(), "export")
	git(t, w, []string{"KYOZO_BIN=" + self, "REPO_TEST_HOOK_OUT=" + out, "REPO_TEST_ROOT=" + r.Root,
		"REPO_TEST_APP=web", "REPO_TEST_EXPORT=" + export}, "push", "-q", r.Path("web"), "main")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep hookReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Err != "" {
		t.Fatalf("hook: %s", rep.Err)
	}
	if !rep.Quarantined {
		t.Error("the hook did not run in quarantine (git too old?)")
	}
	if rep.WithoutEnvErr == "" {
		t.Error("the pushed commit was readable without the quarantine variables")
	}
	if !slices.Contains(rep.Files, "a/run.sh *") || len(rep.Files) < len(sample) {
		t.Errorf("hook exported %v", rep.Files)
	}
	if rep.IDs["."] != git(t, w, nil, "rev-parse", "HEAD^{tree}") || rep.IDs["a"] != git(t, w, nil, "rev-parse", "HEAD:a") {
		t.Errorf("hook tree ids %v", rep.IDs)
	}
}
