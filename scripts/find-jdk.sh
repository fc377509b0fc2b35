# Sourced by ./gatehouse, ./test and .ci/run: points JAVA_HOME at a JDK 21 or newer.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm (and macOS's folder).
# Sets GH_JDK_MAJOR to the chosen JDK's major version.

gh_release_value() {
    # Sets gh_value to the value of KEY="..." ($2) in the JDK release file $1 (empty if absent). Read by the
    # shell itself, into a variable: the launcher runs it at every start, and each sed or $(...) is a process
    # (~10 ms of a start on a small machine).
    local line
    gh_value=""
    [ -r "$1" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
            "$2"=\"*) line=${line#*=\"}; gh_value=${line%%\"*}; return 0 ;;
        esac
    done <"$1"
}

gh_jdk_major() {
    # Prints the major version of the JDK at $1, or nothing if it is not a JDK.
    local home=$1 v=""
    [ -x "$home/bin/javac" ] || return 0
    gh_release_value "$home/release" JAVA_VERSION
    v=$gh_value
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
            GH_JDK_MAJOR=$major
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
    GH_JDK_MAJOR=$best_major
}

gh_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
