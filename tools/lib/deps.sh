# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034
#
# Shared by tools/demo and tools/test (sourced, not run): the Debian 12 packages the tree needs, an
# installer that only touches apt when something is missing, and an idempotent meson build.

# What building and running the binaries needs.
IPOIB_BUILD_DEPS=(meson ninja-build pkg-config gcc libsystemd-dev libnl-route-3-dev libibverbs-dev
                  libinih-dev check libjson-c-dev scdoc iproute2 git dbus)
# What the tests need on top.
IPOIB_TEST_DEPS=(strace python3 systemd util-linux clang)
# Test dependencies installed without their Recommends: ansible-core recommends "ansible", the
# whole community collection (hundreds of MB); the role test needs ansible-core only (8 packages,
# 4 MB, about 33 s here). dpkg-dev, debhelper (16 packages, 36 s) and lintian (128 packages,
# 63 s) for the package test (meson test --suite package: build, lintian, throwaway install,
# about 105 s).
IPOIB_TEST_DEPS_NO_RECOMMENDS=(ansible-core dpkg-dev debhelper lintian)

# The repository root, whatever the caller's working directory.
IPOIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

ipoib_step() {
    printf '\n==> %s\n' "$*"
}

ipoib_have_package() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ipoib_install_deps [--no-install-recommends] PACKAGE...: installs the packages that are not
# installed yet; runs apt-get update only then, once per run.
# IPOIB_SKIP_DEPS=1 skips this (a test runs tools/demo against an existing build).
IPOIB_APT_UPDATED=0
ipoib_install_deps() {
    local missing=() sudo=() apt_opts=() p

    if [[ ${IPOIB_SKIP_DEPS:-} == 1 ]]; then
        return 0
    fi
    if [[ ${1:-} == --no-install-recommends ]]; then
        apt_opts=(--no-install-recommends)
        shift
    fi
    if ! command -v dpkg-query >/dev/null; then
        echo "Not a Debian system: make sure these are installed: $*" >&2
        return 0
    fi
    for p in "$@"; do
        ipoib_have_package "$p" || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        echo "Build dependencies: all installed."
        return 0
    fi
    if ((EUID != 0)); then
        if ! command -v sudo >/dev/null; then
            echo "Missing packages (${missing[*]}); run as root or install sudo." >&2
            return 1
        fi
        sudo=(sudo)
    fi
    ipoib_step "Installing ${missing[*]}"
    if ((IPOIB_APT_UPDATED == 0)); then
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
        IPOIB_APT_UPDATED=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${apt_opts[@]}" "${missing[@]}"
}

# ipoib_build BUILDDIR [MESON-OPTION...]: sets up BUILDDIR once, applies the options, builds.
ipoib_build() {
    local dir=$1
    shift
    if [[ -f $dir/meson-private/coredata.dat ]]; then
        if (($# > 0)); then
            meson configure "$dir" "$@" >/dev/null
        fi
    else
        meson setup "$dir" "$@"
    fi
    ninja -C "$dir"
}

# ipoib_fetch_resolved DIR: unpacks Debian's systemd-resolved into DIR for the DNS tests, without
# installing it (an installed resolved takes over /etc/resolv.conf). Only when DIR lacks it.
ipoib_fetch_resolved() {
    local dir=$1 tmp
    [[ -x $dir/lib/systemd/systemd-resolved ]] && return 0
    command -v apt-get >/dev/null || return 0
    tmp=$(mktemp -d)
    chmod 755 "$tmp"
    ipoib_step "Fetching systemd-resolved for the DNS tests (unpacked into $dir, not installed)"
    if ! (cd "$tmp" && apt-get download -q systemd-resolved) >/dev/null 2>&1; then
        # The package lists may be missing or stale on a machine where nothing else was missing.
        apt-get update -q >/dev/null 2>&1 || true
        (cd "$tmp" && apt-get download -q systemd-resolved) || {
            echo "Could not download systemd-resolved; the DNS tests will be skipped." >&2
            rm -rf "$tmp"
            return 0
        }
    fi
    mkdir -p "$dir"
    dpkg -x "$tmp"/systemd-resolved_*.deb "$dir"
    rm -rf "$tmp"
}
