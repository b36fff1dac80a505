# What the benchmarks share: sourced by scan_bench.sh, tree_bench.sh and tls_bench.sh after they set NAME.
#
# Every benchmark runs its cases twice, on an idle machine and with a CPU hog (a bounded busy loop) on the other core,
# alternating the contenders within each round, and reports medians and ratios against a baseline measured in the
# same run: this machine is shared and noisy, so an absolute time means little. Processes are timed whole, as a user
# runs them: wall time and CPU time (user + system), their output read through a pipe by another process.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BUILD=${VIGIL_BUILD_DIR:-build}
[[ -x /usr/bin/time ]] || { echo "$NAME: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

dir=$(mktemp -d "/tmp/vigil-$NAME-XXXXXX")
hog_pid=
cleanup_extra() { :; } # a benchmark's own clean-up, run before the sandbox goes; it may define its own
cleanup() {
    hog_stop
    cleanup_extra >/dev/null 2>&1 || true
    "$BUILD/app/vigil-sandbox" down --dir "$dir/sandbox" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

# The hog: one busy loop, bounded so that a killed script cannot leave it spinning.
hog_start() {
    timeout 3600 sh -c 'while :; do :; done' &
    hog_pid=$!
}
hog_stop() {
    [[ -n $hog_pid ]] && kill "$hog_pid" 2>/dev/null || true
    hog_pid=
}

# sandbox_up [vigil-sandbox up options...]: starts the sandbox in $dir/sandbox and sets sentinels, master, host, port,
# total (the keys it holds).
sandbox_up() {
    "$BUILD/app/vigil-sandbox" up "$@" --dir "$dir/sandbox" --detach >"$dir/up.txt"
    sentinels=$(awk '/^sentinels:/ {print $2}' "$dir/up.txt")
    master=$(awk '/^master:/ {print $2}' "$dir/up.txt")
    total=$(awk '/^keys:/ {print $2}' "$dir/up.txt")
    host=${master%:*}
    port=${master##*:}
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# column FILE N: the median of column N of FILE
column() { awk -v c="$2" '{print $c}' "$1" | median; }

# measure FILE COMMAND...: runs COMMAND with its output read through a pipe (wc -l), and appends "wall cpu maxrss_kb
# lines" to FILE. Every contender prints the same lines (a key with a newline in it makes two): the first run of a
# benchmark sets how many, and a run that prints another number stops the benchmark.
expected_lines=
measure() {
    local out=$1
    shift
    local lines
    lines=$({ /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" 2>"$dir/stderr.txt" || cat "$dir/stderr.txt" >&2; } | wc -l)
    [[ -n $expected_lines ]] || expected_lines=$lines
    [[ $lines == "$expected_lines" ]] || {
        echo "$NAME: $1 printed $lines lines, not $expected_lines" >&2
        cat "$dir/stderr.txt" >&2
        exit 1
    }
    awk -v l="$lines" '{printf "%s %.3f %s %s\n", $1, $2 + $3, $4, l}' "$dir/time.txt" >>"$out"
}

# Every benchmark defines run_set TAG (its rounds, its files named after TAG) and report TAG LABEL; this runs them idle
# and with the hog, then reports both.
run_idle_and_hog() {
    run_set idle
    hog_start
    run_set hog
    hog_stop
    report idle "idle machine"
    report hog "with a CPU hog on the other core"
}
