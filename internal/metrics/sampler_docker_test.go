package metrics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/runtime/docker"
	"github.com/kyozo/kyozo/internal/testutil/dockertest"
)

// TestSamplerDocker samples a real container through the Docker driver, as
// kyozo serve wires it: the driver is both the lister and the stats reader.
func TestSamplerDocker(t *testing.T) {
	image := dockertest.Busybox(t)
	ctx := context.Background()
	d, err := docker.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	b := make([]byte, 5)
	rand.Read(b)
	app := "test-" + hex.EncodeToString(b)

	c, err := d.Run(ctx, runtime.ContainerSpec{
		Name:  "kyozo-" + app + "-web-1",
		Image: image,
		Cmd:   []string{"sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 600"},
		Labels: map[string]string{
			runtime.LabelApp: app, runtime.LabelService: "web", runtime.LabelKind: "service", runtime.LabelRelease: "1",
		},
		MemoryMB: 32,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = d.Stop(context.Background(), c.ID, 0) // sleep as PID 1 ignores SIGTERM
		_ = d.Remove(context.Background(), c.ID)
	})

	stats, ok := runtime.Runtime(d).(runtime.StatsReader)
	if !ok {
		t.Fatal("the docker driver reads no stats")
	}
	s, _ := newSampler(t, SamplerConfig{
		Containers: d, Stats: stats,
		Desired: desired(map[string]map[string]int{app: {"web": 1, "worker": 1}}),
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := s.Sample(ctx); err != nil {
			t.Logf("sample: %v", err) // other tests' containers may come and go
		}
		got := sampled(t, s)
		if got["kyozo_service_cpu_seconds_total "+app+"/web"] > 0 {
			expect(t, got, map[string]float64{
				"kyozo_service_up " + app + "/web": 1, "kyozo_service_replicas_running " + app + "/web": 1,
				"kyozo_service_healthy_replicas " + app + "/web": 1, "kyozo_service_replicas_desired " + app + "/web": 1,
				"kyozo_service_up " + app + "/worker": 0, "kyozo_service_replicas_desired " + app + "/worker": 1,
			})
			if m := got["kyozo_service_memory_bytes "+app+"/web"]; m <= 0 || m > 32<<20 {
				t.Errorf("memory = %v, want within the 32 MiB limit", m)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CPU sampled for %s/web: %v", app, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
