package daemon

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"github.com/kyozo/kyozo/internal/store"
)

// The bootstrap keys file lets `kyozo keys add` work before the daemon
// first runs (and with the in-process Redis, which forgets): one key per
// line, "NAME admin|user AUTHORIZED_KEY". The daemon imports it at start.

// ParseKey reads one authorized_keys line and names it.
func ParseKey(name string, admin bool, line []byte) (store.Key, error) {
	pk, _, _, _, err := gossh.ParseAuthorizedKey(bytes.TrimSpace(line))
	if err != nil {
		return store.Key{}, fmt.Errorf("not an SSH public key (want one line like \"ssh-ed25519 AAAA… comment\"): %w", err)
	}
	return store.Key{
		Name: name, Admin: admin, Fingerprint: gossh.FingerprintSHA256(pk),
		PublicKey: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk))),
	}, nil
}

// AppendBootstrapKey adds a key to the bootstrap file (created 0600).
func AppendBootstrapKey(path string, k store.Key) error {
	keys, err := readBootstrap(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, e := range keys {
		if e.Name == k.Name {
			return fmt.Errorf("key name %q: %w", k.Name, store.ErrExists)
		}
		if e.Fingerprint == k.Fingerprint {
			return fmt.Errorf("this key is already added as %q: %w", e.Name, store.ErrExists)
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	role := "user"
	if k.Admin {
		role = "admin"
	}
	_, err = fmt.Fprintf(f, "%s %s %s\n", k.Name, role, k.PublicKey)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func readBootstrap(path string) ([]store.Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var keys []store.Key
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 || (f[1] != "admin" && f[1] != "user") {
			return nil, fmt.Errorf("%s:%d: want \"NAME admin|user KEY\"", path, n)
		}
		k, err := ParseKey(f[0], f[1] == "admin", []byte(f[2]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// ImportBootstrapKeys adds the file's keys to the store; keys already
// there are left alone. It returns how many were added.
func ImportBootstrapKeys(ctx context.Context, st store.Keys, path string) (int, error) {
	keys, err := readBootstrap(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range keys {
		// AddKey refuses a known fingerprint or name: that key is there.
		err := st.AddKey(ctx, k)
		if errors.Is(err, store.ErrExists) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RemoveBootstrapKey drops a key from the bootstrap file, so a key removed
// with `ssh kyozo keys:remove` does not come back at the next start.
func RemoveBootstrapKey(path string, fingerprint string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var kept []string
	changed := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.SplitN(strings.TrimSpace(line), " ", 3)
		if len(f) == 3 {
			if k, err := ParseKey(f[0], false, []byte(f[2])); err == nil && k.Fingerprint == fingerprint {
				changed = true
				continue
			}
		}
		kept = append(kept, line)
	}
	if !changed {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
