# SPDX-License-Identifier: LGPL-2.1-or-later
"""ipoibctl import, the binary as shipped, on test/import-corpus: the RHEL guide's nmcli profile and
its ifcfg twin give the same files; what is written passes "ipoibctl check" and configures the guide's
links on the simulated fabric ("ipoib-agent --oneshot --simulate"); --dry-run writes nothing; an
import never overwrites; every corpus source either converts or says why not.

Usage: ipoibctl-import.py IPOIBCTL IPOIB_AGENT SRCDIR [TEST...]"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from harness import eq, run_tests

IPOIBCTL = AGENT = SRCDIR = CORPUS = None

SEED_NM = ["mlx4_ib0.nmconnection", "mlx4_ib0.8002.nmconnection"]
SEED_IFCFG = ["ifcfg-mlx4_ib0", "ifcfg-mlx4_ib0.8002"]


class Dir:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="ipoibctl-import-")
        self.last = None
        self.outputs = []

    def path(self, *names):
        return os.path.join(self.root, *names)

    def run(self, *args):
        self.last = subprocess.run([IPOIBCTL, *args], capture_output=True, text=True, timeout=60)
        self.outputs.append(self.last)
        return self.last

    def import_(self, out, *sources):
        return self.run(f"--output-dir={out}", "import", *[os.path.join(CORPUS, s) for s in sources])

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def logs(d):
    return "".join(f"---- ipoibctl {' '.join(p.args[1:])} (exit {p.returncode}) ----\n{p.stdout}\n{p.stderr}\n"
                   for p in d.outputs[-3:])


def body(text):
    """What the agent reads: the file without comments."""
    return "".join(line + "\n" for line in text.splitlines() if not line.startswith("#"))


def read(path):
    with open(path) as f:
        return f.read()


def test_seed_nm_and_ifcfg_give_the_same_files(d):
    a, b = d.path("nm"), d.path("ifcfg")
    p = d.import_(a, *SEED_NM)
    eq(p.returncode, 0, "exit status (keyfiles)")
    p = d.import_(b, *SEED_IFCFG)
    eq(p.returncode, 0, "exit status (ifcfg)")
    eq(sorted(os.listdir(a)), ["10-mlx4_ib0.ibnet", "20-mlx4_ib0.8002.ibnet"], "files from the keyfiles")
    eq(sorted(os.listdir(b)), sorted(os.listdir(a)), "files from the ifcfg files")
    for name in os.listdir(a):
        eq(body(read(os.path.join(b, name))), body(read(os.path.join(a, name))), name)
        mode = stat.S_IMODE(os.stat(os.path.join(a, name)).st_mode)
        eq(oct(mode), oct(0o644), f"{name} mode")
    assert "2 files imported, 0 not: 0 errors" in d.last.stdout, d.last.stdout


def test_output_passes_check_and_configures_the_fabric(d):
    conf = d.path("conf")
    p = d.import_(conf, *SEED_NM)
    eq(p.returncode, 0, "import exit status")
    p = d.run("check", conf)
    eq(p.returncode, 0, "check exit status")
    assert "2 files checked: 0 errors, 0 warnings, 0 notices: valid" in p.stdout, p.stdout
    fabric = d.path("fabric.json")
    shutil.copyfile(os.path.join(SRCDIR, "examples", "fabric", "cx3-cx6.json"), fabric)
    run = d.path("run")
    a = subprocess.run([AGENT, "--simulate", fabric, "--config-dir", conf, "--runtime-dir", run, "--oneshot"],
                       capture_output=True, text=True, timeout=60)
    d.outputs.append(a)
    eq(a.returncode, 0, "ipoib-agent --oneshot exit status")
    assert "2 links matched, 2 configured" in a.stdout, a.stdout
    net = os.path.join(run, "sim", "sys", "class", "net")
    # The guide's checks (section 6.4 "Verification"), on the simulated sysfs.
    eq(read(os.path.join(net, "mlx4_ib0.8002", "pkey")).strip(), "0x8002", "child pkey")
    eq(read(os.path.join(net, "mlx4_ib0.8002", "mode")).strip(), "datagram", "child mode")
    eq(read(os.path.join(net, "mlx4_ib0", "mode")).strip(), "connected", "parent mode")
    eq(read(os.path.join(net, "mlx4_ib0", "mtu")).strip(), "65520", "parent MTU")
    addrs = read(os.path.join(run, "sim", "ip-address"))
    for a in ["192.0.2.1/24", "2001:db8:1::1/32", "198.51.100.1/24", "2001:db8:2::1/64"]:
        assert a in addrs, addrs


def test_dry_run_prints_and_writes_nothing(d):
    out = d.path("out")
    p = d.import_(out, SEED_NM[0])
    eq(p.returncode, 0, "exit status")
    written = read(os.path.join(out, "10-mlx4_ib0.ibnet"))
    shutil.rmtree(out)
    p = d.run("--dry-run", f"--output-dir={out}", "import", os.path.join(CORPUS, SEED_NM[0]))
    eq(p.returncode, 0, "exit status")
    assert not os.path.exists(out), "--dry-run created the output directory"
    eq(p.stdout, f"# {out}/10-mlx4_ib0.ibnet\n{written}", "printed file")
    assert "1 file would be imported, 0 not" in p.stderr, p.stderr


def test_dry_run_json(d):
    """--json --dry-run: the same files as the text, with the settings not carried over and the naming
    decisions as diagnostics; nothing written, nothing else on stdout."""
    out = d.path("out")
    p = d.run("--dry-run", f"--output-dir={out}", "import", os.path.join(CORPUS, SEED_NM[0]))
    eq(p.returncode, 0, "exit status (text)")
    text = p.stdout
    p = d.run("--json", "--dry-run", f"--output-dir={out}", "import", os.path.join(CORPUS, SEED_NM[0]))
    eq((p.returncode, p.stderr), (0, ""), "exit status and stderr (JSON)")
    assert not os.path.exists(out), "--dry-run created the output directory"
    j = json.loads(p.stdout)
    eq((j["dry_run"], j["imported"], j["failed"], len(j["files"])), (True, 1, 0, 1), "counts")
    f = j["files"][0]
    eq((f["path"], f["imported"]), (f"{out}/10-mlx4_ib0.ibnet", True), "the file")
    eq(f"# {f['path']}\n{f['text']}", text, "the same contents as the text")
    for x in j["diagnostics"]:
        assert x["level"] in ("error", "warning", "notice") and x["text"].endswith(x["message"]), x


def test_never_overwrites(d):
    out = d.path("out")
    os.makedirs(out)
    mine = os.path.join(out, "10-mlx4_ib0.ibnet")
    with open(mine, "w") as f:
        f.write("[Match]\nName=mlx4_ib0\n")
    p = d.import_(out, SEED_NM[0])
    eq(p.returncode, 1, "exit status")
    assert f"{mine} exists and is not overwritten" in p.stdout, p.stdout
    eq(read(mine), "[Match]\nName=mlx4_ib0\n", "the file there")


def test_route_files_come_along(d):
    out = d.path("out")
    p = d.import_(out, "ifcfg-ib1")
    eq(p.returncode, 0, "exit status")
    text = read(os.path.join(out, "10-ib1.ibnet"))
    for line in ["Destination=10.50.0.0/16", "Destination=fd00:50::/48"]:
        assert line + "\n" in text, text
    assert "route6-ib1:4: warning: route \"fd00:70::/48 via fd00:1::fe table 100\"" in p.stdout, p.stdout
    # A route file alone is an error that names the ifcfg file it needs.
    p = d.import_(d.path("out2"), "route-ib1")
    eq(p.returncode, 1, "exit status (route file alone)")
    assert "a route file is imported with its ifcfg file: name ifcfg-ib1 too" in p.stdout, p.stdout


def test_every_corpus_source_converts_or_says_why(d):
    refused = {"ethernet.nmconnection": "not an InfiniBand profile",
               "ifcfg-eth0": "not an InfiniBand interface"}
    os.makedirs(d.path("each"))  # --output-dir creates the directory, not its parents
    for name in sorted(os.listdir(CORPUS)):
        if name == "README" or name.startswith("route"):
            continue
        out = d.path("each", name)
        p = d.import_(out, name)
        if name in refused:
            eq(p.returncode, 1, f"{name} exit status")
            assert refused[name] in p.stdout, p.stdout
            assert not os.path.exists(out), f"{name}: a refused source wrote something"
            continue
        eq(p.returncode, 0, f"{name} exit status")
        c = d.run("check", out)
        eq(c.returncode, 0, f"check of {name}'s file")
    # Several sources at once, checked together: the seed pair clashes on file names.
    p = d.import_(d.path("both"), SEED_NM[0], SEED_IFCFG[0])
    eq(p.returncode, 1, "exit status (two sources, one file name)")
    assert "gives 10-mlx4_ib0.ibnet, as" in p.stdout, p.stdout


def test_usage(d):
    p = d.run("import")
    eq(p.returncode, 2, "exit status without FILE")
    p = d.run("import", d.path("nope"))
    eq(p.returncode, 1, "exit status for a missing file")
    assert "cannot read: No such file or directory" in p.stdout, p.stdout


CHILD_8002 = "[Match]\nName=mlx4_ib0\n\n[Partition]\nPKey=0x8002\nName={name}\n"


def test_checked_with_the_files_already_there(d):
    """An imported child that clashes with a child the output directory already creates is refused; so
    is an import that would make a file used today unusable. Unrelated files do not matter."""
    out = d.path("out")
    os.makedirs(out)
    with open(os.path.join(out, "05-other.ibnet"), "w") as f:
        f.write("[Match]\nName=mlx4_ib1\n")
    mine = os.path.join(out, "05-mine.ibnet")
    with open(mine, "w") as f:
        f.write(CHILD_8002.format(name="storage0"))
    p = d.import_(out, SEED_NM[1])
    eq(p.returncode, 1, "exit status (earlier file has the P_Key)")
    assert f"{out}/20-mlx4_ib0.8002.ibnet would clash with the files in {out}; not imported" in p.stdout, p.stdout
    assert not os.path.exists(os.path.join(out, "20-mlx4_ib0.8002.ibnet")), "written anyway"
    # The same clash with the existing file sorting after the new one: that file would be rejected.
    os.rename(mine, os.path.join(out, "30-mine.ibnet"))
    p = d.import_(out, SEED_NM[1])
    eq(p.returncode, 1, "exit status (later file has the P_Key)")
    assert f"{out}/30-mine.ibnet: error: would no longer be used next to the imported files" in p.stdout, p.stdout
    assert not os.path.exists(os.path.join(out, "20-mlx4_ib0.8002.ibnet")), "written anyway"
    # Without the clash the same import goes through, next to the unrelated file.
    os.unlink(os.path.join(out, "30-mine.ibnet"))
    p = d.import_(out, SEED_NM[1])
    eq(p.returncode, 0, "exit status (no clash)")
    eq(d.run("check", out).returncode, 0, "check of the directory")


TESTS = [test_seed_nm_and_ifcfg_give_the_same_files, test_dry_run_json, test_output_passes_check_and_configures_the_fabric,
         test_dry_run_prints_and_writes_nothing, test_never_overwrites, test_route_files_come_along,
         test_every_corpus_source_converts_or_says_why, test_checked_with_the_files_already_there, test_usage]

if __name__ == "__main__":
    IPOIBCTL, AGENT, SRCDIR = (os.path.abspath(a) for a in sys.argv[1:4])
    CORPUS = os.path.join(SRCDIR, "test", "import-corpus")
    sys.exit(run_tests(TESTS, sys.argv[4:], Dir, logs))
