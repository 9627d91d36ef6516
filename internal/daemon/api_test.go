package daemon

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

func TestAPIToken(t *testing.T) {
	st := eventsSetup(t)
	const token = "0123456789abcdef-kyozo"
	ts := httptest.NewServer(apiHandler(st, nil, token))
	defer ts.Close()

	for _, path := range []string{"/api/v1/apps", "/api/v1/apps/shop/events", "/api/v1/jobs/0001"} {
		for _, auth := range []string{"", "Bearer wrong-token-0123456789", token, "bearer " + token, "Bearer " + token + "x"} {
			resp, b := get(t, ts.URL+path, "Authorization", auth)
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Bearer realm="kyozo"` || !strings.Contains(string(b), "Authorization: Bearer") {
				t.Errorf("%s with %q: %d %q", path, auth, resp.StatusCode, b)
			}
			if strings.Contains(string(b), "shop") {
				t.Errorf("%s with %q leaked %q", path, auth, b)
			}
		}
	}
	if resp, b := get(t, ts.URL+"/api/v1/apps/shop/events", "Authorization", "Bearer "+token); resp.StatusCode != 200 || !strings.Contains(string(b), `"app": "shop"`) {
		t.Errorf("with the token: %d %s", resp.StatusCode, b)
	}
	// Probes and metrics are for machines that hold no token.
	for _, path := range []string{"/healthz", "/metrics"} {
		if resp, b := get(t, ts.URL+path); resp.StatusCode != 200 {
			t.Errorf("%s without a token: %d %s", path, resp.StatusCode, b)
		}
	}

	open := httptest.NewServer(apiHandler(st, nil, ""))
	defer open.Close()
	if resp, b := get(t, open.URL+"/api/v1/apps/shop/events"); resp.StatusCode != 200 {
		t.Errorf("no token configured: %d %s", resp.StatusCode, b)
	}
}

// sickEngine is a runtime whose engine does not answer.
type sickEngine struct{ runtime.Runtime }

func (sickEngine) Ping(context.Context) error { return errors.New("engine unreachable") }

// /readyz is 200 with Redis and Docker up and 503 naming what is down;
// /healthz says alive all the same.
func TestReadyz(t *testing.T) {
	st := redistest.Store(t)
	ready := httptest.NewServer(apiHandler(st, runtimetest.New(), ""))
	defer ready.Close()
	if resp, b := get(t, ready.URL+"/readyz"); resp.StatusCode != 200 || !strings.Contains(string(b), `"docker": "ok"`) || !strings.Contains(string(b), `"redis": "ok"`) {
		t.Errorf("all up: %d %s", resp.StatusCode, b)
	}
	noDocker := httptest.NewServer(apiHandler(st, sickEngine{runtimetest.New()}, ""))
	defer noDocker.Close()
	if resp, b := get(t, noDocker.URL+"/readyz"); resp.StatusCode != 503 || !strings.Contains(string(b), "engine unreachable") || !strings.Contains(string(b), `"redis": "ok"`) {
		t.Errorf("docker down: %d %s", resp.StatusCode, b)
	}
	gone := redistest.Store(t)
	gone.Close()
	noRedis := httptest.NewServer(apiHandler(gone, runtimetest.New(), ""))
	defer noRedis.Close()
	if resp, b := get(t, noRedis.URL+"/readyz"); resp.StatusCode != 503 || strings.Contains(string(b), `"redis": "ok"`) {
		t.Errorf("redis down: %d %s", resp.StatusCode, b)
	}
	if resp, _ := get(t, noRedis.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz with redis down: %d", resp.StatusCode)
	}
}
