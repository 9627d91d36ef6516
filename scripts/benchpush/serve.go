package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/intake"
	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tree"
)

// serve runs gitserver on a loopback port with a Redis store, registers a
// freshly generated admin key, and writes the client's private key and
// the port for the script. It adds one command, `bench:prepare [--no-hook]
// APP`, which creates an app and its repository ahead of a timed push,
// without the pre-receive hook when asked: the same server then serves
// both a hooked and a plain native receive-pack.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	redisURL := fs.String("redis", "", "Redis URL")
	root := fs.String("root", "", "repositories folder")
	hostKey := fs.String("hostkey", "", "host key file")
	clientKey := fs.String("client-key", "", "where to write the client's private key")
	portFile := fs.String("port-file", "", "where to write the port")
	kyozoBin := fs.String("kyozo-bin", "/bin/true", "KYOZO_BIN for the hook")
	logFile := fs.String("log", "", "log file (default stderr)")
	socket := fs.String("socket", "", "serve Kyozo's intake on this unix socket, so a real `kyozo hook pre-receive` runs (pushes to main are stored, not deployed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *redisURL == "" || *root == "" || *hostKey == "" || *clientKey == "" || *portFile == "" {
		return errors.New("usage: benchpush serve -redis URL -root DIR -hostkey FILE -client-key FILE -port-file FILE [-kyozo-bin PATH]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(*redisURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Ping(ctx); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	if err := addClientKey(ctx, st, *clientKey); err != nil {
		return err
	}
	logw := os.Stderr
	if *logFile != "" {
		if logw, err = os.Create(*logFile); err != nil {
			return err
		}
		defer logw.Close()
	}
	repos := &repo.Repos{Root: *root}
	hookEnv := []string{"KYOZO_BIN=" + *kyozoBin}
	if *socket != "" {
		// The daemon's intake, with a deploy branch no benchmark pushes to:
		// the hook does all its work (the request, the ref rules) and accepts.
		in := &intake.Intake{
			Store: st, Repos: repos, Branches: []string{"deploy"}, Limits: tree.DefaultLimits,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}
		os.Remove(*socket)
		sl, err := net.Listen("unix", *socket)
		if err != nil {
			return err
		}
		go http.Serve(sl, in.Handler())
		hookEnv = append(hookEnv, "KYOZO_SOCKET="+*socket)
	}
	srv, err := gitserver.New(gitserver.Config{
		HostKeyPath: *hostKey,
		Store:       st,
		Repos:       repos,
		HookEnv:     hookEnv,
		Logger:      slog.New(slog.NewTextHandler(logw, nil)),
		Commands: map[string]gitserver.Command{
			"bench:prepare": {
				Usage: "bench:prepare [--no-hook] APP", Summary: "create an app ahead of a timed push", AdminOnly: true,
				Run: func(ctx context.Context, s *gitserver.Session, args []string) int {
					return prepare(ctx, st, repos, s, args)
				},
			},
		},
	})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	tmp := *portFile + ".tmp"
	if err := os.WriteFile(tmp, fmt.Appendf(nil, "%d\n", l.Addr().(*net.TCPAddr).Port), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *portFile); err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); !errors.Is(err, gitserver.ErrServerClosed) {
		return err
	}
	return nil
}

func addClientKey(ctx context.Context, st *store.Redis, path string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := gossh.MarshalPrivateKey(priv, "kyozo bench")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return err
	}
	spk, err := gossh.NewPublicKey(pub)
	if err != nil {
		return err
	}
	return st.AddKey(ctx, store.Key{Name: "bench", Fingerprint: gossh.FingerprintSHA256(spk), Admin: true,
		PublicKey: string(gossh.MarshalAuthorizedKey(spk))})
}

func prepare(ctx context.Context, st *store.Redis, repos *repo.Repos, s *gitserver.Session, args []string) int {
	hook := true
	if len(args) == 2 && args[0] == "--no-hook" {
		hook, args = false, args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(s.Stderr, "usage: bench:prepare [--no-hook] APP")
		return 2
	}
	app := args[0]
	if _, err := repos.Ensure(ctx, app); err != nil {
		fmt.Fprintln(s.Stderr, err)
		return 1
	}
	if err := st.CreateApp(ctx, store.App{Name: app, Owner: s.Key.Name}); err != nil {
		fmt.Fprintln(s.Stderr, err)
		return 1
	}
	if !hook {
		if err := os.Remove(filepath.Join(repos.Path(app), "hooks", "pre-receive")); err != nil {
			fmt.Fprintln(s.Stderr, err)
			return 1
		}
	}
	return 0
}
