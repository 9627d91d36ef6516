// How a Python project is installed: its package manager and the
// lockfiles copied before the sources, the Python version it pins, and the
// local path dependencies that widen the build context.

package stacks

import (
	"maps"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/tree"
)

// uvWorkspace returns the tree path of the uv workspace root holding the
// lockfile this member builds from, or "".
func (p *pyDetection) uvWorkspace() string {
	ws := p.c.Workspace
	if ws == "" || ws == p.c.Dir.Path || p.c.Has("uv.lock") {
		return ""
	}
	if p.c.Tree.Exists(tree.Join(ws, "uv.lock")) {
		return ws
	}
	return ""
}

func (p *pyDetection) packageManager() {
	c, r := p.c, p.r
	pp := p.pp
	lock := func(name string) bool { return c.Has(name) }
	ws := p.uvWorkspace()
	var pm, file, why string
	switch {
	case lock("uv.lock"):
		pm, file, why = "uv", "uv.lock", "uv.lock"
	case ws != "":
		pm, file, why = "uv", "", "member of a uv workspace"
	case lock("poetry.lock"):
		pm, file, why = "poetry", "poetry.lock", "poetry.lock"
	case lock("pdm.lock"):
		pm, file, why = "pdm", "pdm.lock", "pdm.lock"
	case lock("Pipfile.lock"), lock("Pipfile"):
		pm, file, why = "pipenv", c.Dir.First("Pipfile.lock", "Pipfile"), "pipenv files"
	case pp != nil && pp.UV:
		pm, file, why = "uv", "pyproject.toml", "[tool.uv] in pyproject.toml"
	case pp != nil && pp.Poetry:
		pm, file, why = "poetry", "pyproject.toml", "[tool.poetry] in pyproject.toml"
	case pp != nil && pp.PDM:
		pm, file, why = "pdm", "pyproject.toml", "[tool.pdm] in pyproject.toml"
	default:
		pm = "pip"
		file = c.Dir.First("requirements.txt", "setup.py", "setup.cfg", "pyproject.toml")
		why = "pip project"
		switch {
		case p.reqFile != "":
			r.Set("pip_install", "requirements")
			r.Set("requirements", p.reqFile)
			file = p.reqFile
		case file != "":
			r.Set("pip_install", "project")
		}
	}
	r.PackageManager = pm
	if file == "" {
		file = "pyproject.toml"
		if ws != "" {
			r.Because(tree.Join(ws, "uv.lock"), why)
		}
	} else {
		r.Because(c.Path(file), why)
	}
	// Manifests and lockfiles copied before sources, in install order.
	var files []string
	switch pm {
	case "uv":
		if ws != "" {
			r.BuildContext = ws
			files = append(files, tree.Join(ws, "pyproject.toml"), tree.Join(ws, "uv.lock"))
			if pp != nil && pp.Name != "" {
				r.Set("uv_package", pp.Name)
			}
		}
		files = append(files, c.Path("pyproject.toml"), c.Path("uv.lock"))
	case "poetry":
		files = append(files, c.Path("pyproject.toml"), c.Path("poetry.lock"))
	case "pdm":
		files = append(files, c.Path("pyproject.toml"), c.Path("pdm.lock"))
	case "pipenv":
		files = append(files, c.Path("Pipfile"), c.Path("Pipfile.lock"))
	}
	var lockfiles []string
	for _, f := range files {
		if c.Tree.Exists(f) && !slices.Contains(lockfiles, f) {
			lockfiles = append(lockfiles, f)
		}
	}
	r.Lockfiles = append(lockfiles, r.Lockfiles...)
}

func (p *pyDetection) runtimeVersion() {
	c, r := p.c, p.r
	set := func(v, file, why string) bool {
		if v == "" || !strings.ContainsAny(v, "0123456789") {
			return false
		}
		r.RuntimeVersion = v
		r.Because(file, why)
		return true
	}
	if f := c.FindUp(".python-version"); f != "" && set(pyFirstLine(c, f), f, "python version from .python-version") {
		return
	}
	if v, f := FirstLine(c, "runtime.txt"); set(strings.TrimPrefix(v, "python-"), f, "python version from runtime.txt") {
		return
	}
	if v, f := ToolVersion(c, "python"); set(v, f, "python version pinned") {
		return
	}
	if p.pf != nil && set(p.pf.PythonVersion, c.Path("Pipfile"), "python version from Pipfile") {
		return
	}
	if p.pp != nil {
		if set(pyVersionFromSpec(p.pp.RequiresPython), c.Path("pyproject.toml"), "requires-python") {
			return
		}
		set(pyVersionFromSpec(p.pp.PoetryPython), c.Path("pyproject.toml"), "python version from poetry dependencies")
	}
}

// pyFirstLine returns the first non-comment line of a file of the tree.
func pyFirstLine(c *Context, treePath string) string {
	data, err := c.ReadPath(treePath)
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return ""
}

// pyVersionFromSpec returns the lowest version a requirement such as
// ">=3.10,<4", "^3.11" or "~=3.12.0" allows, or "" when it sets only an
// upper bound.
func pyVersionFromSpec(spec string) string {
	for _, clause := range strings.Split(spec, ",") {
		c := strings.TrimSpace(clause)
		if strings.HasPrefix(c, "<") || strings.HasPrefix(c, "!=") {
			continue
		}
		c = strings.TrimLeft(c, "=>^~ ")
		c = strings.TrimSuffix(strings.TrimSuffix(c, "*"), ".")
		if c != "" && c[0] >= '0' && c[0] <= '9' {
			return c
		}
	}
	return ""
}

// localPaths turns path dependencies into tree paths; one outside the
// folder makes the build context their common ancestor.
func (p *pyDetection) localPaths() {
	c, r := p.c, p.r
	var rel []string
	rel = append(rel, p.local...)
	if p.pp != nil {
		for _, k := range slices.Sorted(maps.Keys(p.pp.PathDeps)) {
			rel = append(rel, p.pp.PathDeps[k])
		}
	}
	if len(rel) == 0 {
		return
	}
	r.Set("local_deps", "1")
	dynLocalPaths(c, r, rel)
}
