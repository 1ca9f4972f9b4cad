#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# agent-resolved.sh AGENT RESOLVED_ROOT: DNS= and Domains= reach a real systemd-resolved.
#
# resolved is not installed on the host (it would take over /etc/resolv.conf): RESOLVED_ROOT is the
# Debian package unpacked (tools/lib/deps.sh ipoib_fetch_resolved). Everything runs in a private
# network namespace and a private mount namespace with its own /run, passwd (resolved drops to
# systemd-resolve) and dbus-daemon; the host's files are never touched.
# Prints "N passed, N failed"; exit 77 (skip) with the reason when it cannot run here.
set -uo pipefail

AGENT=$(readlink -f "${1:?AGENT}")
ROOT=$(readlink -f "${2:?RESOLVED_ROOT}" 2>/dev/null || true)
SELF=$(readlink -f "${BASH_SOURCE[0]}")

skip() {
    echo "SKIP: $*"
    exit 77
}

if [[ ${3:-} != --inner ]]; then
    ((EUID == 0)) || skip "needs root (network and mount namespaces)"
    [[ -x $ROOT/lib/systemd/systemd-resolved ]] || skip "no unpacked systemd-resolved in $2 (tools/test fetches it)"
    command -v dbus-daemon >/dev/null || skip "no dbus-daemon"
    B=$(mktemp -d /tmp/ipoib-resolved-XXXXXX)
    NS=ipoibres$$
    trap 'ip netns del $NS 2>/dev/null; rm -rf "$B"' EXIT
    chmod 755 "$B"
    cp /etc/passwd "$B/passwd"
    cp /etc/group "$B/group"
    grep -q '^systemd-resolve:' "$B/passwd" || echo 'systemd-resolve:x:990:990::/:/usr/sbin/nologin' >>"$B/passwd"
    grep -q '^systemd-resolve:' "$B/group" || echo 'systemd-resolve:x:990:' >>"$B/group"
    cp -a /etc/systemd "$B/etc-systemd"
    printf '[Resolve]\nDNSStubListener=no\nLLMNR=no\nMulticastDNS=no\n' >"$B/etc-systemd/resolved.conf"
    echo 'nameserver 192.0.2.99' >"$B/resolv.conf"
    cat >"$B/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$B/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/><allow send_destination="*"/>
    <allow send_type="method_call"/><allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
    ip netns add "$NS" || skip "cannot create a network namespace"
    ip -n "$NS" link add v0 type veth peer name v0p
    ip -n "$NS" link set v0p up
    ip netns exec "$NS" unshare -m --propagation private bash "$SELF" "$AGENT" "$ROOT" --inner "$B"
    exit $?
fi

# ---- inside the private network and mount namespaces ----
B=$4
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$B/system_bus_socket
RESOLVECTL=("$ROOT/usr/bin/resolvectl")
passed=0
failed=0
pids=()

cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    wait 2>/dev/null
}
trap cleanup EXIT

mount -t tmpfs tmpfs /run
mkdir -p /run/systemd /run/dbus
mount --bind "$B/passwd" /etc/passwd
mount --bind "$B/group" /etc/group
mount --bind "$B/resolv.conf" /etc/resolv.conf
mount --bind "$B/etc-systemd" /etc/systemd

dbus-daemon --config-file="$B/bus.conf" --fork --print-pid >"$B/dbus.pid" || skip "dbus-daemon did not start"
pids+=("$(cat "$B/dbus.pid")")

start_resolved() {
    SYSTEMD_LOG_TARGET=console "$ROOT/lib/systemd/systemd-resolved" >>"$B/resolved.log" 2>&1 &
    RESOLVED_PID=$!
    pids+=("$RESOLVED_PID")
    for _ in $(seq 100); do
        [[ $(busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus NameHasOwner s org.freedesktop.resolve1 2>/dev/null) == "b true" ]] && return 0
        sleep 0.05
    done
    echo "resolved did not appear on the bus:"
    cat "$B/resolved.log"
    return 1
}

start_resolved || skip "systemd-resolved did not start here"

check() { # NAME COMMAND...: one test
    local name=$1
    shift
    if "$@"; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        failed=$((failed + 1))
    fi
}

wait_for() { # SECONDS COMMAND...
    local n=$(($1 * 20))
    shift
    for _ in $(seq "$n"); do
        "$@" && return 0
        sleep 0.05
    done
    "$@"
}

dns_is() { # WANT: resolvectl's server list for v0
    local got
    got=$("${RESOLVECTL[@]}" dns v0 2>&1 | sed 's/^Link [0-9]* (v0)://; s/^ *//')
    [[ $got == "$1" ]] || {
        echo "  dns: got '$got', want '$1'"
        return 1
    }
}

domains_are() {
    local got
    got=$("${RESOLVECTL[@]}" domain v0 2>&1 | sed 's/^Link [0-9]* (v0)://; s/^ *//')
    [[ $got == "$1" ]] || {
        echo "  domains: got '$got', want '$1'"
        return 1
    }
}

CONF=$B/conf
mkdir -p "$CONF"
chmod 755 "$CONF"
write_conf() {
    printf '[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.1/24\n%s' "$1" >"$CONF/10-v0.ibnet"
    chmod 644 "$CONF/10-v0.ibnet"
}

# 1. --oneshot hands DNS= and Domains= to resolved, and waits for its answers before exiting.
write_conf $'DNS=192.0.2.53 2001:db8::53\nDomains=example.com ~corp\n'
oneshot() {
    "$AGENT" --oneshot --config-dir "$CONF" --runtime-dir "$B/run" --log-level debug >"$B/oneshot.out" 2>&1 ||
        { cat "$B/oneshot.out"; return 1; }
}
check oneshot_applies_dns oneshot
check servers dns_is "192.0.2.53 2001:db8::53"
check domains domains_are "example.com ~corp"

# 2. The daemon: a reload that drops DNS= and Domains= reverts the link in resolved.
"$AGENT" --config-dir "$CONF" --runtime-dir "$B/run" --log-level debug >"$B/agent.log" 2>&1 &
AGENT_PID=$!
pids+=("$AGENT_PID")
sleep 0.3
write_conf ''
kill -HUP "$AGENT_PID"
check revert_on_reload wait_for 5 dns_is ""
check revert_domains domains_are ""

# 3. Settings come back after a reload, and after resolved restarts (it forgets every link).
write_conf $'DNS=198.51.100.53\nDomains=lab.example.com\n'
kill -HUP "$AGENT_PID"
check set_on_reload wait_for 5 dns_is "198.51.100.53"
kill "$RESOLVED_PID"
wait "$RESOLVED_PID" 2>/dev/null
start_resolved
check resent_after_resolved_restart wait_for 5 dns_is "198.51.100.53"
check domains_after_restart domains_are "lab.example.com"

if ((failed > 0)); then
    echo "---- agent log (tail) ----"
    tail -n 40 "$B/agent.log"
    echo "---- resolved log (tail) ----"
    tail -n 20 "$B/resolved.log"
fi
echo "$passed passed, $failed failed"
((failed == 0))
