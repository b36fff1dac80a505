#!/usr/bin/env bash
# Builds the Debian package the way Debian builds its own programs, then checks it.
#
#   packaging/make-deb.sh [BUILD_DIR]      (default build-deb; ./bootstrap.sh package installs the tools and runs it)
#
# The build gets dpkg-buildflags' flags with every hardening feature on (DEB_BUILD_MAINT_OPTIONS=hardening=+all):
# _FORTIFY_SOURCE=2, -fstack-protector-strong, format checks, and -z relro -z now (bindnow). It has its own folder,
# without the tests (they are not packaged), so build/ keeps its plain flags. Then cpack makes the .deb and lintian
# checks it: any error, or a tag listed below, fails the run; the rest is printed.
# VIGIL_JOBS=N sets the parallel build jobs (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() {
    echo "make-deb: $*" >&2
    exit 1
}

for tool in cmake cpack dpkg-buildflags dpkg-shlibdeps help2man lintian readelf; do
    command -v "$tool" >/dev/null || die "$tool not found (./bootstrap.sh package installs what is needed)"
done

build_dir=${1:-build-deb}
jobs=${VIGIL_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "VIGIL_JOBS must be a positive number, not '$jobs'"

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
# CMake has no CPPFLAGS: the preprocessor's flags (-D_FORTIFY_SOURCE=2) go with the compiler's, as debhelper does.
cxxflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
generator=()
if [[ ! -f $build_dir/CMakeCache.txt ]] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi
# Given on every run, so a changed dpkg-buildflags reaches an existing folder too.
cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVIGIL_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS="$cxxflags" \
    -DCMAKE_EXE_LINKER_FLAGS="$ldflags"
cmake --build "$build_dir" -j "$jobs"

rm -f "$build_dir"/vigil_*.deb
(cd "$build_dir" && cpack -G DEB)
debs=("$build_dir"/vigil_*.deb)
deb=${debs[0]}
[[ -f $deb ]] || die "cpack made no .deb in $build_dir"

# What the package must never lose again: the hardening, the manual pages, the copyright file and changelog.
# hardening-no-fortify-functions is not among them: our few fortifiable calls (read, fgets into fixed buffers) are
# proven safe at compile time, so no __*_chk is linked and lintian reports it even with _FORTIFY_SOURCE on. The
# flags are checked below instead.
must_not=(
    hardening-no-bindnow hardening-no-relro hardening-no-pie
    no-manual-page no-copyright-file no-changelog custom-library-search-path
)
report=$(lintian --display-info --pedantic "$deb" 2>&1 | grep -v 'running with root privileges' || true)
[[ -n $report ]] && printf '%s\n' "$report"
failed=0
if grep -q '^E: ' <<<"$report"; then
    echo "make-deb: lintian reports errors" >&2
    failed=1
fi
for tag in "${must_not[@]}"; do
    if grep -q ": $tag" <<<"$report"; then
        echo "make-deb: lintian: $tag" >&2
        failed=1
    fi
done

flags=$(sed -n 's/^CMAKE_CXX_FLAGS:STRING=//p' "$build_dir/CMakeCache.txt")
for flag in -D_FORTIFY_SOURCE=2 -fstack-protector-strong; do
    [[ " $flags " == *" $flag "* ]] || {
        echo "make-deb: the build's flags lack $flag: $flags" >&2
        failed=1
    }
done

# RUNPATH, BIND_NOW and the stack protector straight from the programs, whatever lintian's version checks.
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
for program in "$unpacked"/usr/bin/*; do
    dynamic=$(readelf -d "$program")
    if grep -qE '\((RUNPATH|RPATH)\)' <<<"$dynamic"; then
        echo "make-deb: ${program##*/} has a RUNPATH: $(grep -E 'RUNPATH|RPATH' <<<"$dynamic")" >&2
        failed=1
    fi
    if ! grep -qE 'BIND_NOW|Flags: .*NOW' <<<"$dynamic"; then
        echo "make-deb: ${program##*/} is not linked with -z now" >&2
        failed=1
    fi
    if ! grep -q __stack_chk_fail <<<"$(readelf -W --dyn-syms "$program")"; then
        echo "make-deb: ${program##*/} has no stack protector" >&2
        failed=1
    fi
done
((failed == 0)) || exit 1
echo "make-deb: $deb"
