package gitserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/kyozo/kyozo/internal/store"
)

// handle runs one ssh session: who, what, and the exit status.
func (s *Server) handle(ss ssh.Session) {
	start := time.Now()
	ctx := ss.Context()
	if t, ok := ctx.Value(handshakeTimerKey).(*time.Timer); ok {
		t.Stop()
	}
	name, code := "", exitFailure
	keyName := ""
	pty, winch, hasPty := ss.Pty()
	var resize <-chan Window
	if hasPty {
		resize = windows(winch)
	}
	var sess *Session
	defer func() {
		attrs := []any{"key", keyName, "command", name}
		if sess != nil && sess.app != "" {
			attrs = append(attrs, "app", sess.app)
		}
		attrs = append(attrs, "exit", code, "duration", time.Since(start).Round(time.Millisecond), "remote", ss.RemoteAddr().String())
		s.log.Info("ssh session", attrs...)
		if s.cfg.Observer != nil {
			s.cfg.Observer.Session(name, code, false)
		}
		ss.Exit(code)
	}()

	// The key is read again rather than trusted from the handshake: a key
	// removed or demoted since is seen at once, and the identity comes
	// from the key that authenticated this connection.
	pk := ss.PublicKey()
	if pk == nil {
		fmt.Fprintln(ss.Stderr(), "kyozo: permission denied")
		return
	}
	key, err := s.cfg.Store.KeyByFingerprint(ctx, gossh.FingerprintSHA256(pk))
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("key lookup", "err", err)
		}
		fmt.Fprintln(ss.Stderr(), "kyozo: permission denied")
		return
	}
	keyName = key.Name

	if s.sem != nil {
		select {
		case s.sem <- struct{}{}:
			defer func() { <-s.sem }()
		default:
			fmt.Fprintln(ss.Stderr(), "kyozo: the server is busy; try again in a moment")
			return
		}
	}

	sess = &Session{Key: key, Stdin: ss, Stdout: ss, Stderr: ss.Stderr(), env: ss.Environ()}
	var args []string
	name, args, err = parseCommand(ss.RawCommand())
	var cmdCtx context.Context = ctx
	if hasPty {
		var interrupted func() bool
		cmdCtx, interrupted = withTerminal(ctx, ss, sess, pty, resize, err == nil && s.cmds[name].Terminal)
		defer func() {
			if interrupted() {
				code = exitInterrupted
			}
		}()
	}
	if err != nil {
		fmt.Fprintf(sess.Stderr, "kyozo: %v\n", err)
		code = exitUsage
		return
	}
	code = s.dispatch(cmdCtx, sess, name, args)
}

func (s *Server) dispatch(ctx context.Context, sess *Session, name string, args []string) (code int) {
	// A command that panics fails its session, not the server and every
	// push in flight with it.
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("command panicked", "command", name, "panic", p, "stack", string(debug.Stack()))
			fmt.Fprintln(sess.Stderr, "kyozo: internal error")
			code = exitFailure
		}
	}()
	if name == "" {
		s.help(sess.Stdout)
		return exitUsage
	}
	c, ok := s.cmds[name]
	if !ok {
		fmt.Fprintf(sess.Stderr, "kyozo: unknown command %q (try: ssh … help)\n", name)
		return exitUsage
	}
	if c.AdminOnly && !sess.Key.Admin {
		fmt.Fprintf(sess.Stderr, "kyozo: permission denied: %s is not an admin\n", sess.Key.Name)
		return exitFailure
	}
	return c.Run(ctx, sess, args)
}

// BuiltinNames lists the commands every server has, sorted.
func BuiltinNames() []string {
	var s *Server // the commands' Run closures are made, never called
	return slices.Sorted(maps.Keys(s.builtins()))
}

func (s *Server) builtins() map[string]Command {
	return map[string]Command{
		"git-receive-pack": {
			Usage:   "git-receive-pack 'APP'",
			Summary: "git push: store the commits and deploy them (the first push creates the app)",
			Run: func(ctx context.Context, sess *Session, args []string) int {
				return s.git(ctx, sess, receivePack, args)
			},
		},
		"git-upload-pack": {
			Usage:   "git-upload-pack 'APP'",
			Summary: "git clone and fetch",
			Run:     func(ctx context.Context, sess *Session, args []string) int { return s.git(ctx, sess, uploadPack, args) },
		},
		"help": {
			Usage:   "help",
			Summary: "list the commands",
			Run: func(_ context.Context, sess *Session, _ []string) int {
				s.help(sess.Stdout)
				return exitOK
			},
		},
		"keys:add": {
			Usage:     "keys:add [--admin] NAME < KEY.pub",
			Summary:   "add a key (one authorized_keys line on stdin)",
			AdminOnly: true,
			Run:       s.keysAdd,
		},
		"keys:list": {
			Usage:     "keys:list",
			Summary:   "list the keys",
			AdminOnly: true,
			Run:       s.keysList,
		},
		"keys:remove": {
			Usage:     "keys:remove NAME",
			Summary:   "remove a key (never the last admin key)",
			AdminOnly: true,
			Run:       s.keysRemove,
		},
	}
}

func (s *Server) help(w io.Writer) {
	fmt.Fprintln(w, "Kyozo: push to deploy. Usage: ssh [-p PORT] HOST COMMAND [ARGS]")
	fmt.Fprintln(w, "(git push kyozo main runs git-receive-pack for you.)")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	names := make([]string, 0, len(s.cmds))
	for n := range s.cmds {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		c := s.cmds[n]
		usage := c.Usage
		if usage == "" {
			usage = n
		}
		summary := c.Summary
		if c.AdminOnly {
			summary += " (admin)"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", usage, strings.TrimSpace(summary))
	}
	tw.Flush()
}
