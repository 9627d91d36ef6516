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

func TestAPIReachableFromOtherHostsNeedsAToken(t *testing.T) {
	for addr, open := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "127.0.0.2:8080": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "10.1.2.3:8080": false, "kyozo.example:8080": false,
	} {
		c := Default()
		c.HTTPAddr = addr
		err := c.Validate()
		if open && err != nil {
			t.Errorf("%s without a token: %v", addr, err)
		}
		if !open && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "api_token")) {
			t.Errorf("%s without a token: %v, want a refusal naming api_token", addr, err)
		}
		c.APIToken = "9f86d081884c7d659a2feaa0c55ad015"
		if err := c.Validate(); err != nil {
			t.Errorf("%s with a token: %v", addr, err)
		}
	}
	for _, tok := range []string{"short", "has a space in it, sixteen+"} {
		c := Default()
		c.APIToken = tok
		if err := c.Validate(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "api_token") {
			t.Errorf("token %q: %v", tok, err)
		}
	}
	c, err := Load("", []string{"KYOZO_HTTP_ADDR=:8080", "KYOZO_API_TOKEN=9f86d081884c7d659a2feaa0c55ad015"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil || c.APIToken != "9f86d081884c7d659a2feaa0c55ad015" {
		t.Errorf("token from the environment: %q, %v", c.APIToken, err)
	}
}
