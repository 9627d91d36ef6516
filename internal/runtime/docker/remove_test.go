package docker

import (
	"context"
	"errors"
	"testing"

	"github.com/docker/docker/api/types/network"
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

// networkFake adds NetworkRemove to the engine fake, as *client.Client has it.
type networkFake struct {
	*fakeAPI
	removed []string
}

func (f *networkFake) NetworkRemove(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.networks, name)
	f.removed = append(f.removed, name)
	return nil
}

func TestRemoveNetwork(t *testing.T) {
	ctx := context.Background()
	f := &networkFake{fakeAPI: newFake()}
	d := NewWithAPI(f)
	if _, err := d.EnsureNetwork(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	f.networks["kyozo-blog"] = network.Inspect{Name: "kyozo-blog", Driver: "bridge"} // not Kyozo's

	if err := d.RemoveNetwork(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if len(f.removed) != 1 || f.removed[0] != "kyozo-shop" {
		t.Errorf("removed %v", f.removed)
	}
	if err := d.RemoveNetwork(ctx, "shop"); err != nil {
		t.Errorf("a missing network: %v, want success", err)
	}
	if err := d.RemoveNetwork(ctx, "blog"); !errors.Is(err, ErrNotManaged) {
		t.Errorf("unmanaged network: %v, want ErrNotManaged", err)
	}
	if len(f.removed) != 1 {
		t.Errorf("removed %v: a network Kyozo does not own was touched", f.removed)
	}
	if err := d.RemoveNetwork(ctx, "../x"); !errors.Is(err, runtime.ErrInvalidSpec) {
		t.Errorf("bad name: %v, want ErrInvalidSpec", err)
	}
	if err := NewWithAPI(newFake()).RemoveNetwork(ctx, "shop"); err == nil {
		t.Error("a client without NetworkRemove must say so")
	}
}
