#!/usr/bin/env bash
# Runs the JMH benchmarks of the hot path. Arguments go to JMH (default: every benchmark, 1 fork, short iterations).
#   bench/jmh.sh                      # all
#   bench/jmh.sh HotPath -prof gc     # one class, with allocation per operation
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$root/scripts/find-jdk.sh"
cd "$root"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
# Our defaults (one fork, 3 × 2 s warm-up, 5 × 2 s measured) unless the arguments set those themselves: JMH's own
# are 5 forks of 5 × 10 s each, ~15 minutes a benchmark.
case " $* " in
    *" -f "* | *" -wi "* | *" -w "* | *" -i "* | *" -r "*) ;;
    *) set -- -f 1 -wi 3 -w 2s -i 5 -r 2s "$@" ;;
esac
exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main "$@"
