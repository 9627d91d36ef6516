package router

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// generation is the upstream of one release in TestSwapUnderLoad. It
// answers with its number; /hold waits for release, so each swap happens
// with requests in flight on the old upstream.
type generation struct {
	*httptest.Server
	n       int
	target  Target
	entered chan struct{} // closed once a /hold request is in
	warm    chan struct{} // closed once it has served warmHits requests
	release chan struct{}
	hits    atomic.Int64
	once    [2]sync.Once
}

const warmHits = 25

func newGeneration(t *testing.T, n int) *generation {
	t.Helper()
	g := &generation{n: n, entered: make(chan struct{}), warm: make(chan struct{}), release: make(chan struct{})}
	body := strconv.Itoa(n)
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		if req.URL.Path == "/hold" {
			g.once[0].Do(func() { close(g.entered) })
			<-g.release
		}
		if g.hits.Add(1) == warmHits {
			g.once[1].Do(func() { close(g.warm) })
		}
		_, _ = io.WriteString(w, body)
	}))
	g.target = Target{ID: "container-" + body, Addr: g.Listener.Addr().String()}
	return g
}

// TestSwapUnderLoad is the router's promise to a rollout: many keep-alive
// clients send GETs, POSTs and long requests while the app's only target is
// replaced again and again, each old upstream drained and then shut down.
// No request may fail, and every answer must come from a target that was
// routed when the request started or later.
func TestSwapUnderLoad(t *testing.T) {
	swaps, clients := 20, 8
	if testing.Short() {
		swaps = 5
	}
	r := newTestRouter(t, nil)
	front := httptest.NewServer(r)
	defer front.Close()
	routes := func(g *generation) map[string]Route {
		return map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{g.target}}}
	}

	current := newGeneration(t, 0)
	r.SetApp("shop", routes(current))
	var routed atomic.Int64 // the newest generation SetApp has returned for

	var (
		mu       sync.Mutex
		failures []string
		total    atomic.Int64
	)
	fail := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, a...))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 4}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				method, path, body := "GET", "/", ""
				switch {
				case c < 2:
					path = "/hold"
				case i%2 == 1:
					method, body = "POST", "order="+strconv.Itoa(i)
				}
				req, _ := http.NewRequest(method, front.URL+path, strings.NewReader(body))
				req.Host = "shop.localhost"
				started := routed.Load()
				res, err := client.Do(req)
				if err != nil {
					fail("%s %s: %v", method, path, err)
					continue
				}
				b, err := io.ReadAll(res.Body)
				res.Body.Close()
				total.Add(1)
				if err != nil || res.StatusCode != http.StatusOK {
					fail("%s %s: %d %q %v", method, path, res.StatusCode, b, err)
					continue
				}
				if got, _ := strconv.Atoi(string(b)); got < int(started) {
					fail("%s %s started at generation %d, answered by generation %d", method, path, started, got)
				}
			}
		}()
	}

	for n := 1; n <= swaps; n++ {
		<-current.entered // a long request is in flight on the old upstream
		<-current.warm
		next := newGeneration(t, n)
		removed := r.SetApp("shop", routes(next))
		routed.Store(int64(n))
		if !slices.Equal(removed, []Target{current.target}) {
			t.Errorf("swap %d removed %v, want %v", n, removed, current.target)
		}
		close(current.release)
		if err := r.Drain(context.Background(), removed); err != nil {
			t.Fatalf("swap %d: drain: %v", n, err)
		}
		current.Close() // shuts the old upstream down, as the runtime would stop its container
		current = next
	}
	<-current.warm
	close(stop)
	close(current.release)
	wg.Wait()
	current.Close()

	mu.Lock()
	defer mu.Unlock()
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed; first ones:", len(failures), total.Load())
		for _, f := range failures[:min(len(failures), 10)] {
			t.Error("  " + f)
		}
	}
	t.Logf("%d requests over %d swaps", total.Load(), swaps)
}

// TestPickAcrossSwap pins down the narrow case TestSwapUnderLoad can only
// hit by chance: a request picks a target from the table, the table is
// swapped and the old target drained (idle, so at once) before the request
// counts itself in flight. It must then give the target up, since the
// caller may already be stopping it; a target still routed is kept.
func TestPickAcrossSwap(t *testing.T) {
	old := Target{ID: "old", Addr: "10.0.0.1:80"}
	kept := Target{ID: "kept", Addr: "10.0.0.2:80"}
	next := Target{ID: "next", Addr: "10.0.0.3:80"}
	r := newTestRouter(t, nil)
	r.SetApp("shop", map[string]Route{
		"shop.localhost": {Service: "web", Targets: []Target{old}},
		"api.localhost":  {Service: "api", Targets: []Target{kept}},
	})
	before := r.tab.Load()
	bOld := before.hosts["shop.localhost"].pick(nil)
	bKept := before.hosts["api.localhost"].pick(nil)

	removed := r.SetApp("shop", map[string]Route{
		"shop.localhost": {Service: "web", Targets: []Target{next}},
		"api.localhost":  {Service: "api", Targets: []Target{kept}},
	})
	if !slices.Equal(removed, []Target{old}) {
		t.Fatalf("removed %v", removed)
	}
	if err := r.Drain(context.Background(), removed); err != nil {
		t.Fatal(err)
	}

	if r.hold(before, bOld) {
		t.Fatal("a request took a drained target picked from a stale table")
	}
	if bOld.state.inflight.Load() != 0 {
		t.Fatal("the count given back is still held")
	}
	if !r.hold(before, bKept) {
		t.Fatal("a target still routed was refused because the table changed")
	}
	bKept.state.release()
	if _, b := r.acquire("shop.localhost", nil); b == nil || b.ID != "next" {
		t.Fatalf("acquire after the swap picked %v, want next", b)
	}
}
