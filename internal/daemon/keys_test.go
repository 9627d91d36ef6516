package daemon

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

func pubKey(t *testing.T, name string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ssh-keygen: %v %s", err, out)
		}
		t.Skipf("ssh-keygen: %v %s", err, out)
	}
	b, _ := os.ReadFile(path + ".pub")
	return b
}

func TestBootstrapKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bootstrap_keys")
	alice, err := ParseKey("alice", true, pubKey(t, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(alice.Fingerprint, "SHA256:") || strings.Contains(alice.PublicKey, "alice") {
		t.Errorf("key %+v", alice)
	}
	bob, _ := ParseKey("bob", false, pubKey(t, "bob"))
	if err := AppendBootstrapKey(file, alice); err != nil {
		t.Fatal(err)
	}
	if err := AppendBootstrapKey(file, bob); err != nil {
		t.Fatal(err)
	}
	if err := AppendBootstrapKey(file, store.Key{Name: "alice", Fingerprint: "x"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate name: %v", err)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v %v", st.Mode(), err)
	}
	st := redistest.Store(t)
	ctx := context.Background()
	n, err := ImportBootstrapKeys(ctx, st, file)
	if err != nil || n != 2 {
		t.Fatalf("import %d %v", n, err)
	}
	if n, _ := ImportBootstrapKeys(ctx, st, file); n != 0 {
		t.Errorf("second import added %d", n)
	}
	// A name another key has is not imported, and not counted as if it were.
	other := redistest.Store(t)
	if err := other.AddKey(ctx, store.Key{Name: "alice", Fingerprint: "SHA256:someone-else"}); err != nil {
		t.Fatal(err)
	}
	if n, err := ImportBootstrapKeys(ctx, other, file); n != 1 || err != nil {
		t.Errorf("import beside another alice: %d %v, want bob alone", n, err)
	}
	k, err := st.KeyByFingerprint(ctx, alice.Fingerprint)
	if err != nil || !k.Admin || k.Name != "alice" {
		t.Errorf("alice %+v %v", k, err)
	}
	if err := RemoveBootstrapKey(file, bob.Fingerprint); err != nil {
		t.Fatal(err)
	}
	keys, _ := readBootstrap(file)
	if len(keys) != 1 || keys[0].Name != "alice" {
		t.Errorf("after removing bob: %+v", keys)
	}
	if n, err := ImportBootstrapKeys(ctx, st, filepath.Join(t.TempDir(), "none")); n != 0 || err != nil {
		t.Errorf("missing file: %d %v", n, err)
	}
}

func TestBootstrapErrors(t *testing.T) {
	if _, err := ParseKey("x", false, []byte("not a key")); err == nil || !strings.Contains(err.Error(), "not an SSH public key") {
		t.Errorf("bad key: %v", err)
	}
	file := filepath.Join(t.TempDir(), "bootstrap_keys")
	os.WriteFile(file, []byte("# comment\n\nalice root ssh-ed25519 AAAA\n"), 0o600)
	if _, err := ImportBootstrapKeys(context.Background(), nil, file); err == nil || !strings.Contains(err.Error(), ":3:") {
		t.Errorf("bad line: %v", err)
	}
}

func TestPathsPrepare(t *testing.T) {
	p := PathsOf(filepath.Join(t.TempDir(), "data"))
	if err := p.prepare(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{p.Root, p.Repos, p.Sources, filepath.Dir(p.Socket)} {
		st, err := os.Stat(d)
		if err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v", d, st.Mode(), err)
		}
	}
}
