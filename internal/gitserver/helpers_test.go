package gitserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

// harness is a running server on loopback with a real Redis.
type harness struct {
	t     *testing.T
	srv   *Server
	port  int
	st    *store.Redis
	repos *repo.Repos
	home  string // HOME of the clients: no user ssh or git config
	log   *syncbuf.Buffer
	keys  map[string]string // key name → private key file
}

func start(t *testing.T, mod func(*Config)) *harness {
	t.Helper()
	for _, bin := range []string{"git", "ssh"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI needs %s (scripts/test-deps.sh installs it)", bin)
			}
			t.Skipf("%s not installed", bin)
		}
	}
	st := redistest.Store(t)
	h := &harness{t: t, st: st, repos: &repo.Repos{Root: t.TempDir()}, home: t.TempDir(), log: &syncbuf.Buffer{}, keys: map[string]string{}}
	cfg := Config{
		HostKeyPath: filepath.Join(t.TempDir(), "ssh", "host_ed25519"),
		Store:       st,
		Repos:       h.repos,
		HookEnv:     []string{"KYOZO_BIN=/bin/true"},
		Logger:      slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&cfg)
	}
	var err error
	h.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.port = l.Addr().(*net.TCPAddr).Port
	served := make(chan error, 1)
	go func() { served <- h.srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.srv.Shutdown(ctx)
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", h.log)
		}
	})
	return h
}

// newKey writes a fresh ed25519 key for a client and returns its
// authorized_keys line; with store set it is also added to the store.
func (h *harness) newKey(name string, admin, stored bool) string {
	h.t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, name)
	if err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(h.home, "key-"+name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		h.t.Fatal(err)
	}
	h.keys[name] = path
	spk, _ := gossh.NewPublicKey(pub)
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(spk)))
	if stored {
		k := store.Key{Name: name, Fingerprint: gossh.FingerprintSHA256(spk), Admin: admin, PublicKey: line}
		if err := h.st.AddKey(context.Background(), k); err != nil {
			h.t.Fatal(err)
		}
	}
	return line + " " + name + "@test"
}

func (h *harness) sshArgs(key string) []string {
	return []string{"-F", "/dev/null", "-i", h.keys[key], "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"}
}

func (h *harness) env(key string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + h.home, "LANG=C", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_SSH_COMMAND=ssh " + strings.Join(h.sshArgs(key), " "),
	}
}

type result struct {
	code           int
	stdout, stderr string
}

// ssh runs a command on the server as key.
func (h *harness) ssh(key, stdin string, args ...string) result {
	h.t.Helper()
	argv := append(h.sshArgs(key), "-p", fmt.Sprint(h.port), "git@127.0.0.1")
	cmd := exec.Command("ssh", append(argv, args...)...)
	cmd.Env = h.env(key)
	cmd.Stdin = strings.NewReader(stdin)
	return run(h.t, cmd)
}

func run(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	return result{code, out.String(), errb.String()}
}

// git runs git in dir as key's user.
func (h *harness) git(key, dir string, args ...string) result {
	h.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = h.env(key)
	return run(h.t, cmd)
}

func (h *harness) mustGit(key, dir string, args ...string) string {
	h.t.Helper()
	r := h.git(key, dir, args...)
	if r.code != 0 {
		h.t.Fatalf("git %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

func (h *harness) url(app string) string {
	return fmt.Sprintf("ssh://git@127.0.0.1:%d/%s", h.port, app)
}

// workTree returns a work tree with one commit.
func (h *harness) workTree() string {
	h.t.Helper()
	w := h.t.TempDir()
	h.mustGit("", w, "init", "-q", "-b", "main")
	h.commit(w, "README.md", "hello\n")
	return w
}

func (h *harness) commit(w, name, content string) string {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(w, name), []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
	h.mustGit("", w, "add", "-A")
	h.mustGit("", w, "commit", "-q", "-m", "change "+name)
	return h.mustGit("", w, "rev-parse", "HEAD")
}
