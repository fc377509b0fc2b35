#!/usr/bin/env bash
# Memory under outside pressure (SPEC §11 v2 "Bounded work"): starts Gatehouse with its defaults, then
#   1. issues TOKENS access tokens (client credentials),
#   2. sends FORGED token requests, each with a client id never seen before and a wrong secret,
#   3. sends FORGED logins, each with an email never seen before, from FORGED distinct client addresses
#      (GATEHOUSE_TRUSTED_PROXIES=127.0.0.1/32 and X-Forwarded-For, as behind a load balancer),
# and prints the heap in use after a full GC (jcmd GC.run) before and after each phase. Needs wrk.
#   bench/memory.sh [TOKENS] [FORGED]        (defaults 1000000 1000000; the figures are in bench/README.md)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
tokens=${1:-1000000}
forged=${2:-1000000}
command -v wrk >/dev/null || { echo "bench/memory.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port); admin=$(free_port)

"$root/gatehouse" --version >/dev/null   # builds the jar if needed
(cd "$work" && GATEHOUSE_PORT=$port GATEHOUSE_ADMIN_PORT=$admin GATEHOUSE_BIND=127.0.0.1 \
    GATEHOUSE_TRUSTED_PROXIES=127.0.0.1/32 GATEHOUSE_ACCESS_LOG=OFF exec "$root/gatehouse" serve >"$work/gatehouse.log" 2>&1) &
pid=$!
for _ in $(seq 1 150); do curl -sf "127.0.0.1:$admin/healthz" >/dev/null && break; sleep 0.2; done

json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
account=$(curl -sf -XPOST -H 'Content-Type: application/json' "127.0.0.1:$admin/admin/v1/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
key=$(curl -sf -XPOST -H 'Content-Type: application/json' "127.0.0.1:$admin/admin/v1/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
app=$(curl -sf -XPOST -H 'Content-Type: application/json' "127.0.0.1:$admin/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
curl -sf -XPATCH -H 'Content-Type: application/json' "127.0.0.1:$admin/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
basic=$(printf '%s:%s' "$client" "$secret" | base64 -w0)
csrf_page=$(curl -s -c "$work/jar" "127.0.0.1:$port/portal/login")
csrf=$(echo "$csrf_page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
csrf_cookie=$(awk '$6=="gatehouse_csrf" {print $7}' "$work/jar")

heap() { # used heap after a full GC, in MB
    jcmd "$pid" GC.run >/dev/null
    jcmd "$pid" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub("K,?","",v); printf "%.0f", v/1024; exit}}'
}

# wrk runs in 30 s rounds until the round totals reach N; a round offset and a per-thread counter make every
# forged value distinct across the whole run.
cat >"$work/count.lua" <<'LUA'
local counter, id = 0, 0
function setup(thread) id = id + 1; thread:set("id", id) end
function init(args) round = tonumber(args[1]); mode = args[2]; basic = args[3]; key = args[4]; csrf = args[5]; cookie = args[6] end
function request()
  counter = counter + 1
  local n = round * 10000000 + id * 5000000 + counter
  if mode == "tokens" then
    return wrk.format("POST", "/oauth/token", {["Authorization"] = "Basic " .. basic,
      ["Content-Type"] = "application/x-www-form-urlencoded"}, "grant_type=client_credentials&customer_key=" .. key)
  elseif mode == "clients" then
    return wrk.format("POST", "/oauth/token", {["Content-Type"] = "application/x-www-form-urlencoded"},
      "grant_type=client_credentials&client_id=forged-" .. n .. "&client_secret=wrong")
  else
    local a = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
    return wrk.format("POST", "/portal/login", {["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Forwarded-For"] = a, ["Cookie"] = "gatehouse_csrf=" .. cookie},
      "csrf=" .. csrf .. "&email=forged" .. n .. "%40example.com&password=wrong")
  end
end
LUA
load() { # mode, count: prints the total sent and the answers that were not 2xx
    local sent=0 round=0 other=0 out
    while [ "$sent" -lt "$2" ]; do
        round=$((round + 1))
        out=$(wrk -t2 -c32 -d30s -s "$work/count.lua" "http://127.0.0.1:$port" -- "$round" "$1" "$basic" "$key" "$csrf" "$csrf_cookie")
        sent=$((sent + $(echo "$out" | awk '/requests in/ {print $1}')))
        other=$((other + $(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)))
    done
    echo "  $1: $sent requests, $other answered non-2xx"
}

echo "heap after full GC at start: $(heap) MB (RSS $(ps -o rss= -p "$pid" | awk '{printf "%.0f", $1/1024}') MB)"
start=$(date +%s); load tokens "$tokens"
echo "after the tokens ($(( $(date +%s) - start )) s): $(heap) MB"
start=$(date +%s); load clients "$forged"
echo "after the forged client ids ($(( $(date +%s) - start )) s): $(heap) MB"
start=$(date +%s); load logins "$forged"
echo "after the forged emails from as many addresses ($(( $(date +%s) - start )) s): $(heap) MB"
echo "RSS at the end: $(ps -o rss= -p "$pid" | awk '{printf "%.0f", $1/1024}') MB"
