#!/usr/bin/env bash
# Two builds of Gatehouse side by side, interleaved (for a machine whose load we do not control):
#   bench/ab-builds.sh BEFORE_ROOT [rounds=3] [seconds=10]
# BEFORE_ROOT is a copy of the repository with its target/gatehouse.jar built (e.g. `cp -a` of a checkout of
# main after `./gatehouse --version`); this checkout is "after". Four servers are started: each build with the
# access log on (defaults) and off (GATEHOUSE_ACCESS_LOG=OFF), all pinned like bench/run.sh (server on core 0,
# wrk on the last core). Cases: GET /healthz and GET /v1.0/me with an access token on each server. wrk -t2 -c32
# visits every case in turn, round after round; prints every run, the median requests/s and the server's CPU µs
# per request (utime + stime from /proc/PID/stat over the measured runs ÷ requests), and /v1.0/me ÷ /healthz.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
before=$(cd "${1:?BEFORE_ROOT}" && pwd)
rounds=${2:-3}
duration=${3:-10}
cores=$(nproc)
pin_server=(); pin_wrk=()
if [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    pin_server=(taskset -c "0-$((cores - 2))"); pin_wrk=(taskset -c "$((cores - 1))")
fi
tck=$(getconf CLK_TCK)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
acurl() { curl -sf -H 'Content-Type: application/json' "$@"; }
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }

declare -A pid port admin token
servers=(before-on before-off after-on after-off)
for s in "${servers[@]}"; do
    r=$root; [ "${s%%-*}" = before ] && r=$before
    log=INFO; [ "${s##*-}" = off ] && log=OFF
    "$r/gatehouse" --version >/dev/null
    port[$s]=$(free_port); admin[$s]=$(free_port); mkdir -p "$work/$s"
    (cd "$work/$s" && exec env GATEHOUSE_PORT=${port[$s]} GATEHOUSE_ADMIN_PORT=${admin[$s]} GATEHOUSE_BIND=127.0.0.1 \
        GATEHOUSE_ACCESS_LOG=$log GATEHOUSE_DATA_DIR="$work/$s/data" "${pin_server[@]}" "$r/gatehouse" serve >"$work/$s/out.log" 2>&1) &
    pids+=($!); pid[$s]=$!
done
for s in "${servers[@]}"; do
    for _ in $(seq 1 1200); do curl -sf "127.0.0.1:${admin[$s]}/readyz" >/dev/null && break; sleep 0.1; done
    a=127.0.0.1:${admin[$s]}
    account=$(acurl -XPOST "$a/admin/v1/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
    key=$(acurl -XPOST "$a/admin/v1/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
    app=$(acurl -XPOST "$a/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
    client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
    acurl -XPATCH "$a/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
    token[$s]=$(curl -sf -u "$client:$secret" -d grant_type=client_credentials --data-urlencode "customer_key=$key" \
        "127.0.0.1:${port[$s]}/oauth/token" | json '["access_token"]')
done
T=$'\t'
cases=()
for s in "${servers[@]}"; do
    cases+=("$s/healthz|$s|http://127.0.0.1:${port[$s]}/healthz")
    cases+=("$s/me|$s|-H${T}Authorization: Bearer ${token[$s]}${T}http://127.0.0.1:${port[$s]}/v1.0/me")
done
ticks() { awk '{print $14 + $15}' "/proc/${pid[$1]}/stat"; }
run() { "${pin_wrk[@]}" wrk -t2 -c32 -d"$1s" "${@:2}" 2>&1; }
echo "bench/ab-builds.sh: $(date -u +%FT%TZ) before=$before after=$root, $rounds × ${duration}s; load: $(uptime | sed 's/.*load/load/')"
for c in "${cases[@]}"; do IFS='|' read -r n s args <<<"$c"; IFS=$T read -r -a a <<<"$args"; run "${WARM:-10}" "${a[@]}" >/dev/null; done
declare -A rps cpu reqs
for r in $(seq 1 "$rounds"); do
    for c in "${cases[@]}"; do
        IFS='|' read -r n s args <<<"$c"; IFS=$T read -r -a a <<<"$args"
        t0=$(ticks "$s"); out=$(run "$duration" "${a[@]}"); t1=$(ticks "$s")
        echo "$out" | grep -q Non-2xx && echo "  ($n: $(echo "$out" | grep Non-2xx))" >&2
        v=$(echo "$out" | awk '/Requests\/sec/ {print $2}'); q=$(echo "$out" | awk '/requests in/ {print $1}')
        rps[$n]+="$v "; cpu[$n]=$(( ${cpu[$n]:-0} + t1 - t0 )); reqs[$n]=$(( ${reqs[$n]:-0} + q ))
        echo "  round $r  $n  $v req/s  $(echo "$t0 $t1 $tck $q" | awk '{printf "%.1f", 1e6*($2-$1)/$3/$4}') µs/req" >&2
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A med per
printf '%-20s %12s %14s  %s\n' case "median req/s" "CPU µs/req" runs
for c in "${cases[@]}"; do
    n=${c%%|*}; med[$n]=$(echo "${rps[$n]}" | median)
    per[$n]=$(echo "${cpu[$n]} $tck ${reqs[$n]}" | awk '{printf "%.1f", 1e6*$1/$2/$3}')
    printf '%-20s %12.0f %14s  %s\n' "$n" "${med[$n]}" "${per[$n]}" "${rps[$n]}"
done
echo
for s in "${servers[@]}"; do
    printf '%-12s /v1.0/me ÷ /healthz: %.2f by req/s, %.2f by CPU/request\n' "$s" \
        "$(echo "${med[$s/me]} ${med[$s/healthz]}" | awk '{print $1 / $2}')" "$(echo "${per[$s/me]} ${per[$s/healthz]}" | awk '{print $2 / $1}')"
done
