package cli

import (
	"context"
	"flag"
	"log/slog"
	"os"

	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/daemon"
)

// serveCmd is `kyozo serve`: the SSH git server, the router, the HTTP API
// and an in-process worker.
type serveCmd struct {
	fs  *flag.FlagSet
	set settingFlags
}

func (*serveCmd) name() string { return "serve" }
func (*serveCmd) summary() string {
	return "run Kyozo: git push over SSH, deploys, the router and the API"
}

func (c *serveCmd) flags(fs *flag.FlagSet) { c.fs, c.set = fs, newSettingFlags(fs) }

func (c *serveCmd) run(ctx context.Context, env *Env, cfg *config.Config, args []string) error {
	if len(args) > 0 {
		return usageError("serve takes no arguments, got %q", args)
	}
	if err := c.set.apply(c.fs, cfg); err != nil {
		return usageError("%v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return daemon.Serve(ctx, cfg, exe, newLogger(env, cfg))
}

// workerCmd is `kyozo worker`: deploys only, for more machines on one queue.
type workerCmd struct {
	fs  *flag.FlagSet
	set settingFlags
}

func (*workerCmd) name() string { return "worker" }
func (*workerCmd) summary() string {
	return "run deploys from the queue (needs the Redis kyozo serve uses)"
}

func (c *workerCmd) flags(fs *flag.FlagSet) { c.fs, c.set = fs, newSettingFlags(fs) }

func (c *workerCmd) run(ctx context.Context, env *Env, cfg *config.Config, args []string) error {
	if len(args) > 0 {
		return usageError("worker takes no arguments, got %q", args)
	}
	if err := c.set.apply(c.fs, cfg); err != nil {
		return usageError("%v", err)
	}
	return daemon.Work(ctx, cfg, newLogger(env, cfg))
}

func newLogger(env *Env, cfg *config.Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}
