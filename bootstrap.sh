#!/usr/bin/env bash
# Install what Vigil needs, build it, then run the demo or the test suite.
# Usage: ./bootstrap.sh demo|test [extra args]   (./bootstrap.sh help for details)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
    cat <<'EOF'
Usage: ./bootstrap.sh COMMAND [ARGS...]

Commands:
  demo [ARGS...]   build, then open Vigil on a local sandbox topology (build/app/vigil --demo ARGS...)
  test [ARGS...]   build, then run the test suite (ctest ARGS..., e.g. -L unit or -R tst_scan)
  package          build the .deb with Debian's hardening flags in build-deb/ and check it with lintian
                   (packaging/make-deb.sh)
  package-test     package, then install it into a clean Debian 12 chroot and start each program there
                   (packaging/chroot-test.sh; needs root: about 1.5 minutes the first time, 35 s later)
  help             show this message

Every command first installs the Debian packages it needs that are missing, with apt-get (through sudo when not
root).

Environment:
  VIGIL_JOBS=N          parallel build jobs (default 2)
  VIGIL_SANITIZERS=1    build with AddressSanitizer and UBSan, in build-asan/ instead of build/
EOF
}

die() {
    echo "bootstrap: $*" >&2
    exit 1
}

# Build tools, Qt 6 (its xcb and offscreen platforms come with libqt6gui6), hiredis, help2man for the manual pages,
# the Redis binaries the sandbox and the integration tests start, and a virtual X server for headless demos.
PACKAGES=(
    build-essential cmake ninja-build pkg-config help2man
    qt6-base-dev qt6-base-dev-tools libqt6svg6 libgl-dev
    libhiredis-dev
    redis-server redis-sentinel redis-tools openssl
    xvfb xauth
)
# Only for `package` (lintian checks the .deb) and `package-test` (debootstrap makes the clean Debian 12).
PACKAGE_TOOLS=(lintian)
PACKAGE_TEST_TOOLS=(lintian debootstrap)

install_packages() {
    if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
        die "this script installs its dependencies with apt-get, which needs Debian or a derivative"
    fi

    local missing=() pkg status
    for pkg in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        # "install ok installed", or "hold ok installed" for a held package.
        [[ $status == *" ok installed" ]] || missing+=("$pkg")
    done
    ((${#missing[@]} > 0)) || return 0

    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null \
            || die "missing packages (${missing[*]}) and not root; install them as root, or install sudo"
        sudo=(sudo)
    fi

    echo "bootstrap: installing: ${missing[*]}"
    # redis-server and redis-sentinel may start their system services (a container without systemd or a runlevel
    # skips them); that cannot fail the install, and Vigil never uses them: its sandbox starts its own servers.
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
    local jobs=${VIGIL_JOBS:-2}
    [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "VIGIL_JOBS must be a positive number, not '$jobs'"

    if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
        local build_type=RelWithDebInfo sanitizers=OFF
        if [[ $BUILD_DIR == build-asan ]]; then
            build_type=Debug # the same as the "asan" preset, which shares this folder
            sanitizers=ON
        fi
        cmake -S . -B "$BUILD_DIR" -G Ninja \
            -DCMAKE_BUILD_TYPE="$build_type" \
            -DVIGIL_SANITIZERS="$sanitizers" \
            -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    elif [[ ! -f $BUILD_DIR/build.ninja && ! -f $BUILD_DIR/Makefile ]]; then
        # An earlier configure stopped half way: configure again with the settings already in the cache.
        cmake -S . -B "$BUILD_DIR"
    fi
    cmake --build "$BUILD_DIR" -j "$jobs"
}

cmd=${1:-help}
if (($# > 0)); then shift; fi

case $cmd in
    demo | test) ;;
    package)
        PACKAGES+=("${PACKAGE_TOOLS[@]}")
        ;;
    package-test)
        PACKAGES+=("${PACKAGE_TEST_TOOLS[@]}")
        ;;
    help | -h | --help)
        usage
        exit 2
        ;;
    *)
        echo "bootstrap: unknown command '$cmd'" >&2
        usage >&2
        exit 2
        ;;
esac

BUILD_DIR=build
if [[ ${VIGIL_SANITIZERS:-0} == 1 ]]; then
    BUILD_DIR=build-asan
    # Make undefined behaviour fail the run instead of printing a line and carrying on.
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

install_packages
case $cmd in
    package)
        exec packaging/make-deb.sh
        ;;
    package-test)
        packaging/make-deb.sh
        exec packaging/chroot-test.sh
        ;;
esac
build

case $cmd in
    demo)
        vigil=$BUILD_DIR/app/vigil
        [[ -x $vigil ]] || die "$vigil was not built"
        if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
            echo "bootstrap: no DISPLAY or WAYLAND_DISPLAY: running under xvfb-run, on a virtual screen you" \
                "cannot see (stop it with Ctrl+C)"
            exec xvfb-run -a "$vigil" --demo "$@"
        fi
        exec "$vigil" --demo "$@"
        ;;
    test)
        export QT_QPA_PLATFORM=offscreen
        exec ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j1 "$@"
        ;;
esac
