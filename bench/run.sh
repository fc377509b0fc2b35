#!/usr/bin/env bash
# End-to-end throughput, side by side in one run (issue 15). Starts, on loopback ports:
#   - an nginx upstream (its own temp config, `return 200 "ok\n"`, no access log),
#   - an nginx reverse proxy to that upstream (keep-alive upstream connections, access log on: the baseline),
#   - Gatehouse with its defaults (access log on) and a second Gatehouse with GATEHOUSE_ACCESS_LOG=OFF,
#     each with a proxied route /v1.0/up/** to the nginx upstream,
# then runs wrk -t2 -c32 against each case: a warm-up per case, then RUNS rounds in which every case runs
# once (A/B/C... alternately, so a change of machine load hits all of them), and prints every run, the
# median, the CPU seconds each side used over the measured runs (server from /proc/PID/stat; wrk from its
# rusage) and the ratios of issue 15:
#   proxy          Gatehouse proxying to nginx / nginx proxying to nginx        (goal >= 0.6)
#   /v1.0/me       GET /v1.0/me with a token / own /healthz, access log on     (goal >= 0.95)
#   access log     1 - /v1.0/me with the log on / with the log off             (goal <= 5%)
#   many-node      /v1.0/me with a token on PostgreSQL + Redis / the same embedded (goal >= 0.8)
# The many-node node (name "pg") gets a fresh PostgreSQL database of its own (created and dropped here, on
# BENCH_PG_HOST:BENCH_PG_PORT as BENCH_PG_USER; default 127.0.0.1:5432, postgres) and its own key prefix in
# Redis (BENCH_REDIS_URL; its keys are deleted at the end). Without BENCH_REDIS_URL the script starts a
# redis-server of its own (free loopback port, no persistence) pinned to wrk's core, so Redis's CPU is not
# taken from the server's core; it falls back to redis://127.0.0.1:6379 when redis-server is not installed.
# Pinning: with two or more cores, the server under test runs on cores 0..n-2 and wrk (and the upstream of
# the proxy cases) on the last core (taskset), so the server, not wrk, is the bottleneck. On two cores that
# is one core each: the proxy under test (nginx or Gatehouse) gets core 0 alone, and the upstream nginx
# shares core 1 with wrk for both, so both proxies face the same upstream and load generator. nginx runs
# one worker per server core (worker_processes = server cores), as its docs advise. PIN=0 turns pinning off.
#   bench/run.sh [runs=3] [seconds=15] [warm-up seconds=10] [connections=32]
#   ONLY="nginx-proxy gh-proxy" bench/run.sh 1 5 3     # a subset, short (see CASES below for the names)
#   EXTRAS=1 bench/run.sh      # then also bench/grants.sh and bench/startup.sh, when present
#   BASE=/tmp/main bench/run.sh  # also nodes run from another checkout (its jar built): a proxying one, case
#                              # gh-proxy-base, and a many-node one (gh-me-token-pg-base), for before/after
#                              # figures of a change in one interleaved run
#   MANY=0 bench/run.sh        # skips the many-node case (gh-me-token-pg), which needs psql and redis-cli
#   VARIANTS=$'raw:-Dgatehouse.proxy.client=raw\nhelidon:-Dgatehouse.proxy.client=helidon' bench/run.sh
#                              # one more Gatehouse node per line (name:GATEHOUSE_JAVA_OPTS, access log on), each
#                              # measured as case gh-proxy-<name> in the same rounds (the proxy clients compared)
#   JFR=gh-proxy bench/run.sh  # records a JFR profile of the Gatehouse (log on) node during that case's
#                              # measured runs into target/bench-<case>.jfr (summary: bench/jfr-top.py FILE)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
runs=${1:-3}
duration=${2:-15}
warm=${3:-10}
conns=${4:-32}
for tool in wrk nginx python3 curl; do
    command -v $tool >/dev/null || { echo "bench/run.sh: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done

cores=$(nproc)
server_cores=$cores
pin_server=(); pin_wrk=()
if [ "${PIN:-1}" = 1 ] && [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    server_cores=$((cores - 1))
    pin_server=(taskset -c "0-$((cores - 2))"); pin_wrk=(taskset -c "$((cores - 1))")
fi
tck=$(getconf CLK_TCK)
pg_host=${BENCH_PG_HOST:-127.0.0.1}; pg_port=${BENCH_PG_PORT:-5432}; pg_user=${BENCH_PG_USER:-postgres}
redis_url=${BENCH_REDIS_URL:-}
own_redis=""
if [ -z "$redis_url" ] && [ "${MANY:-1}" = 1 ] && command -v redis-server >/dev/null; then
    # A Redis of the bench's own, on wrk's core (like the proxy's upstream): the shared Redis of a real
    # cluster runs on another machine, so its CPU must not come out of the server's core (bench/README.md,
    # helper "manynode2"). No persistence; stopped by its PID at the end.
    own_redis=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    redis_url=redis://127.0.0.1:$own_redis
fi
redis_url=${redis_url:-redis://127.0.0.1:6379}
psql_() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres "$@"; }
many=${MANY:-1}
redis_pid=""
if [ -n "$own_redis" ]; then
    "${pin_wrk[@]}" redis-server --bind 127.0.0.1 --port "$own_redis" --save '' --appendonly no --daemonize no \
        --logfile /dev/null >/dev/null 2>&1 &
    redis_pid=$!
    for _ in $(seq 1 100); do [ "$(redis-cli -u "$redis_url" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
fi
if [ "$many" = 1 ] && ! { command -v psql >/dev/null && command -v redis-cli >/dev/null \
        && psql_ -tAc 'select 1' >/dev/null 2>&1 && [ "$(redis-cli -u "$redis_url" ping 2>/dev/null)" = PONG ]; }; then
    echo "bench/run.sh: no PostgreSQL at $pg_host:$pg_port or Redis at $redis_url (or no psql/redis-cli): skipping gh-me-token-pg" >&2
    many=0
fi

work=$(mktemp -d)
pids=()
pg_db=""; pg_db_base=""; redis_prefix=""
cleanup() {
    for p in "${pids[@]}" $redis_pid; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for d in $pg_db $pg_db_base; do psql_ -q -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done
    if [ -n "$redis_prefix" ] && [ -z "$own_redis" ]; then # our own Redis went with its process
        redis-cli -u "$redis_url" --scan --pattern "$redis_prefix*" | xargs -r redis-cli -u "$redis_url" del >/dev/null 2>&1 || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "bench/run.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_for() { # url: up to two minutes (a loaded machine, or the launcher making its start-up cache)
    for _ in $(seq 1 1200); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done
    echo "bench/run.sh: $1 never answered" >&2; tail -n 20 "$work"/*/out.log >&2 2>/dev/null; exit 1
}

# --- nginx: the upstream (on wrk's core) and the reverse-proxy baseline (on the server cores)
up=$(free_port); nproxy=$(free_port)
nginx_conf() { # name, workers, server block
    mkdir -p "$work/$1"
    cat >"$work/$1/nginx.conf" <<NGINX
daemon off;
master_process on;
worker_processes $2;
pid $work/$1/nginx.pid;
error_log $work/$1/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $work/$1/body;
    proxy_temp_path $work/$1/proxy;
    fastcgi_temp_path $work/$1/fastcgi;
    uwsgi_temp_path $work/$1/uwsgi;
    scgi_temp_path $work/$1/scgi;
    $3
}
NGINX
}
nginx_conf upstream 1 "access_log off;
    server { listen 127.0.0.1:$up; location / { default_type text/plain; return 200 \"ok\n\"; } }"
nginx_conf nginx-proxy "$server_cores" "access_log $work/nginx-proxy/access.log;
    upstream up { server 127.0.0.1:$up; keepalive 64; }
    server { listen 127.0.0.1:$nproxy; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
"${pin_wrk[@]}" nginx -p "$work/upstream" -c "$work/upstream/nginx.conf" &
pids+=($!)
"${pin_server[@]}" nginx -p "$work/nginx-proxy" -c "$work/nginx-proxy/nginx.conf" &
pids+=($!); nginx_pid=$!

# --- Gatehouse, access log on (defaults) and off
"$root/gatehouse" --version >/dev/null   # builds the jar (outside any timing)
declare -A gh_pid gh_port
start_gatehouse() { # name, extra env... (GH=another launcher)
    local name=$1; shift
    local port admin; port=$(free_port); admin=$(free_port)
    mkdir -p "$work/$name"
    cat >"$work/$name/routes.yaml" <<YAML
routes:
  - path: /v1.0/up/**
    upstream: http://127.0.0.1:$up
YAML
    (cd "$work/$name" && exec env GATEHOUSE_PORT=$port GATEHOUSE_ADMIN_PORT=$admin GATEHOUSE_BIND=127.0.0.1 \
        GATEHOUSE_ROUTES="$work/$name/routes.yaml" GATEHOUSE_API_KEY_RATE_LIMIT=1000000000 "$@" \
        "${pin_server[@]}" "${GH:-$root/gatehouse}" serve >"$work/$name/out.log" 2>&1) &
    pids+=($!); gh_pid[$name]=$!; gh_port[$name]=$port; gh_port[$name.admin]=$admin
}
start_gatehouse on
start_gatehouse off GATEHOUSE_ACCESS_LOG=OFF
variants=()
while IFS= read -r v; do
    [ -n "$v" ] || continue
    variants+=("${v%%:*}"); start_gatehouse "${v%%:*}" GATEHOUSE_JAVA_OPTS="${v#*:}"
done <<<"${VARIANTS:-}"
if [ -n "${BASE:-}" ]; then # the proxy as built in another checkout, access log on
    "$BASE/gatehouse" --version >/dev/null
    GH=$BASE/gatehouse start_gatehouse base
fi
if [ "$many" = 1 ]; then # many-node mode: a database and a Redis key prefix of its own, defaults otherwise
    pg_db=gh_bench_$$_$RANDOM; redis_prefix="gh-bench-$$-$RANDOM:"
    psql_ -q -c "CREATE DATABASE $pg_db" >/dev/null
    start_gatehouse pg GATEHOUSE_DB_URL="jdbc:postgresql://$pg_host:$pg_port/$pg_db" GATEHOUSE_DB_USER="$pg_user" \
        ${BENCH_PG_PASSWORD:+GATEHOUSE_DB_PASSWORD=$BENCH_PG_PASSWORD} GATEHOUSE_REDIS_URL="$redis_url" GATEHOUSE_REDIS_PREFIX="$redis_prefix"
    if [ -n "${BASE:-}" ]; then
        "$BASE/gatehouse" --version >/dev/null
        pg_db_base=${pg_db}_base; psql_ -q -c "CREATE DATABASE $pg_db_base" >/dev/null
        GH=$BASE/gatehouse start_gatehouse pgbase GATEHOUSE_DB_URL="jdbc:postgresql://$pg_host:$pg_port/$pg_db_base" GATEHOUSE_DB_USER="$pg_user" \
            ${BENCH_PG_PASSWORD:+GATEHOUSE_DB_PASSWORD=$BENCH_PG_PASSWORD} GATEHOUSE_REDIS_URL="$redis_url" GATEHOUSE_REDIS_PREFIX="${redis_prefix}base:"
    fi
fi
wait_for "127.0.0.1:$up/"; wait_for "127.0.0.1:$nproxy/"
wait_for "127.0.0.1:${gh_port[on.admin]}/healthz"; wait_for "127.0.0.1:${gh_port[off.admin]}/healthz"
[ "$many" = 1 ] && wait_for "127.0.0.1:${gh_port[pg.admin]}/healthz"
[ -n "$pg_db_base" ] && wait_for "127.0.0.1:${gh_port[pgbase.admin]}/healthz"
[ -n "${BASE:-}" ] && wait_for "127.0.0.1:${gh_port[base.admin]}/healthz"
for n in ${variants[@]+"${variants[@]}"}; do wait_for "127.0.0.1:${gh_port[$n.admin]}/healthz"; done

acurl() { curl -sf -H 'Content-Type: application/json' "$@"; }   # admin calls that change state
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
declare -A key token
credentials() { # name: an account, its API key, an app and a client-credentials token on that node
    local a=127.0.0.1:${gh_port[$1.admin]} account app client secret
    account=$(acurl -XPOST "$a/admin/v1/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
    key[$1]=$(acurl -XPOST "$a/admin/v1/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
    app=$(acurl -XPOST "$a/admin/v1/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
    client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
    acurl -XPATCH "$a/admin/v1/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
    token[$1]=$(curl -sf -u "$client:$secret" -d grant_type=client_credentials --data-urlencode "customer_key=${key[$1]}" \
        "127.0.0.1:${gh_port[$1]}/oauth/token" | json '["access_token"]')
}
credentials on; credentials off
[ "$many" = 1 ] && credentials pg
[ -n "$pg_db_base" ] && credentials pgbase
[ -n "${BASE:-}" ] && credentials base
for n in ${variants[@]+"${variants[@]}"}; do credentials "$n"; done

# --- the cases: name|server (nginx, on, off)|wrk arguments (tab-separated)
T=$'\t'
CASES=(
    "nginx-proxy|nginx|http://127.0.0.1:$nproxy/ping"
    "gh-proxy|on|-H${T}Authorization: token ${key[on]}${T}http://127.0.0.1:${gh_port[on]}/v1.0/up/ping"
    "gh-proxy-logoff|off|-H${T}Authorization: token ${key[off]}${T}http://127.0.0.1:${gh_port[off]}/v1.0/up/ping"
    "gh-healthz|on|http://127.0.0.1:${gh_port[on]}/healthz"
    "gh-me-token|on|-H${T}Authorization: Bearer ${token[on]}${T}http://127.0.0.1:${gh_port[on]}/v1.0/me"
    "gh-me-key|on|-H${T}Authorization: token ${key[on]}${T}http://127.0.0.1:${gh_port[on]}/v1.0/me"
    "gh-healthz-logoff|off|http://127.0.0.1:${gh_port[off]}/healthz"
    "gh-me-token-logoff|off|-H${T}Authorization: Bearer ${token[off]}${T}http://127.0.0.1:${gh_port[off]}/v1.0/me"
)
[ "$many" = 1 ] && CASES+=("gh-me-token-pg|pg|-H${T}Authorization: Bearer ${token[pg]}${T}http://127.0.0.1:${gh_port[pg]}/v1.0/me")
[ -n "${BASE:-}" ] && CASES+=("gh-proxy-base|base|-H${T}Authorization: token ${key[base]}${T}http://127.0.0.1:${gh_port[base]}/v1.0/up/ping")
[ -n "$pg_db_base" ] && CASES+=("gh-me-token-pg-base|pgbase|-H${T}Authorization: Bearer ${token[pgbase]}${T}http://127.0.0.1:${gh_port[pgbase]}/v1.0/me")
for n in ${variants[@]+"${variants[@]}"}; do
    CASES+=("gh-proxy-$n|$n|-H${T}Authorization: token ${key[$n]}${T}http://127.0.0.1:${gh_port[$n]}/v1.0/up/ping")
done
if [ -n "${ONLY:-}" ]; then
    kept=(); for c in "${CASES[@]}"; do [[ " $ONLY " == *" ${c%%|*} "* ]] && kept+=("$c"); done; CASES=("${kept[@]}")
fi

server_pids() { # the processes of a server: nginx's master and workers, or the Gatehouse JVM
    if [ "$1" = nginx ]; then echo "$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"; else echo "${gh_pid[$1]}"; fi
}
cpu_ticks() { local t=0 p; for p in $(server_pids "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }

wrk_once() { # seconds, wrk arguments...; prints "requests/s wrk-cpu-seconds non-2xx"
    local secs=$1; shift
    local out; out=$( { TIMEFORMAT='%U %S'; time "${pin_wrk[@]}" wrk -t2 -c"$conns" -d"${secs}s" "$@" 2>&1; } 2>&1 )
    local rps cpu bad
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    cpu=$(echo "$out" | tail -1 | awk '{print $1 + $2}')
    bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    echo "${rps:-0} $cpu ${bad:-0}"
}

echo "bench/run.sh: $(date -u +%FT%TZ), $cores cores, pinning: ${pin_server[*]:-none} (server) / ${pin_wrk[*]:-none} (wrk, upstream);" \
     "wrk -t2 -c$conns, ${warm}s warm-up, $runs × ${duration}s; load: $(uptime | sed 's/.*load/load/')"
for c in "${CASES[@]}"; do
    IFS='|' read -r name server args <<<"$c"; IFS=$T read -r -a a <<<"$args"
    wrk_once "$warm" "${a[@]}" >/dev/null
done
declare -A rps_list server_cpu wrk_cpu
for r in $(seq 1 "$runs"); do
    for c in "${CASES[@]}"; do
        IFS='|' read -r name server args <<<"$c"; IFS=$T read -r -a a <<<"$args"
        jfr_on=0
        if [[ " ${JFR:-} " == *" $name "* ]] && [ "$server" != nginx ] && [ "$r" = 1 ]; then
            "$JAVA_HOME/bin/jcmd" "${gh_pid[$server]}" JFR.start name=bench ${JFR_SETTINGS:-settings=profile} filename="$root/target/bench-$name.jfr" >/dev/null; jfr_on=1
        fi
        before=$(cpu_ticks "$server")
        read -r rps wcpu bad < <(wrk_once "$duration" "${a[@]}")
        after=$(cpu_ticks "$server")
        [ $jfr_on = 1 ] && "$JAVA_HOME/bin/jcmd" "${gh_pid[$server]}" JFR.stop name=bench >/dev/null
        [ "$bad" != 0 ] && echo "  ($name run $r: $bad non-2xx answers)" >&2
        rps_list[$name]+="$rps "
        server_cpu[$name]=$(echo "${server_cpu[$name]:-0} $after $before $tck" | awk '{print $1 + ($2 - $3) / $4}')
        wrk_cpu[$name]=$(echo "${wrk_cpu[$name]:-0} $wcpu" | awk '{print $1 + $2}')
        echo "  round $r  $name  $rps req/s" >&2
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A med percpu
# "server busy": the server's CPU seconds over the measured seconds, as a share of the cores it is pinned to. Well
# under 100% means the other core (wrk, the nginx upstream, the bench's Redis) set the pace, not the server: that
# case's req/s says less about the server than its CPU µs per request does.
busy_cores=${#pin_server[@]}; busy_cores=$(( busy_cores ? cores - 1 : cores )); [ "$busy_cores" -ge 1 ] || busy_cores=1
printf '%-20s %12s  %-34s %12s %12s %14s %12s\n' case "median req/s" "runs" "server CPU s" "wrk CPU s" "server CPU µs/req" "server busy"
for c in "${CASES[@]}"; do
    name=${c%%|*}
    med[$name]=$(echo "${rps_list[$name]}" | median)
    per=$(echo "${server_cpu[$name]} ${rps_list[$name]}" | awk -v d="$duration" '{s=0; for (i=2; i<=NF; i++) s+=$i*d; printf "%.1f", s ? 1e6*$1/s : 0}')
    percpu[$name]=$per
    busy=$(echo "${server_cpu[$name]}" | awk -v t="$((runs * duration * busy_cores))" '{printf "%.0f%%", 100 * $1 / t}')
    printf '%-20s %12.0f  %-34s %12.1f %12.1f %14s %12s\n' "$name" "${med[$name]}" "${rps_list[$name]}" "${server_cpu[$name]}" "${wrk_cpu[$name]}" "$per" "$busy"
done
# Each ratio twice: from the median requests/s, and from the server's CPU µs per request (the steadier of
# the two on a shared machine: it does not move when another process takes the server's core for a while).
ratio() { # label, a, b, goal text
    [ -n "${med[$2]:-}" ] && [ -n "${med[$3]:-}" ] || return 0
    printf '%-52s %6.2f   by CPU/request %5.2f   (goal %s)\n' "$1" "$(echo "${med[$2]} ${med[$3]}" | awk '{print $1 / $2}')" \
        "$(echo "${percpu[$2]} ${percpu[$3]}" | awk '{print $1 ? $2 / $1 : 0}')" "$4"
}
cost() { # label, with, without
    [ -n "${med[$2]:-}" ] && [ -n "${med[$3]:-}" ] || return 0
    printf '%-52s %5.1f%%   by CPU/request %5.1f%%   (goal <= 5%%)\n' "$1" "$(echo "${med[$2]} ${med[$3]}" | awk '{print 100 * (1 - $1 / $2)}')" \
        "$(echo "${percpu[$2]} ${percpu[$3]}" | awk '{print $1 ? 100 * (1 - $2 / $1) : 0}')"
}
# What a case's work costs beyond another's, in server CPU µs per request (the /v1.0/me row read as an overhead:
# authentication, the limiter, its headers and body over the cheapest request).
adds() { # label, case, base
    [ -n "${percpu[$2]:-}" ] && [ -n "${percpu[$3]:-}" ] || return 0
    printf '%-52s %+6.1f µs of server CPU per request (%s vs %s)\n' "$1" \
        "$(echo "${percpu[$2]} ${percpu[$3]}" | awk '{print $1 - $2}')" "${percpu[$2]}" "${percpu[$3]}"
}
echo
ratio "proxy: Gatehouse / nginx reverse proxy (log on)" gh-proxy nginx-proxy ">= 0.6"
ratio "proxy: Gatehouse / nginx reverse proxy (log off)" gh-proxy-logoff nginx-proxy ">= 0.6"
ratio "GET /v1.0/me token / own /healthz (log on)" gh-me-token gh-healthz ">= 0.95"
ratio "GET /v1.0/me key / own /healthz (log on)" gh-me-key gh-healthz "—"
adds "GET /v1.0/me token over own /healthz (log on)" gh-me-token gh-healthz
ratio "many-node: /v1.0/me token, PostgreSQL + Redis / embedded" gh-me-token-pg gh-me-token ">= 0.8"
ratio "many-node: this checkout / BASE" gh-me-token-pg gh-me-token-pg-base "—"
ratio "proxy: this checkout / BASE" gh-proxy gh-proxy-base "—"
cost "access log cost, /v1.0/me with a token" gh-me-token gh-me-token-logoff
cost "access log cost, /healthz" gh-healthz gh-healthz-logoff
cost "access log cost, proxy" gh-proxy gh-proxy-logoff
for n in ${variants[@]+"${variants[@]}"}; do ratio "proxy: Gatehouse $n / nginx reverse proxy" "gh-proxy-$n" nginx-proxy ">= 0.6"; done

if [ "${EXTRAS:-0}" = 1 ]; then
    cleanup; trap - EXIT
    for extra in grants startup; do
        if [ -x "$root/bench/$extra.sh" ]; then echo; echo "== bench/$extra.sh"; "$root/bench/$extra.sh"; fi
    done
fi
