package dockertest

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// RedisImage is the tag Redis imports.
const RedisImage = "kyozo-test/redis:latest"

// Redis makes sure RedisImage exists: Debian's redis-server binary and the
// libraries ldd lists, in an image of nothing else, started the way the
// official image starts (listening on all addresses, data in /data).
func Redis(t testing.TB) string {
	t.Helper()
	docker := Need(t)
	if exec.Command(docker, "image", "inspect", RedisImage).Run() == nil {
		return RedisImage
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs redis-server: %v", err)
		}
		t.Skip("redis-server not installed")
	}
	// The binary keeps its name: redis-server is a link to one binary that
	// picks its role from the name it is run by.
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		t.Fatalf("ldd %s: %v", bin, err)
	}
	files := []string{bin}
	for _, m := range regexp.MustCompile(`(/[^\s]+) \(0x`).FindAllStringSubmatch(string(out), -1) {
		files = append(files, m[1])
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	addDir := func(d string) {
		for ; d != "/" && d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	for _, f := range files {
		addDir(filepath.Dir(f))
	}
	addDir("/data")
	addDir("/tmp")
	addDir("/etc")
	var sorted []string
	for d := range dirs {
		sorted = append(sorted, d)
	}
	for i := 0; i < len(sorted); i++ { // parents before children
		for j := i + 1; j < len(sorted); j++ {
			if len(sorted[j]) < len(sorted[i]) {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	for _, d := range sorted {
		mode := int64(0o755)
		if d == "/data" || d == "/tmp" {
			mode = 0o1777
		}
		mustOK(t, tw.WriteHeader(&tar.Header{Name: d[1:] + "/", Typeflag: tar.TypeDir, Mode: mode}))
	}
	for _, f := range files {
		real, err := filepath.EvalSymlinks(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(real)
		if err != nil {
			t.Fatal(err)
		}
		mustOK(t, tw.WriteHeader(&tar.Header{Name: f[1:], Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(data))}))
		_, err = tw.Write(data)
		mustOK(t, err)
	}
	passwd := []byte("root:x:0:0:root:/root:/bin/false\nredis:x:999:999:redis:/data:/bin/false\n")
	mustOK(t, tw.WriteHeader(&tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(passwd))}))
	_, err = tw.Write(passwd)
	mustOK(t, err)
	mustOK(t, tw.Close())
	cmd := exec.Command(docker, "import",
		"--change", `CMD ["`+bin+`", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data", "--save", "60", "1"]`,
		"--change", "EXPOSE 6379", "--change", "WORKDIR /data", "-", RedisImage)
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	return RedisImage
}
