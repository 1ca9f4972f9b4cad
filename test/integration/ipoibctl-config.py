# SPDX-License-Identifier: LGPL-2.1-or-later
"""ipoibctl check and cat, the binary as shipped, on files in a temporary directory (no agent, no
root): what the search path skips is said, and a name the agent would never read is an error.

Usage: ipoibctl-config.py IPOIBCTL [TEST...]"""

import os
import shutil
import subprocess
import sys
import tempfile

from harness import eq, run_tests

IPOIBCTL = None
MAIN = "[Match]\nName=ib0\n"


class Dir:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="ipoibctl-config-")
        self.etc = os.path.join(self.root, "etc")
        self.lib = os.path.join(self.root, "lib")
        os.makedirs(self.etc)
        os.makedirs(self.lib)
        self.last = None

    def write(self, d, name, text):
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run(self, *args):
        self.last = subprocess.run([IPOIBCTL, *args], capture_output=True, text=True, timeout=60)
        return self.last

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def logs(d):
    return f"---- last ipoibctl ----\n{d.last.stdout}\n{d.last.stderr}" if d.last else ""


def test_check_wrong_suffix(d):
    """A file the agent would never read is an error, not a silent check of its contents."""
    bak = d.write(d.etc, "10-ib0.ibnet.bak", MAIN)
    p = d.run("check", bak)
    eq(p.returncode, 1, "exit status")
    assert f"{bak}: error: the agent reads only files named *.ibnet, never this one" in p.stdout, p.stdout
    dropin = d.write(d.etc, "10-ib0.ibnet.d/50-x.conf", "[Link]\nMTU=2044\n")
    p = d.run("check", dropin)
    eq(p.returncode, 1, "exit status (drop-in)")
    want = f"{dropin}: error: a drop-in, read only with its main file: run ipoibctl check {d.etc}/10-ib0.ibnet"
    assert want in p.stdout, p.stdout


def test_missing_config_dir(d):
    missing = os.path.join(d.root, "nope")
    p = d.run("--config-dir", missing, "check")
    eq(p.returncode, 1, "check exit status")
    assert f"{missing}: error: --config-dir: No such file or directory" in p.stdout, p.stdout
    p = d.run("--config-dir", missing, "cat")
    eq(p.returncode, 1, "cat exit status")
    assert "--config-dir: No such file or directory" in p.stderr, p.stderr


def test_empty_file_reported(d):
    d.write(d.lib, "10-ib0.ibnet", MAIN)
    mask = d.write(d.etc, "10-ib0.ibnet", "")
    lone = d.write(d.etc, "20-ib1.ibnet", "")
    p = d.run("--config-dir", d.etc, "--config-dir", d.lib, "check")
    eq(p.returncode, 0, "exit status")
    assert f"{mask}: notice: empty file: masks {d.lib}/10-ib0.ibnet, which is not read" in p.stdout, p.stdout
    assert f"{lone}: warning: empty file: it masks 20-ib1.ibnet, but no lower-priority directory has one" \
        in p.stdout, p.stdout


def test_dropin_dir_without_main(d):
    d.write(d.etc, "10-ib0.ibnet", MAIN)
    odd = d.write(d.etc, "10-ib0.ibnet.d/50-dns.cfg", "[Network]\nDNS=192.0.2.53\n")
    orphan = d.write(d.etc, "30-gone.ibnet.d/50-x.conf", "[Link]\nMTU=2044\n")
    p = d.run("--config-dir", d.etc, "check")
    eq(p.returncode, 0, "exit status")
    assert f"{odd}: warning: not a drop-in: only files ending in .conf are read" in p.stdout, p.stdout
    assert f"{os.path.dirname(orphan)}: warning: drop-in directory of 30-gone.ibnet" in p.stdout, p.stdout


def test_cat_masked(d):
    d.write(d.lib, "10-ib0.ibnet", MAIN)
    mask = d.write(d.etc, "10-ib0.ibnet", "")
    d.write(d.etc, "20-ib1.ibnet", "[Match]\nName=ib1\n")
    p = d.run("--config-dir", d.etc, "--config-dir", d.lib, "cat", "10-ib0")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    eq(p.stdout, f"# {mask}: masked (empty file), hides {d.lib}/10-ib0.ibnet\n", "cat 10-ib0")
    p = d.run("--config-dir", d.etc, "--config-dir", d.lib, "cat")
    eq(p.returncode, 0, "exit status")
    assert p.stdout.startswith(f"# {mask}: masked (empty file)"), p.stdout
    assert "[Match]\nName=ib1\n" in p.stdout, p.stdout


def test_many_files(d):
    """10,000 small files in one directory (the issue 11 size): checked, all of them."""
    for i in range(10000):
        d.write(d.etc, f"{i:05d}-ib{i}.ibnet", f"[Match]\nName=ib{i}\n[Network]\nAddress=10.{i // 256}.{i % 256}.1/32\n")
    p = d.run("--config-dir", d.etc, "--offline", "check")  # the files, not this host's links
    eq(p.returncode, 0, f"exit status ({p.stdout[-2000:]})")
    assert "10000 files checked: 0 errors, 0 warnings, 0 notices: valid" in p.stdout, p.stdout[-2000:]


TESTS = [
    test_check_wrong_suffix,
    test_missing_config_dir,
    test_empty_file_reported,
    test_dropin_dir_without_main,
    test_cat_masked,
    test_many_files,
]


def main():
    global IPOIBCTL
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    IPOIBCTL = os.path.abspath(sys.argv[1])
    return run_tests(TESTS, sys.argv[2:], Dir, logs)


if __name__ == "__main__":
    sys.exit(main())
