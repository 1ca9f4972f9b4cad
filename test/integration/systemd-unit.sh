#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# systemd-unit.sh BUILDDIR SRCDIR: the shipped units under a real systemd. Boots the host's systemd as
# PID 1 of a throwaway container (private PID, mount, network, UTS, IPC and cgroup namespaces; the root
# is an overlay over / with a tmpfs on top, plus "meson install" of this build), with the system bus
# started by systemd (dbus.socket), then drives the installed product through systemctl only:
#   - systemctl start ipoib-agent.service reaches active (Type=notify: READY=1, STATUS=) and the agent,
#     on the real netlink backend, configures two veth links (one a rail: ARPIgnore=/ARPAnnounce=) and
#     an ARPHRD_INFINIBAND TUN parent of the container's network namespace, and hands DNS= to the
#     systemd-resolved that systemd started at boot (when tools/test has unpacked one);
#   - the agent owns org.ipoib.Agent1 on the system bus (BusName=); ipoibctl status and plan (a forked
#     copy of the agent) work over it for root and, as the shipped bus policy allows, for nobody, who
#     may not reload; ipoibctl down/up write the hold under RuntimeDirectory=;
#   - systemctl reload runs ExecReload= (ipoibctl reload): a changed file is applied by the same
#     process, a rejected file makes systemctl reload fail naming file:line;
#   - ipoib-agent-wait-online.service succeeds; a kill -9 is restarted (Restart=on-failure) with the
#     ownership record kept (RuntimeDirectoryPreserve=);
#   - the sandbox breaks nothing: no warning from the units, no EPERM in their journal, the online
#     exposure score is at most 2.0, and a strace of the units' processes (IPOIB_TEST_STRACE=1) shows
#     no syscall failing the way the sandbox refuses (EPERM, EACCES, EROFS, EAFNOSUPPORT, ENOSYS);
#   - systemctl stop is clean (SIGTERM, status 0) and takes the wait-online unit along;
#   - once enabled, network-online.target pulls both units in; with WatchdogSec=2 the agent's
#     WATCHDOG=1 keeps coming and systemd does not kill it.
# Nothing of the host is modified: the container's writes land in a tmpfs, its /sys is read-only and
# its /proc/sys too except /proc/sys/net (its own network namespace); no udev, no sysctl, no modules.
# Prints "N passed, N failed"; exit 77 (skip) with the reason when it cannot run here.
# IPOIB_TEST_STRACE=1 adds the strace (twice the time; off by default: on this loaded 2-core machine a
# stalled strace once held the traced agent stopped for minutes, and the watchdog killed it, as it
# should); IPOIB_TEST_KEEP=1 keeps the files.
set -uo pipefail

BUILD=$(readlink -f "${1:?BUILDDIR}")
SRC=$(readlink -f "${2:?SRCDIR}")
SELF=$(readlink -f "${BASH_SOURCE[0]}")
# Scaled by the sanitizer run (tools/test), like the other integration tests.
SLOW=${IPOIB_TEST_SLOWDOWN:-1}
BOOT_TIMEOUT=$((30 * SLOW))

skip() {
    echo "SKIP: $*"
    exit 77
}

# ---- inside the new namespaces (PID 1 there until it execs systemd): assemble the root ----------
if [[ ${3:-} == --inner ]]; then
    T=$4
    set -e
    M=$T/ovl/merged
    mount -t tmpfs -o mode=755 tmpfs "$T/ovl"
    mkdir -p "$T/ovl/upper" "$T/ovl/work" "$M"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$T/ovl/upper,workdir=$T/ovl/work" "$M"
    # The product, as "meson install" put it; tar keeps Debian's /lib -> usr/lib symlink.
    tar -C "$T/destdir" -c . | tar -C "$M" -x --keep-directory-symlink
    # /proc of the new PID namespace; /proc/sys read-only but for the network namespace's own part.
    mount -t proc proc "$M/proc"
    mount --bind "$M/proc/sys" "$M/proc/sys"
    mount --bind "$M/proc/sys/net" "$M/proc/sys/net"
    mount -o remount,bind,ro "$M/proc/sys"
    mount -o remount,bind,rw "$M/proc/sys/net"
    # A sysfs of the network namespace, read-only (systemd then assumes no udev, as in any container),
    # and the cgroup namespace's root as the unified hierarchy.
    mount -t sysfs -o ro sysfs "$M/sys"
    mount -t cgroup2 cgroup2 "$M/sys/fs/cgroup"
    # A minimal /dev; the console is a log file.
    mount -t tmpfs -o mode=755 tmpfs "$M/dev"
    for n in null zero full random urandom tty; do
        touch "$M/dev/$n"
        mount --bind "/dev/$n" "$M/dev/$n"
    done
    touch "$M/dev/console"
    mount --bind "$T/console.log" "$M/dev/console"
    mkdir "$M/dev/pts" "$M/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$M/dev/pts"
    ln -s pts/ptmx "$M/dev/ptmx"
    mount -t tmpfs -o mode=1777 tmpfs "$M/dev/shm"
    mount -t tmpfs -o mode=755 tmpfs "$M/run"
    mount -t tmpfs -o mode=1777 tmpfs "$M/tmp"
    # Boot into a target of our own: sysinit, sockets (dbus.socket) and nothing of the host's
    # enablements. The journal stays in /run.
    rm -rf "$M"/etc/systemd/system/*.wants "$M/var/log/journal"
    cat >"$M/etc/systemd/system/ipoib-test.target" <<EOF
[Unit]
Description=ipoib-agent unit test
Requires=sysinit.target sockets.target
After=sysinit.target sockets.target
EOF
    ln -sf ipoib-test.target "$M/etc/systemd/system/default.target"
    # What sysinit.target would also start and this test has no use for: masked, for a shorter boot.
    for u in systemd-journal-flush.service systemd-update-utmp.service systemd-tmpfiles-setup.service \
        systemd-tmpfiles-setup-dev.service systemd-random-seed.service systemd-pstore.service \
        systemd-firstboot.service systemd-machine-id-commit.service systemd-binfmt.service \
        systemd-modules-load.service systemd-sysctl.service kmod-static-nodes.service \
        sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount \
        sys-fs-fuse-connections.mount dev-hugepages.mount dev-mqueue.mount \
        proc-sys-fs-binfmt_misc.automount systemd-pcrphase.service systemd-pcrphase-sysinit.service \
        systemd-repart.service; do
        ln -sf /dev/null "$M/etc/systemd/system/$u"
    done
    # Only this test's files and units: nothing the host may have of an installed ipoib-agent.
    rm -rf "$M/etc/ipoib.d" "$M/usr/lib/ipoib.d" "$M"/etc/systemd/system/ipoib-agent* \
        "$M/etc/dbus-1/system.d/org.ipoib.Agent1.conf"
    mkdir -p "$M/etc/ipoib.d"
    cp -r "$T/conf/." "$M/etc/ipoib.d/"
    # systemd-resolved, unpacked (not installed) by tools/test: its unit, bus policy and sysusers.d entry;
    # systemd-sysusers creates its user at boot.
    if [[ -d $T/resolved-root ]]; then
        tar -C "$T/resolved-root" -c . | tar -C "$M" -x --keep-directory-symlink
        printf '[Resolve]\nDNSStubListener=no\nLLMNR=no\nMulticastDNS=no\n' >"$M/etc/systemd/resolved.conf"
        # Enabled as on a system that has it (what "systemctl enable" would link): started at boot.
        mkdir -p "$M/etc/systemd/system/sysinit.target.wants"
        ln -s /lib/systemd/system/systemd-resolved.service "$M/etc/systemd/system/sysinit.target.wants/"
        ln -s /lib/systemd/system/systemd-resolved.service "$M/etc/systemd/system/dbus-org.freedesktop.resolve1.service"
    fi
    # The network: the link the agent configures and its peer, for carrier.
    ip link set lo up
    ip link add veth-ib0 type veth peer name veth-ib0p
    ip link set veth-ib0p up
    ip link add veth-ib1 type veth peer name veth-ib1p
    ip link set veth-ib1p up
    # An IPoIB-typed parent: a TUN device switched to ARPHRD_INFINIBAND (docs/kernel-ipoib.md §8).
    /usr/bin/python3 -c '
import fcntl, struct
fd = open("/dev/net/tun", "r+b", buffering=0)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"ib0", 0x0001 | 0x1000))  # TUNSETIFF IFF_TUN|IFF_NO_PI
fcntl.ioctl(fd, 0x400454cd, 32)  # TUNSETLINK ARPHRD_INFINIBAND
fcntl.ioctl(fd, 0x400454cb, 1)  # TUNSETPERSIST
'
    exec 3>>"$T/console.log"
    mkdir -p "$M/oldroot"
    cd "$M"
    pivot_root . oldroot
    umount -l /oldroot
    rmdir /oldroot
    # What a container must not touch: modules, the clock, raw I/O, device nodes.
    exec env -i container=ipoib-test TERM=dumb \
        setpriv --bounding-set=-sys_module,-sys_time,-sys_boot,-sys_rawio,-mknod \
        /lib/systemd/systemd </dev/null >&3 2>&3 3>&-
fi

# ---- outside --------------------------------------------------------------------------------------
((EUID == 0)) || skip "needs root (namespaces, an overlay root, a cgroup for the container's systemd)"
for c in unshare nsenter pivot_root setpriv ip meson; do
    command -v "$c" >/dev/null || skip "no $c"
done
[[ -x /lib/systemd/systemd ]] || skip "no /lib/systemd/systemd"
[[ -x /usr/bin/dbus-daemon && -e /lib/systemd/system/dbus.socket ]] || skip "no dbus-daemon with dbus.socket (Debian: dbus)"
grep -qw overlay /proc/filesystems || modprobe -q overlay 2>/dev/null
grep -qw overlay /proc/filesystems || skip "no overlayfs in this kernel"
[[ -c /dev/net/tun ]] || skip "no /dev/net/tun (the IPoIB-typed parent is a TUN device)"
unshare --mount --pid --fork --net --cgroup --uts --ipc true 2>/dev/null ||
    skip "cannot create mount, PID, network, cgroup, UTS and IPC namespaces here"

# The container's systemd needs a cgroup2 subtree of its own. Under a systemd host, a delegated scope
# (as systemd-nspawn gets); elsewhere a new cgroup beside ours in the unified hierarchy.
cgroot=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    if [[ $(stat -fc %T "$d" 2>/dev/null) == cgroup2fs ]]; then
        cgroot=$d
        break
    fi
done
[[ -n $cgroot ]] || skip "no cgroup2 (unified) hierarchy mounted"
CG=
if [[ -d /run/systemd/system ]]; then
    command -v systemd-run >/dev/null || skip "systemd host without systemd-run for a delegated scope"
    launcher=(systemd-run --quiet --scope -p Delegate=yes --unit="ipoib-unit-test-$$" --)
else
    mine=$(sed -n 's/^0:://p' /proc/self/cgroup)
    CG=$cgroot${mine%/}/ipoib-unit-test-$$
    mkdir "$CG" || skip "cannot create a cgroup in $cgroot"
    # shellcheck disable=SC2016 # expanded by the inner bash
    launcher=(bash -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$CG")
fi

passed=0
failed=0
pass() {
    echo "PASS $*"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}

T=$(mktemp -d /tmp/ipoib-systemd-unit-XXXXXX)
chmod 755 "$T"
UPID= PID= STRACE=
cleanup() {
    [[ -n $STRACE ]] && kill "$STRACE" 2>/dev/null
    # PID 1 of a PID namespace takes every process of it along.
    [[ -n $PID ]] && kill -KILL "$PID" 2>/dev/null
    [[ -n $UPID ]] && wait "$UPID" 2>/dev/null
    if [[ -n $CG && -d $CG ]]; then
        [[ -e $CG/cgroup.kill ]] && echo 1 >"$CG/cgroup.kill" 2>/dev/null
        # A cgroup can go only once its last process is gone, which the kernel says in cgroup.events.
        local deadline=$((SECONDS + 10))
        while grep -q '^populated 1' "$CG/cgroup.events" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.05
        done
        find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null
    fi
    if [[ -n ${IPOIB_TEST_KEEP:-} ]]; then
        echo "kept $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT
# meson test sends SIGTERM on a timeout: the container (its own session, PID namespace) must go too.
trap 'exit 1' INT TERM HUP

finish() {
    if ((failed > 0)); then
        echo "--- container console:"
        tail -n 30 "$T/console.log" 2>/dev/null
        echo "--- journal:"
        [[ -n $PID ]] && cx journalctl -b --no-pager -o short-monotonic 2>/dev/null | tail -n 80
    fi
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit
}

# The product as a package would put it (--no-rebuild: meson test has built it, and a concurrent
# ninja would race it).
if ! meson install -C "$BUILD" --destdir "$T/destdir" --no-rebuild --quiet >"$T/install.log" 2>&1; then
    cat "$T/install.log"
    fail "meson install"
    finish
fi
for f in "$SBINDIR/ipoib-agent" "$BINDIR/ipoibctl" "$UNITDIR/ipoib-agent.service" "$DBUSPOLICYDIR/org.ipoib.Agent1.conf"; do
    [[ -e $T/destdir$f ]] || { fail "meson install did not install $f"; finish; }
done
mkdir "$T/conf"
cp "$SRC/examples/veth/10-veth-ib.ibnet" "$T/conf/"
# A rail: ARPIgnore=/ARPAnnounce= (IFLA_INET_CONF), read back from the network namespace's /proc/sys.
cat >"$T/conf/20-veth-rail.ibnet" <<EOF
[Match]
Name=veth-ib1
Type=ether

[Network]
Address=198.18.0.1/24
ARPIgnore=1
ARPAnnounce=2
EOF
# An IPoIB parent on the IPoIB-typed TUN device: link/infiniband, the datagram MTU of a 4K IB MTU (no
# [IPoIB]: a TUN device has no mode for the kernel to report; no RDMA device either, so no port).
cat >"$T/conf/30-ib0.ibnet" <<EOF
[Match]
Name=ib0

[Link]
MTU=4092

[Network]
Address=192.0.2.1/24
EOF
# DNS= and Domains= through the system bus to a systemd-resolved that systemd starts, when tools/test
# has unpacked one.
RESOLVED=
if [[ -x $BUILD/resolved-root/lib/systemd/systemd-resolved ]]; then
    RESOLVED=1
    cp -a "$BUILD/resolved-root" "$T/resolved-root"
    mkdir "$T/conf/10-veth-ib.ibnet.d"
    printf '[Network]\nDNS=192.0.2.53\nDomains=ib.example\n' >"$T/conf/10-veth-ib.ibnet.d/50-dns.conf"
else
    echo "not run: DNS through systemd-resolved (no $BUILD/resolved-root; tools/test unpacks it as root)"
fi
: >"$T/console.log"
mkdir "$T/ovl"

start=$SECONDS
"${launcher[@]}" unshare --mount --propagation private --pid --fork --uts --ipc --net --cgroup \
    bash "$SELF" "$BUILD" "$SRC" --inner "$T" >"$T/unshare.log" 2>&1 &
UPID=$!

# The container's PID 1 is unshare's child once it has exec'd systemd.
deadline=$((SECONDS + BOOT_TIMEOUT))
while :; do
    read -r PID _ </proc/$UPID/task/$UPID/children 2>/dev/null
    [[ -n $PID && $(readlink "/proc/$PID/exe" 2>/dev/null) == */lib/systemd/systemd ]] && break
    PID=
    if ! kill -0 "$UPID" 2>/dev/null || ((SECONDS > deadline)); then
        cat "$T/unshare.log"
        fail "the container did not exec systemd"
        finish
    fi
    sleep 0.05
done

# A command inside the container, with a clean environment.
cx() {
    nsenter -t "$PID" -a -r -w env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        TERM=dumb SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds inside the container.
wait_for() {
    local deadline=$((SECONDS + $1 * SLOW))
    shift
    until cx "$@" >/dev/null 2>&1; do
        ((SECONDS > deadline)) && return 1
        sleep 0.05
    done
}
unit_prop() {
    cx systemctl show -P "$2" "$1"
}

# ---- boot -------------------------------------------------------------------------------------------
# systemctl needs PID 1's private socket; then it waits for the boot itself.
until [[ -S /proc/$PID/root/run/systemd/private ]]; do
    if ((SECONDS > deadline)) || ! kill -0 "$PID" 2>/dev/null; then
        fail "systemd in the container never opened /run/systemd/private"
        finish
    fi
    sleep 0.05
done
state=$(cx timeout "$BOOT_TIMEOUT" systemctl is-system-running --wait 2>&1)
if [[ $state == running && $(cx cat /proc/1/comm) == systemd ]]; then
    pass "systemd $(cx systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p') is PID 1 of the container: is-system-running says running after $((SECONDS - start)) s"
else
    fail "the container's systemd: is-system-running says '$state'"
    cx systemctl --failed --no-pager
    finish
fi

# ---- start: Type=notify, the bus name, the links ------------------------------------------------
# The bus first, so that strace below follows the units' processes and not dbus-daemon's every message.
if ! out=$(cx systemctl start dbus.service 2>&1); then
    fail "systemctl start dbus.service: $out"
    finish
fi
if [[ -z ${IPOIB_TEST_STRACE:-} ]] || ! command -v strace >/dev/null; then
    echo "strace not run (IPOIB_TEST_STRACE=1 runs it): the sandbox check relies on the journal"
else
    # From the host, every child of the container's PID 1: the agent from its fork on, through the
    # sandbox's setup, startup, the reloads and the stop.
    # One file per process (-ff): the agent's and ipoibctl's are those with their execve.
    mkdir "$T/strace"
    strace -ff -qq -s 64 -o "$T/strace/p" -p "$PID" 2>"$T/strace.err" &
    STRACE=$!
    # strace prints nothing when attached: wait for the attach in /proc.
    until grep -q "^TracerPid:[[:space:]]*$STRACE\$" "/proc/$PID/status" 2>/dev/null; do
        kill -0 "$STRACE" 2>/dev/null || { STRACE=; break; }
        sleep 0.05
    done
fi

if [[ -n $RESOLVED && $(unit_prop systemd-resolved.service ActiveState) != active ]]; then
    fail "systemd-resolved.service, enabled, is $(unit_prop systemd-resolved.service ActiveState) after the boot"
    RESOLVED=
fi

if out=$(cx systemctl start ipoib-agent.service 2>&1); then
    pass "systemctl start ipoib-agent.service returned (Type=notify: the agent sent READY=1)"
else
    fail "systemctl start ipoib-agent.service: $out"
    cx systemctl status --no-pager -l ipoib-agent.service
    finish
fi
main_pid=$(unit_prop ipoib-agent.service MainPID)
if [[ $(unit_prop ipoib-agent.service ActiveState)/$(unit_prop ipoib-agent.service SubState) == active/running ]]; then
    pass "ipoib-agent.service is active/running, main PID $main_pid: $(cx readlink /proc/"$main_pid"/exe)"
else
    fail "ipoib-agent.service is $(unit_prop ipoib-agent.service ActiveState)/$(unit_prop ipoib-agent.service SubState)"
fi

links_ok() {
    local mtu=$1 addr
    addr=$(cx ip -o address show dev veth-ib0)
    [[ $(cx cat /sys/class/net/veth-ib0/mtu) == "$mtu" && $addr == *"inet 203.0.113.129/26"* &&
        $addr == *"inet6 2001:db8:5::1/64"* && $(cx ip route show 198.51.100.0/24) == *"via 203.0.113.190 dev veth-ib0"* ]]
}
if links_ok 1400; then
    pass "veth-ib0 configured by the real netlink backend: MTU 1400, 203.0.113.129/26, 2001:db8:5::1/64, 198.51.100.0/24 via 203.0.113.190"
else
    fail "veth-ib0 not configured: $(cx ip -d address show dev veth-ib0; cx ip route)"
fi
if [[ $(cx cat /proc/sys/net/ipv4/conf/veth-ib1/arp_ignore)/$(cx cat /proc/sys/net/ipv4/conf/veth-ib1/arp_announce) == 1/2 &&
    $(cx ip -o address show dev veth-ib1) == *"inet 198.18.0.1/24"* ]]; then
    pass "veth-ib1 configured as a rail: 198.18.0.1/24, arp_ignore 1, arp_announce 2"
else
    fail "veth-ib1: $(cx ip -o address show dev veth-ib1) arp_ignore $(cx cat /proc/sys/net/ipv4/conf/veth-ib1/arp_ignore)"
fi
if [[ $(cx ip -o link show ib0) == *"mtu 4092 "*"link/infiniband"* && $(cx ip -o address show dev ib0) == *"inet 192.0.2.1/24"* &&
    $(cx ipoibctl status ib0 2>&1) == *"State: configured"* ]]; then
    pass "ib0 (link/infiniband) configured: MTU 4092, 192.0.2.1/24"
else
    fail "ib0: $(cx ip -o link show ib0) $(cx ip -o address show dev ib0) $(cx ipoibctl status ib0 2>&1)"
fi
if [[ -n $RESOLVED ]]; then
    if wait_for 20 sh -c 'resolvectl dns veth-ib0 | grep -q "192.0.2.53" && resolvectl domain veth-ib0 | grep -q "ib.example"'; then
        pass "systemd-resolved (enabled, started at boot, sandboxed as shipped) got DNS=192.0.2.53 and Domains=ib.example for veth-ib0 from the agent"
    else
        fail "resolved: $(cx resolvectl dns veth-ib0 2>&1); $(cx journalctl -b --no-pager -o cat -u systemd-resolved.service | tail -5)"
    fi
fi
status=$(unit_prop ipoib-agent.service StatusText)
if [[ -n $status ]]; then
    pass "the agent's STATUS= reached systemd: $status"
else
    fail "no StatusText: the agent's STATUS= did not reach systemd"
fi

# ---- the system bus: the name, the policy ---------------------------------------------------------
owner=$(cx busctl status --system org.ipoib.Agent1 2>&1)
if [[ $owner == *"PID=$main_pid"* && $owner == *"Unit=ipoib-agent.service"* ]]; then
    pass "org.ipoib.Agent1 on the system bus (dbus.service started by systemd) is owned by the unit's main PID"
else
    fail "org.ipoib.Agent1 owner: $owner"
fi
out=$(cx ipoibctl status veth-ib0 2>&1)
if [[ $? == 0 && $out == *"State: configured"* ]]; then
    pass "ipoibctl status as root over the system bus: veth-ib0 configured"
else
    fail "ipoibctl status as root: $out"
fi
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
out=$(cx "${nobody[@]}" ipoibctl status veth-ib0 2>&1)
if [[ $? == 0 && $out == *"State: configured"* ]]; then
    pass "ipoibctl status as nobody: the shipped policy lets anyone read"
else
    fail "ipoibctl status as nobody: $out"
fi
out=$(cx "${nobody[@]}" ipoibctl reload 2>&1)
if [[ $? != 0 && $out == *"Reload: permission denied; only root may do that"* ]]; then
    pass "ipoibctl reload as nobody refused by the policy: $out"
else
    fail "ipoibctl reload as nobody: $out"
fi
# PlanFiles(): a forked copy of the agent plans the files on disk, inside the sandbox.
out=$(cx "${nobody[@]}" ipoibctl plan 2>&1)
if [[ $? == 0 && $out == "Nothing to change." ]]; then
    pass "ipoibctl plan as nobody (PlanFiles: a forked copy of the agent in the sandbox): $out"
else
    fail "ipoibctl plan as nobody: $out"
fi

# ---- ipoibctl down/up: the hold is written under RuntimeDirectory= ---------------------------------
if out=$(cx ipoibctl down veth-ib0 2>&1) && wait_for 10 sh -c '! ip link show veth-ib0 | grep -q "[<,]UP[,>]"' &&
    cx test -f /run/ipoib-agent/holds/veth-ib0; then
    pass "ipoibctl down veth-ib0: link down, the hold written to /run/ipoib-agent/holds"
else
    fail "ipoibctl down veth-ib0: $out $(cx ls -la /run/ipoib-agent /run/ipoib-agent/holds 2>&1)"
fi
if out=$(cx ipoibctl up veth-ib0 2>&1) && wait_for 10 sh -c 'ip link show veth-ib0 | grep -q "[<,]UP[,>]"' &&
    ! cx test -e /run/ipoib-agent/holds/veth-ib0; then
    pass "ipoibctl up veth-ib0: link up, the hold removed"
else
    fail "ipoibctl up veth-ib0: $out"
fi

# ---- systemctl reload: ExecReload= ----------------------------------------------------------------
conf=/etc/ipoib.d/10-veth-ib.ibnet
cx sed -i 's/^MTU=1400$/MTU=1300/' "$conf"
if out=$(cx systemctl reload ipoib-agent.service 2>&1) && wait_for 10 sh -c '[ "$(cat /sys/class/net/veth-ib0/mtu)" = 1300 ]' &&
    links_ok 1300 && [[ $(unit_prop ipoib-agent.service MainPID) == "$main_pid" ]]; then
    pass "systemctl reload (ExecReload=ipoibctl reload) applied MTU=1300 in the same process"
else
    fail "systemctl reload with MTU=1300: $out; MTU $(cx cat /sys/class/net/veth-ib0/mtu); $(cx ip -o address show dev veth-ib0); $(cx ip route show 198.51.100.0/24); PID $(unit_prop ipoib-agent.service MainPID), was $main_pid"
fi
cx sh -c "printf '[Link]\nMTUU=1\n' >>$conf"
line=$(cx grep -c '' "$conf")
# The journal may lag behind systemctl: the agent's stderr is a stream that journald reads on its own.
if ! out=$(cx systemctl reload ipoib-agent.service 2>&1) &&
    wait_for 10 sh -c "journalctl -b --no-pager -u ipoib-agent.service -o cat | grep -q '$conf:$line: error: unknown key MTUU='"; then
    pass "systemctl reload fails on a rejected file, the journal names $conf:$line"
else
    fail "systemctl reload of a rejected file: rc 0 or no $conf:$line in the journal: $out"
fi
if [[ $(unit_prop ipoib-agent.service ActiveState) == active ]] && links_ok 1300; then
    pass "after the failed reload the unit is active and the last good version stays in force"
else
    fail "after the failed reload: $(unit_prop ipoib-agent.service ActiveState)"
fi
cx sed -i '/^MTUU=1$/d' "$conf"
if out=$(cx systemctl reload ipoib-agent.service 2>&1); then
    pass "systemctl reload after the fix"
else
    fail "systemctl reload after the fix: $out"
fi

# ---- wait-online ----------------------------------------------------------------------------------
if out=$(cx timeout $((20 * SLOW)) systemctl start ipoib-agent-wait-online.service 2>&1) &&
    [[ $(unit_prop ipoib-agent-wait-online.service ActiveState)/$(unit_prop ipoib-agent-wait-online.service Result) == active/success ]]; then
    pass "ipoib-agent-wait-online.service: active, result success"
else
    fail "ipoib-agent-wait-online.service: $out"
    cx systemctl status --no-pager -l ipoib-agent-wait-online.service
fi

# ---- Restart=on-failure, RuntimeDirectoryPreserve=: a killed agent comes back and knows its own ------
record=$(cx cat /run/ipoib-agent/owned 2>/dev/null)
cx systemctl kill -s KILL ipoib-agent.service
if wait_for 20 sh -c "[ \"\$(systemctl show -P NRestarts ipoib-agent.service)\" = 1 ] && systemctl is-active -q ipoib-agent.service" &&
    [[ -n $record && $(unit_prop ipoib-agent.service MainPID) != "$main_pid" ]] && cx test -s /run/ipoib-agent/owned &&
    links_ok 1300 &&
    [[ $(cx ipoibctl status veth-ib0 2>&1) == *"State: configured"* ]]; then
    main_pid=$(unit_prop ipoib-agent.service MainPID)
    pass "after kill -9: restarted once (Restart=on-failure), PID $main_pid, the ownership record kept, veth-ib0 configured"
else
    fail "after kill -9: NRestarts $(unit_prop ipoib-agent.service NRestarts), $(unit_prop ipoib-agent.service ActiveState), record '${record:0:80}'"
fi

# ---- the sandbox broke nothing ----------------------------------------------------------------------
score=$(cx systemd-analyze security --no-pager ipoib-agent.service 2>&1 | sed -n 's/.*Overall exposure level for ipoib-agent.service: \([0-9.]*\).*/\1/p')
if [[ -n $score ]] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    pass "systemd-analyze security on the running unit: exposure $score"
else
    fail "systemd-analyze security on the running unit: exposure '$score', above 2.0"
fi
journal=$(cx journalctl -b --no-pager -o cat -u ipoib-agent.service -u ipoib-agent-wait-online.service)
warnings=$(cx journalctl -b --no-pager -o cat -p warning -u ipoib-agent.service -u ipoib-agent-wait-online.service |
    grep -v -e "MTUU=" -e "keeping the last good version" -e "rejected" -e "ipoib-agent.service: Control process exited" \
        -e "^Reload failed for ipoib-agent.service" -e "^ipoib-agent.service: Main process exited, code=killed, status=9/KILL" \
        -e "^ipoib-agent.service: Failed with result 'signal'")
if [[ -z $warnings ]] && ! grep -qiE "operation not permitted|permission denied|EPERM|seccomp|bad system call" <<<"$journal"; then
    pass "journal: no warning from the units but the rejected file's, no EPERM, no seccomp message"
else
    fail "journal: $warnings"
    grep -iE "operation not permitted|permission denied|EPERM|seccomp|bad system call" <<<"$journal"
fi

# ---- a child the kernel cannot make: wait-online waits for it ----------------------------------------
# A P_Key child of ib0 (the TUN device refuses kind "ipoib"): the agent fails it with a reason, so
# ipoib-agent-wait-online.service, started again, is still waiting when the agent stops below.
cx sh -c "printf '[Match]\nName=ib0\n\n[Partition]\nPKey=0x8003\n' >/etc/ipoib.d/31-ib0.8003.ibnet"
if out=$(cx systemctl reload ipoib-agent.service 2>&1) &&
    wait_for 10 sh -c 'ipoibctl status ib0 | grep -q "ib0.8003 (failed"' &&
    cx systemctl restart --no-block ipoib-agent-wait-online.service &&
    wait_for 10 sh -c '[ "$(systemctl show -P SubState ipoib-agent-wait-online.service)" = start ]'; then
    pass "ib0.8003 failed with a reason ($(cx ipoibctl status ib0 2>&1 | sed -n 's/.*ib0.8003 (failed: \(.*\))$/\1/p')); wait-online waits for it"
else
    fail "ib0.8003: $out $(cx ipoibctl status ib0 2>&1); wait-online $(unit_prop ipoib-agent-wait-online.service SubState)"
fi

# ---- stop ----------------------------------------------------------------------------------------------
# systemd forgets an inactive unit's exit status when it unloads it: the journal keeps it.
cursor=$(cx journalctl -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p')
stop_start=$SECONDS
out=$(cx systemctl stop ipoib-agent.service 2>&1)
rc=$?
# systemd's words come after the cursor; the agent's own may come before systemd's "Stopping" in the
# journal (journald reads the agent's stream and PID 1's datagrams in no set order), so by its PID.
wait_for 10 sh -c "journalctl --no-pager -o cat --after-cursor='$cursor' -u ipoib-agent.service |
    grep -q '^Stopped ipoib-agent.service' && journalctl --no-pager -o cat _PID=$main_pid | grep -q '^Stopping on SIGTERM.'"
after=$(cx journalctl --no-pager -o cat --after-cursor="$cursor" -u ipoib-agent.service; cx journalctl --no-pager -o cat _PID="$main_pid")
if ((rc == 0)) && [[ $(unit_prop ipoib-agent.service ActiveState) == inactive && $after == *"Stopping on SIGTERM."* &&
    $after == *"ipoib-agent.service: Deactivated successfully."* && $after != *"Main process exited"* &&
    $after != *"Killing process"* && $after != *"timed out"* ]]; then
    pass "systemctl stop: the agent stopped on SIGTERM and exited 0 ($((SECONDS - stop_start)) s)"
else
    fail "systemctl stop (rc $rc): $out $after"
fi
# Stopped while it waited: inactive (SuccessExitStatus=SIGTERM), not failed.
if [[ $(unit_prop ipoib-agent-wait-online.service ActiveState) == inactive ]]; then
    pass "ipoib-agent-wait-online.service, stopped with the agent (BindsTo=) while it waited, is inactive, not failed"
else
    fail "ipoib-agent-wait-online.service is $(unit_prop ipoib-agent-wait-online.service ActiveState) after the agent stopped"
fi
cx rm /etc/ipoib.d/31-ib0.8003.ibnet

# ---- [Install]: enabled, network-online.target pulls both in ------------------------------------------
# With the watchdog at 2 s instead of 30 (a runtime drop-in, read by the reload that enable does): the
# agent's WATCHDOG=1 every second reaches systemd, which then has no reason to kill it.
cx mkdir -p /run/systemd/system/ipoib-agent.service.d
cx sh -c 'printf "[Service]\nWatchdogSec=2\n" >/run/systemd/system/ipoib-agent.service.d/50-test-watchdog.conf'
if cx systemctl enable -q ipoib-agent.service ipoib-agent-wait-online.service &&
    out=$(cx timeout $((20 * SLOW)) systemctl start network-online.target 2>&1) &&
    [[ $(unit_prop ipoib-agent.service ActiveState)/$(unit_prop ipoib-agent-wait-online.service ActiveState) == active/active ]] &&
    links_ok 1300; then
    pass "enabled: starting network-online.target started the agent and waited for its links"
else
    fail "network-online.target: $out agent $(unit_prop ipoib-agent.service ActiveState), wait-online $(unit_prop ipoib-agent-wait-online.service ActiveState)"
fi
main_pid=$(unit_prop ipoib-agent.service MainPID)
restarts=$(unit_prop ipoib-agent.service NRestarts)
wd=0
if wait_for 10 sh -c '[ "$(systemctl show -P WatchdogTimestampMonotonic ipoib-agent.service)" != 0 ]'; then
    wd=$(unit_prop ipoib-agent.service WatchdogTimestampMonotonic)
fi
# Three more pings: 3 s at 1 s apiece, past the 2 s after which a silent agent would be killed.
for _ in 1 2 3; do
    ((wd > 0)) && wait_for 10 sh -c "[ \"\$(systemctl show -P WatchdogTimestampMonotonic ipoib-agent.service)\" -gt $wd ]" &&
        wd=$(unit_prop ipoib-agent.service WatchdogTimestampMonotonic) || wd=0
done
if ((wd > 0)) && [[ $(unit_prop ipoib-agent.service WatchdogUSec) == 2s && $(unit_prop ipoib-agent.service MainPID) == "$main_pid" &&
    $(unit_prop ipoib-agent.service NRestarts) == "$restarts" ]]; then
    pass "WatchdogSec=2: systemd got WATCHDOG=1 again and again from PID $main_pid, which it did not kill"
else
    fail "watchdog: last ping at ${wd}, WatchdogUSec $(unit_prop ipoib-agent.service WatchdogUSec), PID $(unit_prop ipoib-agent.service MainPID) (was $main_pid)"
fi

if [[ -n $STRACE ]]; then
    kill "$STRACE"
    wait "$STRACE" 2>/dev/null
    STRACE=
    # After the successful execve of our binary, not before: systemd's own setup of the sandbox in the
    # forked child may fail with EPERM by design (it probes). What the sandbox answers: EPERM
    # (SystemCallFilter=, capabilities), EACCES and EROFS (ProtectSystem=, devices), EAFNOSUPPORT
    # (RestrictAddressFamilies=), ENOSYS (a syscall the filter does not know). sd-bus asks for 8 MiB
    # socket buffers with SO_RCVBUF, then SO_RCVBUFFORCE, which needs CAP_NET_ADMIN: the wait-online
    # unit has no capability, so that probe fails there and the buffer stays at net.core.rmem_max, as
    # for any unprivileged client.
    nproc=0 eperm=
    for f in "$T"/strace/p.*; do
        grep -qE '^execve\("[^"]*/(ipoib-agent|ipoibctl)".* = 0$' "$f" || continue
        nproc=$((nproc + 1))
        eperm+=$(awk '/^execve\("[^"]*\/(ipoib-agent|ipoibctl)".* = 0$/ { on = 1; next } on && / = -1 E(PERM|ACCES|ROFS|AFNOSUPPORT|NOSYS) / && !/SO_(RCV|SND)BUFFORCE/ { print FILENAME ": " $0 }' "$f")
    done
    if ((nproc < 4)); then
        fail "strace: $nproc processes ran ipoib-agent or ipoibctl, expected the agent and 3 reloads at least"
    elif [[ -z $eperm ]]; then
        pass "strace: no syscall of the agent or of ipoibctl ($nproc processes) failed with EPERM, EACCES, EROFS, EAFNOSUPPORT or ENOSYS"
    else
        fail "strace: failed with EPERM, EACCES, EROFS, EAFNOSUPPORT or ENOSYS:"
        echo "$eperm" | head -n 20
    fi
fi
finish
