package gitserver

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/gliderlabs/ssh"
)

// Terminal is the terminal a client asked for with its session (ssh -t).
type Terminal struct {
	Name          string // the client's TERM
	Width, Height int    // in characters, when the session began
	// Resize carries the client's window sizes, the first one included;
	// it keeps only the newest one not yet received, and is closed when
	// the session's requests end.
	Resize <-chan Window
}

// Window is a terminal's size in characters.
type Window struct{ Width, Height int }

// Control characters a raw terminal sends for what a cooked one turns
// into signals.
const (
	ctrlC         = 0x03 // interrupt
	ctrlBackslash = 0x1c // quit
)

// exitInterrupted is a command's exit code when the user typed Ctrl-C,
// a shell's for SIGINT.
const exitInterrupted = 130

// windows receives the window changes gliderlabs/ssh queues for a session
// with a terminal, from the session's start: they must always be received,
// or its request loop blocks on the next one. The returned channel keeps
// only the newest size not yet taken, and is closed when the session's
// requests end.
func windows(winch <-chan ssh.Window) <-chan Window {
	resize := make(chan Window, 1)
	go func() {
		defer close(resize)
		for w := range winch {
			select { // drop a size nobody took: it is stale
			case <-resize:
			default:
			}
			resize <- Window{Width: w.Width, Height: w.Height}
		}
	}()
	return resize
}

// withTerminal prepares a session whose client asked for a terminal. The
// client's terminal is raw then: it shows a bare LF as a line feed without
// a return, and sends Ctrl-C as a byte rather than a signal. (gliderlabs/ssh
// writes a terminal session's stdout with CRLF newlines already, but not
// its stderr.) A Terminal command gets the session as it is and the
// terminal's description; any other gets CRLF newlines on stderr too and
// no input, and its ctx ends when Ctrl-C (or Ctrl-\) is typed;
// interrupted reports whether it was.
func withTerminal(ctx context.Context, ss ssh.Session, sess *Session, pty ssh.Pty, resize <-chan Window, terminal bool) (_ context.Context, interrupted func() bool) {
	if terminal {
		sess.Term = &Terminal{Name: pty.Term, Width: pty.Window.Width, Height: pty.Window.Height, Resize: resize}
		return ctx, func() bool { return false }
	}
	sess.Stderr = crlf{sess.Stderr}
	sess.Stdin = strings.NewReader("")
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		// Ends when the session's input does, which is at its close.
		buf := make([]byte, 256)
		for {
			n, err := ss.Read(buf)
			if bytes.IndexByte(buf[:n], ctrlC) >= 0 || bytes.IndexByte(buf[:n], ctrlBackslash) >= 0 {
				cancel(errInterrupted)
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ctx, func() bool { return context.Cause(ctx) == errInterrupted }
}

var errInterrupted = interruptedError{}

type interruptedError struct{}

func (interruptedError) Error() string { return "interrupted from the terminal" }

// crlf writes its output for a raw terminal: every LF as CRLF.
type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	if bytes.IndexByte(p, '\n') < 0 {
		return c.w.Write(p)
	}
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte{'\n'}, []byte{'\r', '\n'})); err != nil {
		return 0, err
	}
	return len(p), nil
}
