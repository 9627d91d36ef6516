package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/testutil/dockertest"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

// writeSickableApp writes a web service whose health path a request can
// break: GET /cgi-bin/sick deletes /health in the replica that answers and
// says which replica that was (its hostname, the container's short id).
func writeSickableApp(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"Dockerfile": "FROM " + dockertest.BusyboxImage + "\n" +
			"COPY www /www\nRUN chmod +x /www/cgi-bin/*\nEXPOSE 8080\n" +
			"CMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
		// Dokku's app.json names the health path.
		"app.json":           `{"healthchecks": {"web": [{"type": "startup", "path": "/health"}]}}` + "\n",
		"www/index.html":     "hello\n",
		"www/health":         "ok\n",
		"www/cgi-bin/whoami": "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nhostname\n",
		"www/cgi-bin/sick":   "#!/bin/sh\nrm -f /www/health\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nhostname\n",
	}
	writeFiles(t, dir, files)
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; last: %s", what, within, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestMonitoring deploys an app with two replicas, breaks one replica's
// health check under load, and watches Kyozo replace it with no request
// failing, record it in the audit trail, and export it all to a real
// Prometheus (Debian's) configured from deploy/prometheus.
func TestMonitoring(t *testing.T) {
	k := startKyozo(t, "KYOZO_CHECK_INTERVAL=300ms", "KYOZO_CHECK_THRESHOLD=2", "KYOZO_CHECK_TIMEOUT=1s")
	dir := t.TempDir()
	k.git(dir, k.key, "init", "-q", "-b", "main")
	k.git(dir, k.key, "remote", "add", "kyozo", k.remote("shop"))
	writeSickableApp(t, dir)
	commit(t, k, dir, "v1")
	if out, err := k.git(dir, k.key, "push", "kyozo", "main"); err != nil {
		t.Fatalf("push: %v\n%s", err, out)
	}
	k.mustSSH("ps:scale", "shop", "shop=2")
	host := "shop.localhost"
	replicas := func() map[string]bool {
		seen := map[string]bool{}
		for range 20 {
			if code, body, err := k.get(host, "/cgi-bin/whoami"); err == nil && code == http.StatusOK {
				seen[strings.TrimSpace(body)] = true
			}
		}
		return seen
	}
	before := replicas()
	if len(before) != 2 {
		t.Fatalf("replicas answering before: %v, want 2", before)
	}

	// One replica's health check breaks; its requests still succeed, so
	// the load sees no failure, while the monitor replaces it.
	l := k.startLoad(host, 2)
	sick := strings.TrimSpace(k.mustGet(host, "/cgi-bin/sick"))
	start := time.Now()
	eventually(t, 60*time.Second, "the sick replica replaced", func() (bool, string) {
		now := replicas()
		return len(now) == 2 && !now[sick], fmt.Sprint(now)
	})
	replaced := time.Since(start)
	reqs, failed := l.end()
	t.Logf("FIGURE health monitor: replica %s replaced %s after its check broke (interval 300ms, threshold 2); %d requests, %d failed",
		sick, replaced, reqs, failed)
	if failed != 0 {
		t.Errorf("%d of %d requests failed while a sick replica was replaced; last: %v", failed, reqs, l.last.Load())
	}
	docker := dockertest.Need(t)
	// Out of rotation at once, it is removed after drain_timeout.
	eventually(t, 30*time.Second, "the sick container removed", func() (bool, string) {
		out, _ := exec.Command(docker, "ps", "-aq", "--filter", "label=kyozo.app=shop", "--filter", "id="+sick).Output()
		return strings.TrimSpace(string(out)) == "", string(out)
	})

	// The audit trail has the health failure, through ssh and the API.
	out := k.mustSSH("events", "shop")
	if !strings.Contains(out, "health") || !strings.Contains(out, "failed 2 checks in a row") {
		t.Errorf("events:\n%s", out)
	}
	resp, err := http.Get("http://" + k.api + "/api/v1/apps/shop/events")
	if err != nil {
		t.Fatal(err)
	}
	var evs []struct {
		Seq     int64  `json:"seq"`
		Type    string `json:"type"`
		Actor   string `json:"actor"`
		Message string `json:"message"`
	}
	err = json.NewDecoder(resp.Body).Decode(&evs)
	resp.Body.Close()
	types := map[string]bool{}
	for _, e := range evs {
		types[e.Type] = true
	}
	if err != nil || !types["deploy"] || !types["build"] || !types["scale"] || !types["health"] {
		t.Errorf("API events (%v): %+v", err, evs)
	}

	scrape(t, k)
}

// scrape runs Prometheus with deploy/prometheus's config and rules, its
// kyozo target pointed at this Kyozo and its intervals shortened, and
// queries what it scraped.
func scrape(t *testing.T, k *kyozo) {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs prometheus (scripts/test-deps.sh installs Debian's): %v", err)
		}
		t.Skip("prometheus is not installed")
	}
	cfgDir := t.TempDir()
	conf, err := os.ReadFile("../../deploy/prometheus/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	c := strings.ReplaceAll(string(conf), `"127.0.0.1:8080"`, `"`+k.api+`"`)
	c = strings.ReplaceAll(c, "15s", "1s")
	c = strings.ReplaceAll(c, "scrape_timeout: 10s", "scrape_timeout: 1s")
	if c == string(conf) || !strings.Contains(c, k.api) {
		t.Fatal("deploy/prometheus/prometheus.yml no longer has the target this test rewrites")
	}
	os.MkdirAll(filepath.Join(cfgDir, "rules"), 0o755)
	rules, err := os.ReadFile("../../deploy/prometheus/rules/kyozo.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cfgDir, "rules", "kyozo.rules.yml"), rules, 0o644)
	os.WriteFile(filepath.Join(cfgDir, "prometheus.yml"), []byte(c), 0o644)

	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	log := &syncbuf.Buffer{}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(cfgDir, "prometheus.yml"),
		"--storage.tsdb.path="+t.TempDir(), "--web.listen-address="+addr)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", log.String())
		}
	}()

	// query returns the value of every series a PromQL query returns.
	query := func(q string) (map[string]string, error) {
		resp, err := http.Get("http://" + addr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var r struct {
			Status string `json:"status"`
			Data   struct {
				Result []struct {
					Metric map[string]string `json:"metric"`
					Value  []any             `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, s := range r.Data.Result {
			v := ""
			if len(s.Value) == 2 {
				v, _ = s.Value[1].(string)
			}
			out[fmt.Sprint(s.Metric)] = v
		}
		return out, nil
	}
	want := func(q string) {
		t.Helper()
		eventually(t, 45*time.Second, "Prometheus answers "+q, func() (bool, string) {
			got, err := query(q)
			return err == nil && len(got) > 0, fmt.Sprint(got, err)
		})
	}
	want(`up{job="kyozo"} == 1`)
	// Per service, from the sampler: both replicas of the deployed app run.
	want(`kyozo_service_up{app="shop",service="shop"} == 1`)
	want(`kyozo_service_replicas_running{app="shop",service="shop"} == 2`)
	// Platform: the deploy, the health monitor's checks and the router.
	want(`kyozo_deploys_total{app="shop",result="succeeded"} == 1`)
	want(`kyozo_health_checks_total{app="shop",service="shop",result="failed"} >= 2`)
	want(`sum(kyozo_router_requests_total{app="shop"}) > 0`)

	// The alert rules loaded and evaluate without error.
	resp, err := http.Get("http://" + addr + "/api/v1/rules")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name   string `json:"name"`
					Health string `json:"health"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range r.Data.Groups {
		for _, rule := range g.Rules {
			n++
			if rule.Health == "err" {
				t.Errorf("rule %s fails to evaluate", rule.Name)
			}
		}
	}
	if n == 0 {
		t.Error("Prometheus loaded no Kyozo rules")
	}
}
