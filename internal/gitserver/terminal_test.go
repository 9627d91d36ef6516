package gitserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// terminalSession opens a session as key with a terminal (as ssh -t does)
// of 80×24 named xterm, and starts cmd in it.
func (h *harness) terminalSession(key, cmd string) (s *gossh.Session, stdin io.WriteCloser, stdout, stderr *bufio.Reader) {
	h.t.Helper()
	pem, err := os.ReadFile(h.keys[key])
	if err != nil {
		h.t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		h.t.Fatal(err)
	}
	client, err := gossh.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", h.port), &gossh.ClientConfig{
		User: "git", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { client.Close() })
	s, err = client.NewSession()
	if err != nil {
		h.t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
		h.t.Fatalf("terminal refused: %v", err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	errOut, err := s.StderrPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	if err := s.Start(cmd); err != nil {
		h.t.Fatal(err)
	}
	return s, in, bufio.NewReader(out), bufio.NewReader(errOut)
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read %q: %v", line, err)
	}
	return line
}

// exitCode waits for a session's end and returns its exit status.
func exitCode(t *testing.T, s *gossh.Session) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Wait() }()
	select {
	case err := <-done:
		var ee *gossh.ExitError
		if errors.As(err, &ee) {
			return ee.ExitStatus()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatal("the session did not end")
		return -1
	}
}

func TestTerminalCommandGetsTheTerminal(t *testing.T) {
	h := start(t, func(c *Config) {
		c.Commands = map[string]Command{
			"shell": {Terminal: true, Run: func(_ context.Context, s *Session, _ []string) int {
				if s.Term == nil {
					fmt.Fprintln(s.Stdout, "no terminal")
					return 1
				}
				fmt.Fprintf(s.Stdout, "term %s %dx%d\n", s.Term.Name, s.Term.Width, s.Term.Height)
				line, _ := bufio.NewReader(s.Stdin).ReadString('\r')
				fmt.Fprintf(s.Stdout, "typed %q\n", line)
				for w := range s.Term.Resize {
					if w.Width == 132 {
						fmt.Fprintf(s.Stdout, "resized %dx%d\n", w.Width, w.Height)
						return 0
					}
				}
				return 1
			}},
		}
	})
	h.newKey("alice", false, true)
	s, in, out, _ := h.terminalSession("alice", "shell")
	// gliderlabs/ssh writes a terminal session's stdout with CRLF.
	if got := readLine(t, out); got != "term xterm 80x24\r\n" {
		t.Errorf("first line %q", got)
	}
	io.WriteString(in, "ls -l\r")
	if got := readLine(t, out); got != `typed "ls -l\r"`+"\r\n" {
		t.Errorf("input reached the command as %q", got)
	}
	if err := s.WindowChange(50, 132); err != nil {
		t.Fatal(err)
	}
	if got := readLine(t, out); got != "resized 132x50\r\n" {
		t.Errorf("after a window change: %q", got)
	}
	if code := exitCode(t, s); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestOtherCommandsInATerminal(t *testing.T) {
	read := make(chan string, 1)
	h := start(t, func(c *Config) {
		c.Commands = map[string]Command{
			"follow": {Run: func(ctx context.Context, s *Session, _ []string) int {
				if s.Term != nil {
					fmt.Fprintln(s.Stdout, "a terminal it does not drive")
				}
				b, _ := io.ReadAll(s.Stdin)
				read <- string(b)
				fmt.Fprint(s.Stdout, "first\nsecond\n")
				fmt.Fprint(s.Stderr, "warn\nings\n")
				<-ctx.Done() // as logs -t does, until the user stops it
				return 0
			}},
		}
	})
	h.newKey("alice", false, true)
	s, in, out, errOut := h.terminalSession("alice", "follow")
	if got := <-read; got != "" {
		t.Errorf("the command read %q: its input is the user's keystrokes", got)
	}
	// A raw terminal needs CRLF to start the next line at its left.
	if got := readLine(t, out) + readLine(t, out); got != "first\r\nsecond\r\n" {
		t.Errorf("output %q", got)
	}
	if got := readLine(t, errOut); got != "warn\r\n" {
		t.Errorf("error output %q", got)
	}
	for i := range 3 { // window changes nobody asked about do not block the session
		if err := s.WindowChange(30+i, 100); err != nil {
			t.Fatal(err)
		}
	}
	io.WriteString(in, "q\x03")
	if code := exitCode(t, s); code != exitInterrupted {
		t.Errorf("after Ctrl-C: exit %d, want %d", code, exitInterrupted)
	}
	if l := h.log.String(); !strings.Contains(l, "command=follow exit=130") {
		t.Errorf("interrupted command not logged:\n%s", l)
	}
}
