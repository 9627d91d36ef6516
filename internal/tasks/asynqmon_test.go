package tasks

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/testutil/redistest"
)

// TestInspectorSeesKyozoQueue keeps README's "Watching the queue" true:
// asynqmon reads Kyozo's Redis through asynq's Inspector, and there a
// queued push is a task of type "deploy" in the queue "deploys", with the
// job id as its task id, and an operation on an app is a task of type "op"
// in the same queue.
func TestInspectorSeesKyozoQueue(t *testing.T) {
	opt, err := asynq.ParseRedisURI(redistest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(opt)
	defer client.Close()
	insp := asynq.NewInspector(opt)
	defer insp.Close()

	deploy, err := NewDeploy(Deploy{
		JobID: "0190c0de-0000-7000-8000-000000000001", App: "shop", Commit: strings.Repeat("a", 40),
		Ref: "refs/heads/main", Pusher: "alice", Source: "/var/lib/kyozo/sources/j1",
	}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enqueue(deploy); err != nil {
		t.Fatal(err)
	}
	op, err := NewOp(Op{JobID: "0190c0de-0000-7000-8000-000000000002", App: "shop", Op: OpRollback, Actor: "alice"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enqueue(op); err != nil {
		t.Fatal(err)
	}

	queues, err := insp.Queues()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(queues, []string{"deploys"}) {
		t.Errorf("queues %q, want [deploys]", queues)
	}
	info, err := insp.GetQueueInfo("deploys")
	if err != nil {
		t.Fatal(err)
	}
	if info.Pending != 2 || info.Size != 2 {
		t.Errorf("deploys holds %d tasks, %d pending; want the 2 enqueued", info.Size, info.Pending)
	}
	pending, err := insp.ListPendingTasks("deploys")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{} // id → type
	for _, ti := range pending {
		got[ti.ID] = ti.Type
		if ti.Queue != "deploys" || ti.MaxRetry != 2 || ti.Retention != 24*time.Hour {
			t.Errorf("task %s: queue %s, max retry %d, retention %v", ti.ID, ti.Queue, ti.MaxRetry, ti.Retention)
		}
	}
	want := map[string]string{
		"0190c0de-0000-7000-8000-000000000001": "deploy",
		"0190c0de-0000-7000-8000-000000000002": "op",
	}
	if len(got) != len(want) {
		t.Errorf("pending tasks %v, want %v", got, want)
	}
	for id, typ := range want {
		if got[id] != typ {
			t.Errorf("task %s has type %q, want %q", id, got[id], typ)
		}
	}
	// The payload asynqmon shows is the constructor's JSON, and names the app.
	ti, err := insp.GetTaskInfo("deploys", "0190c0de-0000-7000-8000-000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ti.Payload), `"app":"shop"`) {
		t.Errorf("deploy payload %s", ti.Payload)
	}
}
