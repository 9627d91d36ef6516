package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// dotnetImages are the default base images of the family.
var dotnetImages = Images{
	"dotnet":              "mcr.microsoft.com/dotnet/sdk:{version:8.0}",
	"dotnet-runtime":      "mcr.microsoft.com/dotnet/aspnet:{version:8.0}",
	"dotnet-runtime-base": "mcr.microsoft.com/dotnet/runtime:{version:8.0}",
	// Blazor WebAssembly apps publish static files; nginx-unprivileged
	// serves them as a non-root user.
	"dotnet-static": "nginxinc/nginx-unprivileged:1.27-alpine",
}

// genDotNet restores with the project files alone (so the layer caches),
// publishes the project, and runs `dotnet <assembly>.dll` on the ASP.NET
// Core runtime for web apps and on the plain runtime for workers. The
// server's port follows the service's: ASPNETCORE_HTTP_PORTS on .NET 8 and
// later, ASPNETCORE_URLS before.
//
// Extra (stacks.DotNet): "assembly", "runtime", "sdk-version", "blazor-wasm".
func genDotNet(g *Gen) error {
	s := g.S
	project := s.Build.Target
	if project == "" {
		return errNoTarget
	}
	if !compiledRelDir(project) || !(strings.HasSuffix(project, ".csproj") || strings.HasSuffix(project, ".fsproj") || strings.HasSuffix(project, ".vbproj")) {
		return fmt.Errorf("project file %q is not a relative .csproj, .fsproj or .vbproj path", project)
	}
	g.D.From(dotnetSDKImage(g), "build")
	g.D.Workdir("/src")
	compiledCopyManifests(g, s.Build.Lockfiles)
	g.D.RunArgv("dotnet", "restore", project)
	g.D.Copy("", "", "./", ".")
	g.D.RunArgv("dotnet", "publish", project, "-c", "Release", "-o", "/out", "-p:UseAppHost=false")
	g.D.Blank()

	if g.Extra("blazor-wasm") == "1" {
		return dotnetStatic(g)
	}
	assembly := g.Extra("assembly")
	if !compiledSafeName(assembly) {
		return fmt.Errorf("assembly name %q is not a plain name", assembly)
	}
	runtime := "dotnet-runtime-base"
	if g.Extra("runtime") == "aspnet" || s.Framework == "aspnetcore" {
		runtime = "dotnet-runtime"
	}
	g.D.From(g.Image(runtime, 2), "")
	g.D.Workdir("/app")
	g.D.Copy("build", "", "/app/", "/out/")
	if s.Kind == "web" && s.Port > 0 {
		port := strconv.Itoa(s.Port)
		if v := VersionPrefix(g.S.RuntimeVersion, 1); v != "" && compiledVersionLess(v, "8") {
			g.D.Env("ASPNETCORE_URLS", "http://+:"+port)
		} else {
			g.D.Env("ASPNETCORE_HTTP_PORTS", port)
		}
	}
	argv := g.StartArgv()
	if len(argv) == 0 {
		argv = []string{"dotnet", assembly + ".dll"}
	}
	g.Finish("", argv)
	return nil
}

// dotnetSDKImage uses global.json's exact SDK release when it names a
// released one (x.y.zNN with a feature band ≥ 100): the default
// rollForward only accepts patches of that band, which a floating x.y tag
// may have moved past. Otherwise the runtime version picks the tag.
func dotnetSDKImage(g *Gen) string {
	v := g.Extra("sdk-version")
	parts := strings.Split(v, ".")
	if len(parts) == 3 {
		if band, err := strconv.Atoi(parts[2]); err == nil && band >= 100 && safeTag(v) {
			if ref := g.images.Ref("dotnet", v); ref != "" {
				return ref
			}
		}
	}
	return g.Image("dotnet", 2)
}

// dotnetStatic serves a Blazor WebAssembly app's published wwwroot with
// nginx, falling back to index.html for client-side routes.
func dotnetStatic(g *Gen) error {
	port := g.S.Port
	if port <= 0 {
		port = 8080
	}
	g.D.From(g.Image("dotnet-static", 0), "")
	g.D.Copy("build", "", "/usr/share/nginx/html/", "/out/wwwroot/")
	g.D.Run(fmt.Sprintf(`printf 'server {\n  listen %d;\n  root /usr/share/nginx/html;\n  location / { try_files $uri $uri/ /index.html; }\n}\n' > /etc/nginx/conf.d/default.conf`, port))
	g.Finish("", nil)
	return nil
}
