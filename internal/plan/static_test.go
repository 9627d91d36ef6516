package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

func staticGoldenServices() map[string]*topology.Service {
	return map[string]*topology.Service{
		"static-plain": {
			Name: "site", Path: ".", Kind: topology.KindStatic, Language: "static", Port: 8080,
			Build: topology.BuildHints{Target: "."},
		},
		"static-docs-folder": {
			Name: "docs", Path: "docs", Kind: topology.KindStatic, Language: "static", Port: 9000,
			HealthCheck: &topology.HealthCheck{Path: "/index.html"},
		},
		"static-mkdocs": {
			Name: "handbook", Path: ".", Kind: topology.KindStatic, Language: "static", Port: 8080, BuildCommand: "mkdocs build",
			Build: topology.BuildHints{Target: "site", Lockfiles: []string{"requirements.txt"}, Extra: map[string]string{"ssg": "mkdocs"}},
		},
	}
}

func TestStaticGolden(t *testing.T) { jsGolden(t, staticGoldenServices()) }

func TestStaticImageOverride(t *testing.T) {
	got, err := Generate(staticGoldenServices()["static-plain"], DefaultImages().With(map[string]string{"static": "local/nginx"}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.SplitN(got, "\n", 3)[1], "FROM local/nginx") {
		t.Errorf("override not used:\n%s", got)
	}
	if strings.Contains(got, "HEALTHCHECK") {
		t.Errorf("health check without a path:\n%s", got)
	}
}
