package topology_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/plan"
	"github.com/kyozo/kyozo/internal/topology"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestFixtures analyses every tree under testdata/fixtures and compares the
// JSON topology, every generated Dockerfile and the compose file with the
// golden files under testdata/golden (-update rewrites them).
func TestFixtures(t *testing.T) {
	fixtures, err := os.ReadDir(filepath.Join("testdata", "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range fixtures {
		if !f.IsDir() {
			continue
		}
		name := f.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			topo := analyzeFixture(t, name)
			got, err := json.MarshalIndent(topo, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "golden", name+".json"), append(got, '\n'))
			for _, s := range topo.Services {
				if s.Dockerfile.Source != "generated" {
					continue
				}
				df, err := plan.Generate(s, plan.DefaultImages())
				if err != nil {
					t.Errorf("service %s: %v", s.Name, err)
					continue
				}
				checkGolden(t, filepath.Join("testdata", "golden", name, s.Name+".Dockerfile"), []byte(df))
			}
			compose, err := plan.Compose(topo, plan.ComposeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "golden", name, "docker-compose.yml"), compose)
		})
	}
}

func analyzeFixture(t *testing.T, name string) *topology.Topology {
	t.Helper()
	topo, err := topology.Analyze(context.Background(), filepath.Join("testdata", "fixtures", name), topology.Options{RootName: name})
	if err != nil {
		t.Fatal(err)
	}
	topo.Root = name
	return topo
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (check, then go test -update):\n%s", path, diff(string(want), string(got)))
	}
}

// diff shows the first lines that differ, enough to see what changed.
func diff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 12; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("  line " + itoa(i+1) + "\n    want: " + wl + "\n    got:  " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestComposeValidates runs the compose tool on every golden compose file:
// what Kyozo writes must be accepted by docker-compose as it is.
func TestComposeValidates(t *testing.T) {
	tool, args := composeTool(t)
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "docker-compose.yml"))
	if len(files) == 0 {
		t.Fatal("no golden compose files")
	}
	for _, f := range files {
		fixture := filepath.Base(filepath.Dir(f))
		t.Run(fixture, func(t *testing.T) {
			t.Parallel()
			// Compose resolves build contexts relative to the file and
			// checks they exist, so the file is checked from a copy of the
			// fixture's root, where a user would save it.
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "fixtures", fixture))); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(tool, append(args, "-f", filepath.Join(dir, "docker-compose.yml"), "config", "-q")...)
			cmd.Env = append(os.Environ(), "COMPOSE_PROJECT_NAME=kyozotest")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s config -q: %v\n%s", tool, err, out)
			}
		})
	}
}

// composeTool finds docker-compose or `docker compose`. CI installs one; a
// developer machine without either skips, but CI must not.
func composeTool(t *testing.T) (string, []string) {
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return p, nil
	}
	if p, err := exec.LookPath("docker"); err == nil {
		if exec.Command(p, "compose", "version").Run() == nil {
			return p, []string{"compose"}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI has neither docker-compose nor docker compose")
	}
	t.Skip("no compose tool on this machine")
	return "", nil
}
