package router

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"sync/atomic"
	"time"
)

// backend is one routed (ID, Addr) pair with its own ReverseProxy, so the
// proxy's Rewrite knows the address without a per-request closure or a
// context value. It lives as long as some table routes it.
type backend struct {
	Target
	state   *targetState
	fast    *fastTransport
	proxy   *httputil.ReverseProxy
	retired atomic.Bool // no table stored after this was set routes it
}

// targetState counts the requests in flight to one target ID, across every
// table version and every backend with that ID, which is what Drain waits on.
type targetState struct {
	inflight atomic.Int64
	waiters  atomic.Int32 // Drain calls waiting; release wakes them only then

	mu   sync.Mutex
	idle chan struct{} // closed (and cleared) when inflight reaches zero
	_    [64]byte      // keep the hot counters of two targets off one cache line
}

func (s *targetState) release() {
	if s.inflight.Add(-1) == 0 && s.waiters.Load() > 0 {
		s.mu.Lock()
		if s.idle != nil {
			close(s.idle)
			s.idle = nil
		}
		s.mu.Unlock()
	}
}

// backend returns the backend of t, making it (and its target's state) the
// first time t is routed. Called with mu held.
func (r *Router) backend(t Target) *backend {
	if b, ok := r.backends[t]; ok {
		return b
	}
	st, ok := r.states[t.ID]
	if !ok {
		st = new(targetState)
		r.states[t.ID] = st
	}
	b := &backend{Target: t, state: st}
	b.fast = &fastTransport{addr: t.Addr, dial: r.dial, fallback: r.transport}
	b.proxy = &httputil.ReverseProxy{
		Rewrite:       b.rewrite,
		Transport:     b.fast,
		FlushInterval: r.flush,
		BufferPool:    copyBuffers,
		ErrorLog:      r.errorLog,
		ErrorHandler:  r.onError,
	}
	r.backends[t] = b
	return b
}

// Shared header values: the transport only reads them, and a request
// header map is a fresh clone each time, so nothing appends to these.
var (
	protoHTTP  = []string{"http"}
	protoHTTPS = []string{"https"}
)

// rewrite points the outgoing request at the target. The Host header stays
// the one the client sent, since apps build links from it; the X-Forwarded
// headers are set from this connection only (ReverseProxy has already
// dropped any the client sent), because Kyozo is the edge and a client's
// own X-Forwarded-For is not to be believed.
func (b *backend) rewrite(pr *httputil.ProxyRequest) {
	out := pr.Out
	out.URL.Scheme = "http"
	out.URL.Host = b.Addr
	h := out.Header
	// One backing array for both values, each slice capped so that an
	// append to one cannot write over the other.
	vals := make([]string, 2)
	vals[0] = pr.In.Host
	h["X-Forwarded-Host"] = vals[0:1:1]
	if ip, _, err := net.SplitHostPort(pr.In.RemoteAddr); err == nil {
		vals[1] = ip
		h["X-Forwarded-For"] = vals[1:2:2]
	}
	if pr.In.TLS != nil {
		h["X-Forwarded-Proto"] = protoHTTPS
	} else {
		h["X-Forwarded-Proto"] = protoHTTP
	}
}

// isDialError reports whether err means the target could not be reached at
// all, so the request never left the router and may be sent elsewhere.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// newTransport is the transport every proxy shares. Targets are few and on
// a private network, so it keeps many idle connections per target (a burst
// of requests would otherwise pay a connect each); compression is off since
// the body goes straight back to the client as the app sent it.
func newTransport(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // never the environment's HTTP_PROXY: targets are local
		DialContext:           dial,
		MaxIdleConns:          0, // no global cap; the per-host cap and the timeout bound it
		MaxIdleConnsPerHost:   1024,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     false,
	}
}

// copyBufferSize matches ReverseProxy's own default buffer.
const copyBufferSize = 32 << 10

// bufferPool keeps ReverseProxy's body copy buffers, which it would
// otherwise allocate per request. It holds array pointers, so that Put
// turns the slice back into one without allocating.
type bufferPool struct{ p sync.Pool }

var copyBuffers = new(bufferPool)

func (bp *bufferPool) Get() []byte {
	if v := bp.p.Get(); v != nil {
		return v.(*[copyBufferSize]byte)[:]
	}
	return new([copyBufferSize]byte)[:]
}

func (bp *bufferPool) Put(b []byte) {
	if len(b) == copyBufferSize {
		bp.p.Put((*[copyBufferSize]byte)(b))
	}
}
