#!/usr/bin/env bash
# Measures Kyozo's router against nginx proxying the same upstream (goal:
# router ≥ 0.9× nginx's requests/s). wrk runs interleaved rounds against
# the router, nginx and the upstream directly, with the same threads and
# connections, then at one connection for the latency each proxy adds.
# Everything listens on 127.0.0.1; all files live in a temp dir.
#
# Besides requests/s it prints each proxy's CPU time per request, read from
# /proc: on a shared machine throughput swings with the neighbours' load,
# while CPU per request moves much less.
#
# Environment: ROUNDS (5), DURATION (10s), LATENCY_DURATION (5s),
# THREADS (2), CONNS (64), PROFILE=1 to add a CPU profile of the router
# under load, ROUTER_GOMAXPROCS / ROUTER_GOGC to try runtime settings on it.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
duration=${DURATION:-10s}
lat_duration=${LATENCY_DURATION:-5s}
threads=${THREADS:-2}
conns=${CONNS:-64}
host=bench.localhost

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
	echo "== installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# wait_addr FILE: waits for a server to write its address, then prints it.
wait_addr() {
	for _ in $(seq 100); do
		[ -s "$1" ] && { cat "$1"; return; }
		sleep 0.1
	done
	echo "no address in $1" >&2
	exit 1
}

# free_port: a loopback port nothing listens on (nginx cannot listen on :0).
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "no free port" >&2
	exit 1
}

echo "== building"
go build -trimpath -o "$tmp/upstream" ./scripts/benchupstream
go build -trimpath -o "$tmp/router" ./scripts/benchrouter

"$tmp/upstream" -addr-file "$tmp/upstream.addr" &
upstream_pid=$!
pids+=("$upstream_pid")
upstream=$(wait_addr "$tmp/upstream.addr")

start_router() { # start_router [extra flags...]
	rm -f "$tmp/router.addr"
	env ${ROUTER_GOMAXPROCS:+GOMAXPROCS=$ROUTER_GOMAXPROCS} ${ROUTER_GOGC:+GOGC=$ROUTER_GOGC} \
		"$tmp/router" -upstream "$upstream" -host "$host" -addr-file "$tmp/router.addr" "$@" &
	router_pid=$!
	pids+=("$router_pid")
	router=$(wait_addr "$tmp/router.addr")
}
start_router

nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	upstream app {
		server $upstream;
		keepalive 256;
	}
	server {
		listen 127.0.0.1:$nginx_port;
		server_name $host;
		location / {
			proxy_pass http://app;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host \$http_host;
			proxy_set_header X-Forwarded-For \$remote_addr;
			proxy_set_header X-Forwarded-Proto \$scheme;
			proxy_set_header X-Forwarded-Host \$http_host;
		}
	}
}
EOF
"$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null && break
	sleep 0.1
done
nginx=127.0.0.1:$nginx_port

for name in router nginx upstream; do
	addr=${!name}
	body=$(curl -sS -H "Host: $host" "http://$addr/")
	[ ${#body} -eq 2048 ] || { echo "$name at $addr answered ${#body} bytes" >&2; exit 1; }
done
echo "upstream $upstream, router $router, nginx $nginx; $(nproc) cores; wrk -t$threads -c$conns -d$duration, $rounds rounds"

# cpu_ticks NAME: CPU time (user + system, in clock ticks) used so far by
# the server behind NAME: the router's process, nginx's workers, or the
# upstream (a plain Go net/http server: the floor under any Go proxy).
cpu_ticks() {
	local ps t=0
	case $1 in
	router) ps=$router_pid ;;
	nginx) ps=$(pgrep -P "$nginx_pid" | tr '\n' ' ') ;;
	upstream) ps=$upstream_pid ;;
	esac
	for p in $ps; do
		# Fields 14 and 15 of /proc/PID/stat, counted after the ")" that
		# ends the command name.
		t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
	done
	echo "$t"
}
hz=$(getconf CLK_TCK)

# run_wrk NAME THREADS CONNS DURATION: prints requests/s, p50 latency in µs
# and the proxy's CPU µs per request.
run_wrk() {
	local addr=${!1} before after
	before=$(cpu_ticks "$1")
	wrk -t"$2" -c"$3" -d"$4" --latency -H "Host: $host" "http://$addr/" >"$tmp/wrk.out"
	after=$(cpu_ticks "$1")
	if grep -q -E 'Non-2xx|Socket errors' "$tmp/wrk.out"; then
		echo "wrk against $1 ($addr) saw errors:" >&2
		cat "$tmp/wrk.out" >&2
		exit 1
	fi
	awk -v ticks=$((after - before)) -v hz="$hz" '
		/Requests\/sec/ { rps = $2 }
		/requests in/ { n = $1 }
		$1 == "50%" {
			v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
			p50 = (u == "us") ? v : (u == "ms") ? v * 1000 : v * 1000000
		}
		END { printf "%.0f %.1f %.1f\n", rps, p50, n ? ticks / hz * 1e6 / n : 0 }' "$tmp/wrk.out"
}

median() { sort -n | awk '{a[NR] = $1} END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "== warm-up"
for name in router nginx upstream; do run_wrk "$name" "$threads" "$conns" 2s >/dev/null; done

: >"$tmp/results"
for round in $(seq "$rounds"); do
	for name in router nginx upstream; do
		read -r rps _ cpu < <(run_wrk "$name" "$threads" "$conns" "$duration")
		printf 'round %s  %-8s -c%-3s %7s req/s  %6s µs CPU/req\n' "$round" "$name" "$conns" "$rps" "$cpu"
		echo "$name rps $rps" >>"$tmp/results"
		echo "$name cpu $cpu" >>"$tmp/results"
	done
	for name in router nginx upstream; do
		read -r rps p50 _ < <(run_wrk "$name" 1 1 "$lat_duration")
		printf 'round %s  %-8s -c1   %7s req/s  p50 %s µs\n' "$round" "$name" "$rps" "$p50"
		echo "$name p50 $p50" >>"$tmp/results"
	done
done

pick() { awk -v n="$1" -v k="$2" '$1 == n && $2 == k { print $3 }' "$tmp/results" | median; }
r_rps=$(pick router rps); n_rps=$(pick nginx rps); d_rps=$(pick upstream rps)
r_cpu=$(pick router cpu); n_cpu=$(pick nginx cpu); d_cpu=$(pick upstream cpu)
r_p50=$(pick router p50); n_p50=$(pick nginx p50); d_p50=$(pick upstream p50)
# The ratio of each round's own pair too: neighbours' load moves both.
ratios=$(awk '$2 == "rps" { v[$1] = v[$1] " " $3 } END {
	split(v["router"], r); split(v["nginx"], n)
	for (i in r) printf "%.2f\n", r[i] / n[i] }' "$tmp/results" | sort -n | paste -sd' ')
echo "== medians over $rounds rounds"
printf 'requests/s at -c%s: router %s, nginx %s, direct %s\n' "$conns" "$r_rps" "$n_rps" "$d_rps"
awk -v r="$r_rps" -v n="$n_rps" 'BEGIN { printf "router/nginx: %.2f (goal ≥ 0.90)\n", r / n }'
echo "router/nginx of each round, sorted: $ratios"
printf 'CPU per request at -c%s: router %s µs, nginx %s µs; the Go upstream alone, served directly, %s µs\n' \
	"$conns" "$r_cpu" "$n_cpu" "$d_cpu"
awk -v r="$r_p50" -v n="$n_p50" -v d="$d_p50" \
	'BEGIN { printf "p50 added over direct at -c1: router %.1f µs, nginx %.1f µs (direct p50 %.1f µs)\n", r - d, n - d, d }'

if [ "${PROFILE:-0}" = 1 ]; then
	echo "== CPU profile of the router under wrk -t$threads -c$conns -d$duration"
	kill "$router_pid"
	wait "$router_pid" 2>/dev/null || true
	start_router -cpuprofile "$tmp/cpu.pprof"
	run_wrk router "$threads" "$conns" "$duration" >/dev/null
	kill "$router_pid"
	wait "$router_pid" 2>/dev/null || true
	go tool pprof -top -nodecount=30 "$tmp/router" "$tmp/cpu.pprof" 2>/dev/null | sed -n '1,40p'
	echo "-- cumulative"
	go tool pprof -top -cum -nodecount=40 "$tmp/router" "$tmp/cpu.pprof" 2>/dev/null | sed -n '6,46p'
	cp "$tmp/cpu.pprof" "${PROFILE_OUT:-/tmp/kyozo-router-cpu.pprof}"
	echo "profile kept at ${PROFILE_OUT:-/tmp/kyozo-router-cpu.pprof}"
fi
