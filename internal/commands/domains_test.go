package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/store"
)

func TestDomains(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.createApp("blog", "bob")

	// Before a release: stored, and said when they will route.
	e.run(alice, "domains:add", "shop", "Shop.Example.com.").want(t, 0, "Added shop.example.com to shop; it will reach shop's main web service once it has one")
	e.deploy("shop", "alice", commit1, time.Now())
	e.run(alice, "domains:add", "shop", "www.example.com", "www.example.com").want(t, 0,
		"Added www.example.com to shop: http://www.example.com:8000 reaches web (point its DNS at this server)")
	e.run(alice, "domains:add", "shop", "www.example.com").want(t, 0, "shop already has www.example.com")

	r := e.run(alice, "domains", "shop")
	r.want(t, 0, "DOMAIN", "shop.kyozo.test", "web.shop.kyozo.test", "shop.example.com", "www.example.com")
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		f := strings.Fields(line)
		kind := "kyozo"
		if strings.HasSuffix(f[0], ".example.com") {
			kind = "custom"
		}
		if len(f) != 3 || f[1] != kind || f[2] != "web" {
			t.Errorf("domains line %q", line)
		}
	}

	// Another app's domain: refused, and nothing of the request is added.
	e.run(bob, "domains:add", "blog", "blog.example.com", "www.example.com").want(t, 1,
		"domain www.example.com: already exists for another app; nothing was added")
	if got, _ := e.st.Domains(e.ctx, "blog"); len(got) != 0 {
		t.Errorf("blog has %v", got)
	}

	for arg, why := range map[string]string{
		"*.example.com":                 "wildcards are not supported",
		"example.com:8000":              "without scheme, port or path",
		"https://example.com":           "without scheme, port or path",
		"10.0.0.1":                      "an IP address is not a domain",
		"blog.kyozo.test":               "names under kyozo.test are Kyozo's own",
		"kyozo.test":                    "names under kyozo.test are Kyozo's own",
		"bad_label.example.com":         `"bad_label" is not a DNS label`,
		"x-.example.com":                `"x-" is not a DNS label`,
		"a..example.com":                `"" is not a DNS label`,
		strings.Repeat("a", 64):         "is not a DNS label",
		strings.Repeat("a.", 127) + "a": "a host name has 1 to 253 characters",
	} {
		e.run(alice, "domains:add", "shop", "ok.example.com", arg).want(t, 2, why)
	}
	if got, _ := e.st.Domains(e.ctx, "shop"); !slices.Equal(got, []string{"shop.example.com", "www.example.com"}) {
		t.Errorf("after refused adds, shop has %v", got)
	}

	e.run(alice, "domains:remove", "shop", "www.example.com", "nope.example.com").want(t, 1,
		"nope.example.com is not a custom domain of shop (domains shop lists them); nothing was removed")
	e.run(alice, "domains:remove", "shop", "WWW.example.com").want(t, 0, "Removed www.example.com from shop")
	e.run(bob, "domains:add", "blog", "www.example.com").want(t, 0, "Added www.example.com to blog")

	evs, _ := e.st.EventsList(e.ctx, "shop", 0)
	var msgs []string
	for _, ev := range evs {
		if ev.Type == store.EventDomains {
			msgs = append(msgs, ev.Actor+": "+ev.Message)
		}
	}
	if want := []string{"alice: added shop.example.com", "alice: added www.example.com", "alice: removed www.example.com"}; !slices.Equal(msgs, want) {
		t.Errorf("domain events %q, want %q", msgs, want)
	}
}

func TestDomainsReroute(t *testing.T) {
	e := setup(t)
	e.createApp("shop", "alice")
	e.deploy("shop", "alice", commit1, time.Now())
	var rerouted []string
	cmds := New(Deps{Store: e.st, Runtime: e.rt, Repos: e.repos, Box: e.box, Queue: e.q, Canceller: e.q, Domain: "kyozo.test",
		Reroute: func(_ context.Context, app string) error {
			rerouted = append(rerouted, app)
			if len(rerouted) == 2 {
				return errors.New("router gone")
			}
			return nil
		}})
	e.cmds["domains:add"], e.cmds["domains:remove"] = cmds["domains:add"], cmds["domains:remove"]
	e.run(alice, "domains:add", "shop", "www.example.com").want(t, 0)
	if !slices.Equal(rerouted, []string{"shop"}) {
		t.Errorf("rerouted %v", rerouted)
	}
	e.run(alice, "domains:remove", "shop", "www.example.com").want(t, 1, "the domains are stored, but the router did not take them yet", "router gone")
}
