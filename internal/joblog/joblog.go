// Package joblog follows a job's log in the store: the lines as they are
// written, until the line that ends the job. The push hook and the ssh
// commands that queue work (rollback, config:set, ps:scale …) show a job's
// progress through it.
package joblog

import (
	"context"
	"time"

	"github.com/kyozo/kyozo/internal/store"
)

// Follow calls emit for every line of the job's log from after (""
// for the start) and returns the line that ends the job. It returns
// ctx.Err() when ctx ends first.
func Follow(ctx context.Context, st store.Jobs, id, after string, emit func(store.Line)) (store.Line, error) {
	for {
		lines, err := st.ReadLines(ctx, id, after, 2*time.Second)
		if ctx.Err() != nil {
			return store.Line{}, ctx.Err()
		}
		if err != nil {
			return store.Line{}, err
		}
		for _, l := range lines {
			after = l.ID
			if l.State != "" {
				return l, nil
			}
			emit(l)
		}
	}
}
