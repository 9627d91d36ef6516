package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/kyozo/kyozo/internal/config"
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

type versionCmd struct{}

func (*versionCmd) name() string        { return "version" }
func (*versionCmd) summary() string     { return "print the version" }
func (*versionCmd) flags(*flag.FlagSet) {}

func (*versionCmd) run(_ context.Context, env *Env, _ *config.Config, _ []string) error {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	_, err := fmt.Fprintf(env.Stdout, "kyozo %s%s %s/%s\n", Version, rev, runtime.GOOS, runtime.GOARCH)
	return err
}
