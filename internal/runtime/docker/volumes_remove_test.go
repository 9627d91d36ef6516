package docker

import (
	"context"
	"errors"
	"testing"

	"github.com/docker/docker/api/types/volume"

	"github.com/kyozo/kyozo/internal/runtime"
)

// volumeFake adds VolumeRemove to the engine fake, as *client.Client has it.
type volumeFake struct {
	*fakeAPI
	removed []string
}

func (f *volumeFake) VolumeRemove(_ context.Context, name string, force bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if force {
		return errors.New("forced")
	}
	delete(f.volumes, name)
	f.removed = append(f.removed, name)
	return nil
}

func TestRemoveVolume(t *testing.T) {
	ctx := context.Background()
	f := &volumeFake{fakeAPI: newFake()}
	d := NewWithAPI(f)
	if err := d.EnsureVolume(ctx, "kyozo-shop-pg", map[string]string{runtime.LabelApp: "shop"}); err != nil {
		t.Fatal(err)
	}
	f.volumes["someone-else"] = volume.Volume{Name: "someone-else"}

	if err := d.RemoveVolume(ctx, "kyozo-shop-pg"); err != nil {
		t.Fatal(err)
	}
	if len(f.removed) != 1 || f.removed[0] != "kyozo-shop-pg" {
		t.Errorf("removed %v", f.removed)
	}
	if err := d.RemoveVolume(ctx, "kyozo-shop-pg"); err != nil {
		t.Errorf("a missing volume: %v, want success", err)
	}
	if err := d.RemoveVolume(ctx, "someone-else"); !errors.Is(err, ErrNotManaged) {
		t.Errorf("unmanaged volume: %v, want ErrNotManaged", err)
	}
	if err := d.RemoveVolume(ctx, "../x"); !errors.Is(err, runtime.ErrInvalidSpec) {
		t.Errorf("bad name: %v, want ErrInvalidSpec", err)
	}
	if err := NewWithAPI(newFake()).RemoveVolume(ctx, "kyozo-shop-pg"); err == nil {
		t.Error("a client without VolumeRemove must say so")
	}
}
