#!/usr/bin/env bash
# Runs every Fuzz target in the module for a short time each (default 3s):
# the seed corpus always, plus that much coverage-guided input.
set -euo pipefail
cd "$(dirname "$0")/.."
time="${1:-3s}"
n=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
	for t in $targets; do
		go test "$pkg" -run '^$' -fuzz "^${t}\$" -fuzztime "$time" >/tmp/kyozo-fuzz.log 2>&1 || {
			cat /tmp/kyozo-fuzz.log
			echo "fuzz: $pkg $t failed"
			exit 1
		}
		n=$((n + 1))
	done
done
echo "fuzz: $n targets, $time each, no failure"
