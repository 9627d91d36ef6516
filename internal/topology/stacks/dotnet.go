package stacks

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/tree"
)

// DotNet detects .NET projects (C# .csproj, F# .fsproj, VB .vbproj) and
// solutions.
//
// A project with the Web SDK is an ASP.NET Core web service; the Worker SDK
// or OutputType Exe makes a worker (or a job, by name); anything else is a
// Library. A folder with only a solution file is a WorkspaceOnly root whose
// members are the solution's projects. Target is the project file relative
// to the build context, which widens to the solution folder, the folders
// of referenced projects and of Directory.Build.props, Directory.Packages.props,
// global.json and NuGet.config, because `dotnet restore` needs them all.
//
// Extra keys, read by plan.genDotNet:
//   - "assembly": the assembly name (the published <assembly>.dll).
//   - "runtime": "aspnet" when the app needs the ASP.NET Core runtime, else
//     "runtime".
//   - "sdk-version": global.json's sdk.version; the SDK image is that exact
//     version, which any rollForward policy accepts.
//   - "blazor-wasm": "1" for a Blazor WebAssembly app, published as static
//     files.
type DotNet struct{}

// Name implements Detector.
func (DotNet) Name() string { return "dotnet" }

const (
	dotnetWebSdk    = "Microsoft.NET.Sdk.Web"
	dotnetWorkerSdk = "Microsoft.NET.Sdk.Worker"
	dotnetBlazorSdk = "Microsoft.NET.Sdk.BlazorWebAssembly"
)

// dotnetJobNames are project names that mean a console app runs once.
var dotnetJobNames = []string{"migrator", "migrations", "migration", "migrate", "dbmigrator", "seeder", "seed", "setup", "cli", "tool", "tools"}

// Detect implements Detector.
func (DotNet) Detect(c *Context) *Result {
	projects := c.Dir.WithExt(".csproj", ".fsproj", ".vbproj")
	solutions := c.Dir.WithExt(".sln", ".slnx")
	if len(projects) == 0 && len(solutions) == 0 {
		return nil
	}
	r := &Result{Language: "dotnet", PackageManager: "dotnet", SourceExts: []string{".cs", ".fs", ".vb", ".cshtml", ".razor"}}
	for _, s := range solutions {
		for _, p := range dotnetSolution(c, r, c.Path(s), true) {
			if dir := path.Dir(p); dir != c.Dir.Path && !slices.Contains(r.Members, Rel(c.Dir.Path, dir)) && !strings.HasPrefix(Rel(c.Dir.Path, dir), "../") {
				r.Members = append(r.Members, Rel(c.Dir.Path, dir))
			}
		}
	}
	if len(projects) == 0 {
		r.WorkspaceOnly = true
		r.Because(c.Path(solutions[0]), "solution with projects "+strings.Join(r.Members, ", "))
		dotnetGlobalVersion(c, r)
		r.Score = parseWarnedScore(r, 0.5)
		return r
	}
	projName := dotnetPickProject(c, projects)
	projFile := c.Path(projName)
	if len(projects) > 1 {
		r.Because(projFile, "several project files in the folder; "+projName+" is named after it or first")
	}
	p := dotnetReadProject(c, r, projFile, true)
	props := dotnetInheritedProps(c)
	prop := func(name string) string {
		if v := p.Property(name); v != "" {
			return v
		}
		return props[name]
	}
	lang := "C#"
	switch {
	case strings.HasSuffix(projName, ".fsproj"):
		lang = "F#"
	case strings.HasSuffix(projName, ".vbproj"):
		lang = "Visual Basic"
	}
	r.Because(projFile, "project in "+lang)
	assembly := prop("AssemblyName")
	if assembly == "" || strings.Contains(assembly, "$(") {
		assembly = strings.TrimSuffix(projName, path.Ext(projName))
	}
	r.Name = assembly
	for _, pr := range p.PackageRefs {
		r.Deps = jvmAppendMissing(r.Deps, strings.ToLower(pr))
	}
	for _, pr := range dotnetInheritedPackages(c) {
		r.Deps = jvmAppendMissing(r.Deps, strings.ToLower(pr))
	}
	for _, e := range []string{"Program.cs", "Program.fs", "Startup.cs", "Program.vb"} {
		if c.Has(e) {
			r.Entrypoints = append(r.Entrypoints, e)
		}
	}

	tfm := p.TargetFramework()
	if tfm == "" {
		if tf := props["TargetFramework"]; tf != "" {
			tfm = tf
		} else if tfs := props["TargetFrameworks"]; tfs != "" {
			tfm, _, _ = strings.Cut(tfs, ";")
		}
	}
	penalty := dotnetVersion(c, r, tfm, projFile)

	outputType := strings.ToLower(prop("OutputType"))
	web := p.Sdk == dotnetWebSdk
	aspnet := web || slices.Contains(p.FrameworkRefs, "Microsoft.AspNetCore.App")
	exe := outputType == "exe" || outputType == "winexe" || web || p.Sdk == dotnetWorkerSdk
	test := strings.EqualFold(prop("IsTestProject"), "true") || HasAny(r.Deps, "microsoft.net.test.sdk")
	base := 0.5
	switch {
	case test:
		r.Library = true
		r.Because(projFile, "test project")
	case p.Sdk == dotnetBlazorSdk:
		r.Kind = "static"
		r.PortDefault = 8080
		r.Set("blazor-wasm", "1")
		r.Because(projFile, "blazor webassembly app: static files")
		base = 0.8
	case web:
		r.Framework, r.Kind, r.PortDefault = "aspnetcore", "web", 8080
		r.Because(projFile, "project sdk "+dotnetWebSdk)
		r.Because(projFile, "aspnetcore listens on 8080 by default (ASPNETCORE_HTTP_PORTS)")
		base = 0.9
	case p.Sdk == dotnetWorkerSdk:
		r.Kind = "worker"
		r.Because(projFile, "project sdk "+dotnetWorkerSdk)
		base = 0.8
	case exe:
		lower := strings.ToLower(assembly)
		r.Kind = "worker"
		for _, j := range dotnetJobNames {
			if lower == j || strings.HasSuffix(lower, "."+j) {
				r.Kind = "job"
			}
		}
		if aspnet {
			r.Framework, r.Kind, r.PortDefault = "aspnetcore", "web", 8080
		}
		r.Because(projFile, "console app (OutputType "+prop("OutputType")+")")
		base = 0.7
	default:
		r.Library = true
		r.Because(projFile, "class library: no OutputType Exe and no Web or Worker SDK")
	}
	// Projects it references are its local libraries, wherever they live.
	closure := dotnetClosure(c, projFile)
	for _, pf := range closure[1:] {
		r.LocalPaths = jvmAppendMissing(r.LocalPaths, path.Dir(pf))
	}
	if r.Library {
		r.Score = max(parseWarnedScore(r, base)-penalty, 0.1)
		return r
	}

	ctx := dotnetBuildContext(c, closure)
	if ctx != c.Dir.Path {
		r.BuildContext = ctx
	}
	r.Target = Rel(ctx, projFile)
	r.Lockfiles = dotnetLockfiles(c, ctx, closure)
	r.Set("assembly", assembly)
	if aspnet {
		r.Set("runtime", "aspnet")
	} else {
		r.Set("runtime", "runtime")
	}
	r.Build = "dotnet publish " + r.Target + " -c Release -o /out"
	if r.Kind != "static" {
		r.Start = "dotnet " + assembly + ".dll"
	}
	if r.Kind == "web" {
		dotnetPorts(c, r)
	}
	dotnetEnv(c, r)
	r.Score = max(parseWarnedScore(r, base)-penalty, 0.1)
	return r
}

// dotnetPickProject chooses among several project files: the one named
// after the folder, else the first.
func dotnetPickProject(c *Context, projects []string) string {
	base := path.Base(c.Dir.Path)
	for _, p := range projects {
		if strings.TrimSuffix(p, path.Ext(p)) == base {
			return p
		}
	}
	return projects[0]
}

func dotnetReadProject(c *Context, r *Result, file string, warn bool) *manifest.DotnetProject {
	data, err := c.ReadPath(file)
	var p *manifest.DotnetProject
	if err == nil {
		p, err = manifest.ParseDotnetProject(data)
	}
	if err != nil {
		if warn && r != nil {
			r.WarnParse(file, err)
		}
		return &manifest.DotnetProject{Properties: map[string]string{}}
	}
	return p
}

// dotnetSolution lists the tree paths of a solution's project files.
func dotnetSolution(c *Context, r *Result, file string, warn bool) []string {
	data, err := c.ReadPath(file)
	if err != nil {
		return nil
	}
	var ps []manifest.SolutionProject
	if strings.HasSuffix(file, ".slnx") {
		ps, err = manifest.ParseSlnx(data)
	} else {
		ps, err = manifest.ParseSolution(data)
	}
	if err != nil && warn && r != nil {
		r.WarnParse(file, err)
	}
	var out []string
	for _, p := range ps {
		if j, ok := goJoin(path.Dir(file), p.Path); ok && c.Tree.Exists(j) {
			out = append(out, j)
		}
	}
	return out
}

// dotnetInheritedProps reads the Directory.Build.props files above the
// project (MSBuild imports the nearest, which may import the next).
func dotnetInheritedProps(c *Context) map[string]string {
	out := map[string]string{}
	for _, d := range c.Up() {
		if d.Has("Directory.Build.props") {
			p := dotnetReadProject(c, nil, d.Join("Directory.Build.props"), false)
			for k, v := range p.Properties {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
		}
	}
	return out
}

func dotnetInheritedPackages(c *Context) []string {
	var out []string
	for _, d := range c.Up() {
		if d.Has("Directory.Build.props") {
			out = append(out, dotnetReadProject(c, nil, d.Join("Directory.Build.props"), false).PackageRefs...)
		}
	}
	return out
}

// dotnetVersion sets RuntimeVersion from the target framework ("net8.0" →
// "8.0"), else global.json or a tool pin. A .NET Framework or Windows-only
// target lowers the score: it does not run in a Linux container.
func dotnetVersion(c *Context, r *Result, tfm, projFile string) float64 {
	tfm = strings.ToLower(strings.TrimSpace(tfm))
	dotnetGlobalVersion(c, r)
	switch {
	case tfm == "":
	case strings.HasPrefix(tfm, "net") && !strings.HasPrefix(tfm, "netstandard") && !strings.HasPrefix(tfm, "netcoreapp") && !strings.Contains(tfm, "."):
		r.Because(projFile, tfm+" targets .NET Framework, which does not run on Linux")
		return 0.3
	case strings.HasPrefix(tfm, "netstandard"):
		r.Because(projFile, tfm+": a library target")
	default:
		v := strings.TrimPrefix(strings.TrimPrefix(tfm, "netcoreapp"), "net")
		os := ""
		if i := strings.IndexByte(v, '-'); i >= 0 {
			v, os = v[:i], v[i+1:]
		}
		if v != "" && v[0] >= '0' && v[0] <= '9' {
			r.RuntimeVersion = v
			r.Because(projFile, "target framework "+tfm)
		}
		if strings.HasPrefix(os, "windows") {
			r.Because(projFile, tfm+" is Windows-only")
			return 0.3
		}
	}
	return 0
}

// dotnetGlobalVersion reads global.json's SDK version (in the folder or
// above), used for the SDK image and as the runtime version when the
// project names none.
func dotnetGlobalVersion(c *Context, r *Result) {
	for _, d := range c.Up() {
		if !d.Has("global.json") {
			continue
		}
		file := d.Join("global.json")
		data, err := c.ReadPath(file)
		if err != nil {
			return
		}
		g, err := manifest.ParseGlobalJSON(data)
		if err != nil {
			r.WarnParse(file, err)
			return
		}
		if v := g.SDKVersion; v != "" && dotnetSafeVersion(v) {
			r.Set("sdk-version", v)
			r.Because(file, "sdk "+v+" in global.json")
			if r.RuntimeVersion == "" {
				if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
					r.RuntimeVersion = parts[0] + "." + parts[1]
				}
			}
		}
		return
	}
	if v, f := ToolVersion(c, "dotnet", "dotnet-core"); v != "" && r.RuntimeVersion == "" {
		r.RuntimeVersion = v
		r.Because(f, "dotnet "+v+" pinned")
	}
}

func dotnetSafeVersion(v string) bool {
	if v == "" || len(v) > 32 {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '.' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// dotnetClosure returns the project file and every project it references,
// directly or not (bounded), as tree paths.
func dotnetClosure(c *Context, projFile string) []string {
	out := []string{projFile}
	for i := 0; i < len(out) && len(out) < 64; i++ {
		p := dotnetReadProject(c, nil, out[i], false)
		for _, ref := range p.ProjectRefs {
			if strings.Contains(ref, "$(") {
				continue
			}
			if j, ok := goJoin(path.Dir(out[i]), ref); ok && c.Tree.Exists(j) && !slices.Contains(out, j) {
				out = append(out, j)
			}
		}
	}
	return out
}

// dotnetRestoreFiles are files `dotnet restore` reads from the project's
// folder and every folder above it.
var dotnetRestoreFiles = []string{"Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config", "NuGet.Config"}

// dotnetBuildContext is the deepest folder holding the project, its
// references, the solution that lists it and every restore file above it.
func dotnetBuildContext(c *Context, closure []string) string {
	ctx := c.Dir.Path
	for _, pf := range closure {
		ctx = goCommonDir(ctx, path.Dir(pf))
	}
	for _, d := range c.Up() {
		for _, f := range dotnetRestoreFiles {
			if d.Has(f) {
				ctx = goCommonDir(ctx, d.Path)
			}
		}
		for _, s := range d.WithExt(".sln", ".slnx") {
			if slices.Contains(dotnetSolution(c, nil, d.Join(s), false), closure[0]) {
				ctx = goCommonDir(ctx, d.Path)
			}
		}
	}
	return ctx
}

// dotnetLockfiles lists what `dotnet restore` needs before the sources:
// the project files of the closure, their packages.lock.json, and the
// restore files from each project's folder up to the build context.
func dotnetLockfiles(c *Context, ctx string, closure []string) []string {
	var out []string
	add := func(p string) {
		if c.Tree.Exists(p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, pf := range closure {
		for dir := path.Dir(pf); ; dir = path.Dir(dir) {
			if dir != ctx && !strings.HasPrefix(dir, ctx+"/") && ctx != "." {
				break
			}
			for _, f := range dotnetRestoreFiles {
				add(tree.Join(dir, f))
			}
			if dir == ctx || dir == "." {
				break
			}
		}
	}
	for _, pf := range closure {
		add(pf)
		add(tree.Join(path.Dir(pf), "packages.lock.json"))
	}
	return out
}

// dotnetPorts reads the port the app is configured to listen on:
// Kestrel endpoints or Urls in appsettings.json, else the http URL of
// launchSettings.json's project profile.
func dotnetPorts(c *Context, r *Result) {
	if data, err := c.Read("appsettings.json"); err == nil {
		a, err := manifest.ParseAppSettings(data)
		if err != nil {
			r.WarnParse(c.Path("appsettings.json"), err)
		} else if len(a.Ports) > 0 {
			r.Port = a.Ports[0]
			r.Because(c.Path("appsettings.json"), "kestrel endpoint on port "+strconv.Itoa(a.Ports[0]))
			return
		}
	}
	p := c.Path("Properties/launchSettings.json")
	if data, err := c.ReadPath(p); err == nil {
		ports, err := manifest.ParseLaunchSettings(data)
		if err != nil {
			r.WarnParse(p, err)
		} else if len(ports) > 0 {
			r.Port = ports[0]
			r.Because(p, "applicationUrl port "+strconv.Itoa(ports[0])+" in launchSettings.json")
		}
	}
}

// dotnetEnv declares the variables that override appsettings connection
// strings (ConnectionStrings__Default), so the backing-service wiring can
// set them.
func dotnetEnv(c *Context, r *Result) {
	data, err := c.Read("appsettings.json")
	if err != nil {
		return
	}
	a, err := manifest.ParseAppSettings(data)
	if err != nil {
		return
	}
	for _, n := range a.ConnectionStrings {
		if dotnetEnvName(n) {
			r.Env = jvmAppendMissing(r.Env, "ConnectionStrings__"+n)
		}
	}
}

func dotnetEnvName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
