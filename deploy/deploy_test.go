// Package deploy_test checks how Kyozo itself is run: the systemd unit, the
// compose file and the image it builds, Prometheus's configuration and
// alert rules, and Grafana's dashboard. Files are checked by the tools that
// load them (promtool, docker-compose, systemd-analyze) where those are
// installed — CI installs promtool and docker-compose, so there a missing
// one fails — and every PromQL expression is checked against the metric
// names Kyozo exports, so a renamed metric cannot leave a silent panel or
// an alert that never fires.
package deploy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	yaml "go.yaml.in/yaml/v4"

	"github.com/kyozo/kyozo/internal/config"
)

// Paths are relative to deploy/, where go test runs this package.
const (
	promConfig   = "prometheus/prometheus.yml"
	rulesFile    = "prometheus/rules/kyozo.rules.yml"
	rulesTest    = "prometheus/rules/kyozo.rules.test.yml"
	dashboard    = "grafana/dashboards/kyozo.json"
	datasources  = "grafana/provisioning/datasources/prometheus.yml"
	dashProvider = "grafana/provisioning/dashboards/kyozo.yml"
	composeFile  = "docker-compose.yml"
	dockerfile   = "Dockerfile"
	unitFile     = "kyozo.service"
)

// kyozoMetrics are the series Kyozo exports (internal/metrics), and
// whether each is a histogram (only its _bucket, _sum and _count series
// exist). Dashboards and rules may also use up, go_* and process_*.
var kyozoMetrics = map[string]bool{
	"kyozo_deploys_total":                        false,
	"kyozo_deploy_stage_duration_seconds":        true,
	"kyozo_builds_total":                         false,
	"kyozo_build_duration_seconds":               true,
	"kyozo_rollbacks_total":                      false,
	"kyozo_queue_tasks":                          false,
	"kyozo_ssh_sessions_total":                   false,
	"kyozo_git_push_bytes_total":                 false,
	"kyozo_service_up":                           false,
	"kyozo_service_healthy_replicas":             false,
	"kyozo_service_replicas_desired":             false,
	"kyozo_service_replicas_running":             false,
	"kyozo_service_restarts_total":               false,
	"kyozo_service_cpu_seconds_total":            false,
	"kyozo_service_memory_bytes":                 false,
	"kyozo_service_network_receive_bytes_total":  false,
	"kyozo_service_network_transmit_bytes_total": false,
	"kyozo_health_checks_total":                  false,
	"kyozo_health_check_duration_seconds":        true,
	"kyozo_router_requests_total":                false,
	"kyozo_router_request_duration_seconds":      true,
	"kyozo_router_requests_in_flight":            false,
}

// knownMetric says whether name is a series Kyozo's Prometheus has.
func knownMetric(name string) bool {
	if name == "up" || strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
		return true
	}
	if hist, ok := kyozoMetrics[name]; ok {
		return !hist
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && kyozoMetrics[base] {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- tools

// tool finds an external program; a machine without it skips the test,
// CI (CI set) fails it: scripts/test-deps.sh installs it there.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI needs %s (Debian package %s; scripts/test-deps.sh installs it): %v", name, pkg, err)
	}
	t.Skipf("%s not installed (apt-get install %s)", name, pkg)
	return ""
}

func run(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

func TestPromtoolCheckConfig(t *testing.T) {
	t.Parallel()
	run(t, nil, tool(t, "promtool", "prometheus"), "check", "config", promConfig)
}

func TestPromtoolCheckRules(t *testing.T) {
	t.Parallel()
	run(t, nil, tool(t, "promtool", "prometheus"), "check", "rules", rulesFile)
}

// TestPromtoolTestRules runs the rules' unit tests: alerts fire on
// synthetic series (and stay quiet where they must).
func TestPromtoolTestRules(t *testing.T) {
	t.Parallel()
	run(t, nil, tool(t, "promtool", "prometheus"), "test", "rules", rulesTest)
}

// TestComposeConfig has the compose tool validate the compose file.
func TestComposeConfig(t *testing.T) {
	t.Parallel()
	name, args := composeTool(t)
	run(t, []string{"DOCKER_GID=999", "COMPOSE_PROJECT_NAME=kyozotest"},
		name, append(args, "-f", composeFile, "config", "-q")...)
}

// composeTool finds docker-compose or `docker compose`.
func composeTool(t *testing.T) (string, []string) {
	t.Helper()
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return p, nil
	}
	if p, err := exec.LookPath("docker"); err == nil && exec.Command(p, "compose", "version").Run() == nil {
		return p, []string{"compose"}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI has neither docker-compose nor docker compose (scripts/test-deps.sh installs docker-compose)")
	}
	t.Skip("no compose tool on this machine")
	return "", nil
}

// TestSystemdAnalyzeVerify runs systemd-analyze verify where systemd is
// installed (it is not a test dependency: skipped elsewhere, CI included).
// The kyozo binary is not installed here, so the copy verified runs an
// executable that exists.
func TestSystemdAnalyzeVerify(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	data := readFile(t, unitFile)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^ExecStart=\S+`)
	if !re.Match(data) {
		t.Fatal("no ExecStart=")
	}
	data = re.ReplaceAll(data, []byte("ExecStart="+self))
	p := filepath.Join(t.TempDir(), "kyozo.service")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, nil, sa, "verify", p)
}

// ---------------------------------------------------------------- PromQL

func TestMetricNamesTokenizer(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`up{job="kyozo"} == 0`, []string{"up"}},
		{`sum by (app, le) (rate(kyozo_build_duration_seconds_bucket{app="$app", le!="+Inf"}[5m]))`,
			[]string{"kyozo_build_duration_seconds_bucket"}},
		{`histogram_quantile(0.9, sum(rate(x_bucket[$__rate_interval])) by (le))`, []string{"x_bucket"}},
		{`(a == 0) and on (app, service) (b > 0)`, []string{"a", "b"}},
		{`rate(foo[5m] offset 1h) / ignoring(code) group_left(extra) bar`, []string{"foo", "bar"}},
		{`sum without (instance) (foo) unless bar or baz`, []string{"foo", "bar", "baz"}},
		{`label_replace(foo, "dst", "$1", "src", "(.*)")`, []string{"foo"}},
		{`count_values("version", build_info)`, []string{"build_info"}},
		{`1e-3 * foo + 0x1F - 1.5 * bar @ 1609746000 > bool 2`, []string{"foo", "bar"}},
		{`max_over_time(foo[1h:5m]) + inf - NaN`, []string{"foo"}},
		{"# a comment naming fake_metric\nfoo", []string{"foo"}},
		{`foo{a="\"}", b=~'}{', c!~` + "`}`" + `} + bar`, []string{"foo", "bar"}},
		{`sum
		  (rate(foo:recorded[1m]))`, []string{"foo:recorded"}},
		{`{job="kyozo"}`, nil},
		{`vector(1) * 2`, nil},
		{`foo @ start() - foo @ end()`, []string{"foo", "foo"}},
	} {
		got, err := metricNames(tc.expr)
		if err != nil {
			t.Errorf("%q: %v", tc.expr, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.expr, got, tc.want)
		}
	}
	for _, bad := range []string{`foo{a="b"`, `rate(foo[5m)`, `foo{a="b}`, `sum by (a`, `{__name__=~"kyozo_.*"}`} {
		if got, err := metricNames(bad); err == nil {
			t.Errorf("%q: no error, got %q", bad, got)
		}
	}
}

// metricNames returns the metric names an expression selects, in order:
// the identifiers that are not a function (followed by "("), a keyword or
// aggregation, a label in a grouping clause, or inside a label matcher, a
// range, a string, a number or a Grafana variable.
func metricNames(expr string) ([]string, error) {
	if strings.Contains(expr, "__name__") {
		return nil, fmt.Errorf("selects metrics by __name__, which this check cannot follow")
	}
	var names []string
	s := expr
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'' || c == '`':
			end, err := skipString(s, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '{':
			end, err := skipTo(s, i, '}')
			if err != nil {
				return nil, err
			}
			i = end
		case c == '[':
			end, err := skipTo(s, i, ']')
			if err != nil {
				return nil, err
			}
			i = end
		case c == '$':
			i++
			if i < len(s) && s[i] == '{' {
				end, err := skipTo(s, i, '}')
				if err != nil {
					return nil, err
				}
				i = end
			}
			for i < len(s) && isIdent(s[i]) {
				i++
			}
		case isDigit(c) || c == '.' && i+1 < len(s) && isDigit(s[i+1]):
			for i < len(s) && (isIdent(s[i]) || s[i] == '.' ||
				(s[i] == '+' || s[i] == '-') && (s[i-1] == 'e' || s[i-1] == 'E') && !strings.HasPrefix(s[:i], "0x")) {
				i++
			}
		case isIdentStart(c):
			start := i
			for i < len(s) && (isIdent(s[i]) || s[i] == ':') {
				i++
			}
			word := s[start:i]
			next := i
			for next < len(s) && strings.ContainsRune(" \t\r\n", rune(s[next])) {
				next++
			}
			paren := next < len(s) && s[next] == '('
			switch strings.ToLower(word) {
			case "by", "without", "on", "ignoring", "group_left", "group_right":
				if paren { // a list of labels, not metrics
					end, err := skipTo(s, next, ')')
					if err != nil {
						return nil, err
					}
					i = end
				}
			case "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
				// Aggregations are keywords, followed by "(" or by a grouping clause.
				"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
				"bottomk", "topk", "quantile", "limitk", "limit_ratio":
			default:
				if !paren {
					names = append(names, word)
				}
			}
		default:
			i++
		}
	}
	return names, nil
}

// skipString returns the index after the string literal starting at i.
func skipString(s string, i int) (int, error) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q != '`':
			j++
		case s[j] == q:
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated string at offset %d", i)
}

// skipTo returns the index after the close that ends the bracket at i,
// stepping over strings inside it.
func skipTo(s string, i int, close byte) (int, error) {
	for j := i + 1; j < len(s); {
		switch s[j] {
		case '"', '\'', '`':
			end, err := skipString(s, j)
			if err != nil {
				return 0, err
			}
			j = end
		case close:
			return j + 1, nil
		default:
			j++
		}
	}
	return 0, fmt.Errorf("%q at offset %d is never closed", s[i], i)
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool      { return isIdentStart(c) || isDigit(c) }

// checkExpr fails t if expr names a metric Kyozo's Prometheus does not
// have, or none at all (a tokenizer that ate everything would pass
// otherwise). It returns the names.
func checkExpr(t *testing.T, where, expr string) []string {
	t.Helper()
	names, err := metricNames(expr)
	if err != nil {
		t.Errorf("%s: %v in %q", where, err, expr)
		return nil
	}
	if len(names) == 0 {
		t.Errorf("%s: names no metric: %q", where, expr)
	}
	for _, n := range names {
		if !knownMetric(n) {
			t.Errorf("%s: %q is not a metric Kyozo exports (nor up, go_*, process_*, or a histogram's _bucket/_sum/_count) in %q", where, n, expr)
		}
	}
	return names
}

// ---------------------------------------------------------------- rules

type ruleFile struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Rules    []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func TestRules(t *testing.T) {
	var rf ruleFile
	readYAML(t, rulesFile, &rf)
	alerts := map[string]string{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				t.Errorf("recording rule %s: the metric check knows only Kyozo's own series; add its name there first", r.Record)
			}
			where := rulesFile + ": " + r.Alert
			checkExpr(t, where, r.Expr)
			alerts[r.Alert] = r.Expr
			if s := r.Labels["severity"]; s != "critical" && s != "warning" && s != "info" {
				t.Errorf("%s: severity %q, want critical, warning or info", where, s)
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("%s: no %s annotation", where, a)
				}
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("%s: for: %v", where, err)
				}
			}
		}
	}
	// What the alerts must watch, by the series they use.
	for alert, metric := range map[string]string{
		"KyozoDown":                    `up{job="kyozo"}`,
		"KyozoDeploysFailing":          `kyozo_deploys_total{result="failed"}`,
		"KyozoServiceDown":             "kyozo_service_replicas_desired > 0",
		"KyozoServiceRestartLoop":      "increase(kyozo_service_restarts_total[15m]) > 3",
		"KyozoQueueBacklog":            `kyozo_queue_tasks{state="pending"}`,
		"KyozoBuildDurationRegression": "kyozo_build_duration_seconds_bucket[7d]",
	} {
		expr, ok := alerts[alert]
		if !ok {
			t.Errorf("no alert %s", alert)
		} else if !strings.Contains(expr, metric) {
			t.Errorf("alert %s does not use %s: %s", alert, metric, expr)
		}
	}
}

// TestRulesUnitTestsCoverAlerts keeps the promtool unit tests honest: the
// service-down and deploys-failing alerts are shown firing, and every
// alert a test names exists.
func TestRulesUnitTestsCoverAlerts(t *testing.T) {
	var rf ruleFile
	readYAML(t, rulesFile, &rf)
	exists := map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			exists[r.Alert] = true
		}
	}
	var tf struct {
		RuleFiles []string `yaml:"rule_files"`
		Tests     []struct {
			AlertRuleTest []struct {
				Alertname string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	readYAML(t, rulesTest, &tf)
	if !slices.Contains(tf.RuleFiles, filepath.Base(rulesFile)) {
		t.Errorf("%s tests %q, not %s", rulesTest, tf.RuleFiles, filepath.Base(rulesFile))
	}
	fires := map[string]bool{}
	for _, tc := range tf.Tests {
		for _, a := range tc.AlertRuleTest {
			if !exists[a.Alertname] {
				t.Errorf("%s tests %s, which is not an alert", rulesTest, a.Alertname)
			}
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			}
		}
	}
	for _, a := range []string{"KyozoServiceDown", "KyozoDeploysFailing"} {
		if !fires[a] {
			t.Errorf("%s never shows %s firing", rulesTest, a)
		}
	}
}

// ---------------------------------------------------------------- dashboard

func TestDashboardMetrics(t *testing.T) {
	var d map[string]any
	if err := json.Unmarshal(readFile(t, dashboard), &d); err != nil {
		t.Fatalf("%s: %v", dashboard, err)
	}
	used := map[string]bool{}
	n := 0
	walkExprs(d, "", func(where, expr string) {
		n++
		for _, m := range checkExpr(t, dashboard+": "+where, expr) {
			used[m] = true
		}
	})
	if n < 20 {
		t.Errorf("only %d expressions found in %s", n, dashboard)
	}
	for _, v := range templateVars(t, d) {
		if v.Type != "query" {
			continue
		}
		sel, err := variableSelector(v.query())
		if err != nil {
			t.Errorf("%s: variable %s: %v", dashboard, v.Name, err)
			continue
		}
		for _, m := range checkExpr(t, dashboard+": variable "+v.Name, sel) {
			used[m] = true
		}
	}
	// Every series Kyozo exports is on the dashboard somewhere.
	for m, hist := range kyozoMetrics {
		if hist {
			m += "_bucket"
		}
		if !used[m] {
			t.Errorf("%s does not show %s", dashboard, m)
		}
	}
}

// walkExprs calls f with every "expr" string in the dashboard: panel
// targets (rows' collapsed panels included) and annotation queries.
func walkExprs(v any, where string, f func(where, expr string)) {
	switch v := v.(type) {
	case map[string]any:
		if title, ok := v["title"].(string); ok {
			where = title
		} else if name, ok := v["name"].(string); ok {
			where = name
		}
		for k, x := range v {
			if s, ok := x.(string); ok && k == "expr" {
				f(where, s)
				continue
			}
			walkExprs(x, where, f)
		}
	case []any:
		for _, x := range v {
			walkExprs(x, where, f)
		}
	}
}

// variableSelector returns the PromQL inside a Prometheus template
// variable query: label_values(SELECTOR, label) or query_result(EXPR).
func variableSelector(q string) (string, error) {
	if m := regexp.MustCompile(`^label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$`).FindStringSubmatch(q); m != nil {
		return m[1], nil
	}
	if m := regexp.MustCompile(`^query_result\((.+)\)$`).FindStringSubmatch(q); m != nil {
		return m[1], nil
	}
	return "", fmt.Errorf("query %q: only label_values(selector, label) and query_result(expr) are checked", q)
}

type templateVar struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Definition string `json:"definition"`
	Query      any    `json:"query"`
	Multi      bool   `json:"multi"`
	IncludeAll bool   `json:"includeAll"`
	AllValue   string `json:"allValue"`
}

// query is the variable's query, written as a string (old dashboards) or
// as an object with a "query" field.
func (v templateVar) query() string {
	switch q := v.Query.(type) {
	case string:
		return q
	case map[string]any:
		s, _ := q["query"].(string)
		return s
	}
	return ""
}

func templateVars(t *testing.T, d map[string]any) []templateVar {
	t.Helper()
	raw, _ := json.Marshal(d["templating"])
	var tv struct {
		List []templateVar `json:"list"`
	}
	if err := json.Unmarshal(raw, &tv); err != nil {
		t.Fatalf("%s templating: %v", dashboard, err)
	}
	return tv.List
}

type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	GridPos struct{ X, Y, W, H int } `json:"gridPos"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

// TestDashboardLayout checks what Grafana would only show as a broken or
// empty panel: ids, grid positions, data sources, variables, and that the
// app row follows $app while the overview does not.
func TestDashboardLayout(t *testing.T) {
	var d struct {
		UID    string  `json:"uid"`
		Title  string  `json:"title"`
		Panels []panel `json:"panels"`
	}
	data := readFile(t, dashboard)
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if d.UID == "" || d.Title == "" {
		t.Error("the dashboard needs a uid and a title")
	}
	var all []panel
	for _, p := range d.Panels {
		all = append(all, p)
		all = append(all, p.Panels...)
	}
	ids := map[int]bool{}
	var rows []panel
	for i, p := range all {
		if ids[p.ID] || p.ID == 0 {
			t.Errorf("panel %q: id %d is missing or taken", p.Title, p.ID)
		}
		ids[p.ID] = true
		g := p.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("panel %q: gridPos %+v outside the 24-column grid", p.Title, g)
		}
		for _, q := range all[:i] {
			h := q.GridPos
			if g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
				t.Errorf("panels %q and %q overlap", p.Title, q.Title)
			}
		}
		if p.Type == "row" {
			rows = append(rows, p)
			continue
		}
		if p.Datasource == nil || p.Datasource.Type != "prometheus" || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: datasource %+v, want the $datasource variable", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		refs := map[string]bool{}
		for _, q := range p.Targets {
			if q.RefID == "" || refs[q.RefID] {
				t.Errorf("panel %q: refId %q missing or repeated", p.Title, q.RefID)
			}
			refs[q.RefID] = true
		}
	}
	if len(rows) != 2 || !strings.Contains(rows[1].Title, "$app") {
		t.Fatalf("want two rows, the platform overview and one for $app, got %d", len(rows))
	}
	appRowY := rows[1].GridPos.Y
	for _, p := range all {
		if p.Type == "row" {
			continue
		}
		for _, q := range p.Targets {
			perApp := strings.Contains(q.Expr, `app="$app"`)
			if p.GridPos.Y > appRowY && !perApp {
				t.Errorf("panel %q is in the app row but does not filter on $app: %s", p.Title, q.Expr)
			}
			if p.GridPos.Y < appRowY && (perApp || strings.Contains(q.Expr, "$service")) {
				t.Errorf("panel %q is in the overview but filters on a variable: %s", p.Title, q.Expr)
			}
			if strings.Contains(q.Expr, "kyozo_service_") && p.GridPos.Y > appRowY && !strings.Contains(q.Expr, `service=~"$service"`) {
				t.Errorf("panel %q: a service series not filtered by $service: %s", p.Title, q.Expr)
			}
		}
	}

	var raw map[string]any
	json.Unmarshal(data, &raw)
	vars := map[string]templateVar{}
	for _, v := range templateVars(t, raw) {
		vars[v.Name] = v
	}
	if v := vars["datasource"]; v.Type != "datasource" || v.query() != "prometheus" {
		t.Errorf("variable datasource: %+v, want a prometheus data source variable", v)
	}
	if v := vars["app"]; v.query() != "label_values(kyozo_service_up, app)" {
		t.Errorf("variable app queries %q", v.query())
	}
	if v := vars["service"]; !strings.HasPrefix(v.query(), `label_values(kyozo_service_up{app="$app"}`) ||
		!v.IncludeAll || v.AllValue != ".*" {
		t.Errorf("variable service: %+v, want kyozo_service_up's services of $app, with All as .*", v)
	}
}

// ---------------------------------------------------------------- compose

type composeService struct {
	Build *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Image           string            `yaml:"image"`
	NetworkMode     string            `yaml:"network_mode"`
	Command         []string          `yaml:"command"`
	Environment     map[string]string `yaml:"environment"`
	Volumes         []string          `yaml:"volumes"`
	StopGracePeriod string            `yaml:"stop_grace_period"`
	Restart         string            `yaml:"restart"`
}

// TestComposeWiring checks what compose does not: that the services find
// each other where they listen, that every mounted file exists, and that
// Kyozo has time to stop cleanly.
func TestComposeWiring(t *testing.T) {
	var c struct {
		Services map[string]composeService `yaml:"services"`
		Volumes  map[string]any            `yaml:"volumes"`
	}
	readYAML(t, composeFile, &c)
	for _, name := range []string{"kyozo", "redis", "prometheus", "grafana"} {
		s, ok := c.Services[name]
		if !ok {
			t.Fatalf("no service %s", name)
		}
		if s.Restart == "" {
			t.Errorf("service %s has no restart policy", name)
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") {
				if _, err := os.Stat(src); err != nil {
					t.Errorf("service %s mounts %s, which is not in deploy/: %v", name, src, err)
				}
			} else if !strings.HasPrefix(src, "/") {
				if _, ok := c.Volumes[src]; !ok {
					t.Errorf("service %s uses volume %s, not declared", name, src)
				}
			}
		}
	}
	def := config.Default()

	k := c.Services["kyozo"]
	if k.Build == nil {
		t.Fatal("kyozo is not built from the repository")
	}
	if _, err := os.Stat(filepath.Join(k.Build.Context, k.Build.Dockerfile)); err != nil {
		t.Errorf("kyozo's Dockerfile: %v", err)
	}
	if _, err := os.Stat(filepath.Join(k.Build.Context, "cmd", "kyozo")); err != nil {
		t.Errorf("kyozo's build context is not the repository root: %v", err)
	}
	if !slices.Contains(k.Volumes, "/var/run/docker.sock:/var/run/docker.sock") {
		t.Errorf("kyozo does not mount the Docker socket: %q", k.Volumes)
	}
	if !hasMount(k.Volumes, "kyozo-data", k.Environment["KYOZO_DATA_DIR"]) {
		t.Errorf("kyozo's data dir %q is not on the kyozo-data volume: %q", k.Environment["KYOZO_DATA_DIR"], k.Volumes)
	}
	if g, err := time.ParseDuration(k.StopGracePeriod); err != nil || g <= time.Duration(def.ShutdownTimeout) {
		t.Errorf("kyozo's stop_grace_period %q must be longer than shutdown_timeout %v", k.StopGracePeriod, def.ShutdownTimeout)
	}

	// Redis: where Kyozo looks for it, and durable.
	r := c.Services["redis"]
	redisURL, err := url.Parse(k.Environment["KYOZO_REDIS_URL"])
	if err != nil || redisURL.Scheme != "redis" {
		t.Fatalf("KYOZO_REDIS_URL %q", k.Environment["KYOZO_REDIS_URL"])
	}
	if k.NetworkMode != "host" || r.NetworkMode != "host" {
		t.Errorf("kyozo reaches Redis at %s on the host's loopback: both need network_mode host", redisURL.Host)
	}
	if flag(r.Command, "--port") != redisURL.Port() || flag(r.Command, "--bind") != redisURL.Hostname() {
		t.Errorf("redis listens on %s:%s, Kyozo looks at %s", flag(r.Command, "--bind"), flag(r.Command, "--port"), redisURL.Host)
	}
	if flag(r.Command, "--appendonly") != "yes" {
		t.Error("redis runs without --appendonly yes: queued deploys are lost on a restart")
	}
	if flag(r.Command, "--maxmemory-policy") != "noeviction" {
		t.Error("redis may evict asynq's keys: want --maxmemory-policy noeviction")
	}
	if !hasMount(r.Volumes, "redis-data", "/data") {
		t.Errorf("redis keeps no volume at /data: %q", r.Volumes)
	}

	// Prometheus scrapes Kyozo where it listens and loads the rules.
	p := c.Services["prometheus"]
	httpAddr := k.Environment["KYOZO_HTTP_ADDR"]
	if httpAddr != def.HTTPAddr {
		t.Errorf("compose sets KYOZO_HTTP_ADDR %q, Kyozo's default and the systemd unit use %q", httpAddr, def.HTTPAddr)
	}
	if p.NetworkMode != "host" {
		t.Errorf("prometheus must share the host network to scrape %s", httpAddr)
	}
	if got := kyozoTargets(t); !slices.Equal(got, []string{httpAddr}) {
		t.Errorf("prometheus scrapes Kyozo at %q, Kyozo listens on %s", got, httpAddr)
	}
	promCfg := mountTarget(p.Volumes, "./"+promConfig)
	if promCfg == "" || flag(p.Command, "--config.file") != promCfg {
		t.Errorf("prometheus's --config.file %q is not the mounted %s (%q)", flag(p.Command, "--config.file"), promConfig, promCfg)
	}
	rulesDir := mountTarget(p.Volumes, "./prometheus/rules")
	var pc struct {
		RuleFiles []string `yaml:"rule_files"`
	}
	readYAML(t, promConfig, &pc)
	for _, rf := range pc.RuleFiles {
		if in := path.Join(path.Dir(promCfg), rf); rulesDir == "" || !strings.HasPrefix(in, rulesDir+"/") {
			t.Errorf("rule file %s is %s in the container, outside the mounted rules %q", rf, in, rulesDir)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(promConfig), rf)); err != nil {
			t.Errorf("rule file %s: %v", rf, err)
		}
	}

	// Grafana finds Prometheus and the dashboard.
	g := c.Services["grafana"]
	var ds struct {
		Datasources []struct {
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	readYAML(t, datasources, &ds)
	promURL, _ := url.Parse(ds.Datasources[0].URL)
	if ds.Datasources[0].Type != "prometheus" || promURL == nil || promURL.Host != flag(p.Command, "--web.listen-address") {
		t.Errorf("grafana's data source %+v is not prometheus at %s", ds.Datasources, flag(p.Command, "--web.listen-address"))
	}
	if g.NetworkMode != "host" {
		t.Error("grafana must share the host network to reach Prometheus on loopback")
	}
	var prov struct {
		Providers []struct {
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, dashProvider, &prov)
	dashDir := mountTarget(g.Volumes, "./grafana/dashboards")
	if len(prov.Providers) != 1 || prov.Providers[0].Type != "file" || prov.Providers[0].Options.Path != dashDir {
		t.Errorf("the dashboard provider %+v does not read the mounted dashboards at %q", prov.Providers, dashDir)
	}
	if mountTarget(g.Volumes, "./grafana/provisioning") != "/etc/grafana/provisioning" {
		t.Error("grafana's provisioning folder is not mounted at /etc/grafana/provisioning")
	}
	if home := g.Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]; home != path.Join(dashDir, filepath.Base(dashboard)) {
		t.Errorf("grafana's home dashboard %q is not the mounted %s", home, dashboard)
	}
}

// flag returns the value of a flag in an argv: "--f=v" or "--f", "v".
func flag(argv []string, name string) string {
	for i, a := range argv {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
		if a == name && i+1 < len(argv) {
			return argv[i+1]
		}
	}
	return ""
}

func hasMount(volumes []string, src, target string) bool {
	return target != "" && mountTarget(volumes, src) == target
}

// mountTarget returns where a compose volume entry mounts src.
func mountTarget(volumes []string, src string) string {
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[0] == src {
			return parts[1]
		}
	}
	return ""
}

// kyozoTargets returns the scrape targets of the kyozo job.
func kyozoTargets(t *testing.T) []string {
	var pc struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			MetricsPath   string `yaml:"metrics_path"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, promConfig, &pc)
	var out []string
	for _, sc := range pc.ScrapeConfigs {
		if sc.JobName != "kyozo" {
			continue
		}
		if sc.MetricsPath != "" && sc.MetricsPath != "/metrics" {
			t.Errorf("job kyozo scrapes %s, Kyozo serves /metrics", sc.MetricsPath)
		}
		for _, s := range sc.StaticConfigs {
			out = append(out, s.Targets...)
		}
	}
	return out
}

// ---------------------------------------------------------------- Dockerfile

// TestDockerfile parses deploy/Dockerfile with BuildKit's parser (the
// images it names cannot be pulled here, so it is not built) and checks
// the two stages: a static build of ./cmd/kyozo, and a runtime with git.
func TestDockerfile(t *testing.T) {
	res, err := parser.Parse(bytes.NewReader(readFile(t, dockerfile)))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Errorf("%s: %s", dockerfile, w.Short)
	}
	type stage struct {
		from  string
		lines []string // the stage's instructions, as written
		entry string
		user  string
	}
	var stages []*stage
	for _, n := range res.AST.Children {
		op := strings.ToLower(n.Value)
		if op == "from" {
			stages = append(stages, &stage{from: n.Next.Value})
			continue
		}
		if len(stages) == 0 {
			continue
		}
		s := stages[len(stages)-1]
		s.lines = append(s.lines, n.Original)
		switch op {
		case "entrypoint":
			s.entry = n.Next.Value
		case "user":
			s.user = n.Next.Value
		}
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want build and runtime", len(stages))
	}
	build, rt := stages[0], stages[1]
	if !strings.HasPrefix(build.from, "golang:") {
		t.Errorf("build stage FROM %s, want golang", build.from)
	}
	if !slices.ContainsFunc(build.lines, func(l string) bool {
		return strings.HasPrefix(l, "RUN") && strings.Contains(l, "CGO_ENABLED=0") && strings.Contains(l, "go build") && strings.Contains(l, "./cmd/kyozo")
	}) {
		t.Error("no RUN CGO_ENABLED=0 go build ... ./cmd/kyozo in the build stage")
	}
	if rt.from != "debian:bookworm-slim" {
		t.Errorf("runtime FROM %s, want debian:bookworm-slim", rt.from)
	}
	if !slices.ContainsFunc(rt.lines, func(l string) bool {
		return strings.HasPrefix(l, "RUN") && strings.Contains(l, "apt-get install") &&
			regexp.MustCompile(`\bgit\b`).MatchString(l) && strings.Contains(l, "ca-certificates")
	}) {
		t.Error("the runtime does not install git and ca-certificates (kyozo runs git receive-pack)")
	}
	if !strings.HasSuffix(rt.entry, "/kyozo") {
		t.Errorf("ENTRYPOINT %q is not kyozo", rt.entry)
	}
	if rt.user == "" || rt.user == "root" || rt.user == "0" {
		t.Errorf("the runtime runs as %q, want an unprivileged user", rt.user)
	}
	for _, f := range []string{"go.mod", "go.sum", "cmd/kyozo"} {
		if _, err := os.Stat(filepath.Join("..", f)); err != nil {
			t.Errorf("the build copies %s from the repository root: %v", f, err)
		}
	}
}

// ---------------------------------------------------------------- systemd

// TestSystemdUnit checks the keys kyozo.service must have.
func TestSystemdUnit(t *testing.T) {
	unit := parseUnit(t, readFile(t, unitFile))
	svc := unit["Service"]
	one := func(key string) string {
		if v := svc[key]; len(v) > 0 {
			return v[len(v)-1]
		}
		return ""
	}
	argv := strings.Fields(one("ExecStart"))
	if len(argv) != 2 || path.Base(argv[0]) != "kyozo" || !path.IsAbs(argv[0]) || argv[1] != "serve" {
		t.Errorf("ExecStart=%s, want /path/to/kyozo serve", one("ExecStart"))
	}
	if r := one("Restart"); r == "" || r == "no" {
		t.Errorf("Restart=%q: kyozo is not restarted when it fails", r)
	}
	def := config.Default()
	if d, err := systemdTimespan(one("TimeoutStopSec")); err != nil || d <= time.Duration(def.ShutdownTimeout) {
		t.Errorf("TimeoutStopSec=%s must be longer than shutdown_timeout %v (%v)", one("TimeoutStopSec"), def.ShutdownTimeout, err)
	}
	for key, want := range map[string]string{
		"User":                "kyozo",
		"StateDirectory":      "kyozo",
		"EnvironmentFile":     "-/etc/kyozo/kyozo.env",
		"KillMode":            "mixed",
		"NoNewPrivileges":     "yes",
		"ProtectSystem":       "strict",
		"ProtectHome":         "yes",
		"PrivateTmp":          "yes",
		"SupplementaryGroups": "docker",
		"ReadWritePaths":      "/var/lib/kyozo",
	} {
		if !slices.Contains(strings.Fields(strings.Join(svc[key], " ")), want) {
			t.Errorf("%s=%q, want %s", key, svc[key], want)
		}
	}
	env := map[string]string{}
	for _, e := range svc["Environment"] {
		for _, kv := range strings.Fields(e) {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	}
	if env["KYOZO_DATA_DIR"] != "/var/lib/kyozo" {
		t.Errorf("KYOZO_DATA_DIR=%q is not the StateDirectory /var/lib/kyozo", env["KYOZO_DATA_DIR"])
	}
	if u, err := url.Parse(env["KYOZO_REDIS_URL"]); err != nil || u.Scheme != "redis" || !net.ParseIP(u.Hostname()).IsLoopback() {
		t.Errorf("KYOZO_REDIS_URL=%q, want the local redis", env["KYOZO_REDIS_URL"])
	}
	if addr, ok := env["KYOZO_HTTP_ADDR"]; ok && !slices.Contains(kyozoTargets(t), addr) {
		t.Errorf("KYOZO_HTTP_ADDR=%s is not what Prometheus scrapes", addr)
	}
	if !slices.Contains(unit["Install"]["WantedBy"], "multi-user.target") {
		t.Error("not WantedBy=multi-user.target: systemctl enable would not start it at boot")
	}
}

// parseUnit reads a systemd unit: section → key → values, in order.
func parseUnit(t *testing.T, data []byte) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{}
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && line[len(line)-1] == ']':
			section = line[1 : len(line)-1]
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" || strings.HasSuffix(v, `\`) {
				t.Fatalf("%s:%d: cannot read %q", unitFile, i+1, line)
			}
			out[section][strings.TrimSpace(k)] = append(out[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return out
}

// systemdTimespan reads a systemd time span: "90", "90s", "1min 30s".
func systemdTimespan(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("not set")
	}
	if n, err := time.ParseDuration(s + "s"); err == nil {
		return n, nil
	}
	r := strings.NewReplacer(" ", "", "min", "m", "sec", "s", "hr", "h")
	return time.ParseDuration(r.Replace(s))
}

// ---------------------------------------------------------------- helpers

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	if err := yaml.Unmarshal(readFile(t, name), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
