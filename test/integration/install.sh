#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# install.sh BUILDDIR SRCDIR: "meson install" into a DESTDIR, then check that the install is coherent:
# the unit starts the binary that was installed (systemd-analyze verify --root on the installed tree,
# and the same check must fail once that binary is gone), the bus policy is where the system bus
# reads it, the route protocol name matches src/shared/ipoib-proto.h, the man pages and examples are
# there, and the installed binaries validate and apply the installed examples.
# The expected locations come from meson (environment: SBINDIR BINDIR UNITDIR DBUSPOLICYDIR DOCDIR
# MANDIR DATADIR RTPROTOSDIR), so a build with other options checks its own layout.
# Prints "N passed, N failed"; exit 77 (skip) with the reason when it cannot run here.
set -uo pipefail

BUILD=$(readlink -f "${1:?BUILDDIR}")
SRC=$(readlink -f "${2:?SRCDIR}")
passed=0
failed=0

skip() {
    echo "SKIP: $*"
    exit 77
}

pass() {
    echo "PASS $*"
    passed=$((passed + 1))
}

fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}

command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
command -v meson >/dev/null || skip "no meson on PATH"

T=$(mktemp -d /tmp/ipoib-install-XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
D=$T/destdir

# --no-rebuild: meson test has built everything, and a concurrent ninja run would race it.
if ! meson install -C "$BUILD" --destdir "$D" --no-rebuild --quiet >"$T/install.log" 2>&1; then
    cat "$T/install.log"
    fail "meson install"
    echo "$passed passed, $failed failed"
    exit 1
fi

# --- every file where meson says it goes ---------------------------------------------------------
for f in "$SBINDIR/ipoib-agent" "$BINDIR/ipoibctl" "$UNITDIR/ipoib-agent.service" \
    "$UNITDIR/ipoib-agent-wait-online.service" \
    "$DBUSPOLICYDIR/org.ipoib.Agent1.conf" "$MANDIR/man5/ibnet.5" "$MANDIR/man1/ipoibctl.1" \
    "$MANDIR/man8/ipoib-agent.8" "$MANDIR/man5/org.ipoib.Agent1.5" "$DOCDIR/examples/10-mlx4_ib0.ibnet" \
    "$DOCDIR/examples/fabric/cx3-cx6.json" "$DOCDIR/examples/ansible/ipoib.yml" \
    "$DATADIR/ansible/roles/ipoib/tasks/main.yml" ${RTPROTOSDIR:+"$RTPROTOSDIR/ipoib.conf"}; do
    if [[ -f $D$f ]]; then
        pass "installed: $f"
    else
        fail "not installed: $f"
    fi
done

# --- the unit runs the installed binary ----------------------------------------------------------
unit=$D$UNITDIR/ipoib-agent.service
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
if [[ $exec_start == "$SBINDIR/ipoib-agent" ]]; then
    pass "ExecStart=$exec_start is the configured sbindir"
else
    fail "ExecStart=$exec_start, expected $SBINDIR/ipoib-agent"
fi

# systemctl reload runs ipoibctl reload, which fails naming file:line when a file is rejected (kill -HUP
# would succeed whatever the agent thought of the files).
exec_reload=$(sed -n 's/^ExecReload=//p' "$unit")
if [[ $exec_reload == "$BINDIR/ipoibctl reload" ]]; then
    pass "ExecReload=$exec_reload"
else
    fail "ExecReload=$exec_reload, expected $BINDIR/ipoibctl reload"
fi
wait_unit=$D$UNITDIR/ipoib-agent-wait-online.service
if grep -qx "ExecStart=$BINDIR/ipoibctl wait-online" "$wait_unit" && grep -qx "Before=network-online.target shutdown.target" "$wait_unit" &&
    grep -qx "WantedBy=network-online.target" "$wait_unit"; then
    pass "ipoib-agent-wait-online.service runs ipoibctl wait-online before network-online.target"
else
    fail "ipoib-agent-wait-online.service: ExecStart=, Before= or WantedBy= is not what it should be"
fi

# systemd-analyze verify --root resolves the unit's commands inside the root, so it sees exactly what
# was installed (ExecReload= is the installed ipoibctl). The root also needs the targets of the
# default dependencies, taken from the host: they belong to systemd, not to us.
R=$T/root
cp -a "$D" "$R"
mkdir -p "$R/usr/lib/systemd/system"
for t in /lib/systemd/system/*.target /lib/systemd/system/dbus.socket; do
    [[ -e $t && ! -e $R/usr/lib/systemd/system/${t##*/} && ! -e $R/lib/systemd/system/${t##*/} ]] &&
        cp -a "$t" "$R/usr/lib/systemd/system/"
done
for u in ipoib-agent.service ipoib-agent-wait-online.service; do
    # Clean means no output at all: verify warns without failing on many things.
    if systemd-analyze verify --man=no --root="$R" "$UNITDIR/$u" >"$T/verify.log" 2>&1 && [[ ! -s $T/verify.log ]]; then
        pass "systemd-analyze verify --root on the installed $u: clean"
    else
        cat "$T/verify.log"
        fail "systemd-analyze verify --root on the installed $u"
    fi
done
# The same check with the binary gone must fail: proof that it looks at ExecStart in the root.
rm "$R$SBINDIR/ipoib-agent"
if ! systemd-analyze verify --man=no --root="$R" "$UNITDIR/ipoib-agent.service" >"$T/verify.log" 2>&1 &&
    grep -q "Command $SBINDIR/ipoib-agent is not executable" "$T/verify.log"; then
    pass "systemd-analyze verify fails when ExecStart's binary is missing"
else
    cat "$T/verify.log"
    fail "systemd-analyze verify did not notice the missing $SBINDIR/ipoib-agent"
fi

# --- bus policy: the system bus reads /usr/share/dbus-1/system.d and /etc/dbus-1/system.d ---------
case $DBUSPOLICYDIR in
/usr/share/dbus-1/system.d | /etc/dbus-1/system.d) pass "bus policy in $DBUSPOLICYDIR" ;;
*) fail "bus policy in $DBUSPOLICYDIR, which the system bus does not read" ;;
esac

# --- the route protocol's name and number ---------------------------------------------------------
if [[ -n ${RTPROTOSDIR:-} ]]; then
    want=$(sed -n 's/^#define RTPROT_IPOIB \([0-9]*\).*/\1/p' "$SRC/src/shared/ipoib-proto.h")
    got=$(awk '!/^#/ && $2 == "ipoib" { print $1 }' "$D$RTPROTOSDIR/ipoib.conf")
    if [[ -n $want && $got == "$want" ]]; then
        pass "rt_protos.d/ipoib.conf: $got ipoib, as RTPROT_IPOIB"
    else
        fail "rt_protos.d/ipoib.conf says '$got', src/shared/ipoib-proto.h says '$want'"
    fi
    # iproute2 itself parses the name (it refuses an unknown one), reading the installed directory
    # bind-mounted over the host's in a private mount namespace; "show" changes nothing.
    if ((EUID == 0)) && [[ $RTPROTOSDIR == /etc/iproute2/rt_protos.d && -d /etc/iproute2/rt_protos.d ]] &&
        command -v ip >/dev/null && unshare -m true 2>/dev/null; then
        # shellcheck disable=SC2016 # $1 is expanded by the inner sh
        out=$(unshare -m --propagation private sh -c \
            'mount --bind "$1" /etc/iproute2/rt_protos.d && ip route show proto ipoib' sh "$D$RTPROTOSDIR" 2>&1)
        if [[ $? == 0 && $out != *rror* ]]; then
            pass "ip route show proto ipoib: iproute2 knows the name"
        else
            fail "ip route show proto ipoib: $out"
        fi
    fi
fi

# --- the installed binaries on the installed examples ---------------------------------------------
ex=$D$DOCDIR/examples
if [[ $(find "$ex" -perm /022 | wc -l) == 0 ]]; then
    pass "examples installed without group/world write permission"
else
    fail "group- or world-writable examples: $(find "$ex" -perm /022)"
fi
if out=$("$D$BINDIR/ipoibctl" check "$ex" "$ex/veth" 2>&1); then
    pass "installed ipoibctl check on the installed examples: ${out##*$'\n'}"
else
    echo "$out"
    fail "installed ipoibctl check on the installed examples"
fi
if out=$("$D$SBINDIR/ipoib-agent" --oneshot --simulate="$ex/fabric/cx3-cx6.json" --config-dir="$ex" \
    --runtime-dir="$T/run" --log-level=warning 2>&1) && grep -q 'inet 198.51.100.1/24' "$T/run/sim/ip-address"; then
    pass "installed ipoib-agent --oneshot --simulate on the installed examples"
else
    echo "$out"
    fail "installed ipoib-agent --oneshot --simulate on the installed examples"
fi

echo "$passed passed, $failed failed"
((failed == 0))
