package topology

import (
	"path"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/topology/stacks"
)

// linkLibraries finds which services use which libraries, directly or
// through other libraries, and sets every service's watch paths: the
// folders whose change means the service is rebuilt.
func (a *analyzer) linkLibraries() {
	byName := map[string]*libUnit{}
	byDir := map[string]*libUnit{}
	for _, l := range a.libs {
		name := Normalize(l.res.Name)
		if name == "" {
			name = Normalize(path.Base(l.dir))
		}
		l.lib = &Library{Name: name, Path: l.dir, Language: l.res.Language}
		if l.res.Name != "" {
			byName[l.res.Language+"\x00"+l.res.Name] = l
		}
		byDir[l.dir] = l
	}
	// uses returns the libraries a result depends on directly.
	uses := func(r *stacks.Result) []*libUnit {
		if r == nil {
			return nil
		}
		var out []*libUnit
		for _, d := range r.Deps {
			if l := byName[r.Language+"\x00"+d]; l != nil {
				out = append(out, l)
			}
		}
		for _, p := range r.LocalPaths {
			if l := byDir[path.Clean(p)]; l != nil {
				out = append(out, l)
			}
		}
		return out
	}
	for _, u := range a.units {
		seen := map[*libUnit]bool{}
		queue := uses(u.res)
		for len(queue) > 0 {
			l := queue[0]
			queue = queue[1:]
			if seen[l] {
				continue
			}
			seen[l] = true
			queue = append(queue, uses(l.res)...)
		}
		for l := range seen {
			u.svc.Libraries = append(u.svc.Libraries, l.dir)
			if !slices.Contains(l.lib.UsedBy, u.svc.Name) {
				l.lib.UsedBy = append(l.lib.UsedBy, u.svc.Name)
			}
		}
		slices.Sort(u.svc.Libraries)
		u.svc.WatchPaths = watchPaths(u.svc)
	}
	for _, l := range a.libs {
		slices.Sort(l.lib.UsedBy)
	}
}

// watchPaths lists the tree paths whose change means a service's image must
// be rebuilt: its build context (its folder, or the module or workspace it
// is built from), its libraries, its lockfiles and its Dockerfile.
func watchPaths(s *Service) []string {
	// The service's own folder always; its build context only when the
	// generator copies all of it (a Go command builds its whole module). A
	// workspace member names its lockfiles instead, so its siblings'
	// changes do not rebuild it.
	out := []string{s.Path}
	if s.BuildContext != s.Path && len(s.Build.Lockfiles) == 0 {
		out = append(out, s.BuildContext)
	}
	out = append(out, s.Libraries...)
	out = append(out, s.Build.Lockfiles...)
	if s.Dockerfile.Source == "repo" {
		out = append(out, s.Dockerfile.Path)
	}
	// Keep the paths no other path covers.
	slices.Sort(out)
	var kept []string
	for _, p := range slices.Compact(out) {
		covered := false
		for _, q := range kept {
			if q == "." || strings.HasPrefix(p, q+"/") {
				covered = true
				break
			}
		}
		if !covered {
			kept = append(kept, p)
		}
	}
	return kept
}
