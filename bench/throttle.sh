#!/usr/bin/env bash
# Issue 11's memory test for forged client ids and emails, in process (a forged login over HTTP costs an
# argon2id hash, so 10⁶ would take ~13 h): N failures per phase, each value and each address never seen
# before, straight into the failure throttles of the token endpoint and the login form; prints the heap after
# a full GC before and after each phase. See ThrottleBench's javadoc and bench/README.md.
#   bench/throttle.sh [N] [redis]     (default 1000000, in-process throttle; redis: GATEHOUSE_TEST_REDIS_URL or localhost)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
cd "$root"
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -cp "$cp" io.gatehouse.bench.ThrottleBench "${@:-1000000}"
