package reconcile

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

type queue struct {
	mu  sync.Mutex
	ops []tasks.Op
}

func (q *queue) EnqueueContext(ctx context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	op, err := tasks.ParseOp(t)
	q.mu.Lock()
	q.ops = append(q.ops, op)
	q.mu.Unlock()
	return &asynq.TaskInfo{}, err
}

func setup(t *testing.T) (*Reconciler, *store.Redis, *runtimetest.Fake, *queue) {
	st := redistest.Store(t)
	rt := runtimetest.New()
	q := &queue{}
	return &Reconciler{Store: st, Runtime: rt, Queue: q, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, st, rt, q
}

func add(rt *runtimetest.Fake, id, app, kind string, running bool, started time.Time) {
	labels := map[string]string{runtime.LabelApp: app, runtime.LabelKind: kind, runtime.LabelManaged: "true", runtime.LabelService: "web"}
	rt.Add(runtime.Container{ID: id, Name: "kyozo-" + id, Labels: labels, Running: running, StartedAt: started})
}

func TestRemovesOrphansAndHeals(t *testing.T) {
	ctx := context.Background()
	r, st, rt, q := setup(t)
	st.CreateApp(ctx, store.App{Name: "shop"})
	st.Activate(ctx, "shop", &store.Release{App: "shop", Services: map[string]store.ReleaseService{"web": {}}}, 0,
		map[string]store.Running{"web": {Containers: []string{"w1", "w2"}, Replicas: 2}})
	old := time.Now().Add(-time.Hour)
	add(rt, "w1", "shop", "service", true, old)
	add(rt, "orphan", "shop", "service", true, old)       // a killed deploy's leftover
	add(rt, "fresh", "shop", "service", true, time.Now()) // a job's new container
	add(rt, "gone-app", "deleted", "service", false, old) // its app was destroyed
	add(rt, "db", "shop", "backing", true, old)           // never touched
	rt.Add(runtime.Container{ID: "foreign", Name: "not-ours", Running: true, StartedAt: old})
	r.Grace = time.Minute

	rep, err := r.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rep.Removed)
	if !slices.Equal(rep.Removed, []string{"kyozo-gone-app", "kyozo-orphan"}) {
		t.Errorf("removed %v", rep.Removed)
	}
	// w2 is missing: a heal job for shop.
	if !slices.Equal(rep.Healing, []string{"shop"}) || len(q.ops) != 1 || q.ops[0].Op != tasks.OpHeal {
		t.Errorf("healing %v ops %+v", rep.Healing, q.ops)
	}
	for _, id := range []string{"w1", "fresh", "db", "foreign"} {
		if _, err := rt.Inspect(ctx, id); err != nil {
			t.Errorf("%s was removed", id)
		}
	}
}

func TestLeavesABusyAppAlone(t *testing.T) {
	ctx := context.Background()
	r, st, rt, q := setup(t)
	st.CreateApp(ctx, store.App{Name: "shop"})
	st.Activate(ctx, "shop", &store.Release{App: "shop", Services: map[string]store.ReleaseService{"web": {}}}, 0,
		map[string]store.Running{"web": {Containers: []string{"w1"}, Replicas: 1}})
	add(rt, "new", "shop", "service", true, time.Now().Add(-time.Hour))
	st.TryLock(ctx, "app:shop", "a-deploy", time.Minute)
	rep, err := r.Once(ctx)
	if err != nil || len(rep.Removed) != 0 || len(q.ops) != 0 {
		t.Errorf("a locked app was changed: %+v %v %+v", rep, err, q.ops)
	}
}

type attached map[string]bool

func (a attached) Attached(name string) bool { return a[name] }

// A one-off container goes once no session is attached to it: its daemon
// died during the run. Without a registry they are left alone.
func TestRemovesOneOffsNobodyIsAttachedTo(t *testing.T) {
	ctx := context.Background()
	r, _, rt, _ := setup(t)
	add(rt, "in-use", "shop", "run", true, time.Now().Add(-time.Hour))
	add(rt, "left", "shop", "run", true, time.Now().Add(-time.Hour))
	add(rt, "exited", "shop", "run", false, time.Now().Add(-time.Hour))
	if _, err := r.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rt.Removed) != 0 {
		t.Fatalf("without a registry, one-offs were removed: %v", rt.Removed)
	}
	r.OneOffs = attached{"kyozo-in-use": true}
	rep, err := r.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rep.Removed)
	if !slices.Equal(rep.Removed, []string{"kyozo-exited", "kyozo-left"}) {
		t.Errorf("removed %v", rep.Removed)
	}
	if _, err := rt.Inspect(ctx, "in-use"); err != nil {
		t.Errorf("the one-off a session uses: %v", err)
	}
}
