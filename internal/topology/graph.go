package topology

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// edge records that from depends on to, and the first file that said so.
func (a *analyzer) edge(from, to, file string) {
	if from == to || from == "" || to == "" {
		return
	}
	if a.edges == nil {
		a.edges = map[string]map[string]string{}
	}
	if a.edges[from] == nil {
		a.edges[from] = map[string]string{}
	}
	if _, ok := a.edges[from][to]; !ok {
		a.edges[from][to] = file
	}
}

// urlSuffixes are variable name endings that hold another service's address.
var urlSuffixes = []string{"_URL", "_HOST", "_ADDR", "_ADDRESS", "_ENDPOINT", "_URI", "_SERVICE_URL", "_API_URL", "_BASE_URL"}

// buildGraph adds service → service edges and computes the start order.
func (a *analyzer) buildGraph() {
	byName := map[string]*unit{}
	for _, u := range a.units {
		byName[u.svc.Name] = u
	}
	composeName := map[string]string{} // compose name → service or backing name
	for _, u := range a.units {
		if u.compose != nil {
			composeName[u.compose.svc.Name] = u.svc.Name
		}
	}
	for _, ref := range a.composeBack {
		n := Normalize(ref.svc.Name)
		if a.backingNamed(n) != nil {
			composeName[ref.svc.Name] = n
		}
	}
	for _, u := range a.units {
		from := u.svc.Name
		if u.compose != nil {
			for _, d := range u.compose.svc.DependsOn {
				if to, ok := composeName[d]; ok {
					a.edge(from, to, u.compose.file)
				}
			}
		}
		refersTo := func(host string, port int, file string) {
			t := byName[strings.ToLower(host)]
			if t == nil || t == u {
				return
			}
			if port != 0 && t.svc.Port != 0 && port != t.svc.Port {
				return
			}
			a.edge(from, t.svc.Name, file)
		}
		for _, ref := range u.scan.urls {
			refersTo(ref.host, ref.port, ref.file)
		}
		for _, h := range u.scan.hosts {
			refersTo(h.host, 0, h.file)
		}
		for _, h := range u.scan.nameports {
			refersTo(h.host, h.port, h.file)
		}
		vals := map[string]envVal{}
		maps.Copy(vals, u.scan.envVals)
		if u.compose != nil {
			for n, v := range u.compose.svc.Env {
				vals[n] = envVal{v, u.compose.file}
			}
		}
		for _, v := range vals {
			if _, rest, ok := strings.Cut(v.value, "://"); ok {
				host := rest
				if at := strings.LastIndexByte(host, '@'); at >= 0 {
					host = host[at+1:]
				}
				host, port := splitHostPort(host)
				refersTo(host, port, v.file)
			} else if host, port := splitHostPort(v.value); port > 0 {
				refersTo(host, port, v.file)
			}
		}
		// API_URL read by the web service means it talks to "api".
		for _, n := range u.svc.Env {
			for _, suf := range urlSuffixes {
				if base, ok := strings.CutSuffix(n, suf); ok {
					name := strings.ReplaceAll(strings.ToLower(base), "_", "-")
					if t := byName[name]; t != nil && t != u {
						a.edge(from, t.svc.Name, firstNonEmpty(u.scan.envDocs[n], u.scan.env[n], u.dir))
					}
				}
			}
		}
	}
	for _, u := range a.units {
		u.svc.DependsOn = slices.Sorted(maps.Keys(a.edges[u.svc.Name]))
	}
	a.startOrder()
}

func (a *analyzer) backingNamed(name string) *BackingService {
	for _, b := range a.backing {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// splitHostPort splits "host:port/path" leniently; port is 0 when absent.
func splitHostPort(s string) (string, int) {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	host, p, ok := strings.Cut(s, ":")
	port := 0
	if ok {
		fmt.Sscanf(p, "%d", &port)
	}
	return host, port
}

// startOrder groups every service and backing service into levels: each
// starts after everything it depends on. Members of a dependency cycle
// share a level, and the cycle is reported as a warning naming it.
func (a *analyzer) startOrder() {
	var nodes []string
	for _, b := range a.backing {
		nodes = append(nodes, b.Name)
	}
	for _, u := range a.units {
		nodes = append(nodes, u.svc.Name)
	}
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	succ := func(n string) []string { return slices.Sorted(maps.Keys(a.edges[n])) }
	comps := tarjan(nodes, succ)
	comp := map[string]int{}
	for i, c := range comps {
		for _, n := range c {
			comp[n] = i
		}
	}
	// tarjan returns components in reverse topological order: every
	// component comes after the ones it depends on, so one pass suffices.
	level := make([]int, len(comps))
	for i, c := range comps {
		for _, n := range c {
			for _, m := range succ(n) {
				if j, ok := comp[m]; ok && j != i && level[j]+1 > level[i] {
					level[i] = level[j] + 1
				}
			}
		}
		if len(c) > 1 {
			a.reportCycle(c)
		}
	}
	maxLevel := -1
	for _, l := range level {
		maxLevel = max(maxLevel, l)
	}
	a.order = make([][]string, maxLevel+1)
	for i, c := range comps {
		a.order[level[i]] = append(a.order[level[i]], c...)
	}
	for _, l := range a.order {
		slices.Sort(l)
	}
}

// reportCycle warns about a dependency cycle, naming its path.
func (a *analyzer) reportCycle(members []string) {
	in := map[string]bool{}
	for _, m := range members {
		in[m] = true
	}
	start := slices.Min(members)
	path := []string{start}
	seen := map[string]bool{start: true}
	cur := start
	file := ""
	for {
		var next string
		for _, m := range slices.Sorted(maps.Keys(a.edges[cur])) {
			if in[m] && (m == start || !seen[m]) {
				next = m
				if m == start {
					break
				}
			}
		}
		if next == "" {
			break
		}
		if file == "" {
			file = a.edges[cur][next]
		}
		path = append(path, next)
		if next == start {
			break
		}
		seen[next] = true
		cur = next
	}
	a.warn(file, 0, "dependency cycle: "+strings.Join(path, " → ")+"; these services start together")
}

// tarjan returns the strongly connected components of the graph, each
// sorted, in reverse topological order. It is iterative, so a deep graph
// cannot exhaust the stack.
func tarjan(nodes []string, succ func(string) []string) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	next := 0
	type frame struct {
		n    string
		succ []string
		i    int
	}
	for _, root := range nodes {
		if _, seen := index[root]; seen {
			continue
		}
		work := []*frame{{n: root, succ: succ(root)}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(work) > 0 {
			f := work[len(work)-1]
			if f.i < len(f.succ) {
				m := f.succ[f.i]
				f.i++
				if _, seen := index[m]; !seen {
					index[m], low[m] = next, next
					next++
					stack = append(stack, m)
					onStack[m] = true
					work = append(work, &frame{n: m, succ: succ(m)})
				} else if onStack[m] {
					low[f.n] = min(low[f.n], index[m])
				}
				continue
			}
			work = work[:len(work)-1]
			if len(work) > 0 {
				p := work[len(work)-1]
				low[p.n] = min(low[p.n], low[f.n])
			}
			if low[f.n] == index[f.n] {
				var c []string
				for {
					m := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[m] = false
					c = append(c, m)
					if m == f.n {
						break
					}
				}
				slices.Sort(c)
				out = append(out, c)
			}
		}
	}
	return out
}
