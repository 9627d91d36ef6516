// Package intake turns a push into a deploy. The repositories' pre-receive
// hook (`kyozo hook pre-receive`) calls it over the daemon's local socket
// while git waits: intake applies the ref rules, exports the pushed tree,
// queues the deploy and streams the job's log back until it ends. The push
// is accepted only when the deploy succeeded, so a failed deploy leaves the
// branch at the last deployed commit.
//
// When the pusher disconnects, the hook dies and its request ends: the job
// is cancelled, whatever it started is removed, and the previous release
// keeps serving. A job that already switched traffic stays deployed; the
// branch is then behind the release until the next push.
package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/kyozo/kyozo/internal/joblog"
	"github.com/kyozo/kyozo/internal/repo"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
	"github.com/kyozo/kyozo/internal/topology"
	"github.com/kyozo/kyozo/internal/tree"
)

// Queue is the part of asynq the intake uses.
type Queue interface {
	EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Canceller stops a queued or running task.
type Canceller interface {
	CancelProcessing(id string) error
	DeleteTask(queue, id string) error
}

// Intake serves the hooks' requests.
type Intake struct {
	Store     store.Store
	Repos     *repo.Repos
	Queue     Queue
	Canceller Canceller
	// Branches are the branches whose pushes deploy.
	Branches []string
	// SourceRoot is where pushed trees are exported for the worker.
	SourceRoot string
	Limits     tree.Limits
	// JobTimeout bounds a whole deploy.
	JobTimeout time.Duration
	Logger     *slog.Logger
}

// Update is one ref a push changes, as pre-receive reads it.
type Update struct {
	Old string `json:"old"`
	New string `json:"new"`
	Ref string `json:"ref"`
}

// Request is what the hook sends.
type Request struct {
	App     string   `json:"app"`
	Pusher  string   `json:"pusher"`
	Updates []Update `json:"updates"`
	// Env holds git's quarantine variables: the pushed objects are only
	// readable through them until the hook accepts the push.
	Env []string `json:"env"`
}

// Message is one line of the answer; the last has Done set.
type Message struct {
	Line  string `json:"line,omitempty"`
	Done  bool   `json:"done,omitempty"`
	OK    bool   `json:"ok,omitempty"`
	Error string `json:"error,omitempty"`
}

const zero = "0000000000000000000000000000000000000000"

// Handler is the intake's HTTP handler, for the daemon's local socket.
func (i *Intake) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/pre-receive", i.preReceive)
	return mux
}

// stream writes Messages as newline-delimited JSON, flushed one by one.
type stream struct {
	w   http.ResponseWriter
	enc *json.Encoder
}

func (s *stream) send(m Message) {
	s.enc.Encode(m)
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *stream) line(format string, a ...any) { s.send(Message{Line: fmt.Sprintf(format, a...)}) }

func (s *stream) fail(format string, a ...any) {
	s.send(Message{Done: true, Error: fmt.Sprintf(format, a...)})
}

func (i *Intake) preReceive(w http.ResponseWriter, r *http.Request) {
	var req Request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	out := &stream{w: w, enc: json.NewEncoder(w)}
	ctx := r.Context()
	if !topology.ValidName(req.App) {
		out.fail("invalid app name %q", req.App)
		return
	}
	if _, err := i.Store.App(ctx, req.App); err != nil {
		out.fail("app %s: %v", req.App, err)
		return
	}
	deploy, err := i.policy(req.Updates, out)
	if err != nil {
		out.fail("%v", err)
		return
	}
	if deploy == nil {
		out.send(Message{Done: true, OK: true})
		return
	}
	i.deploy(ctx, req, *deploy, out)
}

// policy applies the ref rules: tags are refused, the deploy branch cannot
// be deleted, other branches are stored without a deploy. It returns the
// update to deploy, if any.
func (i *Intake) policy(updates []Update, out *stream) (*Update, error) {
	var deploy *Update
	for k, u := range updates {
		branch, isBranch := strings.CutPrefix(u.Ref, "refs/heads/")
		switch {
		case strings.HasPrefix(u.Ref, "refs/tags/"):
			return nil, fmt.Errorf("tags are not accepted (%s); push a branch: git push kyozo %s", strings.TrimPrefix(u.Ref, "refs/tags/"), i.Branches[0])
		case !isBranch:
			return nil, fmt.Errorf("only branches can be pushed, not %s", u.Ref)
		case slices.Contains(i.Branches, branch):
			if u.New == zero {
				return nil, fmt.Errorf("the deploy branch %s cannot be deleted", branch)
			}
			if deploy != nil {
				return nil, fmt.Errorf("push one deploy branch at a time (%s and %s)", strings.TrimPrefix(deploy.Ref, "refs/heads/"), branch)
			}
			deploy = &updates[k]
		case u.New == zero:
			out.line("kyozo: branch %s deleted", branch)
		default:
			out.line("kyozo: branch %s stored, not deployed (pushes to %s deploy)", branch, i.Branches[0])
		}
	}
	return deploy, nil
}

// deploy queues a deploy of the update and streams its log until it ends.
func (i *Intake) deploy(ctx context.Context, req Request, u Update, out *stream) {
	id, err := uuid.NewV7()
	if err != nil {
		out.fail("job id: %v", err)
		return
	}
	jobID := id.String()
	log := i.Logger.With("app", req.App, "job", jobID, "commit", u.New)
	job := store.Job{ID: jobID, App: req.App, Commit: u.New, Ref: u.Ref, Pusher: req.Pusher, State: store.JobQueued}
	if err := i.Store.CreateJob(ctx, job); err != nil {
		out.fail("creating the job: %v", err)
		return
	}
	if err := i.Store.SetLatestJob(ctx, req.App, jobID); err != nil {
		out.fail("%v", err)
		return
	}
	source := filepath.Join(i.SourceRoot, jobID)
	start := time.Now()
	if err := i.Repos.Export(ctx, req.App, u.New, req.Env, source, i.Limits); err != nil {
		os.RemoveAll(source)
		i.finish(job, store.JobFailed, "exporting the pushed tree: "+err.Error())
		out.fail("exporting the pushed tree: %v", err)
		return
	}
	log.Info("push received", "export", time.Since(start))
	// Kept now, while the hook can read them: if this daemon dies before
	// the hook accepts the push, the retried deploy still has its commit.
	if err := i.Repos.KeepPushed(req.App, req.Env); err != nil {
		log.Warn("keeping the pushed objects", "err", err)
	}
	task, err := tasks.NewDeploy(tasks.Deploy{JobID: jobID, App: req.App, Commit: u.New, Ref: u.Ref, Old: u.Old, Pusher: req.Pusher, Source: source}, i.JobTimeout)
	if err == nil {
		_, err = i.Queue.EnqueueContext(ctx, task)
	}
	if err != nil {
		os.RemoveAll(source)
		i.finish(job, store.JobFailed, "queueing the deploy: "+err.Error())
		out.fail("queueing the deploy: %v", err)
		return
	}
	i.follow(ctx, jobID, out, log)
}

// follow streams the job's log to the hook until the job ends. If the hook
// goes away first, the job is cancelled.
func (i *Intake) follow(ctx context.Context, jobID string, out *stream, log *slog.Logger) {
	last, err := joblog.Follow(ctx, i.Store, jobID, "", func(l store.Line) { out.line("%s", l.Text) })
	switch {
	case ctx.Err() != nil:
		i.cancel(jobID, log)
	case err != nil:
		out.fail("reading the job's log: %v", err)
	case last.State == store.JobSucceeded:
		out.line("%s", last.Text)
		out.send(Message{Done: true, OK: true})
	default:
		out.fail("%s", last.Text)
	}
}

// cancel stops a job whose pusher went away: a queued task is deleted, a
// running one is told to stop, and the flag catches the moment between.
func (i *Intake) cancel(jobID string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := i.Store.RequestCancel(ctx, jobID); err != nil {
		log.Warn("cancel", "err", err)
	}
	if err := i.Canceller.DeleteTask(tasks.QueueDeploys, jobID); err == nil {
		i.finish(store.Job{ID: jobID}, store.JobCancelled, "cancelled: the pusher disconnected before the deploy started")
	} else {
		i.Canceller.CancelProcessing(jobID)
	}
	log.Info("pusher disconnected; deploy cancelled")
}

// finish records the end of a job that never reached a worker.
func (i *Intake) finish(j store.Job, state store.JobState, msg string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cur, err := i.Store.Job(ctx, j.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return
	}
	if err == nil {
		j = cur
	}
	j.State, j.Error, j.Finished = state, msg, time.Now().UTC()
	i.Store.UpdateJob(ctx, j)
	i.Store.AppendLine(ctx, j.ID, msg, state)
}
