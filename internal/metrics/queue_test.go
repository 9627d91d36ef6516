package metrics

import (
	"context"
	"errors"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

// fakeInspector has queues whose pending count is given; broken queues
// fail to read.
type fakeInspector struct {
	queues    map[string]int
	broken    map[string]bool
	queuesErr error
}

func (f *fakeInspector) Queues() ([]string, error) {
	if f.queuesErr != nil {
		return nil, f.queuesErr
	}
	var out []string
	for q := range f.queues {
		out = append(out, q)
	}
	slices.Sort(out)
	return out, nil
}

func (f *fakeInspector) GetQueueInfo(q string) (*asynq.QueueInfo, error) {
	if f.broken[q] {
		return nil, errors.New("read " + q + ": connection reset")
	}
	n, ok := f.queues[q]
	if !ok {
		return nil, asynq.ErrQueueNotFound
	}
	return &asynq.QueueInfo{Queue: q, Pending: n, Active: 1, Scheduled: 2, Retry: 3, Archived: 4, Completed: 5, Aggregating: 99}, nil
}

var quiet = slog.New(slog.DiscardHandler)

func TestQueueCollector(t *testing.T) {
	f := &fakeInspector{queues: map[string]int{"deploys": 7}}
	c := NewQueueCollector(f, quiet)
	want := `
# HELP kyozo_queue_inspector_up 1 when the last scrape could read every asynq queue from Redis, 0 when it could not (kyozo_queue_tasks is then missing or partial).
# TYPE kyozo_queue_inspector_up gauge
kyozo_queue_inspector_up 1
# HELP kyozo_queue_tasks Tasks in each asynq queue by state (pending, active, scheduled, retry, archived, completed), read from Redis at scrape time.
# TYPE kyozo_queue_tasks gauge
kyozo_queue_tasks{queue="deploys",state="active"} 1
kyozo_queue_tasks{queue="deploys",state="archived"} 4
kyozo_queue_tasks{queue="deploys",state="completed"} 5
kyozo_queue_tasks{queue="deploys",state="pending"} 7
kyozo_queue_tasks{queue="deploys",state="retry"} 3
kyozo_queue_tasks{queue="deploys",state="scheduled"} 2
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}

	// Read at scrape time: a change shows in the next scrape.
	f.queues["deploys"] = 8
	if err := testutil.CollectAndCompare(c, strings.NewReader(strings.Replace(want, `state="pending"} 7`, `state="pending"} 8`, 1))); err != nil {
		t.Error(err)
	}

	// One queue unreadable: the others are served, and up says so.
	f.queues["mail"] = 1
	f.broken = map[string]bool{"deploys": true}
	if n := testutil.CollectAndCount(c, "kyozo_queue_tasks"); n != 6 {
		t.Errorf("series with deploys broken = %d, want mail's 6", n)
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(`
# HELP kyozo_queue_inspector_up 1 when the last scrape could read every asynq queue from Redis, 0 when it could not (kyozo_queue_tasks is then missing or partial).
# TYPE kyozo_queue_inspector_up gauge
kyozo_queue_inspector_up 0
`), "kyozo_queue_inspector_up"); err != nil {
		t.Error(err)
	}

	// Redis down: the scrape still succeeds, with up at 0.
	f.queuesErr = errors.New("dial tcp: connection refused")
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather with redis down: %v", err)
	}
	if len(mfs) != 1 || mfs[0].GetName() != "kyozo_queue_inspector_up" || mfs[0].GetMetric()[0].GetGauge().GetValue() != 0 {
		t.Errorf("with redis down got %v", mfs)
	}
}

// TestQueueCollectorRealAsynq reads a real asynq over a real Redis with a
// task in every state: a server works one queue (a task it is still on,
// one it finished and keeps, one that failed and waits to retry); the
// other queue is not worked (two pending, one scheduled, one archived).
func TestQueueCollectorRealAsynq(t *testing.T) {
	url := redistest.Start(t)
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	client := asynq.NewClientFromRedisClient(rdb)
	insp := asynq.NewInspectorFromRedisClient(rdb)

	release := make(chan struct{})
	srv := asynq.NewServer(asynq.RedisClientOpt{Addr: opt.Addr, DB: opt.DB}, asynq.Config{
		Concurrency:       3,
		Queues:            map[string]int{"deploys": 1},
		TaskCheckInterval: 50 * time.Millisecond,
		RetryDelayFunc:    func(int, error, *asynq.Task) time.Duration { return time.Hour },
		LogLevel:          asynq.FatalLevel,
	})
	if err := srv.Start(asynq.HandlerFunc(func(ctx context.Context, task *asynq.Task) error {
		switch string(task.Payload()) {
		case "block":
			select {
			case <-release:
			case <-ctx.Done():
			}
			return nil
		case "fail":
			return errors.New("build failed")
		}
		return nil
	})); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	defer close(release) // before Shutdown, which waits for the blocked task

	enqueue := func(queue, payload string, opts ...asynq.Option) *asynq.TaskInfo {
		t.Helper()
		info, err := client.Enqueue(asynq.NewTask("deploy", []byte(payload)), append(opts, asynq.Queue(queue))...)
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	enqueue("deploys", "block")
	enqueue("deploys", "done", asynq.Retention(time.Hour))
	enqueue("deploys", "fail", asynq.MaxRetry(3))
	enqueue("idle", "a")
	enqueue("idle", "b")
	enqueue("idle", "later", asynq.ProcessIn(time.Hour))
	archived := enqueue("idle", "c")
	if err := insp.ArchiveTask("idle", archived.ID); err != nil {
		t.Fatal(err)
	}

	c := NewQueueCollector(insp, quiet)
	want := `
# HELP kyozo_queue_tasks Tasks in each asynq queue by state (pending, active, scheduled, retry, archived, completed), read from Redis at scrape time.
# TYPE kyozo_queue_tasks gauge
kyozo_queue_tasks{queue="deploys",state="active"} 1
kyozo_queue_tasks{queue="deploys",state="archived"} 0
kyozo_queue_tasks{queue="deploys",state="completed"} 1
kyozo_queue_tasks{queue="deploys",state="pending"} 0
kyozo_queue_tasks{queue="deploys",state="retry"} 1
kyozo_queue_tasks{queue="deploys",state="scheduled"} 0
kyozo_queue_tasks{queue="idle",state="active"} 0
kyozo_queue_tasks{queue="idle",state="archived"} 1
kyozo_queue_tasks{queue="idle",state="completed"} 0
kyozo_queue_tasks{queue="idle",state="pending"} 2
kyozo_queue_tasks{queue="idle",state="retry"} 0
kyozo_queue_tasks{queue="idle",state="scheduled"} 1
`
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := testutil.CollectAndCompare(c, strings.NewReader(want), "kyozo_queue_tasks")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(`
# HELP kyozo_queue_inspector_up 1 when the last scrape could read every asynq queue from Redis, 0 when it could not (kyozo_queue_tasks is then missing or partial).
# TYPE kyozo_queue_inspector_up gauge
kyozo_queue_inspector_up 1
`), "kyozo_queue_inspector_up"); err != nil {
		t.Error(err)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}

	// A Redis nobody answers on: up 0, and the scrape itself succeeds.
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer dead.Close()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewQueueCollector(asynq.NewInspectorFromRedisClient(dead), quiet))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather with redis down: %v", err)
	}
	if len(mfs) != 1 || mfs[0].GetMetric()[0].GetGauge().GetValue() != 0 {
		t.Errorf("with redis down: %v", mfs)
	}
}
