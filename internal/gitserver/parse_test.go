package gitserver

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/repo"
)

var repoRoot = repo.Repos{Root: "/nonexistent"}

func TestParseCommand(t *testing.T) {
	for _, c := range []struct {
		in   string
		name string
		args []string
	}{
		{"", "", nil},
		{"   ", "", nil},
		{"git-receive-pack '/web'", "git-receive-pack", []string{"/web"}},
		{"git-upload-pack 'web.git'", "git-upload-pack", []string{"web.git"}},
		{"git receive-pack '/web'", "git-receive-pack", []string{"/web"}},
		{"git-receive-pack '/it'\\''s'", "git-receive-pack", []string{"/it's"}},
		{`keys:add --admin  bob`, "keys:add", []string{"--admin", "bob"}},
		{`cmd "a b" c\ d '' "x\"y" "$HOME" $(id) ;rm`, "cmd", []string{"a b", "c d", "", `x"y`, "$HOME", "$(id)", ";rm"}},
		{"help\t\n", "help", nil},
	} {
		name, args, err := parseCommand(c.in)
		if err != nil || name != c.name || !slices.Equal(args, c.args) {
			t.Errorf("parseCommand(%q) = %q %q %v, want %q %q", c.in, name, args, err, c.name, c.args)
		}
	}
	for _, bad := range []string{"a 'b", `a "b`, `a \`, "a\x00b"} {
		if _, _, err := parseCommand(bad); !errors.Is(err, ErrParse) {
			t.Errorf("parseCommand(%q) = %v, want ErrParse", bad, err)
		}
	}
}

func TestAppFromPath(t *testing.T) {
	for in, want := range map[string]string{"/web": "web", "web": "web", "web.git": "web", "/web.git": "web", "/web.git/": "web", "/a/b": "a/b", "../x": "../x"} {
		if got := appFromPath(in); got != want {
			t.Errorf("appFromPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitProtocol(t *testing.T) {
	for env, want := range map[string]string{
		"GIT_PROTOCOL=version=2":                  "version=2",
		"GIT_PROTOCOL=version=2:foo=bar":          "version=2:foo=bar",
		"GIT_PROTOCOL=version=2; rm -rf /":        "",
		"GIT_PROTOCOL=" + strings.Repeat("a", 65): "",
		"LANG=C": "",
	} {
		if got := gitProtocol([]string{env}); got != want {
			t.Errorf("gitProtocol(%q) = %q, want %q", env, got, want)
		}
	}
}

func TestValidKeyName(t *testing.T) {
	for s, want := range map[string]bool{"alice": true, "a.b_c-d9": true, "a": true, "Alice": false, "9a": false, "": false, ".a": false, "a b": false, strings.Repeat("a", 63): true, strings.Repeat("a", 64): false} {
		if validKeyName(s) != want {
			t.Errorf("validKeyName(%q) != %v", s, want)
		}
	}
}

func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{"git-receive-pack '/web'", `a "b\"c" d\ e`, "'", `"`, `\`, "a''b", "x\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitCommand(s)
		if err != nil {
			return
		}
		// Re-quoting each word with single quotes gives the same words back.
		var q []string
		for _, w := range words {
			q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
		}
		again, err := splitCommand(strings.Join(q, " "))
		if err != nil || !slices.Equal(again, words) {
			t.Errorf("%q: %q, requoted %q: %v", s, words, again, err)
		}
	})
}
