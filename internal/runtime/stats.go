package runtime

import "context"

// Stats is one reading of a container's resource use. The CPU and network
// figures are cumulative since the container (re)started, as the kernel
// counts them; memory is what it uses now.
type Stats struct {
	// CPUSeconds is the CPU time the container's processes have used.
	CPUSeconds float64
	// MemoryBytes is memory in use less the page cache the kernel can
	// reclaim at once, the working set `docker stats` shows.
	MemoryBytes uint64
	// RxBytes and TxBytes are received and sent bytes over every interface.
	RxBytes, TxBytes uint64
}

// StatsReader is an optional ability of a Runtime, found by type assertion:
// reading a container's resource use. Only a running container has any; a
// missing one is ErrNotFound.
type StatsReader interface {
	Stats(ctx context.Context, id string) (Stats, error)
}
