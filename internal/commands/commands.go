package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/secrets"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// Deps is what the commands work with.
type Deps struct {
	Store   store.Store
	Runtime runtime.Runtime
	Repos   *repo.Repos
	Box     *secrets.Box
	// Queue takes the operations the commands queue (asynq.Client).
	Queue interface {
		EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
	}
	// Canceller stops an operation whose client went away (asynq.Inspector).
	Canceller interface {
		CancelProcessing(id string) error
		DeleteTask(queue, id string) error
	}
	Domain string
	// URL formats a host name as the router serves it.
	URL func(host string) string
	// JobTimeout bounds one queued operation.
	JobTimeout time.Duration
	Logger     *slog.Logger
	// Unroute takes a destroyed app off the router at once; nil leaves
	// that to the daemon's next start.
	Unroute func(app string)
	// Reroute routes an app again after its custom domains changed; nil
	// leaves that to its next switch.
	Reroute func(ctx context.Context, app string) error
	// OneOffs records the one-off containers run is attached to, for the
	// reconciler; nil records nothing.
	OneOffs *OneOffs
}

// defaultJobTimeout applies when Deps.JobTimeout is not set.
const defaultJobTimeout = 30 * time.Minute

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one ssh command and the flags it takes.
type command struct {
	name, usage, summary string
	flags                flagSpec
	terminal             bool // drives the client's terminal (gitserver.Command.Terminal)
	run                  func(c *call) error
}

// commands holds the dependencies every command shares.
type commands struct {
	Deps
	log *slog.Logger
}

// New returns the commands, by name, for gitserver.Config.Commands.
func New(deps Deps) map[string]gitserver.Command {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.JobTimeout <= 0 {
		deps.JobTimeout = defaultJobTimeout
	}
	if deps.URL == nil {
		deps.URL = func(host string) string { return "http://" + host }
	}
	cs := &commands{Deps: deps, log: deps.Logger.With("component", "commands")}
	out := map[string]gitserver.Command{}
	for _, cmd := range cs.table() {
		out[cmd.name] = gitserver.Command{
			Usage: cmd.usage, Summary: cmd.summary, Terminal: cmd.terminal,
			Run: func(ctx context.Context, s *gitserver.Session, args []string) int {
				return cs.exec(ctx, s, cmd, args)
			},
		}
	}
	return out
}

// Names lists the commands New returns, in help order.
func Names() []string {
	var cs *commands // the table holds method expressions only
	var out []string
	for _, c := range cs.table() {
		out = append(out, c.name)
	}
	return out
}

func (cs *commands) table() []*command {
	return []*command{
		{name: "apps", usage: "apps", summary: "list the apps you can see", run: (*call).apps},
		{name: "apps:create", usage: "apps:create APP", summary: "create an app (a first push does it too)", run: (*call).appsCreate},
		{name: "apps:info", usage: "apps:info APP", summary: "show an app: release, services, health, URLs", run: (*call).appsInfo},
		{name: "apps:destroy", usage: "apps:destroy APP --force [--purge]", summary: "delete an app and everything it runs (--purge: its data volumes too)",
			flags: flagSpec{bools: []string{"force", "purge"}}, run: (*call).appsDestroy},
		{name: "releases", usage: "releases APP", summary: "list an app's releases, newest first", run: (*call).releases},
		{name: "rollback", usage: "rollback APP [vN]", summary: "release an earlier version again (default: the previous one)", run: (*call).rollback},
		{name: "config", usage: "config APP [--reveal]", summary: "list an app's config vars (values masked unless --reveal)",
			flags: flagSpec{bools: []string{"reveal"}}, run: (*call).config},
		{name: "config:get", usage: "config:get APP KEY", summary: "print one config value", run: (*call).configGet},
		{name: "config:set", usage: "config:set APP KEY=VALUE [KEY=VALUE …] [--no-restart]", summary: "set config vars and release them",
			flags: flagSpec{bools: []string{"no-restart"}}, run: (*call).configSet},
		{name: "config:unset", usage: "config:unset APP KEY [KEY …] [--no-restart]", summary: "unset config vars and release the change",
			flags: flagSpec{bools: []string{"no-restart"}}, run: (*call).configUnset},
		{name: "ps", usage: "ps APP", summary: "list an app's containers", run: (*call).ps},
		{name: "ps:scale", usage: "ps:scale APP [SERVICE=N …]", summary: "set how many replicas of each service run (none: show them)", run: (*call).psScale},
		{name: "ps:restart", usage: "ps:restart APP [SERVICE]", summary: "replace the containers of an app or a service, without downtime", run: (*call).psRestart},
		{name: "ps:stop", usage: "ps:stop APP [SERVICE]", summary: "stop an app or a service", run: (*call).psStop},
		{name: "ps:start", usage: "ps:start APP [SERVICE]", summary: "start what ps:stop stopped", run: (*call).psStart},
		{name: "logs", usage: "logs APP [SERVICE|-p SERVICE] [-n N] [-t] | logs --build APP [JOB]", summary: "show an app's output (-t: follow it), or a deploy's log",
			flags: flagSpec{bools: []string{"t|tail|follow", "build"}, values: []string{"n|num", "p|ps"}}, run: (*call).logs},
		{name: "run", usage: "run APP SERVICE [--] CMD [ARG …]", summary: "run a command in a one-off container of a service (ssh -t: in a terminal)",
			flags: flagSpec{stopAfter: 2}, terminal: true, run: (*call).run},
		{name: "domains", usage: "domains APP", summary: "list the host names that reach an app", run: (*call).domains},
		{name: "domains:add", usage: "domains:add APP HOST [HOST …]", summary: "make custom host names reach an app's main web service", run: (*call).domainsAdd},
		{name: "domains:remove", usage: "domains:remove APP HOST [HOST …]", summary: "take custom host names off an app", run: (*call).domainsRemove},
		{name: "services", usage: "services APP", summary: "list an app's backing services", run: (*call).services},
		{name: "events", usage: "events APP [-n N] [-t]", summary: "show an app's audit trail: deploys, releases, config changes, refusals (-t: follow it)",
			flags: flagSpec{bools: []string{"t|tail|follow"}, values: []string{"n|num"}}, run: (*call).events},
	}
}

// call is one run of a command.
type call struct {
	*commands
	ctx   context.Context
	sess  *gitserver.Session
	cmd   *command
	args  []string          // positional arguments
	flags map[string]string // set flags, by canonical name
}

func (c *call) flag(name string) bool { _, ok := c.flags[name]; return ok }

func (c *call) out(format string, a ...any) { fmt.Fprintf(c.sess.Stdout, format+"\n", a...) }

func (cs *commands) exec(ctx context.Context, s *gitserver.Session, cmd *command, args []string) int {
	c := &call{commands: cs, ctx: ctx, sess: s, cmd: cmd}
	var err error
	c.args, c.flags, err = parseArgs(args, cmd.flags)
	if err == nil {
		err = cmd.run(c)
	}
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintf(s.Stderr, "kyozo: %s\n", ee.msg)
		}
		if ee.code == exitUsage {
			fmt.Fprintf(s.Stderr, "kyozo: usage: %s\n", cmd.usage)
		}
		return ee.code
	default:
		cs.log.Error("command failed", "command", cmd.name, "key", s.Key.Name, "err", err)
		fmt.Fprintf(s.Stderr, "kyozo: %s: %v\n", cmd.name, err)
		return exitFailure
	}
}

// exitError ends a command with an exit code and, unless empty, a message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageError(format string, a ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, a...)}
}

func failed(format string, a ...any) error {
	return &exitError{code: exitFailure, msg: fmt.Sprintf(format, a...)}
}

// exitWith ends a command with a code and nothing more to say.
func exitWith(code int) error { return &exitError{code: code} }

// nargs checks the number of positional arguments.
func (c *call) nargs(min, max int) error {
	if len(c.args) < min || max >= 0 && len(c.args) > max {
		return usageError("")
	}
	return nil
}

// app returns the app the key may work on: it must exist, and the key must
// own it or be an admin's.
func (c *call) app(name string) (store.App, error) {
	if !topology.ValidName(name) {
		return store.App{}, usageError("invalid app name %q: app names match %s", name, topology.NameRule)
	}
	a, err := c.Store.App(c.ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return a, failed("app %s does not exist", name)
	}
	if err != nil {
		return a, err
	}
	if a.Owner != c.sess.Key.Name && !c.sess.Key.Admin {
		// The command's name only: its arguments may hold config values.
		c.event(store.Event{App: name, Type: store.EventPermission, Actor: c.sess.Key.Name, Message: c.cmd.name + " refused"})
		return a, failed("permission denied: %s belongs to %s", name, a.Owner)
	}
	return a, nil
}

// oneApp is the app of a command whose one argument is APP.
func (c *call) oneApp() (store.App, error) {
	if err := c.nargs(1, 1); err != nil {
		return store.App{}, err
	}
	return c.app(c.args[0])
}

// noRelease says an app has never been deployed.
const noRelease = "%s has no release yet: git push to deploy it"

// release returns the app's current release; an app never deployed fails.
func (c *call) release(a store.App) (store.Release, error) {
	if a.Release == 0 {
		return store.Release{}, failed(noRelease, a.Name)
	}
	return c.current(a)
}

// current returns the app's current release; none yet is the zero Release.
func (c *call) current(a store.App) (store.Release, error) {
	if a.Release == 0 {
		return store.Release{}, nil
	}
	return c.Store.Release(c.ctx, a.Name, a.Release)
}
