#!/usr/bin/env bash
# Fuzzes a real Gatehouse node with N generated hostile inputs (default 1,000,000), spread over the six
# properties of src/test/java/io/gatehouse/fuzz/FuzzTest.java, plus the known-bad corpus. The property:
# no 5xx (but 503 with Retry-After), an answer within 5 s, nothing internal in a body, no ERROR line that is
# not a 5xx, and the upstream only sees paths under its route. ./test runs ~20,000 of them.
# Usage: bench/fuzz.sh [N]        (a failure prints the shrunk input; it is tried first on the next run)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
n=${1:-1000000}
per=$(( (n + 5) / 6 ))
cd "$root"
. scripts/find-jdk.sh
start=$(date +%s)
mvn -B -q test -Dtest='FuzzTest,FuzzCorpusTest' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dgatehouse.fuzz.tries="$per" \
    && status=0 || status=$?
echo "bench/fuzz.sh: $((per * 6)) generated inputs + corpus in $(( $(date +%s) - start )) s, exit $status"
sed -n '/Tests run:/p' target/surefire-reports/io.gatehouse.fuzz.FuzzTest.txt 2>/dev/null || true
grep -h "^FuzzTest:" target/surefire-reports/io.gatehouse.fuzz.FuzzTest-output.txt 2>/dev/null || true
exit $status
