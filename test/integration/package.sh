#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# package.sh SRCDIR: the Debian package end to end. Builds it with dpkg-buildpackage -us -uc -b from a
# copy of the source tree, runs lintian (no error or warning may remain after the overrides), then
# installs the .deb into a throwaway copy of this Debian 12 system and runs the shipped binaries on
# the shipped examples there: ipoibctl check, ipoib-agent --oneshot --simulate, systemctl is-enabled,
# and a purge.
#
# The throwaway root is an overlay over / (lower: /, upper: a tmpfs) in a private mount namespace, so
# dpkg -i and the maintainer scripts write to the tmpfs only; a policy-rc.d and an empty /run keep
# them from starting anything. Nothing of the real system is modified.
# Prints "N passed, N failed"; exit 77 (skip) with the reason when it cannot run here.
set -uo pipefail

SRC=$(readlink -f "${1:?SRCDIR}")
SELF=$(readlink -f "${BASH_SOURCE[0]}")

skip() {
    echo "SKIP: $*"
    exit 77
}

# ---- inside the private mount namespace: the throwaway root -------------------------------------
if [[ ${2:-} == --inner ]]; then
    T=$3
    DEB=$4
    M=$T/ovl/merged
    mount -t tmpfs tmpfs "$T/ovl" || exit 1
    mkdir -p "$T/ovl/upper" "$T/ovl/work" "$M"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$T/ovl/upper,workdir=$T/ovl/work" "$M" || exit 1
    mount --bind /dev "$M/dev" && mount -t proc proc "$M/proc" && mount -t tmpfs tmpfs "$M/run" &&
        mount -t tmpfs tmpfs "$M/tmp" || exit 1
    printf '#!/bin/sh\nexit 101\n' >"$M/usr/sbin/policy-rc.d"
    chmod 755 "$M/usr/sbin/policy-rc.d"
    cp "$DEB" "$M/tmp/"
    ex=/usr/share/doc/ipoib-agent/examples
    # shellcheck disable=SC2016
    exec chroot "$M" /bin/sh -c '
        set -e
        deb=/tmp/$1 ex=$2
        step() { echo "--> $*"; }
        step "dpkg -i $1";  dpkg -i "$deb"
        step "dpkg -s";     dpkg-query -W -f="\${Status}\n" ipoib-agent | grep -qx "install ok installed"
        step "systemctl is-enabled ipoib-agent.service"
        test "$(systemctl is-enabled ipoib-agent.service)" = enabled
        step "ipoibctl --version"; ipoibctl --version
        step "ipoibctl check $ex $ex/veth"; ipoibctl check "$ex" "$ex/veth"
        step "ipoib-agent --oneshot --simulate"
        ipoib-agent --oneshot --simulate="$ex/fabric/cx3-cx6.json" --config-dir="$ex" --runtime-dir=/tmp/run \
            --log-level=warning
        grep -q "inet 198.51.100.1/24" /tmp/run/sim/ip-address
        step "/etc/ipoib.d exists, the conffile is registered"
        test -d /etc/ipoib.d
        dpkg-query -W -f="\${Conffiles}\n" ipoib-agent | grep -q /etc/iproute2/rt_protos.d/ipoib.conf
        step "unit, bus policy, man pages, Ansible role"
        test -f /lib/systemd/system/ipoib-agent.service
        grep -q "^ExecStart=/usr/sbin/ipoib-agent" /lib/systemd/system/ipoib-agent.service
        test -f /usr/share/dbus-1/system.d/org.ipoib.Agent1.conf
        test -f /usr/share/man/man5/ibnet.5.gz
        test -f /usr/share/ansible/roles/ipoib/tasks/main.yml
        step "dpkg --purge"; dpkg --purge ipoib-agent
        test ! -e /usr/sbin/ipoib-agent && test ! -e /etc/iproute2/rt_protos.d/ipoib.conf
        test ! -e /etc/systemd/system/multi-user.target.wants/ipoib-agent.service
        echo "--> all good"
    ' sh "${DEB##*/}" "$ex"
fi

# ---- outside ----------------------------------------------------------------------------------------
((EUID == 0)) || skip "needs root (a private mount namespace with an overlay over / for the throwaway root)"
command -v dpkg-buildpackage >/dev/null || skip "dpkg-buildpackage is not installed (Debian: dpkg-dev)"
command -v dh >/dev/null || skip "debhelper is not installed"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
dpkg-checkbuilddeps "$SRC/debian/control" >/dev/null 2>&1 ||
    skip "build dependencies missing: $(dpkg-checkbuilddeps "$SRC/debian/control" 2>&1 | sed 's/.*: //')"

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
finish() {
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit
}

T=$(mktemp -d /tmp/ipoib-package-XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src" "$T/ovl"

# The tree as a checkout has it, tracked and new files alike, without build directories.
if command -v git >/dev/null && git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
        tar --null -T - -c) | tar -x -C "$T/src"
else
    tar -C "$SRC" --exclude=./build --exclude='./builddir*' --exclude=./.git -c . | tar -x -C "$T/src"
fi

# nocheck: the same tests ran in meson test already; the package's own check run is what
# "dpkg-buildpackage" without options does.
start=$SECONDS
if (cd "$T/src" && DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b) \
    >"$T/build.log" 2>&1; then
    pass "dpkg-buildpackage -us -uc -b ($((SECONDS - start)) s)"
else
    tail -40 "$T/build.log"
    fail "dpkg-buildpackage -us -uc -b"
    finish
fi
deb=$(echo "$T"/ipoib-agent_*_*.deb)
[[ -f $deb ]] || { fail "no .deb in $T: $(ls "$T")"; finish; }

if command -v lintian >/dev/null; then
    # lintian warns about running as root; what counts are the E: and W: lines.
    lintian "$T"/ipoib-agent_*.changes >"$T/lintian.log" 2>&1
    if grep -qE '^[EW]: ' "$T/lintian.log"; then
        cat "$T/lintian.log"
        fail "lintian: errors or warnings"
    else
        pass "lintian: no errors or warnings"
    fi
else
    echo "lintian is not installed: not run"
fi

if ! unshare -m true 2>/dev/null; then
    echo "SKIP the throwaway root: cannot create a mount namespace"
    finish
fi
if unshare -m --propagation private bash "$SELF" "$SRC" --inner "$T" "$deb" >"$T/root.log" 2>&1; then
    pass "installed in a throwaway Debian root: $(grep -c '^--> ' "$T/root.log") steps (dpkg -i, is-enabled, ipoibctl check, ipoib-agent --oneshot --simulate, purge)"
else
    cat "$T/root.log"
    fail "installed in a throwaway Debian root"
fi
finish
