#!/usr/bin/env bash
# Runs each libFuzzer target of a VIGIL_FUZZ=ON build for a bounded time.
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS] [NAME...]     e.g. tests/fuzz/run.sh build-fuzz 30 resp glob
#
# Each target starts from its seeds in tests/fuzz/corpus/NAME/ and keeps what it learns in BUILD_DIR/corpus/NAME/,
# so later runs go on from there; the tree is never written to. A crash, a leak, undefined behaviour, a broken check
# or an input slower than 10 s fails the run, and the input is left in BUILD_DIR/artifacts/NAME/ with the command
# that replays it. Exit status: 0 when every target ran clean, 1 otherwise.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

build=${1:?usage: tests/fuzz/run.sh BUILD_DIR [SECONDS] [NAME...]}
seconds=${2:-30}
shift $(($# >= 2 ? 2 : $#))
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: SECONDS must be a positive number, not '$seconds'" >&2; exit 2; }

names=("$@")
if ((${#names[@]} == 0)); then
    for folder in tests/fuzz/corpus/*/; do
        names+=("$(basename "$folder")")
    done
fi

failed=()
for name in "${names[@]}"; do
    target=$build/tests/fuzz/fuzz_$name
    if [[ ! -x $target ]]; then
        echo "run.sh: $target was not built" >&2
        failed+=("$name")
        continue
    fi
    work=$build/corpus/$name
    artifacts=$build/artifacts/$name
    log=$build/fuzz-$name.log
    mkdir -p "$work" "$artifacts"
    dict=()
    [[ -f tests/fuzz/$name.dict ]] && dict=(-dict="tests/fuzz/$name.dict")
    # -timeout: one input may take 10 s at most (a hang is a failure). -rss_limit_mb: a reader that allocates what
    # the peer announces is a failure too. -max_len: the inputs a peer or a user would plausibly send at once.
    "$target" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if ((status == 0)); then
        echo "fuzz_$name: ${runs:-?} inputs in $seconds s, ${coverage:-cov: ?}, corpus $(find "$work" -type f | wc -l) files: ok"
    else
        echo "fuzz_$name: FAILED (exit $status); the end of $log:"
        tail -n 40 "$log" | sed 's/^/    /'
        for artifact in "$artifacts"/*; do
            [[ -f $artifact ]] || continue
            echo "    input: $artifact; replay: $target $artifact"
            echo "    keep it: copy it into tests/fuzz/corpus/$name/ and add a case to the unit test of the code it broke"
        done
        failed+=("$name")
    fi
done

if ((${#failed[@]} > 0)); then
    echo "run.sh: failed: ${failed[*]}"
    exit 1
fi
exit 0
