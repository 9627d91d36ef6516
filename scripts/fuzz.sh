#!/usr/bin/env bash
# Runs every Fuzz target in the module briefly: the seed corpus always,
# plus a budget of coverage-guided inputs (default 10000 executions each).
# The budget is a count, not a duration: go1.26's fuzz coordinator can
# report a spurious "context deadline exceeded" when a wall-clock
# -fuzztime ends mid-execution (golang/go#75804, fixed in go1.27).
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-10000x}"
n=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
	for t in $targets; do
		go test "$pkg" -run '^$' -fuzz "^${t}\$" -fuzztime "$budget" >/tmp/kyozo-fuzz.log 2>&1 || {
			cat /tmp/kyozo-fuzz.log
			echo "fuzz: $pkg $t failed"
			exit 1
		}
		n=$((n + 1))
	done
done
echo "fuzz: $n targets, $budget each, no failure"
