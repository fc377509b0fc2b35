#!/usr/bin/env bash
# Memory and throughput of `./gatehouse serve` under several sets of JVM options, alternately in one run
# (issue 15): for each variant it starts the launcher with a fresh data folder, reads VmRSS after IDLE
# seconds idle, runs wrk -t2 -c32 for SECONDS on GET /healthz (public port) and then on GET /v1.0/me with
# an API key, reads VmRSS again (after the load, and after IDLE more seconds), and stops the node. Besides
# requests/s it prints the server's CPU time per 1,000 requests, which other work on the machine disturbs less.
#   bench/footprint.sh [SECONDS] [IDLE] [ROUNDS]                      (defaults 15, 5, 1)
#   FOOTPRINT_VARIANTS='new=|old=GATEHOUSE_AOT_CACHE=off GATEHOUSE_JAVA_OPTS=-XX:+UseG1GC' bench/footprint.sh
# A variant is NAME=ENV... (space-separated assignments added to the launcher's environment; a value with
# spaces is written with commas, e.g. GATEHOUSE_JAVA_OPTS=-XX:+UseG1GC,-Xmx512m). Needs wrk.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
seconds=${1:-15}
idle=${2:-5}
rounds=${3:-1}
variants=${FOOTPRINT_VARIANTS:-default=}
command -v wrk >/dev/null || { echo "bench/footprint.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }

"$root/gatehouse" --version >/dev/null   # builds the jar (and its start-up cache) first
work=$(mktemp -d)
pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
rss() { awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
cpu_ms() { awk '{printf "%.0f", ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
# requests/s and the server's CPU time per 1,000 requests (robust when other work shares the machine)
rps() {
    local before out after
    before=$(cpu_ms "$jpid")
    out=$(wrk -t2 -c32 -d"${seconds}s" "$@")
    after=$(cpu_ms "$jpid")
    echo "$out" | awk -v cpu=$((after - before)) '/requests in/ {n=$1} /Requests\/sec/ {r=$2} END {printf "%.0f (%.1f ms CPU/1k)", r, 1000*cpu/n}'
}

results=()
for round in $(seq 1 "$rounds"); do
    IFS='|' read -ra list <<<"$variants"
    for v in "${list[@]}"; do
        name=${v%%=*}
        port=$(free_port); admin=$(free_port)
        env_args=()
        for a in ${v#*=}; do env_args+=("${a//,/ }"); done
        (cd "$work" && exec env $(compgen -e | grep '^GATEHOUSE_' | sed 's/^/-u /') GATEHOUSE_PORT="$port" \
            GATEHOUSE_ADMIN_PORT="$admin" GATEHOUSE_BIND=127.0.0.1 GATEHOUSE_DATA_DIR="$work/data-$name-$round" \
            GATEHOUSE_API_KEY_RATE_LIMIT=1000000000 ${env_args[@]+"${env_args[@]}"} "$root/gatehouse" serve \
            >"$work/serve-$name.log" 2>&1) &
        pid=$!
        until curl -sf "127.0.0.1:$admin/readyz" >/dev/null; do
            kill -0 "$pid" 2>/dev/null || { cat "$work/serve-$name.log" >&2; exit 1; }
            sleep 0.1
        done
        jpid=$(pgrep -P "$pid" java || echo "$pid")   # the launcher execs java: usually the same pid
        sleep "$idle"
        idle_rss=$(rss "$jpid")
        account=$(curl -sf -XPOST -H 'Content-Type: application/json' "127.0.0.1:$admin/admin/v1/accounts" \
            -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
        key=$(curl -sf -XPOST -H 'Content-Type: application/json' "127.0.0.1:$admin/admin/v1/accounts/$account/api-keys" \
            -d '{"name":"bench"}' | json '["key"]')
        health=$(rps "http://127.0.0.1:$port/healthz")
        me=$(rps -H "Authorization: token $key" "http://127.0.0.1:$port/v1.0/me")
        loaded_rss=$(rss "$jpid")
        sleep "$idle"
        after_rss=$(rss "$jpid")
        kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
        results+=("$name|$round|$idle_rss|$health|$me|$loaded_rss|$after_rss")
    done
done

printf '%-10s %5s %10s %30s %30s %13s %13s\n' variant round "RSS idle" "/healthz rps" "/v1.0/me rps" "RSS loaded" "RSS +${idle}s"
for r in "${results[@]}"; do
    IFS='|' read -r name round i h m l a <<<"$r"
    printf '%-10s %5s %7s MB %30s %30s %10s MB %10s MB\n' "$name" "$round" "$i" "$h" "$m" "$l" "$a"
done
