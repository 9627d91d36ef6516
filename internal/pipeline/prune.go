package pipeline

import "context"

// prune removes the images of releases older than the last keep_releases,
// unless a kept release still uses them (an unchanged service keeps its
// image across releases). Pruning never fails a job: an image in use by a
// container, or already gone, is left to the next pass.
func (d *Deployer) prune(ctx context.Context, job *jobRun) {
	keep := max(d.Config.KeepReleases, 1)
	rels, err := d.Store.ReleasesList(ctx, job.app, 0)
	if err != nil || len(rels) <= keep {
		return
	}
	kept := map[string]bool{}
	for _, r := range rels[:keep] {
		for _, s := range r.Services {
			kept[s.Image] = true
		}
	}
	app, err := d.Store.App(ctx, job.app)
	if err == nil && app.Release > 0 {
		if cur, err := d.Store.Release(ctx, job.app, app.Release); err == nil {
			for _, s := range cur.Services {
				kept[s.Image] = true
			}
		}
	}
	removed := map[string]bool{}
	for _, r := range rels[keep:] {
		for _, s := range r.Services {
			if kept[s.Image] || removed[s.Image] {
				continue
			}
			removed[s.Image] = true
			if err := d.Runtime.RemoveImage(ctx, s.Image); err != nil {
				d.Logger.Debug("prune", "app", job.app, "image", s.Image, "err", err)
			}
		}
	}
}
