package stacks

import (
	"testing"
)

func TestShellDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		dir   string
		ws    string
		want  *Result // only the fields checked; nil means not detected
	}{
		{"busybox httpd at root", map[string]string{"start.sh": "#!/bin/sh\nset -e\nexec busybox httpd -f -p \"${PORT:-8080}\" -h /app/public\n", "public/index.html": ""}, ".", ".",
			&Result{Kind: "web", Start: "sh start.sh", PortDefault: 8080, Score: 0.6}},
		{"bash worker in services", map[string]string{"services/tick/run.sh": "#!/usr/bin/env bash\nwhile true; do date; sleep 5; done\n"}, "services/tick", "services/tick",
			&Result{Kind: "worker", Start: "bash run.sh", Score: 0.6, Name: "tick"}},
		{"weak next to another stack", map[string]string{"api/start.sh": "#!/bin/sh\nnc -lk -p 9000 -e cat\n", "api/package.json": "{}"}, "api", "api",
			&Result{Kind: "web", Start: "sh start.sh", PortDefault: 9000, Score: 0.3, Name: "api"}},
		{"weak in an ordinary folder", map[string]string{"lib/misc/entrypoint.sh": "#!/bin/sh\npython3 -m http.server\n"}, "lib/misc", "lib/misc",
			&Result{Kind: "web", Start: "sh entrypoint.sh", PortDefault: 8000, Score: 0.3, Name: "misc"}},
		{"top-level folder", map[string]string{"misc/entrypoint.sh": "#!/bin/sh\npython3 -m http.server\n"}, "misc", "misc",
			&Result{Kind: "web", Start: "sh entrypoint.sh", PortDefault: 8000, Score: 0.6, Name: "misc"}},
		{"workspace member", map[string]string{"echo/main.sh": "#!/bin/sh\nexport PORT=7000\nsocat TCP-LISTEN:$PORT,fork EXEC:cat\n"}, "echo", ".",
			&Result{Kind: "web", Start: "sh main.sh", PortDefault: 7000, Score: 0.6, Name: "echo"}},
		{"no shebang", map[string]string{"start.sh": "echo hi\n"}, ".", ".", nil},
		{"python shebang", map[string]string{"start.sh": "#!/usr/bin/env python3\nprint(1)\n"}, ".", ".", nil},
		{"tooling folder", map[string]string{"scripts/start.sh": "#!/bin/sh\necho\n"}, "scripts", "scripts", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := detectWorkspace(t, Shell{}, tc.files, tc.dir, tc.ws)
			if tc.want == nil {
				if r != nil {
					t.Errorf("detected %+v", r)
				}
				return
			}
			if r == nil {
				t.Fatal("not detected")
			}
			if r.Language != "shell" || r.Kind != tc.want.Kind || r.Start != tc.want.Start || r.PortDefault != tc.want.PortDefault ||
				r.Score != tc.want.Score || r.Name != tc.want.Name || len(r.Entrypoints) != 1 {
				t.Errorf("got %+v\nwant %+v", r, tc.want)
			}
		})
	}
}

func TestShellScan(t *testing.T) {
	for _, tc := range []struct {
		src      string
		shell    string
		listener string
		port     int
	}{
		{"#!/bin/sh\nbusybox httpd -f -p 3000\n", "sh", "busybox httpd", 3000},
		{"#!/bin/sh\n# nc -l 1\nexec httpd -f -h www\n", "sh", "busybox httpd", 80},
		{"#!/bin/bash\nnc -l 8081\n", "bash", "nc -l", 8081},
		{"#!/bin/sh\n: \"${APP_PORT:=5000}\"\nphp -S 0.0.0.0:$APP_PORT\n", "sh", "php -S", 5000},
		{"#!/bin/sh\nphp -S 0.0.0.0:8000 -t public\n", "sh", "php -S", 8000},
		{"#!/usr/bin/env -S bash -e\nsleep infinity\n", "bash", "", 0},
		{"#!/bin/ash\nnc -l -p $PORT\n", "sh", "nc -l", 0},
		{"#!/bin/zsh\nnc -l 1\n", "", "", 0},
		{"", "", "", 0},
	} {
		f := shellScan([]byte(tc.src))
		if f.shell != tc.shell || f.listener != tc.listener || f.port != tc.port {
			t.Errorf("%q: got %+v, want %s %q %d", tc.src, f, tc.shell, tc.listener, tc.port)
		}
	}
}

func FuzzShellScan(f *testing.F) {
	f.Add("#!/bin/sh\nexec busybox httpd -f -p \"${PORT:-8080}\"\n")
	f.Add("#!/usr/bin/env bash\nPORT=99999\nnc -l $PORT\n")
	f.Add("#!")
	f.Fuzz(func(t *testing.T, src string) {
		f := shellScan([]byte(src))
		if f.port < 0 || f.port > 65535 {
			t.Fatalf("port %d", f.port)
		}
	})
}
