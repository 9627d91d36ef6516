package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/kyozo/kyozo/internal/joblog"
	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
)

// queueOp makes op a job, queues it for the worker and shows its log until
// it ends: the command succeeds when the job does. An op that supersedes
// (rollback, config) becomes the app's latest job, as a push does, so a
// deploy still waiting gives way to it; the others (scale, restart, stop,
// start) must not cancel a waiting deploy, and the app's lock orders them
// anyway.
func (c *call) queueOp(a store.App, op tasks.Op, supersede bool) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	op.JobID, op.App, op.Actor = id.String(), a.Name, c.sess.Key.Name
	// Only names go in the log line: a config change's values never do.
	log := c.log.With("app", a.Name, "job", op.JobID, "op", op.Op, "key", c.sess.Key.Name)
	job := store.Job{ID: op.JobID, App: a.Name, Commit: a.Commit, Pusher: c.sess.Key.Name, State: store.JobQueued}
	if err := c.Store.CreateJob(c.ctx, job); err != nil {
		return fmt.Errorf("creating the job: %w", err)
	}
	if supersede {
		if err := c.Store.SetLatestJob(c.ctx, a.Name, op.JobID); err != nil {
			c.finish(op.JobID, store.JobFailed, "Failed: "+err.Error())
			return err
		}
	}
	task, err := tasks.NewOp(op, c.JobTimeout)
	if err == nil {
		_, err = c.Queue.EnqueueContext(c.ctx, task)
	}
	if err != nil {
		c.finish(op.JobID, store.JobFailed, "Failed: queueing the job: "+err.Error())
		return fmt.Errorf("queueing the job: %w", err)
	}
	log.Info("operation queued", "services", op.Services, "version", op.Version)
	return c.follow(op.JobID, log)
}

// follow writes a job's log to the client until the job ends. If the
// client goes away first, the job is cancelled, as a push's is.
func (c *call) follow(id string, log *slog.Logger) error {
	last, err := joblog.Follow(c.ctx, c.Store, id, "", func(l store.Line) { c.out("%s", l.Text) })
	switch {
	case c.ctx.Err() != nil:
		c.cancel(id, "Cancelled: the client disconnected before the job started", log)
		log.Info("client disconnected; job cancelled")
		return exitWith(exitFailure)
	case err != nil:
		return fmt.Errorf("reading the job's log: %w", err)
	}
	c.out("%s", last.Text)
	if last.State != store.JobSucceeded {
		return exitWith(exitFailure)
	}
	return nil
}

// cancel stops a job: a queued task is deleted (and its log ends with
// msg), a running one is told to stop, and the store's flag catches the
// moment between.
func (c *call) cancel(id, msg string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Store.RequestCancel(ctx, id); err != nil {
		log.Warn("cancel", "err", err)
	}
	if c.Canceller == nil {
		return
	}
	if err := c.Canceller.DeleteTask(tasks.QueueDeploys, id); err == nil {
		c.finish(id, store.JobCancelled, msg)
	} else if err := c.Canceller.CancelProcessing(id); err != nil {
		log.Warn("cancel", "err", err)
	}
}

// finish records the end of a job that never reached a worker.
func (c *call) finish(id string, state store.JobState, msg string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	j, err := c.Store.Job(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return
	}
	if err != nil {
		j = store.Job{ID: id}
	}
	j.State, j.Error, j.Finished = state, msg, time.Now().UTC()
	c.Store.UpdateJob(ctx, j)
	c.Store.AppendLine(ctx, id, msg, state)
}
