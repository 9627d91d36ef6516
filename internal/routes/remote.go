package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
)

// switchChannel carries switch requests from workers to the daemon.
const switchChannel = "kyozo:switch"

type switchRequest struct {
	App     string `json:"app"`
	Version int    `json:"version"`
	Reply   string `json:"reply"` // list the daemon pushes the outcome to
}

// Remote is the Switcher of a worker that does not host the router: it
// asks the daemon through Redis and waits for its answer.
type Remote struct {
	Redis *redis.Client
	// Timeout is how long to wait for a daemon to answer.
	Timeout time.Duration
}

// Switch asks the daemon to switch the app to version.
func (r *Remote) Switch(ctx context.Context, app string, version int) error {
	req := switchRequest{App: app, Version: version, Reply: "kyozo:switch:reply:" + uuid.NewString()}
	b, _ := json.Marshal(req)
	n, err := r.Redis.Publish(ctx, switchChannel, b).Result()
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("no kyozo serve is listening: the release is recorded and will be routed when one starts")
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	res, err := r.Redis.BLPop(ctx, timeout, req.Reply).Result()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("kyozo serve did not answer within %s", timeout)
	}
	if err != nil {
		return err
	}
	if res[1] != "ok" {
		return errors.New(res[1])
	}
	return nil
}

// Serve answers switch requests from remote workers until ctx ends.
func (c *Controller) Serve(ctx context.Context, rdb *redis.Client, log *slog.Logger) error {
	sub := rdb.Subscribe(ctx, switchChannel)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		return err
	}
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return nil
		case m, ok := <-ch:
			if !ok {
				return nil
			}
			var req switchRequest
			if err := json.Unmarshal([]byte(m.Payload), &req); err != nil || req.Reply == "" {
				log.Warn("bad switch request", "payload", m.Payload)
				continue
			}
			answer := "ok"
			if err := c.Switch(ctx, req.App, req.Version); err != nil {
				answer = err.Error()
			}
			p := rdb.TxPipeline()
			p.RPush(ctx, req.Reply, answer)
			p.Expire(ctx, req.Reply, time.Minute)
			if _, err := p.Exec(ctx); err != nil {
				log.Warn("switch reply", "err", err)
			}
		}
	}
}
