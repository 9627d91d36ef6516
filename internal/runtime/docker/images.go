package docker

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/image"
)

// ImageExists reports whether an image is present locally. It never asks a
// registry: the engine Kyozo runs on may have none to ask.
func (d *Driver) ImageExists(ctx context.Context, ref string) (bool, error) {
	if ref == "" {
		return false, nil
	}
	_, err := d.api.ImageInspect(ctx, ref)
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("inspect image %s: %w", ref, err)
	}
}

// RemoveImage deletes an image and the untagged parents only it used; a
// missing one is success, as for containers. It does not force: an image a
// container still uses stays, and the error says which.
func (d *Driver) RemoveImage(ctx context.Context, ref string) error {
	_, err := d.api.ImageRemove(ctx, ref, image.RemoveOptions{PruneChildren: true})
	if err == nil || cerrdefs.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("remove image %s: %w", ref, err)
}
