#!/usr/bin/env bash
# vigil-scan against a plain hiredis SCAN loop, on the same sandbox, in the same run.
#
#   tests/bench/scan_bench.sh [KEYS] [ROUNDS]      (defaults: 1000000 keys, 5 rounds)
#
# It starts a sandbox with KEYS generated keys, then runs, alternating and ROUNDS times each, every one printing the
# keys in hex (as a script that must survive binary keys would) to a pipe that another process reads:
#   - bench_plainscan HOST PORT 1000 hex                (the baseline)
#   - vigil-scan --count 1000 --format hex              (with dedupe, the default)
#   - vigil-scan --count 1000 --format hex --no-dedupe
#   - $VIGIL_SCAN_BEFORE --count 1000 --format hex      (when set: an older vigil-scan, for before/after figures)
# once on an idle machine and once with a CPU hog on the other core (common.sh). It prints the medians of wall time,
# CPU time (user + system) and peak RSS, vigil-scan's rate and CPU time as ratios of the baseline's, and the dedupe
# set's bytes a key. Then it measures failover: a paced scan, SENTINEL FAILOVER, and the time from the first
# +switch-master to the scan's restart on the new master.
NAME=scan_bench
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KEYS=${1:-1000000}
ROUNDS=${2:-5}
BEFORE=${VIGIL_SCAN_BEFORE:-}
cmake --build "$BUILD" -j2 --target bench_plainscan vigil-scan vigil-sandbox >/dev/null

echo "loading $KEYS keys into a sandbox..."
sandbox_up --keys "$KEYS"

run_set() {
    local tag=$1
    for ((i = 1; i <= ROUNDS; i++)); do
        measure "$dir/$tag.plain" "$BUILD/tests/bench/bench_plainscan" "$host" "$port" 1000 hex
        measure "$dir/$tag.vigil" "$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 1000 --format hex
        measure "$dir/$tag.nodedupe" "$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 1000 \
            --format hex --no-dedupe
        [[ -z $BEFORE ]] || measure "$dir/$tag.before" "$BEFORE" --sentinel "$sentinels" --master vigil --count 1000 --format hex
        echo "$tag round $i/$ROUNDS done"
    done
}

# The key bytes themselves (the plain listing's size less one newline a key), to tell the set's overhead from its
# payload.
key_bytes=$(( $("$BUILD/tests/bench/bench_plainscan" "$host" "$port" 1000 2>/dev/null | wc -c) - total ))

line() { # label file
    awk -v n="$total" -v label="$1" -v w="$(column "$2" 1)" -v c="$(column "$2" 2)" -v r="$(column "$2" 3)" 'BEGIN {
        printf "  %-26s: wall %6.2f s  %9.0f keys/s  CPU %5.2f s  peak RSS %6.1f MB\n", label, w, n/w, c, r/1024 }'
}

report() {
    local tag=$1 label=$2
    echo
    echo "$label: $total keys, $ROUNDS rounds each, medians (COUNT 1000, hex keys through a pipe)"
    line "plain hiredis SCAN loop" "$dir/$tag.plain"
    line "vigil-scan (dedupe)" "$dir/$tag.vigil"
    line "vigil-scan --no-dedupe" "$dir/$tag.nodedupe"
    [[ -z $BEFORE ]] || line "before ($(basename "$BEFORE"))" "$dir/$tag.before"
    local wp cp rv rn
    wp=$(column "$dir/$tag.plain" 1)
    cp=$(column "$dir/$tag.plain" 2)
    rv=$(column "$dir/$tag.vigil" 3)
    rn=$(column "$dir/$tag.nodedupe" 3)
    for c in vigil nodedupe ${BEFORE:+before}; do
        awk -v c="$c" -v wp="$wp" -v cp="$cp" -v w="$(column "$dir/$tag.$c" 1)" -v cpu="$(column "$dir/$tag.$c" 2)" 'BEGIN {
            printf "  %-9s rate %.2fx the baseline'"'"'s (goal: at least 0.90x), CPU %.2fx (goal: at most 1.50x)\n", c, wp/w, cpu/cp }'
    done
    awk -v n="$total" -v kb="$key_bytes" -v rv="$rv" -v rn="$rn" 'BEGIN {
        printf "  dedupe memory: %.1f bytes a key in all (peak RSS with dedupe minus without); the keys average %.1f bytes,\n", (rv-rn)*1024/n, kb/n
        printf "    so %.1f bytes a key beyond the key bytes (goal: at most 64)\n", ((rv-rn)*1024-kb)/n
    }'
}

run_idle_and_hog

# Failover: how long from the first +switch-master to the scan running on the new master.
echo
echo "failover: a paced scan (50000 keys/s), then SENTINEL FAILOVER..."
"$BUILD/app/vigil-sandbox" watch --dir "$dir/sandbox" >"$dir/watch.jsonl" &
watch_pid=$!
sleep 1
"$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 100 --pace 50000 --events \
    >/dev/null 2>"$dir/events.jsonl" &
scan_pid=$!
sleep 2
"$BUILD/app/vigil-sandbox" failover --dir "$dir/sandbox" >/dev/null
wait "$scan_pid"
kill "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
switch_time=$(grep '"name":"+switch-master"' "$dir/watch.jsonl" | head -1 | grep -o '"time":"[^"]*"' | cut -d'"' -f4)
restart_time=$(grep '"event":"restart"' "$dir/events.jsonl" | head -1 | grep -o '"time":"[^"]*"' | cut -d'"' -f4)
summary=$(grep '"event":"summary"' "$dir/events.jsonl")
if [[ -n $switch_time && -n $restart_time ]]; then
    latency=$(( $(date -d "$restart_time" +%s%3N) - $(date -d "$switch_time" +%s%3N) ))
    echo "  first +switch-master $switch_time, scan restarted on the new master $restart_time: ${latency} ms (goal: within 1000 ms)"
else
    echo "  no switch or no restart seen (switch: '${switch_time}', restart: '${restart_time}')"
fi
echo "  $summary"
