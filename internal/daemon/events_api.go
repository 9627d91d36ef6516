package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// GET /api/v1/apps/{app}/events?n=N serves an app's audit trail: the last
// N events as a JSON array, oldest first, or, asked for text/event-stream
// (or ?follow=1), a Server-Sent Events stream of those and every event
// added after them.
//
// Whoever holds the API token (api_token) reads every app's trail; without
// a token the listener is loopback only (http_addr).

const (
	defaultAPIEvents = 50
	maxAPIEvents     = 1000
	// sseKeepAlive is how long a stream may stay silent before it gets a
	// comment, so proxies and clients do not take it for dead.
	sseKeepAlive = 15 * time.Second
	// sseBlock is how long one read waits for a new event. A blocked Redis
	// read does not end with its context, so it also bounds how long a
	// stream outlives its client.
	sseBlock = 2 * time.Second
)

// eventStore is what the handler reads.
type eventStore interface {
	App(ctx context.Context, name string) (store.App, error)
	store.Events
}

// eventsAPI serves the audit trail.
type eventsAPI struct {
	st        eventStore
	keepAlive time.Duration
	block     time.Duration

	mu sync.Mutex
	// closing holds, per server, a channel closed when it shuts down.
	closing map[*http.Server]chan struct{}
}

func newEventsAPI(st eventStore) *eventsAPI {
	return &eventsAPI{st: st, keepAlive: sseKeepAlive, block: sseBlock, closing: map[*http.Server]chan struct{}{}}
}

func (h *eventsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	app := r.PathValue("app")
	n := defaultAPIEvents
	if v := r.URL.Query().Get("n"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > maxAPIEvents {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("n takes a number of events from 1 to %d, not %q", maxAPIEvents, v)})
			return
		}
	}
	var after int64 = -1
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		var err error
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("Last-Event-ID is an event's seq, not %q", v)})
			return
		}
	}
	if code, err := h.known(ctx, app); err != nil {
		writeJSON(w, code, map[string]string{"error": err.Error()})
		return
	}
	if wantsStream(r) {
		h.stream(w, r, app, n, after)
		return
	}
	evs, err := h.st.EventsList(ctx, app, n)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	if evs == nil {
		evs = []store.Event{}
	}
	writeJSON(w, http.StatusOK, evs)
}

// known checks there is a trail to read: the app's, or, since the trail
// outlives the app (apps:destroy keeps it), a destroyed app's.
func (h *eventsAPI) known(ctx context.Context, app string) (int, error) {
	notFound := fmt.Errorf("app %s does not exist", app)
	if !topology.ValidName(app) {
		return http.StatusNotFound, notFound
	}
	_, err := h.st.App(ctx, app)
	if err == nil {
		return 0, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return http.StatusInternalServerError, err
	}
	evs, err := h.st.EventsList(ctx, app, 1)
	if err != nil {
		return http.StatusInternalServerError, err
	}
	if len(evs) == 0 {
		return http.StatusNotFound, notFound
	}
	return 0, nil
}

// wantsStream is whether the client asked for Server-Sent Events.
func wantsStream(r *http.Request) bool {
	if f := r.URL.Query().Get("follow"); f == "1" || f == "true" {
		return true
	}
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/event-stream" {
				return true
			}
		}
	}
	return false
}

// stream sends the last n events (or, resuming, those after the seq the
// client last saw), then each new one as it is added, until the client
// goes away, the server shuts down or the store fails; a client's
// EventSource reconnects with Last-Event-ID and loses nothing the trail
// still holds.
func (h *eventsAPI) stream(w http.ResponseWriter, r *http.Request, app string, n int, after int64) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	// Shutdown waits for connections to go idle, which a stream never
	// does: it ends the stream instead.
	if closing := h.shutdownOf(r); closing != nil {
		go func() {
			select {
			case <-closing:
				cancel()
			case <-ctx.Done():
			}
		}()
	}

	var evs []store.Event
	var err error
	if after >= 0 {
		evs, err = h.st.EventsAfter(ctx, app, after, 0)
	} else {
		evs, err = h.st.EventsList(ctx, app, n)
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlasts any write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}

	last := after
	if last < 0 {
		last = 0
	}
	lastWrite := time.Now()
	for {
		for _, e := range evs {
			if writeEvent(w, e) != nil || rc.Flush() != nil {
				return
			}
			last, lastWrite = e.Seq, time.Now()
		}
		if time.Since(lastWrite) >= h.keepAlive {
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			lastWrite = time.Now()
		}
		evs, err = h.st.EventsAfter(ctx, app, last, min(h.block, h.keepAlive))
		if ctx.Err() != nil || err != nil {
			return
		}
	}
}

// writeEvent writes one event: its seq as the id, its type as the event
// name, itself as JSON (one line: encoding/json escapes newlines).
func writeEvent(w http.ResponseWriter, e store.Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	typ := e.Type
	if typ == "" || strings.ContainsAny(typ, "\r\n") {
		typ = "message" // SSE's default name; a line break would end the field
	}
	_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, typ, b)
	return err
}

// shutdownOf returns a channel closed when the server that took r shuts
// down (nil outside a server). One hook per server, not per request: a
// server keeps what RegisterOnShutdown is given for good.
func (h *eventsAPI) shutdownOf(r *http.Request) <-chan struct{} {
	srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if !ok || srv == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ch, ok := h.closing[srv]
	if !ok {
		ch = make(chan struct{})
		h.closing[srv] = ch
		srv.RegisterOnShutdown(func() { close(ch) })
	}
	return ch
}
