#!/usr/bin/env bash
# Where one case of issue 15 spends the server's CPU: one Gatehouse node (defaults, access log on) on core 0, an nginx
# upstream and wrk on the last core, as bench/run.sh pins them. After a warm-up it profiles one measured wrk run with
# async-profiler (attached to the running JVM, `itimer` samples, so no perf_events rights are needed) and counts the
# node's system calls and context switches with `perf stat` tracepoints (when perf is installed), then prints:
#   req/s, server CPU µs per request (user / system), context switches and the main system calls per request,
#   the top frames by self time, and target/profile-CASE.txt (collapsed stacks: one line per stack, for flame graphs).
#   bench/profile.sh CASE [seconds=20] [warm-up seconds=30]
#   CASE: proxy (GET through a route to nginx), me (GET /v1.0/me with a token), key (/v1.0/me with an API key),
#         healthz, grants (POST /oauth/token, client credentials), me-pg (/v1.0/me on PostgreSQL + Redis, as
#         bench/run.sh's many-node case; BENCH_PG_* and BENCH_REDIS_URL as there)
#   GATEHOUSE_JAVA_OPTS=… bench/profile.sh proxy   # extra JVM options for the node (e.g. -Djdk.pollerMode=1)
#   GATEHOUSE_ACCESS_LOG=OFF bench/profile.sh me   # any GATEHOUSE_* setting reaches the node
# async-profiler is tools.profiler:async-profiler:4.1 from Maven Central (its jar carries libasyncProfiler.so); the
# first run fetches it with `mvn dependency:get`. Findings made with it: bench/README.md, "Profiles: where the
# remaining rows spend their CPU".
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
case_=${1:?usage: bench/profile.sh proxy|me|key|healthz|grants|me-pg [seconds] [warm-up]}
secs=${2:-20}
warm=${3:-30} # a fresh JVM: after 10 s the JIT still took 11% of /v1.0/me's CPU, after 20 s 1.6%
for tool in wrk nginx python3 curl mvn; do
    command -v $tool >/dev/null || { echo "bench/profile.sh: $tool is needed" >&2; exit 1; }
done
cores=$(nproc)
pin_server=(); pin_load=()
if [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    pin_server=(taskset -c "0-$((cores - 2))"); pin_load=(taskset -c "$((cores - 1))")
fi

ap_version=4.1
ap_jar=$HOME/.m2/repository/tools/profiler/async-profiler/$ap_version/async-profiler-$ap_version.jar
[ -f "$ap_jar" ] || mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:$ap_version >/dev/null
work=$(mktemp -d)
pids=(); pg_db=""; redis_prefix=""
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
cleanup() {
    for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -z "$pg_db" ] || psql -h "${BENCH_PG_HOST:-127.0.0.1}" -p "${BENCH_PG_PORT:-5432}" -U "${BENCH_PG_USER:-postgres}" -d postgres \
        -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    [ -z "$redis_prefix" ] || redis-cli -u "$redis_url" --scan --pattern "$redis_prefix*" 2>/dev/null \
        | xargs -r redis-cli -u "$redis_url" del >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
(cd "$work" && unzip -q -o "$ap_jar" 'linux-x64/libasyncProfiler.so')
lib=$work/linux-x64/libasyncProfiler.so

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up=$(free_port); port=$(free_port); admin=$(free_port)
mkdir -p "$work/up"
cat >"$work/up/nginx.conf" <<NGINX
daemon off; master_process on; worker_processes 1; pid $work/up/nginx.pid; error_log $work/up/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $work/up/b; proxy_temp_path $work/up/p; fastcgi_temp_path $work/up/f;
    uwsgi_temp_path $work/up/u; scgi_temp_path $work/up/s; access_log off;
    server { listen 127.0.0.1:$up; location / { default_type text/plain; return 200 "ok\n"; } }
}
NGINX
"${pin_load[@]}" nginx -p "$work/up" -c "$work/up/nginx.conf" &
pids+=($!)
printf 'routes:\n  - path: /v1.0/up/**\n    upstream: http://127.0.0.1:%s\n' "$up" >"$work/routes.yaml"

extra=()
if [ "$case_" = me-pg ]; then
    pg_db=gh_profile_$$_$RANDOM; redis_prefix="gh-profile-$$-$RANDOM:"
    psql -h "${BENCH_PG_HOST:-127.0.0.1}" -p "${BENCH_PG_PORT:-5432}" -U "${BENCH_PG_USER:-postgres}" -d postgres -qc "CREATE DATABASE $pg_db"
    extra=(GATEHOUSE_DB_URL="jdbc:postgresql://${BENCH_PG_HOST:-127.0.0.1}:${BENCH_PG_PORT:-5432}/$pg_db"
        GATEHOUSE_DB_USER="${BENCH_PG_USER:-postgres}" ${BENCH_PG_PASSWORD:+GATEHOUSE_DB_PASSWORD=$BENCH_PG_PASSWORD}
        GATEHOUSE_REDIS_URL="$redis_url" GATEHOUSE_REDIS_PREFIX="$redis_prefix")
fi
"$root/gatehouse" --version >/dev/null # builds the jar and the start-up cache outside any timing
(cd "$work" && exec env GATEHOUSE_PORT="$port" GATEHOUSE_ADMIN_PORT="$admin" GATEHOUSE_BIND=127.0.0.1 \
    GATEHOUSE_DATA_DIR="$work/data" GATEHOUSE_ROUTES="$work/routes.yaml" GATEHOUSE_API_KEY_RATE_LIMIT=1000000000 \
    ${extra[@]+"${extra[@]}"} GATEHOUSE_JAVA_OPTS="-XX:+EnableDynamicAgentLoading ${GATEHOUSE_JAVA_OPTS:-}" \
    "${pin_server[@]}" "$root/gatehouse" serve >"$work/out.log" 2>&1) &
pids+=($!); launcher=$!
for _ in $(seq 1 1200); do curl -sf "127.0.0.1:$admin/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "127.0.0.1:$admin/readyz" >/dev/null || { tail -n 20 "$work/out.log" >&2; exit 1; }
jvm=$launcher # the launcher execs java (the subshell's pid); fall back to its child
[ "$(cat "/proc/$jvm/comm" 2>/dev/null)" = java ] || jvm=$(pgrep -P "$launcher" java | head -n 1)

acurl() { curl -sf -H 'Content-Type: application/json' "$@"; }
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
a=127.0.0.1:$admin/admin/v1
account=$(acurl -XPOST "$a/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
key=$(acurl -XPOST "$a/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
app=$(acurl -XPOST "$a/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
acurl -XPATCH "$a/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
token=$(curl -sf -u "$client:$secret" -d grant_type=client_credentials --data-urlencode "customer_key=$key" \
    "127.0.0.1:$port/oauth/token" | json '["access_token"]')
case $case_ in
    proxy) args=(-H "Authorization: token $key" "http://127.0.0.1:$port/v1.0/up/ping") ;;
    me | me-pg) args=(-H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1.0/me") ;;
    key) args=(-H "Authorization: token $key" "http://127.0.0.1:$port/v1.0/me") ;;
    healthz) args=("http://127.0.0.1:$port/healthz") ;;
    grants)
        printf 'wrk.method = "POST"\nwrk.headers["Authorization"] = "Basic %s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = "grant_type=client_credentials&customer_key=%s"\n' \
            "$(printf '%s' "$client:$secret" | base64 -w0)" "$key" >"$work/grants.lua"
        args=(-s "$work/grants.lua" "http://127.0.0.1:$port/oauth/token") ;;
    *) echo "bench/profile.sh: unknown case $case_" >&2; exit 1 ;;
esac

"${pin_load[@]}" wrk -t2 -c32 -d"${warm}s" "${args[@]}" >/dev/null
stat_field() { awk -v f="$1" '{print $f}' "/proc/$jvm/stat"; }
switches() { local t=0 f; for f in /proc/"$jvm"/task/*/status; do t=$((t + $(awk '/ctxt_switches/ {s += $2} END {print s + 0}' "$f" 2>/dev/null || echo 0))); done; echo $t; }
out=$root/target/profile-$case_.txt
mkdir -p "$root/target"
# jcmd splits its arguments at '=': the inner quotes keep the agent's option string whole
"$JAVA_HOME/bin/jcmd" "$jvm" JVMTI.agent_load "$lib" "\"start,event=itimer,interval=1ms\"" >/dev/null
perf_pid=""
if command -v perf >/dev/null; then
    events=raw_syscalls:sys_enter,syscalls:sys_enter_write,syscalls:sys_enter_read,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_futex,syscalls:sys_enter_poll
    perf stat -x, -e "$events" -p "$jvm" -o "$work/perf.txt" -- sleep "$secs" 2>/dev/null &
    perf_pid=$!
fi
u0=$(stat_field 14); s0=$(stat_field 15); c0=$(switches)
requests=$("${pin_load[@]}" wrk -t2 -c32 -d"${secs}s" "${args[@]}" | awk '/requests in/ {print $1}')
u1=$(stat_field 14); s1=$(stat_field 15); c1=$(switches)
[ -z "$perf_pid" ] || wait "$perf_pid" || true
"$JAVA_HOME/bin/jcmd" "$jvm" JVMTI.agent_load "$lib" "\"stop,file=$out,collapsed\"" >/dev/null

tck=$(getconf CLK_TCK)
echo "bench/profile.sh $case_: $(date -u +%FT%TZ), ${secs} s after ${warm} s of warm-up, wrk -t2 -c32; load: $(uptime | sed 's/.*load average: //')"
python3 - "$requests" "$secs" "$tck" "$u0" "$u1" "$s0" "$s1" "$c0" "$c1" "$out" "$work/perf.txt" <<'PY'
import collections, os, sys
req, secs, tck, u0, u1, s0, s1, c0, c1 = (float(x) for x in sys.argv[1:10])
out, perf = sys.argv[10], sys.argv[11]
per = lambda ticks: ticks / tck / req * 1e6
print(f"  {req / secs:,.0f} req/s; server CPU {per(u1 - u0 + s1 - s0):.1f} µs/request "
      f"(user {per(u1 - u0):.1f}, system {per(s1 - s0):.1f}); {(c1 - c0) / req:.3f} context switches/request")
if os.path.exists(perf):
    for line in open(perf):
        f = line.strip().split(',')
        if len(f) > 2 and f[0].replace('.', '').isdigit():
            print(f"  {f[2].split(':')[-1]:<26} {float(f[0]) / req:7.3f} per request")
self_time, total, jit = collections.Counter(), 0, 0
for line in open(out):
    stack, _, n = line.rstrip().rpartition(' ')
    if not n.isdigit():
        continue
    total += int(n)
    self_time[stack.split(';')[-1]] += int(n)
    jit += int(n) if 'CompileBroker' in stack else 0
print(f"  top frames by self time ({total} samples, 1 ms each; JIT compiler threads {100 * jit / max(total, 1):.1f}%:"
      " more than a few % means the warm-up was too short):")
for frame, n in self_time.most_common(15):
    print(f"    {100 * n / total:5.1f}%  {frame[:120]}")
print(f"  collapsed stacks: {out}")
PY
