#!/usr/bin/env bash
# Issue 15, introspection row: POST /oauth/introspect (RFC 7662, HTTP Basic client authentication) on a fresh
# data folder, then again after N tokens were issued into the same data folder; prints both and the ratio
# after / fresh (goal >= 0.95 after 10^6), by median req/s and by the server's CPU µs per request.
#   1. Gatehouse starts with its defaults (access log on, RS256) on a fresh data folder; an account, its API key
#      and a confidential app are made through the admin API; TOKENS client-credentials grants are issued over
#      HTTP (their access and refresh tokens make the token mix).
#   2. fresh: wrk -t2 -c32 (bench/introspect.lua) rotates over the mix: TOKENS live access tokens, REFRESH live
#      refresh tokens, FORGED access tokens with another token's signature (a full signature check, then
#      refused) and UNKNOWN strings that are no token (active: false at once); a warm-up, then RUNS × SECONDS.
#   3. With HOT_SECONDS > 0 (default 0): wrk issues tokens through POST /oauth/token into the running server for
#      that long, then the mix is measured again in the same JVM ("hot": in-memory growth, if any, shows here).
#   4. The server stops; bench/IntrospectSeed issues tokens up to N in all into its data folder in process,
#      through the token endpoint's grant handlers (the rows the server writes: a grant and refresh token each,
#      a rotation every 4th, a revoked access token every 500th; audit rows); the time it takes is printed.
#      SEED_ALG (e.g. EdDSA, ~20× cheaper to sign) changes only the signature of those tokens, not the rows.
#   5. The server starts again on that data folder and the same mix is measured ("after").
# Pinning as bench/run.sh: the server on cores 0..n-2, wrk on the last core (PIN=0: none).
#   bench/introspect.sh [N=1000000] [runs=3] [seconds=15] [warm-up seconds=10] [connections=32]
#   SEED_ALG=EdDSA bench/introspect.sh 200000      # a smaller N, a faster seed (this machine, loaded)
#   JFR=1 bench/introspect.sh                      # JFR profiles of the first measured run of each phase:
#                                                  # target/bench-introspect-<phase>.jfr (bench/jfr-top.py FILE)
#   PG=1 bench/introspect.sh                       # on a PostgreSQL database of its own (BENCH_PG_* as run.sh)
#   KEEP=1 bench/introspect.sh 200000              # keeps its work folder (data, token mix), printed at the end;
#   REUSE=/tmp/tmp.XXXX bench/introspect.sh        # then measures only "after" on it again: no fresh phase, no
#                                                  # seed (the mix's access tokens live an hour: within that)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
n_total=${1:-1000000}; n_total=${n_total//_/}
runs=${2:-3}
duration=${3:-15}
warm=${4:-10}
conns=${5:-32}
ntokens=${TOKENS:-1000}; nrefresh=${REFRESH:-100}; nforged=${FORGED:-50}; nunknown=${UNKNOWN:-50}
for tool in wrk python3 curl mvn; do
    command -v $tool >/dev/null || { echo "bench/introspect.sh: $tool is needed" >&2; exit 1; }
done
cores=$(nproc)
pin_server=(); pin_wrk=()
if [ "${PIN:-1}" = 1 ] && [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    pin_server=(taskset -c "0-$((cores - 2))"); pin_wrk=(taskset -c "$((cores - 1))")
fi
tck=$(getconf CLK_TCK)
pg_host=${BENCH_PG_HOST:-127.0.0.1}; pg_port=${BENCH_PG_PORT:-5432}; pg_user=${BENCH_PG_USER:-postgres}
psql_() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres "$@"; }

work=${REUSE:-$(mktemp -d)}
[ -n "${REUSE:-}" ] && { [ -f "$work/bench.env" ] || { echo "bench/introspect.sh: $work holds no kept run" >&2; exit 1; }; }
pid=""; pg_db=""
stop_server() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
cleanup() {
    stop_server
    [ -n "$pg_db" ] && { psql_ -q -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; }
    if [ "${KEEP:-0}" = 1 ] || [ -n "${REUSE:-}" ]; then echo "bench/introspect.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port); admin=$(free_port)
[ -n "${REUSE:-}" ] && . "$work/bench.env" # the port the tokens name as their issuer, the client, the count
server_env=(GATEHOUSE_PORT=$port GATEHOUSE_ADMIN_PORT=$admin GATEHOUSE_BIND=127.0.0.1 GATEHOUSE_DATA_DIR="$work/data"
    GATEHOUSE_ISSUER="http://127.0.0.1:$port" GATEHOUSE_API_KEY_RATE_LIMIT=1000000000)
if [ "${PG:-0}" = 1 ]; then
    pg_db=gh_introspect_$$_$RANDOM
    psql_ -q -c "CREATE DATABASE $pg_db" >/dev/null
    server_env+=(GATEHOUSE_DB_URL="jdbc:postgresql://$pg_host:$pg_port/$pg_db" GATEHOUSE_DB_USER="$pg_user"
        ${BENCH_PG_PASSWORD:+GATEHOUSE_DB_PASSWORD=$BENCH_PG_PASSWORD})
fi
mkdir -p "$work/data"

# Built outside any timing: the jar, and the seed tool's classpath.
"$root/gatehouse" --version >/dev/null
(cd "$root" && mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
    -Dmdep.includeScope=test >/dev/null)
seed_cp="$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench.classpath")"

start_server() { # log file
    (cd "$work" && exec env "${server_env[@]}" "${pin_server[@]}" "$root/gatehouse" serve >"$1" 2>&1) &
    pid=$!
    for _ in $(seq 1 1200); do curl -sf "127.0.0.1:$admin/healthz" >/dev/null && return 0; sleep 0.1; done
    echo "bench/introspect.sh: the server never answered" >&2; tail -n 20 "$1" >&2; exit 1
}
if [ -z "${REUSE:-}" ]; then
start_server "$work/server-1.log"

acurl() { curl -sf -H 'Content-Type: application/json' "$@"; }
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
a=127.0.0.1:$admin
account=$(acurl -XPOST "$a/admin/v1/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
customer_key=$(acurl -XPOST "$a/admin/v1/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
app=$(acurl -XPOST "$a/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
acurl -XPATCH "$a/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
auth="Basic $(printf '%s:%s' "$client" "$secret" | base64 -w0)"

# The token mix, issued over HTTP on one kept-alive connection. Forged: a token's header and claims with the
# next token's signature. Unknown: random strings shaped like nothing we issue.
PORT=$port AUTH=$auth KEY=$customer_key N=$ntokens NR=$nrefresh NF=$nforged NU=$nunknown python3 - >"$work/tokens.txt" <<'PY'
import http.client, json, os, random, string, urllib.parse
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]))
access, refresh = [], []
body = urllib.parse.urlencode({"grant_type": "client_credentials", "customer_key": os.environ["KEY"]})
for _ in range(int(os.environ["N"])):
    c.request("POST", "/oauth/token", body, {"Authorization": os.environ["AUTH"], "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse(); t = json.loads(r.read())
    assert r.status == 200, t
    access.append(t["access_token"]); refresh.append(t["refresh_token"])
mix = list(access) + refresh[:int(os.environ["NR"])]
for i in range(int(os.environ["NF"])):
    a, b = access[i % len(access)], access[(i + 1) % len(access)]
    mix.append(a.rsplit(".", 1)[0] + "." + b.rsplit(".", 1)[1])
rnd = random.Random(15)
for _ in range(int(os.environ["NU"])):
    mix.append("".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(43)))
random.Random(7).shuffle(mix)
print("\n".join(mix))
PY
issued=$ntokens
printf 'port=%s\nauth=%q\nclient=%s\ncustomer_key=%s\n' "$port" "$auth" "$client" "$customer_key" >"$work/bench.env"
fi
check_active() { # one live access token must introspect active:true
    # (no pipe: with pipefail, head's SIGPIPE when grep stops early ended the script silently, now and then)
    local t; t=$(grep -m1 '^ey' "$work/tokens.txt")
    curl -sf -H "Authorization: $auth" -d "token=$t" "127.0.0.1:$port/oauth/introspect" | grep -q '"active":true' \
        || { echo "bench/introspect.sh: a live token is not active" >&2; exit 1; }
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
wrk_once() { # seconds, wrk arguments...; prints "requests/s non-2xx"
    local secs=$1; shift
    local out; out=$("${pin_wrk[@]}" wrk -t2 -c"$conns" -d"${secs}s" "$@" 2>&1)
    echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '/Non-2xx/ {print $NF}')"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A med percpu
measure() { # phase name
    local url="http://127.0.0.1:$port/oauth/introspect" list="" cpu=0 r before after rps bad
    export TOKENS_FILE="$work/tokens.txt" INTROSPECT_AUTH="$auth"
    wrk_once "$warm" -s "$root/bench/introspect.lua" "$url" >/dev/null
    for r in $(seq 1 "$runs"); do
        [ "${JFR:-0}" = 1 ] && [ "$r" = 1 ] && "$JAVA_HOME/bin/jcmd" "$pid" JFR.start name=bench settings=profile \
            filename="$root/target/bench-introspect-$1.jfr" >/dev/null
        before=$(cpu_ticks)
        read -r rps bad < <(wrk_once "$duration" -s "$root/bench/introspect.lua" "$url")
        after=$(cpu_ticks)
        [ "${JFR:-0}" = 1 ] && [ "$r" = 1 ] && "$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=bench >/dev/null
        [ -n "$bad" ] && echo "  ($1 run $r: $bad non-2xx answers)" >&2
        list+="$rps "; cpu=$(echo "$cpu $after $before $tck" | awk '{print $1 + ($2 - $3) / $4}')
        echo "  $1 run $r: $rps req/s" >&2
    done
    med[$1]=$(echo "$list" | median)
    percpu[$1]=$(echo "$cpu $list" | awk -v d="$duration" '{s=0; for (i=2; i<=NF; i++) s+=$i*d; printf "%.1f", s ? 1e6*$1/s : 0}')
    printf '%-7s %9s tokens issued  median %8.0f req/s  (%s)  server CPU %6s µs/req  RSS %s MB\n' "$1" "$issued" \
        "${med[$1]}" "${list% }" "${percpu[$1]}" "$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")"
}
ratio() { # label, after, before
    printf '%-40s %5.2f   by CPU/request %5.2f   (goal >= 0.95)\n' "$1" "$(echo "${med[$2]} ${med[$3]}" | awk '{print $1 / $2}')" \
        "$(echo "${percpu[$2]} ${percpu[$3]}" | awk '{print $1 ? $2 / $1 : 0}')"
}

echo "bench/introspect.sh: $(date -u +%FT%TZ), $cores cores, pinning: ${pin_server[*]:-none} (server) / ${pin_wrk[*]:-none} (wrk);" \
     "${PG:+PostgreSQL, }mix: $ntokens access + $nrefresh refresh + $nforged forged + $nunknown unknown tokens;" \
     "wrk -t2 -c$conns, ${warm}s warm-up, $runs × ${duration}s; load: $(uptime | sed 's/.*load/load/')"
if [ -z "${REUSE:-}" ]; then
check_active
measure fresh

if [ "${HOT_SECONDS:-0}" -gt 0 ]; then
    cat >"$work/grant.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "$auth"
wrk.body = "grant_type=client_credentials&customer_key=$customer_key"
LUA
    out=$("${pin_wrk[@]}" wrk -t2 -c"$conns" -d"${HOT_SECONDS}s" -s "$work/grant.lua" "http://127.0.0.1:$port/oauth/token" 2>&1)
    issued=$((issued + $(echo "$out" | awk '/requests in/ {print $1}')))
    echo "hot: $issued token responses in all after ${HOT_SECONDS} s of POST /oauth/token;" \
         "non-2xx: $(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)" >&2
    measure hot
fi

stop_server
seed=$((n_total - issued))
if [ "$seed" -gt 0 ]; then
    t0=$(date +%s)
    env "${server_env[@]}" ${SEED_ALG:+GATEHOUSE_TOKEN_SIGNING_ALG=$SEED_ALG} \
        "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$seed_cp" io.gatehouse.bench.IntrospectSeed "$seed" "$client" "$customer_key" 2>&1 \
        | grep --line-buffered -v -e '^SLF4J' -e 'INFO' | sed -u 's/^/  /' >&2
    issued=$n_total
    echo "seed: $seed token responses in $(( $(date +%s) - t0 )) s (${SEED_ALG:-the server algorithm});" \
         "data folder $(du -sm "$work/data" | cut -f1) MB"
fi
echo "issued=$issued" >>"$work/bench.env"
else
    issued=$(sed -n 's/^issued=//p' "$work/bench.env" | tail -n1)
fi
start_server "$work/server-2.log"
check_active
measure after
echo
[ -n "${med[hot]:-}" ] && ratio "introspection hot / fresh" hot fresh
[ -n "${med[fresh]:-}" ] && ratio "introspection after $issued / fresh" after fresh
true
