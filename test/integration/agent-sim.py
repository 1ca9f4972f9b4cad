#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Engine tests on the simulated fabric: the real ipoib-agent binary with --simulate, one temporary
directory per test holding its own fabric JSON (derived from examples/fabric/cx3-cx6.json), its .ibnet
files and the runtime dir. Runs as any user: the simulated fabric touches no kernel.

A test runs the agent either --oneshot (exit status, summary on stdout, the view under RUNTIME/sim)
or as a daemon: the fabric file is replaced atomically to inject hardware events (the agent watches
it with inotify), SIGHUP reloads the .ibnet files, and the view is polled with a bounded wait.
The changes the agent sent are counted from the simulated backend's debug lines
"Simulated fabric: <action> → ok|<error>" (backend-sim.c sim_submit()).

Usage: agent-sim.py PATH-TO-ipoib-agent [TEST-NAME...]
Prints one PASS/FAIL/SKIP line per test and "N passed, N failed, N skipped"; exit 0 only when nothing
failed."""

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import stop_process, Skip, eq, run_tests, wait_for

AGENT = None
IPOIBCTL = None
SRCDIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(SRCDIR, "examples")
BASE_FABRIC = os.path.join(EXAMPLES, "fabric", "cx3-cx6.json")
SIM_LINE = "Simulated fabric: "
WAIT = 10.0  # the longest bounded wait of any test


def sent(log, ifname=None):
    """The changes the agent sent to the simulated fabric, "<action> → <result>", in order."""
    out = []
    for line in log.splitlines():
        i = line.find(SIM_LINE)
        if i < 0 or " → " not in line:
            continue
        a = line[i + len(SIM_LINE):]
        if ifname is None or a.startswith(ifname + " "):
            out.append(a)
    return out


def sent_matching(log, pattern, ifname=None):
    return [a for a in sent(log, ifname) if re.search(pattern, a)]


def summary_line(stdout, ifname):
    lines = [x for x in stdout.splitlines() if x.split()[:1] == [ifname]]
    if len(lines) != 1:
        raise AssertionError(f"want exactly one summary line for {ifname}, got {lines!r} in:\n{stdout}")
    return lines[0]


def expect_summary(stdout, ifname, state, file, text=None):
    """A summary line is "IFNAME STATE FILE[: WHY]"."""
    line = summary_line(stdout, ifname)
    f = line.split()
    eq(f[1], state, f"state of {ifname} ({line!r})")
    eq(f[2].rstrip(":"), file, f"file of {ifname} ({line!r})")
    if text is not None and text not in line:
        raise AssertionError(f"{ifname}: want {text!r} in the summary line {line!r}")
    if text is None and ":" in line.split(file, 1)[1]:
        raise AssertionError(f"{ifname}: want no warning or reason, got {line!r}")
    return line


def last_line(stdout):
    return stdout.strip().splitlines()[-1]


class Sim:
    """One test's directory: fabric.json, conf/, run/ (the view is run/sim)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ipoib-agent-sim-")
        self.conf = os.path.join(self.dir, "conf")
        self.runtime = os.path.join(self.dir, "run")
        self.fabric_path = os.path.join(self.dir, "fabric.json")
        os.mkdir(self.conf)
        self.agents = []
        self.outputs = []
        with open(BASE_FABRIC) as f:
            self.base = json.load(f)
        self.fabric = copy.deepcopy(self.base)

    def close(self):
        for a in self.agents:
            a.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- the fabric -------------------------------------------------------------------------------

    def hca(self, name, fabric=None):
        for h in (fabric or self.fabric)["hcas"]:
            if h["name"] == name:
                return h
        raise KeyError(name)

    def port(self, hca, number=1, fabric=None):
        for i, p in enumerate(self.hca(hca, fabric)["ports"]):
            if p.get("port", i + 1) == number:
                return p
        raise KeyError(f"{hca}/{number}")

    def netdev(self, hca, number=1):
        p = self.port(hca, number)
        if isinstance(p["netdev"], str):
            p["netdev"] = {"name": p["netdev"]}
        return p["netdev"]

    def write_fabric(self):
        """Atomically (write + rename), as an editor does: the agent sees IN_MOVED_TO."""
        tmp = os.path.join(self.dir, ".fabric.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.fabric, f, indent=2)
        os.rename(tmp, self.fabric_path)

    # --- configuration ----------------------------------------------------------------------------

    def write(self, name, text):
        path = os.path.join(self.conf, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def remove(self, name):
        os.unlink(os.path.join(self.conf, name))

    def copy_examples(self):
        # copyfile, not copy: the checkout's modes (0664 in a "git archive" tarball) are not the
        # configuration's; new files get 0644 from the harness's umask.
        for e in os.listdir(EXAMPLES):
            src = os.path.join(EXAMPLES, e)
            if e.endswith(".ibnet"):
                shutil.copyfile(src, os.path.join(self.conf, e))
            elif e.endswith(".ibnet.d"):
                shutil.copytree(src, os.path.join(self.conf, e), copy_function=shutil.copyfile)

    # --- running the agent ------------------------------------------------------------------------

    def argv(self):
        return [AGENT, "--simulate", self.fabric_path, "--config-dir", self.conf, "--runtime-dir", self.runtime,
                "--log-level", "debug"]

    def oneshot(self, write_fabric=True):
        if write_fabric:
            self.write_fabric()
        p = subprocess.run(self.argv() + ["--oneshot"], capture_output=True, text=True, timeout=60)
        self.outputs.append(p)
        return p

    def agent(self):
        self.write_fabric()
        a = Agent(self)
        self.agents.append(a)
        return a

    # --- the view ---------------------------------------------------------------------------------

    def sysfs(self, ifname, attr):
        """What /sys/class/net/IFNAME/ATTR reads, None when the file does not exist."""
        try:
            with open(os.path.join(self.runtime, "sim", "sys", "class", "net", ifname, attr)) as f:
                return f.read().strip()
        except FileNotFoundError:
            return None

    def has_sysfs_dir(self, ifname):
        return os.path.isdir(os.path.join(self.runtime, "sim", "sys", "class", "net", ifname))

    def ip_address(self):
        """The "ip address show" rendering, parsed: {ifname: {ifindex, parent, flags, mtu, state, hwaddr,
        addrs (global and link scope, "A/P")}}."""
        links, cur = {}, None
        with open(os.path.join(self.runtime, "sim", "ip-address")) as f:
            text = f.read()
        for line in text.splitlines():
            m = re.match(r"^(\d+): ([^:@]+)(?:@([^:]+))?: <([^>]*)> mtu (\d+) .* state (\S+)", line)
            if m:
                cur = {"ifindex": int(m[1]), "parent": m[3], "flags": m[4].split(","), "mtu": int(m[5]),
                       "state": m[6], "addrs": [], "global": []}
                links[m[2]] = cur
                continue
            m = re.match(r"^\s+link/infiniband (\S+) brd (\S+)", line)
            if m and cur is not None:
                cur["hwaddr"] = m[1]
                continue
            m = re.match(r"^\s+inet6? (\S+) .*scope (\S+)", line)
            if m and cur is not None:
                cur["addrs"].append(m[1])
                if m[2] == "global":
                    cur["global"].append(m[1])
        return links

    def link(self, ifname):
        return self.ip_address()[ifname]

    def global_addrs(self, ifname):
        links = self.ip_address()
        return sorted(links[ifname]["global"]) if ifname in links else None


class Agent:
    """The daemon, its stderr (the log) collected into a file."""

    def __init__(self, sim):
        self.sim = sim
        self.log = open(os.path.join(sim.dir, f"agent-{len(sim.agents)}.log"), "w+")
        self.p = subprocess.Popen(sim.argv(), stdout=self.log, stderr=subprocess.STDOUT)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def sent(self, ifname=None):
        return sent(self.output(), ifname)

    def mark(self):
        """A position in the log: what came after it is output()[mark:]."""
        return len(self.output())

    def since(self, mark):
        return self.output()[mark:]

    def reload(self):
        self.p.send_signal(signal.SIGHUP)

    def wait_ready(self):
        """The first dump has been seen and planned (a reconcile pass follows the dump at once)."""
        wait_for(lambda: "Dump complete" in self.output(), "the first dump")
        self.settle()

    def settle(self, quiet=0.3):
        """Until the log has not grown for `quiet` seconds (nothing more in flight)."""
        deadline = time.monotonic() + WAIT
        size, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            assert self.alive(), self.output()[-3000:]
            n = len(self.output())
            if n != size:
                size, since = n, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.05)
        raise AssertionError("the agent did not settle")

    def stop(self):
        stop_process(self.p)
        if not self.log.closed:
            self.log.close()

    def alive(self):
        return self.p.poll() is None


# --- configurations -------------------------------------------------------------------------------

PARENT_FILE = """[Match]
Name=mlx4_ib0

[IPoIB]
Mode={mode}
{link}
[Network]
Address=192.0.2.1/24
Address=2001:db8:1::1/64
"""


def parent_file(mode="datagram", mtu=None, extra=""):
    return PARENT_FILE.format(mode=mode, link=f"\n[Link]\nMTU={mtu}\n" if mtu is not None else "") + extra


def child_file(parent="mlx4_ib0", pkey="0x8002", method=None, mode="datagram", name=None, v4="198.51.100.1/24",
               match=None):
    s = f"[Match]\n{match or 'Name=' + parent}\n\n[Partition]\nPKey={pkey}\n"
    if name:
        s += f"Name={name}\n"
    if method:
        s += f"Method={method}\n"
    if mode:
        s += f"\n[IPoIB]\nMode={mode}\n"
    return s + f"\n[Network]\nAddress={v4}\n"


def expect_configured_parent(sim, ifname, addrs, mode=None, mtu=None):
    l = sim.link(ifname)
    assert "UP" in l["flags"] and "LOWER_UP" in l["flags"], l["flags"]
    eq(sorted(l["global"]), sorted(addrs), f"{ifname} addresses")
    if mode is not None:
        eq(sim.sysfs(ifname, "mode"), mode, f"{ifname} mode")
    if mtu is not None:
        eq(l["mtu"], mtu, f"{ifname} mtu (ip address)")
        eq(sim.sysfs(ifname, "mtu"), str(mtu), f"{ifname} mtu (sysfs)")


# --- the tests ------------------------------------------------------------------------------------

def test_seed(sim):
    """RHEL guide 6.3 (mlx4_ib0: connected, MTU 65520, IPv4+IPv6) and 6.4 (the P_Key child
    mlx4_ib0.8002, created through sysfs so /sys/class/net/mlx4_ib0.8002/{pkey,mode} exist)."""
    sim.copy_examples()
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status (stdout: {p.stdout} stderr: {p.stderr[-3000:]})")
    assert last_line(p.stdout).startswith("4 links matched, 4 configured, "), p.stdout
    expect_summary(p.stdout, "mlx4_ib0", "configured", "10-mlx4_ib0.ibnet")
    expect_summary(p.stdout, "mlx4_ib0.8002", "configured", "20-mlx4_ib0.8002.ibnet")
    expect_summary(p.stdout, "mlx4_ib1", "configured", "30-ib-by-guid.ibnet")
    expect_summary(p.stdout, "mlx5_ib0", "configured", "40-connectx6.ibnet")

    # 6.3: "ip address show mlx4_ib0", "cat /sys/class/net/mlx4_ib0/mode".
    expect_configured_parent(sim, "mlx4_ib0", ["192.0.2.1/24", "2001:db8:1::1/32"], mode="connected", mtu=65520)
    # 6.4: "cat /sys/class/net/mlx4_ib0.8002/pkey" → 0x8002, ".../mode" → datagram.
    l = sim.link("mlx4_ib0.8002")
    eq(l["parent"], "mlx4_ib0", "the child's parent")
    eq(sorted(l["global"]), ["198.51.100.1/24", "2001:db8:2::1/64"], "child addresses")
    assert "LOWER_UP" in l["flags"], l["flags"]
    eq(sim.sysfs("mlx4_ib0.8002", "pkey"), "0x8002", "child sysfs pkey")
    eq(sim.sysfs("mlx4_ib0.8002", "mode"), "datagram", "child sysfs mode")
    eq(sim.sysfs("mlx4_ib0.8002", "parent"), "mlx4_ib0", "child sysfs parent (a legacy child)")
    eq(sim.sysfs("mlx4_ib0.8002", "mtu"), "2044", "child mtu (2048-byte IB MTU, datagram)")
    expect_configured_parent(sim, "mlx4_ib1", ["203.0.113.1/26", "2001:db8:3::1/64"], mode="datagram", mtu=2044)
    expect_configured_parent(sim, "mlx5_ib0", ["203.0.113.65/26", "2001:db8:4::1/64"], mode="datagram", mtu=4092)
    # The mode goes before the MTU (ipoib_set_mode() resets it), the child after its parent is up.
    a = sent(p.stderr, "mlx4_ib0")
    eq(a[:4], ["mlx4_ib0 set-ipoib mode connected → ok", "mlx4_ib0 set-mtu 65520 → ok", "mlx4_ib0 set-up → ok",
               "mlx4_ib0 create-child mlx4_ib0.8002 pkey 0x8002 → ok"], "the parent's first changes")
    eq(len(sent_matching(p.stderr, r"create-child")), 1, "children created")


def test_netlink_child_has_no_sysfs_files(sim):
    """No Method=: the child is created over netlink, and such children have no pkey/mode/umcast/parent
    files (__ipoib_vlan_add(): "RTNL childs don't need proprietary sysfs entries")."""
    sim.write("10-mlx4_ib0.ibnet", parent_file())
    sim.write("20-child.ibnet", child_file())
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    expect_summary(p.stdout, "mlx4_ib0.8002", "configured", "20-child.ibnet")
    l = sim.link("mlx4_ib0.8002")
    eq(l["parent"], "mlx4_ib0", "parent")
    eq(l["global"], ["198.51.100.1/24"], "child addresses")
    assert sim.has_sysfs_dir("mlx4_ib0.8002")
    eq(sim.sysfs("mlx4_ib0.8002", "mtu"), "2044", "the child's generic sysfs files exist")
    for attr in ("pkey", "mode", "umcast", "parent"):
        eq(sim.sysfs("mlx4_ib0.8002", attr), None, f"sysfs {attr} of a netlink child")
    # The parent's own files are there (they exist on every parent).
    eq(sim.sysfs("mlx4_ib0", "pkey"), "0xffff", "parent pkey")
    eq(sent_matching(p.stderr, r"create-child"), ["mlx4_ib0 create-child mlx4_ib0.8002 pkey 0x8002 → ok"],
       "children created")


def _mode_switch(sim, mtu_before, mtu_after):
    sim.write("10-mlx4_ib0.ibnet", parent_file("datagram", mtu_before))
    a = sim.agent()
    a.wait_ready()
    wait_for(lambda: sim.global_addrs("mlx4_ib0") == ["192.0.2.1/24", "2001:db8:1::1/64"], "initial addresses")
    eq(sim.sysfs("mlx4_ib0", "mode"), "datagram", "mode before")
    eq(sim.sysfs("mlx4_ib0", "mtu"), str(mtu_before), "mtu before")
    a.settle()
    mark = a.mark()
    sim.write("10-mlx4_ib0.ibnet", parent_file("connected", mtu_after))
    a.reload()
    wait_for(lambda: sim.sysfs("mlx4_ib0", "mode") == "connected", "connected mode")
    a.settle()
    eq(sim.sysfs("mlx4_ib0", "mtu"), str(mtu_after), "mtu after the switch")
    eq(sim.link("mlx4_ib0")["mtu"], mtu_after, "mtu after the switch (ip address)")
    after = a.since(mark)
    # Exactly the mode change and the MTU, in that order, the MTU planned together with the mode
    # (not as a repair of the reset the agent then notices).
    eq(sent(after), ["mlx4_ib0 set-ipoib mode connected → ok", f"mlx4_ib0 set-mtu {mtu_after} → ok"], "changes sent")
    plans = [x.split("plan: ", 1)[1] for x in after.splitlines() if "plan: " in x]
    eq(plans, ["mlx4_ib0 set-ipoib mode connected", f"mlx4_ib0 set-mtu {mtu_after}"], "plans")
    eq([x for x in after.splitlines() if "→ configuring" in x],
       ["mlx4_ib0: configured → configuring: 2 changes in progress"], "one plan with both")
    eq(sim.global_addrs("mlx4_ib0"), ["192.0.2.1/24", "2001:db8:1::1/64"], "addresses after")


def test_mode_change_reapplies_mtu(sim):
    """Mode=datagram → connected with MTU=9000 on a running daemon: ipoib_set_mode() sets the CM maximum
    65520; the agent sets 9000 after the mode."""
    _mode_switch(sim, 2044, 9000)


def test_mode_change_reapplies_unchanged_mtu(sim):
    """The same MTU before and after the switch (2044): nothing differs in the file's MTU, so only the
    rule "MTU again after every mode change" puts it back over the 65520 ipoib_set_mode() left."""
    _mode_switch(sim, 2044, 2044)


def test_enhanced_ipoib_connected(sim):
    """Mode=connected on mlx5 (enhanced IPoIB): configured in datagram with the warning, for the parent and
    for P_Key children: the netlink one is created without a mode (a create with mode connected makes
    ipoib_new_child_link() unregister the new child), the sysfs one too; both run datagram."""
    sim.port("mlx5_0")["pkeys"] = ["0xffff", "0x8002", "0x8003"]
    sim.write("40-mlx5_ib0.ibnet", "[Match]\nName=mlx5_ib0\n\n[IPoIB]\nMode=connected\n\n"
                                   "[Network]\nAddress=203.0.113.65/26\n")
    sim.write("41-mlx5_ib0.8002.ibnet", child_file("mlx5_ib0", method="sysfs", mode="connected",
                                                   v4="198.51.100.65/26"))
    sim.write("42-mlx5_ib0.8003.ibnet", child_file("mlx5_ib0", pkey="0x8003", mode="connected",
                                                   v4="198.51.100.129/26"))
    p = sim.oneshot()
    warning = "connected mode not supported by this device (enhanced IPoIB); running datagram"
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    expect_summary(p.stdout, "mlx5_ib0", "configured", "40-mlx5_ib0.ibnet", warning)
    expect_summary(p.stdout, "mlx5_ib0.8002", "configured", "41-mlx5_ib0.8002.ibnet", warning)
    expect_summary(p.stdout, "mlx5_ib0.8003", "configured", "42-mlx5_ib0.8003.ibnet", warning)
    assert last_line(p.stdout).startswith("3 links matched, 3 configured"), p.stdout
    for ifname, v4 in (("mlx5_ib0", "203.0.113.65/26"), ("mlx5_ib0.8002", "198.51.100.65/26"),
                       ("mlx5_ib0.8003", "198.51.100.129/26")):
        eq(sim.global_addrs(ifname), [v4], f"{ifname} addresses")
        assert "LOWER_UP" in sim.link(ifname)["flags"], sim.link(ifname)
    eq(sim.sysfs("mlx5_ib0", "mode"), "datagram", "parent mode")
    eq(sim.sysfs("mlx5_ib0.8002", "mode"), "datagram", "sysfs child mode")
    eq(sim.sysfs("mlx5_ib0.8002", "pkey"), "0x8002", "sysfs child pkey")
    eq(sim.sysfs("mlx5_ib0.8003", "mode"), None, "netlink child: no mode file")
    # Each created once with the P_Key only, never deleted, and connected never asked for (the hardware
    # address has no RC flag).
    eq(sorted(sent_matching(p.stderr, r"create-child")),
       ["mlx5_ib0 create-child mlx5_ib0.8002 pkey 0x8002 → ok", "mlx5_ib0 create-child mlx5_ib0.8003 pkey 0x8003 → ok"],
       "child creations")
    eq(sent_matching(p.stderr, r"delete-child|mode connected"), [], "deletes and connected requests")
    eq([x for x in sent(p.stderr) if not x.endswith("→ ok")], [], "refused changes")


def test_mtu_max(sim):
    """MTU=max per effective mode: datagram on the 2K port 2044, datagram on the 4K port 4092, connected
    65520 (the netdevs start lower, so each needs a set-mtu)."""
    sim.netdev("mlx4_0", 1).update({"mode": "connected", "mtu": 9000})
    sim.netdev("mlx4_0", 2)["mtu"] = 1500
    sim.netdev("mlx5_0", 1)["mtu"] = 2000
    sim.write("10-mlx4_ib0.ibnet", "[Match]\nName=mlx4_ib0\n[Link]\nMTU=max\n[IPoIB]\nMode=connected\n")
    sim.write("11-mlx4_ib1.ibnet", "[Match]\nName=mlx4_ib1\n[Link]\nMTU=max\n[IPoIB]\nMode=datagram\n")
    sim.write("12-mlx5_ib0.ibnet", "[Match]\nName=mlx5_ib0\n[Link]\nMTU=max\n[IPoIB]\nMode=datagram\n")
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    for ifname, mtu, mode in (("mlx4_ib0", 65520, "connected"), ("mlx4_ib1", 2044, "datagram"),
                              ("mlx5_ib0", 4092, "datagram")):
        expect_summary(p.stdout, ifname, "configured", {"mlx4_ib0": "10-mlx4_ib0.ibnet", "mlx4_ib1": "11-mlx4_ib1.ibnet",
                                                        "mlx5_ib0": "12-mlx5_ib0.ibnet"}[ifname])
        eq(sim.sysfs(ifname, "mtu"), str(mtu), f"{ifname} mtu")
        eq(sim.sysfs(ifname, "mode"), mode, f"{ifname} mode")
        eq(sent_matching(p.stderr, r"set-mtu", ifname), [f"{ifname} set-mtu {mtu} → ok"], f"{ifname} set-mtu sent")


LATE_CHILD = "no parent link matches its [Match]"


def test_late_parent(sim):
    """The HCA is absent at start: the child is pending, "no parent link matches"; when it appears the
    parent and then the child are configured."""
    sim.hca("mlx4_0")["present"] = False
    sim.write("10-mlx4_ib0.ibnet", parent_file())
    sim.write("20-child.ibnet", child_file(method="sysfs"))
    p = sim.oneshot()
    line = [x for x in p.stdout.splitlines() if "20-child.ibnet" in x]
    eq(len(line), 1, f"summary lines for the child ({p.stdout})")
    assert line[0].split()[1] == "pending" and LATE_CHILD in line[0], line
    assert "mlx4_ib0" not in sim.ip_address(), sim.ip_address().keys()
    eq(sent(p.stderr), [], "changes sent with the parent absent")

    shutil.rmtree(sim.runtime)
    a = sim.agent()
    a.wait_ready()
    assert "mlx4_ib0" not in sim.ip_address()
    sim.hca("mlx4_0")["present"] = True
    sim.write_fabric()
    wait_for(lambda: sim.global_addrs("mlx4_ib0") == ["192.0.2.1/24", "2001:db8:1::1/64"], "the parent configured")
    wait_for(lambda: sim.global_addrs("mlx4_ib0.8002") == ["198.51.100.1/24"], "the child configured")
    a.settle()
    eq(sim.sysfs("mlx4_ib0.8002", "pkey"), "0x8002", "child pkey")
    assert "LOWER_UP" in sim.link("mlx4_ib0.8002")["flags"], sim.link("mlx4_ib0.8002")
    eq(len(sent_matching(a.output(), r"create-child")), 1, "children created")


def test_parent_removal(sim):
    """The HCA goes away while the agent runs: parent and child are gone (ipoib_remove_one()); when it
    comes back the parent is configured again and the child created again."""
    sim.write("10-mlx4_ib0.ibnet", parent_file())
    sim.write("20-child.ibnet", child_file(method="sysfs"))
    a = sim.agent()
    a.wait_ready()
    wait_for(lambda: sim.global_addrs("mlx4_ib0.8002") == ["198.51.100.1/24"], "the child configured")
    first = sim.ip_address()
    sim.hca("mlx4_0")["present"] = False
    sim.write_fabric()
    wait_for(lambda: not ({"mlx4_ib0", "mlx4_ib1", "mlx4_ib0.8002"} & set(sim.ip_address())), "the links gone")
    assert not sim.has_sysfs_dir("mlx4_ib0.8002") and not sim.has_sysfs_dir("mlx4_ib0")
    a.settle()
    eq(len(sent_matching(a.output(), r"create-child")), 1, "creations while the parent is away")
    sim.hca("mlx4_0")["present"] = True
    sim.write_fabric()
    wait_for(lambda: sim.global_addrs("mlx4_ib0") == ["192.0.2.1/24", "2001:db8:1::1/64"], "the parent again")
    wait_for(lambda: sim.global_addrs("mlx4_ib0.8002") == ["198.51.100.1/24"], "the child again")
    a.settle()
    again = sim.ip_address()
    assert again["mlx4_ib0"]["ifindex"] != first["mlx4_ib0"]["ifindex"], "the parent was registered anew"
    eq(again["mlx4_ib0.8002"]["parent"], "mlx4_ib0", "the new child's parent")
    eq(sim.sysfs("mlx4_ib0.8002", "pkey"), "0x8002", "the new child's pkey")
    eq(sim.sysfs("mlx4_ib0", "mode"), "datagram", "parent mode")
    eq(len(sent_matching(a.output(), r"create-child mlx4_ib0\.8002 pkey 0x8002 → ok")), 2, "creations in all")
    eq(sent_matching(a.output(), r"→ (?!ok)"), [], "refused changes")


def test_file_removed_restores_mode_umcast_mtu(sim):
    """A file sets connected mode, umcast and an MTU; once it is removed, the parent has the mode,
    umcast, MTU and down state it had before the agent first changed it (the owner record's orig)."""
    def state():
        l = sim.link("mlx4_ib0")
        return sim.sysfs("mlx4_ib0", "mode"), sim.sysfs("mlx4_ib0", "umcast"), l["mtu"], "UP" in l["flags"]
    a = sim.agent()
    a.wait_ready()
    before = state()
    eq(before[:2], ("datagram", "0"), "mlx4_ib0 before")
    sim.write("10-mlx4_ib0.ibnet", "[Match]\nName=mlx4_ib0\n[Link]\nMTU=65520\n[IPoIB]\nMode=connected\n"
                                   "Umcast=yes\n[Network]\nAddress=192.0.2.1/24\n")
    a.reload()
    wait_for(lambda: state() == ("connected", "1", 65520, True), "the file applied")
    os.unlink(os.path.join(sim.conf, "10-mlx4_ib0.ibnet"))
    a.reload()
    wait_for(lambda: state() == before, f"mode, umcast, MTU and up state back to {before}")
    eq(sim.global_addrs("mlx4_ib0"), [], "the agent's address gone")


def test_pkey_not_in_table(sim):
    """PKey=0x8005 with the table [0xffff, 0x8002]: the child is created and up, without carrier, and the
    summary says the subnet manager did not grant the partition."""
    sim.write("10-mlx4_ib0.ibnet", parent_file())
    sim.write("20-child.ibnet", child_file(pkey="0x8005", method="sysfs"))
    p = sim.oneshot()
    expect_summary(p.stdout, "mlx4_ib0.8005", "configured", "20-child.ibnet",
                   "partition 0x8005 not granted by the subnet manager")
    expect_summary(p.stdout, "mlx4_ib0", "configured", "10-mlx4_ib0.ibnet")
    eq(p.returncode, 0, "exit status (a warning, not a failure)")
    l = sim.link("mlx4_ib0.8005")
    assert "UP" in l["flags"] and "LOWER_UP" not in l["flags"], l["flags"]
    eq(sim.sysfs("mlx4_ib0.8005", "carrier"), "0", "carrier")
    eq(sim.sysfs("mlx4_ib0.8005", "pkey"), "0x8005", "pkey")
    eq(sim.sysfs("mlx4_ib0", "carrier"), "1", "the parent's carrier")


GUID_FILE = "[Match]\nGUID={guid}\n\n[Network]\nAddress=203.0.113.1/26\n"


def test_guid_match_last_8_bytes(sim):
    """GUID= compares bytes 12..19 of the hardware address only: the file for port 2's GUID matches
    mlx4_ib1 with the default prefix, after the SM moved the subnet prefix to fec0:: and with another
    QPN (both in bytes 0..11), also while the agent runs; a GUID equal to bytes 4..11 (the prefix)
    matches nothing."""
    sim.write("30-guid.ibnet", GUID_FILE.format(guid="0002:c903:0001:2346"))
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    expect_summary(p.stdout, "mlx4_ib1", "configured", "30-guid.ibnet")
    assert last_line(p.stdout).startswith("1 link matched, 1 configured"), p.stdout
    hw1 = sim.link("mlx4_ib1")["hwaddr"].split(":")
    eq(hw1[4:12], ["fe", "80"] + ["00"] * 6, "prefix bytes before")

    shutil.rmtree(sim.runtime)
    sim.port("mlx4_0", 2)["subnet_prefix"] = "fec0::"
    sim.hca("mlx4_0")["first_qpn"] = "0x000300"
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    expect_summary(p.stdout, "mlx4_ib1", "configured", "30-guid.ibnet")
    hw2 = sim.link("mlx4_ib1")["hwaddr"].split(":")
    eq(hw2[4:12], ["fe", "c0"] + ["00"] * 6, "prefix bytes after")
    assert hw2[1:4] != hw1[1:4], f"the QPN differs: {hw1} {hw2}"
    eq(hw2[12:], ["00", "02", "c9", "03", "00", "01", "23", "46"], "the GUID bytes")
    eq(sim.global_addrs("mlx4_ib1"), ["203.0.113.1/26"], "addresses")

    # Live: the SM changes the prefix under a running agent; the link stays matched and configured.
    shutil.rmtree(sim.runtime)
    sim.fabric = copy.deepcopy(sim.base)
    a = sim.agent()
    a.wait_ready()
    wait_for(lambda: sim.global_addrs("mlx4_ib1") == ["203.0.113.1/26"], "configured")
    a.settle()
    mark = a.mark()
    sim.port("mlx4_0", 2)["subnet_prefix"] = "fec0::"
    sim.write_fabric()
    wait_for(lambda: sim.link("mlx4_ib1")["hwaddr"].split(":")[4:6] == ["fe", "c0"], "the new prefix")
    a.settle()
    after = a.since(mark)
    assert "No longer matched" not in after, after
    eq(sent(after), [], "changes after the prefix change")
    eq(sim.global_addrs("mlx4_ib1"), ["203.0.113.1/26"], "addresses after the prefix change")
    # The GUID itself changes: the file no longer matches and what the agent added goes; back, and the
    # link is configured again. (The prefix change above was a re-match with the same answer.)
    sim.port("mlx4_0", 2)["guid"] = "0002:c903:0001:9999"
    sim.write_fabric()
    wait_for(lambda: sim.global_addrs("mlx4_ib1") == [], "the address removed with the other GUID")
    a.settle()
    assert "mlx4_ib1: No longer matched by " in a.output(), a.output()[-3000:]
    sim.port("mlx4_0", 2)["guid"] = "0002:c903:0001:2346"
    sim.write_fabric()
    wait_for(lambda: sim.global_addrs("mlx4_ib1") == ["203.0.113.1/26"], "configured again with the GUID back")
    a.stop()

    # The prefix bytes as a GUID: nothing matches (fec0:: on port 2 is ACTIVE under an SM).
    shutil.rmtree(sim.runtime)
    sim.remove("30-guid.ibnet")
    sim.write("31-prefix.ibnet", GUID_FILE.format(guid="fec0:0000:0000:0000"))
    p = sim.oneshot()
    eq(sim.link("mlx4_ib1")["hwaddr"].split(":")[4:12], ["fe", "c0"] + ["00"] * 6, "bytes 4..11 = the GUID= value")
    eq(last_line(p.stdout), "0 links matched, 0 configured, 0 changes sent", "summary")
    assert "31-prefix.ibnet: no link matches its [Match]" in p.stdout, p.stdout
    assert "Configured by" not in p.stderr, p.stderr
    eq(sim.global_addrs("mlx4_ib1"), [], "addresses on mlx4_ib1")


def test_duplicate_pkey(sim):
    """Two [Partition] files with the same P_Key on the same parent (other names, so the kernel would
    allow both as netlink children): `ipoibctl check` fails naming both; the agent creates the child of
    the first file only and says why the second is not used."""
    sim.write("10-mlx4_ib0.ibnet", parent_file())
    first = sim.write("20-a.ibnet", child_file(name="ib0.a"))
    second = sim.write("21-b.ibnet", child_file(name="ib0.b", v4="198.51.100.2/24"))
    if not os.access(IPOIBCTL, os.X_OK):
        raise Skip(f"{IPOIBCTL} not built")
    c = subprocess.run([IPOIBCTL, "--config-dir", sim.conf, "check"], capture_output=True, text=True, timeout=60)
    eq(c.returncode, 1, f"ipoibctl check exit status ({c.stdout} {c.stderr})")
    out = c.stdout + c.stderr
    want = re.compile(re.escape(second) + r":\d+: error: creates the same P_Key on the same parent as " +
                      re.escape(first) + r":\d+")
    assert want.search(out), out

    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    expect_summary(p.stdout, "ib0.a", "configured", "20-a.ibnet")
    assert "ib0.b" not in p.stdout and "21-b" not in p.stdout, p.stdout
    assert want.search(p.stderr), p.stderr
    assert f"{second}: not used until its errors are fixed." in p.stderr, p.stderr
    eq(sent_matching(p.stderr, r"create-child"), ["mlx4_ib0 create-child ib0.a pkey 0x8002 → ok"], "children created")
    links = sim.ip_address()
    assert "ib0.a" in links and "ib0.b" not in links, links.keys()
    eq(sim.global_addrs("ib0.a"), ["198.51.100.1/24"], "addresses")


def _mtu_clamp(sim, start_mtu):
    sim.port("mlx5_0")["bcast_mtu"] = 2048
    if start_mtu is not None:
        sim.netdev("mlx5_0", 1)["mtu"] = start_mtu
    sim.write("40-mlx5_ib0.ibnet", "[Match]\nName=mlx5_ib0\n\n[Link]\nMTU=4092\n\n[IPoIB]\nMode=datagram\n\n"
                                   "[Network]\nAddress=203.0.113.65/26\n")
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout} {p.stderr[-3000:]})")
    expect_summary(p.stdout, "mlx5_ib0", "configured", "40-mlx5_ib0.ibnet",
                   "MTU 4092 accepted; the kernel runs 2044")
    eq(sim.sysfs("mlx5_ib0", "mtu"), "2044", "mtu")
    eq(sent_matching(p.stderr, r"set-mtu"), ["mlx5_ib0 set-mtu 4092 → ok"], "set-mtu sent (oneshot)")

    shutil.rmtree(sim.runtime)
    a = sim.agent()
    a.wait_ready()
    wait_for(lambda: sim.global_addrs("mlx5_ib0") == ["203.0.113.65/26"], "configured")
    time.sleep(1.0)
    a.settle()
    eq(sim.sysfs("mlx5_ib0", "mtu"), "2044", "mtu")
    eq(sent_matching(a.output(), r"set-mtu"), ["mlx5_ib0 set-mtu 4092 → ok"], "set-mtu sent over 1 s (daemon)")
    assert "MTU 4092 accepted; the kernel runs 2044" in a.output(), a.output()[-3000:]


def test_datagram_mtu_clamp(sim):
    """active_mtu 4096 but a 2048-byte broadcast group, MTU=4092 in the file and the netdev's initial MTU
    (IPOIB_UD_MTU(4096)): the broadcast join brings it to 2044 (ipoib_mcast_join_finish()), the agent
    asks for 4092, the kernel accepts and keeps running 2044 (ipoib_change_mtu()) without any visible
    change. Configured with a warning, one set-mtu, no loop."""
    _mtu_clamp(sim, None)


def test_datagram_mtu_clamp_from_lower(sim):
    """The same with the netdev starting at 2000: set-mtu 4092 goes in before the carrier, the join then
    clamps to 2044. The same outcome."""
    _mtu_clamp(sim, 2000)


def test_pkey_edit(sim):
    """P_Key edit on a child the agent created: ipoib_changelink() ignores IFLA_IPOIB_PKEY, so the old
    child is deleted and a new one created; with the derived name (mlx4_ib0.8002 → mlx4_ib0.8003) and
    with a fixed Name= that stays."""
    sim.port("mlx4_0")["pkeys"] = ["0xffff", "0x8002", "0x8003", "0x8004"]
    sim.write("10-mlx4_ib0.ibnet", parent_file())
    sim.write("20-child.ibnet", child_file(method="sysfs"))
    sim.write("21-named.ibnet", child_file(pkey="0x8004", name="ib0.storage", v4="198.51.100.129/25"))
    a = sim.agent()
    a.wait_ready()
    wait_for(lambda: sim.global_addrs("mlx4_ib0.8002") == ["198.51.100.1/24"], "the first child")
    wait_for(lambda: sim.global_addrs("ib0.storage") == ["198.51.100.129/25"], "the named child")
    named_ifindex = sim.link("ib0.storage")["ifindex"]
    a.settle()
    mark = a.mark()
    sim.write("20-child.ibnet", child_file(pkey="0x8003", method="sysfs"))
    sim.write("21-named.ibnet", child_file(pkey="0x8002", name="ib0.storage", v4="198.51.100.129/25"))
    a.reload()
    wait_for(lambda: sim.global_addrs("mlx4_ib0.8003") == ["198.51.100.1/24"], "the new child")
    wait_for(lambda: "ib0.storage" in sim.ip_address() and sim.link("ib0.storage")["ifindex"] != named_ifindex
             and sim.global_addrs("ib0.storage") == ["198.51.100.129/25"], "the named child recreated")
    a.settle()
    links = sim.ip_address()
    assert "mlx4_ib0.8002" not in links, links.keys()
    eq(sim.sysfs("mlx4_ib0.8003", "pkey"), "0x8003", "new child pkey")
    eq(sim.link("ib0.storage")["hwaddr"].split(":")[4:], sim.link("mlx4_ib0")["hwaddr"].split(":")[4:],
       "the parent's GID")
    after = a.since(mark)
    eq(sorted(sent_matching(after, r"child")),
       sorted(["mlx4_ib0.8002 delete-child → ok", "ib0.storage delete-child → ok",
               "mlx4_ib0 create-child mlx4_ib0.8003 pkey 0x8003 → ok",
               "mlx4_ib0 create-child ib0.storage pkey 0x8002 → ok"]), "deletes and creations")
    # Each delete comes before the creation that replaces it.
    s = sent(after)
    assert s.index("ib0.storage delete-child → ok") < s.index("mlx4_ib0 create-child ib0.storage pkey 0x8002 → ok"), s


def test_foreign_child_wrong_pkey(sim):
    """A child the agent did not create has the file's name but another P_Key: not deleted, the link is
    failed with the reason from the planner."""
    sim.port("mlx4_0")["pkeys"] = ["0xffff", "0x8002", "0x8004"]
    sim.netdev("mlx4_0", 1).update({"up": True, "children": [{"pkey": "0x8004", "name": "mlx4_ib0.8002"}]})
    sim.write("10-mlx4_ib0.ibnet", parent_file())
    sim.write("20-child.ibnet", child_file())
    p = sim.oneshot()
    eq(p.returncode, 1, f"exit status ({p.stdout})")
    expect_summary(p.stdout, "mlx4_ib0.8002", "failed", "20-child.ibnet",
                   "the link exists with another P_Key and was not created by the agent; delete it or change PKey=")
    expect_summary(p.stdout, "mlx4_ib0", "configured", "10-mlx4_ib0.ibnet")
    eq(sent_matching(p.stderr, r"child|mlx4_ib0\.8002"), [], "changes to or for the child")
    assert "mlx4_ib0.8002" in sim.ip_address()
    eq(sim.global_addrs("mlx4_ib0.8002"), [], "the foreign child's addresses")


def test_mode_switch_equal_mtu_flap(sim):
    """Kernel rule 7 (docs/kernel-ipoib.md §2): connected at 1500 → datagram at min(mcast_mtu, 1500) =
    1500 changes no MTU, so dev_set_mtu_ext() returns before ipoib_change_mtu() and admin_mtu keeps the
    group's 2044; a port flap (the re-join, ipoib_mcast_carrier_on_task()) then raises the MTU to 2044
    once. The agent puts 1500 back with exactly one set-mtu, and the next flap changes nothing."""
    sim.netdev("mlx4_0", 1).update({"up": True, "mode": "connected", "mtu": 1500})
    sim.write("10-mlx4_ib0.ibnet", parent_file(mode="datagram", mtu=1500))
    a = sim.agent()
    a.wait_ready()
    wait_for(lambda: sim.sysfs("mlx4_ib0", "mode") == "datagram", "datagram mode")
    a.settle()
    eq(sim.sysfs("mlx4_ib0", "mtu"), "1500", "MTU after the mode change")
    for flap in (1, 2):
        mark = a.mark()
        sim.port("mlx4_0")["state"] = "down"
        sim.write_fabric()
        wait_for(lambda: sim.sysfs("mlx4_ib0", "carrier") == "0", f"carrier off (flap {flap})")
        sim.port("mlx4_0")["state"] = "active"
        sim.write_fabric()
        wait_for(lambda: sim.sysfs("mlx4_ib0", "carrier") == "1", f"carrier on (flap {flap})")
        a.settle()
        eq(sim.sysfs("mlx4_ib0", "mtu"), "1500", f"MTU after flap {flap}")
        eq(sent_matching(a.since(mark), r"set-mtu", "mlx4_ib0"),
           ["mlx4_ib0 set-mtu 1500 → ok"] if flap == 1 else [], f"set-mtu after flap {flap}")


def test_mode_switch_ebusy(sim):
    """Kernel rule 9 (§2): with rtnl_busy every mode change answers -EBUSY after it happened. The agent
    reads the kernel again instead of failing the link: configured, connected, one set-ipoib."""
    sim.hca("mlx4_0")["rtnl_busy"] = True
    sim.write("10-mlx4_ib0.ibnet", parent_file(mode="connected"))
    p = sim.oneshot()
    expect_summary(p.stdout, "mlx4_ib0", "configured", "10-mlx4_ib0.ibnet")
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    eq(sim.sysfs("mlx4_ib0", "mode"), "connected", "mode")
    eq(sent_matching(p.stderr, r"set-ipoib", "mlx4_ib0"),
       ["mlx4_ib0 set-ipoib mode connected → Device or resource busy"], "set-ipoib")
    assert "EBUSY" in p.stderr, p.stderr[-3000:]


def test_sysfs_child_old_kernel_name(sim):
    """Kernel rule 3 (§6): before v6.10 ipoib_vlan_add() named a sysfs child "%s.%04x" cut to 15
    characters (ib0storage1.800), not "%.10s.%04x" (ib0storage.8002). The new child is taken by what the
    kernel made, not by a computed name: renamed to Name=, nothing left under the kernel's name."""
    sim.fabric["old_child_names"] = True
    sim.netdev("mlx4_0", 1)["name"] = "ib0storage1"
    sim.write("20-child.ibnet", child_file(parent="ib0storage1", name="st0", method="sysfs"))
    p = sim.oneshot()
    expect_summary(p.stdout, "st0", "configured", "20-child.ibnet")
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    links = sim.ip_address()
    assert "ib0storage1.800" not in links and "ib0storage.8002" not in links, links.keys()
    eq(sim.sysfs("st0", "pkey"), "0x8002", "the child's P_Key")
    eq(sim.sysfs("st0", "parent"), "ib0storage1", "the child's parent")


def test_require_active_port(sim):
    """RequireActivePort=yes with the port down: the link is set up but its addresses are held back
    (pending, "held back"); when the port becomes ACTIVE they are added."""
    sim.port("mlx4_0")["state"] = "down"
    sim.write("10-mlx4_ib0.ibnet", parent_file(extra="\n[Link]\nRequireActivePort=yes\n"))
    p = sim.oneshot()
    expect_summary(p.stdout, "mlx4_ib0", "pending", "10-mlx4_ib0.ibnet", "held back")
    eq(p.returncode, 1, "exit status (pending)")
    eq(sim.global_addrs("mlx4_ib0"), [], "addresses")
    eq(sent_matching(p.stderr, r"address"), [], "address changes")

    shutil.rmtree(sim.runtime)
    a = sim.agent()
    a.wait_ready()
    eq(sim.global_addrs("mlx4_ib0"), [], "addresses while the port is down")
    assert "UP" in sim.link("mlx4_ib0")["flags"], sim.link("mlx4_ib0")
    eq(sim.sysfs("mlx4_ib0", "carrier"), "0", "carrier while the port is down")
    sim.port("mlx4_0")["state"] = "active"
    sim.write_fabric()
    wait_for(lambda: sim.global_addrs("mlx4_ib0") == ["192.0.2.1/24", "2001:db8:1::1/64"], "the addresses")
    eq(sim.sysfs("mlx4_ib0", "carrier"), "1", "carrier")


ROUTES = """
[Route]
Destination=10.99.0.0/24
Gateway=192.0.2.253
Metric=50

[Route]
Destination=10.98.0.0/24
Metric=60
"""
# The same kernel route keys (dst/len, metric) on mlx4_ib1: the kernel refuses them with EEXIST
# (fib_table_insert() with NLM_F_EXCL) while mlx4_ib0 still has them, and accepts them otherwise.
PROBE = "[Match]\nName=mlx4_ib1\n\n[Route]\nDestination=10.99.0.0/24\nMetric=50\n\n" \
        "[Route]\nDestination=10.98.0.0/24\nMetric=60\n"


def test_port_down_up(sim):
    """Port down and up again (no RequireActivePort): carrier off and on, on the parent and the child;
    nothing is removed meanwhile, and afterwards the IPv4 routes of the file are still in the kernel."""
    sim.write("10-mlx4_ib0.ibnet", parent_file(extra=ROUTES))
    sim.write("20-child.ibnet", child_file())
    a = sim.agent()
    a.wait_ready()
    wait_for(lambda: sim.global_addrs("mlx4_ib0.8002") == ["198.51.100.1/24"], "configured")
    eq(sorted(sent_matching(a.output(), r"add-route")),
       ["mlx4_ib0 add-route 10.98.0.0/24 metric 60 → ok", "mlx4_ib0 add-route 10.99.0.0/24 via 192.0.2.253 metric 50 → ok"],
       "routes added")
    a.settle()
    mark = a.mark()
    sim.port("mlx4_0")["state"] = "down"
    sim.write_fabric()
    wait_for(lambda: sim.sysfs("mlx4_ib0", "carrier") == "0" and sim.sysfs("mlx4_ib0.8002", "carrier") == "0",
             "carrier off")
    a.settle()
    eq(sim.global_addrs("mlx4_ib0"), ["192.0.2.1/24", "2001:db8:1::1/64"], "parent addresses while down")
    eq(sim.global_addrs("mlx4_ib0.8002"), ["198.51.100.1/24"], "child addresses while down")
    sim.port("mlx4_0")["state"] = "active"
    sim.write_fabric()
    wait_for(lambda: sim.sysfs("mlx4_ib0", "carrier") == "1" and sim.sysfs("mlx4_ib0.8002", "carrier") == "1",
             "carrier on")
    a.settle()
    eq(sim.global_addrs("mlx4_ib0"), ["192.0.2.1/24", "2001:db8:1::1/64"], "parent addresses after")
    eq(sim.global_addrs("mlx4_ib0.8002"), ["198.51.100.1/24"], "child addresses after")
    eq(sent_matching(a.since(mark), r"del-|delete"), [], "removals during the outage")
    # The routes are still in the model: the same keys on another link are refused.
    a.settle()
    mark = a.mark()
    sim.write("90-probe.ibnet", PROBE)
    a.reload()
    wait_for(lambda: len(sent_matching(a.since(mark), r"add-route", "mlx4_ib1")) == 2, "the probe")
    eq(sorted(sent_matching(a.since(mark), r"add-route", "mlx4_ib1")),
       ["mlx4_ib1 add-route 10.98.0.0/24 metric 60 → File exists",
        "mlx4_ib1 add-route 10.99.0.0/24 metric 50 → File exists"], "the routes are present on mlx4_ib0")


def scale_fabric(ports, children):
    """Two-port ConnectX-3 HCAs with `ports` parents ib0…, each port's P_Key table holding the children's."""
    hcas = []
    for h in range((ports + 1) // 2):
        plist = []
        for n in range(min(2, ports - 2 * h)):
            i = 2 * h + n
            plist.append({"port": n + 1, "guid": f"0002:c903:{h:04x}:{n:04x}", "state": "active",
                          "active_mtu": 2048, "lid": 3 + i, "sm_lid": 1,
                          "pkeys": ["0xffff"] + [f"0x{0x8001 + k:04x}" for k in range(children)],
                          "netdev": {"name": f"ib{i}"}})
        hcas.append({"name": f"mlx4_{h}", "first_qpn": f"0x{0x208 + 0x1000 * h:06x}", "ports": plist})
    return {"hcas": hcas}


def test_children_at_scale(sim):
    """4 ports x 50 P_Key children (netlink and sysfs alternately), an address each, as a daemon: every
    child converges and the view, written incrementally in slices, has each child's files and address;
    then 10 children's files are removed and a reload takes exactly those away, view included."""
    ports, per_port = 4, 50
    sim.fabric = scale_fabric(ports, per_port)
    children = {}
    for i in range(ports):
        sim.write(f"10-ib{i}.ibnet", f"[Match]\nName=ib{i}\n\n[Network]\nAddress=10.{100 + i}.0.1/16\n")
        for k in range(per_port):
            pkey = 0x8001 + k
            name = f"ib{i}.{pkey:04x}"
            method = "sysfs" if k % 2 else None
            children[name] = (f"20-{name}.ibnet", f"0x{pkey:04x}", method, f"10.{i}.{k}.1/24")
            sim.write(f"20-{name}.ibnet", child_file(parent=f"ib{i}", pkey=f"0x{pkey:04x}", method=method,
                                                     v4=f"10.{i}.{k}.1/24"))
    a = sim.agent()
    a.wait_ready()

    def all_configured(but=()):
        links = sim.ip_address()
        return all(n in links and links[n]["global"] == [c[3]] for n, c in children.items() if n not in but)

    wait_for(all_configured, "200 children configured in the view", timeout=30)
    links = sim.ip_address()
    for name, (_, pkey, method, _) in children.items():
        eq(sim.sysfs(name, "mtu"), str(links[name]["mtu"]), f"{name} mtu file")
        eq(sim.sysfs(name, "ifindex"), str(links[name]["ifindex"]), f"{name} ifindex file")
        eq(sim.sysfs(name, "operstate"), "up", f"{name} operstate file")
        eq(sim.sysfs(name, "pkey"), pkey if method else None, f"{name} pkey file ({method or 'netlink'})")
        eq(sim.sysfs(name, "parent"), name.split(".")[0] if method else None, f"{name} parent file")
    eq(sent_matching(a.output(), r"→ (?!ok)"), [], "refused changes")

    gone = sorted(children)[::20]
    for name in gone:
        sim.remove(children[name][0])
    a.reload()
    wait_for(lambda: not set(gone) & set(sim.ip_address()), "the removed children gone from ip-address")
    wait_for(lambda: not any(sim.has_sysfs_dir(n) for n in gone), "their sysfs directories gone")
    a.settle()
    assert all_configured(but=gone), "the other children untouched"
    for name in set(children) - set(gone):
        eq(sim.sysfs(name, "operstate"), "up", f"{name} operstate file after the reload")
    eq(len(sent_matching(a.output(), r"^ib\d\.[0-9a-f]{4} delete-child")), len(gone), "children deleted")


TESTS = [v for k, v in globals().items() if k.startswith("test_")]


def sim_failure_logs(sim):
    out = ""
    for p in sim.outputs[-1:]:
        out += f"---- last oneshot (exit {p.returncode}) stdout ----\n{p.stdout}\n"
        out += f"---- stderr (tail) ----\n{p.stderr[-4000:]}\n"
    for a in sim.agents:
        out += f"---- agent log (tail) ----\n{a.output()[-4000:]}\n"
    return out


def main():
    global AGENT, IPOIBCTL
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    AGENT = os.path.abspath(sys.argv[1])
    IPOIBCTL = os.environ.get("IPOIBCTL") or os.path.join(os.path.dirname(os.path.dirname(AGENT)), "ipoibctl",
                                                          "ipoibctl")
    wanted = sys.argv[2:]
    return run_tests(TESTS, wanted, Sim, sim_failure_logs)


if __name__ == "__main__":
    sys.exit(main())
