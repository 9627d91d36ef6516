package commands

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/tasks"
)

// mask is what config shows instead of a value.
const mask = "********"

// Config values are sealed with the Box before they reach the store and
// opened only to be shown to the app's owner: they are never logged, put in
// a job's payload or in a release's description (key names are).

// config lists an app's config vars, values masked unless --reveal.
func (c *call) config() error {
	a, err := c.oneApp()
	if err != nil {
		return err
	}
	cfg, err := c.Store.Config(c.ctx, a.Name)
	if err != nil {
		return err
	}
	if len(cfg) == 0 {
		c.out("%s has no config vars", a.Name)
		return nil
	}
	reveal := c.flag("reveal")
	tw := table(c.sess.Stdout)
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		v := mask
		if reveal {
			if v, err = c.open(k, cfg[k]); err != nil {
				return err
			}
		}
		fmt.Fprintf(tw, "%s\t%s\n", k, v)
	}
	return tw.Flush()
}

// configGet prints one value, alone, for scripts; unset is exit 1.
func (c *call) configGet() error {
	if err := c.nargs(2, 2); err != nil {
		return err
	}
	key := c.args[1]
	if err := checkConfigKey(key); err != nil {
		return err
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	cfg, err := c.Store.Config(c.ctx, a.Name)
	if err != nil {
		return err
	}
	sealed, ok := cfg[key]
	if !ok {
		return failed("%s is not set on %s", key, a.Name)
	}
	v, err := c.open(key, sealed)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.sess.Stdout, v)
	return nil
}

// configSet seals and stores variables, then releases them unless
// --no-restart.
func (c *call) configSet() error {
	if len(c.args) < 2 {
		return usageError("")
	}
	set := map[string]string{}
	for i, arg := range c.args[1:] {
		k, v, ok := strings.Cut(arg, "=")
		if !ok {
			// The argument is not echoed: it may be a value typed without its key.
			return usageError("config:set takes KEY=VALUE pairs; argument %d has no '='", i+2)
		}
		if err := checkConfigKey(k); err != nil {
			return err
		}
		set[k] = v
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	if c.Box == nil {
		return failed("no secret key is loaded: config values cannot be sealed")
	}
	sealed := make(map[string]string, len(set))
	for k, v := range set {
		if sealed[k], err = c.Box.Seal(v); err != nil {
			return fmt.Errorf("sealing %s: %w", k, err)
		}
	}
	keys := slices.Sorted(maps.Keys(set))
	if err := c.Store.SetConfig(c.ctx, a.Name, sealed, nil); err != nil {
		return err
	}
	c.log.Info("config set", "app", a.Name, "keys", keys, "key", c.sess.Key.Name)
	return c.releaseConfig(a, "Set "+strings.Join(keys, ", "))
}

// configUnset removes variables, then releases the change unless
// --no-restart. Keys that are not set are skipped.
func (c *call) configUnset() error {
	if len(c.args) < 2 {
		return usageError("")
	}
	for _, k := range c.args[1:] {
		if err := checkConfigKey(k); err != nil {
			return err
		}
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	cfg, err := c.Store.Config(c.ctx, a.Name)
	if err != nil {
		return err
	}
	var unset []string
	for _, k := range c.args[1:] {
		if _, ok := cfg[k]; ok && !slices.Contains(unset, k) {
			unset = append(unset, k)
		} else if !ok {
			c.out("%s is not set on %s", k, a.Name)
		}
	}
	if len(unset) == 0 {
		return nil
	}
	if err := c.Store.SetConfig(c.ctx, a.Name, nil, unset); err != nil {
		return err
	}
	c.log.Info("config unset", "app", a.Name, "keys", unset, "key", c.sess.Key.Name)
	return c.releaseConfig(a, "Unset "+strings.Join(unset, ", "))
}

// releaseConfig makes a release with the config as stored now, unless
// --no-restart asked to leave what runs alone.
func (c *call) releaseConfig(a store.App, description string) error {
	// A change that is not released makes no job, so the worker records
	// nothing: the command does. Descriptions name keys, never values.
	switch {
	case c.flag("no-restart"):
		// The worker's restart (ps:restart) replaces containers with the
		// current release's config, so only a new release applies this.
		c.configEvent(a, description+" (not released: --no-restart)")
		c.out("%s on %s; not released (--no-restart): it applies at the next deploy (git push) or ps:restart", description, a.Name)
		return nil
	case a.Release == 0:
		c.configEvent(a, description+" (not released: no deploy yet)")
		c.out("%s on %s; it applies at the first deploy (git push)", description, a.Name)
		return nil
	}
	c.out("%s on %s; releasing it", description, a.Name)
	return c.queueOp(a, tasks.Op{Op: tasks.OpConfig, Description: description}, true)
}

// configEvent records a config change that made no release.
func (c *call) configEvent(a store.App, message string) {
	c.event(store.Event{App: a.Name, Type: store.EventConfig, Actor: c.sess.Key.Name, Message: message})
}

// open opens one sealed value; the error names the key, never the value.
func (c *call) open(key, sealed string) (string, error) {
	if c.Box == nil {
		return "", errors.New("no secret key is loaded: config values cannot be opened")
	}
	v, err := c.Box.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}
