package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	b, err := Load("", filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := b.Seal("hunter2")
	s2, _ := b.Seal("hunter2")
	if s1 == s2 || strings.Contains(s1, "hunter2") {
		t.Errorf("sealed %q %q", s1, s2)
	}
	if p, err := b.Open(s1); err != nil || p != "hunter2" {
		t.Errorf("open %q %v", p, err)
	}
	other, _ := New(ParseKey("another key"))
	if _, err := other.Open(s1); !errors.Is(err, ErrOpen) {
		t.Errorf("opened with another key: %v", err)
	}
	tampered := s1[:len(s1)-2] + "AA"
	if _, err := b.Open(tampered); !errors.Is(err, ErrOpen) {
		t.Errorf("opened a tampered value: %v", err)
	}
	if _, err := b.Open("plain"); !errors.Is(err, ErrOpen) {
		t.Errorf("opened a plain value: %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	a, err := Load("", path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode())
	}
	b, _ := Load("", path)
	sealed, _ := a.Seal("x")
	if p, err := b.Open(sealed); err != nil || p != "x" {
		t.Error("the key file gives another key on the next start")
	}
	os.Chmod(path, 0o644)
	if _, err := Load("", path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key file: %v", err)
	}
	// The environment wins over the file, and passphrases work.
	e, _ := Load("a passphrase", path)
	if _, err := e.Open(sealed); err == nil {
		t.Error("env key opened the file key's value")
	}
	hex64 := strings.Repeat("ab", 32)
	if k := ParseKey(hex64); len(k) != 32 || k[0] != 0xab {
		t.Errorf("hex key %x", k)
	}
}
