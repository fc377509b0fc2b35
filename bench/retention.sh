#!/usr/bin/env bash
# Issue 16, acceptance 3: N token responses (client credentials, then refresh with rotation and reuse
# detection) through the token endpoint's grant handlers, in process, on the real storage, with a test clock
# and GATEHOUSE_RETENTION=1m; the retention job every 5 minutes of test time. Prints at checkpoints the rows
# of each grant, token and revocation table against what must be left, and the heap after a full GC;
# exits 1 when a count is off. See RetentionBench's javadoc and bench/README.md.
#   bench/retention.sh [N] [h2|postgres] [verify-all]     (default 10000 h2; postgres needs GATEHOUSE_TEST_PG_URL)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
cd "$root"
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
# BENCH_JAVA_OPTS: e.g. -Dbench.step=20 (ms of test time per token response, default 10), -Dbench.workers=6
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} -cp "$cp" io.gatehouse.bench.RetentionBench "${@:-10000}"
