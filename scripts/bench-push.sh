#!/usr/bin/env bash
# Measures git pushes through Kyozo's SSH server (internal/gitserver) on a
# generated repository of about 52 MiB packed, 25k objects and 400 commits:
#   (a) full push and (b) one-commit pushes, with Kyozo's pre-receive hook
#       installed and doing its real work: `kyozo hook pre-receive` asks the
#       daemon's intake (served by the benchmark on a local socket) and is
#       accepted (the pushes go to a branch that does not deploy; a deploy
#       is measured by its own stages). HOOK=true runs `true` instead, to
#       measure the transport and the hook's exec alone;
#   (c) the same pushes through the same server into repositories whose
#       pre-receive hook was removed: plain native receive-pack behind it;
#   (d) native `git push` over the local file transport, no SSH: the floor.
# Rounds are interleaved (the order rotates each round) so drift on the
# machine hits every variant alike. Each round makes, per variant, one full
# push into a new app, then ONE_COMMITS pushes of one commit each on top.
# The figures are medians of the wall time of the client's `git push`.
# Usage: scripts/bench-push.sh [ROUNDS] (default 7; ONE_COMMITS default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-${ROUNDS:-7}}
ones=${ONE_COMMITS:-5}
for bin in git ssh redis-server; do
	command -v "$bin" >/dev/null || { echo "bench-push: $bin is missing (scripts/test-deps.sh installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -trimpath -o "$tmp/benchpush" ./scripts/benchpush
go build -trimpath -o "$tmp/kyozo" ./cmd/kyozo
if [ "${HOOK:-kyozo}" = true ]; then
	hookbin=$(type -P true)
	hookargs=()
else
	hookbin=$tmp/kyozo
	hookargs=(-socket "$tmp/kyozo.sock")
fi

echo "== generating the repository"
"$tmp/benchpush" gen "$tmp/src.git"
src="$tmp/src.git"
git --git-dir="$src" count-objects -vH | awk '/in-pack|size-pack/ {printf "  %s %s %s\n", $1, $2, $3}'
echo "  commits: $(git --git-dir="$src" rev-list --count main), files: $(git --git-dir="$src" ls-tree -r main | wc -l)"
base=$(git --git-dir="$src" rev-parse main)

# A free loopback port for redis-server: the first that nothing answers on.
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "bench-push: no free port" >&2
	exit 1
}
rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --loglevel warning >"$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$rport") 2>/dev/null && break
	sleep 0.05
done

"$tmp/benchpush" serve -redis "redis://127.0.0.1:$rport/0" -root "$tmp/repos" -hostkey "$tmp/hostkey" \
	-client-key "$tmp/id" -port-file "$tmp/port" -kyozo-bin "$hookbin" "${hookargs[@]}" -log "$tmp/server.log" &
pids+=($!)
for _ in $(seq 200); do
	[ -s "$tmp/port" ] && break
	sleep 0.05
done
[ -s "$tmp/port" ] || { echo "bench-push: the server did not start" >&2; cat "$tmp/server.log" >&2; exit 1; }
port=$(cat "$tmp/port")

# The client: no user configuration of ssh or git.
export HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1 LANG=C
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
mkdir -p "$HOME"
export GIT_SSH_COMMAND="ssh -F /dev/null -i $tmp/id -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
remote() { ssh -F /dev/null -i "$tmp/id" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p "$port" git@127.0.0.1 "$@"; }
url() { echo "ssh://git@127.0.0.1:$port/$1"; }

# one_commit TAG PARENT: a new commit on PARENT that edits one file, as a
# fix would.
file=$(git --git-dir="$src" ls-tree -r --name-only main | sed -n 500p)
one_commit() {
	local tag=$1 parent=$2 idx="$tmp/index" blob tree
	blob=$({ git --git-dir="$src" cat-file blob "$parent:$file"; echo "change $tag"; } | git --git-dir="$src" hash-object -w --stdin)
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git --git-dir="$src" read-tree "$parent"
	GIT_INDEX_FILE=$idx git --git-dir="$src" update-index --cacheinfo "100644,$blob,$file"
	tree=$(GIT_INDEX_FILE=$idx git --git-dir="$src" write-tree)
	git --git-dir="$src" commit-tree "$tree" -p "$parent" -m "change $tag"
}

# chain R: ONE_COMMITS commits in a row on base, for round R.
chain() {
	local r=$1 parent=$base c
	for k in $(seq 1 "$ones"); do
		c=$(one_commit "$r.$k" "$parent")
		[ -n "$c" ] || { echo "bench-push: commit-tree failed" >&2; exit 1; }
		echo "$c"
		parent=$c
	done
}

# timed NAME CMD...: runs CMD, appends its wall time in ms to $tmp/t.NAME.
timed() {
	local name=$1 s e
	shift
	s=$(date +%s%N)
	if ! "$@" >"$tmp/out" 2>&1; then
		echo "bench-push: $name failed: $*" >&2
		cat "$tmp/out" >&2
		exit 1
	fi
	e=$(date +%s%N)
	echo "$(((e - s) / 1000))" >>"$tmp/t.$name"
}

push() { git --git-dir="$src" push -q "$@"; }

variant() { # variant KIND ROUND: the full push, then the chain one commit at a time
	local kind=$1 r=$2 target c
	case $kind in
	hook)
		remote bench:prepare "hook-$r" >/dev/null
		target=$(url "hook-$r")
		;;
	plain)
		remote bench:prepare --no-hook "plain-$r" >/dev/null
		target=$(url "plain-$r")
		;;
	local)
		target="$tmp/local/r$r.git"
		git init -q --bare "$target"
		;;
	esac
	timed "full-$kind" push "$target" "$base:refs/heads/main"
	for c in "${commits[@]}"; do
		timed "one-$kind" push "$target" "$c:refs/heads/main"
	done
}

# A warm-up round, not counted: page cache, ssh and git binaries.
mapfile -t commits < <(chain 0)
variant hook 0
variant plain 0
variant local 0
rm -f "$tmp"/t.*

echo "== $rounds rounds, interleaved (server on 127.0.0.1:$port, hook KYOZO_BIN=$hookbin)"
kinds=(hook plain local)
for r in $(seq 1 "$rounds"); do
	mapfile -t commits < <(chain "$r")
	for i in 0 1 2; do
		variant "${kinds[$(((r + i) % 3))]}" "$r"
	done
	last() { tail -"$2" "$tmp/t.$1" | awk '{printf "%s%d", (NR > 1 ? "," : ""), $1 / 1000}'; }
	printf "  round %d: full %s/%s/%s ms; one-commit hook %s, plain %s, local %s ms\n" "$r" \
		"$(last full-hook 1)" "$(last full-plain 1)" "$(last full-local 1)" \
		"$(last one-hook "$ones")" "$(last one-plain "$ones")" "$(last one-local "$ones")"
done

# Every push landed where it should, and the hooked repositories kept their hook.
for r in $(seq 1 "$rounds"); do
	[ -x "$tmp/repos/hook-$r.git/hooks/pre-receive" ] || { echo "bench-push: hook-$r lost its hook" >&2; exit 1; }
	[ ! -e "$tmp/repos/plain-$r.git/hooks/pre-receive" ] || { echo "bench-push: plain-$r has a hook" >&2; exit 1; }
	for d in "$tmp/repos/hook-$r.git" "$tmp/repos/plain-$r.git" "$tmp/local/r$r.git"; do
		[ "$(git --git-dir="$d" rev-list --count main)" = "$(($(git --git-dir="$src" rev-list --count main) + ones))" ] ||
			{ echo "bench-push: $d does not hold every push" >&2; exit 1; }
	done
done
grep -q 'command=git-receive-pack app=hook-1 exit=0' "$tmp/server.log" || { echo "bench-push: the server did not log the pushes" >&2; exit 1; }

median() { sort -n "$tmp/t.$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "== medians over $rounds rounds ($rounds full pushes, $((rounds * ones)) one-commit pushes per variant)"
declare -A m
for k in full-hook full-plain full-local one-hook one-plain one-local; do
	m[$k]=$(median "$k")
done
ms() { awk -v u="$1" 'BEGIN {printf "%8.1f ms", u/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
printf "  %-44s %s   %s\n" "" "full push" "one-commit push"
printf "  %-44s %s %s\n" "(a,b) Kyozo SSH server, Kyozo hook present" "$(ms "${m[full-hook]}")" "$(ms "${m[one-hook]}")"
printf "  %-44s %s %s\n" "(c)   Kyozo SSH server, no pre-receive hook" "$(ms "${m[full-plain]}")" "$(ms "${m[one-plain]}")"
printf "  %-44s %s %s\n" "(d)   git push, local file transport" "$(ms "${m[full-local]}")" "$(ms "${m[one-local]}")"
echo "== ratios"
printf "  hook / no hook (same server):   full %s, one-commit %s\n" "$(ratio "${m[full-hook]}" "${m[full-plain]}")" "$(ratio "${m[one-hook]}" "${m[one-plain]}")"
printf "  Kyozo with hook / local git:    full %s, one-commit %s\n" "$(ratio "${m[full-hook]}" "${m[full-local]}")" "$(ratio "${m[one-hook]}" "${m[one-local]}")"
printf "  Kyozo without hook / local git: full %s, one-commit %s\n" "$(ratio "${m[full-plain]}" "${m[full-local]}")" "$(ratio "${m[one-plain]}" "${m[one-local]}")"
