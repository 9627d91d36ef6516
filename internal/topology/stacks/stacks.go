package stacks

import (
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/kyozo/kyozo/internal/tree"
)

// Detector recognises one stack family in a folder.
//
// Detect returns nil when the folder holds nothing of the stack. Otherwise
// its Result says how surely the stack serves the folder (Score), or that the
// folder is only a library or a workspace root. A detector reads only through
// the Context, never panics, and turns a malformed manifest into a Warning
// plus a lower Score instead of an error.
type Detector interface {
	Name() string
	Detect(c *Context) *Result
}

// Context is what a detector sees of one folder.
type Context struct {
	Tree *tree.Tree
	Dir  *tree.Dir
	// Workspace is the folder of the enclosing workspace (where a shared
	// lockfile lives), or Dir.Path when the folder is not a workspace member.
	Workspace string
}

// Has reports whether the folder holds the named file.
func (c *Context) Has(name string) bool { return c.Dir.Has(name) }

// Path returns the tree path of a file in the folder.
func (c *Context) Path(name string) string { return c.Dir.Join(name) }

// Read returns a file of the folder.
func (c *Context) Read(name string) ([]byte, error) { return c.Tree.ReadFile(c.Dir.Join(name)) }

// ReadPath returns any file of the tree by its tree path.
func (c *Context) ReadPath(p string) ([]byte, error) { return c.Tree.ReadFile(p) }

// Up returns the folders from this one up to the tree's root, nearest first.
func (c *Context) Up() []*tree.Dir {
	var out []*tree.Dir
	p := c.Dir.Path
	for {
		if d := c.Tree.Dir(p); d != nil {
			out = append(out, d)
		}
		if p == "." {
			return out
		}
		p = path.Dir(p)
	}
}

// FindUp returns the tree path of the nearest file called name in this folder
// or one above it, or "".
func (c *Context) FindUp(name string) string {
	for _, d := range c.Up() {
		if d.Has(name) {
			return d.Join(name)
		}
	}
	return ""
}

// Rel returns a tree path relative to this folder ("." for the folder itself).
func (c *Context) Rel(p string) string { return Rel(c.Dir.Path, p) }

// Rel returns target relative to base, both tree paths.
func Rel(base, target string) string {
	if base == "." {
		return target
	}
	if target == base {
		return "."
	}
	if strings.HasPrefix(target, base+"/") {
		return target[len(base)+1:]
	}
	// Walk up from base until target is below.
	up := ""
	b := base
	for b != "." && !strings.HasPrefix(target, b+"/") && target != b {
		up += "../"
		b = path.Dir(b)
	}
	if b == "." {
		return up + target
	}
	if target == b {
		return strings.TrimSuffix(up, "/")
	}
	return up + target[len(b)+1:]
}

// Result is what a detector concluded about a folder.
type Result struct {
	Language       string // one of the languages in Languages
	Framework      string // one of Frameworks, or ""
	PackageManager string
	RuntimeVersion string
	// Name is the project's own name from its manifest ("@acme/web",
	// "github.com/acme/api", a crate name), used to name the service and to
	// match local dependencies between workspace members.
	Name string

	Kind  string // "web", "worker", "static", "job", or "" to let the engine decide
	Start string // start command
	Build string // build command, "" when the stack needs none

	// Port is a port the stack's own configuration names. PortDefault is the
	// framework's default, used only when nothing in the tree says otherwise.
	Port        int
	PortDefault int
	Health      string // health check path known from configuration

	Env  []string // variable names the configuration declares
	Deps []string // dependency names as the manifest spells them

	// Score is how surely this stack serves the folder, 0 to 1: about 0.9
	// for a manifest with a server framework or start script, 0.6 for a
	// manifest with an entry point, 0.3 for a weak hint (a loose index.html,
	// a lone start.sh). Folders outside workspaces and conventional places
	// need a strong claim (0.5 and up) to become services.
	Score float64
	// Library is set for a project with no entry point: it is not deployed,
	// but its users are rebuilt when it changes.
	Library bool
	// WorkspaceOnly is set for a workspace root whose manifest only gathers
	// members (a virtual Cargo manifest, a package.json with workspaces and
	// no server of its own).
	WorkspaceOnly bool
	// Members are workspace member globs relative to the folder.
	Members []string
	// LocalPaths are tree paths of local packages this one depends on by path
	// (Cargo path dependencies, go.mod replace directives, uv path sources).
	LocalPaths []string

	// BuildContext is the tree path the image must be built from when it is
	// not the folder itself (a Go module root above cmd/api, a workspace root
	// holding the lockfile). "" means the folder.
	BuildContext string
	// Lockfiles are tree paths of lockfiles and manifests copied before sources.
	Lockfiles []string
	// Target is the build's product (see topology.BuildHints.Target).
	Target string
	// Extra carries stack specifics for the Dockerfile generator.
	Extra map[string]string

	// SourceExts are the file endings worth scanning for ports, routes,
	// variables and hosts; Entrypoints are folder-relative files to scan first.
	SourceExts  []string
	Entrypoints []string

	Evidence []Evidence
	Warnings []Warning
}

// Evidence is a reason behind a conclusion.
type Evidence struct {
	File   string // tree path
	Reason string
}

// Warning is a problem with a file of the tree; Line is 0 when unknown.
type Warning struct {
	File    string
	Line    int
	Message string
}

// Because records evidence for a conclusion.
func (r *Result) Because(file, reason string) {
	r.Evidence = append(r.Evidence, Evidence{file, reason})
}

// Warn records a problem with a file.
func (r *Result) Warn(file string, line int, msg string) {
	r.Warnings = append(r.Warnings, Warning{file, line, msg})
}

// Set stores a stack specific fact for the Dockerfile generator.
func (r *Result) Set(key, value string) {
	if r.Extra == nil {
		r.Extra = map[string]string{}
	}
	r.Extra[key] = value
}

// Languages are the values Result.Language may take.
var Languages = []string{
	"node", "deno", "python", "go", "rust", "java", "kotlin", "scala", "clojure",
	"ruby", "php", "dotnet", "elixir", "gleam", "crystal", "dart", "haskell",
	"swift", "zig", "cpp", "cobol", "static", "shell", "docker",
}

// Frameworks are the values Result.Framework may take.
var Frameworks = []string{
	"next", "nuxt", "remix", "astro", "sveltekit", "vite", "react-router", "tanstack-start",
	"angular", "cra", "expo", "express", "fastify", "nest", "koa", "hono", "fresh",
	"django", "flask", "fastapi", "fasthtml", "rails", "sinatra", "laravel", "symfony",
	"spring-boot", "quarkus", "micronaut", "phoenix", "aspnetcore", "gin", "echo", "fiber",
	"chi", "axum", "actix-web", "rocket", "vapor", "ring", "luminus",
}

// IsNotExist reports whether err means the file is absent.
func IsNotExist(err error) bool { return err != nil && errors.Is(err, fs.ErrNotExist) }
