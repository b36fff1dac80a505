#!/bin/bash
# The part of chroot-test.sh that runs inside the fresh Debian 12, as pid 1's child in a pid namespace of its own.
# Each step says what it checks; the first that fails names itself and ends the run with status 1.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root
export XDG_RUNTIME_DIR=/tmp/runtime
mkdir -m 0700 "$XDG_RUNTIME_DIR"

current=""
step() {
    current=$*
    echo "== $current"
}
fail() {
    echo "chroot-test: FAILED at '$current': $*" >&2
    exit 1
}
# Redis processes left in this namespace (procps is not in a minimal system).
redis_processes() {
    local comm pids=()
    for dir in /proc/[0-9]*; do
        comm=$(cat "$dir/comm" 2>/dev/null) || continue
        [[ $comm == redis-* ]] && pids+=("${dir#/proc/}")
    done
    echo "${pids[*]}"
}
# Waits up to $2 seconds for a line matching $3 in file $1 while process $4 runs.
wait_for_line() {
    local file=$1 seconds=$2 pattern=$3 pid=$4 i
    for ((i = 0; i < seconds * 10; i++)); do
        grep -qE "$pattern" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# SIGTERM to $1, which must then exit with status 0 within 30 s.
terminate() {
    local pid=$1 status=0
    kill -TERM "$pid"
    (sleep 30 && kill -KILL "$pid" 2>/dev/null) &
    local watchdog=$!
    wait "$pid" || status=$?
    kill "$watchdog" 2>/dev/null || true
    ((status == 0)) || fail "exit status $status after SIGTERM (137: it had to be killed)"
}

step "apt-get update"
apt-get update -qq

step "install the package with its Depends only"
apt-get install -y -qq --no-install-recommends /tmp/vigil.deb >/tmp/apt.log || { tail -20 /tmp/apt.log; fail "apt"; }
version=$(dpkg-query -W -f='${Version}' vigil)

for program in vigil vigil-scan vigil-sandbox; do
    step "$program --version and --help, no display"
    out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$program" --version) || fail "status $?"
    [[ $out == *" $version" ]] || fail "version '$out', package $version"
    out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$program" --help) || fail "status $?"
    [[ $out == "Usage: "* ]] || fail "no usage: $out"
    [[ -s /usr/share/man/man1/$program.1.gz ]] || fail "no manual page"
done
[[ -s /usr/share/doc/vigil/copyright && -s /usr/share/doc/vigil/changelog.gz ]] || fail "copyright or changelog"

step "the xcb platform and the SVG icon engine are installed, with every library they need"
for plugin in platforms/libqxcb.so iconengines/libqsvgicon.so imageformats/libqsvg.so; do
    path=$(find /usr/lib -path "*/qt6/plugins/$plugin" | head -n 1)
    [[ -n $path ]] || fail "$plugin is missing"
    missing=$(ldd "$path" | grep 'not found' || true)
    [[ -z $missing ]] || fail "$plugin: $missing"
done

step "vigil opens its window (offscreen) and quits on SIGTERM"
QT_QPA_PLATFORM=offscreen vigil >/tmp/vigil.out 2>/tmp/vigil.err &
pid=$!
sleep 3
kill -0 "$pid" 2>/dev/null || { cat /tmp/vigil.err; fail "it exited"; }
terminate "$pid"

step "vigil-sandbox up without Redis: an error that names both programs and the command"
status=0
vigil-sandbox up >/tmp/up.out 2>/tmp/up.err || status=$?
((status == 1)) || fail "status $status"
grep -q 'redis-server and redis-sentinel are not installed.*sudo apt install redis-server redis-sentinel' /tmp/up.err \
    || fail "$(cat /tmp/up.err)"

step "vigil --demo without Redis says what to install, and keeps its window open"
QT_QPA_PLATFORM=offscreen vigil --demo >/tmp/demo.out 2>/tmp/demo.err &
pid=$!
wait_for_line /tmp/demo.err 20 'sudo apt install redis-server redis-sentinel' "$pid" || fail "$(cat /tmp/demo.err)"
kill -0 "$pid" 2>/dev/null || fail "it exited"
terminate "$pid"

step "install the Recommends: $(dpkg-query -W -f='${Recommends}' vigil)"
# shellcheck disable=SC2046 # one word a package
apt-get install -y -qq $(dpkg-query -W -f='${Recommends}' vigil | tr -d ',') >/tmp/apt.log \
    || { tail -20 /tmp/apt.log; fail "apt"; }

step "vigil-sandbox up in the foreground, then SIGTERM: no server and no folder left"
vigil-sandbox up --keys 1000 >/tmp/up.out 2>/tmp/up.err &
pid=$!
wait_for_line /tmp/up.out 90 '^running;' "$pid" || fail "$(cat /tmp/up.out /tmp/up.err)"
folder=$(sed -n 's/^folder: *//p' /tmp/up.out)
[[ -d $folder ]] || fail "no folder '$folder'"
[[ $(redis_processes | wc -w) == 6 ]] || fail "servers: $(redis_processes)"
terminate "$pid"
[[ ! -e $folder ]] || fail "$folder is still there"
[[ -z $(redis_processes) ]] || fail "left running: $(redis_processes)"

step "vigil --demo, vigil-scan on its sandbox, then SIGTERM: no server and no folder left"
QT_QPA_PLATFORM=offscreen vigil --demo --demo-keys 1000 >/tmp/demo.out 2>/tmp/demo.err &
pid=$!
wait_for_line /tmp/demo.out 90 '^vigil: demo sandbox in ' "$pid" || fail "$(cat /tmp/demo.out /tmp/demo.err)"
line=$(grep '^vigil: demo sandbox in ' /tmp/demo.out)
folder=${line#vigil: demo sandbox in }
folder=${folder%%: *}
sentinel=${line##*sentinels }
sentinel=${sentinel%%,*}
keys=$(vigil-scan --sentinel "$sentinel" --master vigil | wc -l)
((keys >= 1000)) || fail "vigil-scan listed $keys keys"
terminate "$pid"
[[ ! -e $folder ]] || fail "$folder is still there"
[[ -z $(redis_processes) ]] || fail "left running: $(redis_processes)"

step "vigil on an X server (Xvfb) through the xcb platform of libqt6gui6"
apt-get install -y -qq --no-install-recommends xvfb >/tmp/apt.log || { tail -20 /tmp/apt.log; fail "apt"; }
Xvfb :7 -screen 0 1280x800x24 -nolisten tcp >/tmp/xvfb.log 2>&1 &
xvfb=$!
for ((i = 0; i < 100; i++)); do
    [[ -e /tmp/.X11-unix/X7 ]] && break
    sleep 0.1
done
[[ -e /tmp/.X11-unix/X7 ]] || fail "Xvfb did not start: $(cat /tmp/xvfb.log)"
DISPLAY=:7 QT_QPA_PLATFORM=xcb vigil >/tmp/vigil.out 2>/tmp/vigil.err &
pid=$!
sleep 3
kill -0 "$pid" 2>/dev/null || fail "it exited: $(cat /tmp/vigil.err)"
terminate "$pid"
kill "$xvfb"
