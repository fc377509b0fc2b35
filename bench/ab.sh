#!/usr/bin/env bash
# Interleaved A/B runs in one go, for a machine whose load we do not control: every variant runs as its
# own Gatehouse (own data dir, own port), all started before the first measurement, and wrk (-t2 -c32)
# visits them in turn, round after round, so each variant sees the same background load. Prints each
# round and the median per variant, and the ratio of each to the first.
#   bench/ab.sh accesslog [rounds] [seconds]  GET /v1.0/me with an API key, GATEHOUSE_ACCESS_LOG=INFO vs OFF
#   bench/ab.sh signing   [rounds] [seconds]  client-credentials grants/s, RS256 vs ES256 vs EdDSA
# Extra JVM options for every server: GATEHOUSE_JAVA_OPTS (e.g. a JFR recording).
# accesslog only: AUTH=token uses a client-credentials access token instead of an API key; BASE=DIR also
# runs each variant from another build (DIR holds a `gatehouse` launcher, scripts/ and target/ of that build,
# e.g. a copy made before a change), as base-log-on / base-log-off, in the same rounds.
# Besides requests/s, prints each variant's server CPU µs per request (/proc/PID/stat around its runs).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
mode=${1:?accesslog or signing}
rounds=${2:-3}
duration=${3:-10}
command -v wrk >/dev/null || { echo "bench/ab.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    local rc=$?
    if [ "$rc" != 0 ]; then for f in "$work"/*/gatehouse.log; do echo "== $f" >&2; tail -20 "$f" >&2; done; fi
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
acurl() { curl -sS -f -H 'Content-Type: application/json' "$@"; }   # admin calls that change state
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
"$root/gatehouse" --version >/dev/null   # builds the jar if needed

case $mode in
    accesslog) names=(log-on log-off); envs=("GATEHOUSE_ACCESS_LOG=INFO" "GATEHOUSE_ACCESS_LOG=OFF")
        if [ -n "${BASE:-}" ]; then
            names+=(base-log-on base-log-off); envs+=("GATEHOUSE_ACCESS_LOG=INFO" "GATEHOUSE_ACCESS_LOG=OFF")
        fi ;;
    signing) names=(RS256 ES256 EdDSA); envs=("GATEHOUSE_TOKEN_SIGNING_ALG=RS256" "GATEHOUSE_TOKEN_SIGNING_ALG=ES256" "GATEHOUSE_TOKEN_SIGNING_ALG=EdDSA") ;;
    *) echo "bench/ab.sh: unknown mode $mode" >&2; exit 2 ;;
esac

declare -A port admin total pid cpu
for i in "${!names[@]}"; do
    n=${names[$i]}; port[$n]=$(free_port); admin[$n]=$(free_port); mkdir -p "$work/$n"
    launcher="$root/gatehouse"; [[ $n == base-* ]] && launcher="$BASE/gatehouse"
    (cd "$work/$n" && exec env ${envs[$i]} GATEHOUSE_PORT=${port[$n]} GATEHOUSE_ADMIN_PORT=${admin[$n]} GATEHOUSE_BIND=127.0.0.1 \
        GATEHOUSE_DATA_DIR="$work/$n/data" GATEHOUSE_API_KEY_RATE_LIMIT=1000000000 \
        "$launcher" serve >"$work/$n/gatehouse.log" 2>&1) &
    pids+=($!); pid[$n]=$!; cpu[$n]=0
done
tck=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for n in "${names[@]}"; do
    for _ in $(seq 1 300); do curl -sf "127.0.0.1:${admin[$n]}/readyz" >/dev/null && break; sleep 0.2; done
    a=${admin[$n]}
    account=$(acurl -XPOST "127.0.0.1:$a/admin/v1/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
    key=$(acurl -XPOST "127.0.0.1:$a/admin/v1/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
    if [ "$mode" = accesslog ] && [ "${AUTH:-key}" = token ]; then
        app=$(acurl -XPOST "127.0.0.1:$a/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
        client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
        acurl -XPATCH "127.0.0.1:$a/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
        token=$(curl -sS -f -u "$client:$secret" -d grant_type=client_credentials --data-urlencode "customer_key=$key" \
            "127.0.0.1:${port[$n]}/oauth/token" | json '["access_token"]')
        printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$token" >"$work/$n/script.lua"
        echo "http://127.0.0.1:${port[$n]}/v1.0/me" >"$work/$n/url"
    elif [ "$mode" = accesslog ]; then
        printf 'wrk.headers["Authorization"] = "token %s"\n' "$key" >"$work/$n/script.lua"
        echo "http://127.0.0.1:${port[$n]}/v1.0/me" >"$work/$n/url"
    else
        app=$(acurl -XPOST "127.0.0.1:$a/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
        client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
        acurl -XPATCH "127.0.0.1:$a/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
        basic=$(printf '%s:%s' "$client" "$secret" | base64 -w0)
        cat >"$work/$n/script.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Basic $basic"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&customer_key=$key"
LUA
        echo "http://127.0.0.1:${port[$n]}/oauth/token" >"$work/$n/url"
    fi
    warm=$(wrk -t2 -c32 -d3s -s "$work/$n/script.lua" "$(cat "$work/$n/url")")   # warm-up
    total[$n]=$(echo "$warm" | awk '/requests in/ {print $1}')
done

declare -A all measured
echo "round $(printf '%12s' "${names[@]}")"
for r in $(seq 1 "$rounds"); do
    line="$(printf '%5s' "$r")"
    for n in "${names[@]}"; do
        t0=$(ticks "${pid[$n]}")
        out=$(wrk -t2 -c32 -d"${duration}s" -s "$work/$n/script.lua" "$(cat "$work/$n/url")")
        cpu[$n]=$(( ${cpu[$n]} + $(ticks "${pid[$n]}") - t0 ))
        done_n=$(echo "$out" | awk '/requests in/ {print $1}'); measured[$n]=$(( ${measured[$n]:-0} + done_n ))
        if echo "$out" | grep -q "Non-2xx"; then echo "  ($n: $(echo "$out" | grep Non-2xx))" >&2; fi
        rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        total[$n]=$(( ${total[$n]} + $(echo "$out" | awk '/requests in/ {print $1}') ))
        all[$n]="${all[$n]:-} $rps"
        line="$line $(printf '%12s' "$rps")"
    done
    echo "$line"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
first=$(echo "${all[${names[0]}]}" | median)
for n in "${names[@]}"; do
    m=$(echo "${all[$n]}" | median)
    printf '%-12s median %10.0f/s  ratio to %s %.3f   server CPU %.2f µs/req\n' "$n" "$m" "${names[0]}" \
        "$(echo "$m $first" | awk '{print $1/$2}')" "$(echo "${cpu[$n]} $tck ${measured[$n]}" | awk '{print 1e6 * $1 / $2 / $3}')"
done
sleep 1   # the last access lines of the last run reach the file
for n in "${names[@]}"; do
    echo "$n: ${total[$n]} requests sent by wrk, $(grep -c 'gatehouse.access' "$work/$n/gatehouse.log" || true) access-log lines"
done
