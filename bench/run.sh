#!/usr/bin/env bash
# End-to-end throughput on this machine: starts Gatehouse and a local upstream, then runs wrk against
#   1. GET /healthz on the public port (no credential: the baseline of the HTTP stack and pipeline)
#   2. GET /v1.0/me with an OAuth access token (authenticate, rate-limit, authorize, answer)
#   3. GET /v1.0/me with an API key
#   4. GET /v1.0/up/ping, a proxied route to the local upstream, with an API key
# and prints requests/s, p50/p99 latency and each ratio to the baseline. Needs wrk (apt-get install wrk).
#   bench/run.sh [seconds-per-run] [connections]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
duration=${1:-10}
conns=${2:-64}
command -v wrk >/dev/null || { echo "bench/run.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port); admin=$(free_port); up=$(free_port)

"$root/gatehouse" --version >/dev/null   # builds the jar if needed
(cd "$root" && mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null 2>&1)
"$JAVA_HOME/bin/java" -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench.classpath")" \
    io.gatehouse.bench.Upstream "$up" >"$work/upstream.log" 2>&1 &
pids+=($!)

cat >"$work/routes.yaml" <<YAML
routes:
  - path: /v1.0/up/**
    upstream: http://127.0.0.1:$up
YAML
(cd "$work" && GATEHOUSE_PORT=$port GATEHOUSE_ADMIN_PORT=$admin GATEHOUSE_BIND=127.0.0.1 GATEHOUSE_ROUTES="$work/routes.yaml" \
    GATEHOUSE_API_KEY_RATE_LIMIT=1000000000 exec "$root/gatehouse" serve >"$work/gatehouse.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 150); do curl -sf "127.0.0.1:$admin/healthz" >/dev/null && curl -sf "127.0.0.1:$up/" >/dev/null && break; sleep 0.2; done

acurl() { curl -sf -H 'Content-Type: application/json' "$@"; }   # admin calls that change state
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
account=$(acurl -XPOST "127.0.0.1:$admin/admin/v1/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
key=$(acurl -XPOST "127.0.0.1:$admin/admin/v1/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
app=$(acurl -XPOST "127.0.0.1:$admin/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
acurl -XPATCH "127.0.0.1:$admin/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
token=$(curl -sf -u "$client:$secret" -d grant_type=client_credentials --data-urlencode "customer_key=$key" \
    "127.0.0.1:$port/oauth/token" | json '["access_token"]')

run() { # name, then wrk arguments
    local name=$1; shift
    wrk -t2 -c"$conns" -d2s "$@" >/dev/null 2>&1   # warm-up
    local out; out=$(wrk -t2 -c"$conns" -d"${duration}s" --latency "$@")
    local rps p50 p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    if echo "$out" | grep -q "Non-2xx"; then echo "  ($name: $(echo "$out" | grep Non-2xx))" >&2; fi
    echo "$name|$rps|$p50|$p99"
}

results=()
results+=("$(run "baseline GET /healthz" "http://127.0.0.1:$port/healthz")")
results+=("$(run "GET /v1.0/me, access token" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1.0/me")")
results+=("$(run "GET /v1.0/me, API key" -H "Authorization: token $key" "http://127.0.0.1:$port/v1.0/me")")
results+=("$(run "proxied GET /v1.0/up/ping, API key" -H "Authorization: token $key" "http://127.0.0.1:$port/v1.0/up/ping")")

base=$(echo "${results[0]}" | cut -d'|' -f2)
printf '%-38s %12s %10s %10s %8s\n' "run ($conns connections, ${duration}s)" "requests/s" "p50" "p99" "ratio"
for r in "${results[@]}"; do
    IFS='|' read -r name rps p50 p99 <<<"$r"
    printf '%-38s %12s %10s %10s %7.0f%%\n' "$name" "$rps" "$p50" "$p99" "$(echo "$rps $base" | awk '{print 100*$1/$2}')"
done
