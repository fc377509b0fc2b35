#!/usr/bin/env bash
# Start-up time and idle memory of `./gatehouse serve` (issue 15). For each run it starts the launcher,
# polls GET /readyz on the admin port every 5 ms, and prints the time from the launcher's exec to the
# first 200 ("ready": SPEC §9, the node can serve; the public /healthz answers at the same moment, since
# both listeners open together after the database was reached and migrated), then VmRSS at ready and
# after IDLE seconds of idling, and the CPU time (user + system) the JVM had used when ready (steadier than
# wall time on a busy machine). Two cases, alternating:
#   fresh    a new, empty data folder (the embedded database is created and migrated, keys generated)
#   existing the data folder of the first fresh run (nothing to migrate)
# Each case can be run under several sets of JVM options, alternately in the same run (A/B):
#   bench/startup.sh [RUNS] [IDLE]                         (defaults 5 and 5)
#   STARTUP_PG_URL=jdbc:postgresql://... bench/startup.sh   also times starts on PostgreSQL (a database of
#                                                          its own: the first start migrates it)
#   STARTUP_VARIANTS='new=|old=GATEHOUSE_AOT_CACHE=off GATEHOUSE_JAVA_OPTS=-XX:+UseG1GC,-Xmx6g' bench/startup.sh
# A variant is NAME=ENV...: space-separated assignments added to the launcher's environment (a comma in
# a value stands for a space).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=${1:-5}
idle=${2:-5}
variants=${STARTUP_VARIANTS:-default=}

"$root/gatehouse" --version >/dev/null   # builds the jar (and its cache) first, outside the timing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$root/gatehouse" "$work" "$runs" "$idle" "$variants" "${STARTUP_PG_URL:-}" <<'PY'
import http.client, os, shutil, signal, socket, statistics, subprocess, sys, time

launcher, work, runs, idle, variants, pg = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def rss_mb(pid):
    # The launcher execs java, so the launcher's pid is the JVM's.
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

def cpu_s(pid):
    # user + system time of the JVM so far (fields 14 and 15 of /proc/PID/stat), in seconds
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def ready(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        c.request("GET", "/readyz")
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except OSError:
        return False

def start(data, extra_env):
    port, admin = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
    env.update(GATEHOUSE_PORT=str(port), GATEHOUSE_ADMIN_PORT=str(admin), GATEHOUSE_BIND="127.0.0.1",
               GATEHOUSE_DATA_DIR=data)
    env.update(extra_env)
    log = open(os.path.join(work, "serve.log"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen([launcher, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    while not ready(admin):
        if p.poll() is not None:
            log.close()
            sys.exit("gatehouse exited %d:\n%s" % (p.returncode, open(os.path.join(work, "serve.log")).read()))
        time.sleep(0.005)
    took = time.monotonic() - t0
    cpu_ready = cpu_s(p.pid)
    rss_ready = rss_mb(p.pid)
    time.sleep(idle)
    rss_idle = rss_mb(p.pid)
    p.send_signal(signal.SIGTERM)
    p.wait(60)
    log.close()
    return took, rss_ready, rss_idle, cpu_ready

parsed = []
for v in variants.split("|"):
    name, _, assignments = v.partition("=")
    parsed.append((name, {k: v.replace(",", " ") for k, v in (a.split("=", 1) for a in assignments.split())}))

cases = ["fresh", "existing"] + (["postgresql"] if pg else [])
results = {(n, c): [] for n, _ in parsed for c in cases}
existing = {}
for i in range(runs):
    for name, extra in parsed:
        for case in cases:
            env = dict(extra)
            if case == "fresh":
                data = os.path.join(work, f"fresh-{name}-{i}")
            elif case == "existing":
                data = existing.setdefault(name, os.path.join(work, f"fresh-{name}-0"))
            else:
                data = os.path.join(work, "pg")   # holds only master.key: one for every start on the database
                env["GATEHOUSE_DB_URL"] = pg
            results[(name, case)].append(start(data, env))
            if case == "fresh" and i > 0:
                shutil.rmtree(data, ignore_errors=True)

print(f"{'variant':<12} {'case':<11} {'ready (s), median [min-max]':<28} {'CPU at ready (s)':<22} {'RSS at ready':>13} {'RSS idle ' + str(int(idle)) + ' s':>13}")
for name, _ in parsed:
    for case in cases:
        r = results[(name, case)]
        t = [x[0] for x in r]
        c = [x[3] for x in r]
        print(f"{name:<12} {case:<11} {statistics.median(t):>6.2f} [{min(t):.2f}-{max(t):.2f}]{'':<12} "
              f"{statistics.median(c):>5.2f} [{min(c):.2f}-{max(c):.2f}]{'':<6} "
              f"{statistics.median(x[1] for x in r):>10.0f} MB {statistics.median(x[2] for x in r):>10.0f} MB")
PY
