package docker

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/kyozo/kyozo/internal/runtime"
	"github.com/kyozo/kyozo/internal/testutil/dockertest"
)

// statsFake is the in-memory engine plus the stats endpoint, answering
// every container with body.
type statsFake struct {
	*fakeAPI
	body string
}

func (f *statsFake) ContainerStatsOneShot(_ context.Context, id string) (container.StatsResponseReader, error) {
	if f.lookup(id) == nil {
		return container.StatsResponseReader{}, notFound("container " + id)
	}
	return container.StatsResponseReader{Body: io.NopCloser(strings.NewReader(f.body)), OSType: "linux"}, nil
}

func TestStatsDecode(t *testing.T) {
	tests := []struct {
		name string
		body string
		want runtime.Stats
	}{
		{
			// cgroup v1, as this host's engine reports it: the hierarchical
			// total_inactive_file comes off, not the whole cache.
			name: "cgroup v1",
			body: `{"read":"2026-01-02T03:04:05Z","cpu_stats":{"cpu_usage":{"total_usage":2500000000,"usage_in_usermode":1}},
				"memory_stats":{"usage":10485760,"limit":67108864,"stats":{"cache":4194304,"total_inactive_file":1048576,"inactive_file":1048576,"rss":5242880}},
				"networks":{"eth0":{"rx_bytes":1000,"tx_bytes":200},"eth1":{"rx_bytes":24,"tx_bytes":6}}}`,
			want: runtime.Stats{CPUSeconds: 2.5, MemoryBytes: 10485760 - 1048576, RxBytes: 1024, TxBytes: 206},
		},
		{
			name: "cgroup v1 without total_inactive_file",
			body: `{"memory_stats":{"usage":1000,"stats":{"cache":300}}}`,
			want: runtime.Stats{MemoryBytes: 700},
		},
		{
			name: "cgroup v2",
			body: `{"cpu_stats":{"cpu_usage":{"total_usage":1}},"memory_stats":{"usage":5000,"stats":{"inactive_file":2000,"file":3000,"anon":2000}},"networks":{"eth0":{"rx_bytes":7,"tx_bytes":8}}}`,
			want: runtime.Stats{CPUSeconds: 1e-9, MemoryBytes: 3000, RxBytes: 7, TxBytes: 8},
		},
		{
			name: "cache larger than usage is not subtracted below zero",
			body: `{"memory_stats":{"usage":100,"stats":{"inactive_file":200}}}`,
			want: runtime.Stats{MemoryBytes: 100},
		},
		{
			name: "stopped container",
			body: `{"read":"0001-01-01T00:00:00Z","cpu_stats":{"cpu_usage":{"total_usage":0}},"memory_stats":{}}`,
			want: runtime.Stats{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &statsFake{fakeAPI: newFake(), body: tt.body}
			f.addContainer("c1", "kyozo-shop-web-1", nil, true)
			got, err := NewWithAPI(f).Stats(context.Background(), "c1")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("Stats = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStatsErrors(t *testing.T) {
	f := &statsFake{fakeAPI: newFake(), body: `{"cpu_stats":`}
	f.addContainer("c1", "kyozo-shop-web-1", nil, true)
	d := NewWithAPI(f)
	if _, err := d.Stats(context.Background(), "gone"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("missing container: err = %v, want ErrNotFound", err)
	}
	if _, err := d.Stats(context.Background(), "c1"); err == nil || !strings.Contains(err.Error(), "decode") {
		t.Errorf("truncated body: err = %v", err)
	}
	// A client without the stats endpoint says so instead of panicking.
	if _, err := NewWithAPI(newFake()).Stats(context.Background(), "c1"); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("client without stats: err = %v, want ErrUnsupported", err)
	}
}

// TestIntegrationStats reads a real container that has burnt some CPU and
// served some HTTP, and one that is gone.
func TestIntegrationStats(t *testing.T) {
	dockertest.Need(t)
	e := newEngine(t)
	ctx := context.Background()
	net := e.network(t)

	web := e.run(t, runtime.ContainerSpec{
		Name: "web",
		// Count to 100,000 in shell first: a few hundred ms of CPU.
		Cmd: []string{"sh", "-c", `i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done
mkdir -p /tmp/www && echo hello > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www`},
		Network: net, Aliases: []string{"web"},
		Labels:   map[string]string{runtime.LabelService: "web", runtime.LabelKind: "service"},
		MemoryMB: 64,
	})
	e.run(t, runtime.ContainerSpec{
		Name:    "client",
		Cmd:     []string{"sh", "-c", `i=0; while [ $i -lt 300 ]; do wget -q -O /dev/null http://web:8080/ && i=$((i+1)); sleep 0.1; done; sleep 600`},
		Network: net,
		Labels:  map[string]string{runtime.LabelService: "client", runtime.LabelKind: "service"},
	})

	var got runtime.Stats
	deadline := time.Now().Add(60 * time.Second)
	for {
		var err error
		got, err = e.d.Stats(ctx, web.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CPUSeconds > 0 && got.RxBytes > 0 && got.TxBytes > 0 && got.MemoryBytes > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stats never showed CPU, memory and traffic: %+v", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got.MemoryBytes > 64<<20 {
		t.Errorf("memory %d above the container's 64 MiB limit", got.MemoryBytes)
	}
	// Cumulative: a later reading is never lower.
	time.Sleep(300 * time.Millisecond)
	later, err := e.d.Stats(ctx, web.ID)
	if err != nil {
		t.Fatal(err)
	}
	if later.CPUSeconds < got.CPUSeconds || later.RxBytes < got.RxBytes || later.TxBytes < got.TxBytes {
		t.Errorf("counters went back: %+v then %+v", got, later)
	}
	t.Logf("web: %+v", later)

	if _, err := e.d.Stats(ctx, "kyozo-test-no-such-container"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("missing container: err = %v, want ErrNotFound", err)
	}
}
