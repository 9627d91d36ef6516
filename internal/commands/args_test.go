package commands

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	logs := flagSpec{bools: []string{"t|tail", "build"}, values: []string{"n|num"}}
	run := flagSpec{stopAfter: 2}
	for _, tc := range []struct {
		name  string
		spec  flagSpec
		args  string
		pos   []string
		flags map[string]string
		err   string
	}{
		{"flags first", logs, "-n 5 -t shop web", []string{"shop", "web"}, map[string]string{"n": "5", "t": ""}, ""},
		{"flags between and after", logs, "shop --num=7 web --tail", []string{"shop", "web"}, map[string]string{"n": "7", "t": ""}, ""},
		{"one or two dashes", logs, "shop --n 3 -build", []string{"shop"}, map[string]string{"n": "3", "build": ""}, ""},
		{"last value wins", logs, "shop -n 1 -n 2", []string{"shop"}, map[string]string{"n": "2"}, ""},
		{"double dash ends flags", logs, "shop -- -t", []string{"shop", "-t"}, map[string]string{}, ""},
		{"a lone dash is an argument", logs, "shop -", []string{"shop", "-"}, map[string]string{}, ""},
		{"unknown flag", logs, "shop --force", nil, nil, "unknown flag --force"},
		{"missing value", logs, "shop -n", nil, nil, "-n needs a value"},
		{"value on a bool", logs, "shop -t=1", nil, nil, "--t takes no value"},
		{"run: the command line is kept", run, "shop web ls -la --color", []string{"shop", "web", "ls", "-la", "--color"}, map[string]string{}, ""},
		{"run: -- before the command", run, "shop web -- sh -c 'x'", []string{"shop", "web", "sh", "-c", "'x'"}, map[string]string{}, ""},
		{"run: a second -- is the command's", run, "shop web -- -- x", []string{"shop", "web", "--", "x"}, map[string]string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pos, flags, err := parseArgs(strings.Fields(tc.args), tc.spec)
			if tc.err != "" {
				var ee *exitError
				if !errors.As(err, &ee) || ee.code != exitUsage || !strings.Contains(ee.msg, tc.err) {
					t.Fatalf("err %v, want a usage error %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pos, tc.pos) || !maps.Equal(flags, tc.flags) {
				t.Errorf("got %q %v, want %q %v", pos, flags, tc.pos, tc.flags)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	for _, k := range []string{"A", "_x", "DATABASE_URL", "a1_B2"} {
		if err := checkConfigKey(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, k := range []string{"", "1A", "A-B", "A B", "A=B", "PORT", "É"} {
		if err := checkConfigKey(k); err == nil {
			t.Errorf("%q accepted", k)
		}
	}
	for arg, want := range map[string]int{"web=0": 0, "web=3": 3, "api-2=100": 100} {
		if _, n, err := parseScale(arg); err != nil || n != want {
			t.Errorf("%q: %d %v", arg, n, err)
		}
	}
	for _, arg := range []string{"web", "web=", "web=-1", "web=101", "web=x", "Web=1", "=1"} {
		if _, _, err := parseScale(arg); err == nil {
			t.Errorf("%q accepted", arg)
		}
	}
	for arg, want := range map[string]int{"v3": 3, "3": 3, "v12": 12} {
		if n, err := parseVersion(arg); err != nil || n != want {
			t.Errorf("%q: %d %v", arg, n, err)
		}
	}
	for _, arg := range []string{"v0", "0", "v", "vv1", "-1", "+1", "v+1", "x"} {
		if _, err := parseVersion(arg); err == nil {
			t.Errorf("%q accepted", arg)
		}
	}
}

func TestAgo(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now = func() time.Time { return base }
	for d, want := range map[time.Duration]string{
		10 * time.Second:     "just now",
		time.Minute:          "1 minute ago",
		5 * time.Minute:      "5 minutes ago",
		90 * time.Minute:     "1 hour ago",
		49 * time.Hour:       "2 days ago",
		65 * 24 * time.Hour:  "2 months ago",
		800 * 24 * time.Hour: "2 years ago",
	} {
		if got := ago(base.Add(-d)); got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
	if got := uptime(3*time.Hour + 4*time.Minute); got != "3h4m" {
		t.Errorf("uptime %q", got)
	}
}
