// Package tasks defines Kyozo's queued work: the asynq task types, their
// payloads and the constructors that own the payload encoding. Payloads
// never carry a secret: config values and credentials are read by the
// worker from the store.
package tasks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Queue names; asynqmon and the Inspector list them.
const (
	QueueDeploys = "deploys"
)

// Task types.
const (
	TypeDeploy = "deploy"
)

// Deploy is a push to turn into a release.
type Deploy struct {
	JobID  string `json:"job_id"`
	App    string `json:"app"`
	Commit string `json:"commit"`
	Ref    string `json:"ref"`
	// Old is what Ref pointed at before the push (zeros: nothing).
	Old    string `json:"old,omitempty"`
	Pusher string `json:"pusher"`
	// Source is the folder the pushed tree was exported to, on the machine
	// that took the push.
	Source string `json:"source"`
}

// NewDeploy makes the task for a deploy. The task id is the job id, so a
// job is queued once and can be cancelled by id. A deploy that dies with
// its worker (kill -9) is retried from the start: every stage is idempotent.
func NewDeploy(d Deploy, timeout time.Duration) (*asynq.Task, error) {
	if d.JobID == "" || d.App == "" || d.Commit == "" {
		return nil, fmt.Errorf("deploy task needs a job id, an app and a commit: %+v", d)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeDeploy, b,
		asynq.TaskID(d.JobID),
		asynq.Queue(QueueDeploys),
		asynq.MaxRetry(2),
		asynq.Timeout(timeout),
		asynq.Retention(24*time.Hour),
	), nil
}

// ParseDeploy reads a deploy task's payload.
func ParseDeploy(t *asynq.Task) (Deploy, error) {
	var d Deploy
	if err := json.Unmarshal(t.Payload(), &d); err != nil {
		return d, fmt.Errorf("deploy payload: %v: %w", err, asynq.SkipRetry)
	}
	return d, nil
}

// TypeOp is an operation on a running app.
const TypeOp = "op"

// Operations a TypeOp task carries.
const (
	OpRollback = "rollback" // to Version (0: the previous release)
	OpConfig   = "config"   // a release with the app's config as stored now
	OpScale    = "scale"    // Replicas per service
	OpRestart  = "restart"  // Services (none: all), replaced with zero downtime
	OpStop     = "stop"     // Services (none: all)
	OpStart    = "start"    // Services (none: all)
	OpHeal     = "heal"     // start replicas that died or vanished
)

// Op is an operation on a running app. It names what changes, never a
// value: config values are read from the store, sealed.
type Op struct {
	JobID    string         `json:"job_id"`
	App      string         `json:"app"`
	Op       string         `json:"op"`
	Actor    string         `json:"actor"`
	Version  int            `json:"version,omitempty"`
	Services []string       `json:"services,omitempty"`
	Replicas map[string]int `json:"replicas,omitempty"`
	// Description is the release's description for a config change
	// ("Set FOO, BAR"): key names only.
	Description string `json:"description,omitempty"`
	// Replace are containers a heal replaces even though they run (they
	// failed their health checks).
	Replace []string `json:"replace,omitempty"`
}

// NewOp makes the task of an operation.
func NewOp(o Op, timeout time.Duration) (*asynq.Task, error) {
	switch o.Op {
	case OpRollback, OpConfig, OpScale, OpRestart, OpStop, OpStart, OpHeal:
	default:
		return nil, fmt.Errorf("unknown operation %q", o.Op)
	}
	if o.JobID == "" || o.App == "" {
		return nil, fmt.Errorf("an operation needs a job id and an app: %+v", o)
	}
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeOp, b,
		asynq.TaskID(o.JobID), asynq.Queue(QueueDeploys), asynq.MaxRetry(2),
		asynq.Timeout(timeout), asynq.Retention(24*time.Hour),
	), nil
}

// ParseOp reads an operation task's payload.
func ParseOp(t *asynq.Task) (Op, error) {
	var o Op
	if err := json.Unmarshal(t.Payload(), &o); err != nil {
		return o, fmt.Errorf("op payload: %v: %w", err, asynq.SkipRetry)
	}
	return o, nil
}
