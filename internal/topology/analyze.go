package topology

import (
	"context"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/kyozo/kyozo/internal/manifest"
	"github.com/kyozo/kyozo/internal/topology/stacks"
	"github.com/kyozo/kyozo/internal/tree"
)

// Options tune an analysis. The zero value is ready to use.
type Options struct {
	Limits tree.Limits
	// RootName names a service at the root of the tree whose manifest does
	// not name it (the folder's name for `kyozo detect`, the app's name for
	// a push).
	RootName string
	// IncludeExamples turns example and test-fixture projects into services.
	IncludeExamples bool
	// Detectors replaces the stack detectors (tests); nil means stacks.All().
	Detectors []stacks.Detector
	// BackingImages overrides the suggested image of a backing service type
	// ("postgres" → "registry.local/postgres:17").
	BackingImages map[string]string
}

// Analyze reads the folder at dir and returns its topology.
func Analyze(ctx context.Context, dir string, opts Options) (*Topology, error) {
	t, err := tree.Open(dir, opts.Limits)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	topo, err := AnalyzeTree(ctx, t, opts)
	if err != nil {
		return nil, err
	}
	topo.Root = dir
	return topo, nil
}

// AnalyzeTree analyses an indexed tree. It fails only when ctx is done; a
// malformed or hostile tree yields warnings, not an error.
func AnalyzeTree(ctx context.Context, t *tree.Tree, opts Options) (*Topology, error) {
	a := &analyzer{
		ctx:         ctx,
		t:           t,
		opts:        opts,
		dets:        opts.Detectors,
		found:       map[string][]*stacks.Result{},
		workspaceOf: map[string]string{},
		compose:     map[string][]composeRef{},
	}
	if a.dets == nil {
		a.dets = stacks.All()
	}
	for _, s := range t.Skipped() {
		a.warn(s.Path, 0, "not analysed: "+s.Reason)
	}
	if err := a.survey(); err != nil {
		return nil, err
	}
	a.readCompose()
	a.selectUnits()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.buildServices()
	a.nameServices()
	a.linkLibraries()
	a.inferBacking()
	a.buildGraph()
	for _, s := range t.Refused() {
		a.warn(s.Path, 0, "not read: "+s.Reason)
	}
	return a.result(), ctx.Err()
}

type analyzer struct {
	ctx  context.Context
	mu   sync.Mutex // guards warnings while detectors run in parallel
	t    *tree.Tree
	opts Options
	dets []stacks.Detector

	found       map[string][]*stacks.Result // folder → results, best first
	workspaceOf map[string]string           // member folder → workspace root
	compose     map[string][]composeRef     // build context → compose services
	composeBack []composeRef                // compose services with an image only

	appJSONs map[string]*manifest.AppJSON // parsed app.json by tree path

	units    []*unit
	libs     []*libUnit
	backing  []*BackingService
	edges    map[string]map[string]string // from → to → file
	ignored  []Ignored
	warnings []Warning
	order    [][]string
}

// unit is one service in the making.
type unit struct {
	dir     string
	res     *stacks.Result // the stack that serves it; nil for Dockerfile-only
	assets  *stacks.Result // a node build that is part of its build
	compose *composeRef
	proc    *manifest.Process
	weak    bool

	svc  *Service
	scan *dirScan
	base string // name before de-duplication
}

type libUnit struct {
	dir string
	res *stacks.Result
	lib *Library
}

type composeRef struct {
	file string // tree path of the compose file
	svc  manifest.ComposeService
	ctx  string // tree path of the build context, "" for image-only
}

func (a *analyzer) warn(file string, line int, msg string) {
	a.warnings = append(a.warnings, Warning{File: file, Line: line, Message: msg})
}

// survey runs every detector on every folder, then again on workspace
// members with their workspace root known.
func (a *analyzer) survey() error {
	dirs := a.t.Dirs()
	results := make([][]*stacks.Result, len(dirs))
	detect := func(i int, ws string) {
		d := dirs[i]
		c := &stacks.Context{Tree: a.t, Dir: d, Workspace: ws}
		var rs []*stacks.Result
		for _, det := range a.dets {
			if r := a.safeDetect(det, c); r != nil {
				rs = append(rs, r)
			}
		}
		// Best first; the sort is stable, so registry order breaks ties.
		slices.SortStableFunc(rs, func(x, y *stacks.Result) int {
			switch {
			case x.Score > y.Score:
				return -1
			case x.Score < y.Score:
				return 1
			}
			return 0
		})
		results[i] = rs
	}
	if err := parallel(a.ctx, len(dirs), func(i int) { detect(i, dirs[i].Path) }); err != nil {
		return err
	}
	for i, d := range dirs {
		if len(results[i]) > 0 {
			a.found[d.Path] = results[i]
		}
	}
	// Workspace roots claim their members.
	for _, d := range dirs {
		for _, r := range a.found[d.Path] {
			for _, m := range a.expandMembers(d.Path, r.Members) {
				if cur, ok := a.workspaceOf[m]; !ok || len(d.Path) > len(cur) {
					a.workspaceOf[m] = d.Path
				}
			}
		}
	}
	var again []int
	for i, d := range dirs {
		if ws, ok := a.workspaceOf[d.Path]; ok && ws != d.Path {
			again = append(again, i)
		}
	}
	err := parallel(a.ctx, len(again), func(j int) {
		i := again[j]
		detect(i, a.workspaceOf[dirs[i].Path])
	})
	if err != nil {
		return err
	}
	for _, i := range again {
		if len(results[i]) > 0 {
			a.found[dirs[i].Path] = results[i]
		} else {
			delete(a.found, dirs[i].Path)
		}
	}
	for _, d := range dirs {
		for _, r := range a.found[d.Path] {
			for _, w := range r.Warnings {
				a.warn(w.File, w.Line, w.Message)
			}
		}
	}
	return nil
}

// safeDetect keeps one detector's bug from taking the analysis down: a
// panic becomes "no result" plus a warning on the folder.
func (a *analyzer) safeDetect(det stacks.Detector, c *stacks.Context) (r *stacks.Result) {
	defer func() {
		if p := recover(); p != nil {
			r = nil
			a.mu.Lock()
			a.warn(c.Dir.Path, 0, "the "+det.Name()+" detector failed on this folder and was skipped")
			a.mu.Unlock()
		}
	}()
	r = det.Detect(c)
	if r != nil {
		r.Score = min(max(r.Score, 0), 1)
	}
	return r
}

// expandMembers resolves workspace member globs ("packages/*", "apps/**",
// "!packages/legacy") against the walked folders below root.
func (a *analyzer) expandMembers(root string, globs []string) []string {
	if len(globs) == 0 {
		return nil
	}
	var out []string
	for _, d := range a.t.Dirs() {
		rel := stacks.Rel(root, d.Path)
		if d.Path == root || strings.HasPrefix(rel, "../") {
			continue
		}
		in := false
		for _, g := range globs {
			neg := strings.HasPrefix(g, "!")
			g = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(g, "!"), "./"), "/")
			g = strings.TrimSuffix(g, "/")
			if globMatch(g, rel) {
				in = !neg
			}
		}
		if in {
			out = append(out, d.Path)
		}
	}
	return out
}

// globMatch matches slash-separated paths segment by segment; "**" matches
// any number of segments.
func globMatch(pattern, name string) bool {
	ps := strings.Split(pattern, "/")
	ns := strings.Split(name, "/")
	var match func(p, n []string) bool
	match = func(p, n []string) bool {
		for len(p) > 0 {
			if p[0] == "**" {
				for i := 0; i <= len(n); i++ {
					if match(p[1:], n[i:]) {
						return true
					}
				}
				return false
			}
			if len(n) == 0 {
				return false
			}
			if ok, err := path.Match(p[0], n[0]); err != nil || !ok {
				return false
			}
			p, n = p[1:], n[1:]
		}
		return len(n) == 0
	}
	return match(ps, ns)
}

// parallel runs f(0..n-1) on as many goroutines as there are CPUs.
func parallel(ctx context.Context, n int, f func(int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			if i%64 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			f(i)
		}
		return ctx.Err()
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	var err error
	for i := range n {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return err
}
