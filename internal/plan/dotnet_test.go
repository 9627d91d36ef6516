package plan

import (
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
)

func TestDotNetGolden(t *testing.T) {
	compiledGolden(t, map[string]*topology.Service{
		"dotnet-aspnetcore": {
			Name: "shop-api", Path: "src/Shop.Api", BuildContext: ".", Kind: topology.KindWeb, Language: "dotnet",
			Framework: "aspnetcore", PackageManager: "dotnet", RuntimeVersion: "8.0", Port: 8080,
			StartCommand: "dotnet Shop.Api.dll", HealthCheck: &topology.HealthCheck{Path: "/healthz"},
			Build: topology.BuildHints{Target: "src/Shop.Api/Shop.Api.csproj",
				Lockfiles: []string{"Directory.Packages.props", "global.json", "src/Shop.Api/Shop.Api.csproj", "src/Shop.Core/Shop.Core.csproj"},
				Extra:     map[string]string{"assembly": "Shop.Api", "runtime": "aspnet", "sdk-version": "8.0.404"}},
		},
		"dotnet-fsharp-worker": {
			Name: "shop-worker", Path: "src/Shop.Worker", BuildContext: ".", Kind: topology.KindWorker, Language: "dotnet",
			PackageManager: "dotnet", RuntimeVersion: "8.0", StartCommand: "dotnet Shop.Worker.dll",
			Build: topology.BuildHints{Target: "src/Shop.Worker/Shop.Worker.fsproj",
				Lockfiles: []string{"global.json", "src/Shop.Worker/Shop.Worker.fsproj", "src/Shop.Core/Shop.Core.csproj"},
				Extra:     map[string]string{"assembly": "Shop.Worker", "runtime": "runtime"}},
		},
		"dotnet-aspnetcore-net6": {
			Name: "legacy", Path: ".", Kind: topology.KindWeb, Language: "dotnet", Framework: "aspnetcore",
			PackageManager: "dotnet", RuntimeVersion: "6.0", Port: 5000, StartCommand: "dotnet Legacy.dll",
			Build: topology.BuildHints{Target: "Legacy.csproj", Lockfiles: []string{"Legacy.csproj", "packages.lock.json"},
				Extra: map[string]string{"assembly": "Legacy", "runtime": "aspnet"}},
		},
		"dotnet-blazor-wasm": {
			Name: "client", Path: ".", Kind: topology.KindStatic, Language: "dotnet", PackageManager: "dotnet",
			RuntimeVersion: "8.0", Port: 8080,
			Build: topology.BuildHints{Target: "Client.csproj", Lockfiles: []string{"Client.csproj"},
				Extra: map[string]string{"assembly": "Client", "runtime": "runtime", "blazor-wasm": "1"}},
		},
	})
}

func TestDotNetPlanRules(t *testing.T) {
	s := &topology.Service{Name: "x", Path: ".", Kind: topology.KindWeb, Language: "dotnet", Framework: "aspnetcore",
		RuntimeVersion: "9.0", Port: 8081, HealthCheck: &topology.HealthCheck{Path: "/health"},
		Build: topology.BuildHints{Target: "X.csproj", Extra: map[string]string{"assembly": "X", "sdk-version": "8.0.0"}}}
	got, err := Generate(s, DefaultImages().With(map[string]string{"dotnet-runtime": "registry.local/aspnet:{version:8.0}"}))
	if err != nil {
		t.Fatal(err)
	}
	// sdk-version 8.0.0 is no SDK release: the runtime version picks the tag.
	for _, want := range []string{
		"FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build", "FROM registry.local/aspnet:9.0",
		`ENV ASPNETCORE_HTTP_PORTS="8081"`, `CMD ["dotnet", "X.dll"]`, "http://127.0.0.1:8081/health",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for _, bad := range []func(*topology.Service){
		func(s *topology.Service) { s.Build.Target = "../X.csproj" },
		func(s *topology.Service) { s.Build.Target = "X.proj" },
		func(s *topology.Service) { s.Build.Target = "" },
		func(s *topology.Service) { s.Build.Extra = map[string]string{"assembly": "X;rm"} },
	} {
		c := *s
		c.Build.Extra = map[string]string{"assembly": "X"}
		bad(&c)
		if _, err := Generate(&c, DefaultImages()); err == nil {
			t.Errorf("target %q extra %v: no error", c.Build.Target, c.Build.Extra)
		}
	}
}
