package health

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	var ready atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case r.URL.Path == "/healthz" && ready.Load():
			w.Write([]byte("ok"))
		default:
			http.Error(w, "starting", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx := context.Background()
	if err := Probe(ctx, Check{Addr: addr, Path: "/healthz"}); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("503 should fail: %v", err)
	}
	if err := Probe(ctx, Check{Addr: addr, Path: "/moved"}); err != nil {
		t.Errorf("a redirect means up: %v", err)
	}
	if err := Probe(ctx, Check{Addr: addr}); err != nil {
		t.Errorf("tcp: %v", err)
	}
	go func() { time.Sleep(300 * time.Millisecond); ready.Store(true) }()
	if err := Wait(ctx, Check{Addr: addr, Path: "/healthz"}, 50*time.Millisecond, nil); err != nil {
		t.Errorf("wait: %v", err)
	}
}

func TestWaitGivesUp(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := Wait(ctx, Check{Addr: addr}, 20*time.Millisecond, nil)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "refused") {
		t.Errorf("got %v", err)
	}
	died := errors.New("container exited with code 1")
	err = Wait(context.Background(), Check{Addr: addr}, 20*time.Millisecond, func() error { return died })
	if !errors.Is(err, died) {
		t.Errorf("a dead instance should end the wait: %v", err)
	}
}
