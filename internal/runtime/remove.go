package runtime

import "context"

// VolumeRemover is a runtime that can delete named volumes. It is optional
// (found by type assertion) because only `apps:destroy --purge` needs it:
// backing services' data outlives releases and, unless purged, the app.
type VolumeRemover interface {
	// RemoveVolume deletes a named volume Kyozo created; a missing one is
	// success, one Kyozo did not create is refused, and one a container
	// still uses is an error.
	RemoveVolume(ctx context.Context, name string) error
}

// NetworkRemover is a runtime that can delete an app's network. It is
// optional for the same reason: only apps:destroy needs it.
type NetworkRemover interface {
	// RemoveNetwork deletes the network EnsureNetwork made for app; a
	// missing one is success, one Kyozo did not make for app is refused,
	// and one a container is still attached to is an error.
	RemoveNetwork(ctx context.Context, app string) error
}
