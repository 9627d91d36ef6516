package plan_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/testutil/dockertest"
	"github.com/kyozo/kyozo/internal/topology"
)

// TestGeneratedDockerfileBuildsAndServes goes through the real thing: it
// analyses a small shell service, generates its Dockerfile with the base
// images pointed at a busybox image built here from Debian's busybox-static,
// builds it with the Docker engine, runs it as the unprivileged user, and
// waits for the HEALTHCHECK the generator wrote to report healthy.
func TestGeneratedDockerfileBuildsAndServes(t *testing.T) {
	docker := dockertest.Need(t)
	base := dockertest.Busybox(t)

	dir := t.TempDir()
	files := map[string]string{
		"start.sh": "#!/bin/sh\n# Serves htdocs/ with busybox httpd; the platform checks \"/health\".\n" +
			"exec httpd -f -v -p \"${PORT:-8080}\" -h ./htdocs\n",
		"htdocs/index.html": "hello from kyozo\n",
		"htdocs/health":     "ok\n",
	}
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		must(t, os.MkdirAll(filepath.Dir(full), 0o755))
		must(t, os.WriteFile(full, []byte(c), 0o644))
	}
	topo, err := topology.Analyze(context.Background(), dir, topology.Options{RootName: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if len(topo.Services) != 1 {
		t.Fatalf("services: %+v", topo.Services)
	}
	s := topo.Services[0]
	if s.Kind != topology.KindWeb || s.Port != 8080 || s.HealthCheck == nil || s.HealthCheck.Path != "/health" {
		t.Fatalf("analysis: kind %s port %d health %+v", s.Kind, s.Port, s.HealthCheck)
	}
	images := plan.DefaultImages().With(map[string]string{"shell": base, "healthcheck": base})
	df, err := plan.Generate(s, images)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(df, "HEALTHCHECK") || !strings.Contains(df, "USER "+plan.User) {
		t.Fatalf("generated Dockerfile lacks HEALTHCHECK or USER:\n%s", df)
	}
	must(t, os.WriteFile(filepath.Join(dir, "Dockerfile.kyozo"), []byte(df), 0o644))

	tag := fmt.Sprintf("kyozo-test/generated-shell:%d", time.Now().UnixNano())
	run(t, docker, "build", "-q", "-f", filepath.Join(dir, "Dockerfile.kyozo"), "-t", tag, dir)
	t.Cleanup(func() { exec.Command(docker, "rmi", "-f", tag).Run() })

	id := strings.TrimSpace(run(t, docker, "run", "-d", "-p", "127.0.0.1::8080", tag))
	t.Cleanup(func() { exec.Command(docker, "rm", "-f", id).Run() })
	hostPort := strings.TrimSpace(run(t, docker, "port", id, "8080/tcp"))
	if i := strings.LastIndexByte(hostPort, '\n'); i >= 0 {
		hostPort = hostPort[:i]
	}

	deadline := time.Now().Add(60 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + hostPort + "/index.html")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if body != "hello from kyozo\n" {
		t.Fatalf("served %q\nlogs:\n%s", body, run(t, docker, "logs", id))
	}
	if user := strings.TrimSpace(run(t, docker, "inspect", "-f", "{{.Config.User}}", id)); user != plan.User {
		t.Errorf("container runs as %q, want %s", user, plan.User)
	}
	for time.Now().Before(deadline) {
		status := strings.TrimSpace(run(t, docker, "inspect", "-f", "{{.State.Health.Status}}", id))
		if status == "healthy" {
			return
		}
		if status == "unhealthy" {
			t.Fatalf("HEALTHCHECK failed: %s", run(t, docker, "inspect", "-f", "{{json .State.Health}}", id))
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatal("HEALTHCHECK never reported healthy")
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
