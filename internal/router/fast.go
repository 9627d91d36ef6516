package router

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"sync"
	"time"
)

// fastTransport is one target's transport. GET, HEAD and OPTIONS requests
// without a body, which are most of a web app's traffic, are sent on the
// calling goroutine over a pooled HTTP/1.1 connection: write the request,
// read the response, and give the connection back once the body has been
// read to its end. http.Transport does the same with a reader and a writer
// goroutine per connection and channel hand-offs per request, which on the
// router's path cost about a quarter of its CPU (scripts/bench-router.sh).
// Everything else (a body, an upgrade) goes to the shared http.Transport.
//
// What http.Transport would otherwise do for these requests is done here
// too: a pooled connection the target closed while idle is retried once on
// a new one (the methods are idempotent and nothing was answered), 1xx
// responses are passed to the proxy's trace hook and skipped, a response
// that ends with the connection closes it, and ctx ending closes it.
type fastTransport struct {
	addr     string
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	fallback http.RoundTripper

	mu     sync.Mutex
	idle   []*fastConn // most recently used last
	closed bool        // the target is retired: no connection goes back
}

// fastConn is a pooled connection with its buffers.
type fastConn struct {
	c      net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	idleAt time.Time
}

const (
	fastMaxIdle     = 256              // idle connections kept per target
	fastIdleTimeout = 90 * time.Second // as the shared transport's
	fastBufferSize  = 4 << 10
)

// fast reports whether req takes the fast path.
func fast(req *http.Request) bool {
	return idempotent(req.Method) && (req.Body == nil || req.Body == http.NoBody) && req.ContentLength == 0 &&
		req.Header.Get("Upgrade") == "" && len(req.TransferEncoding) == 0
}

func (t *fastTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !fast(req) {
		return t.fallback.RoundTrip(req)
	}
	ctx := req.Context()
	for {
		pc, reused := t.get()
		if pc == nil {
			c, err := t.dial(ctx, "tcp", t.addr)
			if err != nil {
				return nil, err // a *net.OpError "dial": the proxy may retry elsewhere
			}
			pc = &fastConn{c: c, br: bufio.NewReaderSize(c, fastBufferSize), bw: bufio.NewWriterSize(c, fastBufferSize)}
		}
		stop := context.AfterFunc(ctx, func() { pc.c.Close() })
		resp, answered, err := t.exchange(req, pc)
		if err != nil {
			stop()
			pc.c.Close()
			if reused && !answered && ctx.Err() == nil {
				continue // the target closed it while it was idle
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		resp.Body = &fastBody{rc: resp.Body, t: t, pc: pc, stop: stop, keep: !resp.Close}
		return resp, nil
	}
}

// exchange writes req on pc and reads its final response; answered says
// whether any of a response arrived, after which a retry is not safe.
func (t *fastTransport) exchange(req *http.Request, pc *fastConn) (resp *http.Response, answered bool, err error) {
	if err := req.Write(pc.bw); err != nil {
		return nil, false, err
	}
	if err := pc.bw.Flush(); err != nil {
		return nil, false, err
	}
	trace := httptrace.ContextClientTrace(req.Context())
	for {
		if _, err := pc.br.Peek(1); err != nil {
			return nil, answered, err
		}
		answered = true
		resp, err := http.ReadResponse(pc.br, req)
		if err != nil {
			return nil, true, err
		}
		if resp.StatusCode < 100 || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, true, nil
		}
		// An interim response (103 Early Hints): the proxy forwards it
		// through its trace hook; the final one follows.
		if trace != nil && trace.Got1xxResponse != nil {
			if err := trace.Got1xxResponse(resp.StatusCode, textproto.MIMEHeader(resp.Header)); err != nil {
				return nil, true, err
			}
		}
	}
}

// get returns a pooled connection, newest first, closing those idle too
// long; nil when there is none.
func (t *fastTransport) get() (*fastConn, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.idle) > 0 {
		pc := t.idle[len(t.idle)-1]
		t.idle = t.idle[:len(t.idle)-1]
		if time.Since(pc.idleAt) < fastIdleTimeout {
			return pc, true
		}
		pc.c.Close()
	}
	return nil, false
}

// put pools a connection whose response was read to its end.
func (t *fastTransport) put(pc *fastConn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || len(t.idle) >= fastMaxIdle || pc.br.Buffered() > 0 {
		// Bytes after the response's end mean the target said more than
		// one answer: the connection cannot be trusted with the next.
		pc.c.Close()
		return
	}
	pc.idleAt = time.Now()
	t.idle = append(t.idle, pc)
}

// closeIdle closes the pooled connections; with retire set, connections
// still in use are closed when their responses end, too.
func (t *fastTransport) closeIdle(retire bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, pc := range t.idle {
		pc.c.Close()
	}
	t.idle = nil
	if retire {
		t.closed = true
	}
}

// fastBody gives the connection back once the body has been read to its
// end, and closes it if the body is closed before that.
type fastBody struct {
	rc   io.ReadCloser
	t    *fastTransport
	pc   *fastConn
	stop func() bool
	keep bool
	done bool
}

func (b *fastBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.done = true
		// stop reports false when ctx already closed the connection.
		if b.stop() && b.keep {
			b.t.put(b.pc)
		} else {
			b.pc.c.Close()
		}
	}
	return n, err
}

func (b *fastBody) Close() error {
	if !b.done {
		b.done = true
		b.stop()
		b.pc.c.Close()
	}
	return nil
}
