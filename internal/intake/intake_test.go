package intake

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/testutil/redistest"
	"github.com/kyozo/kyozo/internal/tree"
)

func TestPolicy(t *testing.T) {
	i := &Intake{Branches: []string{"main", "master"}}
	sha := strings.Repeat("a", 40)
	for _, tc := range []struct {
		name    string
		updates []Update
		deploy  string
		err     string
	}{
		{"deploy branch", []Update{{zero, sha, "refs/heads/main"}}, "refs/heads/main", ""},
		{"master accepted", []Update{{zero, sha, "refs/heads/master"}}, "refs/heads/master", ""},
		{"other branch stored", []Update{{zero, sha, "refs/heads/feature"}}, "", ""},
		{"tag refused", []Update{{zero, sha, "refs/heads/main"}, {zero, sha, "refs/tags/v1"}}, "", "tags are not accepted"},
		{"delete deploy branch", []Update{{sha, zero, "refs/heads/main"}}, "", "cannot be deleted"},
		{"two deploy branches", []Update{{zero, sha, "refs/heads/main"}, {zero, sha, "refs/heads/master"}}, "", "one deploy branch at a time"},
		{"not a branch", []Update{{zero, sha, "refs/notes/x"}}, "", "only branches"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			out := &stream{w: rec, enc: json.NewEncoder(rec)}
			u, err := i.policy(tc.updates, out)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err %v, want %q", err, tc.err)
				}
			case err != nil:
				t.Errorf("err %v", err)
			case tc.deploy == "" && u != nil, tc.deploy != "" && (u == nil || u.Ref != tc.deploy):
				t.Errorf("deploy %+v, want %q", u, tc.deploy)
			}
		})
	}
}

// fakeQueue records tasks and plays the worker: it appends log lines.
type fakeQueue struct {
	mu       sync.Mutex
	tasks    []tasks.Deploy
	st       *store.Redis
	finish   store.JobState
	deleted  []string
	canceled []string
}

func (q *fakeQueue) EnqueueContext(ctx context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	d, err := tasks.ParseDeploy(t)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	q.tasks = append(q.tasks, d)
	q.mu.Unlock()
	if q.finish != "" {
		go func() {
			q.st.AppendLine(context.Background(), d.JobID, "-----> Building web", "")
			q.st.AppendLine(context.Background(), d.JobID, "done", q.finish)
		}()
	}
	return &asynq.TaskInfo{ID: d.JobID}, nil
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
	q.deleted = append(q.deleted, id)
	return nil
}

func setup(t *testing.T, finish store.JobState) (*Intake, *fakeQueue, string) {
	t.Helper()
	st := redistest.Store(t)
	ctx := context.Background()
	st.CreateApp(ctx, store.App{Name: "shop", Owner: "alice"})
	repos := &repo.Repos{Root: t.TempDir()}
	if _, err := repos.Ensure(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	// A commit in the repository, pushed without hooks.
	work := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = work
		// KYOZO_BIN=true: the repository's hook accepts the test's push.
		cmd.Env = append(os.Environ(), "KYOZO_BIN=true", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(work, "index.html"), []byte("hi"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "x")
	git("push", "-q", repos.Path("shop"), "HEAD:refs/heads/incoming")
	q := &fakeQueue{st: st, finish: finish}
	i := &Intake{
		Store: st, Repos: repos, Queue: q, Canceller: q, Branches: []string{"main"},
		SourceRoot: t.TempDir(), Limits: tree.DefaultLimits, JobTimeout: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return i, q, git("rev-parse", "HEAD")
}

func post(t *testing.T, h http.Handler, req Request) []Message {
	t.Helper()
	b, _ := json.Marshal(req)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/v1/pre-receive", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []Message
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var m Message
		json.Unmarshal(sc.Bytes(), &m)
		out = append(out, m)
	}
	return out
}

func TestDeployStreamsTheJob(t *testing.T) {
	i, q, commit := setup(t, store.JobSucceeded)
	msgs := post(t, i.Handler(), Request{App: "shop", Pusher: "alice", Updates: []Update{{zero, commit, "refs/heads/main"}}})
	last := msgs[len(msgs)-1]
	if !last.Done || !last.OK {
		t.Fatalf("messages %+v", msgs)
	}
	if msgs[0].Line != "-----> Building web" {
		t.Errorf("first line %+v", msgs[0])
	}
	if len(q.tasks) != 1 || q.tasks[0].Commit != commit || q.tasks[0].Pusher != "alice" {
		t.Fatalf("tasks %+v", q.tasks)
	}
	if b, err := os.ReadFile(filepath.Join(q.tasks[0].Source, "index.html")); err != nil || string(b) != "hi" {
		t.Errorf("exported tree: %q %v", b, err)
	}
	latest, _ := i.Store.LatestJob(context.Background(), "shop")
	if latest != q.tasks[0].JobID {
		t.Errorf("latest job %s", latest)
	}
}

func TestFailedDeployRejects(t *testing.T) {
	i, _, commit := setup(t, store.JobFailed)
	msgs := post(t, i.Handler(), Request{App: "shop", Updates: []Update{{zero, commit, "refs/heads/main"}}})
	last := msgs[len(msgs)-1]
	if !last.Done || last.OK || last.Error != "done" {
		t.Errorf("messages %+v", msgs)
	}
}

func TestUnknownCommitFailsClearly(t *testing.T) {
	i, q, _ := setup(t, store.JobSucceeded)
	msgs := post(t, i.Handler(), Request{App: "shop", Updates: []Update{{zero, strings.Repeat("b", 40), "refs/heads/main"}}})
	last := msgs[len(msgs)-1]
	if last.OK || !strings.Contains(last.Error, "exporting the pushed tree") || len(q.tasks) != 0 {
		t.Errorf("messages %+v tasks %d", msgs, len(q.tasks))
	}
}

func TestDisconnectCancels(t *testing.T) {
	i, q, commit := setup(t, "") // the fake worker never finishes
	b, _ := json.Marshal(Request{App: "shop", Updates: []Update{{zero, commit, "refs/heads/main"}}})
	srv := httptest.NewServer(i.Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/pre-receive", bytes.NewReader(b))
	go func() {
		time.Sleep(500 * time.Millisecond)
		cancel()
	}()
	if resp, err := http.DefaultClient.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		q.mu.Lock()
		n := len(q.deleted)
		q.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.tasks) != 1 || len(q.deleted) != 1 || q.deleted[0] != q.tasks[0].JobID {
		t.Fatalf("tasks %d deleted %v", len(q.tasks), q.deleted)
	}
	if c, _ := i.Store.CancelRequested(context.Background(), q.tasks[0].JobID); !c {
		t.Error("cancel not recorded for the worker")
	}
	j, _ := i.Store.Job(context.Background(), q.tasks[0].JobID)
	if j.State != store.JobCancelled {
		t.Errorf("job state %s", j.State)
	}
}
