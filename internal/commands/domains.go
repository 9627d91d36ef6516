package commands

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/kyozo/kyozo/internal/lazyre"
	"github.com/kyozo/kyozo/internal/store"
)

// maxDomains bounds the custom domains of one app.
const maxDomains = 100

// domainLabel is one label of a host name (RFC 1123).
var domainLabel = lazyre.New(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// checkDomain returns host as the router matches it (lower case, without
// a trailing dot), or says what is wrong with it. Names under the
// platform's domain are Kyozo's own (APP.DOMAIN), so they cannot be added.
func (c *call) checkDomain(host string) (string, error) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	switch {
	case h == "" || len(h) > 253:
		return "", usageError("invalid domain %q: a host name has 1 to 253 characters", host)
	case strings.HasPrefix(h, "*."):
		return "", usageError("invalid domain %q: wildcards are not supported; add each name", host)
	case strings.ContainsAny(h, ":/"):
		return "", usageError("invalid domain %q: a host name only, without scheme, port or path", host)
	case net.ParseIP(h) != nil:
		return "", usageError("invalid domain %q: an IP address is not a domain", host)
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if !domainLabel.Re().MatchString(l) {
			return "", usageError("invalid domain %q: %q is not a DNS label (letters, digits and inner hyphens, up to 63)", host, l)
		}
	}
	if c.Domain != "" && (h == c.Domain || strings.HasSuffix(h, "."+c.Domain)) {
		return "", usageError("invalid domain %q: names under %s are Kyozo's own (APP.%s reaches an app)", host, c.Domain, c.Domain)
	}
	return h, nil
}

// domains lists the host names that reach an app: Kyozo's and its own.
func (c *call) domains() error {
	a, err := c.oneApp()
	if err != nil {
		return err
	}
	custom, err := c.Store.Domains(c.ctx, a.Name)
	if err != nil {
		return err
	}
	rel, err := c.current(a)
	if err != nil {
		return err
	}
	tw := table(c.sess.Stdout)
	fmt.Fprintln(tw, "DOMAIN\tKIND\tSERVICE")
	for _, name := range serviceOrder(rel) {
		for _, h := range rel.Services[name].Hosts {
			fmt.Fprintf(tw, "%s\tkyozo\t%s\n", h, name)
		}
	}
	main := rel.MainService(c.Domain)
	for _, h := range custom {
		fmt.Fprintf(tw, "%s\tcustom\t%s\n", h, orDash(main))
	}
	return tw.Flush()
}

// domainsAdd gives an app custom domains, all or none.
func (c *call) domainsAdd() error {
	if err := c.nargs(2, -1); err != nil {
		return err
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	var hosts []string
	for _, arg := range c.args[1:] {
		h, err := c.checkDomain(arg)
		if err != nil {
			return err
		}
		if !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	have, err := c.Store.Domains(c.ctx, a.Name)
	if err != nil {
		return err
	}
	var added []string
	for _, h := range hosts {
		if !slices.Contains(have, h) {
			added = append(added, h)
		}
	}
	if len(added) == 0 {
		c.out("%s already has %s", a.Name, strings.Join(hosts, ", "))
		return nil
	}
	if len(have)+len(added) > maxDomains {
		return failed("%s would have %d domains; an app has at most %d", a.Name, len(have)+len(added), maxDomains)
	}
	if err := c.Store.AddDomains(c.ctx, a.Name, added); errors.Is(err, store.ErrExists) {
		return failed("%v; nothing was added", err)
	} else if err != nil {
		return err
	}
	c.event(store.Event{App: a.Name, Type: store.EventDomains, Actor: c.sess.Key.Name, Message: "added " + strings.Join(added, ", ")})
	if err := c.reroute(a.Name); err != nil {
		return err
	}
	rel, err := c.current(a)
	if err != nil {
		return err
	}
	main := rel.MainService(c.Domain)
	for _, h := range added {
		if main == "" {
			c.out("Added %s to %s; it will reach %s's main web service once it has one", h, a.Name, a.Name)
			continue
		}
		c.out("Added %s to %s: %s reaches %s (point its DNS at this server)", h, a.Name, c.URL(h), main)
	}
	return nil
}

// domainsRemove takes custom domains off an app.
func (c *call) domainsRemove() error {
	if err := c.nargs(2, -1); err != nil {
		return err
	}
	a, err := c.app(c.args[0])
	if err != nil {
		return err
	}
	have, err := c.Store.Domains(c.ctx, a.Name)
	if err != nil {
		return err
	}
	var hosts, unknown []string
	for _, arg := range c.args[1:] {
		h := strings.TrimSuffix(strings.ToLower(arg), ".")
		switch {
		case !slices.Contains(have, h):
			unknown = append(unknown, arg)
		case !slices.Contains(hosts, h):
			hosts = append(hosts, h)
		}
	}
	if len(unknown) > 0 {
		return failed("%s is not a custom domain of %s (domains %s lists them); nothing was removed", strings.Join(unknown, ", "), a.Name, a.Name)
	}
	if _, err := c.Store.RemoveDomains(c.ctx, a.Name, hosts); err != nil {
		return err
	}
	c.event(store.Event{App: a.Name, Type: store.EventDomains, Actor: c.sess.Key.Name, Message: "removed " + strings.Join(hosts, ", ")})
	if err := c.reroute(a.Name); err != nil {
		return err
	}
	c.out("Removed %s from %s", strings.Join(hosts, ", "), a.Name)
	return nil
}

// reroute puts the app's domains on the router now.
func (c *call) reroute(app string) error {
	if c.Reroute == nil {
		return nil
	}
	if err := c.Reroute(c.ctx, app); err != nil {
		return failed("the domains are stored, but the router did not take them yet (it will on the next deploy or restart): %v", err)
	}
	return nil
}
