package hooks

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFiles(t *testing.T) {
	files := Files()
	if got := Names(); len(got) != 1 || got[0] != "pre-receive" {
		t.Fatalf("Names() = %v, want [pre-receive]", got)
	}
	b := files["pre-receive"]
	if !bytes.HasPrefix(b, []byte("#!/bin/sh\n")) {
		t.Errorf("pre-receive does not start with #!/bin/sh: %q", b)
	}
	want := `exec "${KYOZO_BIN:?kyozo binary not set}" hook pre-receive` + "\n"
	if !bytes.HasSuffix(b, []byte(want)) {
		t.Errorf("pre-receive does not end with %q: %q", want, b)
	}
	// Only the shebang, comments and the exec: nothing else runs.
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(l, "#") && l+"\n" != want {
			t.Errorf("unexpected line in pre-receive: %q", l)
		}
	}
}

// TestPreReceiveRuns runs the script with sh: it must exec KYOZO_BIN with
// the hook's arguments and stdin, and fail clearly without KYOZO_BIN.
func TestPreReceiveRuns(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "pre-receive")
	if err := os.WriteFile(script, Files()["pre-receive"], 0o755); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(dir, "kyozo")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho \"args: $*\"\ncat\n"), 0o755); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(script)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "KYOZO_BIN=" + fake}
	cmd.Stdin = strings.NewReader("old new refs/heads/main\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if want := "args: hook pre-receive\nold new refs/heads/main\n"; string(out) != want {
		t.Errorf("output = %q, want %q", out, want)
	}

	cmd = exec.Command(script)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "kyozo binary not set") {
		t.Errorf("without KYOZO_BIN: err %v, output %q", err, out)
	}
}
