package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// ErrGit is returned when a git command fails; the error carries git's
// own message.
var ErrGit = errors.New("git failed")

// ErrInvalidEnv is returned for an environment entry that is not NAME=VALUE.
var ErrInvalidEnv = errors.New("invalid environment entry")

// runGit runs git with argv (never a shell) against gitDir when it is set.
// The process gets this process's environment without any GIT_ variable,
// then env: a server started from a hook must not leak its GIT_DIR into
// another repository, while a hook's own quarantine variables, passed in
// env on purpose, must reach git. stdout nil collects the output.
func runGit(ctx context.Context, gitDir string, env []string, stdout io.Writer, args ...string) ([]byte, error) {
	for _, e := range env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return nil, fmt.Errorf("%w %q", ErrInvalidEnv, e)
		}
	}
	argv := args
	if gitDir != "" {
		argv = append([]string{"--git-dir=" + gitDir}, args...)
	}
	cmd := exec.CommandContext(ctx, "git", argv...)
	cmd.Env = gitEnv(os.Environ(), env)
	var out bytes.Buffer
	if stdout == nil {
		cmd.Stdout = &out
	} else {
		cmd.Stdout = stdout
	}
	stderr := &tail{max: 4 << 10}
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := strings.TrimSpace(string(stderr.buf))
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%w: git %s: %s", ErrGit, args[0], msg)
	}
	return out.Bytes(), nil
}

func gitEnv(base, extra []string) []string {
	out := make([]string, 0, len(base)+len(extra)+1)
	for _, e := range base {
		if !strings.HasPrefix(e, "GIT_") {
			out = append(out, e)
		}
	}
	// Pathspecs are literal: a path named "*" means that path, nothing more.
	out = append(out, "GIT_LITERAL_PATHSPECS=1")
	return append(out, extra...)
}

// tail keeps the last max bytes written: the end of git's stderr says why it failed.
type tail struct {
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}
