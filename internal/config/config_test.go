package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOrderDefaultsFileEnvSet(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kyozo.yaml")
	os.WriteFile(path, []byte("ssh_addr: \":3333\"\ndrain_timeout: 10s\nworkers: 2\nimages:\n  node: mirror/node:{version:22}\n"), 0o644)
	c, err := Load(path, []string{"KYOZO_WORKERS=8", "KYOZO_DOMAIN=example.test", "KYOZO_IMAGE_GO_RUNTIME=mirror/distroless", "HOME=/x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set("http_addr", "127.0.0.1:9999"); err != nil {
		t.Fatal(err)
	}
	if c.SSHAddr != ":3333" || c.Workers != 8 || c.Domain != "example.test" || c.HTTPAddr != "127.0.0.1:9999" {
		t.Errorf("got %+v", c)
	}
	if time.Duration(c.DrainTimeout) != 10*time.Second || c.RouterAddr != ":8000" {
		t.Errorf("file or default lost: %v %v", c.DrainTimeout, c.RouterAddr)
	}
	if c.Images["node"] != "mirror/node:{version:22}" || c.Images["go-runtime"] != "mirror/distroless" {
		t.Errorf("images %v", c.Images)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	if c.RouterPort() != 8000 {
		t.Errorf("router port %d", c.RouterPort())
	}
}

func TestErrorsNameTheSetting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kyozo.yaml")
	os.WriteFile(path, []byte("ssh_addr: \":1\"\nssh_adr: x\n"), 0o644)
	_, err := Load(path, nil)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "ssh_adr") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("unknown key: %v", err)
	}
	_, err = Load("", []string{"KYOZO_WORKERS=many"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "KYOZO_WORKERS") {
		t.Errorf("bad env: %v", err)
	}
	for _, tc := range []struct{ key, value, want string }{
		{"ssh_addr", "2222", "ssh_addr"},
		{"workers", "0", "workers"},
		{"domain", "a b", "domain"},
		{"deploy_branch", "-x", "deploy_branch"},
		{"drain_timeout", "0s", "drain_timeout"},
		{"log_level", "loud", "log_level"},
	} {
		c := Default()
		if err := c.Set(tc.key, tc.value); err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%s: %v", tc.key, tc.value, err)
		}
	}
	c := Default()
	c.Images["nosuch"] = "x"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown image key: %v", err)
	}
	if err := Default().Set("nope", "1"); err == nil {
		t.Error("unknown setting accepted")
	}
}

func TestSettingsNames(t *testing.T) {
	for _, s := range Settings() {
		if s.Env != "KYOZO_"+strings.ToUpper(s.Key) || strings.Contains(s.Flag, "_") {
			t.Errorf("%+v", s)
		}
	}
	if got := Default().DeployBranches(); len(got) != 2 || got[1] != "master" {
		t.Errorf("branches %v", got)
	}
}
