package tasks

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestDeployRoundTrip(t *testing.T) {
	d := Deploy{JobID: "j1", App: "shop", Commit: strings.Repeat("a", 40), Ref: "refs/heads/main", Pusher: "alice", Source: "/data/sources/j1"}
	task, err := NewDeploy(d, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if task.Type() != TypeDeploy {
		t.Errorf("type %s", task.Type())
	}
	got, err := ParseDeploy(task)
	if err != nil || got != d {
		t.Errorf("got %+v %v", got, err)
	}
	if _, err := NewDeploy(Deploy{App: "x"}, time.Hour); err == nil {
		t.Error("a deploy without a job id")
	}
	if _, err := ParseDeploy(asynq.NewTask(TypeDeploy, []byte("{"))); !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("a bad payload must not be retried: %v", err)
	}
}
