package gitserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/store"
)

func TestPushCreatesAppAndRepo(t *testing.T) {
	// The hook's binary records what it was given; KYOZO_SECRET_TEST must
	// not reach it (the server's environment stays out of hooks).
	t.Setenv("KYOZO_SECRET_TEST", "leak")
	record := filepath.Join(t.TempDir(), "hook.env")
	fake := filepath.Join(t.TempDir(), "kyozo")
	os.WriteFile(fake, []byte("#!/bin/sh\necho \"args=$*\" > "+record+"\nenv >> "+record+"\ncat >> "+record+"\n"), 0o755)
	h := start(t, func(c *Config) {
		c.HookEnv = []string{"KYOZO_BIN=" + fake, "KYOZO_SOCKET=/run/kyozo.sock", "KYOZO_APP=forged"}
	})
	h.newKey("alice", false, true)
	w := h.workTree()
	commit := h.mustGit("", w, "rev-parse", "HEAD")

	r := h.git("alice", w, "push", h.url("web"), "main")
	if r.code != 0 {
		t.Fatalf("push: exit %d: %s", r.code, r.stderr)
	}
	ctx := context.Background()
	app, err := h.st.App(ctx, "web")
	if err != nil || app.Owner != "alice" {
		t.Fatalf("app = %+v, %v; want owned by alice", app, err)
	}
	if !h.repos.Exists("web") {
		t.Fatal("repository not created")
	}
	if head, err := h.repos.Head(ctx, "web", "main"); err != nil || head != commit {
		t.Errorf("Head = %s, %v; want %s", head, err, commit)
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the pre-receive hook did not run: %v", err)
	}
	env := string(b)
	fp := mustFingerprint(t, h, "alice")
	for _, want := range []string{"args=hook pre-receive", "KYOZO_APP=web\n", "KYOZO_PUSHER=alice\n", "KYOZO_PUSHER_FINGERPRINT=" + fp + "\n",
		"KYOZO_SOCKET=/run/kyozo.sock\n", "LANG=C\n", "HOME=" + h.repos.Root + "\n", " " + commit + " refs/heads/main"} {
		if !strings.Contains(env, want) {
			t.Errorf("hook input lacks %q:\n%s", want, env)
		}
	}
	if strings.Contains(env, "leak") || strings.Contains(env, "forged") {
		t.Errorf("hook environment holds what it must not:\n%s", env)
	}

	// The other spellings of the path reach the same app.
	c2 := h.commit(w, "b.txt", "b\n")
	h.mustGit("alice", w, "push", "-q", h.url("web.git"), "main")
	c3 := h.commit(w, "c.txt", "c\n")
	h.mustGit("alice", w, "push", "-q", fmt.Sprintf("ssh://git@127.0.0.1:%d/web.git/", h.port), "main")
	if head, _ := h.repos.Head(ctx, "web", "main"); head != c3 || c2 == c3 {
		t.Errorf("Head = %s, want %s", head, c3)
	}

	// Every session is logged: key, command, exit status, duration.
	if l := h.log.String(); !strings.Contains(l, "key=alice command=git-receive-pack app=web exit=0 duration=") {
		t.Errorf("no session log line:\n%s", l)
	}
}

func mustFingerprint(t *testing.T, h *harness, name string) string {
	keys, err := h.st.KeysList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.Name == name {
			return k.Fingerprint
		}
	}
	t.Fatalf("no key %s", name)
	return ""
}

func TestOwnershipAndClone(t *testing.T) {
	h := start(t, nil)
	h.newKey("alice", false, true)
	h.newKey("bob", false, true)
	h.newKey("root", true, true)
	w := h.workTree()
	h.mustGit("alice", w, "push", "-q", h.url("web"), "main")

	c2 := h.commit(w, "x.txt", "x\n")
	r := h.git("bob", w, "push", h.url("web"), "main")
	if r.code == 0 || !strings.Contains(r.stderr, "kyozo: permission denied: web belongs to alice") {
		t.Errorf("bob's push: exit %d, %s", r.code, r.stderr)
	}
	if head, _ := h.repos.Head(context.Background(), "web", "main"); head == c2 {
		t.Error("bob's push moved the branch")
	}
	r = h.git("root", w, "push", h.url("web"), "main")
	if r.code != 0 {
		t.Fatalf("admin push: exit %d: %s", r.code, r.stderr)
	}
	if head, _ := h.repos.Head(context.Background(), "web", "main"); head != c2 {
		t.Errorf("after the admin's push Head = %s, want %s", head, c2)
	}

	dst := filepath.Join(t.TempDir(), "clone")
	h.mustGit("alice", "", "clone", "-q", h.url("web"), dst)
	if got := h.mustGit("", dst, "rev-parse", "HEAD"); got != c2 {
		t.Errorf("clone HEAD = %s, want %s", got, c2)
	}
	// An incremental fetch, after one more push.
	c3 := h.commit(w, "y.txt", "y\n")
	h.mustGit("alice", w, "push", "-q", h.url("web"), "main")
	h.mustGit("alice", dst, "pull", "-q", "--ff-only")
	if got := h.mustGit("", dst, "rev-parse", "HEAD"); got != c3 {
		t.Errorf("after pull HEAD = %s, want %s", got, c3)
	}
	// The admin may clone; bob may not; nobody clones what does not exist.
	h.mustGit("root", "", "clone", "-q", h.url("web"), filepath.Join(t.TempDir(), "c"))
	r = h.git("bob", "", "clone", h.url("web"), filepath.Join(t.TempDir(), "c"))
	if r.code == 0 || !strings.Contains(r.stderr, "kyozo: permission denied: web belongs to alice") {
		t.Errorf("bob's clone: exit %d, %s", r.code, r.stderr)
	}
	r = h.git("alice", "", "clone", h.url("nope"), filepath.Join(t.TempDir(), "c"))
	if r.code == 0 || !strings.Contains(r.stderr, "kyozo: app nope does not exist") {
		t.Errorf("clone of nope: exit %d, %s", r.code, r.stderr)
	}
	if h.repos.Exists("nope") {
		t.Error("a clone created a repository")
	}
}

func TestRefusalsAreEvents(t *testing.T) {
	h := start(t, func(c *Config) { c.Events = c.Store.(store.Events) })
	h.newKey("alice", false, true)
	h.newKey("bob", false, true)
	h.newKey("root", true, true)
	w := h.workTree()
	h.mustGit("alice", w, "push", "-q", h.url("web"), "main")
	h.commit(w, "x.txt", "x\n")
	if r := h.git("bob", w, "push", h.url("web"), "main"); r.code == 0 {
		t.Fatal("bob's push was accepted")
	}
	if r := h.git("bob", "", "clone", h.url("web"), filepath.Join(t.TempDir(), "c")); r.code == 0 {
		t.Fatal("bob's clone was accepted")
	}
	// What is allowed, or refused before the app is known, is not a refusal.
	h.mustGit("root", w, "push", "-q", h.url("web"), "main")
	h.mustGit("alice", "", "clone", "-q", h.url("web"), filepath.Join(t.TempDir(), "c"))
	h.git("bob", "", "clone", h.url("nope"), filepath.Join(t.TempDir(), "c"))
	h.git("bob", w, "push", h.url("Bad_Name"), "main")

	ctx := context.Background()
	evs, err := h.st.EventsList(ctx, "web", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		if e.App != "web" || e.Time.IsZero() {
			t.Errorf("event %+v", e)
		}
		got = append(got, fmt.Sprintf("%s %s %s", e.Type, e.Actor, e.Message))
	}
	want := []string{"app alice created by a push", "permission bob push refused", "permission bob clone refused"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trail of web:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, app := range []string{"nope", "Bad_Name"} {
		if evs, _ := h.st.EventsList(ctx, app, 0); len(evs) != 0 {
			t.Errorf("events of %s: %+v", app, evs)
		}
	}
}

func TestBadAppName(t *testing.T) {
	h := start(t, nil)
	h.newKey("alice", false, true)
	w := h.workTree()
	for _, name := range []string{"Bad_Name", "9lives", "a/b"} {
		r := h.git("alice", w, "push", h.url(name), "main")
		want := fmt.Sprintf("kyozo: invalid app name %q: app names match ^[a-z][a-z0-9-]{0,62}$", name)
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("push to %s: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}
	// Straight over ssh, the exit status is the server's.
	r := h.ssh("alice", "", "git-receive-pack", "'/../etc'")
	if r.code != 1 || !strings.Contains(r.stderr, `kyozo: invalid app name "../etc"`) {
		t.Errorf("ssh git-receive-pack '/../etc': exit %d, %q", r.code, r.stderr)
	}
	apps, _ := h.st.AppsList(context.Background())
	ents, _ := os.ReadDir(h.repos.Root)
	if len(apps) != 0 || len(ents) != 0 {
		t.Errorf("apps %v, repositories %v: want none", apps, ents)
	}
}

func TestUnknownKeyRefused(t *testing.T) {
	h := start(t, nil)
	h.newKey("mallory", false, false) // a key the store does not know
	w := h.workTree()
	r := h.ssh("mallory", "", "help")
	if r.code != 255 {
		t.Errorf("ssh with an unknown key: exit %d, want 255 (%s)", r.code, r.stderr)
	}
	r = h.git("mallory", w, "push", h.url("web"), "main")
	if r.code == 0 {
		t.Error("push with an unknown key succeeded")
	}
	apps, _ := h.st.AppsList(context.Background())
	ents, _ := os.ReadDir(h.repos.Root)
	if len(apps) != 0 || len(ents) != 0 {
		t.Errorf("apps %v, repositories %v: want none", apps, ents)
	}
	if strings.Contains(h.log.String(), "ssh session") {
		t.Errorf("a session ran for an unknown key:\n%s", h.log)
	}
	// Password and keyboard-interactive are not offered at all.
	cmd := exec.Command("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "PubkeyAuthentication=no", "-p", fmt.Sprint(h.port), "git@127.0.0.1", "help")
	cmd.Env = h.env("")
	if r := run(t, cmd); r.code != 255 || !strings.Contains(r.stderr, "Permission denied (publickey)") {
		t.Errorf("ssh without a key: exit %d, %q", r.code, r.stderr)
	}
}

func TestKeysCommands(t *testing.T) {
	h := start(t, nil)
	h.newKey("root", true, true)
	h.newKey("alice", false, true)
	bobPub := h.newKey("bob", false, false)
	carolPub := h.newKey("carol", false, false)

	if r := h.ssh("alice", bobPub, "keys:add", "bob"); r.code != 1 || !strings.Contains(r.stderr, "kyozo: permission denied: alice is not an admin") {
		t.Errorf("keys:add by alice: %+v", r)
	}
	if r := h.ssh("bob", "", "help"); r.code != 255 {
		t.Errorf("bob before being added: exit %d", r.code)
	}
	r := h.ssh("root", "# bob's laptop\n\n"+bobPub+"\n", "keys:add", "bob")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "added deployer key bob SHA256:") {
		t.Fatalf("keys:add bob: %+v", r)
	}
	if r := h.ssh("bob", "", "help"); r.code != 0 {
		t.Errorf("bob after being added: %+v", r)
	}
	if r := h.ssh("root", carolPub, "keys:add", "--admin", "carol"); r.code != 0 || !strings.Contains(r.stdout, "added admin key carol") {
		t.Fatalf("keys:add --admin carol: %+v", r)
	}
	for _, c := range []struct {
		args  []string
		stdin string
		code  int
		err   string
	}{
		{[]string{"keys:add", "bob"}, carolPub, 1, "already exists"},
		{[]string{"keys:add", "dave"}, bobPub, 1, "already exists"},
		{[]string{"keys:add", "Dave"}, carolPub, 1, `invalid key name "Dave": key names match ^[a-z][a-z0-9._-]{0,62}$`},
		{[]string{"keys:add", "dave"}, "", 2, "no key on stdin"},
		{[]string{"keys:add", "dave"}, "ssh-ed25519 notbase64", 1, "not a public key"},
		{[]string{"keys:add", "dave"}, `command="/bin/sh" ` + bobPub, 1, "options"},
		{[]string{"keys:add"}, bobPub, 2, "usage: keys:add"},
		{[]string{"keys:add", "--force", "dave"}, bobPub, 2, "usage: keys:add"},
		{[]string{"keys:add", "a", "b"}, bobPub, 2, "usage: keys:add"},
		{[]string{"keys:remove"}, "", 2, "usage: keys:remove"},
		{[]string{"keys:remove", "nobody"}, "", 1, `no key named "nobody"`},
		{[]string{"keys:list", "extra"}, "", 2, "usage: keys:list"},
	} {
		if r := h.ssh("root", c.stdin, c.args...); r.code != c.code || !strings.Contains(r.stderr, c.err) {
			t.Errorf("%v: exit %d %q, want %d %q", c.args, r.code, r.stderr, c.code, c.err)
		}
	}

	r = h.ssh("carol", "", "keys:list")
	if r.code != 0 {
		t.Fatalf("keys:list: %+v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("keys:list:\n%s", r.stdout)
	}
	for i, want := range []string{"alice no", "bob no", "carol yes", "root yes"} {
		f := strings.Fields(lines[i+1])
		if len(f) != 3 || f[0]+" "+f[2] != want || !strings.HasPrefix(f[1], "SHA256:") {
			t.Errorf("keys:list line %q, want %q", lines[i+1], want)
		}
	}

	// Removing: a plain key, then admins down to the last one.
	if r := h.ssh("root", "", "keys:remove", "bob"); r.code != 0 || !strings.Contains(r.stdout, "removed key bob") {
		t.Errorf("keys:remove bob: %+v", r)
	}
	if r := h.ssh("bob", "", "help"); r.code == 0 {
		t.Error("bob still gets in after removal")
	}
	if r := h.ssh("carol", "", "keys:remove", "root"); r.code != 0 {
		t.Errorf("keys:remove root: %+v", r)
	}
	if r := h.ssh("carol", "", "keys:remove", "carol"); r.code != 1 || !strings.Contains(r.stderr, "carol is the last admin key") {
		t.Errorf("removing the last admin key: %+v", r)
	}
	if k, err := h.st.KeyByFingerprint(context.Background(), mustFingerprint(t, h, "carol")); err != nil || !k.Admin {
		t.Errorf("carol after the refused removal: %+v %v", k, err)
	}
}

// TestLastAdminRace removes two admins at once, each by the other: one
// removal may pass, never both.
func TestLastAdminRace(t *testing.T) {
	h := start(t, nil)
	h.newKey("a", true, true)
	h.newKey("b", true, true)
	for range 5 {
		done := make(chan result, 2)
		go func() { done <- h.ssh("a", "", "keys:remove", "b") }()
		go func() { done <- h.ssh("b", "", "keys:remove", "a") }()
		<-done
		<-done
		keys, _ := h.st.KeysList(context.Background())
		admins := 0
		for _, k := range keys {
			if k.Admin {
				admins++
			}
		}
		if admins == 0 {
			t.Fatal("no admin key left")
		}
		if admins == 2 {
			continue // both refused, rare: try again
		}
		return
	}
}

func TestHelpAndUnknown(t *testing.T) {
	ran := make(chan []string, 1)
	h := start(t, func(c *Config) {
		c.Commands = map[string]Command{
			"apps:list": {Usage: "apps:list", Summary: "list the apps", Run: func(_ context.Context, s *Session, args []string) int {
				fmt.Fprintf(s.Stdout, "hello %s\n", s.Key.Name)
				ran <- args
				return 0
			}},
			"apps:destroy": {Usage: "apps:destroy APP", Summary: "destroy an app", AdminOnly: true, Run: func(context.Context, *Session, []string) int { return 0 }},
			"boom":         {Run: func(context.Context, *Session, []string) int { panic("boom") }},
		}
	})
	h.newKey("alice", false, true)
	r := h.ssh("alice", "", "help")
	if r.code != 0 {
		t.Fatalf("help: %+v", r)
	}
	for _, want := range []string{"git-receive-pack 'APP'", "git-upload-pack 'APP'", "keys:add [--admin] NAME", "keys:list", "keys:remove NAME",
		"apps:list", "apps:destroy APP", "destroy an app (admin)", "help"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, r.stdout)
		}
	}
	if r2 := h.ssh("alice", ""); r2.code != 2 || r2.stdout != r.stdout {
		t.Errorf("no command: exit %d, output %q", r2.code, r2.stdout)
	}
	if r := h.ssh("alice", "", "deploy", "web"); r.code != 2 || !strings.Contains(r.stderr, `kyozo: unknown command "deploy" (try: ssh … help)`) {
		t.Errorf("unknown command: %+v", r)
	}
	if r := h.ssh("alice", "", "apps:destroy", "web"); r.code != 1 || !strings.Contains(r.stderr, "permission denied: alice is not an admin") {
		t.Errorf("admin command as alice: %+v", r)
	}
	if r := h.ssh("alice", "", "apps:list", "'a b'", "c"); r.code != 0 || r.stdout != "hello alice\n" {
		t.Errorf("apps:list: %+v", r)
	}
	if args := <-ran; len(args) != 2 || args[0] != "a b" || args[1] != "c" {
		t.Errorf("apps:list got %q", args)
	}
	if r := h.ssh("alice", "", "boom"); r.code != 1 || !strings.Contains(r.stderr, "kyozo: internal error") {
		t.Errorf("a panicking command: %+v", r)
	}
	if r := h.ssh("alice", "", "help"); r.code != 0 {
		t.Errorf("after a panic the server does not serve: %+v", r)
	}
	if r := h.ssh("alice", "", "help", "'unterminated"); r.code != 2 || !strings.Contains(r.stderr, "cannot parse command") {
		t.Errorf("unparsable command: %+v", r)
	}
	if l := h.log.String(); !strings.Contains(l, "command=deploy exit=2") {
		t.Errorf("unknown command not logged:\n%s", l)
	}
}

func TestMaxSessions(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	h := start(t, func(c *Config) {
		c.MaxSessions = 1
		c.Commands = map[string]Command{"wait": {Run: func(context.Context, *Session, []string) int {
			close(entered)
			<-release
			return 0
		}}}
	})
	h.newKey("alice", false, true)
	first := make(chan result, 1)
	go func() { first <- h.ssh("alice", "", "wait") }()
	<-entered
	if r := h.ssh("alice", "", "help"); r.code != 1 || !strings.Contains(r.stderr, "busy") {
		t.Errorf("second session: %+v", r)
	}
	close(release)
	if r := <-first; r.code != 0 {
		t.Errorf("first session: %+v", r)
	}
	if r := h.ssh("alice", "", "help"); r.code != 0 {
		t.Errorf("after the first ended: %+v", r)
	}
}

// TestDisconnectKillsHooks kills a client while its push waits in the
// pre-receive hook: the hook, its children and receive-pack must all die,
// and the branch must not move.
func TestDisconnectKillsHooks(t *testing.T) {
	h := start(t, nil)
	h.newKey("alice", false, true)
	w := h.workTree()
	h.mustGit("alice", w, "push", "-q", h.url("web"), "main")
	first := h.mustGit("", w, "rev-parse", "HEAD")

	pidfile := filepath.Join(t.TempDir(), "pids")
	hook := filepath.Join(h.repos.Path("web"), "hooks", "pre-receive")
	script := "#!/bin/sh\nsleep 300 &\necho \"$$ $!\" > " + pidfile + ".tmp\nmv " + pidfile + ".tmp " + pidfile + "\nwait\n"
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	h.commit(w, "slow.txt", "slow\n")
	push := exec.Command("git", "push", h.url("web"), "main")
	push.Dir = w
	push.Env = h.env("alice")
	push.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // git and its ssh, killed together
	if err := push.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	deadline := time.Now().Add(20 * time.Second)
	for len(pids) == 0 {
		if time.Now().After(deadline) {
			syscall.Kill(-push.Process.Pid, syscall.SIGKILL)
			t.Fatal("the hook never started")
		}
		if b, err := os.ReadFile(pidfile); err == nil {
			for _, f := range strings.Fields(string(b)) {
				var p int
				fmt.Sscan(f, &p)
				pids = append(pids, p)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	pgid, err := syscall.Getpgid(pids[0])
	if err != nil || pgid == os.Getpid() || pgid == push.Process.Pid {
		t.Fatalf("hook process group %d, %v", pgid, err)
	}

	syscall.Kill(-push.Process.Pid, syscall.SIGKILL)
	push.Wait()

	for _, p := range pids {
		waitGone(t, p)
	}
	// Nothing at all left in receive-pack's group.
	waitFor(t, func() bool { return len(groupMembers(pgid)) == 0 }, fmt.Sprintf("processes left in group %d", pgid))
	if head, _ := h.repos.Head(context.Background(), "web", "main"); head != first {
		t.Errorf("Head = %s after a killed push, want %s", head, first)
	}
	waitFor(t, func() bool { return strings.Contains(h.log.String(), "killed the git process group") }, "the kill was not logged")
}

// alive reports whether pid runs; a zombie (killed, not yet reaped by
// whoever inherited it) does not.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	waitFor(t, func() bool { return !alive(pid) }, fmt.Sprintf("process %d still runs", pid))
}

func waitFor(t *testing.T, ok func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// groupMembers lists the live processes of a process group.
func groupMembers(pgid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		if g, err := syscall.Getpgid(pid); err == nil && g == pgid && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

func TestHostKeyKept(t *testing.T) {
	st := &fakeStore{}
	path := filepath.Join(t.TempDir(), "keys", "host")
	cfg := Config{HostKeyPath: path, Store: st, Repos: &repoRoot}
	s1, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key file: %v %v", fi, err)
	}
	b1, _ := os.ReadFile(path)
	s2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(path)
	if string(b1) != string(b2) || s1.srv.HostSigners[0].PublicKey().Type() != "ssh-ed25519" ||
		string(s1.srv.HostSigners[0].PublicKey().Marshal()) != string(s2.srv.HostSigners[0].PublicKey().Marshal()) {
		t.Error("the host key changed between starts")
	}
}

func TestNewRejects(t *testing.T) {
	dir := t.TempDir()
	ok := Config{HostKeyPath: filepath.Join(dir, "k"), Store: &fakeStore{}, Repos: &repoRoot}
	run := func(context.Context, *Session, []string) int { return 0 }
	for name, mod := range map[string]func(*Config){
		"no store":       func(c *Config) { c.Store = nil },
		"no repos":       func(c *Config) { c.Repos = nil },
		"no host key":    func(c *Config) { c.HostKeyPath = "" },
		"bad hook env":   func(c *Config) { c.HookEnv = []string{"NOEQUALS"} },
		"shadow builtin": func(c *Config) { c.Commands = map[string]Command{"help": {Run: run}} },
		"no run":         func(c *Config) { c.Commands = map[string]Command{"x": {}} },
		"spaced name":    func(c *Config) { c.Commands = map[string]Command{"a b": {Run: run}} },
	} {
		c := ok
		mod(&c)
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
}

// fakeStore satisfies Store for tests that never authenticate anyone.
type fakeStore struct{ store.Keys }

func (*fakeStore) CreateApp(context.Context, store.App) error { return nil }
func (*fakeStore) DeleteApp(context.Context, string) error    { return nil }
func (*fakeStore) App(context.Context, string) (store.App, error) {
	return store.App{}, store.ErrNotFound
}
func (*fakeStore) AppsList(context.Context) ([]store.App, error) { return nil, nil }
