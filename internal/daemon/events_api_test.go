package daemon

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

// eventsSetup is a store with the app shop and three events in its trail.
func eventsSetup(t *testing.T) *store.Redis {
	t.Helper()
	st := redistest.Store(t)
	ctx := context.Background()
	for _, app := range []string{"shop", "blog"} {
		if err := st.CreateApp(ctx, store.App{Name: app, Owner: "alice", Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		addEvent(t, st, store.Event{App: "shop", Type: store.EventDeploy, Actor: "alice", Message: fmt.Sprintf("deploy %d", i+1)})
	}
	return st
}

func addEvent(t *testing.T, st *store.Redis, e store.Event) {
	t.Helper()
	if _, err := st.AddEvent(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestEventsAPIList(t *testing.T) {
	st := eventsSetup(t)
	ts := httptest.NewServer(apiHandler(st, nil, ""))
	defer ts.Close()
	base := ts.URL + "/api/v1/apps/"

	for url, want := range map[string][]int64{"shop/events": {1, 2, 3}, "shop/events?n=2": {2, 3}, "shop/events?n=1000": {1, 2, 3}, "blog/events": {}} {
		resp, b := get(t, base+url)
		var evs []store.Event
		if err := json.Unmarshal(b, &evs); err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || evs == nil {
			t.Errorf("%s: %d %s %v", url, resp.StatusCode, b, err)
			continue
		}
		var got []int64
		for _, e := range evs {
			got = append(got, e.Seq)
			if e.App != "shop" || e.Type != store.EventDeploy || e.Actor != "alice" || e.Message != fmt.Sprintf("deploy %d", e.Seq) || e.Time.IsZero() {
				t.Errorf("%s: event %+v", url, e)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: seqs %v, want %v", url, got, want)
		}
	}

	for url, code := range map[string]int{
		"shop/events?n=0": 400, "shop/events?n=1001": 400, "shop/events?n=x": 400,
		"nope/events": 404, "Bad_Name/events": 404, "nope/events?follow=1": 404,
	} {
		resp, b := get(t, base+url)
		var body map[string]string
		if err := json.Unmarshal(b, &body); err != nil || resp.StatusCode != code || body["error"] == "" {
			t.Errorf("%s: %d %s, want %d and a JSON error", url, resp.StatusCode, b, code)
		}
	}
	if _, b := get(t, base+"nope/events"); !strings.Contains(string(b), "app nope does not exist") {
		t.Errorf("unknown app: %s", b)
	}
	if resp, _ := get(t, base+"shop/events", "Last-Event-ID", "x", "Accept", "text/event-stream"); resp.StatusCode != 400 {
		t.Errorf("bad Last-Event-ID: %d", resp.StatusCode)
	}

	// The trail outlives the app: a destroyed app's can still be read.
	if err := st.DeleteApp(context.Background(), "shop"); err != nil {
		t.Fatal(err)
	}
	if resp, b := get(t, base+"shop/events?n=1"); resp.StatusCode != 200 || !strings.Contains(string(b), `"seq": 3`) {
		t.Errorf("destroyed app: %d %s", resp.StatusCode, b)
	}
}

// sseEvent is one message of a stream; a comment line makes one too.
type sseEvent struct{ id, event, data, comment string }

// openStream starts a stream and returns its messages as they come; the
// stream ends with ctx.
func openStream(t *testing.T, ctx context.Context, url string, header ...string) (*http.Response, <-chan sseEvent) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan sseEvent, 100)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			l := sc.Text()
			switch {
			case l == "":
				ch <- ev
				ev = sseEvent{}
			case strings.HasPrefix(l, ":"):
				ev.comment = strings.TrimSpace(l[1:])
			default:
				k, v, _ := strings.Cut(l, ": ")
				switch k {
				case "id":
					ev.id = v
				case "event":
					ev.event = v
				case "data":
					ev.data = v
				default:
					t.Errorf("unexpected line %q", l)
				}
			}
		}
	}()
	return resp, ch
}

// next returns the stream's next message that is not a comment.
func next(t *testing.T, ch <-chan sseEvent) store.Event {
	t.Helper()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.comment != "" {
				continue
			}
			var e store.Event
			if err := json.Unmarshal([]byte(ev.data), &e); err != nil || ev.id != fmt.Sprint(e.Seq) || ev.event != e.Type {
				t.Fatalf("message %+v: %v", ev, err)
			}
			return e
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10s")
		}
	}
}

func TestEventsAPIStream(t *testing.T) {
	st := eventsSetup(t)
	ts := httptest.NewServer(apiHandler(st, nil, ""))
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	resp, ch := openStream(t, ctx, ts.URL+"/api/v1/apps/shop/events?n=2", "Accept", "text/html, text/event-stream;q=0.9")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	if e := next(t, ch); e.Seq != 2 || e.Message != "deploy 2" {
		t.Errorf("first %+v", e)
	}
	if e := next(t, ch); e.Seq != 3 {
		t.Errorf("second %+v", e)
	}
	// Added after the request started: it arrives as it is added, and
	// another app's does not.
	time.Sleep(100 * time.Millisecond)
	addEvent(t, st, store.Event{App: "blog", Type: store.EventStop, Actor: "bob"})
	addEvent(t, st, store.Event{App: "shop", Type: store.EventScale, Actor: "bob", Message: "web=3", Duration: 1.5})
	if e := next(t, ch); e.Seq != 4 || e.Type != store.EventScale || e.Actor != "bob" || e.Message != "web=3" || e.Duration != 1.5 {
		t.Errorf("new event %+v", e)
	}

	// Resuming after the seq last seen, as an EventSource reconnects; n
	// does not cut it short. ?follow=1 asks for a stream too.
	_, resumed := openStream(t, ctx, ts.URL+"/api/v1/apps/shop/events?follow=1&n=1", "Last-Event-ID", "1")
	for want := int64(2); want <= 4; want++ {
		if e := next(t, resumed); e.Seq != want {
			t.Errorf("resumed: seq %d, want %d", e.Seq, want)
		}
	}
	addEvent(t, st, store.Event{App: "shop", Type: store.EventStart, Actor: "bob"})
	if e := next(t, resumed); e.Seq != 5 || e.Type != store.EventStart {
		t.Errorf("resumed, new: %+v", e)
	}
	if e := next(t, ch); e.Seq != 5 {
		t.Errorf("first stream, new: %+v", e)
	}
	cancel() // ts.Close waits for both handlers to return
}

func TestEventsAPIKeepAlive(t *testing.T) {
	st := eventsSetup(t)
	h := newEventsAPI(st)
	h.keepAlive = 100 * time.Millisecond
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/apps/{app}/events", h)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, ch := openStream(t, ctx, ts.URL+"/api/v1/apps/blog/events", "Accept", "text/event-stream")
	for range 3 {
		select {
		case ev := <-ch:
			if ev.comment != "keep-alive" || ev.id != "" {
				t.Errorf("message %+v, want a keep-alive comment", ev)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no keep-alive")
		}
	}
	addEvent(t, st, store.Event{App: "blog", Type: store.EventRestart})
	if e := next(t, ch); e.Seq != 1 || e.App != "blog" {
		t.Errorf("after keep-alives: %+v", e)
	}
}

// flushRecorder is a ResponseWriter that flushes, safe to read while the
// handler writes.
type flushRecorder struct {
	mu     sync.Mutex
	header http.Header
	code   int
	body   bytes.Buffer
}

func (f *flushRecorder) Header() http.Header { return f.header }
func (f *flushRecorder) WriteHeader(code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.code = code
}
func (f *flushRecorder) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.body.Write(p)
}
func (f *flushRecorder) Flush() {}
func (f *flushRecorder) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.body.String()
}

func TestEventsAPIClientGone(t *testing.T) {
	st := eventsSetup(t)
	h := newEventsAPI(st)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/apps/shop/events", nil)
	req.SetPathValue("app", "shop")
	req.Header.Set("Accept", "text/event-stream")
	w := &flushRecorder{header: http.Header{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(w, req)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(w.String(), "id: 3\n") {
		if time.Now().After(deadline) {
			t.Fatalf("no events:\n%s", w.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(sseBlock + 5*time.Second):
		t.Fatal("the handler still runs after its client went away")
	}
	if d := time.Since(start); d > sseBlock+time.Second {
		t.Errorf("the handler took %s to end", d)
	}
	// Nothing it started is left behind.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before the stream", runtime.NumGoroutine(), before)
		}
	}
	if !strings.HasPrefix(w.String(), "id: 1\nevent: deploy\ndata: {") || w.header.Get("Content-Type") != "text/event-stream" || w.code != 200 {
		t.Errorf("%d %v\n%s", w.code, w.header, w.String())
	}
}

// A stream does not hold up the server's Shutdown, which waits for
// connections to go idle: it ends with it.
func TestEventsAPIShutdown(t *testing.T) {
	st := eventsSetup(t)
	ts := httptest.NewServer(apiHandler(st, nil, ""))
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, ch := openStream(t, ctx, ts.URL+"/api/v1/apps/shop/events", "Accept", "text/event-stream")
	next(t, ch)
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer scancel()
	start := time.Now()
	if err := ts.Config.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown: %v after %s", err, time.Since(start))
	}
	if d := time.Since(start); d > sseBlock+2*time.Second {
		t.Errorf("Shutdown took %s", d)
	}
	for range ch {
	} // the stream ends
}
