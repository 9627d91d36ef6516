package topology_test

import (
	"context"
	"testing"

	"github.com/kyozo/kyozo/internal/topology"
	"github.com/kyozo/kyozo/internal/topology/synth"
)

// BenchmarkAnalyzeMonorepo is the in-process goal: 10,000 files in 20
// services in under 100 ms.
func BenchmarkAnalyzeMonorepo(b *testing.B) {
	dir := b.TempDir()
	if _, err := synth.Monorepo(dir, 20, 10000); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var services int
	for b.Loop() {
		topo, err := topology.Analyze(context.Background(), dir, topology.Options{})
		if err != nil {
			b.Fatal(err)
		}
		services = len(topo.Services)
	}
	if services != 20 {
		b.Fatalf("found %d services, want 20", services)
	}
}

func BenchmarkAnalyzeSmallApp(b *testing.B) {
	dir := b.TempDir()
	if err := synth.SmallApp(dir); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := topology.Analyze(context.Background(), dir, topology.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
