#!/usr/bin/env bash
# What TLS costs a scan: vigil-scan over TLS against the plain hiredis SCAN loop over plain TCP, on one server.
#
#   tests/bench/tls_bench.sh [KEYS] [ROUNDS]      (defaults: 300000 keys, 5 rounds)
#
# It starts a TLS-only sandbox (vigil-sandbox up --tls) and opens a plain port on its master as well (CONFIG SET port,
# over TLS), so both clients read the same keys from the same process. Then, alternating, ROUNDS times each:
#   - bench_plainscan HOST PLAIN_PORT 1000                                  (the baseline: plain TCP)
#   - vigil-scan --tls-sentinels --map TLS=PLAIN ... --format plain         (vigil-scan, data over plain TCP)
#   - vigil-scan --tls --cacert CA ... --format plain                       (vigil-scan, everything over TLS)
# each as a user runs it: its output read through a pipe by another process (wc -c), timed as a whole process with
# wall time and CPU time (user + system). The whole set runs twice: on an idle machine, and with a CPU hog (a bounded
# busy loop this script starts and stops) on the other core. The machine is shared and noisy: trust the ratios, not
# the absolute times.
NAME=tls_bench
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KEYS=${1:-300000}
ROUNDS=${2:-5}
command -v redis-cli >/dev/null || { echo "tls_bench: needs redis-cli (apt-get install redis-tools)" >&2; exit 2; }
cmake --build "$BUILD" -j2 --target bench_plainscan vigil-scan vigil-sandbox >/dev/null

restore_port=
# The master's process title names its port; vigil-sandbox down stops only a process whose title still names the
# port it was started on (a pid may have been reused), so the plain port is closed again first.
cleanup_extra() { [[ -z $restore_port ]] || $restore_port; }

echo "loading $KEYS keys into a TLS-only sandbox..."
sandbox_up --tls --keys "$KEYS"
tls_port=$port
ca="$dir/sandbox/tls/ca.crt"
plain_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-cli --tls --cacert "$ca" -h "$host" -p "$tls_port" CONFIG SET port "$plain_port" >/dev/null
restore_port="redis-cli --tls --cacert $ca -h $host -p $tls_port CONFIG SET port 0"
[[ $(redis-cli -h "$host" -p "$plain_port" DBSIZE) == "$total" ]] || { echo "tls_bench: the plain port does not answer" >&2; exit 1; }

run_set() {
    local tag=$1
    for ((i = 1; i <= ROUNDS; i++)); do
        measure "$dir/$tag.plain" "$BUILD/tests/bench/bench_plainscan" "$host" "$plain_port" 1000
        measure "$dir/$tag.vigil" "$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 1000 \
            --format plain --tls-sentinels --cacert "$ca" --map "$host:$tls_port=$host:$plain_port"
        measure "$dir/$tag.tls" "$BUILD/app/vigil-scan" --sentinel "$sentinels" --master vigil --count 1000 \
            --format plain --tls --cacert "$ca"
        echo "$tag round $i/$ROUNDS done"
    done
}

report() {
    local tag=$1 label=$2
    local wp cp wv cv wt ct
    wp=$(awk '{print $1}' "$dir/$tag.plain" | median)
    cp=$(awk '{print $2}' "$dir/$tag.plain" | median)
    wv=$(awk '{print $1}' "$dir/$tag.vigil" | median)
    cv=$(awk '{print $2}' "$dir/$tag.vigil" | median)
    wt=$(awk '{print $1}' "$dir/$tag.tls" | median)
    ct=$(awk '{print $2}' "$dir/$tag.tls" | median)
    awk -v n="$total" -v label="$label" -v wp="$wp" -v cp="$cp" -v wv="$wv" -v cv="$cv" -v wt="$wt" -v ct="$ct" 'BEGIN {
        printf "\n%s: %d keys, medians, output through a pipe\n", label, n
        printf "  plain hiredis loop, plain TCP : wall %6.2f s  %9.0f keys/s  CPU %6.2f s\n", wp, n/wp, cp
        printf "  vigil-scan, data over TCP     : wall %6.2f s  %9.0f keys/s  CPU %6.2f s\n", wv, n/wv, cv
        printf "  vigil-scan, everything on TLS : wall %6.2f s  %9.0f keys/s  CPU %6.2f s\n", wt, n/wt, ct
        printf "  rate vs the plain loop : %.2fx over TCP, %.2fx over TLS (what TLS costs vigil-scan: %.2fx)\n", wp/wv, wp/wt, wv/wt
        printf "  CPU vs the plain loop  : %.2fx over TCP, %.2fx over TLS (TLS adds %.2fx)\n", cv/cp, ct/cp, ct/cv
    }'
}

run_idle_and_hog
