package pipeline

import (
	"context"

	"github.com/kyozo/kyozo/internal/secrets"
	"github.com/kyozo/kyozo/internal/store"
)

// ServiceEnv is the environment a container of the service gets when the
// release's config is sealedConfig: its links to backing services with the
// app's generated secrets filled in, the config opened (it wins over a link
// of the same name), and PORT. One-off containers (`ssh … run`) get exactly
// this.
//
// It runs the very code the deploy runs (openConfig and containerEnv), on a
// Deployer that holds only what that code reads, so the two cannot drift.
// Like a deploy, it creates a generated secret that does not exist yet.
func ServiceEnv(ctx context.Context, st store.Store, box *secrets.Box, app string, spec store.ReleaseService, sealedConfig map[string]string) (map[string]string, error) {
	d := &Deployer{Store: st, Box: box}
	cfg, err := d.openConfig(sealedConfig)
	if err != nil {
		return nil, err
	}
	return d.containerEnv(ctx, app, spec, cfg)
}
