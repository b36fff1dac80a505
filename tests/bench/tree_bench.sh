#!/usr/bin/env bash
# The key browser's ingestion against a plain hiredis SCAN loop, on the same sandbox, in the same run.
#
#   tests/bench/tree_bench.sh [KEYS] [ROUNDS]      (defaults: 1000000 keys, 3 rounds)
#
# bench_treeingest scans the whole keyspace into KeyTreeModel with a QTreeView attached (offscreen), through the
# app's own KeyBrowser and ScanWorker, and reports the total time, the longest GUI-thread stall (the largest gap of a
# 1 ms timer) and resident memory growth per key. Two cases:
#   - collapsed: the tree fills while the user watches (namespaces collapsed, as it opens);
#   - worst case: while the scan runs, the three biggest namespaces and their first children are expanded.
# And the type badges' cost: after the scan, the "session" namespace is expanded and scrolled through SCROLL pages
# (a page every 20 ms) while the badges' TYPE rounds load, once with the badges and once with their loader off (the
# baseline, in the same run): the GUI thread's CPU time over the scroll, the longest stall, the TYPE commands sent,
# and the heap the type cache adds per key it holds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

KEYS=${1:-1000000}
ROUNDS=${2:-3}
SCROLL=${SCROLL:-100}
BUILD=${VIGIL_BUILD_DIR:-build}
[[ -x /usr/bin/time ]] || { echo "tree_bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
cmake --build "$BUILD" -j2 --target bench_plainscan bench_treeingest vigil-sandbox >/dev/null

dir=$(mktemp -d /tmp/vigil-bench-XXXXXX)
cleanup() { "$BUILD/app/vigil-sandbox" down --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

echo "loading $KEYS keys into a sandbox..."
"$BUILD/app/vigil-sandbox" up --keys "$KEYS" --dir "$dir" --detach >"$dir/up.txt"
sentinels=$(awk '/^sentinels:/ {print $2}' "$dir/up.txt")
master=$(awk '/^master:/ {print $2}' "$dir/up.txt")

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { grep -o "$1 [0-9.]*" | awk '{print $2}'; }

for ((i = 1; i <= ROUNDS; i++)); do
    /usr/bin/time -f "%e" -o "$dir/t" "$BUILD/tests/bench/bench_plainscan" "${master%:*}" "${master##*:}" 1000 >/dev/null 2>&1
    cat "$dir/t" >>"$dir/plain"
    QT_QPA_PLATFORM=offscreen "$BUILD/tests/bench/bench_treeingest" "$sentinels" vigil 2>/dev/null >>"$dir/collapsed"
    QT_QPA_PLATFORM=offscreen BENCH_EXPAND=biggest "$BUILD/tests/bench/bench_treeingest" "$sentinels" vigil 2>/dev/null >>"$dir/expanded"
    QT_QPA_PLATFORM=offscreen BENCH_SCROLL=$SCROLL "$BUILD/tests/bench/bench_treeingest" "$sentinels" vigil 2>/dev/null >>"$dir/badges"
    QT_QPA_PLATFORM=offscreen BENCH_SCROLL=$SCROLL BENCH_BADGES=0 "$BUILD/tests/bench/bench_treeingest" "$sentinels" vigil 2>/dev/null >>"$dir/nobadges"
    echo "round $i/$ROUNDS done"
done

plain=$(median <"$dir/plain")
for case in collapsed expanded; do
    t=$(field seconds <"$dir/$case" | median)
    stall=$(field longest_stall_ms <"$dir/$case" | median)
    bpk=$(field bytes_per_key <"$dir/$case" | median)
    peak=$(field peak_bytes_per_key <"$dir/$case" | median)
    awk -v c="$case" -v t="$t" -v p="$plain" -v s="$stall" -v b="$bpk" -v pk="$peak" 'BEGIN {
        printf "%-10s ingestion %.2f s = %.2fx the plain loop (%.2f s; goal at most 1.5x), longest stall %d ms (goal at most 50), memory %.0f bytes a key after the scan, %.0f at the peak (goal at most 150)\n", c, t, t/p, p, s, b, pk
    }'
done

declare -A cpu stall mem heap
for case in badges nobadges; do
    cpu[$case]=$(field scroll_cpu_ms <"$dir/$case" | median)
    stall[$case]=$(field scroll_stall_ms <"$dir/$case" | median)
    mem[$case]=$(field bytes_per_key <"$dir/$case" | head -n "$ROUNDS" | median)
    heap[$case]=$(field scroll_heap_bytes <"$dir/$case" | median)
done
types=$(field types_requested <"$dir/badges" | median)
typeRounds=$(field type_rounds <"$dir/badges" | median)
cached=$(field cached_types <"$dir/badges" | median)
awk -v p="$SCROLL" -v c="${cpu[badges]}" -v c0="${cpu[nobadges]}" -v s="${stall[badges]}" -v s0="${stall[nobadges]}" \
    -v t="$types" -v r="$typeRounds" -v k="$cached" -v h="${heap[badges]}" -v h0="${heap[nobadges]}" \
    -v m="${mem[badges]}" -v m0="${mem[nobadges]}" -v n="$KEYS" 'BEGIN {
    printf "badges     scrolling %d pages: GUI thread %.0f ms = %.2fx the same scroll without badges (%.0f ms), longest stall %d ms (without: %d ms); %d TYPE in %d rounds for a %d-key keyspace; the type cache %.0f bytes a typed key (heap growth over the scroll less the run without badges, %d keys cached); after the scan %.0f bytes a key with badges, %.0f without\n", p, c, (c0 > 0 ? c/c0 : 0), c0, s, s0, t, r, n, (k > 0 ? (h-h0)/k : 0), k, m, m0
}'
