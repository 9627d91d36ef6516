package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

func TestRun(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "config:set", "shop", "TOKEN="+plainValue, "DATABASE_URL=postgres://mine").want(t, 0)
	rel := e.deploy("shop", "alice", commit1, time.Now())

	var spec runtime.ContainerSpec
	var id string
	e.rt.OnRun = func(s *runtimetest.Scripted, sp runtime.ContainerSpec, c runtime.Container) {
		spec, id = sp, c.ID
		s.Print(c.ID, "migrating", "done: 3 tables")
		s.Exit(c.ID, 3)
	}
	argv := []string{"sh", "-c", "echo $TOKEN; exit 3", "--not-a-flag", "it's"}
	r := e.run(alice, append([]string{"run", "shop", "web", "--"}, argv...)...)
	if r.code != 3 || r.stdout != "migrating\ndone: 3 tables\n" {
		t.Errorf("run exits with the container's code and streams its output:\n%s", r)
	}
	if !slices.Equal(spec.Cmd, argv) {
		t.Errorf("argv %q, want %q", spec.Cmd, argv)
	}
	if spec.Image != rel.Services["web"].Image || spec.Network != "kyozo-shop" || spec.Restart != "no" || len(spec.Aliases) != 0 {
		t.Errorf("spec %+v", spec)
	}
	if spec.Labels[runtime.LabelKind] != "run" || spec.Labels[runtime.LabelApp] != "shop" || spec.Labels[runtime.LabelService] != "web" {
		t.Errorf("labels %v", spec.Labels)
	}
	if !strings.HasPrefix(spec.Name, "kyozo-shop-web-run-") {
		t.Errorf("name %q", spec.Name)
	}
	// The service's environment: config (winning over the link), PORT,
	// and links with their generated secrets filled in.
	if spec.Env["TOKEN"] != plainValue || spec.Env["DATABASE_URL"] != "postgres://mine" || spec.Env["PORT"] != "8080" {
		t.Errorf("env %v", spec.Env)
	}
	if !slices.Contains(e.rt.Removed, id) {
		t.Error("the one-off container was not removed")
	}
	if strings.Contains(e.logs.String(), plainValue) || strings.Contains(e.logs.String(), "echo") {
		t.Errorf("the command line or a value was logged:\n%s", e.logs)
	}

	// Without --, the command line starts at the third argument.
	e.rt.OnRun = func(s *runtimetest.Scripted, sp runtime.ContainerSpec, c runtime.Container) {
		spec = sp
		s.Print(c.ID, "ok")
		s.Exit(c.ID, 0)
	}
	e.run(alice, "run", "shop", "worker", "ls", "-la").want(t, 0, "ok")
	if !slices.Equal(spec.Cmd, []string{"ls", "-la"}) || spec.Image != rel.Services["worker"].Image || spec.Env["PORT"] != "" {
		t.Errorf("spec %+v", spec)
	}
}

func TestRunLinksResolveSecrets(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	var env map[string]string
	e.rt.OnRun = func(s *runtimetest.Scripted, sp runtime.ContainerSpec, c runtime.Container) {
		env = sp.Env
		s.Exit(c.ID, 0)
	}
	e.run(alice, "run", "shop", "web", "true").want(t, 0)
	url := env["DATABASE_URL"]
	if !strings.HasPrefix(url, "postgres://postgres:") || strings.Contains(url, "${") {
		t.Fatalf("DATABASE_URL %q", url)
	}
	// The secret is the app's, sealed in the store, and the same next time.
	stored, err := e.st.Secret(e.ctx, "shop", "POSTGRES_PASSWORD", func() (string, error) { return "", errors.New("absent") })
	if err != nil || !strings.HasPrefix(stored, "kz1:") {
		t.Fatalf("stored secret %q %v", stored, err)
	}
	plain, _ := e.box.Open(stored)
	if !strings.Contains(url, ":"+plain+"@") {
		t.Errorf("DATABASE_URL %q does not hold the app's secret", url)
	}
}

func TestRunFailures(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.run(alice, "run", "shop", "web", "true").want(t, 1, "shop has no release yet")
	e.deploy("shop", "alice", commit1, time.Now())

	e.run(alice, "run", "shop", "web").want(t, 2, "usage: run APP SERVICE [--] CMD")
	e.run(alice, "run", "shop", "web", "--").want(t, 2, "usage: run")
	e.run(alice, "run", "shop", "Web", "true").want(t, 2, `invalid service name "Web"`)
	e.run(alice, "run", "shop", "api", "true").want(t, 1, `no service "api"`)

	e.rt.RunErr = errors.New("no space left")
	e.run(alice, "run", "shop", "web", "true").want(t, 1, "cannot start a container of web: no space left")
	e.rt.RunErr = nil

	// The client leaving stops and removes the container.
	var id string
	started := make(chan struct{})
	e.rt.OnRun = func(s *runtimetest.Scripted, sp runtime.ContainerSpec, c runtime.Container) {
		id = c.ID
		s.Print(c.ID, "serving forever")
		close(started)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	out := &syncbuf.Buffer{}
	done := make(chan result)
	go func() { done <- e.runCtx(ctx, alice, out, "run", "shop", "web", "sleep", "infinity") }()
	<-started
	out.WaitFor(t, "serving forever", 10*time.Second)
	cancel()
	select {
	case r := <-done:
		if r.code != 1 {
			t.Errorf("%s", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return when the client left")
	}
	if !slices.Contains(e.rt.Removed, id) {
		t.Error("the one-off container outlived its client")
	}
}

func TestRunAttachesTheClient(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	// The container's command: reads its input, and says what terminal
	// it has.
	oneOffs := new(OneOffs)
	cmds := New(Deps{Store: e.st, Runtime: e.rt, Repos: e.repos, Box: e.box, Queue: e.q, Canceller: e.q, Domain: "kyozo.test", OneOffs: oneOffs})
	e.cmds["run"] = cmds["run"]
	var spec runtime.ContainerSpec
	e.rt.OnAttach = func(sp runtime.ContainerSpec, stdio runtime.Stdio) int {
		spec = sp
		if !oneOffs.Attached(sp.Name) {
			t.Errorf("%s is not recorded as attached while it runs", sp.Name)
		}
		in, _ := io.ReadAll(stdio.Stdin)
		fmt.Fprintf(stdio.Stdout, "read %q\n", in)
		if stdio.TTY == nil {
			fmt.Fprintln(stdio.Stderr, "no terminal")
			return 4
		}
		w := <-stdio.Resize
		fmt.Fprintf(stdio.Stdout, "terminal %dx%d, then %dx%d\n", stdio.TTY.Width, stdio.TTY.Height, w.Width, w.Height)
		return 0
	}
	run := func(term *gitserver.Terminal, stdin string) result {
		t.Helper()
		stdout, stderr := &syncbuf.Buffer{}, &syncbuf.Buffer{}
		sess := &gitserver.Session{Key: alice, Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr, Term: term}
		code := e.cmds["run"].Run(e.ctx, sess, []string{"shop", "web", "--", "sh"})
		return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}

	// ssh kyozo run shop web -- sh < script.sh
	r := run(nil, "echo hi\n")
	r.want(t, 4, `read "echo hi\n"`, "no terminal")
	if _, ok := spec.Env["TERM"]; ok {
		t.Errorf("TERM set without a terminal: %q", spec.Env["TERM"])
	}

	// ssh -t kyozo run shop web -- sh
	resize := make(chan gitserver.Window, 1)
	resize <- gitserver.Window{Width: 132, Height: 50}
	r = run(&gitserver.Terminal{Name: "xterm-256color", Width: 100, Height: 30, Resize: resize}, "ls\r")
	r.want(t, 0, `read "ls\r"`, "terminal 100x30, then 132x50")
	if spec.Env["TERM"] != "xterm-256color" {
		t.Errorf("TERM = %q, want the client's", spec.Env["TERM"])
	}
	resize = make(chan gitserver.Window, 1)
	resize <- gitserver.Window{Width: 80, Height: 24}
	run(&gitserver.Terminal{Name: "xterm\nEVIL=1", Width: 80, Height: 24, Resize: resize}, "").want(t, 0)
	if term, ok := spec.Env["TERM"]; ok {
		t.Errorf("a TERM that is no terminal type was passed on: %q", term)
	}
	if left, _ := e.rt.List(e.ctx, map[string]string{runtime.LabelKind: "run"}); len(left) != 0 {
		t.Errorf("one-off containers left: %v", left)
	}
	if oneOffs.Attached(spec.Name) {
		t.Errorf("%s is still recorded as attached after run", spec.Name)
	}
}
