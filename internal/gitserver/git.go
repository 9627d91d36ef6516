package gitserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

type service string

const (
	receivePack service = "receive-pack"
	uploadPack  service = "upload-pack"
)

// waitDelay bounds how long a finished git process may keep the session
// open through a pipe a leftover grandchild still holds.
const waitDelay = 10 * time.Second

// git serves one push or fetch: it checks the name and the caller's right
// to the app, creates the app on a first push, then runs native git on
// the channel.
func (s *Server) git(ctx context.Context, sess *Session, svc service, args []string) int {
	if len(args) != 1 {
		fmt.Fprintf(sess.Stderr, "kyozo: usage: git-%s 'APP'\n", svc)
		return exitUsage
	}
	app := appFromPath(args[0])
	if !topology.ValidName(app) {
		fmt.Fprintf(sess.Stderr, "kyozo: invalid app name %q: app names match %s\n", app, topology.NameRule)
		return exitFailure
	}
	sess.app = app
	log := s.log.With("app", app, "key", sess.Key.Name, "service", string(svc))

	a, err := s.cfg.Store.App(ctx, app)
	if errors.Is(err, store.ErrNotFound) && svc == receivePack {
		a, err = s.createApp(ctx, sess, app)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		fmt.Fprintf(sess.Stderr, "kyozo: app %s does not exist (push to create it)\n", app)
		return exitFailure
	case err != nil:
		log.Error("app lookup", "err", err)
		fmt.Fprintf(sess.Stderr, "kyozo: cannot read app %s; try again\n", app)
		return exitFailure
	}
	if a.Owner != sess.Key.Name && !sess.Key.Admin {
		s.event(ctx, store.Event{App: app, Type: store.EventPermission, Actor: sess.Key.Name, Message: refusedMessage[svc]})
		fmt.Fprintf(sess.Stderr, "kyozo: permission denied: %s belongs to %s\n", app, a.Owner)
		return exitFailure
	}

	repos := s.cfg.Repos
	if !repos.Exists(app) {
		if svc == uploadPack {
			fmt.Fprintf(sess.Stderr, "kyozo: app %s has nothing pushed yet\n", app)
			return exitFailure
		}
		// A first push, or a repository lost while the app was kept:
		// either way the push needs it, with the hooks.
		created, err := repos.Ensure(ctx, app)
		if err != nil {
			log.Error("create repository", "err", err)
			fmt.Fprintf(sess.Stderr, "kyozo: cannot create the repository of %s\n", app)
			return exitFailure
		}
		if created {
			log.Info("repository created", "path", repos.Path(app))
		}
	}

	env := s.baseEnv()
	if svc == receivePack {
		env = append(env, s.cfg.HookEnv...)
		// After HookEnv: who pushes is the server's word, never configuration's.
		env = append(env, "KYOZO_APP="+app, "KYOZO_PUSHER="+sess.Key.Name, "KYOZO_PUSHER_FINGERPRINT="+sess.Key.Fingerprint)
	}
	if p := gitProtocol(sess.env); p != "" {
		env = append(env, "GIT_PROTOCOL="+p)
	}
	path, err := filepath.Abs(repos.Path(app))
	if err != nil {
		log.Error("repository path", "err", err)
		return exitFailure
	}
	return s.runGit(ctx, sess, log, svc, path, env)
}

// createApp records a new app owned by the pusher. When another push
// created it first, that app is returned, and the ownership check decides.
func (s *Server) createApp(ctx context.Context, sess *Session, app string) (store.App, error) {
	a := store.App{Name: app, Owner: sess.Key.Name, Created: time.Now().UTC()}
	err := s.cfg.Store.CreateApp(ctx, a)
	if errors.Is(err, store.ErrExists) {
		return s.cfg.Store.App(ctx, app)
	}
	if err == nil {
		s.log.Info("app created", "app", app, "owner", a.Owner)
		s.event(ctx, store.Event{App: app, Type: store.EventApp, Actor: a.Owner, Message: "created by a push"})
	}
	return a, err
}

// refusedMessage is the audit trail's word for a refused git command.
var refusedMessage = map[service]string{receivePack: "push refused", uploadPack: "clone refused"}

// eventTimeout bounds recording one event.
const eventTimeout = 5 * time.Second

// event records an entry of an app's audit trail, when the server has
// one. A store that fails loses the entry, never the session, and a
// client that went away does not cancel it.
func (s *Server) event(ctx context.Context, e store.Event) {
	if s.cfg.Events == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventTimeout)
	defer cancel()
	if _, err := s.cfg.Events.AddEvent(ctx, e); err != nil {
		s.log.Warn("audit trail", "app", e.App, "type", e.Type, "err", err)
	}
}

// baseEnv is all of the server's own environment a git process gets: a
// server's secrets and GIT_ variables stay out of a hook's reach.
func (s *Server) baseEnv() []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	home, err := filepath.Abs(s.cfg.Repos.Root)
	if err != nil {
		home = s.cfg.Repos.Root
	}
	return []string{"PATH=" + path, "HOME=" + home, "LANG=C"}
}

// gitProtocol passes on the client's GIT_PROTOCOL (version=2 makes fetches
// cheaper), when it looks like one: a client controls it.
func gitProtocol(env []string) string {
	for _, e := range env {
		v, ok := strings.CutPrefix(e, "GIT_PROTOCOL=")
		if !ok || len(v) > 64 {
			continue
		}
		if strings.Trim(v, "abcdefghijklmnopqrstuvwxyz0123456789=:.-_") == "" {
			return v
		}
	}
	return ""
}

// runGit runs `git SERVICE PATH` on the session's streams. The process
// leads its own process group: when the client goes away (ctx done) the
// whole group is killed, so a pre-receive hook blocked in a deploy dies
// with the push instead of deploying for no one.
func (s *Server) runGit(ctx context.Context, sess *Session, log *slog.Logger, svc service, path string, env []string) int {
	start := time.Now()
	cmd := exec.CommandContext(ctx, "git", string(svc), path)
	cmd.Env = env
	cmd.Stdout = sess.Stdout
	cmd.Stderr = sess.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The negative pid is the group: git, its hooks and what they started.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = waitDelay
	// stdin is copied here, not by exec: exec's copy would hold Wait until
	// the client closes its side, which git clients do only after they
	// have read everything.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		log.Error("git stdin", "err", err)
		return exitFailure
	}
	if err := cmd.Start(); err != nil {
		log.Error("start git", "err", err)
		fmt.Fprintf(sess.Stderr, "kyozo: cannot start git %s\n", svc)
		return exitFailure
	}
	go func() {
		n, _ := io.Copy(stdin, sess.Stdin)
		stdin.Close()
		if svc == receivePack && s.cfg.Observer != nil {
			s.cfg.Observer.Pushed(sess.app, n)
		}
	}()
	err = cmd.Wait()
	if ctx.Err() != nil {
		log.Warn("client went away; killed the git process group", "pgid", cmd.Process.Pid, "after", time.Since(start).Round(time.Millisecond))
		return exitFailure
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		return ee.ExitCode()
	default:
		log.Error("git", "err", err)
		return exitFailure
	}
}
