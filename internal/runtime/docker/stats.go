package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/kyozo/kyozo/internal/runtime"
)

// StatsAPI is the part of the Docker client that reads a container's
// resource use. It is not in API, so fakes of the driver's contract need
// not grow it; Stats finds it by type assertion.
type StatsAPI interface {
	ContainerStatsOneShot(ctx context.Context, containerID string) (container.StatsResponseReader, error)
}

var (
	_ StatsAPI            = (*client.Client)(nil)
	_ runtime.StatsReader = (*Driver)(nil)
)

// maxStatsBody bounds what Stats reads: one reading is a few KiB.
const maxStatsBody = 1 << 20

// Stats reads a container's resource use once. It asks for one sample
// without priming (stream=0, one-shot=1, API 1.41), so it does not wait the
// second the engine otherwise takes to fill in the previous CPU reading:
// Kyozo only needs the cumulative counters. A stopped container reads as
// zeros; a missing one is runtime.ErrNotFound.
func (d *Driver) Stats(ctx context.Context, id string) (runtime.Stats, error) {
	api, ok := d.api.(StatsAPI)
	if !ok {
		return runtime.Stats{}, fmt.Errorf("stats of container %s: %w: client %T cannot read stats", id, errors.ErrUnsupported, d.api)
	}
	resp, err := api.ContainerStatsOneShot(ctx, id)
	if cerrdefs.IsNotFound(err) {
		return runtime.Stats{}, fmt.Errorf("%w: %s", runtime.ErrNotFound, id)
	}
	if err != nil {
		return runtime.Stats{}, fmt.Errorf("stats of container %s: %w", id, err)
	}
	defer resp.Body.Close()
	var s engineStats
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxStatsBody)).Decode(&s); err != nil {
		return runtime.Stats{}, fmt.Errorf("stats of container %s: decode: %w", id, err)
	}
	return s.toStats(), nil
}

// engineStats is the part of the Engine API's stats JSON Kyozo reads;
// decoding only these fields keeps a reading to a handful of allocations.
type engineStats struct {
	CPUStats struct {
		CPUUsage struct {
			TotalUsage uint64 `json:"total_usage"` // nanoseconds
		} `json:"cpu_usage"`
	} `json:"cpu_stats"`
	MemoryStats struct {
		Usage uint64            `json:"usage"`
		Stats map[string]uint64 `json:"stats"`
	} `json:"memory_stats"`
	Networks map[string]struct {
		RxBytes uint64 `json:"rx_bytes"`
		TxBytes uint64 `json:"tx_bytes"`
	} `json:"networks"`
}

func (s *engineStats) toStats() runtime.Stats {
	out := runtime.Stats{
		CPUSeconds:  float64(s.CPUStats.CPUUsage.TotalUsage) / 1e9,
		MemoryBytes: workingSet(s.MemoryStats.Usage, s.MemoryStats.Stats),
	}
	for _, n := range s.Networks {
		out.RxBytes += n.RxBytes
		out.TxBytes += n.TxBytes
	}
	return out
}

// workingSet is usage less the page cache the kernel reclaims first, the
// figure `docker stats` prints and the OOM killer goes by. cgroup v1 names
// that cache total_inactive_file (its whole "cache" also counts active file
// pages, which would understate a service that reads files hard; old
// engines that report no total_inactive_file fall back to it); cgroup v2
// names it inactive_file.
func workingSet(usage uint64, stats map[string]uint64) uint64 {
	for _, key := range []string{"total_inactive_file", "inactive_file", "cache"} {
		if v, ok := stats[key]; ok {
			if v < usage {
				return usage - v
			}
			return usage
		}
	}
	return usage
}
