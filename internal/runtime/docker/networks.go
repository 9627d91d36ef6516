package docker

import (
	"context"
	"fmt"
	"maps"
	"regexp"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"

	"github.com/kyozo/kyozo/internal/runtime"
)

// EnsureNetwork creates the app's bridge network if it is missing and
// returns its name. An existing network is reused only when Kyozo made it
// for this app: attaching an app to a stranger's network would let them see
// each other.
func (d *Driver) EnsureNetwork(ctx context.Context, app string) (string, error) {
	if err := checkApp(app); err != nil {
		return "", err
	}
	name := runtime.NetworkName(app)
	err := d.checkNetwork(ctx, name, app)
	if err == nil || !cerrdefs.IsNotFound(err) {
		return name, err
	}
	_, err = d.api.NetworkCreate(ctx, name, network.CreateOptions{
		Driver: "bridge",
		Labels: map[string]string{runtime.LabelManaged: "true", runtime.LabelApp: app},
	})
	// A conflict is another deploy of the same app creating it at the same
	// time; the check below decides whether what it made is usable.
	if err != nil && !cerrdefs.IsConflict(err) {
		return "", fmt.Errorf("create network %s: %w", name, err)
	}
	if err := d.checkNetwork(ctx, name, app); err != nil {
		return "", err
	}
	return name, nil
}

// checkNetwork returns the engine's not-found error as it is, so the caller
// can tell "create it" from "refuse it".
func (d *Driver) checkNetwork(ctx context.Context, name, app string) error {
	n, err := d.api.NetworkInspect(ctx, name, network.InspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return err
	}
	if err != nil {
		return fmt.Errorf("inspect network %s: %w", name, err)
	}
	// The engine also finds networks by ID prefix; only the exact name is
	// the app's network.
	if n.Name != name {
		return fmt.Errorf("network %s: %w", name, cerrdefs.ErrNotFound)
	}
	if !managed(n.Labels) || n.Labels[runtime.LabelApp] != app {
		return fmt.Errorf("%w: network %s exists without the labels %s=true %s=%s", ErrNotManaged, name, runtime.LabelManaged, runtime.LabelApp, app)
	}
	if n.Driver != "bridge" {
		return fmt.Errorf("network %s: driver is %q, want bridge", name, n.Driver)
	}
	return nil
}

// volumeName is the engine's own rule for volume names, checked here so a
// bad name is the caller's error, not an engine message.
var volumeName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// EnsureVolume creates a named local volume if it is missing, labelled
// kyozo.managed=true plus labels. Creating is idempotent in the engine; an
// existing volume is reused only when Kyozo made it, because mounting
// someone else's data into an app would hand it over.
func (d *Driver) EnsureVolume(ctx context.Context, name string, labels map[string]string) error {
	err := d.checkVolume(ctx, name)
	if err == nil || !cerrdefs.IsNotFound(err) {
		return err
	}
	all := maps.Clone(labels)
	if all == nil {
		all = map[string]string{}
	}
	all[runtime.LabelManaged] = "true"
	// Create answers with the volume of that name if another caller made
	// it meanwhile, which is then checked like any existing one.
	v, err := d.api.VolumeCreate(ctx, volume.CreateOptions{Name: name, Driver: "local", Labels: all})
	if err != nil {
		return fmt.Errorf("create volume %s: %w", name, err)
	}
	return volumeOwned(name, v)
}

// checkVolume checks the name and that the volume is Kyozo's; it returns
// the engine's not-found error as it is, as checkNetwork does.
func (d *Driver) checkVolume(ctx context.Context, name string) error {
	if !volumeName.MatchString(name) {
		return fmt.Errorf("%w: volume name %q does not match %s", runtime.ErrInvalidSpec, name, volumeName)
	}
	v, err := d.api.VolumeInspect(ctx, name)
	if cerrdefs.IsNotFound(err) {
		return err
	}
	if err != nil {
		return fmt.Errorf("inspect volume %s: %w", name, err)
	}
	return volumeOwned(name, v)
}

func volumeOwned(name string, v volume.Volume) error {
	if !managed(v.Labels) {
		return fmt.Errorf("%w: volume %s exists without the label %s=true", ErrNotManaged, name, runtime.LabelManaged)
	}
	return nil
}
