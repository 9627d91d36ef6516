package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/daemon"
	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/store"
)

// keyName is the rule key names follow.
var keyName = lazyre.New(`^[a-z][a-z0-9._-]{0,62}$`)

// keysCmd is `kyozo keys add [--admin] NAME < id.pub`, run on the server to
// add the first keys before the daemon ever ran. Later keys are added with
// `ssh kyozo keys:add`.
type keysCmd struct {
	admin bool
}

func (*keysCmd) name() string { return "keys" }
func (*keysCmd) summary() string {
	return "add an SSH key on the server: keys add [--admin] NAME < id.pub"
}

func (c *keysCmd) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.admin, "admin", false, "the key may run admin commands (keys:*)")
}

func (c *keysCmd) run(ctx context.Context, env *Env, cfg *config.Config, args []string) error {
	if len(args) != 2 || args[0] != "add" {
		return usageError("usage: kyozo keys add [--admin] NAME < id.pub")
	}
	name := args[1]
	if !keyName.Re().MatchString(name) {
		return usageError("key name %q must match %s", name, keyName.Re())
	}
	line, err := io.ReadAll(io.LimitReader(env.Stdin, 16<<10))
	if err != nil {
		return err
	}
	k, err := daemon.ParseKey(name, c.admin, line)
	if err != nil {
		return usageError("%v", err)
	}
	paths := daemon.PathsOf(cfg.DataDir)
	if err := os.MkdirAll(paths.Root, 0o700); err != nil {
		return err
	}
	if err := daemon.AppendBootstrapKey(paths.BootstrapKeys, k); err != nil {
		return err
	}
	// With a shared Redis the key works at once, even while the daemon runs.
	if cfg.RedisURL != "" {
		st, err := store.Open(cfg.RedisURL)
		if err == nil {
			rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			err = st.AddKey(rctx, k)
			cancel()
			st.Close()
		}
		if err != nil && !errors.Is(err, store.ErrExists) {
			fmt.Fprintf(env.Stderr, "kyozo: key saved; the daemon adds it at its next start (redis: %v)\n", err)
		}
	}
	role := "key"
	if c.admin {
		role = "admin key"
	}
	fmt.Fprintf(env.Stdout, "added %s %s (%s)\n", role, name, k.Fingerprint)
	return nil
}
