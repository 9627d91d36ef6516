package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

const (
	defaultEvents = 50
	maxEvents     = 1000
	// followBlock is how long one read of -t waits for a new event: it
	// also bounds how long a follower outlives its client, since a
	// blocked Redis read does not end with its context.
	followBlock = 2 * time.Second
	// eventTimeout bounds recording one event.
	eventTimeout = 5 * time.Second
)

// events shows an app's audit trail, oldest first, one event a line; -t
// keeps showing new ones until the client goes away.
func (c *call) events() error {
	if err := c.nargs(1, 1); err != nil {
		return err
	}
	n := defaultEvents
	if v, ok := c.flags["n"]; ok {
		var err error
		if n, err = parseCount(v, maxEvents, "events"); err != nil {
			return err
		}
	}
	name := c.args[0]
	gone, err := c.trail(name)
	if err != nil {
		return err
	}
	evs, err := c.Store.EventsList(c.ctx, name, n)
	if err != nil {
		return err
	}
	if gone {
		c.out("(%s was destroyed; its audit trail is kept)", name)
	}
	if len(evs) == 0 && !c.flag("t") {
		c.out("%s has no events yet", name)
		return nil
	}
	var last int64
	for _, e := range evs {
		c.out("%s", formatEvent(e))
		last = e.Seq
	}
	if !c.flag("t") {
		return nil
	}
	for {
		evs, err := c.Store.EventsAfter(c.ctx, name, last, followBlock)
		if c.ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the audit trail: %w", err)
		}
		for _, e := range evs {
			c.out("%s", formatEvent(e))
			last = e.Seq
		}
	}
}

// trail checks the key may read an app's audit trail: the owner's or an
// admin's, as every command. The trail outlives the app (apps:destroy
// keeps it), so an admin may still read a destroyed app's: gone says so.
func (c *call) trail(name string) (gone bool, err error) {
	_, err = c.app(name)
	if err == nil || !c.sess.Key.Admin || !topology.ValidName(name) {
		return false, err
	}
	if _, serr := c.Store.App(c.ctx, name); !errors.Is(serr, store.ErrNotFound) {
		return false, err
	}
	evs, lerr := c.Store.EventsList(c.ctx, name, 1)
	if lerr != nil {
		return false, lerr
	}
	if len(evs) == 0 {
		return false, err
	}
	return true, nil
}

// formatEvent is one line: "#SEQ  TIME  TYPE  ACTOR  MESSAGE  (DURATION)
// [error: …]", the time in RFC 3339, UTC.
func formatEvent(e store.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d  %s  %s  %s  %s", e.Seq, e.Time.UTC().Format(time.RFC3339),
		orDash(oneLine(e.Type)), orDash(oneLine(e.Actor)), orDash(oneLine(e.Message)))
	if e.Duration > 0 {
		fmt.Fprintf(&b, "  (%.1fs)", e.Duration)
	}
	if e.Error != "" {
		fmt.Fprintf(&b, "  [error: %s]", oneLine(e.Error))
	}
	return b.String()
}

// oneLine keeps an event on its line and the terminal out of reach: an
// error may quote a build's output, newlines and escape sequences included.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// event records an entry of an app's audit trail. By then the command has
// done (or refused) its work: a store that fails loses the entry, not the
// command's result, and a client that went away does not cancel it.
func (c *call) event(e store.Event) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), eventTimeout)
	defer cancel()
	if _, err := c.Store.AddEvent(ctx, e); err != nil {
		c.log.Warn("audit trail", "app", e.App, "type", e.Type, "err", err)
	}
}
