package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/kyozo/kyozo/internal/config"
	"github.com/kyozo/kyozo/internal/intake"
)

// hookCmd is `kyozo hook NAME`, what the scripts in hooks/ run inside a
// push. pre-receive hands the push to the daemon and prints its progress;
// git shows every line as "remote: …" and refuses the push when it fails.
type hookCmd struct{}

func (*hookCmd) name() string        { return "hook" }
func (*hookCmd) summary() string     { return "run a git hook (called by the repositories' hooks)" }
func (*hookCmd) flags(*flag.FlagSet) {}

// quarantine are the variables through which a hook reads objects git has
// received but not yet accepted.
var quarantine = []string{"GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"}

func (*hookCmd) run(ctx context.Context, env *Env, _ *config.Config, args []string) error {
	if len(args) != 1 || args[0] != "pre-receive" {
		return usageError("the only hook is pre-receive")
	}
	socket := lookup(env.Environ, "KYOZO_SOCKET")
	req := intake.Request{App: lookup(env.Environ, "KYOZO_APP"), Pusher: lookup(env.Environ, "KYOZO_PUSHER")}
	if socket == "" || req.App == "" {
		return fmt.Errorf("not run by kyozo serve (KYOZO_SOCKET and KYOZO_APP are unset)")
	}
	for _, k := range quarantine {
		if v := lookup(env.Environ, k); v != "" {
			req.Env = append(req.Env, k+"="+v)
		}
	}
	sc := bufio.NewScanner(env.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 {
			req.Updates = append(req.Updates, intake.Update{Old: f[0], New: f[1], Ref: f[2]})
		}
	}
	body, _ := json.Marshal(req)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		},
	}}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://kyozo/v1/pre-receive", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := client.Do(hreq)
	if err != nil {
		return fmt.Errorf("kyozo serve is unreachable: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("kyozo serve: %s", resp.Status)
	}
	// Lines go to stderr, which git relays to the pusher as they come.
	dec := json.NewDecoder(resp.Body)
	for {
		var m intake.Message
		if err := dec.Decode(&m); err != nil {
			return fmt.Errorf("the deploy's progress stopped: %v", err)
		}
		if m.Line != "" {
			fmt.Fprintln(env.Stderr, m.Line)
		}
		if m.Done {
			if m.OK {
				return nil
			}
			// The reason is the last line the pusher reads before git's summary.
			fmt.Fprintln(env.Stderr, "kyozo: push rejected: "+m.Error)
			return errSilent
		}
	}
}
