package metrics

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kyozo/kyozo/internal/topology"
)

const namespace = "kyozo"

// Fallback label values. Other is an enum value the caller passed that is
// not in the set (an ssh command Kyozo does not have, a result no code path
// should produce); Unknown stands for an app or service that is not known
// (a request for a host no app serves) or whose name breaks the naming rule.
const (
	Other   = "other"
	Unknown = "unknown"
)

// DeployResult is how a deploy ended.
type DeployResult string

const (
	DeploySucceeded  DeployResult = "succeeded"
	DeployFailed     DeployResult = "failed"
	DeploySuperseded DeployResult = "superseded" // a newer push replaced it while it waited
	DeployCancelled  DeployResult = "cancelled"  // the pusher went away, or Kyozo stopped
)

// Stage is a timed part of a deploy; StageTotal is the whole of it.
type Stage string

const (
	StageDetect  Stage = "detect"
	StageBuild   Stage = "build"
	StageRollout Stage = "rollout"
	StageTotal   Stage = "total"
)

// BuildResult is how one service's image came to be (or not).
type BuildResult string

const (
	BuildBuilt  BuildResult = "built"
	BuildReused BuildResult = "reused" // nothing it depends on changed: the last image is kept
	BuildFailed BuildResult = "failed"
)

// SSHResult is how an ssh session ended.
type SSHResult string

const (
	SSHOK      SSHResult = "ok"
	SSHFailed  SSHResult = "failed"
	SSHUsage   SSHResult = "usage"   // a usage error: unknown command, bad arguments
	SSHRefused SSHResult = "refused" // not allowed: an admin command from a non-admin key, say
)

var (
	deployResults = []string{string(DeploySucceeded), string(DeployFailed), string(DeploySuperseded), string(DeployCancelled)}
	stages        = []string{string(StageDetect), string(StageBuild), string(StageRollout), string(StageTotal)}
	buildResults  = []string{string(BuildBuilt), string(BuildReused), string(BuildFailed)}
	sshResults    = []string{string(SSHOK), string(SSHFailed), string(SSHUsage), string(SSHRefused)}
	healthResults = []string{"ok", "failed"}
)

// Buckets, in seconds.
var (
	// A stage takes from a cached detect (tens of ms) to a cold build that
	// meets build_timeout (20 min by default).
	stageBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800}
	// A build that runs at all takes a second or more.
	buildBuckets = []float64{0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800}
	// A proxied request: 1 ms to 10 s; slower ones land in +Inf.
	requestBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	// A health probe gives up after health.Timeout (2 s).
	healthBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}
)

// Options configure New.
type Options struct {
	// SSHCommands are the ssh command names counted by name (the git
	// server's command table); any other name is counted as "other", so a
	// client typing garbage cannot add series.
	SSHCommands []string
}

// Metrics are Kyozo's platform, router and health-check collectors. A nil
// *Metrics is valid and records nothing. All methods are safe for
// concurrent use.
type Metrics struct {
	reg prometheus.Registerer

	deploys      *prometheus.CounterVec
	stageSeconds *prometheus.HistogramVec
	builds       *prometheus.CounterVec
	buildSeconds *prometheus.HistogramVec
	rollbacks    *prometheus.CounterVec
	sshSessions  *prometheus.CounterVec
	pushBytes    *prometheus.CounterVec
	healthChecks *prometheus.CounterVec
	healthSecs   *prometheus.HistogramVec
	requests     *prometheus.CounterVec
	requestSecs  *prometheus.HistogramVec
	inFlight     *prometheus.GaugeVec

	sshCommands map[string]bool
	stageObs    map[Stage]prometheus.Observer

	// apps holds the apps whose per-app series exist, so the first deploy
	// of an app starts its counters at zero for every result and rate()
	// sees the first failure.
	apps sync.Map // string → struct{}

	// routes caches the router's series per (app, service): the router
	// calls on every request, and a copy-on-write map read through an
	// atomic pointer costs no lock and no allocation there.
	routes   atomic.Pointer[map[routeKey]*routeSeries]
	routesMu sync.Mutex
}

// New makes Kyozo's collectors and registers them on reg (kyozo serve
// passes prometheus.DefaultRegisterer, so the Go and process collectors
// are served beside them; tests pass their own registry).
func New(reg prometheus.Registerer, opts Options) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("metrics: nil registerer")
	}
	m := &Metrics{
		reg: reg,
		deploys: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "deploys_total",
			Help: "Deploys that ended, by app and result (succeeded, failed, superseded, cancelled).",
		}, []string{"app", "result"}),
		stageSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "deploy_stage_duration_seconds",
			Help:    "Time a deploy spent in each stage (detect, build, rollout) and in all of them (total).",
			Buckets: stageBuckets,
		}, []string{"stage"}),
		builds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "builds_total",
			Help: "Service images a deploy needed, by app and result: built, reused (nothing changed) or failed.",
		}, []string{"app", "result"}),
		buildSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "build_duration_seconds",
			Help:    "Time an image build took, successful or failed; reused images are not builds.",
			Buckets: buildBuckets,
		}, []string{"app"}),
		rollbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "rollbacks_total",
			Help: "Rollbacks to an earlier release, by app.",
		}, []string{"app"}),
		sshSessions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "ssh_sessions_total",
			Help: "SSH sessions by command (other for a name Kyozo does not know) and result (ok, failed, usage, refused).",
		}, []string{"command", "result"}),
		pushBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "git_push_bytes_total",
			Help: "Bytes received from git pushes, by app.",
		}, []string{"app"}),
		healthChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "health_checks_total",
			Help: "Health probes of a service's instances, by result (ok, failed).",
		}, []string{"app", "service", "result"}),
		healthSecs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "health_check_duration_seconds",
			Help:    "Time a health probe of a service's instance took, passing or not.",
			Buckets: healthBuckets,
		}, []string{"app", "service"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "router_requests_total",
			Help: "Requests the router answered, by app, service and status class (1xx to 5xx; a client that left early is 4xx). app and service are \"unknown\" for a host no app serves.",
		}, []string{"app", "service", "code"}),
		requestSecs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "router_request_duration_seconds",
			Help:    "Time from a request's arrival at the router to the end of its answer, by app and service.",
			Buckets: requestBuckets,
		}, []string{"app", "service"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "router_requests_in_flight",
			Help: "Requests the router is proxying to a service right now.",
		}, []string{"app", "service"}),
		sshCommands: map[string]bool{},
		stageObs:    map[Stage]prometheus.Observer{},
	}
	for _, c := range opts.SSHCommands {
		m.sshCommands[c] = true
	}
	empty := map[routeKey]*routeSeries{}
	m.routes.Store(&empty)

	collectors := []prometheus.Collector{
		m.deploys, m.stageSeconds, m.builds, m.buildSeconds, m.rollbacks, m.sshSessions,
		m.pushBytes, m.healthChecks, m.healthSecs, m.requests, m.requestSecs, m.inFlight,
	}
	for i, c := range collectors {
		if err := reg.Register(c); err != nil {
			// Leave the registry as it was, so a caller may try again.
			for _, done := range collectors[:i] {
				reg.Unregister(done)
			}
			return nil, fmt.Errorf("metrics: register: %w", err)
		}
	}
	// Series over fixed sets exist from the start, at zero.
	for _, s := range stages {
		m.stageObs[Stage(s)] = m.stageSeconds.WithLabelValues(s)
	}
	for c := range m.sshCommands {
		for _, r := range sshResults {
			m.sshSessions.WithLabelValues(c, r)
		}
	}
	return m, nil
}

// Register adds another collector to the registry the metrics were made
// with; a nil *Metrics ignores it.
func (m *Metrics) Register(c prometheus.Collector) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(c)
}

// Deploy counts a deploy of app that ended with result.
func (m *Metrics) Deploy(app string, result DeployResult) {
	if m == nil {
		return
	}
	app = m.app(app)
	m.deploys.WithLabelValues(app, enum(string(result), deployResults)).Inc()
}

// DeployStage records how long a deploy spent in stage.
func (m *Metrics) DeployStage(stage Stage, d time.Duration) {
	if m == nil {
		return
	}
	obs := m.stageObs[stage]
	if obs == nil {
		obs = m.stageSeconds.WithLabelValues(Other)
	}
	obs.Observe(d.Seconds())
}

// Build counts one service image of app and, for a build that ran (built
// or failed), records how long it took; a reused image took no build.
func (m *Metrics) Build(app string, result BuildResult, d time.Duration) {
	if m == nil {
		return
	}
	app = m.app(app)
	r := enum(string(result), buildResults)
	m.builds.WithLabelValues(app, r).Inc()
	if result != BuildReused {
		m.buildSeconds.WithLabelValues(app).Observe(d.Seconds())
	}
}

// Rollback counts a rollback of app to an earlier release.
func (m *Metrics) Rollback(app string) {
	if m == nil {
		return
	}
	m.rollbacks.WithLabelValues(m.app(app)).Inc()
}

// GitPush counts n bytes received by a push to app.
func (m *Metrics) GitPush(app string, n int64) {
	if m == nil || n < 0 {
		return
	}
	m.pushBytes.WithLabelValues(m.app(app)).Add(float64(n))
}

// SSHSession counts an ssh session that ran command and ended with result.
// A command not among Options.SSHCommands counts as "other".
func (m *Metrics) SSHSession(command string, result SSHResult) {
	if m == nil {
		return
	}
	if !m.sshCommands[command] {
		command = Other
	}
	m.sshSessions.WithLabelValues(command, enum(string(result), sshResults)).Inc()
}

// HealthCheck records one health probe of an instance of app's service.
func (m *Metrics) HealthCheck(app, service string, ok bool, d time.Duration) {
	if m == nil {
		return
	}
	app, service = label(app), label(service)
	r := healthResults[1]
	if ok {
		r = healthResults[0]
	}
	m.healthChecks.WithLabelValues(app, service, r).Inc()
	m.healthSecs.WithLabelValues(app, service).Observe(d.Seconds())
}

// ForgetApp drops every series of app, for an app that has been destroyed:
// without it a deleted app's counters would be served until Kyozo restarts.
// The sampler forgets services by itself once nothing wants or runs them.
func (m *Metrics) ForgetApp(app string) {
	if m == nil {
		return
	}
	app = label(app)
	m.routesMu.Lock()
	old := *m.routes.Load()
	next := make(map[routeKey]*routeSeries, len(old))
	for k, v := range old {
		if label(k.app) != app { // unknown hosts are cached under "" but labelled "unknown"
			next[k] = v
		}
	}
	m.routes.Store(&next)
	m.routesMu.Unlock()

	m.apps.Delete(app)
	match := prometheus.Labels{"app": app}
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{m.deploys, m.builds, m.buildSeconds, m.rollbacks, m.pushBytes, m.healthChecks, m.healthSecs, m.requests, m.requestSecs, m.inFlight} {
		v.DeletePartialMatch(match)
	}
}

// app is the label for an app, creating its per-app series at zero the
// first time it is seen.
func (m *Metrics) app(app string) string {
	app = label(app)
	if _, seen := m.apps.Load(app); seen {
		return app
	}
	if _, seen := m.apps.LoadOrStore(app, struct{}{}); !seen {
		for _, r := range deployResults {
			m.deploys.WithLabelValues(app, r)
		}
		for _, r := range buildResults {
			m.builds.WithLabelValues(app, r)
		}
		m.rollbacks.WithLabelValues(app)
		m.pushBytes.WithLabelValues(app)
	}
	return app
}

// enum is v when it is one of set, else "other".
func enum(v string, set []string) string {
	for _, s := range set {
		if v == s {
			return v
		}
	}
	return Other
}

// label is an app or service name as a label value: the name when it
// follows Kyozo's naming rule (^[a-z][a-z0-9-]{0,62}$), else "unknown", so
// whatever reaches a label is bounded by the apps and services that exist.
func label(name string) string {
	if topology.ValidName(name) {
		return name
	}
	return Unknown
}
