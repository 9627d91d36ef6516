package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

func denoGoldenServices() map[string]*topology.Service {
	fresh := &topology.Service{
		Name: "site", Path: ".", Kind: topology.KindWeb, Language: "deno", Framework: "fresh", PackageManager: "deno",
		Port: 8000, StartCommand: "deno task preview", BuildCommand: "deno task build", RuntimeVersion: "2.1.4",
		HealthCheck: &topology.HealthCheck{Path: "/healthz"},
		Build:       topology.BuildHints{Lockfiles: []string{"deno.json", "deno.lock"}, Extra: map[string]string{"entry": "main.ts"}},
	}
	member := &topology.Service{
		Name: "api", Path: "api", Kind: topology.KindWeb, Language: "deno", Framework: "hono", PackageManager: "deno",
		Port: 8000, StartCommand: "deno run -A main.ts", RuntimeVersion: "1.46.3", BuildContext: ".",
		Build: topology.BuildHints{Lockfiles: []string{"deno.json", "deno.lock", "api/deno.json", "api/deps.ts"}, Extra: map[string]string{"entry": "main.ts"}},
	}
	return map[string]*topology.Service{"deno-fresh": fresh, "deno-workspace-member": member}
}

func TestDenoGolden(t *testing.T) { jsGolden(t, denoGoldenServices()) }

func TestDenoImageOverride(t *testing.T) {
	got, err := Generate(denoGoldenServices()["deno-fresh"], DefaultImages().With(map[string]string{"deno": "mirror/deno:{version:2}"}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "FROM mirror/deno:2.1.4\n") {
		t.Errorf("override not used:\n%s", got)
	}
	if !strings.Contains(got, "HEALTHCHECK") {
		t.Errorf("no health check:\n%s", got)
	}
}
