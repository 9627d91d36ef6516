package gitserver

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// hostSigner loads the server's host key, generating an ed25519 key on
// first start. The key is kept: clients pin it, and a new key on every
// start would look like an attack to each of them.
func hostSigner(path string) (gossh.Signer, bool, error) {
	b, err := os.ReadFile(path)
	created := false
	if errors.Is(err, fs.ErrNotExist) {
		if b, err = createHostKey(path); err != nil {
			return nil, false, err
		}
		created = true
	}
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	s, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	return s, created, nil
}

// createHostKey writes a new key with mode 0600 and returns the file's
// content. It links a complete temporary file into place, so two servers
// starting at once never both write, and a crash never leaves half a key.
func createHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "kyozo host key")
	if err != nil {
		return nil, err
	}
	b := pem.EncodeToMemory(block)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("host key folder: %w", err)
	}
	f, err := os.CreateTemp(dir, ".hostkey-")
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if err := os.Link(f.Name(), path); errors.Is(err, fs.ErrExist) {
		return os.ReadFile(path) // another server won the race: use its key
	} else if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	return b, nil
}
