#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/veth-converge.sh [N] [AGENT]: time to configure N veth links with 2 addresses (IPv4 + IPv6)
# and 1 route each, in a fresh network namespace per contender:
#   ip-batch  the same work as one `ip -batch` (the floor: no planning, no state, no checks)
#   agent     ipoib-agent --oneshot with N .ibnet files (dump, plan, pipelined requests, verify)
#   networkd  systemd-networkd 252 with N .network files, run standalone in a private mount
#             namespace (its own /run; /sys read-only, because a networkd that believes udev runs
#             waits for udev forever; no bus needed), IPv6 DAD off; timed until every address and
#             route is in the kernel (it has no --oneshot)
# Needs root. Prints one line per contender, the agent's peak RSS, and the ratios.
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
# Peak RSS of the same run, measured separately so that the timing above has no wrapper.
setup_links
rss=$(ip netns exec "$NS" python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
    "$AGENT" --oneshot --config-dir "$TMP/conf" --runtime-dir "$TMP/run2" --log-level warning)

# systemd-networkd, if present.
networkd=""
if [[ -x /lib/systemd/systemd-networkd ]]; then
    setup_links
    mkdir -p "$TMP/network"
    for ((i = 0; i < N; i++)); do
        p=$(addr4 "$i")
        printf '[Match]\nName=a%d\n[Network]\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n[Address]\nAddress=%s.1/24\n[Address]\nAddress=fd00:%x::1/64\nDuplicateAddressDetection=none\n[Route]\nDestination=172.%d.%d.0/24\nGateway=%s.254\n' \
            "$i" "$p" "$i" $((16 + i / 250)) $((i % 250)) "$p" >"$TMP/network/a$i.network"
    done
    cat >"$TMP/networkd.sh" <<EOS
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/network
cp $TMP/network/*.network /run/systemd/network/
mount -o remount,bind,ro /sys 2>/dev/null || mount -o bind,ro /sys /sys
t0=\$(date +%s.%N)
SYSTEMD_LOG_LEVEL=warning /lib/systemd/systemd-networkd &
pid=\$!
for _ in \$(seq 2400); do
    a=\$(ip -json addr show | grep -o '"scope":"global"' | wc -l)
    r=\$(ip -4 route show | grep -c '^172\.')
    [[ \$a -ge $((2 * N)) && \$r -ge $N ]] && break
    sleep 0.05
done
t1=\$(date +%s.%N)
kill \$pid
echo "\$t1 - \$t0" | bc
EOS
    networkd=$(ip netns exec "$NS" unshare -m --propagation private bash "$TMP/networkd.sh" | tail -n 1)
fi

printf 'links=%d  ip-batch %.3f s  agent %.3f s (peak RSS %d KiB)  ratio agent/ip-batch %.2f\n' \
    "$N" "$ipbatch" "$agent" "$rss" "$(echo "$agent / $ipbatch" | bc -l)"
if [[ -n $networkd ]]; then
    printf 'links=%d  systemd-networkd %.3f s  ratio agent/networkd %.2f\n' \
        "$N" "$networkd" "$(echo "$agent / $networkd" | bc -l)"
fi
