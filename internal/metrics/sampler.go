package metrics

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/topology"
)

// DesiredFunc returns what should run: app → service → replicas. The
// daemon builds it from the store's active releases.
type DesiredFunc func(ctx context.Context) (map[string]map[string]int, error)

// ContainerLister is the part of runtime.Runtime the sampler reads.
type ContainerLister interface {
	List(ctx context.Context, labels map[string]string) ([]runtime.Container, error)
}

// SamplerConfig says what a Sampler reads and how often.
type SamplerConfig struct {
	Desired    DesiredFunc     // nil: nothing is desired, only what runs is reported
	Containers ContainerLister // required
	// Stats reads CPU, memory and network; nil leaves those series out
	// (a runtime without runtime.StatsReader).
	Stats runtime.StatsReader
	// Interval between samples; 10 s when zero.
	Interval time.Duration
	// Timeout bounds each read: the desired state, the container list and
	// each container's stats; 5 s when zero.
	Timeout time.Duration
	// Concurrency is how many containers' stats are read at once; 2 when
	// zero, so sampling never crowds out a deploy talking to the engine.
	Concurrency int
	// Failing reports whether Kyozo's own health checks of a container are
	// failing now (the health monitor); such a replica is not counted
	// healthy. nil: only the image's HEALTHCHECK counts.
	Failing func(containerID string) bool
	Logger  *slog.Logger // nil: slog.Default()
}

// Sampler samples every service's containers in the background and serves
// the last sample as a prometheus.Collector: a scrape reads an atomically
// swapped snapshot and never waits on Docker. Counters are kept per
// container and summed per service, so a replica replaced by a deploy does
// not make a service's counter go back. A nil *Sampler does nothing.
type Sampler struct {
	cfg SamplerConfig
	log *slog.Logger

	snap atomic.Pointer[snapshot]

	mu      sync.Mutex // one sweep at a time; guards what follows
	last    map[string]containerLast
	totals  map[svcKey]*svcTotals
	desired map[string]map[string]int // the last desired state read
	errs    float64                   // reads that failed, ever
	// what the last good container list gave, republished when the next
	// list fails rather than reporting every service down
	lastSvcs []svcSample
	failing  map[string]bool // reads whose failure has been logged

	runMu  sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

type svcKey struct{ app, service string }

// containerLast is what the previous sample read of one container.
type containerLast struct {
	started  time.Time
	restarts int
	stats    runtime.Stats
	hasStats bool
}

// svcTotals are a service's counters, accumulated from its containers'
// deltas.
type svcTotals struct {
	restarts, cpu, rx, tx float64
}

// svcSample is one service as the last sweep saw it.
type svcSample struct {
	key                       svcKey
	desired, running, healthy int
	memory                    uint64
	restarts, cpu, rx, tx     float64
}

// snapshot is what Collect serves.
type snapshot struct {
	metrics []prometheus.Metric
}

var (
	svcLabels       = []string{"app", "service"}
	svcUpDesc       = prometheus.NewDesc("kyozo_service_up", "1 when at least one replica of the service is running, else 0.", svcLabels, nil)
	svcHealthyDesc  = prometheus.NewDesc("kyozo_service_healthy_replicas", "Running replicas whose container health is not failing (healthy, or no image HEALTHCHECK; not unhealthy or starting).", svcLabels, nil)
	svcDesiredDesc  = prometheus.NewDesc("kyozo_service_replicas_desired", "Replicas the service's active release asks for (0 for containers of a service no release wants).", svcLabels, nil)
	svcRunningDesc  = prometheus.NewDesc("kyozo_service_replicas_running", "Containers of the service that are running, old and new release alike during a rollout.", svcLabels, nil)
	svcRestartsDesc = prometheus.NewDesc("kyozo_service_restarts_total", "Restarts of the service's containers by the engine (crashes under the restart policy).", svcLabels, nil)
	svcCPUDesc      = prometheus.NewDesc("kyozo_service_cpu_seconds_total", "CPU time used by the service's containers.", svcLabels, nil)
	svcMemoryDesc   = prometheus.NewDesc("kyozo_service_memory_bytes", "Memory the service's running containers use, less reclaimable page cache (the working set docker stats shows).", svcLabels, nil)
	svcRxDesc       = prometheus.NewDesc("kyozo_service_network_receive_bytes_total", "Bytes the service's containers received over their networks.", svcLabels, nil)
	svcTxDesc       = prometheus.NewDesc("kyozo_service_network_transmit_bytes_total", "Bytes the service's containers sent over their networks.", svcLabels, nil)

	sampleErrorsDesc   = prometheus.NewDesc("kyozo_service_sample_errors_total", "Reads of the desired state, the container list or a container's stats that failed while sampling services.", nil, nil)
	sampleDurationDesc = prometheus.NewDesc("kyozo_service_sample_duration_seconds", "How long the last sample of every service took.", nil, nil)
	sampleTimeDesc     = prometheus.NewDesc("kyozo_service_sample_timestamp_seconds", "Unix time the last sample of every service ended; the kyozo_service_* series are this old.", nil, nil)
)

var serviceFilter = map[string]string{runtime.LabelKind: "service", runtime.LabelManaged: "true"}

// NewSampler makes a Sampler and registers it on m's registry; a nil m
// gives a nil Sampler, whose Start and Stop do nothing.
func (m *Metrics) NewSampler(cfg SamplerConfig) (*Sampler, error) {
	if m == nil {
		return nil, nil
	}
	if cfg.Containers == nil {
		return nil, errors.New("metrics: sampler needs a container lister")
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 2
	}
	s := &Sampler{
		cfg:     cfg,
		log:     cmp.Or(cfg.Logger, slog.Default()),
		last:    map[string]containerLast{},
		totals:  map[svcKey]*svcTotals{},
		failing: map[string]bool{},
	}
	if err := m.reg.Register(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Start samples at once and then every interval until ctx ends or Stop is
// called. A Sampler runs once: calling Start again does nothing.
func (s *Sampler) Start(ctx context.Context) {
	if s == nil {
		return
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.cancel != nil {
		return
	}
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.cfg.Interval)
		defer t.Stop()
		for {
			s.Sample(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop ends sampling and waits for a sample in progress to give up. The
// last snapshot is still served.
func (s *Sampler) Stop() {
	if s == nil {
		return
	}
	s.runMu.Lock()
	cancel, done := s.cancel, s.done
	s.runMu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Sample reads every service once and publishes the result; Start calls
// it on every tick. It returns the first error of the sweep, which has
// been counted and logged already: a failed read never blocks the rest.
func (s *Sampler) Sample(ctx context.Context) error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	begin := time.Now()
	var first error
	fail := func(err error) {
		s.errs++
		if first == nil {
			first = err
		}
	}

	if s.cfg.Desired != nil {
		dctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		d, err := s.cfg.Desired(dctx)
		cancel()
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err() // stopping: nothing to count or publish
		case err != nil:
			// The last known desired state is a better guess than none.
			fail(err)
		default:
			s.desired = d
		}
		s.report("read desired replicas", err)
	}

	lctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	cs, err := s.cfg.Containers.List(lctx, serviceFilter)
	cancel()
	s.report("list service containers", err)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fail(err)
		s.publish(s.lastSvcs, begin)
		return first
	}

	// Only containers Kyozo labelled with valid names count; anything else
	// would be a label value nobody bounded.
	valid := make([]runtime.Container, 0, len(cs))
	for _, c := range cs {
		if topology.ValidName(c.Labels[runtime.LabelApp]) && topology.ValidName(c.Labels[runtime.LabelService]) {
			valid = append(valid, c)
		}
	}
	cs = valid
	stats, statErrs := s.readStats(ctx, cs)
	if ctx.Err() != nil {
		// Stopping mid-sweep: the reads that were cut short are no news,
		// and the last snapshot stands.
		return ctx.Err()
	}
	for _, err := range statErrs {
		fail(err)
	}
	s.report("read container stats", errors.Join(statErrs...))

	svcs := s.accumulate(cs, stats)
	s.lastSvcs = svcs
	s.publish(svcs, begin)
	return first
}

// report logs a kind of read when it starts failing and when it works
// again, not on every sample: an engine that is down for an hour would
// otherwise log every 10 s.
func (s *Sampler) report(what string, err error) {
	switch {
	case err != nil && !s.failing[what]:
		s.failing[what] = true
		s.log.Warn("metrics: sampler cannot "+what, "err", err)
	case err == nil && s.failing[what]:
		delete(s.failing, what)
		s.log.Info("metrics: sampler can " + what + " again")
	}
}

// statResult is one container's stats read; ok is false when it was not
// read (not running, or the read failed).
type statResult struct {
	stats runtime.Stats
	ok    bool
}

// readStats reads the stats of every running container, Concurrency at a
// time, each under Timeout. A container removed since the list is not an
// error.
func (s *Sampler) readStats(ctx context.Context, cs []runtime.Container) ([]statResult, []error) {
	out := make([]statResult, len(cs))
	if s.cfg.Stats == nil {
		return out, nil
	}
	jobs := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range min(s.cfg.Concurrency, len(cs)) {
		wg.Go(func() {
			for i := range jobs {
				sctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
				st, err := s.cfg.Stats.Stats(sctx, cs[i].ID)
				cancel()
				switch {
				case err == nil:
					out[i] = statResult{stats: st, ok: true}
				case errors.Is(err, runtime.ErrNotFound):
				default:
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i, c := range cs {
		if !running(c) {
			continue
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	return out, errs
}

// running is a container that runs its process now: not restarting in a
// crash loop, not paused.
func running(c runtime.Container) bool {
	return c.Running && (c.State == "" || c.State == "running")
}

// healthy is a running container whose image health check (if it has one)
// passes.
func healthy(c runtime.Container) bool {
	return running(c) && c.Health != "unhealthy" && c.Health != "starting"
}

// accumulate adds each container's deltas since the last sample to its
// service's counters and returns every service that is wanted or has
// containers, sorted.
func (s *Sampler) accumulate(cs []runtime.Container, stats []statResult) []svcSample {
	byKey := map[svcKey]*svcSample{}
	get := func(k svcKey) *svcSample {
		v := byKey[k]
		if v == nil {
			v = &svcSample{key: k}
			byKey[k] = v
		}
		return v
	}
	for app, svcs := range s.desired {
		if !topology.ValidName(app) {
			continue
		}
		for svc, n := range svcs {
			if topology.ValidName(svc) {
				get(svcKey{app, svc}).desired = n
			}
		}
	}

	next := make(map[string]containerLast, len(cs))
	for i, c := range cs {
		k := svcKey{c.Labels[runtime.LabelApp], c.Labels[runtime.LabelService]}
		svc := get(k)
		tot := s.totals[k]
		if tot == nil {
			tot = &svcTotals{}
			s.totals[k] = tot
		}
		prev, seen := s.last[c.ID]
		// A restart (a new start time) resets the engine's counters; a
		// container first seen counts everything it has done so far, as
		// it would after Kyozo itself restarted.
		fresh := !seen || !c.StartedAt.Equal(prev.started)
		cur := containerLast{started: c.StartedAt, restarts: c.Restarts}

		if d := c.Restarts - prev.restarts; !seen || d < 0 {
			tot.restarts += float64(c.Restarts)
		} else {
			tot.restarts += float64(d)
		}

		switch {
		case stats[i].ok:
			st := stats[i].stats
			cur.stats, cur.hasStats = st, true
			if fresh || !prev.hasStats {
				tot.cpu += st.CPUSeconds
				tot.rx += float64(st.RxBytes)
				tot.tx += float64(st.TxBytes)
			} else {
				tot.cpu += delta(st.CPUSeconds, prev.stats.CPUSeconds)
				tot.rx += delta(float64(st.RxBytes), float64(prev.stats.RxBytes))
				tot.tx += delta(float64(st.TxBytes), float64(prev.stats.TxBytes))
			}
			svc.memory += st.MemoryBytes
		case seen && !fresh && prev.hasStats:
			// Not read this time (a timeout, or stopped): keep the last
			// reading as the base for the next delta.
			cur.stats, cur.hasStats = prev.stats, true
			if running(c) {
				svc.memory += prev.stats.MemoryBytes
			}
		}
		next[c.ID] = cur

		if running(c) {
			svc.running++
		}
		if healthy(c) && (s.cfg.Failing == nil || !s.cfg.Failing(c.ID)) {
			svc.healthy++
		}
	}
	s.last = next

	out := make([]svcSample, 0, len(byKey))
	for k, v := range byKey {
		if tot := s.totals[k]; tot != nil {
			v.restarts, v.cpu, v.rx, v.tx = tot.restarts, tot.cpu, tot.rx, tot.tx
		}
		out = append(out, *v)
	}
	// A service nobody wants and nothing runs is forgotten; should it come
	// back, its counters start again from zero, which rate() reads as a reset.
	for k := range s.totals {
		if byKey[k] == nil {
			delete(s.totals, k)
		}
	}
	slices.SortFunc(out, func(a, b svcSample) int {
		return cmp.Or(cmp.Compare(a.key.app, b.key.app), cmp.Compare(a.key.service, b.key.service))
	})
	return out
}

// delta is how much a cumulative reading grew; a smaller reading means the
// counter was reset, and all of it is new.
func delta(cur, prev float64) float64 {
	if cur < prev {
		return cur
	}
	return cur - prev
}

// publish turns a sweep into the metrics Collect serves and swaps them in.
func (s *Sampler) publish(svcs []svcSample, begin time.Time) {
	per := 5 // up, healthy, desired, running, restarts
	if s.cfg.Stats != nil {
		per += 4 // cpu, memory, rx, tx
	}
	ms := make([]prometheus.Metric, 0, len(svcs)*per+3)
	gauge := func(d *prometheus.Desc, v float64, k svcKey) {
		ms = append(ms, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, k.app, k.service))
	}
	counter := func(d *prometheus.Desc, v float64, k svcKey) {
		ms = append(ms, prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, k.app, k.service))
	}
	for _, v := range svcs {
		up := 0.0
		if v.running > 0 {
			up = 1
		}
		gauge(svcUpDesc, up, v.key)
		gauge(svcHealthyDesc, float64(v.healthy), v.key)
		gauge(svcDesiredDesc, float64(v.desired), v.key)
		gauge(svcRunningDesc, float64(v.running), v.key)
		counter(svcRestartsDesc, v.restarts, v.key)
		if s.cfg.Stats != nil {
			counter(svcCPUDesc, v.cpu, v.key)
			gauge(svcMemoryDesc, float64(v.memory), v.key)
			counter(svcRxDesc, v.rx, v.key)
			counter(svcTxDesc, v.tx, v.key)
		}
	}
	end := time.Now()
	ms = append(ms,
		prometheus.MustNewConstMetric(sampleErrorsDesc, prometheus.CounterValue, s.errs),
		prometheus.MustNewConstMetric(sampleDurationDesc, prometheus.GaugeValue, end.Sub(begin).Seconds()),
		prometheus.MustNewConstMetric(sampleTimeDesc, prometheus.GaugeValue, float64(end.UnixNano())/1e9),
	)
	s.snap.Store(&snapshot{metrics: ms})
}

// Describe implements prometheus.Collector.
func (s *Sampler) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		svcUpDesc, svcHealthyDesc, svcDesiredDesc, svcRunningDesc, svcRestartsDesc,
		svcCPUDesc, svcMemoryDesc, svcRxDesc, svcTxDesc,
		sampleErrorsDesc, sampleDurationDesc, sampleTimeDesc,
	} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: it serves the last snapshot,
// nothing before the first sample.
func (s *Sampler) Collect(ch chan<- prometheus.Metric) {
	snap := s.snap.Load()
	if snap == nil {
		return
	}
	for _, m := range snap.metrics {
		ch <- m
	}
}
