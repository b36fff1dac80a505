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
# And clicking "more": after the scan the biggest namespace is expanded and its "more" row clicked 5 times, 100 ms
# apart (BENCH_MORE), for the longest stall of those clicks.
# And the type badges' cost: after the scan, the "session" namespace is expanded and scrolled through SCROLL pages
# (a page every 20 ms) while the badges' TYPE rounds load, once with the badges and once with their loader off (the
# baseline, in the same run): the GUI thread's CPU time over the scroll, the longest stall, the TYPE commands sent,
# and the heap the type cache adds per key it holds.
# Every case runs on an idle machine and again with a CPU hog on the other core (common.sh); each process is timed
# whole, with its CPU time (user + system, every thread) beside the wall time.
NAME=tree_bench
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KEYS=${1:-1000000}
ROUNDS=${2:-3}
SCROLL=${SCROLL:-100}
cmake --build "$BUILD" -j2 --target bench_plainscan bench_treeingest vigil-sandbox >/dev/null

echo "loading $KEYS keys into a sandbox..."
sandbox_up --keys "$KEYS"

field() { grep -o "$1 [0-9.]*" | awk '{print $2}'; }

# tree FILE [VAR=VALUE...]: one bench_treeingest run; appends its line with "cpu_s N" (the whole process) to FILE.
tree() {
    local out=$1
    shift
    env QT_QPA_PLATFORM=offscreen "$@" /usr/bin/time -f "%U %S" -o "$dir/time.txt" \
        "$BUILD/tests/bench/bench_treeingest" "$sentinels" vigil 2>/dev/null >"$dir/line.txt"
    echo "$(cat "$dir/line.txt") cpu_s $(awk '{printf "%.3f", $1 + $2}' "$dir/time.txt")" >>"$out"
}

run_set() {
    local tag=$1
    for ((i = 1; i <= ROUNDS; i++)); do
        measure "$dir/$tag.plain" "$BUILD/tests/bench/bench_plainscan" "$host" "$port" 1000
        tree "$dir/$tag.collapsed"
        tree "$dir/$tag.expanded" BENCH_EXPAND=biggest
        tree "$dir/$tag.badges" BENCH_SCROLL="$SCROLL"
        tree "$dir/$tag.nobadges" BENCH_SCROLL="$SCROLL" BENCH_BADGES=0
        tree "$dir/$tag.more" BENCH_MORE=5
        echo "$tag round $i/$ROUNDS done"
    done
}

report() {
    local tag=$1
    echo
    echo "$2: $total keys, $ROUNDS rounds each, medians"
    plain=$(column "$dir/$tag.plain" 1)
    plain_cpu=$(column "$dir/$tag.plain" 2)
    for case in collapsed expanded; do
        t=$(field seconds <"$dir/$tag.$case" | median)
        cpu=$(field cpu_s <"$dir/$tag.$case" | median)
        stall=$(field longest_stall_ms <"$dir/$tag.$case" | median)
        bpk=$(field bytes_per_key <"$dir/$tag.$case" | median)
        peak=$(field peak_bytes_per_key <"$dir/$tag.$case" | median)
        awk -v c="$case" -v t="$t" -v p="$plain" -v cpu="$cpu" -v pc="$plain_cpu" -v s="$stall" -v b="$bpk" -v pk="$peak" 'BEGIN {
            printf "%-10s ingestion %.2f s = %.2fx the plain loop (%.2f s; goal at most 1.5x), CPU %.2f s (the plain loop: %.2f s), longest stall %d ms (goal at most 50), memory %.0f bytes a key after the scan, %.0f at the peak (goal at most 150)\n", c, t, t/p, p, cpu, pc, s, b, pk
        }'
        # Each round, in order: a median hides how far apart the rounds were.
        echo "           rounds: seconds $(field seconds <"$dir/$tag.$case" | xargs), the plain loop $(awk '{print $1}' "$dir/$tag.plain" | xargs), stalls $(field longest_stall_ms <"$dir/$tag.$case" | xargs) ms"
        echo "           GUI thread: $(field gui_cpu_s <"$dir/$tag.$case" | median) s on a core, $(field gui_wait_s <"$dir/$tag.$case" | median) s runnable but waiting for one; at most $(field peak_queued_keys <"$dir/$tag.$case" | median) keys queued for the tree; the scan thread: $(field scan_thread_cpu_s <"$dir/$tag.$case" | median) s on a core"
    done

    declare -A cpu stall mem heap
    for case in badges nobadges; do
        cpu[$case]=$(field scroll_cpu_ms <"$dir/$tag.$case" | median)
        stall[$case]=$(field scroll_stall_ms <"$dir/$tag.$case" | median)
        mem[$case]=$(field bytes_per_key <"$dir/$tag.$case" | median)
        heap[$case]=$(field scroll_heap_bytes <"$dir/$tag.$case" | median)
    done
    types=$(field types_requested <"$dir/$tag.badges" | median)
    typeRounds=$(field type_rounds <"$dir/$tag.badges" | median)
    cached=$(field cached_types <"$dir/$tag.badges" | median)
    awk -v p="$SCROLL" -v c="${cpu[badges]}" -v c0="${cpu[nobadges]}" -v s="${stall[badges]}" -v s0="${stall[nobadges]}" \
        -v t="$types" -v r="$typeRounds" -v k="$cached" -v h="${heap[badges]}" -v h0="${heap[nobadges]}" \
        -v m="${mem[badges]}" -v m0="${mem[nobadges]}" -v n="$KEYS" 'BEGIN {
        printf "badges     scrolling %d pages: GUI thread %.0f ms = %.2fx the same scroll without badges (%.0f ms), longest stall %d ms (without: %d ms); %d TYPE in %d rounds for a %d-key keyspace; the type cache %s (heap growth over the scroll less the run without badges, %d keys cached); after the scan %.0f bytes a key with badges, %.0f without\n", p, c, (c0 > 0 ? c/c0 : 0), c0, s, s0, t, r, n, (h < h0 ? sprintf("within the heap'"'"'s noise (%.0f bytes less than without)", h0-h) : sprintf("%.0f bytes a typed key", (k > 0 ? (h-h0)/k : 0))), k, m, m0
    }'
    more=$(field more_stall_ms <"$dir/$tag.more" | median)
    moreRows=$(field more_rows_shown <"$dir/$tag.more" | median)
    echo "more       the biggest namespace expanded after the scan, its \"more\" row clicked 5 times, 100 ms apart: longest stall $more ms (goal at most 50), $moreRows rows shown at the end"
}

run_idle_and_hog
