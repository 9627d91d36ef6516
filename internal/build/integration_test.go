package build

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/kyozo/kyozo/internal/testutil/dockertest"
)

// engineBuilder returns a builder on the real engine, the local busybox
// image to build FROM, and a unique kyozo-test tag whose image is removed
// when the test ends.
func engineBuilder(t *testing.T) (*Docker, *client.Client, string, string) {
	t.Helper()
	base := dockertest.Busybox(t)
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	tag := "kyozo-test/build-" + hex.EncodeToString(b) + ":v1"
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), tag, image.RemoveOptions{Force: true, PruneChildren: true})
	})
	return NewDocker(cli), cli, base, tag
}

func buildLines(t *testing.T, b *Docker, req Request) (Result, []string, error) {
	t.Helper()
	var lines []string
	res, err := b.Build(context.Background(), req, func(l string) { lines = append(lines, l) })
	return res, lines, err
}

func TestIntegrationBuildAndCache(t *testing.T) {
	dockertest.Need(t)
	b, cli, base, tag := engineBuilder(t)
	token := strings.TrimSuffix(strings.TrimPrefix(tag, "kyozo-test/build-"), ":v1")
	dir := tree(t, map[string]string{
		"Dockerfile": "FROM " + base + "\nCOPY app.txt /app/app.txt\nRUN echo built-" + token + " && cat /app/app.txt\n",
		"app.txt":    "hello from the context",
	})
	req := Request{ContextDir: dir, Tags: []string{tag}, Labels: map[string]string{"kyozo.app": "test", "kyozo.managed": "true"}}

	first, lines, err := buildLines(t, b, req)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(lines, "\n"))
	}
	out := strings.Join(lines, "\n")
	for _, want := range []string{"Step 1/", "COPY app.txt /app/app.txt", "hello from the context"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q:\n%s", want, out)
		}
	}
	if !slices.Contains(lines, "built-"+token) {
		t.Errorf("progress lacks the RUN's output line %q:\n%s", "built-"+token, out)
	}
	if !strings.HasPrefix(first.ImageID, "sha256:") || first.ContextBytes == 0 {
		t.Errorf("result = %+v", first)
	}
	img, err := cli.ImageInspect(context.Background(), tag)
	if err != nil {
		t.Fatalf("image after build: %v", err)
	}
	if img.ID != first.ImageID || img.Config.Labels["kyozo.app"] != "test" {
		t.Errorf("image %s labels %v, build said %s", img.ID, img.Config.Labels, first.ImageID)
	}

	second, lines, err := buildLines(t, b, req)
	if err != nil {
		t.Fatal(err)
	}
	// The RUN's own output (a line of just its echo) is absent: it did not run.
	if out := strings.Join(lines, "\n"); !strings.Contains(out, "Using cache") || slices.Contains(lines, "built-"+token) {
		t.Errorf("second build did not use the cache:\n%s", out)
	}
	if second.ImageID != first.ImageID {
		t.Errorf("second build %s, first %s", second.ImageID, first.ImageID)
	}
}

func TestIntegrationBuildFailure(t *testing.T) {
	dockertest.Need(t)
	b, _, base, tag := engineBuilder(t)
	dir := tree(t, map[string]string{"Dockerfile": "FROM " + base + "\nRUN echo about to fail && exit 3\n"})
	_, lines, err := buildLines(t, b, Request{ContextDir: dir, Tags: []string{tag}})
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"RUN echo about to fail && exit 3", "non-zero code: 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if !strings.Contains(strings.Join(lines, "\n"), "about to fail") {
		t.Errorf("progress lacks the RUN output: %q", lines)
	}
}

// The image's file system shows what was sent: a RUN of `test` per rule
// fails the build if the context was wrong.
func TestIntegrationBuildContextRules(t *testing.T) {
	dockertest.Need(t)
	b, _, base, tag := engineBuilder(t)
	checks := strings.Join([]string{
		"test -e /ctx/app.txt",
		"test ! -e /ctx/secret.env",
		"test ! -e /ctx/logs/debug.log",
		"test -e /ctx/logs/keep.log",
		"test ! -e /ctx/node_modules",
		// .dockerignore names itself and the Dockerfile: the engine read
		// the Dockerfile anyway and left both out of what COPY sees.
		"test ! -e /ctx/Dockerfile",
		"test ! -e /ctx/.dockerignore",
		"test -L /ctx/link",
		"test -x /ctx/run.sh",
		"echo context-ok",
	}, " && ")
	dir := tree(t, map[string]string{
		"Dockerfile":              "FROM " + base + "\nCOPY . /ctx/\nRUN " + checks + "\n",
		"app.txt":                 "app",
		"secret.env":              "TOKEN=x",
		"logs/debug.log":          "d",
		"logs/keep.log":           "k",
		"node_modules/x/index.js": "js",
		"run.sh":                  "#!/bin/sh\n",
		".dockerignore":           "*.env\nlogs\n!logs/keep.log\nnode_modules\nDockerfile\n.dockerignore\n",
	})
	must(t, os.Chmod(filepath.Join(dir, "run.sh"), 0o755))
	must(t, os.Symlink("/etc/passwd", filepath.Join(dir, "link")))
	_, lines, err := buildLines(t, b, Request{ContextDir: dir, Tags: []string{tag}})
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "context-ok") {
		t.Errorf("checks did not run: %q", lines)
	}
}

func TestIntegrationBuildGeneratedDockerfile(t *testing.T) {
	dockertest.Need(t)
	b, _, base, tag := engineBuilder(t)
	dir := tree(t, map[string]string{
		// The repository's own Dockerfile would fail: the generated one is used.
		"Dockerfile":    "FROM kyozo-test/does-not-exist\n",
		"app.txt":       "app",
		"other.txt":     "other",
		".dockerignore": "*\n!app.txt\n",
	})
	content := "FROM " + base + "\nCOPY . /ctx/\nRUN test -e /ctx/app.txt && test ! -e /ctx/other.txt && test ! -e /ctx/" + GeneratedDockerfile +
		" && test ! -e /ctx/.dockerignore && echo generated-ok\n"
	res, lines, err := buildLines(t, b, Request{ContextDir: dir, Content: []byte(content), Tags: []string{tag}})
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "generated-ok") || res.ImageID == "" {
		t.Errorf("result %+v, progress %q", res, lines)
	}
}
