package commands

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/kyozo/kyozo/internal/joblog"
	"github.com/kyozo/kyozo/internal/store"
)

const (
	defaultLogLines = 100
	maxLogLines     = 10000
)

// logs shows the last lines of every container of an app or a service,
// each line prefixed "service.N |"; -t follows them all until the client
// goes away. --build shows a deploy's log instead.
func (c *call) logs() error {
	if c.flag("build") {
		if c.flag("t") || c.flag("n") || c.flag("p") {
			return usageError("--build takes no -n, -p or -t")
		}
		return c.buildLogs()
	}
	if err := c.nargs(1, 2); err != nil {
		return err
	}
	n := defaultLogLines
	if v, ok := c.flags["n"]; ok {
		var err error
		if n, err = parseCount(v, maxLogLines, "lines"); err != nil {
			return err
		}
	}
	service := c.flags["p"] // Dokku's -p PROCESS
	if len(c.args) == 2 {
		if service != "" {
			return usageError("name the service once: logs APP SERVICE or logs APP -p SERVICE")
		}
		service = c.args[1]
	}
	if service != "" {
		if err := checkService(service); err != nil {
			return err
		}
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	ts, err := c.targets(a, service)
	if errors.Is(err, errNoContainers) {
		c.out("no containers of %s run", a.Name)
		return nil
	}
	if err != nil {
		return err
	}
	if c.flag("t") {
		return c.followLogs(ts, n)
	}
	for _, t := range ts {
		rc, err := c.Runtime.Logs(c.ctx, t.id, false, n)
		if err != nil {
			fmt.Fprintf(c.sess.Stderr, "kyozo: %s: %v\n", t.name, err)
			continue
		}
		err = eachLine(rc, func(l string) bool { c.out("%s | %s", t.name, l); return true })
		rc.Close()
		if err != nil && c.ctx.Err() == nil {
			fmt.Fprintf(c.sess.Stderr, "kyozo: %s: %v\n", t.name, err)
		}
	}
	return nil
}

// followLogs merges the containers' streams line by line: a line reaches
// the client whole, whichever container printed it, as soon as it is read.
// It returns when the client goes away or every stream has ended.
func (c *call) followLogs(ts []target, n int) error {
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	lines := make(chan string, 64)
	var wg sync.WaitGroup
	for _, t := range ts {
		rc, err := c.Runtime.Logs(ctx, t.id, true, n)
		if err != nil {
			fmt.Fprintf(c.sess.Stderr, "kyozo: %s: %v\n", t.name, err)
			continue
		}
		// Closing the stream is what unblocks a read when the client leaves.
		stop := context.AfterFunc(ctx, func() { rc.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { stop(); rc.Close() }()
			eachLine(rc, func(l string) bool {
				select {
				case lines <- t.name + " | " + l:
					return true
				case <-ctx.Done():
					return false
				}
			})
		}()
	}
	go func() { wg.Wait(); close(lines) }()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return nil
			}
			c.out("%s", l)
		case <-ctx.Done():
			cancel()
			wg.Wait()
			return nil
		}
	}
}

// eachLine calls f for every line of r (the last one may lack its
// newline) until f returns false or r ends.
func eachLine(r io.Reader, f func(string) bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		l, err := br.ReadString('\n')
		if len(l) > 0 {
			if l[len(l)-1] == '\n' {
				l = l[:len(l)-1]
			}
			if !f(l) {
				return nil
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// buildLogs replays a job's log (default: the app's latest) and, while
// the job still runs, follows it to its end. Leaving does not cancel the
// job: only whoever started it can.
func (c *call) buildLogs() error {
	if err := c.nargs(1, 2); err != nil {
		return err
	}
	if len(c.args) == 2 {
		if err := checkJobID(c.args[1]); err != nil {
			return err
		}
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	id := ""
	if len(c.args) == 2 {
		id = c.args[1]
	} else if id, err = c.Store.LatestJob(c.ctx, a.Name); err != nil {
		return err
	} else if id == "" {
		return failed("%s has no deploy yet", a.Name)
	}
	job, err := c.Store.Job(c.ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && job.App != a.Name {
		return failed("%s has no job %s (finished jobs are kept for a week)", a.Name, id)
	}
	if err != nil {
		return err
	}
	after := ""
	for {
		lines, err := c.Store.ReadLines(c.ctx, id, after, 0)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			break
		}
		for _, l := range lines {
			after = l.ID
			c.out("%s", l.Text)
			if l.State != "" {
				return nil
			}
		}
	}
	// No last line yet: the job runs, or its log lost the end.
	if job, err = c.Store.Job(c.ctx, id); err != nil {
		return err
	}
	if job.State.Final() {
		c.out("(job %s %s)", id, job.State)
		return nil
	}
	last, err := joblog.Follow(c.ctx, c.Store, id, after, func(l store.Line) { c.out("%s", l.Text) })
	if c.ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the job's log: %w", err)
	}
	c.out("%s", last.Text)
	return nil
}

// errNoContainers is returned when there is nothing to show.
var errNoContainers = errors.New("no containers")

// targets are the containers of an app (or one service) in App.Running
// order, each with its "service.N" name.
func (c *call) targets(a store.App, service string) ([]target, error) {
	var names []string
	if a.Release > 0 {
		rel, err := c.current(a)
		if err != nil {
			return nil, err
		}
		if service != "" {
			if _, err := serviceOf(rel, service); err != nil {
				return nil, err
			}
		}
		names = serviceOrder(rel)
	} else if service != "" {
		return nil, failed(noRelease, a.Name)
	}
	var out []target
	for _, name := range names {
		if service != "" && name != service {
			continue
		}
		for i, id := range a.Running[name].Containers {
			out = append(out, target{name: fmt.Sprintf("%s.%d", name, i+1), id: id})
		}
	}
	if len(out) == 0 {
		return nil, errNoContainers
	}
	return out, nil
}

type target struct{ name, id string }
