package docker

import (
	"context"
	"errors"
	"testing"

	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"

	"github.com/kyozo/kyozo/internal/runtime"
)

func volumeOf(name string, labels map[string]string) volume.Volume {
	return volume.Volume{Name: name, Driver: "local", Labels: labels}
}

func TestEnsureNetwork(t *testing.T) {
	ctx := context.Background()
	mine := map[string]string{runtime.LabelManaged: "true", runtime.LabelApp: "shop"}
	tests := []struct {
		name       string
		app        string
		existing   *network.Inspect
		createErr  error
		wantErr    error
		wantCreate int
	}{
		{name: "missing is created", app: "shop", wantCreate: 1},
		{name: "ours is reused", app: "shop", existing: &network.Inspect{Name: "kyozo-shop", Driver: "bridge", Labels: mine}},
		{name: "foreign is refused", app: "shop", existing: &network.Inspect{Name: "kyozo-shop", Driver: "bridge"}, wantErr: ErrNotManaged},
		{name: "another app's is refused", app: "shop", existing: &network.Inspect{Name: "kyozo-shop", Driver: "bridge",
			Labels: map[string]string{runtime.LabelManaged: "true", runtime.LabelApp: "blog"}}, wantErr: ErrNotManaged},
		{name: "bad app name", app: "Shop!", wantErr: runtime.ErrInvalidSpec},
		{name: "engine error", app: "shop", createErr: errors.New("no free address pool"), wantCreate: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.existing != nil {
				f.networks[tt.existing.Name] = *tt.existing
			}
			f.networkCreateErr = tt.createErr
			name, err := NewWithAPI(f).EnsureNetwork(ctx, tt.app)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.createErr != nil:
				if err == nil {
					t.Fatal("engine error swallowed")
				}
			case err != nil:
				t.Fatal(err)
			default:
				if name != "kyozo-"+tt.app {
					t.Errorf("name = %q", name)
				}
				n := f.networks[name]
				if n.Driver != "bridge" || n.Labels[runtime.LabelManaged] != "true" || n.Labels[runtime.LabelApp] != tt.app {
					t.Errorf("network = %+v", n)
				}
			}
			if got := f.called("NetworkCreate"); got != tt.wantCreate {
				t.Errorf("NetworkCreate called %d times, want %d", got, tt.wantCreate)
			}
		})
	}
}

// A concurrent deploy creating the same network between the check and the
// create is a conflict the driver resolves by checking again.
func TestEnsureNetworkRace(t *testing.T) {
	f := newFake()
	f.beforeNetworkCreate = func(f *fakeAPI) {
		f.networks["kyozo-shop"] = network.Inspect{Name: "kyozo-shop", Driver: "bridge",
			Labels: map[string]string{runtime.LabelManaged: "true", runtime.LabelApp: "shop"}}
	}
	if _, err := NewWithAPI(f).EnsureNetwork(context.Background(), "shop"); err != nil {
		t.Fatal(err)
	}
	if f.called("NetworkCreate") != 1 || f.called("NetworkInspect") != 2 {
		t.Errorf("calls = %v", f.calls)
	}
}

func TestEnsureVolume(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	d := NewWithAPI(f)
	if err := d.EnsureVolume(ctx, "kyozo-shop-pg", map[string]string{runtime.LabelApp: "shop"}); err != nil {
		t.Fatal(err)
	}
	if err := d.EnsureVolume(ctx, "kyozo-shop-pg", nil); err != nil {
		t.Fatalf("second ensure: %v", err)
	}
	if n := f.called("VolumeCreate"); n != 1 {
		t.Errorf("VolumeCreate called %d times", n)
	}
	f.volumes["theirs"] = volumeOf("theirs", map[string]string{"owner": "bob"})
	if err := d.EnsureVolume(ctx, "theirs", nil); !errors.Is(err, ErrNotManaged) {
		t.Errorf("foreign volume: %v", err)
	}
	if err := d.EnsureVolume(ctx, "../etc", nil); !errors.Is(err, runtime.ErrInvalidSpec) {
		t.Errorf("bad name: %v", err)
	}
}

func TestImages(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	f.images["kyozo/shop-web:v1"] = true
	d := NewWithAPI(f)
	if ok, err := d.ImageExists(ctx, "kyozo/shop-web:v1"); !ok || err != nil {
		t.Errorf("ImageExists = %v, %v", ok, err)
	}
	if ok, err := d.ImageExists(ctx, "kyozo/shop-web:v2"); ok || err != nil {
		t.Errorf("ImageExists(absent) = %v, %v", ok, err)
	}
	for range 2 {
		if err := d.RemoveImage(ctx, "kyozo/shop-web:v1"); err != nil {
			t.Errorf("RemoveImage: %v", err)
		}
	}
}
