#!/usr/bin/env bash
# Client-credentials grants/s, side by side, in one run: Spring Authorization Server (bench/peers/spring-as,
# in-memory client, plain {noop} secret), Gatehouse with RS256 then ES256 access tokens (defaults: embedded
# H2, access log on), and Keycloak (start-dev, H2) when KEYCLOAK=1 (its 26.7.3 zip comes from Maven Central).
# Each server runs alone: started, set up, warmed up, measured, stopped, then the next. For each: wrk -t2 -c32
# with one Lua POST script (HTTP Basic, grant_type=client_credentials), a warm-up, then runs of the given
# length; prints every run, the median, the ratio to Spring AS, the CPU seconds each side used in the
# measured runs (and grants per server CPU second, steadier than grants/s on a shared machine), and the
# share of the RS256 signing ceiling (RS256 signs/s of the server's cores, measured by bench/SignCeiling.java
# at the start of the run; also per CPU second: grants per server CPU s / signs per CPU s).
# With two or more cores, wrk runs on the last core and the servers (and the ceiling) on the others (taskset);
# PIN=0 turns that off.
#   bench/grants.sh [runs=3] [seconds=15] [warm-up seconds=10]  (the issue's method; on one core C2 is still compiling after 10 s, so 30 shows the steady state: bench/README.md)
#   KEYCLOAK=1 bench/grants.sh          # also Keycloak
#   ONLY="spring gh-rs256" bench/grants.sh   # a subset (spring gh-rs256 gh-es256 gh-eddsa keycloak base-rs256 base-es256;
#                                            jdk-rs256 jdk-es256: ./gatehouse with GATEHOUSE_TOKEN_SIGNER=jdk)
#   BASE_JAR=/tmp/old/gatehouse.jar ONLY="base-rs256 gh-rs256" bench/grants.sh   # an older build (its jar) as base-*
#   BASE_JAR=… NEW_JAR=… ONLY="base-rs256 new-rs256" bench/grants.sh   # two builds started the same way (java -jar, GATEHOUSE_JAVA_OPTS);
#     gh-* start through ./gatehouse (the launcher's JVM options), so base-* against new-* is the fair before/after
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
runs=${1:-3}
duration=${2:-15}
warm=${3:-10}
command -v wrk >/dev/null || { echo "bench/grants.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }
kc_version=26.7.3
only=${ONLY:-spring gh-rs256 gh-es256 $([ "${KEYCLOAK:-0}" = 1 ] && echo keycloak || true)}

cores=$(nproc)
if [ "${PIN:-1}" = 1 ] && [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    server_cpus="0-$((cores - 2))"; wrk_cpus="$((cores - 1))"; server_cores=$((cores - 1))
    pin_server=(taskset -c "$server_cpus"); pin_wrk=(taskset -c "$wrk_cpus")
else
    server_cpus="all"; wrk_cpus="all"; server_cores=$cores
    pin_server=(); pin_wrk=()
fi

work=$(mktemp -d)
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        for child in $(pgrep -P "$server_pid" || true); do kill "$child" 2>/dev/null || true; done
        kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
}
cleanup() {
    local rc=$?
    if [ "$rc" != 0 ]; then for f in "$work"/*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -20 "$f" >&2; }; done; fi
    stop_server; [ -z "${KEEP_LOGS:-}" ] || cp "$work"/*.log "$KEEP_LOGS"/ 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
wait_for() { # url, what, [tries of 0.2 s]
    for _ in $(seq 1 "${3:-600}"); do curl -sf -o /dev/null "$1" && return 0; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    echo "bench/grants.sh: $2 did not start" >&2; return 1
}
cpu_seconds() { # user+system CPU seconds of a process and its reaped children so far
    awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15 + $16 + $17) / t}' "/proc/$1/stat"
}
lua() { # basic credentials, body
    cat <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Basic $(printf '%s' "$1" | base64 -w0)"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "$2"
LUA
}

# --- builds (before anything is measured) ---
"$root/gatehouse" --version >/dev/null   # builds the launcher jar if needed
spring_jar=$root/bench/peers/spring-as/target/spring-as-peer.jar
if [[ " $only " == *" spring "* ]] && [ ! -f "$spring_jar" ]; then
    mvn -B -q -f "$root/bench/peers/spring-as/pom.xml" package -DskipTests >"$work/spring-build.log" 2>&1
fi
kc_home=$root/bench/peers/keycloak/target/keycloak-$kc_version
if [[ " $only " == *" keycloak "* ]] && [ ! -x "$kc_home/bin/kc.sh" ]; then
    mkdir -p "$root/bench/peers/keycloak/target"
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact=org.keycloak:keycloak-quarkus-dist:$kc_version:zip -DoutputDirectory="$root/bench/peers/keycloak/target" \
        >"$work/kc-download.log" 2>&1
    (cd "$root/bench/peers/keycloak/target" && unzip -q "keycloak-quarkus-dist-$kc_version.zip")
fi

# --- the RS256 signing ceiling of the server's cores ---
read -r ceiling signs_per_cpu < <("${pin_server[@]}" "$JAVA_HOME/bin/java" "$root/bench/SignCeiling.java" "$server_cores" 5)
# and OpenSSL's (what Gatehouse signs with by default where the system has libcrypto: GATEHOUSE_TOKEN_SIGNER)
ossl_ceiling=
if command -v openssl >/dev/null 2>&1; then
    ossl_ceiling=$("${pin_server[@]}" openssl speed -seconds 5 -multi "$server_cores" rsa2048 2>/dev/null \
        | awk '/^rsa +2048 bits/ {print int($(NF-1))}' | tail -1)
fi

# --- one server at a time ---
declare -A median cpu_server cpu_wrk errors all_runs per_cpu
measure() { # name, url, lua file
    local name=$1 url=$2 script=$3 out rps s0 w0 s1 w1 list="" errs=0
    "${pin_wrk[@]}" wrk -t2 -c32 -d"${warm}s" -s "$script" "$url" >/dev/null
    s0=$(cpu_seconds "$server_pid")
    local me=$BASHPID
    w0=$(cpu_seconds "$me")   # wrk (a child of this subshell) counts in its children's CPU time once reaped
    for _ in $(seq 1 "$runs"); do
        out=$("${pin_wrk[@]}" wrk -t2 -c32 -d"${duration}s" -s "$script" "$url")
        rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        errs=$((errs + $(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)))
        list="$list $rps"
    done
    s1=$(cpu_seconds "$server_pid")
    w1=$(cpu_seconds "$me")
    cpu_wrk[$name]=$(echo "$w0 $w1" | awk '{printf "%.1f", $2 - $1}')
    median[$name]=$(echo "$list" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    all_runs[$name]=$list
    cpu_server[$name]=$(echo "$s0 $s1" | awk '{printf "%.1f", $2 - $1}')
    # on a shared machine the server may get less than its cores: grants per CPU second it used is steadier
    per_cpu[$name]=$(echo "$list" | awk -v d="$duration" -v c="${cpu_server[$name]}" '{for (i = 1; i <= NF; i++) n += $i * d} END {printf "%.0f", n / c}')
    errors[$name]=$errs
    echo "$name|$list|${median[$name]}|${cpu_server[$name]}|${cpu_wrk[$name]}|${per_cpu[$name]}|$errs" >>"$work/results"
    echo "  $name:$list grants/s (median ${median[$name]}), CPU s server ${cpu_server[$name]} / wrk ${cpu_wrk[$name]}, non-2xx $errs" >&2
}

start_gatehouse() { # name, algorithm, [jar instead of ./gatehouse]
    local name=$1 alg=$2 jar=${3:-} port admin a account key app client secret
    port=$(free_port); admin=$(free_port); mkdir -p "$work/$name"
    local launcher=("$root/gatehouse") signer=${signer:-auto}
    [ -z "$jar" ] || launcher=("$JAVA_HOME/bin/java" ${GATEHOUSE_JAVA_OPTS:-} -jar "$jar")
    (cd "$work/$name" && export GATEHOUSE_TOKEN_SIGNING_ALG=$alg GATEHOUSE_TOKEN_SIGNER=$signer GATEHOUSE_PORT=$port GATEHOUSE_ADMIN_PORT=$admin \
        GATEHOUSE_BIND=127.0.0.1 GATEHOUSE_DATA_DIR="$work/$name/data" GATEHOUSE_API_KEY_RATE_LIMIT=1000000000 \
        && exec "${pin_server[@]}" "${launcher[@]}" serve >"$work/$name.log" 2>&1) &
    server_pid=$!
    wait_for "127.0.0.1:$admin/readyz" "Gatehouse ($alg)"
    a="127.0.0.1:$admin/admin/v1"
    account=$(curl -sSf -H 'Content-Type: application/json' -XPOST "$a/accounts" -d '{"email":"bench@example.com","password":"correct horse"}' | json '["id"]')
    key=$(curl -sSf -H 'Content-Type: application/json' -XPOST "$a/accounts/$account/api-keys" -d '{"name":"bench"}' | json '["key"]')
    app=$(curl -sSf -H 'Content-Type: application/json' -XPOST "$a/apps" -d "{\"owner_id\":$account,\"name\":\"Bench\",\"type\":\"confidential\",\"redirect_uris\":[\"https://a.example.com/cb\"],\"permissions\":[\"user.read\"]}")
    client=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
    curl -sSf -H 'Content-Type: application/json' -XPATCH "$a/apps/$client" -d '{"rate_limit_per_minute":1000000000}' >/dev/null
    lua "$client:$secret" "grant_type=client_credentials&customer_key=$key" >"$work/$name.lua"
    curl -sSf -o /dev/null -u "$client:$secret" -d grant_type=client_credentials --data-urlencode "customer_key=$key" "127.0.0.1:$port/oauth/token"
    measure "$name" "http://127.0.0.1:$port/oauth/token" "$work/$name.lua"
    stop_server
}

start_spring() {
    local port secret=bench-$RANDOM$RANDOM
    port=$(free_port)
    (BENCH_SECRET=$secret exec "${pin_server[@]}" "$JAVA_HOME/bin/java" -jar "$spring_jar" --server.port="$port" >"$work/spring.log" 2>&1) &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null -u "bench:$secret" -d grant_type=client_credentials "127.0.0.1:$port/oauth2/token" && break
        kill -0 "$server_pid" 2>/dev/null || { echo "bench/grants.sh: Spring AS did not start" >&2; return 1; }
        sleep 0.2
    done
    lua "bench:$secret" "grant_type=client_credentials" >"$work/spring.lua"
    measure spring "http://127.0.0.1:$port/oauth2/token" "$work/spring.lua"
    stop_server
}

start_keycloak() {
    local port mgmt admin_token kc secret
    port=$(free_port); mgmt=$(free_port)
    rm -rf "$kc_home/data"
    (KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin-bench exec "${pin_server[@]}" "$kc_home/bin/kc.sh" start-dev \
        --http-port="$port" --http-management-port="$mgmt" --http-host=127.0.0.1 --health-enabled=true >"$work/keycloak.log" 2>&1) &
    server_pid=$!
    wait_for "127.0.0.1:$mgmt/health/ready" Keycloak 1500
    kc=http://127.0.0.1:$port
    admin_token=$(curl -sSf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin-bench \
        "$kc/realms/master/protocol/openid-connect/token" | json '["access_token"]')
    curl -sSf -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' -XPOST "$kc/admin/realms" \
        -d '{"realm":"bench","enabled":true}'
    secret=bench-$RANDOM$RANDOM
    curl -sSf -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' -XPOST "$kc/admin/realms/bench/clients" \
        -d "{\"clientId\":\"bench\",\"enabled\":true,\"publicClient\":false,\"serviceAccountsEnabled\":true,\"standardFlowEnabled\":false,\"clientAuthenticatorType\":\"client-secret\",\"secret\":\"$secret\"}"
    curl -sSf -o /dev/null -u "bench:$secret" -d grant_type=client_credentials "$kc/realms/bench/protocol/openid-connect/token"
    lua "bench:$secret" "grant_type=client_credentials" >"$work/keycloak.lua"
    # the JVM is a child of kc.sh: measure its CPU, not the shell's
    local shell_pid=$server_pid
    server_pid=$(pgrep -P "$shell_pid" java || echo "$shell_pid")
    measure keycloak "$kc/realms/bench/protocol/openid-connect/token" "$work/keycloak.lua"
    server_pid=$shell_pid
    kill "$(pgrep -P "$shell_pid" java)" 2>/dev/null || true
    stop_server
}

echo "bench/grants.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $cores cores, server on CPUs $server_cpus, wrk on $wrk_cpus;" \
    "wrk -t2 -c32, ${warm} s warm-up, $runs × ${duration} s; load: $(uptime | sed 's/.*load average: //')"
touch "$work/results"
for s in $only; do
    # each server in a subshell: one that fails to start is reported, and the others still run
    set +e
    (set -e; trap stop_server EXIT
          case $s in
            spring) start_spring ;;
            gh-rs256) start_gatehouse gh-rs256 RS256 ;;
            gh-es256) start_gatehouse gh-es256 ES256 ;;
            gh-eddsa) start_gatehouse gh-eddsa EdDSA ;;
            jdk-rs256) signer=jdk start_gatehouse jdk-rs256 RS256 ;;
            jdk-es256) signer=jdk start_gatehouse jdk-es256 ES256 ;;
            base-rs256) start_gatehouse base-rs256 RS256 "${BASE_JAR:?BASE_JAR: the jar of the older build}" ;;
            base-es256) start_gatehouse base-es256 ES256 "${BASE_JAR:?BASE_JAR: the jar of the older build}" ;;
            new-rs256) start_gatehouse new-rs256 RS256 "${NEW_JAR:?NEW_JAR: the jar of the newer build}" ;;
            new-es256) start_gatehouse new-es256 ES256 "${NEW_JAR:?NEW_JAR: the jar of the newer build}" ;;
            keycloak) start_keycloak ;;
            *) echo "bench/grants.sh: unknown server $s" >&2; exit 2 ;;
          esac)
    rc=$?
    set -e
    if [ "$rc" != 0 ]; then echo "  $s: failed (log tail below)" >&2; tail -5 "$work/$s.log" >&2 2>/dev/null || true; fi
done
while IFS='|' read -r n l m cs cw pc e; do
    all_runs[$n]=$l; median[$n]=$m; cpu_server[$n]=$cs; cpu_wrk[$n]=$cw; per_cpu[$n]=$pc; errors[$n]=$e
done <"$work/results"

base=${median[spring]:-}
echo
echo "| server | runs (grants/s) | median | × Spring AS (grants/s / per CPU s) | share of RS256 ceiling (wall / CPU) | CPU s server / wrk | grants per server CPU s | non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
for s in $only; do
    if [ -z "${median[$s]:-}" ]; then echo "| $s | did not run (see above) | | | | | | |"; continue; fi
    ratio=$([ -n "$base" ] && echo "${median[$s]} $base ${per_cpu[$s]} ${per_cpu[spring]}" | awk '{printf "%.2f / %.2f", $1/$2, $3/$4}' || echo -)
    share=$(echo "${median[$s]} $ceiling ${per_cpu[$s]} $signs_per_cpu" | awk '{printf "%.0f%% / %.0f%%", 100*$1/$2, 100*$3/$4}')
    case $s in
        *es256 | *eddsa) share="(not RS256)" ;;
        spring | keycloak | jdk-*) ;;
        *) [ -z "$ossl_ceiling" ] || share="$share ($(echo "${median[$s]} $ossl_ceiling" | awk '{printf "%.0f%%", 100*$1/$2}') of OpenSSL's)" ;;
    esac
    echo "| $s | $(echo "${all_runs[$s]}" | sed 's/^ //; s/ / · /g') | ${median[$s]} | $ratio | $share | ${cpu_server[$s]} / ${cpu_wrk[$s]} | ${per_cpu[$s]} | ${errors[$s]} |"
done
echo
echo "RS256 signing ceiling of the server's $server_cores core(s): $ceiling signs/s; $signs_per_cpu signs per CPU second (bench/SignCeiling.java, JDK SunRsaSign, 2048-bit)"
[ -z "$ossl_ceiling" ] || echo "OpenSSL's on the same core(s): $ossl_ceiling signs/s (openssl speed rsa2048; what gh-*, base-* and new-* sign with where GATEHOUSE_TOKEN_SIGNER=auto finds libcrypto)"
echo "load after: $(uptime | sed 's/.*load average: //')"
