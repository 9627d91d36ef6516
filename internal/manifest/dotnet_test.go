package manifest

import (
	"errors"
	"slices"
	"testing"
)

const csprojSample = `<Project Sdk="Microsoft.NET.Sdk.Web">

  <PropertyGroup Condition="'$(Configuration)' == 'Debug'">
    <AssemblyName>Debug.Name</AssemblyName>
  </PropertyGroup>

  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <Nullable>enable</Nullable>
    <AssemblyName>Acme.Api</AssemblyName>
  </PropertyGroup>

  <ItemGroup>
    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="8.0.4" />
    <PackageReference Include="StackExchange.Redis" Version="2.8.16" />
    <ProjectReference Include="..\Acme.Core\Acme.Core.csproj" />
  </ItemGroup>
</Project>
`

func TestDotnetProject(t *testing.T) {
	p, err := ParseDotnetProject([]byte(csprojSample))
	if err != nil {
		t.Fatal(err)
	}
	if p.Sdk != "Microsoft.NET.Sdk.Web" || p.TargetFramework() != "net8.0" || p.Property("AssemblyName") != "Acme.Api" {
		t.Errorf("project = %+v", p)
	}
	if !slices.Equal(p.PackageRefs, []string{"Npgsql.EntityFrameworkCore.PostgreSQL", "StackExchange.Redis"}) {
		t.Errorf("packages = %v", p.PackageRefs)
	}
	if !slices.Equal(p.ProjectRefs, []string{"../Acme.Core/Acme.Core.csproj"}) {
		t.Errorf("project refs = %v", p.ProjectRefs)
	}
}

func TestDotnetProjectForms(t *testing.T) {
	// An <Sdk> element, TargetFrameworks and an old-style namespace.
	p, err := ParseDotnetProject([]byte(`<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <Sdk Name="Microsoft.NET.Sdk.Worker" Version="8.0.0" />
  <PropertyGroup><TargetFrameworks>net8.0;net9.0</TargetFrameworks><OutputType>Exe</OutputType></PropertyGroup>
  <ItemGroup><FrameworkReference Include="Microsoft.AspNetCore.App" /></ItemGroup>
</Project>`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Sdk != "Microsoft.NET.Sdk.Worker" || p.TargetFramework() != "net8.0" || p.Property("OutputType") != "Exe" ||
		!slices.Equal(p.FrameworkRefs, []string{"Microsoft.AspNetCore.App"}) {
		t.Errorf("project = %+v", p)
	}
	p, err = ParseDotnetProject([]byte(`<Project><Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk.Web/8.0.100" /></Project>`))
	if err != nil || p.Sdk != "Microsoft.NET.Sdk.Web" {
		t.Errorf("Import Sdk: %+v %v", p, err)
	}
}

func TestDotnetSolution(t *testing.T) {
	sln := "\ufeff\nMicrosoft Visual Studio Solution File, Format Version 12.00\n" +
		`# Visual Studio Version 17
Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Acme.Api", "src\Acme.Api\Acme.Api.csproj", "{5F2A1B57-0000-4000-8000-000000000001}"
EndProject
Project("{2150E333-8FDC-42A3-9474-1A3956D46DE8}") = "src", "src", "{5F2A1B57-0000-4000-8000-000000000002}"
EndProject
Project("{F2A71F9B-5D33-465A-A702-920D77279786}") = "Acme.Worker", "src\Acme.Worker\Acme.Worker.fsproj", "{5F2A1B57-0000-4000-8000-000000000003}"
EndProject
Global
EndGlobal
`
	ps, err := ParseSolution([]byte(sln))
	if err != nil {
		t.Fatal(err)
	}
	want := []SolutionProject{{"Acme.Api", "src/Acme.Api/Acme.Api.csproj"}, {"Acme.Worker", "src/Acme.Worker/Acme.Worker.fsproj"}}
	if !slices.Equal(ps, want) {
		t.Errorf("projects = %+v", ps)
	}
	_, err = ParseSolution([]byte("Microsoft Visual Studio Solution File, Format Version 12.00\nProject(\"{X}\") = broken\n"))
	if ErrorLine(err) != 2 {
		t.Errorf("malformed: %v", err)
	}
	if _, err := ParseSolution([]byte("hello\n")); ErrorLine(err) != 1 {
		t.Errorf("not a solution: %v", err)
	}
	ps, err = ParseSlnx([]byte(`<Solution><Folder Name="/src/"><Project Path="src/Api/Api.csproj" /></Folder><Project Path="tools\Gen\Gen.fsproj" /></Solution>`))
	if err != nil || len(ps) != 2 || ps[0].Path != "tools/Gen/Gen.fsproj" || ps[1].Name != "Api" {
		t.Errorf("slnx = %+v, %v", ps, err)
	}
}

func TestDotnetSettings(t *testing.T) {
	g, err := ParseGlobalJSON([]byte("{\n  // pinned\n  \"sdk\": { \"version\": \"8.0.404\", \"rollForward\": \"latestFeature\" }\n}"))
	if err != nil || g.SDKVersion != "8.0.404" || g.RollForward != "latestFeature" {
		t.Errorf("global.json = %+v, %v", g, err)
	}
	a, err := ParseAppSettings([]byte(`{
  "Kestrel": { "Endpoints": { "Http": { "Url": "http://+:5080" } } },
  "Urls": "http://*:5081;https://*:5443",
  "ConnectionStrings": { "Default": "Host=db", "Redis": "redis:6379" }
}`))
	if err != nil || !slices.Equal(a.Ports, []int{5080, 5081, 5443}) || !slices.Equal(a.ConnectionStrings, []string{"Default", "Redis"}) {
		t.Errorf("appsettings = %+v, %v", a, err)
	}
	ports, err := ParseLaunchSettings([]byte(`{"profiles": {
  "http": {"commandName": "Project", "applicationUrl": "http://localhost:5123"},
  "https": {"commandName": "Project", "applicationUrl": "https://localhost:7001;http://localhost:5123"},
  "IIS Express": {"commandName": "IISExpress"}}}`))
	if err != nil || !slices.Equal(ports, []int{5123}) {
		t.Errorf("launchSettings = %v, %v", ports, err)
	}
	if _, err := ParseAppSettings([]byte("{\n  \"Urls\": 5\n}")); ErrorLine(err) != 2 {
		t.Errorf("malformed appsettings: %v", err)
	}
}

func TestDotnetMalformed(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
	}{
		{"<Project Sdk=\"Microsoft.NET.Sdk\">\n<PropertyGroup>\n</Project>\n", 3},
		{"<?xml version=\"1.0\"?>\n<Solution></Solution>\n", 2},
		{"<Project>\n<PropertyGroup>\n", 3},
	} {
		_, err := ParseDotnetProject([]byte(c.src))
		var me *Error
		if !errors.As(err, &me) || me.Line != c.line {
			t.Errorf("%q: err = %v, want line %d", c.src, err, c.line)
		}
	}
}

func FuzzDotnetProject(f *testing.F) {
	f.Add([]byte(csprojSample))
	f.Add([]byte("Microsoft Visual Studio Solution File, Format Version 12.00\nProject(\"{A}\") = \"a\", \"a\\a.csproj\", \"{B}\"\n"))
	f.Add([]byte(`<Solution><Project Path="a/a.csproj"/></Solution>`))
	f.Add([]byte(`{"sdk":{"version":"8.0.100"},"Kestrel":{"Endpoints":{"x":{"Url":"http://[::]:80"}}},"profiles":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, err := range []error{
			func() error { _, err := ParseDotnetProject(data); return err }(),
			func() error { _, err := ParseSolution(data); return err }(),
			func() error { _, err := ParseSlnx(data); return err }(),
			func() error { _, err := ParseGlobalJSON(data); return err }(),
			func() error { _, err := ParseAppSettings(data); return err }(),
			func() error { _, err := ParseLaunchSettings(data); return err }(),
		} {
			if err != nil {
				var me *Error
				if !errors.As(err, &me) {
					t.Fatalf("error %T is not *Error", err)
				}
			}
		}
	})
}
