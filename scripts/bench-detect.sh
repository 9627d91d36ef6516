#!/usr/bin/env bash
# Measures `kyozo detect`: the whole process on a small app (goal: median
# ≤ 6 ms) and in-process analysis of a 10,000-file, 20-service monorepo
# (goal: < 100 ms), with allocations.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -trimpath -o "$tmp/kyozo" ./cmd/kyozo
go run ./scripts/genmonorepo -small "$tmp/small"
go run ./scripts/genmonorepo -services 20 -files 10000 "$tmp/mono" >/dev/null

echo "== whole process: kyozo detect --format json on a small app"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 20 --runs 300 --export-json "$tmp/h.json" "$tmp/kyozo detect $tmp/small --format json" >/dev/null
	python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"median {r['median']*1000:.2f} ms, mean {r['mean']*1000:.2f} ms ± {r['stddev']*1000:.2f}, min {r['min']*1000:.2f} ms over {len(r['times'])} runs")
PY
else
	# Without hyperfine: 300 runs, median of wall times.
	for _ in $(seq 300); do
		s=$(date +%s%N); "$tmp/kyozo" detect "$tmp/small" --format json >/dev/null; e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | awk '{a[NR]=$1} END {printf "median %.2f ms over %d runs (install hyperfine for more)\n", a[int((NR+1)/2)]/1000, NR}'
fi

echo "== whole process: kyozo detect --format json on the monorepo"
for _ in 1 2 3; do
	s=$(date +%s%N); "$tmp/kyozo" detect "$tmp/mono" --format json >/dev/null; e=$(date +%s%N)
	echo "  $(((e - s) / 1000000)) ms"
done

echo "== in process (go test -bench)"
go test ./internal/topology -run '^$' -bench 'BenchmarkAnalyze' -benchmem -count 5 | grep -E '^Benchmark'
