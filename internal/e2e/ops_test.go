package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/testutil/dockertest"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

// ssh runs a Kyozo command over ssh with a key and returns its output.
func (k *kyozo) ssh(key string, args ...string) (string, error) {
	out, err := k.sshCmd(context.Background(), key, args...).CombinedOutput()
	return string(out), err
}

// sshCmd is `ssh [SSHFLAG…] kyozo ARG…` as key; args up to a "kyozo" one
// are the ssh client's own flags (-tt).
func (k *kyozo) sshCmd(ctx context.Context, key string, args ...string) *exec.Cmd {
	argv := []string{"-i", key, "-p", fmt.Sprint(k.sshPort), "-o", "IdentitiesOnly=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"}
	if i := slices.Index(args, "kyozo"); i >= 0 {
		argv, args = append(argv, args[:i]...), args[i+1:]
	}
	argv = append(append(argv, "kyozo@127.0.0.1"), args...)
	return exec.CommandContext(ctx, "ssh", argv...)
}

func (k *kyozo) mustSSH(args ...string) string {
	k.t.Helper()
	out, err := k.ssh(k.key, args...)
	if err != nil {
		k.t.Fatalf("ssh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// writeCGIApp writes one web service: busybox httpd with CGI scripts that
// show the replica, a config variable, and a round trip to its Redis.
func writeCGIApp(t *testing.T, dir, version string) {
	t.Helper()
	files := map[string]string{
		"Dockerfile": "FROM " + dockertest.BusyboxImage + "\n" +
			"COPY www /www\nRUN chmod +x /www/cgi-bin/*\nEXPOSE 8080\n" +
			"CMD [\"httpd\", \"-f\", \"-vv\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
		"www/index.html":      version + "\n",
		"www/health":          "ok\n",
		"www/cgi-bin/whoami":  "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nhostname\n",
		"www/cgi-bin/env":     "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\necho \"GREETING=$GREETING\"\n",
		"www/cgi-bin/counter": "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nprintf 'INCR visits\\r\\n' | nc redis 6379 | tr -d ':\\r'\n",
		// The topology reads that the app uses Redis from its example env.
		".env.example": "REDIS_URL=redis://redis:6379\n",
	}
	writeFiles(t, dir, files)
}

// load runs requests until stop is closed and counts failures.
type load struct {
	t                *testing.T
	stop             chan struct{}
	wg               sync.WaitGroup
	requests, failed atomic.Int64
	last             atomic.Value
}

func (k *kyozo) startLoad(host string, workers int) *load {
	l := &load{t: k.t, stop: make(chan struct{})}
	for range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				code, _, err := k.get(host, "/")
				l.requests.Add(1)
				if err != nil || code != http.StatusOK {
					l.failed.Add(1)
					l.last.Store(fmt.Sprintf("%d %v", code, err))
				}
			}
		}()
	}
	return l
}

// end stops the loop; a loop that made no request proves nothing, and
// fails the test.
func (l *load) end() (requests, failed int64) {
	close(l.stop)
	l.wg.Wait()
	if l.requests.Load() == 0 {
		l.t.Error("the request loop made no request")
	}
	return l.requests.Load(), l.failed.Load()
}

func TestDayToDay(t *testing.T) {
	k := startKyozo(t)
	dir := t.TempDir()
	k.git(dir, k.key, "init", "-q", "-b", "main")
	k.git(dir, k.key, "remote", "add", "kyozo", k.remote("shop"))
	push := func(version string) {
		t.Helper()
		writeCGIApp(t, dir, version)
		commit(t, k, dir, version)
		if out, err := k.git(dir, k.key, "push", "kyozo", "main"); err != nil {
			t.Fatalf("push %s: %v\n%s", version, err, out)
		}
	}
	host := "shop.localhost"
	push("v1")
	push("v2")
	if got := k.mustGet(host, "/"); got != "v2\n" {
		t.Fatalf("v2 serves %q", got)
	}

	// Linked to Redis: the service reaches its backing service by name.
	if a, b := k.mustGet(host, "/cgi-bin/counter"), k.mustGet(host, "/cgi-bin/counter"); strings.TrimSpace(b) == "" || a == b {
		t.Errorf("redis counter did not count: %q then %q", a, b)
	}
	if out := k.mustSSH("services", "shop"); !strings.Contains(out, "redis") || !strings.Contains(out, "running") {
		t.Errorf("services:\n%s", out)
	}

	// Roll back to v1 and forward again, without a build, under load.
	start := time.Now()
	out := k.mustSSH("rollback", "shop", "v1")
	rollbackTime := time.Since(start)
	if !strings.Contains(out, "Rolling shop back to v1") || strings.Contains(out, "Building") {
		t.Errorf("rollback output:\n%s", out)
	}
	if got := k.mustGet(host, "/"); got != "v1\n" {
		t.Errorf("after rollback: %q", got)
	}
	if out := k.mustSSH("releases", "shop"); !strings.Contains(out, "v3") || !strings.Contains(out, "Rollback to v1") {
		t.Errorf("releases:\n%s", out)
	}

	// Ten rollbacks in a row under steady load: no request fails.
	l := k.startLoad(host, 3)
	var times []time.Duration
	for i := range 10 {
		target := []string{"v2", "v1"}[i%2]
		s := time.Now()
		k.mustSSH("rollback", "shop", target)
		times = append(times, time.Since(s))
		if got := k.mustGet(host, "/"); got != target+"\n" {
			t.Errorf("rollback %d to %s serves %q", i, target, got)
		}
	}
	reqs, failed := l.end()
	t.Logf("FIGURE rollback: first %s; 10 rollbacks under load: %v; %d requests, %d failed", rollbackTime, times, reqs, failed)
	if failed != 0 {
		t.Errorf("%d of %d requests failed during 10 rollbacks; last: %v", failed, reqs, l.last.Load())
	}

	// config:set makes a release whose containers see the variable, with
	// zero failed requests; values are masked unless asked for.
	l = k.startLoad(host, 3)
	s := time.Now()
	out = k.mustSSH("config:set", "shop", "'GREETING=hello from kyozo'")
	configTime := time.Since(s)
	reqs, failed = l.end()
	t.Logf("FIGURE config:set: %s, %d requests, %d failed", configTime, reqs, failed)
	if failed != 0 {
		t.Errorf("%d of %d requests failed during config:set; last: %v", failed, reqs, l.last.Load())
	}
	if got := k.mustGet(host, "/cgi-bin/env"); !strings.Contains(got, "GREETING=hello from kyozo") {
		t.Errorf("the container does not see the config: %q\n%s", got, out)
	}
	if out := k.mustSSH("config", "shop"); strings.Contains(out, "hello from kyozo") || !strings.Contains(out, "GREETING") {
		t.Errorf("config shows a value unmasked:\n%s", out)
	}
	if out := k.mustSSH("config:get", "shop", "GREETING"); strings.TrimSpace(out) != "hello from kyozo" {
		t.Errorf("config:get: %q", out)
	}
	if strings.Contains(k.log.String(), "hello from kyozo") {
		t.Error("a config value appears in the daemon's log")
	}

	// Scale to 3: responses come from all 3 replicas.
	k.mustSSH("ps:scale", "shop", "shop=3")
	seen := map[string]bool{}
	for range 60 {
		seen[strings.TrimSpace(k.mustGet(host, "/cgi-bin/whoami"))] = true
	}
	if len(seen) != 3 {
		t.Errorf("responses from %d replicas, want 3: %v", len(seen), seen)
	}
	if out := k.mustSSH("ps", "shop"); strings.Count(out, "running") < 3 {
		t.Errorf("ps:\n%s", out)
	}

	// A custom domain reaches the main web service at once, and stops
	// when it is removed.
	k.mustSSH("domains:add", "shop", "www.shop.example")
	if got, want := k.mustGet("www.shop.example", "/"), k.mustGet(host, "/"); got != want {
		t.Errorf("www.shop.example serves %q, shop.localhost %q", got, want)
	}
	if out := k.mustSSH("domains", "shop"); !strings.Contains(out, "www.shop.example") || !strings.Contains(out, "custom") {
		t.Errorf("domains:\n%s", out)
	}
	k.mustSSH("domains:remove", "shop", "www.shop.example")
	if code, body, err := k.get("www.shop.example", "/"); err != nil || code != http.StatusNotFound {
		t.Errorf("a removed domain: %d %q %v", code, body, err)
	}

	// run: a one-off container with the app's config, reading the
	// client's input (a script here), exiting with the script's code.
	runSh := k.sshCmd(context.Background(), k.key, "run", "shop", "shop", "--", "sh")
	runSh.Stdin = strings.NewReader("echo \"greeting: $GREETING\"\nexit 7\n")
	out2, err := runSh.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 || !strings.Contains(string(out2), "greeting: hello from kyozo") {
		t.Errorf("run with a script on stdin: %v\n%s", err, out2)
	}
	// ssh -t: the container gets a terminal, which echoes what is typed.
	runTTY := k.sshCmd(context.Background(), k.key, "-tt", "kyozo", "run", "shop", "shop", "--", "sh")
	typist, _ := runTTY.StdinPipe()
	var screen bytes.Buffer
	runTTY.Stdout, runTTY.Stderr = &screen, &screen
	if err := runTTY.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(typist, "tty; echo $TERM; exit 5\r")
	err = runTTY.Wait()
	typist.Close()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 5 || !strings.Contains(screen.String(), "/dev/pts/") {
		t.Errorf("run in a terminal: %v\n%q", err, screen.String())
	}
	left, _ := exec.Command(dockertest.Need(t), "ps", "-a", "--filter", "label=kyozo.app=shop", "--filter", "label=kyozo.kind=run", "--format", "{{.Names}}").Output()
	if len(bytes.TrimSpace(left)) != 0 {
		t.Errorf("one-off containers left: %s", left)
	}

	// logs -t receives a line the app prints after the command started.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := k.sshCmd(ctx, k.key, "logs", "shop", "-t", "-n", "1")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "/after-the-command-started") {
				got <- sc.Text()
				return
			}
		}
		close(got)
	}()
	time.Sleep(2 * time.Second)
	for range 3 {
		k.get(host, "/after-the-command-started")
	}
	select {
	case line := <-got:
		if !strings.Contains(line, "|") {
			t.Errorf("log line without its replica prefix: %q", line)
		}
	case <-time.After(20 * time.Second):
		t.Error("logs -t did not show a line printed after it started")
	}
	cancel()
	cmd.Wait()

	// Another key: refused on every command of the app.
	bob := sshKey(t, t.TempDir(), "bob")
	pub, _ := os.ReadFile(bob + ".pub")
	addKey := k.sshCmd(context.Background(), k.key, "keys:add", "bob")
	addKey.Stdin = strings.NewReader(string(pub))
	if out, err := addKey.CombinedOutput(); err != nil {
		t.Fatalf("keys:add bob: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"apps:info", "shop"}, {"releases", "shop"}, {"rollback", "shop"}, {"config", "shop"},
		{"config:set", "shop", "A=1"}, {"ps", "shop"}, {"ps:scale", "shop", "shop=1"}, {"ps:restart", "shop"},
		{"logs", "shop"}, {"run", "shop", "shop", "--", "true"}, {"services", "shop"}, {"apps:destroy", "shop", "--force"},
	} {
		out, err := k.ssh(bob, args...)
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(out, "permission denied") {
			t.Errorf("bob %v: %v\n%s", args, err, out)
		}
	}

	// The owner destroys it: nothing of it is left on the engine.
	out = k.mustSSH("apps:destroy", "shop", "--force", "--purge")
	for _, want := range []string{"Removed volume", "Removed the network", "Destroyed shop"} {
		if !strings.Contains(out, want) {
			t.Errorf("apps:destroy output lacks %q:\n%s", want, out)
		}
	}
	docker := dockertest.Need(t)
	for _, ls := range [][]string{
		{"ps", "-a", "--filter", "label=kyozo.app=shop", "--format", "{{.Names}}"},
		{"volume", "ls", "--filter", "label=kyozo.app=shop", "--format", "{{.Name}}"},
		{"network", "ls", "--filter", "name=^kyozo-shop$", "--format", "{{.Name}}"},
	} {
		if left, err := exec.Command(docker, ls...).Output(); err != nil || len(bytes.TrimSpace(left)) != 0 {
			t.Errorf("after apps:destroy, docker %s: %v %s", ls[0], err, left)
		}
	}
}

// TestKillDuringDeploy kills kyozo serve (kill -9) in the middle of a
// deploy and starts it again: the deploy is retried or the previous
// release keeps serving, and no container is left that nobody owns.
func TestKillDuringDeploy(t *testing.T) {
	k := startKyozo(t)
	dir := t.TempDir()
	k.git(dir, k.key, "init", "-q", "-b", "main")
	k.git(dir, k.key, "remote", "add", "kyozo", k.remote("shop"))
	writeCGIApp(t, dir, "v1")
	commit(t, k, dir, "v1")
	if out, err := k.git(dir, k.key, "push", "kyozo", "main"); err != nil {
		t.Fatalf("push v1: %v\n%s", err, out)
	}
	// A one-off container is running when the daemon dies: nobody is
	// attached to it after the restart, so it goes too.
	docker := dockertest.Need(t)
	oneOff := k.sshCmd(context.Background(), k.key, "run", "shop", "shop", "--", "sleep", "600")
	oneOff.Start()
	oneOffs := func() string {
		out, _ := exec.Command(docker, "ps", "-a", "--filter", "label=kyozo.app=shop", "--filter", "label=kyozo.kind=run", "--format", "{{.Names}}").Output()
		return strings.TrimSpace(string(out))
	}
	for wait := time.Now().Add(30 * time.Second); oneOffs() == "" && time.Now().Before(wait); time.Sleep(100 * time.Millisecond) {
	}
	if oneOffs() == "" {
		t.Fatal("the one-off container never started")
	}

	writeCGIApp(t, dir, "v2")
	commit(t, k, dir, "v2")
	cmd := exec.Command("git", "push", "kyozo", "main")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_SSH_COMMAND=ssh -i "+k.key+" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR")
	var out syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Start()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "Building") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "Building") {
		t.Fatalf("the deploy never reached its build, so a kill would not be mid-deploy:\n%s", out.String())
	}
	k.cmd.Process.Signal(syscall.SIGKILL)
	k.cmd.Wait()
	k.cmd = nil
	cmd.Wait()
	oneOff.Wait()
	if oneOffs() == "" {
		t.Fatal("the one-off container went with the daemon; nothing is left to test")
	}
	k.start()
	for wait := time.Now().Add(60 * time.Second); oneOffs() != "" && time.Now().Before(wait); time.Sleep(250 * time.Millisecond) {
	}
	if left := oneOffs(); left != "" {
		t.Errorf("one-off containers left after the restart: %s", left)
	}

	// The interrupted deploy is retried (asynq hands it back once its
	// lease expires): follow it to its end, then the app serves v2 or, if
	// the retry failed, v1, and every Kyozo container of it is owned.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	follow := k.sshCmd(ctx, k.key, "logs", "--build", "shop")
	job, _ := follow.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the interrupted deploy never ended:\n%s", job)
	}
	last := strings.TrimSpace(string(job))
	if i := strings.LastIndexByte(last, '\n'); i >= 0 {
		last = last[i+1:]
	}
	_, body, _ := k.get("shop.localhost", "/")
	switch {
	case strings.Contains(last, "Deployed shop v2"):
		if body != "v2\n" {
			t.Errorf("the retried deploy succeeded but the app serves %q", body)
		}
		// The pushed commit is kept: the branch on the server is v2's.
		v2, _ := k.git(dir, k.key, "rev-parse", "HEAD")
		if remote, err := k.git(dir, k.key, "ls-remote", "kyozo", "refs/heads/main"); err != nil || !strings.HasPrefix(remote, strings.TrimSpace(v2)) {
			t.Errorf("after the retried deploy, the server's main is %q (%v), want %s", remote, err, v2)
		}
	case body != "v1\n":
		t.Errorf("the retried deploy ended with %q and the app serves %q, not v1", last, body)
	}
	// The old release's containers retire after the drain and their stop
	// timeout (busybox httpd, as PID 1, ignores SIGTERM: 10 s).
	n := -1
	for wait := time.Now().Add(45 * time.Second); time.Now().Before(wait); time.Sleep(time.Second) {
		if n = orphans(t, k); n == 0 {
			break
		}
	}
	if n != 0 {
		t.Errorf("%d containers nobody owns after the restart", n)
	}
	t.Logf("FIGURE kill -9 mid-deploy, restart: the job ended with %q; the app serves %q", last, strings.TrimSpace(body))
}

// orphans counts the app's service containers that its state does not list.
func orphans(t *testing.T, k *kyozo) int {
	docker := dockertest.Need(t)
	ps, err := exec.Command(docker, "ps", "-a", "--filter", "label=kyozo.app=shop", "--filter", "label=kyozo.kind=service", "--format", "{{.ID}}").Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	resp, err := http.Get("http://" + k.api + "/api/v1/apps")
	if err != nil {
		return -1
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	n := 0
	for _, id := range strings.Fields(string(ps)) {
		if !strings.Contains(string(b), id) {
			n++
		}
	}
	return n
}
