package router

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// connCounter counts the connections an upstream accepted and has open.
type connCounter struct{ accepted, open atomic.Int64 }

func (c *connCounter) track(srv *httptest.Server) {
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			c.accepted.Add(1)
			c.open.Add(1)
		case http.StateClosed, http.StateHijacked:
			c.open.Add(-1)
		}
	}
}

func TestFastPathReusesConnections(t *testing.T) {
	var n connCounter
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			b, _ := io.ReadAll(req.Body)
			fmt.Fprintf(w, "posted %s", b)
			return
		}
		if req.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		io.WriteString(w, strings.Repeat("x", 100_000)) // more than one buffer
	}))
	n.track(srv)
	srv.Start()
	defer srv.Close()
	r := newTestRouter(t, nil)
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{{ID: "a", Addr: srv.Listener.Addr().String()}}}})
	front := httptest.NewServer(r)
	defer front.Close()
	client := front.Client()

	get := func(method string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, front.URL+"/", nil)
		req.Host = "shop.localhost"
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	for range 20 {
		if resp, body := get(http.MethodGet); resp.StatusCode != 200 || len(body) != 100_000 {
			t.Fatalf("GET: %d, %d bytes", resp.StatusCode, len(body))
		}
	}
	if resp, body := get(http.MethodHead); resp.StatusCode != 200 || body != "" || resp.Header.Get("ETag") != `"v1"` {
		t.Errorf("HEAD: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := get(http.MethodGet, "If-None-Match", `"v1"`); resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("conditional GET: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(http.MethodGet); resp.StatusCode != 200 {
		t.Errorf("GET after a HEAD and a 304: %d", resp.StatusCode)
	}
	if got := n.accepted.Load(); got != 1 {
		t.Errorf("the upstream accepted %d connections for sequential body-less requests, want 1", got)
	}
	// Retiring the target closes its pooled connections.
	r.SetApp("shop", map[string]Route{})
	deadline := time.Now().Add(5 * time.Second)
	for n.open.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if open := n.open.Load(); open != 0 {
		t.Errorf("%d upstream connections still open after the target was retired", open)
	}
	// A request with a body goes through the shared transport, to a
	// target routed again.
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{{ID: "a", Addr: srv.Listener.Addr().String()}}}})
	req, _ := http.NewRequest(http.MethodPost, front.URL+"/", strings.NewReader("an order"))
	req.Host = "shop.localhost"
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "posted an order" {
		t.Errorf("POST: %q", b)
	}
}

// rawUpstream answers each request on a connection with the scripted bytes
// and then does what after says: "close" closes the connection, "keep"
// leaves it open for the next request.
func rawUpstream(t *testing.T, answer func(n int) (resp string, after string)) (Target, *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var requests atomic.Int64
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					resp, after := answer(int(requests.Add(1)))
					if _, err := io.WriteString(c, resp); err != nil || after == "close" {
						return
					}
				}
			}()
		}
	}()
	return Target{ID: "raw", Addr: l.Addr().String()}, &requests
}

// A target that closes a keep-alive connection after answering, without
// saying so, is the idle connection going stale: the next request is sent
// again on a new connection, and the client never sees an error.
func TestFastPathRetriesAStaleConnection(t *testing.T) {
	target, requests := rawUpstream(t, func(n int) (string, string) {
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "close"
	})
	r := newTestRouter(t, nil)
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{target}}})
	for i := range 5 {
		time.Sleep(20 * time.Millisecond) // let the close reach the pooled connection
		if w := do(r, http.MethodGet, "shop.localhost"); w.Code != 200 || w.Body.String() != "ok" {
			t.Fatalf("request %d: %d %q", i, w.Code, w.Body.String())
		}
	}
	if got := requests.Load(); got != 5 {
		t.Errorf("the target answered %d requests, want 5", got)
	}
}

// A response that ends when the connection does, 1xx responses before the
// final one, and a target that answers twice to one request.
func TestFastPathResponseShapes(t *testing.T) {
	target, _ := rawUpstream(t, func(n int) (string, string) {
		switch n {
		case 1:
			return "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n" +
				"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhints", "keep"
		case 2:
			return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", "close"
		default:
			return "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none" +
				"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo", "keep"
		}
	})
	r := newTestRouter(t, nil)
	r.SetApp("shop", map[string]Route{"shop.localhost": {Service: "web", Targets: []Target{target}}})
	front := httptest.NewServer(r)
	defer front.Close()

	var hints []string
	req, _ := http.NewRequest(http.MethodGet, front.URL+"/", nil)
	req.Host = "shop.localhost"
	req = req.WithContext(httptraceWith1xx(req, func(code int, h textproto.MIMEHeader) {
		hints = append(hints, fmt.Sprint(code, " ", h.Get("Link")))
	}))
	resp, err := front.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "hints" {
		t.Errorf("after early hints: %d %q", resp.StatusCode, b)
	}
	if len(hints) != 1 || hints[0] != "103 </app.css>; rel=preload" {
		t.Errorf("1xx forwarded to the client: %q", hints)
	}
	if w := do(r, http.MethodGet, "shop.localhost"); w.Code != 200 || w.Body.String() != "until the end" {
		t.Errorf("a close-delimited body: %d %q", w.Code, w.Body.String())
	}
	for i := range 2 {
		if w := do(r, http.MethodGet, "shop.localhost"); w.Code != 200 || w.Body.String() != "one" {
			t.Errorf("answer %d of a target that answers twice: %d %q", i, w.Code, w.Body.String())
		}
	}
}

func httptraceWith1xx(req *http.Request, got func(int, textproto.MIMEHeader)) context.Context {
	return httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error { got(code, h); return nil },
	})
}
