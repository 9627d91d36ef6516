package metrics

import (
	"log/slog"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// QueueInspector is the part of *asynq.Inspector the queue collector reads.
type QueueInspector interface {
	Queues() ([]string, error)
	GetQueueInfo(queue string) (*asynq.QueueInfo, error)
}

var _ QueueInspector = (*asynq.Inspector)(nil)

// queueStates are the values of kyozo_queue_tasks' state label, in the
// order QueueInfo's counts are read.
var queueStates = []string{"pending", "active", "scheduled", "retry", "archived", "completed"}

var (
	queueTasksDesc = prometheus.NewDesc("kyozo_queue_tasks",
		"Tasks in each asynq queue by state (pending, active, scheduled, retry, archived, completed), read from Redis at scrape time.",
		[]string{"queue", "state"}, nil)
	queueUpDesc = prometheus.NewDesc("kyozo_queue_inspector_up",
		"1 when the last scrape could read every asynq queue from Redis, 0 when it could not (kyozo_queue_tasks is then missing or partial).",
		nil, nil)
)

// QueueCollector serves asynq's queue sizes as they are when Prometheus
// scrapes: the counts live in Redis, and reading them then is cheaper and
// fresher than polling. Redis being down does not fail the scrape (the
// other series still matter most then); kyozo_queue_inspector_up says so.
type QueueCollector struct {
	insp QueueInspector
	log  *slog.Logger
}

// NewQueueCollector reads queues through insp (asynq.NewInspectorFromRedisClient
// over Kyozo's Redis client). A nil logger is slog.Default().
func NewQueueCollector(insp QueueInspector, log *slog.Logger) *QueueCollector {
	if log == nil {
		log = slog.Default()
	}
	return &QueueCollector{insp: insp, log: log}
}

// RegisterQueues registers a QueueCollector over insp; a nil *Metrics
// ignores it.
func (m *Metrics) RegisterQueues(insp QueueInspector, log *slog.Logger) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(NewQueueCollector(insp, log))
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueTasksDesc
	ch <- queueUpDesc
}

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	up := 1.0
	queues, err := c.insp.Queues()
	if err != nil {
		c.log.Warn("metrics: list asynq queues", "err", err)
		up = 0
	}
	for _, q := range queues {
		info, err := c.insp.GetQueueInfo(q)
		if err != nil || info == nil {
			c.log.Warn("metrics: read asynq queue", "queue", q, "err", err)
			up = 0
			continue
		}
		counts := [...]int{info.Pending, info.Active, info.Scheduled, info.Retry, info.Archived, info.Completed}
		for i, state := range queueStates {
			ch <- prometheus.MustNewConstMetric(queueTasksDesc, prometheus.GaugeValue, float64(counts[i]), q, state)
		}
	}
	ch <- prometheus.MustNewConstMetric(queueUpDesc, prometheus.GaugeValue, up)
}
