#!/usr/bin/env bash
# vigil-scan against a plain hiredis SCAN loop, on the same sandbox, in the same run.
#
#   tests/bench/scan_bench.sh [KEYS] [ROUNDS]      (defaults: 1000000 keys, 5 rounds)
#
# It starts a sandbox with KEYS generated keys, then runs, alternating and ROUNDS times each:
#   - bench_plainscan HOST PORT 1000 > /dev/null            (the baseline)
#   - vigil-scan --count 1000 --format plain > /dev/null    (with dedupe, the default)
#   - vigil-scan --count 1000 --format plain --no-dedupe
# and prints the medians, vigil-scan's keys/s as a ratio of the baseline's, and peak RSS in bytes a key, with and
# without dedupe. The machine is shared and noisy: trust the ratios, not the absolute times.
# Then it measures failover: a paced scan, SENTINEL FAILOVER, and the time from the first +switch-master to the
# scan's restart on the new master.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

KEYS=${1:-1000000}
ROUNDS=${2:-5}
BUILD=${VIGIL_BUILD_DIR:-build}

[[ -x /usr/bin/time ]] || { echo "scan_bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
cmake --build "$BUILD" -j2 --target bench_plainscan vigil-scan vigil-sandbox >/dev/null

dir=$(mktemp -d /tmp/vigil-bench-XXXXXX)
cleanup() { "$BUILD/app/vigil-sandbox" down --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

echo "loading $KEYS keys into a sandbox..."
"$BUILD/app/vigil-sandbox" up --keys "$KEYS" --dir "$dir" --detach >"$dir/up.txt"
sentinels=$(awk '/^sentinels:/ {print $2}' "$dir/up.txt")
master=$(awk '/^master:/ {print $2}' "$dir/up.txt")
host=${master%:*}
port=${master##*:}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Runs a command with stdout to /dev/null; appends "seconds maxrss_kb" to the file $1.
measure() {
    local out=$1
    shift
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt" || {
        cat "$dir/stderr.txt" >&2
        exit 1
    }
    cat "$dir/time.txt" >>"$out"
}

for ((i = 1; i <= ROUNDS; i++)); do
    measure "$dir/plain" "$BUILD/tests/bench/bench_plainscan" "$host" "$port" 1000
    measure "$dir/vigil" "$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 1000 --format plain
    measure "$dir/nodedupe" "$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 1000 --format plain --no-dedupe
    echo "round $i/$ROUNDS done"
done

total=$(grep -o 'keys: *[0-9]*' "$dir/up.txt" | awk '{print $2}')
# The key bytes themselves (the listing's size less one newline a key), to tell the set's overhead from its payload.
key_bytes=$(( $("$BUILD/tests/bench/bench_plainscan" "$host" "$port" 1000 2>/dev/null | wc -c) - total ))
t_plain=$(awk '{print $1}' "$dir/plain" | median)
t_vigil=$(awk '{print $1}' "$dir/vigil" | median)
t_nodedupe=$(awk '{print $1}' "$dir/nodedupe" | median)
rss_plain=$(awk '{print $2}' "$dir/plain" | median)
rss_vigil=$(awk '{print $2}' "$dir/vigil" | median)
rss_nodedupe=$(awk '{print $2}' "$dir/nodedupe" | median)

awk -v n="$total" -v kb="$key_bytes" -v tp="$t_plain" -v tv="$t_vigil" -v tn="$t_nodedupe" \
    -v rp="$rss_plain" -v rv="$rss_vigil" -v rn="$rss_nodedupe" -v rounds="$ROUNDS" 'BEGIN {
    printf "\n%d keys, %d rounds each, medians (COUNT 1000, output to /dev/null)\n", n, rounds
    printf "  plain hiredis SCAN loop : %6.2f s  %9.0f keys/s  peak RSS %6.1f MB\n", tp, n/tp, rp/1024
    printf "  vigil-scan (dedupe)     : %6.2f s  %9.0f keys/s  peak RSS %6.1f MB\n", tv, n/tv, rv/1024
    printf "  vigil-scan --no-dedupe  : %6.2f s  %9.0f keys/s  peak RSS %6.1f MB\n", tn, n/tn, rn/1024
    printf "  ratio vigil-scan / baseline keys/s: %.2fx with dedupe, %.2fx without (goal: at least 0.90x)\n", tp/tv, tp/tn
    printf "  dedupe memory: %.1f bytes a key in all (peak RSS with dedupe minus without, over %d keys); the keys average %.1f bytes,\n", (rv-rn)*1024/n, n, kb/n
    printf "    so %.1f bytes a key beyond the key bytes (goal: at most 64)\n", ((rv-rn)*1024-kb)/n
}'

# Failover: how long from the first +switch-master to the scan running on the new master.
echo
echo "failover: a paced scan (50000 keys/s), then SENTINEL FAILOVER..."
"$BUILD/app/vigil-sandbox" watch --dir "$dir" >"$dir/watch.jsonl" &
watch_pid=$!
sleep 1
"$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 100 --pace 50000 --events \
    >/dev/null 2>"$dir/events.jsonl" &
scan_pid=$!
sleep 2
"$BUILD/app/vigil-sandbox" failover --dir "$dir" >/dev/null
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
