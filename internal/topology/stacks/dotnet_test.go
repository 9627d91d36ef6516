package stacks

import (
	"slices"
	"testing"
)

func TestDotNetDetect(t *testing.T) {
	sln := map[string]string{
		"Shop.sln": "Microsoft Visual Studio Solution File, Format Version 12.00\n" +
			"Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"Shop.Api\", \"src\\Shop.Api\\Shop.Api.csproj\", \"{11111111-1111-1111-1111-111111111111}\"\nEndProject\n" +
			"Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"Shop.Core\", \"src\\Shop.Core\\Shop.Core.csproj\", \"{22222222-2222-2222-2222-222222222222}\"\nEndProject\n" +
			"Project(\"{F2A71F9B-5D33-465A-A702-920D77279786}\") = \"Shop.Worker\", \"src\\Shop.Worker\\Shop.Worker.fsproj\", \"{33333333-3333-3333-3333-333333333333}\"\nEndProject\n" +
			"Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"Shop.Tests\", \"tests\\Shop.Tests\\Shop.Tests.csproj\", \"{44444444-4444-4444-4444-444444444444}\"\nEndProject\n",
		"global.json":              "{\n  \"sdk\": { \"version\": \"8.0.404\", \"rollForward\": \"latestFeature\" }\n}\n",
		"Directory.Packages.props": "<Project><PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup></Project>\n",
		"src/Shop.Api/Shop.Api.csproj": `<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><AssemblyName>Shop.Api</AssemblyName></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" />
    <PackageReference Include="StackExchange.Redis" />
    <ProjectReference Include="..\Shop.Core\Shop.Core.csproj" />
  </ItemGroup>
</Project>`,
		"src/Shop.Api/Program.cs":                     "var app = WebApplication.Create(args);\napp.Run();\n",
		"src/Shop.Api/appsettings.json":               "{\n  \"ConnectionStrings\": { \"Default\": \"Host=postgres\" }\n}\n",
		"src/Shop.Api/Properties/launchSettings.json": `{"profiles": {"http": {"commandName": "Project", "applicationUrl": "http://localhost:5123"}}}`,
		"src/Shop.Core/Shop.Core.csproj":              "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>\n",
		"src/Shop.Worker/Shop.Worker.fsproj": `<Project Sdk="Microsoft.NET.Sdk.Worker">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup><Compile Include="Program.fs" /><ProjectReference Include="../Shop.Core/Shop.Core.csproj" /></ItemGroup>
</Project>`,
		"src/Shop.Worker/Program.fs":         "",
		"tests/Shop.Tests/Shop.Tests.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net8.0</TargetFramework><IsTestProject>true</IsTestProject></PropertyGroup></Project>\n",
	}
	cases := []struct {
		name  string
		files map[string]string
		dir   string
		check func(t *testing.T, r *Result)
	}{
		{"solution root", sln, ".", func(t *testing.T, r *Result) {
			if !r.WorkspaceOnly || !slices.Equal(r.Members, []string{"src/Shop.Api", "src/Shop.Core", "src/Shop.Worker", "tests/Shop.Tests"}) {
				t.Errorf("root = %+v", r)
			}
			if r.RuntimeVersion != "8.0" || r.Extra["sdk-version"] != "8.0.404" {
				t.Errorf("version %q extra %v", r.RuntimeVersion, r.Extra)
			}
		}},
		{"aspnetcore in a solution", sln, "src/Shop.Api", func(t *testing.T, r *Result) {
			dotnetTestExpect(t, r, "aspnetcore", "web", "src/Shop.Api/Shop.Api.csproj", ".", "8.0")
			if r.PortDefault != 8080 || r.Port != 5123 || r.Score < 0.9 {
				t.Errorf("ports %d/%d score %v", r.PortDefault, r.Port, r.Score)
			}
			if r.Start != "dotnet Shop.Api.dll" || r.Extra["assembly"] != "Shop.Api" || r.Extra["runtime"] != "aspnet" || r.Extra["sdk-version"] != "8.0.404" {
				t.Errorf("start %q extra %v", r.Start, r.Extra)
			}
			if want := []string{"npgsql.entityframeworkcore.postgresql", "stackexchange.redis"}; !slices.Equal(r.Deps, want) {
				t.Errorf("Deps = %v, want %v", r.Deps, want)
			}
			if !slices.Equal(r.LocalPaths, []string{"src/Shop.Core"}) {
				t.Errorf("LocalPaths = %v", r.LocalPaths)
			}
			want := []string{"Directory.Packages.props", "global.json", "src/Shop.Api/Shop.Api.csproj", "src/Shop.Core/Shop.Core.csproj"}
			if !slices.Equal(r.Lockfiles, want) {
				t.Errorf("Lockfiles = %v, want %v", r.Lockfiles, want)
			}
			if !slices.Equal(r.Env, []string{"ConnectionStrings__Default"}) || !slices.Equal(r.Entrypoints, []string{"Program.cs"}) {
				t.Errorf("env %v entrypoints %v", r.Env, r.Entrypoints)
			}
		}},
		{"library project", sln, "src/Shop.Core", func(t *testing.T, r *Result) {
			if !r.Library || r.Name != "Shop.Core" || r.Score != 0.5 {
				t.Errorf("core = %+v", r)
			}
		}},
		{"F# worker", sln, "src/Shop.Worker", func(t *testing.T, r *Result) {
			dotnetTestExpect(t, r, "", "worker", "src/Shop.Worker/Shop.Worker.fsproj", ".", "8.0")
			if r.Extra["runtime"] != "runtime" || r.Start != "dotnet Shop.Worker.dll" {
				t.Errorf("extra %v start %q", r.Extra, r.Start)
			}
		}},
		{"test project", sln, "tests/Shop.Tests", func(t *testing.T, r *Result) {
			if !r.Library {
				t.Errorf("test project is not deployed: %+v", r)
			}
		}},
		{"standalone web project", map[string]string{
			"Api.csproj":       "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net9.0</TargetFramework></PropertyGroup></Project>",
			"appsettings.json": "{ // comment\n \"Kestrel\": {\"Endpoints\": {\"Http\": {\"Url\": \"http://0.0.0.0:5000\"}}} }",
		}, ".", func(t *testing.T, r *Result) {
			dotnetTestExpect(t, r, "aspnetcore", "web", "Api.csproj", "", "9.0")
			if r.Port != 5000 || !slices.Equal(r.Lockfiles, []string{"Api.csproj"}) {
				t.Errorf("port %d lockfiles %v", r.Port, r.Lockfiles)
			}
		}},
		{"console migrator is a job", map[string]string{
			"Acme.Migrator.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>netcoreapp3.1</TargetFramework></PropertyGroup></Project>",
		}, ".", func(t *testing.T, r *Result) {
			dotnetTestExpect(t, r, "", "job", "Acme.Migrator.csproj", "", "3.1")
		}},
		{"directory props give the target framework", map[string]string{
			"Directory.Build.props": "<Project><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include=\"Serilog\" /></ItemGroup></Project>",
			"svc/Svc.csproj":        "<Project Sdk=\"Microsoft.NET.Sdk.Worker\"></Project>",
		}, "svc", func(t *testing.T, r *Result) {
			dotnetTestExpect(t, r, "", "worker", "svc/Svc.csproj", ".", "8.0")
			if !slices.Contains(r.Deps, "serilog") || !slices.Equal(r.Lockfiles, []string{"Directory.Build.props", "svc/Svc.csproj"}) {
				t.Errorf("deps %v lockfiles %v", r.Deps, r.Lockfiles)
			}
		}},
		{".NET Framework target", map[string]string{
			"Old.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net48</TargetFramework></PropertyGroup></Project>",
		}, ".", func(t *testing.T, r *Result) {
			if r.Score > 0.45 || r.RuntimeVersion != "" {
				t.Errorf("net48: score %v version %q", r.Score, r.RuntimeVersion)
			}
		}},
		{"blazor webassembly", map[string]string{
			"Client.csproj": "<Project Sdk=\"Microsoft.NET.Sdk.BlazorWebAssembly\"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>",
		}, ".", func(t *testing.T, r *Result) {
			if r.Kind != "static" || r.Extra["blazor-wasm"] != "1" || r.Start != "" {
				t.Errorf("blazor = %+v", r)
			}
		}},
		{"malformed project", map[string]string{
			"Api.csproj": "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n<PropertyGroup>\n</Project>\n",
		}, ".", func(t *testing.T, r *Result) {
			if len(r.Warnings) != 1 || r.Warnings[0].Line != 3 || r.Score > 0.35 {
				t.Errorf("warnings %+v score %v", r.Warnings, r.Score)
			}
		}},
		{"malformed solution", map[string]string{"App.sln": "Microsoft Visual Studio Solution File\nProject(\"{X}\") = oops\n"}, ".", func(t *testing.T, r *Result) {
			if !r.WorkspaceOnly || len(r.Warnings) != 1 || r.Warnings[0].Line != 2 {
				t.Errorf("sln = %+v", r)
			}
		}},
		{"nothing .NET", map[string]string{"README.md": ""}, ".", func(t *testing.T, r *Result) {
			if r != nil {
				t.Errorf("got %+v", r)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.check(t, detectIn(t, DotNet{}, c.files, c.dir))
		})
	}
}

func dotnetTestExpect(t *testing.T, r *Result, framework, kind, target, buildContext, version string) {
	t.Helper()
	if r == nil {
		t.Fatal("no result")
	}
	if r.Language != "dotnet" || r.PackageManager != "dotnet" || r.Framework != framework || r.Kind != kind || r.Target != target ||
		r.BuildContext != buildContext || r.RuntimeVersion != version {
		t.Errorf("got framework %q kind %q target %q context %q version %q; want %q %q %q %q %q",
			r.Framework, r.Kind, r.Target, r.BuildContext, r.RuntimeVersion, framework, kind, target, buildContext, version)
	}
	if len(r.Warnings) > 0 {
		t.Errorf("warnings %+v", r.Warnings)
	}
}
