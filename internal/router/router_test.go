package router

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// upstream is an app container stand-in: it answers with its name and the
// headers the router set, so a test sees which target served it and how.
func upstream(t testing.TB, name string) (*httptest.Server, Target) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h := w.Header()
		h.Set("X-Served-By", name)
		h.Set("X-Got-Host", req.Host)
		h.Set("X-Got-Forwarded-For", req.Header.Get("X-Forwarded-For"))
		h.Set("X-Got-Forwarded-Proto", req.Header.Get("X-Forwarded-Proto"))
		h.Set("X-Got-Forwarded-Host", req.Header.Get("X-Forwarded-Host"))
		_, _ = io.Copy(io.Discard, req.Body)
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(srv.Close)
	return srv, Target{ID: name, Addr: srv.Listener.Addr().String()}
}

// deadTarget is an address nothing listens on: connecting to it fails at once.
func deadTarget(t testing.TB, name string) Target {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return Target{ID: name, Addr: addr}
}

func newTestRouter(t testing.TB, obs Observer) *Router {
	t.Helper()
	r := New(Options{Logger: slog.New(slog.DiscardHandler), Observer: obs})
	t.Cleanup(r.CloseIdleConnections)
	return r
}

// do sends one request through r.ServeHTTP, as the server would.
func do(r http.Handler, method, host string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://"+host+"/path?q=1", nil)
	req.Host = host
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func TestHostMatching(t *testing.T) {
	_, shop := upstream(t, "shop")
	_, api := upstream(t, "api")
	r := newTestRouter(t, nil)
	r.SetApp("shop", map[string]Route{
		"shop.localhost":       {Service: "web", Targets: []Target{shop}},
		"API.shop.localhost":   {Service: "api", Targets: []Target{api}},
		"www.shop.localhost.":  {Service: "web", Targets: []Target{shop}},
		"shop.localhost:99999": {Service: "dup", Targets: []Target{api}}, // same host as the first: ignored
	})

	tests := []struct {
		host       string
		wantStatus int
		wantBody   string
	}{
		{"shop.localhost", 200, "shop"},
		{"SHOP.Localhost", 200, "shop"},
		{"shop.localhost:8000", 200, "shop"},
		{"shop.localhost.", 200, "shop"},
		{"api.shop.localhost:80", 200, "api"},
		{"Api.Shop.Localhost", 200, "api"},
		{"www.shop.localhost", 200, "shop"},
		{"other.localhost:8000", 404, `no app serves host "other.localhost"`},
		{"localhost", 404, `no app serves host "localhost"`},
		{"", 404, `no app serves host ""`},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			w := do(r, "GET", tt.host)
			if w.Code != tt.wantStatus || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Fatalf("GET %q = %d %q, want %d containing %q", tt.host, w.Code, w.Body.String(), tt.wantStatus, tt.wantBody)
			}
			if tt.wantStatus == 404 && !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
				t.Errorf("404 Content-Type = %q, want text/plain", w.Header().Get("Content-Type"))
			}
		})
	}
}

func TestHostKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"shop.localhost", "shop.localhost"},
		{"Shop.LocalHost", "shop.localhost"},
		{"shop.localhost:8000", "shop.localhost"},
		{"shop.localhost.:8000", "shop.localhost"},
		{"shop.localhost..", "shop.localhost"},
		{"[::1]:8000", "[::1]"},
		{"[::1]", "[::1]"},
		{"127.0.0.1:8000", "127.0.0.1"},
		{"::1", "::1"}, // not a valid Host; left alone rather than cut at a colon
		{"", ""},
	}
	for _, tt := range tests {
		if got := hostKey(tt.in); got != tt.want {
			t.Errorf("hostKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzHostKey(f *testing.F) {
	for _, s := range []string{"shop.localhost", "A.B:80", "[::1]:80", "x.", ":", "[", "]:", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := hostKey(s)
		if again := hostKey(k); again != k {
			t.Fatalf("hostKey not idempotent: %q → %q → %q", s, k, again)
		}
		if strings.ContainsFunc(k, func(c rune) bool { return 'A' <= c && c <= 'Z' }) {
			t.Fatalf("hostKey(%q) = %q keeps ASCII upper case", s, k)
		}
		if strings.HasSuffix(k, ".") {
			t.Fatalf("hostKey(%q) = %q keeps a trailing dot", s, k)
		}
	})
}

func TestNoTargets(t *testing.T) {
	tests := []struct {
		name    string
		targets []Target
	}{
		{"none", nil},
		{"only one without an address", []Target{{ID: "c1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRouter(t, nil)
			r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: tt.targets}})
			w := do(r, "GET", "shop.localhost")
			if w.Code != http.StatusServiceUnavailable {
				t.Fatalf("status = %d, want 503", w.Code)
			}
			if !strings.Contains(w.Body.String(), "shop/web") {
				t.Errorf("body %q does not name the service", w.Body.String())
			}
		})
	}
}

func TestRoundRobin(t *testing.T) {
	var targets []Target
	for _, name := range []string{"a", "b", "c"} {
		_, tg := upstream(t, name)
		targets = append(targets, tg)
	}
	r := newTestRouter(t, nil)
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: targets}})
	count := map[string]int{}
	for range 30 {
		w := do(r, "GET", "shop.localhost")
		if w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		count[w.Body.String()]++
	}
	for _, name := range []string{"a", "b", "c"} {
		if count[name] != 10 {
			t.Errorf("%s served %d of 30 requests, want 10 (%v)", name, count[name], count)
		}
	}
}

func TestUnreachableTarget(t *testing.T) {
	_, live := upstream(t, "live")
	dead := deadTarget(t, "dead")
	tests := []struct {
		name    string
		method  string
		targets []Target
		want    []int // statuses of four requests in a row
	}{
		{"GET retried on the other target", "GET", []Target{dead, live}, []int{200, 200, 200, 200}},
		{"HEAD retried", "HEAD", []Target{dead, live}, []int{200, 200, 200, 200}},
		{"OPTIONS retried", "OPTIONS", []Target{dead, live}, []int{200, 200, 200, 200}},
		{"POST not retried", "POST", []Target{dead, live}, []int{502, 200, 502, 200}},
		{"DELETE not retried", "DELETE", []Target{dead, live}, []int{502, 200, 502, 200}},
		{"GET with no other target", "GET", []Target{dead}, []int{502, 502, 502, 502}},
		{"GET with the same target twice", "GET", []Target{dead, dead}, []int{502, 502, 502, 502}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRouter(t, nil)
			r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: tt.targets}})
			var got []int
			for range tt.want {
				w := do(r, tt.method, "shop.localhost")
				got = append(got, w.Code)
				if w.Code == 502 && !strings.Contains(w.Body.String(), "shop/web") {
					t.Errorf("502 body %q does not name the service", w.Body.String())
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("statuses = %v, want %v", got, tt.want)
			}
			assertIdle(t, r, tt.targets...)
		})
	}
}

// assertIdle checks that no request is counted in flight on targets, which
// Drain relies on after errors and retries too.
func assertIdle(t *testing.T, r *Router, targets ...Target) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Drain returns nil at once only if nothing is in flight
	if err := r.Drain(ctx, targets); err != nil {
		t.Fatalf("targets still busy: %v", err)
	}
}

func TestForwardedHeaders(t *testing.T) {
	_, web := upstream(t, "web")
	r := newTestRouter(t, nil)
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{web}}})
	front := httptest.NewServer(r)
	defer front.Close()

	req, _ := http.NewRequest("GET", front.URL+"/", nil)
	req.Host = "shop.localhost:8000"
	req.Header.Set("X-Forwarded-For", "6.6.6.6") // spoofed; the router is the edge
	req.Header.Set("X-Forwarded-Host", "evil.example")
	res, err := front.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	want := map[string]string{
		"X-Got-Host":            "shop.localhost:8000",
		"X-Got-Forwarded-For":   "127.0.0.1",
		"X-Got-Forwarded-Proto": "http",
		"X-Got-Forwarded-Host":  "shop.localhost:8000",
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestWebSocket upgrades through the router to a tiny echo handler that
// speaks the HTTP/1.1 upgrade handshake and then echoes raw bytes.
func TestWebSocket(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "upgrade required", http.StatusUpgradeRequired)
			return
		}
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = brw.Flush()
		_, _ = io.Copy(conn, brw) // echo until the client closes
	}))
	defer echo.Close()

	obs := newRecorder()
	r := newTestRouter(t, obs)
	tg := Target{ID: "ws", Addr: echo.Listener.Addr().String()}
	r.SetApp("chat", map[string]Route{"chat.localhost": {Service: "web", Targets: []Target{tg}}})
	front := httptest.NewServer(r)
	defer front.Close()

	conn, err := net.Dial("tcp", front.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /socket HTTP/1.1\r\nHost: chat.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status = %d, want 101", res.StatusCode)
	}
	for _, msg := range []string{"ping\n", "second frame\n"} {
		_, _ = io.WriteString(conn, msg)
		got, err := br.ReadString('\n')
		if err != nil || got != msg {
			t.Fatalf("echo = %q, %v; want %q", got, err, msg)
		}
	}
	conn.Close()

	// The request counts as in flight until the socket closes, so a
	// Drain before a rollout waits for open WebSockets too.
	if err := r.Drain(context.Background(), []Target{tg}); err != nil {
		t.Fatal(err)
	}
	if got := obs.statuses(); !slices.Equal(got, []int{101}) {
		t.Errorf("observed statuses %v, want [101]", got)
	}
}

func TestSetAppRemoved(t *testing.T) {
	a := Target{ID: "a", Addr: "10.0.0.1:80"}
	b := Target{ID: "b", Addr: "10.0.0.2:80"}
	c := Target{ID: "c", Addr: "10.0.0.3:80"}
	a2 := Target{ID: "a", Addr: "10.0.0.9:80"} // same container, new address
	type step struct {
		app    string
		routes map[string]Route // nil: RemoveApp
		want   []Target
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first deploy removes nothing", []step{
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{a}}}, nil},
		}},
		{"replacing the only target", []step{
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{a}}}, nil},
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{b}}}, []Target{a}},
		}},
		{"a target kept by another host of the app", []step{
			{"shop", map[string]Route{
				"shop.localhost":     {Service: "web", Targets: []Target{a}},
				"www.shop.localhost": {Service: "web", Targets: []Target{a, b}},
			}, nil},
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{a}}}, []Target{b}},
		}},
		{"a target kept by another app", []step{
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{a}}}, nil},
			{"blog", map[string]Route{"blog.localhost": {Service: "web", Targets: []Target{a, c}}}, nil},
			{"shop", nil, nil},
			{"blog", nil, []Target{a, c}},
		}},
		{"a new address for the same container is no removal", []step{
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{a}}}, nil},
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{a2}}}, nil},
		}},
		{"removing an unknown app", []step{
			{"ghost", nil, nil},
		}},
		{"setting no routes removes them all", []step{
			{"shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{b, a}}}, nil},
			{"shop", map[string]Route{}, []Target{a, b}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRouter(t, nil)
			for i, s := range tt.steps {
				var got []Target
				if s.routes == nil {
					got = r.RemoveApp(s.app)
				} else {
					got = r.SetApp(s.app, s.routes)
				}
				if !slices.Equal(got, s.want) {
					t.Fatalf("step %d (%s): removed %v, want %v", i, s.app, got, s.want)
				}
			}
		})
	}
}

func TestHostClaimedByTwoApps(t *testing.T) {
	_, one := upstream(t, "one")
	_, two := upstream(t, "two")
	r := newTestRouter(t, nil)
	r.SetApp("one", map[string]Route{"shared.localhost": {Service: "web", Targets: []Target{one}}})
	r.SetApp("two", map[string]Route{"shared.localhost": {Service: "web", Targets: []Target{two}}})
	if w := do(r, "GET", "shared.localhost"); w.Body.String() != "two" {
		t.Fatalf("latest claim should win, got %q", w.Body.String())
	}
	if got := r.Apps(); len(got["one"]) != 1 || len(got["two"]) != 1 {
		t.Fatalf("Apps() = %v, want both claims kept", got)
	}
	if removed := r.RemoveApp("two"); !slices.Equal(removed, []Target{two}) {
		t.Fatalf("removed %v", removed)
	}
	if w := do(r, "GET", "shared.localhost"); w.Body.String() != "one" {
		t.Fatalf("the earlier claim should come back, got %q", w.Body.String())
	}
}

func TestLookupAndApps(t *testing.T) {
	r := newTestRouter(t, nil)
	targets := []Target{{ID: "a", Addr: "10.0.0.1:80"}, {Addr: "10.0.0.2:80"}}
	r.SetApp("shop", map[string]Route{"Shop.Localhost": {App: "ignored", Service: "web", Targets: targets}})
	targets[0].Addr = "changed by the caller afterwards"

	want := Route{App: "shop", Service: "web", Targets: []Target{
		{ID: "a", Addr: "10.0.0.1:80"}, {ID: "10.0.0.2:80", Addr: "10.0.0.2:80"},
	}}
	got, ok := r.Lookup("SHOP.localhost:8000")
	if !ok || got.App != want.App || got.Service != want.Service || !slices.Equal(got.Targets, want.Targets) {
		t.Fatalf("Lookup = %+v, %v; want %+v", got, ok, want)
	}
	got.Targets[0].Addr = "changed through Lookup"
	apps := r.Apps()
	if rt := apps["shop"]["shop.localhost"]; !slices.Equal(rt.Targets, want.Targets) {
		t.Fatalf("Apps()[shop][shop.localhost] = %+v, want %+v", rt, want)
	}
	if _, ok := r.Lookup("nope.localhost"); ok {
		t.Fatal("Lookup of an unknown host succeeded")
	}
}

// holdingUpstream answers /hold only once release is closed, so a test can
// keep a request in flight across a swap without sleeping.
type holdingUpstream struct {
	*httptest.Server
	target  Target
	entered chan struct{} // one value per /hold request that arrived
	release chan struct{}
}

func newHoldingUpstream(t testing.TB, name string) *holdingUpstream {
	t.Helper()
	u := &holdingUpstream{entered: make(chan struct{}, 1024), release: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/hold" {
			u.entered <- struct{}{}
			<-u.release
		}
		_, _ = io.WriteString(w, name)
	}))
	u.target = Target{ID: name, Addr: u.Listener.Addr().String()}
	return u
}

func TestDrain(t *testing.T) {
	old := newHoldingUpstream(t, "old")
	defer old.Close()
	_, next := upstream(t, "next")
	r := newTestRouter(t, nil)
	front := httptest.NewServer(r)
	defer front.Close()
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{old.target}}})

	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("GET", front.URL+"/hold", nil)
		req.Host = "shop.localhost"
		res, err := front.Client().Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		done <- result{string(b), err}
	}()
	<-old.entered

	removed := r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{next}}})
	if !slices.Equal(removed, []Target{old.target}) {
		t.Fatalf("removed = %v", removed)
	}
	if w := do(r, "GET", "shop.localhost"); w.Body.String() != "next" {
		t.Fatalf("after the swap a new request went to %q", w.Body.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := r.Drain(ctx, removed)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Drain with a request in flight and a done context = %v, want context.Canceled", err)
	}

	drained := make(chan error, 1)
	go func() { drained <- r.Drain(context.Background(), removed) }()
	close(old.release)
	if err := <-drained; err != nil {
		t.Fatal(err)
	}
	if res := <-done; res.err != nil || res.body != "old" {
		t.Fatalf("request in flight during the swap: %q, %v; want it to finish on old", res.body, res.err)
	}
	r.mu.Lock()
	_, kept := r.states[old.target.ID]
	r.mu.Unlock()
	if kept {
		t.Error("a drained, unrouted target's counter is still kept")
	}
	if err := r.Drain(context.Background(), []Target{{ID: "never-routed"}}); err != nil {
		t.Fatalf("Drain of an unknown target = %v", err)
	}
}

// TestAbortedResponseReleasesTarget: when the upstream dies in the middle
// of a body, ReverseProxy aborts the handler with a panic; the in-flight
// count must still come down or a later Drain would hang.
func TestAbortedResponseReleasesTarget(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Length", "1000")
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer broken.Close()
	obs := newRecorder()
	r := newTestRouter(t, obs)
	tg := Target{ID: "broken", Addr: broken.Listener.Addr().String()}
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{tg}}})
	front := httptest.NewUnstartedServer(r)
	front.Config.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	front.Start()
	defer front.Close()

	req, _ := http.NewRequest("GET", front.URL+"/", nil)
	req.Host = "shop.localhost"
	if res, err := front.Client().Do(req); err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
		if err == nil {
			t.Fatal("a truncated body reached the client whole")
		}
	}
	assertIdle(t, r, tg) // the recorder saw the request end only if finish ran
	if got := obs.inflight(); got != 0 {
		t.Errorf("observer in flight = %d, want 0", got)
	}
}

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu       sync.Mutex
	requests []observed
	inFlight map[string]int
}

type observed struct {
	app, service string
	status       int
	d            time.Duration
}

func newRecorder() *recorder { return &recorder{inFlight: map[string]int{}} }

func (o *recorder) Request(app, service string, status int, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requests = append(o.requests, observed{app, service, status, d})
}

func (o *recorder) InFlight(app, service string, delta int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.inFlight[app+"/"+service] += delta
}

func (o *recorder) statuses() []int {
	o.mu.Lock()
	defer o.mu.Unlock()
	var s []int
	for _, r := range o.requests {
		s = append(s, r.status)
	}
	return s
}

func (o *recorder) inflight() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, v := range o.inFlight {
		n += v
	}
	return n
}

func TestObserver(t *testing.T) {
	_, web := upstream(t, "web")
	dead := deadTarget(t, "dead")
	obs := newRecorder()
	r := newTestRouter(t, obs)
	r.SetApp("shop", map[string]Route{
		"shop.localhost":  {Service: "web", Targets: []Target{web}},
		"down.localhost":  {Service: "down", Targets: []Target{dead}},
		"empty.localhost": {Service: "empty"},
	})
	for _, host := range []string{"shop.localhost", "down.localhost", "empty.localhost", "nope.localhost"} {
		do(r, "POST", host)
	}
	want := []observed{
		{app: "shop", service: "web", status: 200},
		{app: "shop", service: "down", status: 502},
		{app: "shop", service: "empty", status: 503},
		{status: 404},
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.requests) != len(want) {
		t.Fatalf("observed %+v, want %+v", obs.requests, want)
	}
	for i, w := range want {
		got := obs.requests[i]
		if got.app != w.app || got.service != w.service || got.status != w.status || got.d < 0 {
			t.Errorf("request %d observed as %+v, want %+v", i, got, w)
		}
	}
	for k, v := range obs.inFlight {
		if v != 0 {
			t.Errorf("in flight for %s = %d after every request ended", k, v)
		}
	}
}
