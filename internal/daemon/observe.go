package daemon

import (
	"context"
	"log/slog"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kyozo/kyozo/internal/commands"
	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/metrics"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/store"
)

// sshCommands are the ssh command names counted by name in metrics: the
// server's own and the day-to-day ones.
func sshCommands() []string { return append(gitserver.BuiltinNames(), commands.Names()...) }

// newMetrics registers Kyozo's metrics on the default registry (so Go and
// process metrics come along), with the queue read at scrape time.
func newMetrics(inspector *asynq.Inspector, log *slog.Logger) (*metrics.Metrics, error) {
	m, err := metrics.New(prometheus.DefaultRegisterer, metrics.Options{SSHCommands: sshCommands()})
	if err != nil {
		return nil, err
	}
	if err := m.RegisterQueues(inspector, log); err != nil {
		return nil, err
	}
	return m, nil
}

// newSampler samples every service's containers in the background.
func newSampler(m *metrics.Metrics, st store.Apps, rt runtime.Runtime, failing func(id string) bool, log *slog.Logger) (*metrics.Sampler, error) {
	stats, _ := rt.(runtime.StatsReader)
	return m.NewSampler(metrics.SamplerConfig{
		Containers: rt,
		Stats:      stats,
		Desired: func(ctx context.Context) (map[string]map[string]int, error) {
			apps, err := st.AppsList(ctx)
			if err != nil {
				return nil, err
			}
			out := map[string]map[string]int{}
			for _, a := range apps {
				for name, r := range a.Running {
					if out[a.Name] == nil {
						out[a.Name] = map[string]int{}
					}
					n := r.Replicas
					if r.Stopped {
						n = 0
					}
					out[a.Name][name] = n
				}
			}
			return out, nil
		},
		Failing: failing,
		Logger:  log,
	})
}

// gitObserver feeds the SSH server's sessions and pushes to metrics.
type gitObserver struct{ m *metrics.Metrics }

func (g gitObserver) Session(command string, exit int, refused bool) {
	result := metrics.SSHOK
	switch {
	case refused:
		result = metrics.SSHRefused
	case exit == 2:
		result = metrics.SSHUsage
	case exit != 0:
		result = metrics.SSHFailed
	}
	if command == "" {
		command = "none"
	}
	g.m.SSHSession(command, result)
}

func (g gitObserver) Pushed(app string, bytes int64) { g.m.GitPush(app, bytes) }
