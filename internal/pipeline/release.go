package pipeline

import (
	"context"
	"fmt"

	"github.com/kyozo/kyozo/internal/store"
	"github.com/kyozo/kyozo/internal/topology"
)

// release records the new release, which makes it the app's current one,
// and switches traffic to it.
func (d *Deployer) release(ctx context.Context, dep *deployment, backing []store.BackingService) (int, error) {
	rel := &store.Release{
		App:         dep.p.App,
		Commit:      dep.p.Commit,
		JobID:       dep.p.JobID,
		Pusher:      dep.p.Pusher,
		Description: "Deploy " + short(dep.p.Commit),
		Services:    map[string]store.ReleaseService{},
		Backing:     backing,
		Topology:    topologyJSON(dep.topo),
	}
	links := map[string]map[string]string{}
	for _, b := range dep.topo.BackingServices {
		for _, user := range b.UsedBy {
			if links[user] == nil {
				links[user] = map[string]string{}
			}
			for k, v := range b.Env {
				links[user][k] = v
			}
		}
	}
	for _, sp := range dep.plans {
		s := sp.svc
		rs := store.ReleaseService{
			Image: sp.image, Fingerprint: sp.fingerprint, Kind: string(s.Kind), Port: s.Port,
			Command: sp.command, Env: links[s.Name], Replicas: 1, MemoryMB: s.Resources.MemoryMB,
			CPUs: s.Resources.CPUs, Hosts: sp.hosts, Containers: sp.containers,
		}
		if s.HealthCheck != nil {
			rs.HealthPath = s.HealthCheck.Path
		}
		if s.Kind == topology.KindJob {
			rs.Containers = nil // a job's container has done its work
		}
		rel.Services[s.Name] = rs
	}
	if err := d.Store.AddRelease(ctx, rel); err != nil {
		return 0, fmt.Errorf("recording the release: %w", err)
	}
	// From here the release is recorded: its containers are no longer this
	// job's to clean up, whatever the switch does.
	dep.started = nil
	dep.out.header(ctx, "Releasing v%d", rel.Version)
	if err := d.Switcher.Switch(ctx, dep.p.App, rel.Version); err != nil {
		return 0, fmt.Errorf("switching traffic to v%d: %w", rel.Version, err)
	}
	served := false
	for _, sp := range dep.plans {
		for _, h := range sp.hosts {
			dep.out.info(ctx, "%-12s %s", sp.svc.Name, d.URL(h))
			served = true
		}
	}
	if !served {
		dep.out.info(ctx, "no web service: nothing is routed")
	}
	return rel.Version, nil
}
