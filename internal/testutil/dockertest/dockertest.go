// Package dockertest gives tests the real Docker engine and base images
// built locally, since the engine can pull nothing: Busybox imports a
// one-binary image from Debian's busybox-static. A machine without an
// engine or busybox skips such tests; CI has both, so there they fail.
package dockertest

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// BusyboxImage is the tag Busybox imports.
const BusyboxImage = "kyozo-test/busybox:latest"

// Need returns the docker CLI's path once the engine answers.
func Need(t testing.TB) string {
	t.Helper()
	docker, err := exec.LookPath("docker")
	if err == nil {
		err = exec.Command(docker, "version").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs a Docker engine: %v", err)
		}
		t.Skipf("no Docker engine: %v", err)
	}
	return docker
}

// Busybox makes sure BusyboxImage exists: /bin/busybox from Debian's
// busybox-static, copied under the names of the applets tests use (real
// files, not links, so COPY --from copies the binary).
func Busybox(t testing.TB) string {
	t.Helper()
	docker := Need(t)
	if exec.Command(docker, "image", "inspect", BusyboxImage).Run() == nil {
		return BusyboxImage
	}
	bin, err := os.ReadFile("/bin/busybox")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs busybox-static: %v", err)
		}
		t.Skipf("no /bin/busybox (apt-get install busybox-static): %v", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range []string{"bin/", "tmp/", "app/", "data/", "etc/"} {
		mustOK(t, tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o1777}))
	}
	passwd := []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
	mustOK(t, tw.WriteHeader(&tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(passwd))}))
	_, err = tw.Write(passwd)
	mustOK(t, err)
	for _, name := range []string{"busybox", "sh", "httpd", "wget", "cat", "echo", "ls", "sleep", "nc", "env", "ps", "kill", "grep", "sed", "date", "mkdir", "rm", "true", "false"} {
		mustOK(t, tw.WriteHeader(&tar.Header{Name: "bin/" + name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(bin))}))
		_, err := tw.Write(bin)
		mustOK(t, err)
	}
	mustOK(t, tw.Close())
	cmd := exec.Command(docker, "import", "--change", "ENV PATH=/bin", "-", BusyboxImage)
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	return BusyboxImage
}

func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
