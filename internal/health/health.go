// Package health checks whether an instance is ready for traffic: an HTTP
// request to its health path when one is known, else a TCP connect to its
// port. The deploy's health gate and, later, continuous monitoring use it.
package health

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Check says how to check one instance.
type Check struct {
	Addr string // ip:port
	// Path is the HTTP path to GET; "" checks that the port accepts a
	// TCP connection.
	Path string
	// Host is sent as the Host header ("" for Addr), for apps that route by it.
	Host string
}

// Timeout bounds one attempt whose context has no deadline.
const Timeout = 2 * time.Second

// client leaves timeouts to the context, so a caller's (check_timeout)
// holds whether it is shorter or longer than Timeout.
var client = &http.Client{
	// A health check follows no redirect: a 3xx says the app is up.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport: &http.Transport{
		DialContext:       (&net.Dialer{}).DialContext,
		DisableKeepAlives: true,
	},
}

// Probe makes one attempt: nil when the instance answers as healthy.
func Probe(ctx context.Context, c Check) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, Timeout)
		defer cancel()
	}
	if c.Path == "" {
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", c.Addr)
		if err != nil {
			return fmt.Errorf("tcp %s: %w", c.Addr, err)
		}
		return conn.Close()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Addr+c.Path, nil)
	if err != nil {
		return err
	}
	if c.Host != "" {
		req.Host = c.Host
	}
	req.Header.Set("User-Agent", "kyozo-health")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", c.Path, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("GET %s: %s", c.Path, resp.Status)
	}
	return nil
}

// ErrTimeout is returned by Wait when the instance never became healthy.
var ErrTimeout = errors.New("not healthy in time")

// Wait probes until the instance is healthy, ctx ends, or alive reports
// that it has died. It returns nil on the first passing probe; otherwise
// ErrTimeout wrapping the last failure.
func Wait(ctx context.Context, c Check, interval time.Duration, alive func() error) error {
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	var last error
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if last == nil {
				last = ctx.Err()
			}
			return fmt.Errorf("%w: %v", ErrTimeout, last)
		case <-t.C:
		}
		actx, cancel := context.WithTimeout(ctx, Timeout)
		last = Probe(actx, c)
		cancel()
		if last == nil {
			return nil
		}
		if alive != nil {
			if err := alive(); err != nil {
				return err
			}
		}
		t.Reset(interval)
	}
}
