package tree

import "strings"

// vendored names folders that hold dependencies, build output or tool caches
// in some ecosystem: never a service, never worth reading.
var vendored = map[string]bool{
	"node_modules": true, "bower_components": true, "jspm_packages": true,
	"vendor": true,
	"dist":   true, "build": true, "target": true, "out": true,
	"venv": true, "__pycache__": true, "site-packages": true,
	"coverage": true, "htmlcov": true,
	"zig-out": true, "zig-cache": true, "dist-newstyle": true,
	"Pods": true, "DerivedData": true,
}

// keptHidden are dot-folders that carry workspace configuration.
var keptHidden = map[string]bool{".moon": true}

// skipDir says why the folder name (a child of parent) is not walked, or "".
func skipDir(name string, parent *Dir) string {
	if strings.HasPrefix(name, ".") && !keptHidden[name] {
		return "hidden"
	}
	if vendored[name] {
		return "vendored or generated"
	}
	switch name {
	case "deps", "_build":
		if parent.Has("mix.exs") {
			return "vendored or generated"
		}
	case "bin", "obj":
		if len(parent.WithExt(".csproj", ".fsproj", ".vbproj")) > 0 {
			return "vendored or generated"
		}
	}
	return ""
}
