#!/bin/sh
# Runs a keychain test in a throwaway home, so no real keyring is ever read or written: with its own session bus
# (dbus-run-session; the test starts gnome-keyring-daemon on it), or with --no-bus, a bus address that leads nowhere.
# Usage: keychainsession.sh [--no-bus] [--kwallet] TEST [ARGS...]
# --kwallet makes qtkeychain take its KWallet backend (KDE 4, chosen without asking the bus), the one whose plain-file
# fallback a store must keep off.
set -eu

bus=session
desktop=GNOME
while :; do
    case "${1:-}" in
        --no-bus) bus=none ;;
        --kwallet) desktop=KDE ;;
        *) break ;;
    esac
    shift
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-keychain.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -m 700 "$tmp/home" "$tmp/runtime"
export HOME="$tmp/home"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
# The tests refuse to run unless HOME is this folder.
export VIGIL_KEYCHAIN_TEST_HOME="$HOME"
# qtkeychain chooses its backend from the desktop: on GNOME it takes libsecret, the Secret Service.
unset DESKTOP_SESSION KDE_FULL_SESSION KDE_SESSION_VERSION GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
export XDG_CURRENT_DESKTOP="$desktop"
if [ "$desktop" = KDE ]; then
    export KDE_SESSION_VERSION=4
fi

if [ "$bus" = none ]; then
    export DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/runtime/no-bus-here"
    "$@"
else
    command -v dbus-run-session >/dev/null || { echo "keychainsession.sh: dbus-run-session is missing" >&2; exit 1; }
    dbus-run-session -- "$@"
fi
