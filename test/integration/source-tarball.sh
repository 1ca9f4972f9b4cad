#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# source-tarball.sh BUILDDIR SRCDIR: the README's tools/demo from a source tarball made with
# "git archive" (files 0664, directories 0775), unpacked and run with umask 002, as a user of a
# group-writable checkout would. The demo uses the binaries of BUILDDIR (already built by meson test)
# and must not depend on the modes of the tarball's examples/.
# The tarball holds the committed tree plus uncommitted changes to tracked files ("git stash
# create"); new files count once they are added. Exit 77 (skip) when SRCDIR is not a git checkout.
set -uo pipefail

BUILD=$(readlink -f "${1:?BUILDDIR}")
SRC=$(readlink -f "${2:?SRCDIR}")

command -v git >/dev/null || { echo "SKIP: no git"; exit 77; }
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: $SRC is not a git checkout"; exit 77; }

T=$(mktemp -d /tmp/ipoib-tarball-XXXXXX)
trap 'rm -rf "$T"' EXIT
tree=$(git -C "$SRC" stash create 2>/dev/null)
tree=${tree:-HEAD}

umask 002
mkdir "$T/src"
git -C "$SRC" archive --format=tar "$tree" | tar -x -C "$T/src" || { echo "FAIL git archive"; exit 1; }
mode=$(stat -c %a "$T/src/examples/10-mlx4_ib0.ibnet")
[[ $mode == 664 ]] || { echo "FAIL the tarball's examples are $mode, expected 664 (git archive's umask 002)"; exit 1; }

if IPOIB_SKIP_DEPS=1 BUILDDIR=$BUILD "$T/src/tools/demo" >"$T/demo.log" 2>&1; then
    echo "PASS tools/demo from git archive, umask 002 ($(grep -c '^==> ' "$T/demo.log") steps)"
    echo "1 passed, 0 failed"
else
    cat "$T/demo.log"
    echo "FAIL tools/demo from git archive, umask 002"
    echo "0 passed, 1 failed"
    exit 1
fi
