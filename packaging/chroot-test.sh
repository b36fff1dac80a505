#!/usr/bin/env bash
# Installs the .deb into a clean, minimal Debian 12 and starts each program there, as someone who just ran
# `apt install ./vigil_*.deb` would: with only the package's Depends first, then with its Recommends.
#
#   packaging/chroot-test.sh [DEB]     (default: build-deb/vigil_*.deb, as packaging/make-deb.sh leaves it)
#
# Needs root (debootstrap, chroot, mounts; it re-runs itself through sudo), debootstrap, and a Debian mirror:
# $VIGIL_DEBIAN_MIRROR, else the one apt uses here, else http://deb.debian.org/debian. The first run debootstraps a
# minimal bookworm into $VIGIL_CHROOT_CACHE (default ~/.cache/vigil/chroot) and keeps it with every package
# downloaded; each run then tests in a fresh copy of it, inside its own mount and pid namespaces, so no mount and no
# process outlives the run. Prints "chroot-test: passed" and exits 0, or names the step that failed and exits 1.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() {
    echo "chroot-test: $*" >&2
    exit 1
}

if ((EUID != 0)); then
    command -v sudo >/dev/null || die "needs root (debootstrap and chroot), and sudo is not installed"
    exec sudo --preserve-env=VIGIL_DEBIAN_MIRROR,VIGIL_CHROOT_CACHE "$0" "$@"
fi
for tool in debootstrap unshare chroot; do
    command -v "$tool" >/dev/null || die "$tool not found (./bootstrap.sh package-test installs what is needed)"
done

if (($# > 0)); then
    deb=$1
else
    debs=(build-deb/vigil_*.deb)
    deb=${debs[0]}
fi
[[ -f $deb ]] || die "no package at '$deb'; make it with ./bootstrap.sh package"

# The mirror apt already uses here (deb822 or one-line sources), so a machine behind a local mirror uses it too.
host_mirror() {
    local file
    for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
        [[ -f $file ]] || continue
        grep -hoE '(URIs:|^deb)[[:space:]]+https?://[^[:space:]]+/debian/?([[:space:]]|$)' "$file" \
            | awk '{print $2}' | head -n 1
    done | head -n 1
}
mirror=${VIGIL_DEBIAN_MIRROR:-$(host_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}
suite=bookworm
cache=${VIGIL_CHROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil/chroot}
base=$cache/$suite-minbase
mkdir -p "$cache/archives/partial"

if [[ ! -f $base/.complete ]]; then
    echo "chroot-test: debootstrap $suite (minbase) from $mirror into $base, once"
    rm -rf "$base.partial"
    debootstrap --variant=minbase "$suite" "$base.partial" "$mirror"
    touch "$base.partial/.complete"
    rm -rf "$base"
    mv "$base.partial" "$base"
fi

work=$(mktemp -d /var/tmp/vigil-chroot.XXXXXX)
cleanup() {
    # The mounts live in the test's own namespace and are gone with it; never delete through one that is not.
    if grep -qF " $work/" /proc/self/mountinfo; then
        echo "chroot-test: something is still mounted under $work; left in place" >&2
        return
    fi
    rm -rf "$work"
}
trap cleanup EXIT
root=$work/root
cp -a "$base" "$root"
cp "$deb" "$root/tmp/vigil.deb"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Package scripts must not start services (redis-server's would) in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
cp packaging/chroot-inside.sh "$root/chroot-inside.sh"

echo "chroot-test: testing $deb in a fresh copy of $base"
status=0
# shellcheck disable=SC2016 # the inner script expands its own arguments
unshare --mount --pid --fork --kill-child --propagation private -- /bin/bash -c '
    set -e
    root=$1 archives=$2
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mount --bind "$archives" "$root/var/cache/apt/archives"
    exec chroot "$root" /bin/bash /chroot-inside.sh
' chroot-test "$root" "$cache/archives" || status=$?
((status == 0)) || die "failed (status $status)"
echo "chroot-test: passed"
