// Package cli is Kyozo's command line: one file per subcommand, each a
// struct holding its flags. main only calls Main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/config"
)

// Exit codes, as every kyozo command uses them.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// errUsage marks an error as the caller's mistake (exit code 2).
var errUsage = errors.New("usage")

func usageError(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// Env is what a command may touch of the process it runs in.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Environ        []string
	Getwd          func() (string, error)
}

// command is one subcommand.
type command interface {
	name() string
	summary() string
	flags(fs *flag.FlagSet)
	run(ctx context.Context, env *Env, cfg *config.Config, args []string) error
}

func commands() []command {
	return []command{&serveCmd{}, &workerCmd{}, &detectCmd{}, &keysCmd{}, &hookCmd{}, &versionCmd{}}
}

// errSilent fails a command whose reason has already been printed.
var errSilent = errors.New("")

// Main runs kyozo with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	if env.Getwd == nil {
		env.Getwd = os.Getwd
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c := find(args[1]); c != nil {
				printUsage(env.Stdout, c)
				return ExitOK
			}
		}
		printHelp(env.Stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	c := find(args[0])
	if c == nil {
		fmt.Fprintf(env.Stderr, "kyozo: unknown command %q (run `kyozo help` for the list)\n", args[0])
		return ExitUsage
	}
	fs := flag.NewFlagSet("kyozo "+c.name(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	configPath := fs.String("config", lookup(env.Environ, "KYOZO_CONFIG"), "configuration file (YAML)")
	c.flags(fs)
	rest, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		printUsage(env.Stdout, c)
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "kyozo %s: %v\n", c.name(), err)
		printUsage(env.Stderr, c)
		return ExitUsage
	}
	cfg, err := config.Load(*configPath, env.Environ)
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "kyozo: %v\n", err)
		return ExitUsage
	}
	if err := c.run(ctx, env, cfg, rest); err != nil {
		if errors.Is(err, errSilent) {
			return ExitFailure
		}
		fmt.Fprintf(env.Stderr, "kyozo %s: %v\n", c.name(), strings.TrimPrefix(err.Error(), "usage: "))
		if errors.Is(err, errUsage) {
			return ExitUsage
		}
		return ExitFailure
	}
	return ExitOK
}

func find(name string) command {
	for _, c := range commands() {
		if c.name() == name {
			return c
		}
	}
	return nil
}

// parseInterspersed lets flags follow positional arguments
// (`kyozo detect DIR --format json`), as users of most CLIs expect.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func lookup(environ []string, key string) string {
	for _, kv := range slices.Backward(environ) {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Kyozo turns a folder into running services.")
	fmt.Fprintln(w, "\nUsage: kyozo <command> [flags] [arguments]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name(), c.summary())
	}
	fmt.Fprintln(w, "\nRun `kyozo help <command>` for a command's flags.")
}

func printUsage(w io.Writer, c command) {
	fs := flag.NewFlagSet("kyozo "+c.name(), flag.ContinueOnError)
	fs.String("config", "", "configuration file (YAML); default $KYOZO_CONFIG")
	c.flags(fs)
	fmt.Fprintf(w, "kyozo %s: %s\n\nFlags:\n", c.name(), c.summary())
	fs.SetOutput(w)
	fs.PrintDefaults()
}
