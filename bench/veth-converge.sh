#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/veth-converge.sh [N] [AGENT]: time to configure N veth links with 2 addresses (IPv4 + IPv6)
# and 1 route each, in a fresh network namespace per contender:
#   ip-batch  the same work as one `ip -batch` (the floor: no planning, no state, no checks)
#   agent     ipoib-agent --oneshot with N .ibnet files (dump, plan, pipelined requests, verify)
# Needs root. Prints one line per contender and the ratio agent / ip-batch.
set -euo pipefail

N=${1:-1000}
AGENT=$(readlink -f "${2:-build/src/agent/ipoib-agent}")
TMP=$(mktemp -d)
NS=ipoibbench$$
trap 'ip netns del $NS 2>/dev/null || true; rm -rf "$TMP"' EXIT

setup_links() {
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    for ((i = 0; i < N; i++)); do
        echo "link add a$i type veth peer name b$i"
    done | ip -n "$NS" -batch -
    for ((i = 0; i < N; i++)); do
        echo "link set b$i up"
    done | ip -n "$NS" -batch -
}

addr4() { echo "10.$(($1 / 250)).$(($1 % 250))"; }

now() { date +%s.%N; }

# ip -batch: up, 2 addresses, 1 route per link.
setup_links
for ((i = 0; i < N; i++)); do
    p=$(addr4 "$i")
    echo "link set a$i up"
    echo "address add $p.1/24 dev a$i"
    printf 'address add fd00:%x::1/64 dev a%d\n' "$i" "$i"
    echo "route add 172.$((16 + i / 250)).$((i % 250)).0/24 via $p.254 dev a$i"
done >"$TMP/batch"
t0=$(now)
ip -n "$NS" -batch "$TMP/batch"
t1=$(now)
ipbatch=$(echo "$t1 - $t0" | bc)

# ipoib-agent --oneshot
setup_links
mkdir -p "$TMP/conf"
for ((i = 0; i < N; i++)); do
    p=$(addr4 "$i")
    printf '[Match]\nName=a%d\nType=ether\n[Network]\nAddress=%s.1/24\nAddress=fd00:%x::1/64\n[Route]\nDestination=172.%d.%d.0/24\nGateway=%s.254\n' \
        "$i" "$p" "$i" $((16 + i / 250)) $((i % 250)) "$p" >"$TMP/conf/a$(printf %05d "$i").ibnet"
done
chmod 644 "$TMP"/conf/*
t0=$(now)
ip netns exec "$NS" "$AGENT" --oneshot --config-dir "$TMP/conf" --runtime-dir "$TMP/run" --log-level warning >"$TMP/agent.out"
t1=$(now)
agent=$(echo "$t1 - $t0" | bc)
tail -n 1 "$TMP/agent.out"
n=$(ip -n "$NS" -json addr show | grep -o '"scope":"global"' | wc -l)
[[ $n -eq $((2 * N)) ]] || { echo "expected $((2 * N)) global addresses, found $n" >&2; exit 1; }

printf 'links=%d  ip-batch %.3f s  agent %.3f s  ratio %.2f\n' "$N" "$ipbatch" "$agent" "$(echo "$agent / $ipbatch" | bc -l)"
