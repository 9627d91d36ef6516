package daemon

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
