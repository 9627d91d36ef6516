package gitserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/kyozo/kyozo/internal/store"
)

// KeyNameRule is the rule key names follow.
const KeyNameRule = `^[a-z][a-z0-9._-]{0,62}$`

// validKeyName reports whether s follows KeyNameRule.
func validKeyName(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// maxKeyLine bounds what keys:add reads: an RSA-16384 key fits, a stream
// of garbage does not.
const maxKeyLine = 16 << 10

func (s *Server) keysAdd(ctx context.Context, sess *Session, args []string) int {
	admin, name := false, ""
	for _, a := range args {
		switch {
		case a == "--admin":
			admin = true
		case strings.HasPrefix(a, "-") || name != "":
			fmt.Fprintln(sess.Stderr, "kyozo: usage: keys:add [--admin] NAME < KEY.pub")
			return exitUsage
		default:
			name = a
		}
	}
	if name == "" {
		fmt.Fprintln(sess.Stderr, "kyozo: usage: keys:add [--admin] NAME < KEY.pub")
		return exitUsage
	}
	if !validKeyName(name) {
		fmt.Fprintf(sess.Stderr, "kyozo: invalid key name %q: key names match %s\n", name, KeyNameRule)
		return exitFailure
	}
	line, err := readKeyLine(sess.Stdin)
	if err != nil {
		fmt.Fprintf(sess.Stderr, "kyozo: keys:add %s: %v\n", name, err)
		return exitUsage
	}
	pk, _, opts, _, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		fmt.Fprintf(sess.Stderr, "kyozo: keys:add %s: not a public key in authorized_keys form: %v\n", name, err)
		return exitFailure
	}
	if len(opts) > 0 {
		// Kyozo would not enforce them; accepting them would pretend it does.
		fmt.Fprintf(sess.Stderr, "kyozo: keys:add %s: authorized_keys options (%s) are not supported\n", name, strings.Join(opts, ","))
		return exitFailure
	}
	k := store.Key{
		Name:        name,
		Fingerprint: gossh.FingerprintSHA256(pk),
		Admin:       admin,
		PublicKey:   strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk))),
		Added:       time.Now().UTC(),
	}
	if err := s.cfg.Store.AddKey(ctx, k); err != nil {
		if errors.Is(err, store.ErrExists) {
			fmt.Fprintf(sess.Stderr, "kyozo: keys:add %s: %v\n", name, err)
			return exitFailure
		}
		s.log.Error("add key", "name", name, "err", err)
		fmt.Fprintf(sess.Stderr, "kyozo: keys:add %s: cannot store the key; try again\n", name)
		return exitFailure
	}
	s.log.Info("key added", "name", name, "fingerprint", k.Fingerprint, "admin", admin, "by", sess.Key.Name)
	role := "deployer"
	if admin {
		role = "admin"
	}
	fmt.Fprintf(sess.Stdout, "added %s key %s %s\n", role, name, k.Fingerprint)
	return exitOK
}

// readKeyLine returns the first line on r that is neither blank nor a comment.
func readKeyLine(r io.Reader) (string, error) {
	br := bufio.NewReader(io.LimitReader(r, maxKeyLine))
	for {
		l, err := br.ReadString('\n')
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return t, nil
		}
		if err == io.EOF {
			return "", errors.New("no key on stdin (pipe one authorized_keys line into the command)")
		}
		if err != nil {
			return "", err
		}
	}
}

func (s *Server) keysList(ctx context.Context, sess *Session, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(sess.Stderr, "kyozo: usage: keys:list")
		return exitUsage
	}
	keys, err := s.cfg.Store.KeysList(ctx)
	if err != nil {
		s.log.Error("list keys", "err", err)
		fmt.Fprintln(sess.Stderr, "kyozo: keys:list: cannot read the keys; try again")
		return exitFailure
	}
	tw := tabwriter.NewWriter(sess.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFINGERPRINT\tADMIN")
	for _, k := range keys {
		admin := "no"
		if k.Admin {
			admin = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Name, k.Fingerprint, admin)
	}
	tw.Flush()
	return exitOK
}

func (s *Server) keysRemove(ctx context.Context, sess *Session, args []string) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(sess.Stderr, "kyozo: usage: keys:remove NAME")
		return exitUsage
	}
	name := args[0]
	keys, err := s.cfg.Store.KeysList(ctx)
	if err != nil {
		s.log.Error("list keys", "err", err)
		fmt.Fprintln(sess.Stderr, "kyozo: keys:remove: cannot read the keys; try again")
		return exitFailure
	}
	var target *store.Key
	admins := 0
	for i, k := range keys {
		if k.Admin {
			admins++
		}
		if k.Name == name {
			target = &keys[i]
		}
	}
	if target == nil {
		fmt.Fprintf(sess.Stderr, "kyozo: keys:remove: no key named %q\n", name)
		return exitFailure
	}
	if target.Admin && admins <= 1 {
		fmt.Fprintf(sess.Stderr, "kyozo: keys:remove: %s is the last admin key; add another admin key first\n", name)
		return exitFailure
	}
	removed, err := s.cfg.Store.RemoveKey(ctx, name)
	if err != nil {
		s.log.Error("remove key", "name", name, "err", err)
		fmt.Fprintf(sess.Stderr, "kyozo: keys:remove %s: %v\n", name, err)
		return exitFailure
	}
	// Two admins removing each other at once both pass the check above;
	// whoever then finds no admin left puts its key back.
	if removed.Admin && !s.anyAdmin(ctx) {
		if err := s.cfg.Store.AddKey(ctx, removed); err != nil && !errors.Is(err, store.ErrExists) {
			s.log.Error("restore last admin key", "name", name, "err", err)
		}
		fmt.Fprintf(sess.Stderr, "kyozo: keys:remove: %s is the last admin key; add another admin key first\n", name)
		return exitFailure
	}
	if s.cfg.KeyRemoved != nil {
		s.cfg.KeyRemoved(removed)
	}
	s.log.Info("key removed", "name", name, "fingerprint", removed.Fingerprint, "by", sess.Key.Name)
	fmt.Fprintf(sess.Stdout, "removed key %s %s\n", name, removed.Fingerprint)
	return exitOK
}

func (s *Server) anyAdmin(ctx context.Context) bool {
	keys, err := s.cfg.Store.KeysList(ctx)
	if err != nil {
		return true // unknown: do not undo a removal on a guess
	}
	for _, k := range keys {
		if k.Admin {
			return true
		}
	}
	return false
}
