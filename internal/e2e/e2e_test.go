// Package e2e tests `kyozo serve` as a user meets it: the built binary, a
// real redis-server, the real Docker engine, the real git and ssh clients.
package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/testutil/dockertest"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

// kyozo is a running `kyozo serve` and what a user needs to reach it.
type kyozo struct {
	t       *testing.T
	bin     string
	env     []string
	dataDir string
	sshPort int
	router  string // 127.0.0.1:PORT
	api     string
	cmd     *exec.Cmd
	log     *syncbuf.Buffer
	key     string // private key of the admin
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func buildKyozo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kyozo")
	cmd := exec.Command("go", "build", "-race", "-o", bin, "github.com/kyozo/kyozo/cmd/kyozo")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func sshKey(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return path
}

// startKyozo runs kyozo serve, with env (KYOZO_…=…) added to the test's
// settings, and waits until its listeners answer.
func startKyozo(t *testing.T, env ...string) *kyozo {
	t.Helper()
	needTools(t)
	base := dockertest.Busybox(t)
	k := &kyozo{t: t, bin: buildKyozo(t), dataDir: t.TempDir()}
	k.sshPort = freePort(t)
	k.router = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	k.api = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	k.env = append(os.Environ(),
		"KYOZO_DATA_DIR="+k.dataDir,
		"KYOZO_REDIS_URL="+redistest.Start(t),
		fmt.Sprintf("KYOZO_SSH_ADDR=127.0.0.1:%d", k.sshPort),
		"KYOZO_ROUTER_ADDR="+k.router,
		"KYOZO_HTTP_ADDR="+k.api,
		"KYOZO_IMAGE_SHELL="+base,
		"KYOZO_IMAGE_HEALTHCHECK="+base,
		"KYOZO_BACKING_IMAGE_REDIS="+dockertest.Redis(t),
		"KYOZO_HEALTH_TIMEOUT=25s",
		"KYOZO_DRAIN_TIMEOUT=5s",
		"KYOZO_WORKER_SETTLE=2s",
		"KYOZO_SHUTDOWN_TIMEOUT=20s",
	)
	k.env = append(k.env, env...)
	k.key = sshKey(t, t.TempDir(), "alice")
	pub, _ := os.ReadFile(k.key + ".pub")
	k.run(bytes.NewReader(pub), "keys", "add", "--admin", "alice")
	k.start()
	t.Cleanup(func() {
		k.stop()
		removeApps(t)
		if t.Failed() {
			t.Logf("kyozo serve log:\n%s", k.log.String())
		}
	})
	return k
}

func needTools(t *testing.T) {
	for _, tool := range []string{"git", "ssh", "ssh-keygen", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI needs %s", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

func (k *kyozo) run(stdin io.Reader, args ...string) string {
	k.t.Helper()
	cmd := exec.Command(k.bin, args...)
	cmd.Env, cmd.Stdin = k.env, stdin
	out, err := cmd.CombinedOutput()
	if err != nil {
		k.t.Fatalf("kyozo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (k *kyozo) start() {
	k.t.Helper()
	k.log = &syncbuf.Buffer{}
	k.cmd = exec.Command(k.bin, "serve")
	k.cmd.Env, k.cmd.Stdout, k.cmd.Stderr = k.env, k.log, k.log
	if err := k.cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + k.api + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	k.t.Fatalf("kyozo serve did not become ready:\n%s", k.log.String())
}

// stop sends SIGTERM and waits for the ordered shutdown.
func (k *kyozo) stop() {
	if k.cmd == nil || k.cmd.Process == nil {
		return
	}
	k.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- k.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		k.cmd.Process.Kill()
		<-done
	}
	k.cmd = nil
}

// git runs git with Kyozo's SSH key and returns its combined output and error.
func (k *kyozo) git(dir string, key string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_SSH_COMMAND=ssh -i "+key+" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
	)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (k *kyozo) remote(app string) string {
	return fmt.Sprintf("ssh://kyozo@127.0.0.1:%d/%s", k.sshPort, app)
}

// get fetches a path through the router with a Host header.
func (k *kyozo) get(host, path string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodGet, "http://"+k.router+path, nil)
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (k *kyozo) mustGet(host, path string) string {
	k.t.Helper()
	code, body, err := k.get(host, path)
	if err != nil || code != http.StatusOK {
		k.t.Fatalf("GET %s%s: %d %v %q", host, path, code, err, body)
	}
	return body
}

// removeApps removes what the test's deploys left in Docker.
func removeApps(t *testing.T) {
	docker := dockertest.Need(t)
	out, _ := exec.Command(docker, "ps", "-aq", "--filter", "label=kyozo.app=shop").Output()
	for _, id := range strings.Fields(string(out)) {
		exec.Command(docker, "rm", "-f", id).Run()
	}
	out, _ = exec.Command(docker, "images", "-q", "kyozo/shop-*").Output()
	for _, id := range strings.Fields(string(out)) {
		exec.Command(docker, "rmi", "-f", id).Run()
	}
	exec.Command(docker, "network", "rm", "kyozo-shop").Run()
}

// writeApp writes the two-service app: web has its own Dockerfile FROM
// the local busybox image; api is a shell service whose Dockerfile Kyozo
// generates with its base image pointed at the same local image.
func writeApp(t *testing.T, dir, webText, apiText, apiStart string) {
	t.Helper()
	files := map[string]string{
		"web/Dockerfile": "FROM " + dockertest.BusyboxImage + "\n" +
			"COPY www /www\nEXPOSE 8080\nHEALTHCHECK CMD wget -q -O /dev/null http://127.0.0.1:8080/health\n" +
			"CMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
		"web/www/index.html":      webText,
		"web/www/health":          "ok\n",
		"api/start.sh":            apiStart,
		"api/public/index.html":   apiText,
		"api/public/health":       "ok\n",
		"api/nohealth/index.html": "no health here\n",
	}
	writeFiles(t, dir, files)
}

// writeFiles writes files (slash paths → contents) under dir, executable,
// so a script needs no chmod.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

const apiStart = "#!/bin/sh\n# The platform checks \"/health\".\nexec httpd -f -p \"${PORT:-8080}\" -h ./public\n"

// apiBroken serves a folder without the health file: it runs, but its
// health check (GET /health) answers 404 until the deploy gives up.
const apiBroken = "#!/bin/sh\n# The platform checks \"/health\"; this release never answers it.\nexec httpd -f -p \"${PORT:-8080}\" -h ./nohealth\n"

func commit(t *testing.T, k *kyozo, dir, msg string) {
	t.Helper()
	for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "-m", msg}} {
		if out, err := k.git(dir, k.key, args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

func TestPushDeployServeAndRedeploy(t *testing.T) {
	k := startKyozo(t)
	dir := t.TempDir()
	if out, err := k.git(dir, k.key, "init", "-q", "-b", "main"); err != nil {
		t.Fatal(out)
	}
	writeApp(t, dir, "web v1\n", "api v1\n", apiStart)
	commit(t, k, dir, "first")
	k.git(dir, k.key, "remote", "add", "kyozo", k.remote("shop"))

	// First push: every stage shows up in the pusher's terminal.
	out, err := k.git(dir, k.key, "push", "kyozo", "main")
	if err != nil {
		t.Fatalf("first push failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"remote: -----> Detecting services", "web", "api", "shell",
		"remote: -----> Building web from its Dockerfile web/Dockerfile",
		"remote: -----> Building api from a generated Dockerfile",
		"healthy", "Releasing v1", "http://shop.localhost:", "http://api.shop.localhost:", "Deployed shop v1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("push output lacks %q:\n%s", want, out)
		}
	}
	if got := k.mustGet("shop.localhost", "/"); got != "web v1\n" {
		t.Errorf("web: %q", got)
	}
	if got := k.mustGet("api.shop.localhost", "/"); got != "api v1\n" {
		t.Errorf("api: %q", got)
	}
	if got := k.mustGet("web.shop.localhost", "/"); got != "web v1\n" {
		t.Errorf("web by service name: %q", got)
	}

	// Second push changes web only, under a steady request loop: no request
	// may fail, and api is not rebuilt.
	loads := []*load{k.startLoad("shop.localhost", 2), k.startLoad("api.shop.localhost", 2)}
	writeApp(t, dir, "web v2\n", "api v1\n", apiStart)
	commit(t, k, dir, "web v2")
	out, err = k.git(dir, k.key, "push", "kyozo", "main")
	if err != nil {
		t.Fatalf("second push failed: %v\n%s", err, out)
	}
	time.Sleep(6 * time.Second) // past the drain: the old web container is gone
	var requests, failures int64
	for _, l := range loads {
		n, f := l.end()
		requests, failures = requests+n, failures+f
		if f != 0 {
			t.Errorf("%d of %d requests failed during the switch; last: %v", f, n, l.last.Load())
		}
	}
	t.Logf("%d requests during the redeploy, %d failed", requests, failures)
	if !strings.Contains(out, "api: unchanged since v1, not rebuilt") {
		t.Errorf("unchanged api was rebuilt:\n%s", out)
	}
	if got := k.mustGet("shop.localhost", "/"); got != "web v2\n" {
		t.Errorf("web after redeploy: %q", got)
	}

	// A release whose health check never passes: the push fails with the
	// reason, the old release keeps serving, the branch stays.
	before, _ := k.git(dir, k.key, "ls-remote", "kyozo", "refs/heads/main")
	writeApp(t, dir, "web v3\n", "api v3\n", apiBroken)
	commit(t, k, dir, "broken api")
	out, err = k.git(dir, k.key, "push", "kyozo", "main")
	if err == nil {
		t.Fatalf("a push of an unhealthy release succeeded:\n%s", out)
	}
	if !strings.Contains(out, "kyozo: push rejected: Deploy failed: api did not become healthy") {
		t.Errorf("the failure's reason is not shown:\n%s", out)
	}
	after, _ := k.git(dir, k.key, "ls-remote", "kyozo", "refs/heads/main")
	if before != after || before == "" {
		t.Errorf("the branch moved on a failed deploy: %q → %q", before, after)
	}
	if got := k.mustGet("shop.localhost", "/"); got != "web v2\n" {
		t.Errorf("old web no longer serves: %q", got)
	}
	if got := k.mustGet("api.shop.localhost", "/"); got != "api v1\n" {
		t.Errorf("old api no longer serves: %q", got)
	}

	// A restarted daemon routes to the running apps again.
	k.stop()
	k.start()
	if got := k.mustGet("shop.localhost", "/"); got != "web v2\n" {
		t.Errorf("web after restart: %q", got)
	}
	if got := k.mustGet("api.shop.localhost", "/"); got != "api v1\n" {
		t.Errorf("api after restart: %q", got)
	}
}

func TestPushRefusals(t *testing.T) {
	k := startKyozo(t)
	dir := t.TempDir()
	k.git(dir, k.key, "init", "-q", "-b", "main")
	writeApp(t, dir, "web\n", "api\n", apiStart)
	commit(t, k, dir, "first")

	// An unknown key is refused before any command runs.
	stranger := sshKey(t, t.TempDir(), "mallory")
	out, err := k.git(dir, stranger, "push", k.remote("shop"), "main")
	if err == nil || !strings.Contains(out, "Permission denied") {
		t.Errorf("unknown key: %v\n%s", err, out)
	}
	// A bad app name is refused with the rule.
	out, err = k.git(dir, k.key, "push", k.remote("Bad_Name"), "main")
	if err == nil || !strings.Contains(out, "^[a-z][a-z0-9-]{0,62}$") {
		t.Errorf("bad app name: %v\n%s", err, out)
	}
	// Tags are refused with a message; branches other than main are stored.
	k.git(dir, k.key, "tag", "v1")
	out, err = k.git(dir, k.key, "push", k.remote("shop"), "v1")
	if err == nil || !strings.Contains(out, "tags are not accepted") {
		t.Errorf("tag push: %v\n%s", err, out)
	}
	k.git(dir, k.key, "checkout", "-q", "-b", "feature")
	out, err = k.git(dir, k.key, "push", k.remote("shop"), "feature")
	if err != nil || !strings.Contains(out, "stored, not deployed") {
		t.Errorf("branch push: %v\n%s", err, out)
	}
	if code, _, _ := k.get("shop.localhost", "/"); code != http.StatusNotFound {
		t.Errorf("a non-deploy branch was deployed: %d", code)
	}
}

func TestDisconnectCancelsTheDeploy(t *testing.T) {
	k := startKyozo(t)
	dir := t.TempDir()
	k.git(dir, k.key, "init", "-q", "-b", "main")
	writeApp(t, dir, "web v1\n", "api v1\n", apiStart)
	commit(t, k, dir, "first")
	k.git(dir, k.key, "remote", "add", "kyozo", k.remote("shop"))
	if out, err := k.git(dir, k.key, "push", "kyozo", "main"); err != nil {
		t.Fatalf("first push: %v\n%s", err, out)
	}
	writeApp(t, dir, "web v2\n", "api v2\n", apiBroken)
	commit(t, k, dir, "slow")

	// Push, and kill the client while the deploy waits for health.
	cmd := exec.Command("git", "push", "kyozo", "main")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_SSH_COMMAND=ssh -i "+k.key+" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR")
	var out syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(out.String(), "waiting for") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()

	// The job ends cancelled, its containers go, the old release serves.
	deadline = time.Now().Add(60 * time.Second)
	const cancelled = "deploy cancelled by the pusher's disconnect"
	for time.Now().Before(deadline) && !strings.Contains(k.log.String(), cancelled) {
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(k.log.String(), cancelled) {
		t.Fatalf("the deploy was not cancelled; push output:\n%s", out.String())
	}
	docker := dockertest.Need(t)
	var names []string
	for time.Now().Before(deadline) {
		ps, _ := exec.Command(docker, "ps", "-a", "--filter", "label=kyozo.app=shop", "--filter", "label=kyozo.kind=service", "--format", "{{.Names}}").Output()
		if names = strings.Fields(string(ps)); len(names) == 2 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(names) != 2 {
		t.Errorf("want the 2 containers of v1 only, got %v", names)
	}
	if got := k.mustGet("api.shop.localhost", "/"); got != "api v1\n" {
		t.Errorf("old api no longer serves: %q", got)
	}
}
