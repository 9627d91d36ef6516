package docker

import (
	"context"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/kyozo/kyozo/internal/runtime"
)

// VolumeRemoveAPI is the client method RemoveVolume needs. It is kept out
// of API so that fakes of API need not grow; *client.Client has it.
type VolumeRemoveAPI interface {
	VolumeRemove(ctx context.Context, volumeID string, force bool) error
}

var _ runtime.VolumeRemover = (*Driver)(nil)

// RemoveVolume deletes a named volume Kyozo created; a missing one is
// success. It never forces: a volume a container still uses stays, and the
// engine's error says which container.
func (d *Driver) RemoveVolume(ctx context.Context, name string) error {
	api, ok := d.api.(VolumeRemoveAPI)
	if !ok {
		return errors.New("this engine client cannot remove volumes")
	}
	switch err := d.checkVolume(ctx, name); {
	case cerrdefs.IsNotFound(err):
		return nil
	case err != nil:
		return err
	}
	if err := api.VolumeRemove(ctx, name, false); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove volume %s: %w", name, err)
	}
	return nil
}

// NetworkRemoveAPI is the client method RemoveNetwork needs, kept out of
// API as VolumeRemoveAPI is.
type NetworkRemoveAPI interface {
	NetworkRemove(ctx context.Context, networkID string) error
}

var _ runtime.NetworkRemover = (*Driver)(nil)

// RemoveNetwork deletes an app's network, so that destroyed apps do not
// use up the engine's address pools (a default engine has room for a few
// dozen bridge networks). The network must be the one EnsureNetwork made
// for this app; one with a container still attached stays, and the
// engine's error says so.
func (d *Driver) RemoveNetwork(ctx context.Context, app string) error {
	if err := checkApp(app); err != nil {
		return err
	}
	api, ok := d.api.(NetworkRemoveAPI)
	if !ok {
		return errors.New("this engine client cannot remove networks")
	}
	name := runtime.NetworkName(app)
	err := d.checkNetwork(ctx, name, app)
	switch {
	case cerrdefs.IsNotFound(err):
		return nil
	case err != nil:
		return err
	}
	if err := api.NetworkRemove(ctx, name); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove network %s: %w", name, err)
	}
	return nil
}
