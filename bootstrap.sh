#!/usr/bin/env bash
# Install what Vigil needs, build it, then run the demo or the test suite.
# Usage: ./bootstrap.sh demo|test [extra args]   (./bootstrap.sh help for details)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
    cat <<'EOF'
Usage: ./bootstrap.sh COMMAND [ARGS...]

Commands:
  demo [ARGS...]           build, then open Vigil on a local sandbox topology (build/app/vigil --demo ARGS...)
  test                     what CI runs (.ci/run): every stage below in turn, each timed; fails if any stage fails
  test --quick [ARGS...]   for iterating: build build/ and run ctest ARGS... there (e.g. -L unit or -R tst_scan)
  package                  build the .deb with Debian's hardening flags in build-deb/ and check it with lintian
                           (packaging/make-deb.sh)
  package-test             package, then install it into a clean Debian 12 chroot and start each program there
                           (packaging/chroot-test.sh; needs root: about 1.5 minutes the first time, 35 s later)
  help                     show this message

The stages of test:
  main   build/       RelWithDebInfo: build, then the whole ctest suite
  asan   build-asan/  Debug with AddressSanitizer and UBSan: build, then the whole ctest suite
  tsan   build-tsan/  ThreadSanitizer: build and run the tests of the code that has threads of its own
  fuzz   build-fuzz/  clang and libFuzzer: build, then run each fuzz target for VIGIL_FUZZ_SECONDS

Every command first installs the Debian packages it needs that are missing, with apt-get (through sudo when not
root).

Environment:
  VIGIL_JOBS=N          parallel build jobs (default 2)
  VIGIL_QUICK=1         the same as test --quick
  VIGIL_SANITIZERS=1    test --quick in build-asan/ instead of build/
  VIGIL_STAGES="..."    run only these stages of test, e.g. "asan fuzz" (for iterating: CI runs them all)
  VIGIL_FUZZ_SECONDS=N  how long each fuzz target runs in the fuzz stage (default 30)
  VIGIL_WERROR=1        warnings are errors in every build (.ci/run sets it)
EOF
}

die() {
    echo "bootstrap: $*" >&2
    exit 1
}

# Build tools, Qt 6 (its xcb and offscreen platforms come with libqt6gui6), hiredis, help2man for the manual pages,
# the Redis binaries the sandbox and the integration tests start, the keychain, and a virtual X server for headless
# demos.
PACKAGES=(
    build-essential cmake ninja-build pkg-config help2man
    qt6-base-dev qt6-base-dev-tools libqt6svg6 libgl-dev
    libhiredis-dev
    # The SSH transport (core/ssh), and the throwaway sshd of `vigil-sandbox up --ssh` and its tests.
    libssh-dev openssh-server openssh-client
    redis-server redis-sentinel redis-tools openssl
    # The keychain: qtkeychain (core/secrets), libsecret, which qtkeychain loads at run time, and for its tests a
    # gnome-keyring on a private session bus (dbus-run-session, dbus-daemon).
    qtkeychain-qt6-dev libsecret-1-0 gnome-keyring dbus-bin dbus-daemon
    xvfb xauth
    # The fuzz stage of `test`: clang and libFuzzer (its runtime is in libclang-rt-14-dev).
    clang-14 libfuzzer-14-dev libclang-rt-14-dev
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

JOBS=${VIGIL_JOBS:-2}
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "VIGIL_JOBS must be a positive number, not '$JOBS'"
WERROR=OFF
[[ ${VIGIL_WERROR:-0} == 1 ]] && WERROR=ON

# The cache settings of each build folder (checked on every run) and its compiler (set when it is first configured:
# changing it would empty the cache).
settings_for() {
    case $1 in
        # Line tables only (VIGIL_DEBUG_INFO): a fifth off the compile time, and every backtrace and sanitizer report
        # still names file and line.
        build) echo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_SANITIZERS=OFF -DVIGIL_DEBUG_INFO=lines ;;
        # The same as the "asan" preset, which shares this folder.
        build-asan) echo -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZERS=ON -DVIGIL_DEBUG_INFO=lines ;;
        build-tsan) echo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_TSAN=ON -DVIGIL_DEBUG_INFO=lines ;;
        build-fuzz) echo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_FUZZ=ON -DVIGIL_DEBUG_INFO=lines ;;
        *) die "no settings for $1" ;;
    esac
}

compiler_for() {
    case $1 in
        # libFuzzer is clang's. ThreadSanitizer stays with gcc: clang 14's runtime aborts ("CHECK failed:
        # tsan_rtl.cpp:234") when QProcess starts a child with clone(), and the integration tests start servers.
        build-fuzz) echo -DCMAKE_CXX_COMPILER=clang++-14 ;;
    esac
}

# Configures DIR once (again when a setting such as VIGIL_WERROR changed), then builds it, or only TARGETS.
build() {
    local dir=$1
    shift
    local settings compiler
    read -r -a settings <<<"$(settings_for "$dir")"
    read -r -a compiler <<<"$(compiler_for "$dir")"
    settings+=(-DVIGIL_WERROR="$WERROR" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)

    if [[ ! -f $dir/CMakeCache.txt ]]; then
        cmake -S . -B "$dir" -G Ninja "${compiler[@]}" "${settings[@]}"
    else
        local setting stale=0
        for setting in "${settings[@]}"; do
            setting=${setting#-D}
            grep -qx "${setting%%=*}:[A-Z]*=${setting#*=}" "$dir/CMakeCache.txt" || stale=1
        done
        if ((stale)) || [[ ! -f $dir/build.ninja && ! -f $dir/Makefile ]]; then
            # A setting changed, or an earlier configure stopped half way.
            cmake -S . -B "$dir" "${settings[@]}"
        fi
    fi
    local targets=()
    (($# == 0)) || targets=(--target "$@")
    cmake --build "$dir" -j "$JOBS" "${targets[@]}"
}

# Two tests at a time (most of a test's time is spent waiting for servers and failovers), except those marked
# SERIAL in tests/CMakeLists.txt, which run alone.
run_ctest() {
    local dir=$1
    shift
    QT_QPA_PLATFORM=offscreen ctest --test-dir "$dir" --output-on-failure --no-tests=error -j2 "$@"
}

# The tests of the code that runs threads of its own: the scan worker (tst_scaniterator), the key set it fills
# (tst_keyset) and the watcher (tst_sentinelwatcher).
TSAN_TESTS=(tst_keyset tst_scaniterator tst_sentinelwatcher)

# One stage: its build and its run, each timed. Sets STAGE_BUILD, STAGE_RUN (seconds) and returns its status.
run_stage() {
    local stage=$1 start status=0
    STAGE_BUILD=0 STAGE_RUN=0
    echo "bootstrap: ===== stage $stage ====="
    start=$SECONDS
    case $stage in
        main) build build || status=$? ;;
        asan) build build-asan || status=$? ;;
        tsan) build build-tsan "${TSAN_TESTS[@]}" || status=$? ;;
        fuzz) build build-fuzz || status=$? ;;
    esac
    STAGE_BUILD=$((SECONDS - start))
    ((status == 0)) || return "$status"
    start=$SECONDS
    case $stage in
        main) run_ctest build || status=$? ;;
        asan)
            # Undefined behaviour fails the test instead of printing a line and carrying on; Qt's own leaks at exit
            # are not ours (tests/sanitizers/lsan.supp).
            UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
                LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0} \
                run_ctest build-asan || status=$?
            ;;
        tsan)
            local pattern
            pattern="^($(IFS='|'; echo "${TSAN_TESTS[*]}"))\$"
            # die_after_fork=0: QProcess's child starts no thread before it execs redis-server, which is all
            # ThreadSanitizer's refusal guards against.
            TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/tsan.supp:halt_on_error=1:die_after_fork=0} \
                run_ctest build-tsan -R "$pattern" || status=$?
            ;;
        fuzz) tests/fuzz/run.sh build-fuzz "${VIGIL_FUZZ_SECONDS:-30}" || status=$? ;;
    esac
    STAGE_RUN=$((SECONDS - start))
    return "$status"
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

quick=${VIGIL_QUICK:-0}
if [[ $cmd == test && ${1:-} == --quick ]]; then
    quick=1
    shift
fi
[[ ${VIGIL_SANITIZERS:-0} == 1 ]] && quick=1

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

case $cmd in
    demo)
        build build
        vigil=build/app/vigil
        [[ -x $vigil ]] || die "$vigil was not built"
        if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
            echo "bootstrap: no DISPLAY or WAYLAND_DISPLAY: running under xvfb-run, on a virtual screen you" \
                "cannot see (stop it with Ctrl+C)"
            exec xvfb-run -a "$vigil" --demo "$@"
        fi
        exec "$vigil" --demo "$@"
        ;;
    test)
        if ((quick)); then
            dir=build
            if [[ ${VIGIL_SANITIZERS:-0} == 1 ]]; then
                dir=build-asan
                export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
                export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0}
            fi
            build "$dir"
            run_ctest "$dir" "$@"
            exit
        fi
        (($# == 0)) || die "test runs every stage and takes no ctest arguments; for a subset use" \
            "./bootstrap.sh test --quick $*"
        read -r -a stages <<<"${VIGIL_STAGES:-main asan tsan fuzz}"
        for stage in "${stages[@]}"; do
            [[ $stage =~ ^(main|asan|tsan|fuzz)$ ]] || die "unknown stage '$stage' in VIGIL_STAGES (main asan tsan fuzz)"
        done
        # Every stage runs even after one failed, so one run says everything that is wrong.
        summary=() passed=0 failed=0 total=$SECONDS
        for stage in "${stages[@]}"; do
            if run_stage "$stage"; then
                result=passed
                passed=$((passed + 1))
            else
                result=FAILED
                failed=$((failed + 1))
            fi
            line=$(printf '%-5s build %5d s   run %5d s   %s' "$stage" "$STAGE_BUILD" "$STAGE_RUN" "$result")
            echo "bootstrap: stage $line"
            summary+=("$line")
        done
        echo "bootstrap: ===== summary ====="
        printf 'bootstrap: %s\n' "${summary[@]}"
        echo "bootstrap: total $((SECONDS - total)) s"
        echo "stages: $passed passed, $failed failed"
        ((failed == 0))
        ;;
esac
