#!/usr/bin/env bash
# Apply the house style (.clang-format) and, on request, the static checks (.clang-tidy).
#
#   scripts/format.sh           reformat every C++ file in place
#   scripts/format.sh --check   change nothing; list what is not formatted and exit 1 if anything is
#   scripts/format.sh --tidy    run clang-tidy over core/, ui/ and app/ (needs a configured and built build/)
#
# The files are the *.cpp and *.h under core/, ui/, app/ and tests/ that git knows, plus new ones it does not
# ignore. The layout depends a little on the clang-format version: use the one of Debian 12 (14). CLANG_FORMAT,
# CLANG_TIDY, VIGIL_BUILD_DIR and VIGIL_JOBS override the tools, the build folder (default build) and the parallel
# jobs of --tidy (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

clang_format=${CLANG_FORMAT:-clang-format}
clang_tidy=${CLANG_TIDY:-clang-tidy}
build_dir=${VIGIL_BUILD_DIR:-build}
jobs=${VIGIL_JOBS:-2}

die() {
    echo "format.sh: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null || die "$1 not found; on Debian: apt-get install $2"
}

# Tracked and new (not ignored) files with one of the given extensions in the given folders, NUL-separated to
# survive any file name. Usage: list_files "folder..." "extension..."
list_files() {
    local folder extension pathspecs=()
    for folder in $1; do
        for extension in $2; do
            pathspecs+=("$folder/*.$extension")
        done
    done
    git ls-files -z --cached --others --exclude-standard -- "${pathspecs[@]}"
}

mode=${1:-format}
case $mode in
    format | --check)
        need "$clang_format" clang-format
        mapfile -d '' files < <(list_files 'core ui app tests' 'cpp h')
        ((${#files[@]} > 0)) || { echo "format.sh: no C++ files"; exit 0; }
        if [[ $mode == --check ]]; then
            # One complaint per file is enough to know which files to format.
            "$clang_format" --style=file --dry-run --Werror --ferror-limit=1 "${files[@]}"
            echo "format.sh: ${#files[@]} files are formatted"
        else
            "$clang_format" --style=file -i "${files[@]}"
            echo "format.sh: formatted ${#files[@]} files"
        fi
        ;;
    --tidy)
        need "$clang_tidy" clang-tidy
        [[ -f $build_dir/compile_commands.json ]] \
            || die "$build_dir/compile_commands.json is missing: configure and build first, e.g. ./bootstrap.sh test" \
                "or cmake --preset default && cmake --build build (CMAKE_EXPORT_COMPILE_COMMANDS=ON makes the file)"
        mapfile -d '' files < <(list_files 'core ui app' 'cpp')
        ((${#files[@]} > 0)) || { echo "format.sh: no sources in core/, ui/ or app/"; exit 0; }
        # Report on Vigil's own headers too, but not on Qt's or on the moc/uic output in the build folder.
        header_filter="^$(pwd)/(core|ui|app)/"
        printf '%s\0' "${files[@]}" \
            | xargs -0 -n 4 -P "$jobs" "$clang_tidy" -p "$build_dir" --quiet --header-filter="$header_filter"
        ;;
    -h | --help)
        sed -n '2,12s/^# \{0,1\}//p' "$0"
        ;;
    *)
        echo "format.sh: unknown option '$mode' (try --help)" >&2
        exit 2
        ;;
esac
