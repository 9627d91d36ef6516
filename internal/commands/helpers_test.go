package commands

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/gitserver"
	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/runtimetest"
	"github.com/kyozo/kyozo/internal/secrets"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
	"github.com/kyozo/kyozo/internal/testutil/syncbuf"
)

var (
	alice = store.Key{Name: "alice", Fingerprint: "SHA256:alice"}
	bob   = store.Key{Name: "bob", Fingerprint: "SHA256:bob"}
	root  = store.Key{Name: "root", Fingerprint: "SHA256:root", Admin: true}
)

// fakeQueue takes operations and plays the worker: it appends lines and a
// final state to the job's log.
type fakeQueue struct {
	st *store.Redis
	mu sync.Mutex
	// ops and payloads are what was queued, in order.
	ops      []tasks.Op
	payloads []string
	deleted  []string
	canceled []string
	// final is the state the worker ends a job with; "" leaves it running.
	final    store.JobState
	enqueErr error
	// deleteErr makes DeleteTask fail, as for a task already running.
	deleteErr error
}

func (q *fakeQueue) EnqueueContext(ctx context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	if q.enqueErr != nil {
		return nil, q.enqueErr
	}
	op, err := tasks.ParseOp(t)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	q.ops = append(q.ops, op)
	q.payloads = append(q.payloads, string(t.Payload()))
	final := q.final
	q.mu.Unlock()
	go func() {
		bg := context.Background()
		q.st.AppendLine(bg, op.JobID, fmt.Sprintf("-----> worker: %s %s", op.Op, op.App), "")
		switch final {
		case store.JobSucceeded:
			q.st.AppendLine(bg, op.JobID, "Done in 0.1s", final)
		case "":
		default:
			q.st.AppendLine(bg, op.JobID, "Failed: no luck", final)
		}
	}()
	return &asynq.TaskInfo{ID: op.JobID, Queue: tasks.QueueDeploys}, nil
}

func (q *fakeQueue) CancelProcessing(id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.canceled = append(q.canceled, id)
	return nil
}

func (q *fakeQueue) DeleteTask(queue, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleteErr != nil {
		return q.deleteErr
	}
	q.deleted = append(q.deleted, id)
	return nil
}

func (q *fakeQueue) queued() []tasks.Op {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]tasks.Op(nil), q.ops...)
}

// env is a Kyozo in a test: a real Redis, a fake runtime, a fake queue.
type env struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Redis
	rt    *runtimetest.Scripted
	q     *fakeQueue
	box   *secrets.Box
	repos *repo.Repos
	logs  *syncbuf.Buffer // what the commands logged
	cmds  map[string]gitserver.Command
}

func setup(t *testing.T) *env {
	t.Helper()
	st := redistest.Store(t)
	box, err := secrets.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{
		t: t, ctx: context.Background(), st: st, rt: runtimetest.NewScripted(), q: &fakeQueue{st: st, final: store.JobSucceeded},
		box: box, repos: &repo.Repos{Root: t.TempDir()}, logs: &syncbuf.Buffer{},
	}
	e.cmds = New(Deps{
		Store: st, Runtime: e.rt, Repos: e.repos, Box: box, Queue: e.q, Canceller: e.q,
		Domain: "kyozo.test", URL: func(h string) string { return "http://" + h + ":8000" },
		JobTimeout: time.Minute,
		Logger:     slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	return e
}

// result is what one command printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs "NAME ARGS…" as key.
func (e *env) run(key store.Key, line ...string) result {
	e.t.Helper()
	return e.runCtx(e.ctx, key, &syncbuf.Buffer{}, line...)
}

func (e *env) runCtx(ctx context.Context, key store.Key, stdout *syncbuf.Buffer, line ...string) result {
	e.t.Helper()
	cmd, ok := e.cmds[line[0]]
	if !ok {
		e.t.Fatalf("no command %q", line[0])
	}
	stderr := &syncbuf.Buffer{}
	sess := &gitserver.Session{Key: key, Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr}
	code := cmd.Run(ctx, sess, line[1:])
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// want fails the test unless the command exited with code and its output
// holds every string of has.
func (r result) want(t *testing.T, code int, has ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\n%s", r.code, code, r)
	}
	for _, s := range has {
		if !strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("output lacks %q\n%s", s, r)
		}
	}
}

// createApp records an app owned by owner, with its repository.
func (e *env) createApp(name, owner string) {
	e.t.Helper()
	if err := e.st.CreateApp(e.ctx, store.App{Name: name, Owner: owner, Created: time.Now().Add(-72 * time.Hour)}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.repos.Ensure(e.ctx, name); err != nil {
		e.t.Fatal(err)
	}
}

const commit1 = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

// deploy records a release of app as the pipeline would and starts its
// containers in the fake runtime: web (2 replicas, routed), worker (1),
// migrate (a job) and a postgres backing service with a volume.
func (e *env) deploy(app, pusher, commit string, created time.Time) store.Release {
	e.t.Helper()
	job := "job-" + commit[:7]
	tag := commit[:12]
	rel := &store.Release{
		App: app, Commit: commit, JobID: job, Pusher: pusher, Kind: "deploy", Description: "Deploy " + commit[:7],
		Created: created,
		Services: map[string]store.ReleaseService{
			"web": {Image: "kyozo/" + app + "-web:" + tag, Kind: "web", Port: 8080, Replicas: 1,
				Env:   map[string]string{"DATABASE_URL": "postgres://postgres:${POSTGRES_PASSWORD}@postgres:5432/app"},
				Hosts: []string{app + ".kyozo.test", "web." + app + ".kyozo.test"}},
			"worker":  {Image: "kyozo/" + app + "-worker:" + tag, Kind: "worker", Replicas: 1},
			"migrate": {Image: "kyozo/" + app + "-migrate:" + tag, Kind: "job", Replicas: 1},
		},
		Order:   [][]string{{"migrate"}, {"worker", "web"}},
		Backing: []store.BackingService{{Name: "postgres", Type: "postgres", Image: "postgres:17-alpine", Port: 5432, Volume: "data", DataPath: "/var/lib/postgresql/data"}},
	}
	cfg, err := e.st.Config(e.ctx, app)
	if err != nil {
		e.t.Fatal(err)
	}
	rel.Config = cfg
	running := map[string]store.Running{"migrate": {Replicas: 1}}
	for _, svc := range []string{"web", "web", "worker"} {
		img := rel.Services[svc].Image
		e.rt.Images[img] = true
		c, err := e.rt.Run(e.ctx, runtime.ContainerSpec{
			Name: fmt.Sprintf("kyozo-%s-%s-%d", app, svc, len(running[svc].Containers)+1), Image: img,
			Labels: map[string]string{runtime.LabelApp: app, runtime.LabelService: svc, runtime.LabelRelease: job, runtime.LabelKind: "service"},
		})
		if err != nil {
			e.t.Fatal(err)
		}
		e.rt.Set(c.ID, func(c *runtime.Container) { c.StartedAt = time.Now().Add(-5 * time.Minute) })
		r := running[svc]
		r.Containers, r.Replicas = append(r.Containers, c.ID), len(r.Containers)+1
		running[svc] = r
	}
	e.rt.Images["kyozo/"+app+"-migrate:"+tag] = true
	if bs, _ := e.rt.List(e.ctx, map[string]string{runtime.LabelApp: app, runtime.LabelKind: "backing"}); len(bs) == 0 {
		e.rt.Images["postgres:17-alpine"] = true
		if _, err := e.rt.Run(e.ctx, runtime.ContainerSpec{Name: "kyozo-" + app + "-postgres", Image: "postgres:17-alpine",
			Labels: map[string]string{runtime.LabelApp: app, runtime.LabelService: "postgres", runtime.LabelKind: "backing"}}); err != nil {
			e.t.Fatal(err)
		}
		e.rt.AddVolume("kyozo-" + app + "-data")
	}
	if err := e.st.Activate(e.ctx, app, rel, 0, running); err != nil {
		e.t.Fatal(err)
	}
	return *rel
}

func (e *env) app(name string) store.App {
	e.t.Helper()
	a, err := e.st.App(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}
