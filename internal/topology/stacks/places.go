package stacks

// Folder names with a meaning for service discovery, shared by the engine
// and the detectors whose claims depend on where a folder is.

// serviceParents are folders whose children are deployable units by convention.
var serviceParents = map[string]bool{
	"apps": true, "services": true, "packages": true, "cmd": true, "workers": true,
	"jobs": true, "functions": true, "sites": true, "servers": true, "microservices": true,
	"projects": true, "backends": true, "frontends": true, "svc": true,
}

// toolingDirs are folders of scripts and infrastructure: a weak hint in
// one (a run.sh in scripts/) is not a service.
var toolingDirs = map[string]bool{
	"scripts": true, "script": true, "bin": true, "tools": true, "hack": true, "ci": true,
	"deploy": true, "deployment": true, "infra": true, "ops": true, "config": true, "assets": true,
	"docker": true,
}

// ServiceParent reports whether the children of a folder with this name
// are services by convention (apps/*, services/*, cmd/* …).
func ServiceParent(name string) bool { return serviceParents[name] }

// ToolingDir reports whether a folder with this name holds tooling rather
// than services.
func ToolingDir(name string) bool { return toolingDirs[name] }
