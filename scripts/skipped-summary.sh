#!/usr/bin/env bash
# Skipped tests in surefire/failsafe XML reports, each class once with how many and why, one line each on
# stderr: "./test: SKIPPED <count> in <class>: <reason>". Used by ./test (Maven's summary says "Skipped: 5"
# without saying why). The reason is the <skipped message="…"> attribute, or, when there is none (an
# assumption that failed in a @ParameterizedClass: surefire writes only the exception), the exception's
# text from the element's body, without the exception's name and JUnit's "Assumption failed: ".
# Usage: scripts/skipped-summary.sh REPORT.xml…
set -euo pipefail
[ "$#" -gt 0 ] || exit 0
awk 'function reason(s) {
         sub(/^[ \t]*(<!\[CDATA\[)?/, "", s); sub(/\]\]>.*$/, "", s); sub(/<\/skipped>.*$/, "", s)
         if (match(s, /^[A-Za-z0-9_.$]+(Exception|Error|Failure)(: |$)/)) s = substr(s, RLENGTH + 1)
         sub(/^Assumption failed: /, "", s)
         return s
     }
     function count(why) {
         if (why == "") why = "(no reason given)"
         n[cls " -- " why]++
     }
     /<testcase /{match($0, /classname="[^"]*"/); cls = substr($0, RSTART + 11, RLENGTH - 12)}
     pending && NF {pending = 0; count(reason($0)); next}
     /<skipped/{
         if (match($0, /message="[^"]*"/)) {count(substr($0, RSTART + 9, RLENGTH - 10)); next}
         if ($0 ~ /<skipped[^>]*\/>/) {count(""); next}
         rest = $0; sub(/^.*<skipped[^>]*>/, "", rest)
         if (rest ~ /[^ \t]/) count(reason(rest)); else pending = 1
     }
     END {for (k in n) print n[k] "\t" k}' "$@" \
    | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' | sort -t"$(printf '\t')" -k2 \
    | while IFS="$(printf '\t')" read -r count what; do
        echo "./test: SKIPPED $count in ${what%% -- *}: ${what#* -- }" >&2
    done
