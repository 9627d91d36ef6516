package router

import (
	"bufio"
	"context"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Target is one container that serves a route.
type Target struct {
	ID   string // container id; in-flight counts and Drain go by it (Addr when empty)
	Addr string // "ip:port" the container listens on
}

// Route is what one Host name is sent to: a service of an app and its
// healthy containers.
type Route struct {
	App, Service string
	Targets      []Target
}

// Observer learns about every request the router answers. Its methods are
// called on the request path, so they must be cheap and safe for concurrent
// use.
type Observer interface {
	// Request is called once a request has been answered. app and service
	// are empty when no app serves the request's host.
	Request(app, service string, status int, d time.Duration)
	// InFlight is called with +1 when a request is sent to a service and
	// with -1 when it is done.
	InFlight(app, service string, delta int)
}

// Options configure a Router. The zero value is usable.
type Options struct {
	Logger   *slog.Logger // nil means slog.Default()
	Observer Observer     // nil means none
	// FlushInterval is how often a response body is flushed to the client
	// while it is copied (see httputil.ReverseProxy). Zero buffers, except
	// for streamed responses (unknown length, text/event-stream), which are
	// always flushed at once.
	FlushInterval time.Duration
}

// statusClientClosed is what the observer is told when the client went
// away before the app answered; nginx's 499, so dashboards don't count a
// client's impatience as the app's 502.
const statusClientClosed = 499

// Router is Kyozo's HTTP ingress. Its routing table is immutable and
// replaced as a whole, so ServeHTTP reads it without a lock; writers
// (SetApp, RemoveApp) are serialised by mu.
type Router struct {
	log       *slog.Logger
	obs       Observer
	transport *http.Transport // for what the targets' fast transports do not take
	dial      func(ctx context.Context, network, addr string) (net.Conn, error)
	flush     time.Duration
	errorLog  *log.Logger
	onError   func(http.ResponseWriter, *http.Request, error)

	tab atomic.Pointer[table]

	mu       sync.Mutex
	seq      uint64                  // SetApp counter: the latest claim on a host wins
	backends map[Target]*backend     // routed (ID, Addr) pairs, reused across tables
	states   map[string]*targetState // by target ID: routed targets and those still draining
}

// New returns a Router with no routes.
func New(opts Options) *Router {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	r := &Router{
		log:       logger,
		obs:       opts.Observer,
		dial:      d.DialContext,
		transport: newTransport(d.DialContext),
		flush:     opts.FlushInterval,
		errorLog:  slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		backends:  make(map[Target]*backend),
		states:    make(map[string]*targetState),
	}
	// One method value for every proxy, made once rather than per request.
	r.onError = r.proxyError
	r.tab.Store(&table{hosts: map[string]*route{}, apps: map[string]*appEntry{}})
	return r
}

// CloseIdleConnections closes the router's idle connections to targets;
// kyozo serve calls it on shutdown, after the server has stopped.
func (r *Router) CloseIdleConnections() {
	r.mu.Lock()
	for _, b := range r.backends {
		b.fast.closeIdle(false)
	}
	r.mu.Unlock()
	r.transport.CloseIdleConnections()
}

// ServeHTTP sends req to a target of the route its Host names.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var start time.Time
	if r.obs != nil {
		start = time.Now()
	}
	host := hostKey(req.Host)
	rt, b := r.acquire(host, nil)
	switch {
	case rt == nil:
		plainError(w, "no app serves host "+strconv.Quote(host), http.StatusNotFound)
		if r.obs != nil {
			r.obs.Request("", "", http.StatusNotFound, time.Since(start))
		}
		return
	case b == nil:
		plainError(w, "no running instance of "+rt.App+"/"+rt.Service, http.StatusServiceUnavailable)
		if r.obs != nil {
			r.obs.Request(rt.App, rt.Service, http.StatusServiceUnavailable, time.Since(start))
		}
		return
	}

	ex := exchangePool.Get().(*exchange)
	ex.ResponseWriter, ex.req, ex.host, ex.rt, ex.b = w, req, host, rt, b
	if r.obs != nil {
		r.obs.InFlight(rt.App, rt.Service, 1)
	}
	// A deferred call, not inline code after ServeHTTP: ReverseProxy
	// panics with http.ErrAbortHandler when a body copy fails, and the
	// in-flight count must come down all the same or Drain never returns.
	defer r.finish(ex, start)
	b.proxy.ServeHTTP(ex, req)
}

// acquire picks a target of host's route and counts a request in flight on
// it. It returns a nil route for an unknown host and a nil backend for a
// route with no targets (or no target but avoid).
//
// The count is taken before the request is sent, and checked against the
// table after: if the table changed meanwhile and the target is no longer
// routed, a Drain may already have seen it idle, so the request gives the
// count back and picks again from the new table. That check is what lets a
// swap never send a request to a target that has been drained.
func (r *Router) acquire(host string, avoid *backend) (*route, *backend) {
	for {
		t := r.tab.Load()
		rt := t.hosts[host]
		if rt == nil {
			return nil, nil
		}
		b := rt.pick(avoid)
		if b == nil {
			return rt, nil
		}
		if r.hold(t, b) {
			return rt, b
		}
	}
}

// hold counts a request in flight on b, picked from table t, unless b has
// been retired by a newer table, in which case it reports false and the
// caller picks again.
func (r *Router) hold(t *table, b *backend) bool {
	b.state.inflight.Add(1)
	if r.tab.Load() == t || !b.retired.Load() {
		return true
	}
	b.state.release()
	return false
}

func (r *Router) finish(ex *exchange, start time.Time) {
	ex.b.state.release()
	if r.obs != nil {
		status := ex.status
		if status == 0 {
			status = http.StatusOK
		}
		r.obs.InFlight(ex.rt.App, ex.rt.Service, -1)
		r.obs.Request(ex.rt.App, ex.rt.Service, status, time.Since(start))
	}
	*ex = exchange{}
	exchangePool.Put(ex)
}

// proxyError is every proxy's ErrorHandler: it retries a request that could
// not reach its target on another one when that is safe, and answers 502
// otherwise.
func (r *Router) proxyError(w http.ResponseWriter, out *http.Request, err error) {
	ex, ok := w.(*exchange)
	if !ok { // not from ServeHTTP; cannot happen, but never leave a client hanging
		plainError(w, "bad gateway", http.StatusBadGateway)
		return
	}
	if ex.req.Context().Err() != nil {
		// The client is gone; there is nobody to answer.
		ex.status = statusClientClosed
		return
	}
	failed := ex.b
	if !ex.retried && isDialError(err) && idempotent(ex.req.Method) {
		if _, b := r.acquire(ex.host, failed); b != nil {
			r.log.Warn("router: target unreachable, retrying on another",
				"app", ex.rt.App, "service", ex.rt.Service, "target", failed.ID, "addr", failed.Addr,
				"retry_target", b.ID, "err", err)
			failed.state.release()
			ex.b, ex.retried = b, true
			// ex.req, not out: out already carries this attempt's rewrite.
			b.proxy.ServeHTTP(ex, ex.req)
			return
		}
	}
	r.log.Warn("router: proxy error", "app", ex.rt.App, "service", ex.rt.Service,
		"target", failed.ID, "addr", failed.Addr, "method", ex.req.Method, "err", err)
	plainError(ex, "bad gateway: "+ex.rt.App+"/"+ex.rt.Service+" did not answer", http.StatusBadGateway)
}

func idempotent(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// plainError is http.Error with a shorter set of headers; the body is
// plain text so a browser shows it as is.
func plainError(w http.ResponseWriter, msg string, code int) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg + "\n"))
}

// exchange is the ResponseWriter the proxies write to: it remembers the
// status for the Observer and carries what ErrorHandler needs to retry,
// since ReverseProxy hands its ErrorHandler only the writer and the
// outgoing request. Pooled, so a request costs no allocation for it.
type exchange struct {
	http.ResponseWriter
	req     *http.Request // as received, for a retry
	host    string
	rt      *route
	b       *backend
	status  int
	retried bool
}

var exchangePool = sync.Pool{New: func() any { return new(exchange) }}

func (e *exchange) WriteHeader(code int) {
	if e.status == 0 && code >= 200 { // 1xx are interim; the final status comes later
		e.status = code
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *exchange) Write(p []byte) (int, error) {
	if e.status == 0 {
		e.status = http.StatusOK
	}
	return e.ResponseWriter.Write(p)
}

// FlushError lets ReverseProxy flush streamed responses through the wrapper.
func (e *exchange) FlushError() error {
	switch f := e.ResponseWriter.(type) {
	case interface{ FlushError() error }:
		return f.FlushError()
	case http.Flusher:
		f.Flush()
		return nil
	}
	return http.ErrNotSupported
}

// Unwrap lets http.ResponseController reach the server's writer, which is
// how ReverseProxy hijacks the connection for a WebSocket.
func (e *exchange) Unwrap() http.ResponseWriter { return e.ResponseWriter }

// Hijack records the switch of protocols for the Observer; ReverseProxy
// hijacks the client's connection for a WebSocket and writes the 101 itself.
func (e *exchange) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(e.ResponseWriter).Hijack()
	if err == nil && e.status == 0 {
		e.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

var (
	_ http.Hijacker                             = (*exchange)(nil)
	_ interface{ FlushError() error }           = (*exchange)(nil)
	_ interface{ Unwrap() http.ResponseWriter } = (*exchange)(nil)
)
