package gitserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/store"
)

// ErrConfig is returned by New for a configuration it cannot run with.
var ErrConfig = errors.New("invalid gitserver configuration")

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown.
var ErrServerClosed = ssh.ErrServerClosed

// Store is what the server reads and writes: keys to authenticate and
// manage, apps to create on first push and to check ownership of.
type Store interface {
	store.Keys
	store.Apps
}

// Config is what New needs.
type Config struct {
	Addr        string // host:port for ListenAndServe
	HostKeyPath string // ed25519 key, generated (0600) on first start and kept
	Store       Store
	Repos       *repo.Repos
	// HookEnv is added to receive-pack's environment, so the pre-receive
	// hook finds the kyozo binary and the daemon (KYOZO_BIN, KYOZO_SOCKET…).
	HookEnv []string
	// Commands are more ssh commands, by name; they may not shadow a
	// built-in one.
	Commands    map[string]Command
	Logger      *slog.Logger
	MaxSessions int // sessions running at once; 0 for no limit
	// KeyRemoved is told of every key keys:remove removed, so a copy kept
	// elsewhere (the daemon's bootstrap file) cannot bring it back.
	KeyRemoved func(store.Key)
	// Observer is told of every session and push (metrics); nil is fine.
	Observer Observer
	// Events receives the apps' audit-trail entries the server makes: an
	// app created by a first push, a push or clone refused. nil: none.
	Events store.Events
}

// Observer is told what the server does.
type Observer interface {
	// Session ends: the command's name ("" for none), its exit code, and
	// whether the key was refused before any command ran.
	Session(command string, exit int, refused bool)
	// Pushed counts the bytes a push to an app sent.
	Pushed(app string, bytes int64)
}

// Command is an ssh command: `ssh kyozo NAME ARGS…`.
type Command struct {
	Usage, Summary string // "apps:info APP", "show an app"
	AdminOnly      bool
	// Terminal marks a command that drives the client's terminal itself
	// (run hands it to a container): it gets the session's raw streams
	// and Session.Term. Any other command run with a terminal (ssh -t)
	// has its newlines written as CRLF, sees an empty input, and ends
	// when the user types Ctrl-C, as if the terminal were cooked.
	Terminal bool
	// Run does the work and returns the exit code (0 ok, 1 failed, 2
	// usage). ctx is done when the client goes away.
	Run func(ctx context.Context, s *Session, args []string) int
}

// Session is what a command sees of the ssh session that runs it.
type Session struct {
	Key    store.Key // the authenticated key, as stored
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Term is the client's terminal (ssh -t) for a Terminal command; nil
	// when it asked for none.
	Term *Terminal

	env []string // the client's environment requests (GIT_PROTOCOL)
	app string   // the app a git command works on, for the session's log line
}

// Exit codes of every command.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// handshakeTimeout bounds a connection that has not started a session:
// a slow or silent client cannot hold a connection open before it has
// proved who it is. A variable so tests can shorten it.
var handshakeTimeout = 30 * time.Second

// Server is the SSH server.
type Server struct {
	cfg  Config
	log  *slog.Logger
	srv  *ssh.Server
	cmds map[string]Command
	sem  chan struct{} // nil: no session limit

	mu   sync.Mutex
	addr net.Addr
}

type ctxKey struct{ name string }

var handshakeTimerKey = &ctxKey{"handshake-timer"}

// New checks cfg, loads or creates the host key and returns a server
// ready to Serve.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: Store must be set", ErrConfig)
	case cfg.Repos == nil || cfg.Repos.Root == "":
		return nil, fmt.Errorf("%w: Repos with a Root must be set", ErrConfig)
	case cfg.HostKeyPath == "":
		return nil, fmt.Errorf("%w: HostKeyPath must be set", ErrConfig)
	case cfg.MaxSessions < 0:
		return nil, fmt.Errorf("%w: MaxSessions must not be negative", ErrConfig)
	}
	for _, e := range cfg.HookEnv {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return nil, fmt.Errorf("%w: HookEnv entry %q is not NAME=VALUE", ErrConfig, e)
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log.With("component", "gitserver")}
	s.cmds = s.builtins()
	for name, c := range cfg.Commands {
		if _, ok := s.cmds[name]; ok {
			return nil, fmt.Errorf("%w: command %q is built in", ErrConfig, name)
		}
		if name == "" || strings.ContainsAny(name, " \t\n'\"\\") || c.Run == nil {
			return nil, fmt.Errorf("%w: command %q needs a one-word name and a Run", ErrConfig, name)
		}
		s.cmds[name] = c
	}
	if cfg.MaxSessions > 0 {
		s.sem = make(chan struct{}, cfg.MaxSessions)
	}
	signer, created, err := hostSigner(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	if created {
		s.log.Info("generated ssh host key", "path", cfg.HostKeyPath, "fingerprint", gossh.FingerprintSHA256(signer.PublicKey()))
	}
	s.srv = &ssh.Server{
		Addr:             cfg.Addr,
		Version:          "Kyozo",
		HostSigners:      []ssh.Signer{signer},
		Handler:          s.handle,
		PublicKeyHandler: s.authorize,
		// No password or keyboard-interactive handler: keys only. A
		// terminal is granted (`ssh -t kyozo run APP web -- sh`); no port
		// forwarding (nil callbacks deny it), no subsystems, no global
		// requests; the only channel is a session.
		PtyCallback:       func(ssh.Context, ssh.Pty) bool { return true },
		ChannelHandlers:   map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler},
		RequestHandlers:   map[string]ssh.RequestHandler{},
		SubsystemHandlers: map[string]ssh.SubsystemHandler{},
		ConnCallback: func(ctx ssh.Context, c net.Conn) net.Conn {
			ctx.SetValue(handshakeTimerKey, time.AfterFunc(handshakeTimeout, func() { c.Close() }))
			return quickAck(c)
		},
		ConnectionFailedCallback: func(c net.Conn, err error) {
			s.log.Debug("ssh connection failed", "remote", c.RemoteAddr().String(), "err", err)
		},
	}
	return s, nil
}

// authorize accepts a key only when the store knows its fingerprint, so an
// unknown key never reaches a command.
func (s *Server) authorize(ctx ssh.Context, pk ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(pk)
	_, err := s.cfg.Store.KeyByFingerprint(ctx, fp)
	if err != nil && s.cfg.Observer != nil {
		s.cfg.Observer.Session("", exitFailure, true)
	}
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("key lookup", "fingerprint", fp, "err", err)
		}
		s.log.Info("ssh key refused", "fingerprint", fp, "user", ctx.User(), "remote", ctx.RemoteAddr().String())
		return false
	}
	return true
}

// Serve accepts connections on l until Shutdown; it returns ErrServerClosed then.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	s.addr = l.Addr()
	s.mu.Unlock()
	s.log.Info("ssh listening", "addr", l.Addr().String())
	return s.srv.Serve(l)
}

// ListenAndServe listens on Config.Addr and serves.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("ssh listen: %w", err)
	}
	return s.Serve(l)
}

// Addr is the address being served, nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Shutdown stops accepting connections and waits for the open ones to
// end; when ctx ends first, it closes them, which kills their git
// processes and hooks.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil && ctx.Err() != nil {
		s.srv.Close()
	}
	return err
}
