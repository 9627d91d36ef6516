package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// addEventScript numbers an event and appends it in one step, so sequence
// numbers and stream order always agree. Stream ids are the sequence
// numbers ("SEQ-0"), which makes reading after a seq a plain XREAD.
var addEventScript = redis.NewScript(`
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', ARGV[1])
return seq
`)

func eventsKey(app string) string { return appPrefix + app + ":events" }

// AddEvent numbers e and stores it; the stream keeps about EventsPerApp.
func (r *Redis) AddEvent(ctx context.Context, e Event) (Event, error) {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	e.Seq = 0
	keep := r.EventsPerApp
	if keep <= 0 {
		keep = 1000
	}
	b, err := json.Marshal(e)
	if err != nil {
		return e, err
	}
	seq, err := addEventScript.Run(ctx, r.rdb, []string{eventsKey(e.App), appPrefix + e.App + ":event_seq"}, string(b), keep).Int64()
	if err != nil {
		return e, err
	}
	e.Seq = seq
	return e, nil
}

func decodeEvents(msgs []redis.XMessage) []Event {
	out := make([]Event, 0, len(msgs))
	for _, m := range msgs {
		s, _ := m.Values["e"].(string)
		var e Event
		if json.Unmarshal([]byte(s), &e) != nil {
			continue
		}
		if seq, _, ok := strings.Cut(m.ID, "-"); ok {
			e.Seq, _ = strconv.ParseInt(seq, 10, 64)
		}
		out = append(out, e)
	}
	return out
}

// EventsList returns the last n events (all when n ≤ 0), oldest first.
func (r *Redis) EventsList(ctx context.Context, app string, n int) ([]Event, error) {
	var msgs []redis.XMessage
	var err error
	if n > 0 {
		msgs, err = r.rdb.XRevRangeN(ctx, eventsKey(app), "+", "-", int64(n)).Result()
		slices.Reverse(msgs)
	} else {
		msgs, err = r.rdb.XRange(ctx, eventsKey(app), "-", "+").Result()
	}
	if err != nil {
		return nil, err
	}
	return decodeEvents(msgs), nil
}

// EventsAfter returns the events after seq, waiting up to block.
func (r *Redis) EventsAfter(ctx context.Context, app string, seq int64, block time.Duration) ([]Event, error) {
	args := &redis.XReadArgs{Streams: []string{eventsKey(app), strconv.FormatInt(seq, 10) + "-0"}, Count: 500, Block: block}
	if block <= 0 {
		args.Block = -1
	}
	res, err := r.rdb.XRead(ctx, args).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, s := range res {
		out = append(out, decodeEvents(s.Messages)...)
	}
	return out, nil
}
