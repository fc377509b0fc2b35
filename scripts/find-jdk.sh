# Sourced by ./gatehouse, ./test and .ci/run: points JAVA_HOME at a JDK 21 or newer.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm (and macOS's folder).

gh_jdk_major() {
    # Prints the major version of the JDK at $1, or nothing if it is not a JDK.
    local home=$1 v
    [ -x "$home/bin/javac" ] || return 0
    if [ -f "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [ -z "${v:-}" ]; then
        v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    v=${v#1.}
    printf '%s\n' "${v%%[.+-]*}"
}

gh_find_jdk() {
    local candidate major best="" best_major=0
    if [ -n "${JAVA_HOME:-}" ]; then
        major=$(gh_jdk_major "$JAVA_HOME")
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then
            return 0
        fi
    fi
    for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$candidate" ] || continue
        major=$(gh_jdk_major "$candidate")
        if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best=$candidate
            best_major=$major
        fi
    done
    if [ -z "$best" ]; then
        echo "gatehouse: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm); install one, e.g. Temurin 21" >&2
        return 1
    fi
    export JAVA_HOME="$best"
}

gh_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
