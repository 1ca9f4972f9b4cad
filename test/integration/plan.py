#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`ipoibctl plan` answers "what would a reload do?" (issue 10 item 4): the files on disk (or
--config-dir) against the kernel of a network namespace (or a --simulate fabric), worked out by the
agent's own --dry-run, which changes nothing. Exit 0 when nothing would change, 2 when something
would, 1 on errors (a file a reload would reject, a --config-dir that does not exist, no such link).

Usage: plan.py AGENT IPOIBCTL SRCDIR [TEST...]
Prints "N passed, N failed, N skipped"; exit 77 when not root or without network namespaces."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import eq, netns_skip_reason, run_tests, stop_process, wait_for

AGENT, IPOIBCTL, SRC = (os.path.abspath(a) for a in sys.argv[1:4]) if len(sys.argv) >= 4 else (None,) * 3
FABRIC = os.path.join(SRC or "", "examples/fabric/cx3-cx6.json")
VETH = "[Match]\nName=v0\nType=ether\n[Link]\nMTU=1400\n[Network]\nAddress=192.0.2.1/24\n" \
       "[Route]\nDestination=198.51.100.0/24\nGateway=192.0.2.254\n"


def run(cmd, check=True, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


class World:
    counter = 0

    def __init__(self):
        World.counter += 1
        self.name = f"ipoibplan{os.getpid()}n{World.counter}"
        run(["ip", "netns", "add", self.name])
        self.dir = tempfile.mkdtemp(prefix="ipoib-plan-")
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "conf")
        self.runtime = os.path.join(self.dir, "run")
        os.mkdir(self.conf, 0o755)
        self.env = dict(os.environ, IPOIB_AGENT=AGENT, IPOIB_RUNTIME_DIR=self.runtime, NO_COLOR="1")
        self.last = None

    def close(self):
        run(["ip", "netns", "del", self.name], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.conf, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)

    def ip(self, *args):
        return run(["ip", "-n", self.name, *args])

    def state(self):
        """Everything plan must not touch: links, addresses, routes of the namespace."""
        return [self.ip("-json", *what).stdout for what in (["link"], ["addr"], ["route", "show", "table", "all"])]

    def plan(self, *args, netns=True):
        cmd = ["ip", "netns", "exec", self.name] if netns else []
        self.last = run(cmd + [IPOIBCTL, "--config-dir", self.conf, "plan", *args], check=False, env=self.env)
        return self.last

    def apply(self):
        run(["ip", "netns", "exec", self.name, AGENT, "--oneshot", "--config-dir", self.conf,
             "--runtime-dir", self.runtime])


def test_nothing_configured_yet(w):
    """A new file: the diff is every object, exit 2, and the kernel is exactly as before."""
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    w.write("10-v0.ibnet", VETH)
    before = w.state()
    p = w.plan()
    eq(p.returncode, 2, f"exit status ({p.stdout}{p.stderr})")
    for line in ("~ v0: set-mtu 1400", "+ v0: set-up", "+ v0: add-address 192.0.2.1/24",
                 "+ v0: add-route 198.51.100.0/24 via 192.0.2.254"):
        assert line in p.stdout, (line, p.stdout)
    assert "changes." in p.stdout, p.stdout
    eq(w.state(), before, "the namespace after plan")
    assert not os.path.exists(os.path.join(w.runtime, "owned")), "a dry run writes no ownership record"


def test_after_apply_nothing_to_change(w):
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    w.write("10-v0.ibnet", VETH)
    w.apply()
    p = w.plan()
    eq(p.returncode, 0, f"exit status ({p.stdout}{p.stderr})")
    eq(p.stdout.strip(), "Nothing to change.")


def test_edit_on_disk_is_the_diff(w):
    """The running configuration is not what plan reads: the files on disk are."""
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    w.write("10-v0.ibnet", VETH)
    w.apply()
    w.ip("address", "add", "192.0.2.77/24", "dev", "v0")  # foreign: never in a plan
    w.write("10-v0.ibnet", VETH.replace("Address=192.0.2.1/24", "Address=192.0.2.1/24\nAddress=192.0.2.2/24"))
    before = w.state()
    p = w.plan("--json")
    eq(p.returncode, 2, f"exit status ({p.stderr})")
    j = json.loads(p.stdout)
    eq([(l["name"], l["actions"]) for l in j["links"]], [("v0", ["add-address 192.0.2.2/24"])], "the plan")
    eq(w.state(), before, "the namespace after plan")
    # The file removed: only what the agent created goes; the foreign address stays out of the plan.
    os.unlink(os.path.join(w.conf, "10-v0.ibnet"))
    p = w.plan()
    eq(p.returncode, 2, f"exit status ({p.stdout}{p.stderr})")
    assert "- v0: remove-address 192.0.2.1/24" in p.stdout, p.stdout
    assert "192.0.2.77" not in p.stdout, p.stdout


def test_running_agent_plans_files_on_disk(w):
    """With an agent running (reached on its control socket), plan asks it (PlanFiles()): the files on
    disk read as a reload would, against the agent's own state; nothing changes, the agent goes on."""
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    w.write("10-v0.ibnet", VETH)
    agent = subprocess.Popen(["ip", "netns", "exec", w.name, AGENT, "--config-dir", w.conf, "--runtime-dir",
                              w.runtime], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: "192.0.2.1/24" in w.ip("-br", "addr", "show", "dev", "v0").stdout, "the agent's address")
        wait_for(lambda: os.path.exists(os.path.join(w.runtime, "control")), "the control socket")
        w.write("10-v0.ibnet", VETH.replace("Address=192.0.2.1/24", "Address=192.0.2.1/24\nAddress=192.0.2.2/24"))
        before = w.state()
        p = run(["ip", "netns", "exec", w.name, IPOIBCTL, "plan"], check=False, env=w.env)
        w.last = p
        eq(p.returncode, 2, f"exit status ({p.stdout}{p.stderr})")
        eq(p.stdout, "+ v0: add-address 192.0.2.2/24\n1 change.\n", "the plan")
        p = run(["ip", "netns", "exec", w.name, IPOIBCTL, "plan", "--running"], check=False, env=w.env)
        eq((p.returncode, p.stdout), (0, "Nothing to change.\n"), "the running files")
        eq(w.state(), before, "the namespace after plan")
        assert agent.poll() is None, "the agent still runs"
    finally:
        stop_process(agent)


def test_errors(w):
    """A file a reload would reject: its file:line and exit 1, no plan. A --config-dir that does not
    exist, a link that does not exist: exit 1."""
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    w.write("10-v0.ibnet", VETH + "Bogus=1\n")
    p = w.plan()
    eq(p.returncode, 1, f"exit status ({p.stdout}{p.stderr})")
    assert "10-v0.ibnet:11:" in p.stderr and "Bogus" in p.stderr, p.stderr
    eq(p.stdout, "", "no plan printed")
    p = run(["ip", "netns", "exec", w.name, IPOIBCTL, "--config-dir", os.path.join(w.dir, "nope"), "plan"],
            check=False, env=w.env)
    eq(p.returncode, 1, "a missing --config-dir")
    assert "--config-dir" in p.stderr, p.stderr
    w.write("10-v0.ibnet", VETH)
    p = w.plan("v0", "nosuch")
    eq(p.returncode, 1, "a link that does not exist")
    assert "nosuch" in p.stderr, p.stderr


def test_simulate(w):
    """--simulate FABRIC plans the shipped examples against the simulated fabric: the seed's steps."""
    for f in os.listdir(os.path.join(SRC, "examples")):
        if f.endswith(".ibnet"):
            shutil.copy(os.path.join(SRC, "examples", f), w.conf)
            os.chmod(os.path.join(w.conf, f), 0o644)
    p = w.plan("--simulate", FABRIC, netns=False)
    eq(p.returncode, 2, f"exit status ({p.stdout}{p.stderr})")
    for line in ("~ mlx4_ib0: set-ipoib mode connected", "+ mlx4_ib0: create-child mlx4_ib0.8002 pkey 0x8002",
                 "+ mlx4_ib0: add-address 192.0.2.1/24"):
        assert line in p.stdout, (line, p.stdout)
    p = w.plan("--simulate", FABRIC, "--json", "mlx4_ib1", netns=False)
    eq(p.returncode, 2, f"exit status ({p.stderr})")
    eq([l["name"] for l in json.loads(p.stdout)["links"]], ["mlx4_ib1"], "only the link named")
    p = w.plan("--simulate", FABRIC, "--running", netns=False)
    eq(p.returncode, 2, "--running with --simulate is a usage error")


def test_check_against_fabric_and_host(w):
    """ipoibctl check (issue 9 item 3): what depends on the hardware, as warnings, from the agent's own
    dry run: connected mode and its MTU on a ConnectX-6, a P_Key the port does not have, a file that
    matches no link, two files for one port; --offline leaves the host out."""
    w.write("10-cx6.ibnet", "[Match]\nName=mlx5_ib0\n[IPoIB]\nMode=connected\n[Link]\nMTU=65520\n")
    w.write("20-cx6-again.ibnet", "[Match]\nName=mlx5_ib0\n[Network]\nAddress=10.0.0.1/24\n")
    w.write("30-nothing.ibnet", "[Match]\nName=nosuch0\n")
    w.write("40-pkey.ibnet", "[Match]\nName=mlx4_ib1\n[Partition]\nPKey=0x8123\n")
    p = run([IPOIBCTL, "--config-dir", w.conf, "--simulate", FABRIC, "check"], check=False, env=w.env)
    w.last = p
    eq(p.returncode, 0, f"warnings only ({p.stdout}{p.stderr})")
    for text in ("10-cx6.ibnet: warning: simulated mlx5_ib0: connected mode not supported by this device "
                 "(enhanced IPoIB); running datagram; MTU=65520 is over the limit of datagram mode on this port "
                 "(4092); running 4092",
                 "20-cx6-again.ibnet: warning: matches mlx5_ib0 too, but 10-cx6.ibnet comes first",
                 "30-nothing.ibnet: warning: no link matches its [Match] (on the simulated fabric)",
                 "40-pkey.ibnet: warning: simulated mlx4_ib1.8123: partition 0x8123 not granted by the subnet "
                 "manager"):
        assert text in p.stdout, (text, p.stdout)
    assert "4 files checked: 0 errors, 5 warnings" in p.stdout, p.stdout
    p = run([IPOIBCTL, "--config-dir", w.conf, "--offline", "check"], check=False, env=w.env)
    assert "4 files checked: 0 errors, 1 warning" in p.stdout, p.stdout  # the shadowed [Match] only
    # On a host (the namespace's kernel): v0 exists, nosuch0 does not.
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    for f in os.listdir(w.conf):
        os.unlink(os.path.join(w.conf, f))
    w.write("10-v0.ibnet", VETH)
    w.write("30-nothing.ibnet", "[Match]\nName=nosuch0\n")
    p = run(["ip", "netns", "exec", w.name, IPOIBCTL, "--config-dir", w.conf, "check"], check=False, env=w.env)
    w.last = p
    eq(p.returncode, 0, f"warnings only ({p.stdout}{p.stderr})")
    assert "30-nothing.ibnet: warning: no link matches its [Match] (on this host)" in p.stdout, p.stdout
    assert "10-v0.ibnet" not in p.stdout, p.stdout


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def main():
    if AGENT is None:
        print(__doc__)
        return 2
    why = netns_skip_reason("ipoibplanprobe")
    if why:
        print(f"SKIP: {why}")
        return 77
    return run_tests(TESTS, sys.argv[4:], World, lambda w: f"---- last plan ----\n{w.last and w.last.stdout}"
                     f"{w.last and w.last.stderr}\n")


if __name__ == "__main__":
    sys.exit(main())
