#!/usr/bin/env bash
# Runs the JMH benchmarks of the hot path. Arguments go to JMH (default: every benchmark, 1 fork).
#   bench/jmh.sh                      # all
#   bench/jmh.sh HotPath -prof gc     # one class, with allocation per operation
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
cd "$root"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
if [ $# -eq 0 ]; then set -- -f 1 -wi 3 -w 2s -i 5 -r 2s; fi
exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main "$@"
