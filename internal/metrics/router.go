package metrics

import (
	"maps"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kyozo/kyozo/internal/router"
)

var _ router.Observer = (*Metrics)(nil)

// codeClasses are the values of the router's code label, by status/100-1.
var codeClasses = [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

type routeKey struct{ app, service string }

// routeSeries are one service's router series, looked up once.
type routeSeries struct {
	codes    [len(codeClasses)]prometheus.Counter
	duration prometheus.Observer
	inFlight prometheus.Gauge
}

// Observer is m as the router's Observer, or nil for a nil m, so the
// router skips even reading the clock when metrics are off:
//
//	router.New(router.Options{Observer: m.Observer()})
func (m *Metrics) Observer() router.Observer {
	if m == nil {
		return nil
	}
	return m
}

// Request counts a request the router answered. An empty app is a host no
// app serves; it is counted under app and service "unknown".
func (m *Metrics) Request(app, service string, status int, d time.Duration) {
	if m == nil {
		return
	}
	rs := m.route(app, service)
	rs.codes[codeClass(status)].Inc()
	rs.duration.Observe(d.Seconds())
}

// InFlight moves the count of requests in flight to a service.
func (m *Metrics) InFlight(app, service string, delta int) {
	if m == nil {
		return
	}
	m.route(app, service).inFlight.Add(float64(delta))
}

// codeClass is the index in codeClasses of an HTTP status: 499 (the client
// went away) is a 4xx like any other; a status outside 100–599, which only
// a broken app sends, counts as 5xx.
func codeClass(status int) int {
	if status < 100 || status > 599 {
		return 4
	}
	return status/100 - 1
}

func (m *Metrics) route(app, service string) *routeSeries {
	if app == "" {
		service = ""
	}
	if rs := (*m.routes.Load())[routeKey{app, service}]; rs != nil {
		return rs
	}
	return m.addRoute(app, service)
}

// addRoute makes a service's router series, every code class at zero, and
// publishes a new map with them. It runs once per service and once for
// unknown hosts (cached under an empty app). A name that breaks the naming
// rule is cached under "unknown" only, so the cache stays as bounded as
// the labels; the router never sends one.
func (m *Metrics) addRoute(app, service string) *routeSeries {
	la, ls := label(app), label(service)
	key := routeKey{app, service}
	if app != "" && (la != app || ls != service) {
		key = routeKey{la, ls}
	}
	m.routesMu.Lock()
	defer m.routesMu.Unlock()
	old := *m.routes.Load()
	if rs := old[key]; rs != nil {
		return rs
	}
	rs := &routeSeries{
		duration: m.requestSecs.WithLabelValues(la, ls),
		inFlight: m.inFlight.WithLabelValues(la, ls),
	}
	for i, c := range codeClasses {
		rs.codes[i] = m.requests.WithLabelValues(la, ls, c)
	}
	next := make(map[routeKey]*routeSeries, len(old)+1)
	maps.Copy(next, old)
	next[key] = rs
	m.routes.Store(&next)
	return rs
}
