package topology

import (
	"cmp"
	"slices"
)

// result assembles the topology in a stable order, so the same tree always
// gives the same JSON.
func (a *analyzer) result() *Topology {
	t := &Topology{Schema: Schema, Root: ".", StartOrder: a.order, Ignored: a.ignored}
	for _, u := range a.units {
		t.Services = append(t.Services, u.svc)
	}
	slices.SortFunc(t.Services, func(x, y *Service) int {
		return cmp.Or(cmp.Compare(x.Path, y.Path), cmp.Compare(x.Name, y.Name))
	})
	t.BackingServices = a.backing
	slices.SortFunc(t.BackingServices, func(x, y *BackingService) int { return cmp.Compare(x.Name, y.Name) })
	for _, l := range a.libs {
		t.Libraries = append(t.Libraries, l.lib)
	}
	slices.SortFunc(t.Libraries, func(x, y *Library) int { return cmp.Compare(x.Path, y.Path) })
	slices.SortFunc(t.Ignored, func(x, y Ignored) int { return cmp.Compare(x.Path, y.Path) })
	t.Warnings = slices.Clone(a.warnings)
	slices.SortFunc(t.Warnings, func(x, y Warning) int {
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Message, y.Message))
	})
	t.Warnings = slices.Compact(t.Warnings)
	return t
}
