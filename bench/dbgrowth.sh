#!/usr/bin/env bash
# The embedded database file under a stream of client-credentials grants: starts Gatehouse (access log off,
# its own data folder), runs wrk -t2 -c32 on /oauth/token for SECONDS, prints the size of gatehouse.mv.db
# every 5 s, then for a minute of idle, then after a graceful stop, and the commits/flushes line (group commit).
#   bench/dbgrowth.sh [SECONDS] [JAR]      (default 60 s, target/gatehouse.jar)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
secs=${1:-60}
jar=${2:-$root/target/gatehouse.jar}
command -v wrk >/dev/null || { echo "bench/dbgrowth.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }
[ -f "$jar" ] || "$root/gatehouse" --version >/dev/null
work=$(mktemp -d)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port); admin=$(free_port)
(cd "$work" && exec env GATEHOUSE_PORT="$port" GATEHOUSE_ADMIN_PORT="$admin" GATEHOUSE_BIND=127.0.0.1 \
    GATEHOUSE_DATA_DIR="$work/data" GATEHOUSE_ACCESS_LOG=OFF GATEHOUSE_API_KEY_RATE_LIMIT=1000000000 \
    "$JAVA_HOME/bin/java" -jar "$jar" serve >"$work/log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do curl -sf "127.0.0.1:$admin/readyz" >/dev/null && break; sleep 0.2; done
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
acurl() { curl -sS -f -H 'Content-Type: application/json' "$@"; }
account=$(acurl -XPOST "127.0.0.1:$admin/admin/v1/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
key=$(acurl -XPOST "127.0.0.1:$admin/admin/v1/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
app=$(acurl -XPOST "127.0.0.1:$admin/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
acurl -XPATCH "127.0.0.1:$admin/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
basic=$(printf '%s:%s' "$client" "$secret" | base64 -w0)
cat >"$work/grant.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Basic $basic"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&customer_key=$key"
LUA
size() { du -m "$work/data/gatehouse.mv.db" | cut -f1; }
wrk -t2 -c32 -d"${secs}s" -s "$work/grant.lua" "http://127.0.0.1:$port/oauth/token" >"$work/wrk.out" &
w=$!
for i in $(seq 1 $((secs / 5))); do sleep 5; echo "load t=$((i * 5))s file $(size) MB"; done
wait $w
grep -E "requests in|Requests/sec|Non-2xx" "$work/wrk.out"
for i in 1 2 3 4 5 6; do sleep 10; echo "idle +$((i * 10))s file $(size) MB"; done
kill "$pid"; wait "$pid" 2>/dev/null || true
grep -h "commits made durable" "$work/log" || true
echo "after a graceful stop: file $(size) MB"
