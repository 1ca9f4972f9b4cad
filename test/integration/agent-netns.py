#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real-kernel tests of ipoib-agent: each test gets its own network namespace with veth pairs (and a
TUN device switched to ARPHRD_INFINIBAND for the IPoIB parent scenario), runs the real binary with a
temporary config dir, and asserts kernel state through `ip -json`.

Usage: agent-netns.py PATH-TO-ipoib-agent [TEST-NAME...]
Prints "N passed, N failed, N skipped"; exit 0 only when nothing failed. Exit 77 (skip) when the
tests cannot run here (not root, no netns), with the reason."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import eq, netns_skip_reason, run_tests, stop_process, wait_for

AGENT = None
TRACE_ENV = {"IPOIB_AGENT_NETLINK_TRACE": "1"}
MUTATING = ("RTM_NEWLINK", "RTM_DELLINK", "RTM_NEWADDR", "RTM_DELADDR", "RTM_NEWROUTE", "RTM_DELROUTE")


def run(cmd, check=True, env=None, timeout=120, input=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, input=input)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


class Netns:
    counter = 0

    def __init__(self):
        Netns.counter += 1
        self.name = f"ipoibt{os.getpid()}n{Netns.counter}"
        run(["ip", "netns", "add", self.name])
        self.dir = tempfile.mkdtemp(prefix="ipoib-agent-test-")
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "conf")
        self.runtime = os.path.join(self.dir, "run")
        os.mkdir(self.conf, 0o755)
        self.agents = []

    def close(self):
        for a in self.agents:
            a.stop()
        run(["ip", "netns", "del", self.name], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def ip(self, *args, check=True):
        return run(["ip", "-n", self.name, *args], check=check)

    def batch(self, lines):
        run(["ip", "-n", self.name, "-batch", "-"], input="\n".join(lines) + "\n")

    def json(self, *args):
        out = self.ip("-json", *args).stdout
        return json.loads(out) if out.strip() else []

    def veth(self, name, peer=None, up_peer=True):
        peer = peer or name + "p"
        self.ip("link", "add", name, "type", "veth", "peer", "name", peer)
        if up_peer:
            self.ip("link", "set", peer, "up")

    def write(self, name, text):
        path = os.path.join(self.conf, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)
        return path

    def addrs(self, ifname, family=None):
        args = (["-4"] if family == 4 else ["-6"] if family == 6 else []) + ["addr", "show", "dev", ifname]
        out = []
        for link in self.json(*args):
            for a in link.get("addr_info", []):
                if a.get("scope") != "link":
                    out.append(f"{a['local']}/{a['prefixlen']}")
        return sorted(out)

    def routes(self, ifname, family=4):
        out = []
        for r in self.json(f"-{family}", "route", "show", "dev", ifname, "table", "main"):
            if r.get("protocol") == "kernel" or r["dst"].startswith("fe80") or r["dst"].startswith("ff00"):
                continue
            s = r["dst"]
            if "gateway" in r:
                s += " via " + r["gateway"]
            out.append(s + f" metric {r.get('metric', 0)}")
        return sorted(out)

    def link(self, ifname):
        return self.json("link", "show", "dev", ifname)[0]

    def oneshot(self, *extra, env_extra=None):
        env = dict(os.environ)
        env.update(TRACE_ENV)
        env.update(env_extra or {})
        p = run(["ip", "netns", "exec", self.name, AGENT, "--oneshot", "--config-dir", self.conf,
                 "--runtime-dir", self.runtime, "--log-level", "debug", *extra], check=False, env=env)
        return p

    def agent(self, env_extra=None):
        a = Agent(self, env_extra)
        self.agents.append(a)
        return a

    def tun_infiniband(self, name):
        """A persistent TUN device switched to ARPHRD_INFINIBAND (docs/kernel-ipoib.md §8): the real kernel
        then treats it as an IPoIB-typed parent (link/infiniband, MTU up to 65520) while it still
        refuses kind "ipoib"."""
        code = f"""
import fcntl, struct
TUNSETIFF, TUNSETPERSIST, TUNSETLINK = 0x400454ca, 0x400454cb, 0x400454cd
fd = open('/dev/net/tun', 'r+b', buffering=0)
fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', b'{name}', 0x0001 | 0x1000))
fcntl.ioctl(fd, TUNSETLINK, 32)
fcntl.ioctl(fd, TUNSETPERSIST, 1)
"""
        run(["ip", "netns", "exec", self.name, sys.executable, "-c", code])


class Agent:
    """The daemon in the namespace, its stderr collected into a file."""

    def __init__(self, ns, env_extra=None):
        self.ns = ns
        self.log = open(os.path.join(ns.dir, f"agent-{len(ns.agents)}.log"), "w+")
        env = dict(os.environ, **TRACE_ENV)
        env.update(env_extra or {})
        self.p = subprocess.Popen(["ip", "netns", "exec", ns.name, AGENT, "--config-dir", ns.conf,
                                   "--runtime-dir", ns.runtime, "--log-level", "debug"],
                                  stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def reload(self):
        self.p.send_signal(signal.SIGHUP)

    def stop(self):
        stop_process(self.p)
        self.log.close()

    def alive(self):
        return self.p.poll() is None


def mutations(log):
    """Mutating netlink requests the agent sent, from its trace."""
    out = []
    for line in log.splitlines():
        if "netlink: send " in line:
            typ = line.split("netlink: send ", 1)[1].split()[0]
            if typ in MUTATING:
                out.append(line.split("netlink: send ", 1)[1])
    return out


VETH_FILE = """[Match]
Name=v0
Type=ether

[Link]
MTU=9000

[Network]
Address=192.0.2.1/24
Address=2001:db8:1::1/64
Gateway=192.0.2.254
Gateway=2001:db8:1::fffe

[Route]
Destination=198.51.100.0/24
Gateway=192.0.2.253
Metric=50
"""


def expect_veth_config(ns, v4="192.0.2.1/24"):
    l = ns.link("v0")
    eq(l["mtu"], 9000, "mtu")
    assert "UP" in l["flags"], l["flags"]
    eq(ns.addrs("v0", 4), [v4], "IPv4 addresses")
    eq(ns.addrs("v0", 6), ["2001:db8:1::1/64"], "IPv6 addresses")
    eq(ns.routes("v0", 4), ["198.51.100.0/24 via 192.0.2.253 metric 50", "default via 192.0.2.254 metric 0"],
       "IPv4 routes")
    eq(ns.routes("v0", 6), ["default via 2001:db8:1::fffe metric 1024"], "IPv6 routes")


# --- the tests -------------------------------------------------------------------------------------

def test_cold_apply(ns):
    ns.veth("v0")
    ns.write("10-v0.ibnet", VETH_FILE)
    p = ns.oneshot()
    eq(p.returncode, 0, f"exit status (stdout: {p.stdout} stderr tail: {p.stderr[-2000:]})")
    assert "v0" in p.stdout and "configured" in p.stdout, p.stdout
    expect_veth_config(ns)
    # set-mtu, promote_secondaries, set-up, 2 addresses, 3 routes: nothing more.
    m = mutations(p.stderr)
    eq(len(m), 8, f"mutating messages {m}")


def test_restart_sends_nothing(ns):
    ns.veth("v0")
    ns.write("10-v0.ibnet", VETH_FILE)
    eq(ns.oneshot().returncode, 0, "first run")
    p = ns.oneshot()
    eq(p.returncode, 0, "second run")
    eq(mutations(p.stderr), [], "mutating messages after a restart with the same config")
    expect_veth_config(ns)


def test_edit_applies_exact_diff(ns):
    ns.veth("v0")
    ns.write("10-v0.ibnet", VETH_FILE)
    eq(ns.oneshot().returncode, 0, "first run")
    ns.write("10-v0.ibnet", VETH_FILE.replace("Address=192.0.2.1/24", "Address=192.0.2.2/24")
             .replace("[Route]\nDestination=198.51.100.0/24\nGateway=192.0.2.253\nMetric=50\n", ""))
    p = ns.oneshot()
    eq(p.returncode, 0, "second run")
    m = mutations(p.stderr)
    eq(len(m), 3, f"mutating messages {m}")
    # The new address goes on before the old one comes off: a link left without any IPv4 address
    # loses all its IPv4 routes without a notification (fib_disable_ip()).
    eq([x.split()[0] for x in m], ["RTM_DELROUTE", "RTM_NEWADDR", "RTM_DELADDR"], "order")
    eq(ns.addrs("v0", 4), ["192.0.2.2/24"], "IPv4 addresses")
    eq(ns.routes("v0", 4), ["default via 192.0.2.254 metric 0"], "IPv4 routes")


def test_foreign_objects_survive(ns):
    ns.veth("v0")
    ns.write("10-v0.ibnet", VETH_FILE)
    eq(ns.oneshot().returncode, 0, "first run")
    ns.ip("addr", "add", "192.0.2.77/24", "dev", "v0")
    ns.ip("route", "add", "203.0.113.0/24", "via", "192.0.2.200", "dev", "v0")
    ns.write("10-v0.ibnet", VETH_FILE.replace("Address=192.0.2.1/24\n", "Address=192.0.2.1/24\nAddress=192.0.2.9/24\n"))
    eq(ns.oneshot().returncode, 0, "with a foreign address")
    eq(ns.addrs("v0", 4), ["192.0.2.1/24", "192.0.2.77/24", "192.0.2.9/24"], "addresses")
    ns.write("10-v0.ibnet", VETH_FILE)
    p = ns.oneshot()
    eq(p.returncode, 0, "after removing an owned address")
    eq(ns.addrs("v0", 4), ["192.0.2.1/24", "192.0.2.77/24"], "addresses after the edit")
    assert "203.0.113.0/24 via 192.0.2.200 metric 0" in ns.routes("v0", 4), ns.routes("v0", 4)


def test_drift_repair(ns):
    ns.veth("v0")
    ns.write("10-v0.ibnet", VETH_FILE)
    a = ns.agent()
    wait_for(lambda: expect_veth_config(ns) is None, "initial configuration")
    ns.ip("addr", "del", "192.0.2.1/24", "dev", "v0")
    wait_for(lambda: ns.addrs("v0", 4) == ["192.0.2.1/24"], "the deleted address to come back")
    wait_for(lambda: expect_veth_config(ns) is None, "routes to come back with the address")
    ns.ip("link", "set", "v0", "mtu", "1500")
    wait_for(lambda: ns.link("v0")["mtu"] == 9000, "the MTU to be restored")
    ns.ip("link", "set", "v0", "down")
    wait_for(lambda: "UP" in ns.link("v0")["flags"], "the link to come back up")
    wait_for(lambda: expect_veth_config(ns) is None, "full configuration after the link flap")
    assert a.alive(), a.output()[-3000:]


def test_link_recreated(ns):
    ns.veth("v0")
    ns.write("10-v0.ibnet", VETH_FILE)
    a = ns.agent()
    wait_for(lambda: expect_veth_config(ns) is None, "initial configuration")
    ns.ip("link", "del", "v0")
    time.sleep(0.2)
    ns.veth("v0")
    wait_for(lambda: expect_veth_config(ns) is None, "configuration of the recreated link")
    assert a.alive(), a.output()[-3000:]


def test_invalid_edit_keeps_last_good(ns):
    ns.veth("v0")
    path = ns.write("10-v0.ibnet", VETH_FILE)
    a = ns.agent()
    wait_for(lambda: expect_veth_config(ns) is None, "initial configuration")
    ns.write("10-v0.ibnet", VETH_FILE.replace("Address=192.0.2.1/24", "Address=192.0.2.5/24\nMTUU=1"))
    a.reload()
    wait_for(lambda: f"{path}:" in a.output() and "keeping the last good version" in a.output(),
             "the error with file:line and the last-good notice")
    assert f"{path}:10: error: unknown key MTUU=" in a.output(), a.output()[-3000:]
    time.sleep(0.3)
    expect_veth_config(ns)  # unchanged
    ns.write("10-v0.ibnet", VETH_FILE.replace("Address=192.0.2.1/24", "Address=192.0.2.5/24"))
    a.reload()
    wait_for(lambda: ns.addrs("v0", 4) == ["192.0.2.5/24"], "the fixed file to apply")


def test_file_deleted_cleans_up(ns):
    ns.veth("v0")
    path = ns.write("10-v0.ibnet", VETH_FILE)
    a = ns.agent()
    wait_for(lambda: expect_veth_config(ns) is None, "initial configuration")
    # Another subnet: deleting a primary address takes its secondaries with it unless
    # promote_secondaries is set (kernel behaviour, not the agent's).
    ns.ip("addr", "add", "203.0.113.77/24", "dev", "v0")
    os.unlink(path)
    a.reload()
    wait_for(lambda: ns.addrs("v0", 4) == ["203.0.113.77/24"] and ns.addrs("v0", 6) == [],
             "owned addresses removed, the foreign one kept")
    eq(ns.routes("v0", 6), [], "IPv6 routes")
    wait_for(lambda: "lingering → unmanaged" in a.output(), "the link to become unmanaged")


def test_file_deleted_restores_promote_secondaries(ns):
    """The agent turns promote_secondaries on for a link with IPv4 addresses; when the file goes, the
    link gets the value it had before (0 here), after the agent's addresses are gone, and the MTU and
    down state it had too."""
    ns.veth("v0")
    conf = "/proc/sys/net/ipv4/conf/v0/promote_secondaries"

    def promote():
        return run(["ip", "netns", "exec", ns.name, "cat", conf]).stdout.strip()
    run(["ip", "netns", "exec", ns.name, "sh", "-c", f"echo 0 > {conf}"])
    before = ns.link("v0")
    path = ns.write("10-v0.ibnet", VETH_FILE)
    a = ns.agent()
    wait_for(lambda: expect_veth_config(ns) is None, "initial configuration")
    eq(promote(), "1", "promote_secondaries while the file is there")
    ns.ip("addr", "add", "192.0.2.77/24", "dev", "v0")  # a foreign secondary in the agent's subnet
    os.unlink(path)
    a.reload()
    wait_for(lambda: promote() == "0", "promote_secondaries back to 0")
    wait_for(lambda: "lingering → unmanaged" in a.output(), "the link to become unmanaged")
    # Off again only after the agent's primary went: the foreign secondary was promoted, not deleted.
    eq(ns.addrs("v0", 4), ["192.0.2.77/24"], "the foreign address")
    after = ns.link("v0")
    eq((after["mtu"], "UP" in after["flags"]), (before["mtu"], "UP" in before["flags"]), "MTU and up state")


def test_default_route_conflict(ns):
    """Two links with a default route at the same metric: the kernel keys routes by destination and
    metric, so the second gets EEXIST. That is a conflict to report, not the state we asked for."""
    ns.veth("v0")
    ns.veth("v1")
    ns.write("10-v0.ibnet", "[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n")
    ns.write("20-v1.ibnet", "[Match]\nName=v1\nType=ether\n[Network]\nAddress=198.51.100.1/24\n"
                            "Gateway=198.51.100.254\n")
    p = ns.oneshot()
    eq(p.returncode, 1, "exit status")
    # Links are planned in ifindex order: v0 (created first) gets the route, v1 reports why not.
    v1 = [x for x in p.stdout.splitlines() if x.startswith("v1 ")][0]
    assert "failed" in v1 and "exists, on another link; give one of them another Metric=" in v1, v1
    eq(ns.routes("v0", 4), ["default via 192.0.2.254 metric 0"], "v0 routes")
    # With a metric of its own it goes in, next to the first.
    ns.write("20-v1.ibnet", "[Match]\nName=v1\nType=ether\n[Network]\nAddress=198.51.100.1/24\n"
                            "[Route]\nGateway=198.51.100.254\nMetric=100\n")
    p = ns.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout})")
    eq(ns.routes("v1", 4), ["default via 198.51.100.254 metric 100"], "v1 routes")
    eq(ns.routes("v0", 4), ["default via 192.0.2.254 metric 0"], "v0 routes")


def test_rename_keeps_ownership(ns):
    """What the agent created stays its own when udev (or anyone) renames the link."""
    ns.veth("v1")
    path = ns.write("10-v.ibnet", "[Match]\nName=v1 vx1\nType=ether\n[Network]\nAddress=10.9.0.1/24\n")
    a = ns.agent()
    wait_for(lambda: ns.addrs("v1", 4) == ["10.9.0.1/24"], "the address")
    ns.ip("link", "set", "v1", "down")
    ns.ip("link", "set", "v1", "name", "vx1")
    wait_for(lambda: "UP" in ns.link("vx1")["flags"], "the renamed link to be up again")
    os.unlink(path)
    a.reload()
    wait_for(lambda: ns.addrs("vx1", 4) == [], "the address removed from the renamed link")

    def record_forgets_link():
        # The agent saves the record when it goes idle, after the kernel's answer: wait for that
        # rather than read it once the address is gone.
        with open(os.path.join(ns.runtime, "owned")) as f:
            record = f.read()
        return "v1 " not in record and "vx1 " not in record

    wait_for(record_forgets_link, "the ownership record to forget the link")


def test_ipv6_metric_zero_is_1024(ns):
    """The kernel stores IPv6 metric 0 as 1024: a restart must see the route as present."""
    ns.veth("v0")
    ns.write("10-v0.ibnet", "[Match]\nName=v0\nType=ether\n[Network]\nAddress=fd06::1/64\n"
                            "[Route]\nDestination=fd07::/64\nGateway=fd06::fe\nMetric=0\n")
    eq(ns.oneshot().returncode, 0, "first run")
    eq(ns.routes("v0", 6), ["fd07::/64 via fd06::fe metric 1024"], "IPv6 routes")
    p = ns.oneshot()
    eq(p.returncode, 0, f"second run ({p.stdout})")
    eq(mutations(p.stderr), [], "mutating messages after a restart")


def test_address_exists_with_other_prefix(ns):
    """IPv6 refuses an address that exists with another prefix length (ipv6_add_addr()): a foreign
    one is a conflict to report, not the state the file asks for."""
    ns.veth("v0")
    ns.ip("link", "set", "v0", "up")
    ns.ip("addr", "add", "fd09::1/64", "dev", "v0", "nodad")
    ns.write("10-v0.ibnet", "[Match]\nName=v0\nType=ether\n[Network]\nAddress=fd09::1/48\n")
    p = ns.oneshot()
    eq(p.returncode, 1, f"exit status ({p.stdout})")
    line = [x for x in p.stdout.splitlines() if x.startswith("v0 ")][0]
    assert "failed" in line and "exists with prefix length 64, not created by the agent" in line, line
    eq(ns.addrs("v0", 6), ["fd09::1/64"], "the foreign address is untouched")


def test_sd_notify(ns):
    """READY=1 after the first convergence, STATUS= with the counts, RELOADING=1 on SIGHUP, and STATUS=
    naming a file the reload rejected."""
    import socket
    ns.veth("v0")
    ns.write("10-v0.ibnet", VETH_FILE)
    path = os.path.join(ns.dir, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(10)
    try:
        a = ns.agent({"NOTIFY_SOCKET": path})
        msgs = []

        def until(word):
            while not any(word in m for m in msgs):
                msgs.append(sock.recv(4096).decode())
            return True
        until("READY=1")
        expect_veth_config(ns)  # READY comes after the first convergence
        assert any("STATUS=1 link matched: 1 configured, 0 failed" in m for m in msgs), msgs
        ns.write("20-bad.ibnet", "[Match]\nName=v9\n[Link]\nMTUU=1\n")
        a.reload()
        until("RELOADING=1")
        msgs.clear()
        until("READY=1")
        # STATUS= names the rejected file.
        until("STATUS=1 link matched: 1 configured, 0 failed; 1 file rejected: 20-bad.ibnet")
    finally:
        sock.close()


def test_many_links(ns, n=200):
    lines = [f"link add a{i} type veth peer name b{i}" for i in range(n)]
    lines += [f"link set b{i} up" for i in range(n)]
    ns.batch(lines)
    for i in range(n):
        ns.write(f"a{i:04d}.ibnet", f"[Match]\nName=a{i}\nType=ether\n[Network]\n"
                                    f"Address=10.{i // 250}.{i % 250}.1/24\nAddress=fd00:{i:x}::1/64\n"
                                    f"[Route]\nDestination=172.16.{i % 250}.0/24\nGateway=10.{i // 250}.{i % 250}.254\n")
    t = time.monotonic()
    p = ns.oneshot(env_extra={"IPOIB_AGENT_NETLINK_TRACE": "0"})
    elapsed = time.monotonic() - t
    eq(p.returncode, 0, f"exit status ({p.stdout[-1000:]})")
    assert f"{n} links matched, {n} configured" in p.stdout, p.stdout[-500:]
    addrs = ns.json("addr", "show")
    count = sum(1 for l in addrs for a in l.get("addr_info", []) if a.get("scope") == "global")
    eq(count, 2 * n, "global addresses")
    eq(len([r for r in ns.json("-4", "route", "show", "table", "main") if r["dst"].startswith("172.16.")]), n,
       "routes")
    print(f"    {n} links, {3 * n} objects: {elapsed:.2f} s")


def test_ipoib_parent_on_tun(ns):
    """The seed's parent scenario on an IPoIB-typed parent the real kernel provides, plus a P_Key
    child the kernel cannot create here: one clear reason, and the parent still configured."""
    ns.tun_infiniband("mlx4_ib0")
    ns.write("10-mlx4_ib0.ibnet", """[Match]
Name=mlx4_ib0

[IPoIB]
Mode=connected

[Link]
MTU=65520

[Network]
Address=192.0.2.1/24
Gateway=192.0.2.254
Address=2001:db8:1::1/32
Gateway=2001:db8:1::fffe
""")
    ns.write("20-mlx4_ib0.8002.ibnet", "[Match]\nName=mlx4_ib0\n\n[Partition]\nPKey=0x8002\n\n"
                                       "[Network]\nAddress=198.51.100.1/24\n")
    ns.write("21-mlx4_ib0.8003.ibnet", "[Match]\nName=mlx4_ib0\n\n[Partition]\nPKey=0x8003\nMethod=sysfs\n")
    p = ns.oneshot()
    l = ns.link("mlx4_ib0")
    eq(l["link_type"], "infiniband", "link type")
    eq(l["mtu"], 65520, "mtu")
    eq(ns.addrs("mlx4_ib0", 4), ["192.0.2.1/24"], "IPv4")
    eq(ns.addrs("mlx4_ib0", 6), ["2001:db8:1::1/32"], "IPv6")
    eq(ns.routes("mlx4_ib0", 4), ["default via 192.0.2.254 metric 0"], "IPv4 routes")
    assert "mlx4_ib0.8002" in p.stdout and "the kernel has no IPoIB support (is ib_ipoib loaded?)" in p.stdout, \
        p.stdout
    parent_line = [x for x in p.stdout.splitlines() if x.startswith("mlx4_ib0 ")][0]
    assert " configured " in parent_line, parent_line
    eq(p.returncode, 1, "exit status (the children are not configured)")
    children = [x for x in p.stdout.splitlines() if x.startswith("mlx4_ib0.")]
    eq(len(children), 2, f"child lines {children}")
    for c in children:
        assert "failed" in c and "the kernel has no IPoIB support (is ib_ipoib loaded?)" in c, c
    sent = mutations(p.stderr)
    creates = [m for m in sent if m.startswith("RTM_NEWLINK") and "IFLA_INFO_KIND=ipoib" in m]
    eq(len(creates), 1, f"netlink child creations {sent}")
    assert "netlink: sysfs write 0x8003 to /sys/class/net/mlx4_ib0/create_child" in p.stderr, p.stderr[-3000:]


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def netns_failure_logs(ns):
    return "".join(f"---- agent log (tail) ----\n{a.output()[-4000:]}\n" for a in ns.agents)


def main():
    global AGENT
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    AGENT = os.path.abspath(sys.argv[1])
    wanted = sys.argv[2:]
    why = netns_skip_reason("ipoibprobe")
    if why:
        print(f"SKIP: {why}")
        return 77

    return run_tests(TESTS, wanted, Netns, netns_failure_logs)


if __name__ == "__main__":
    sys.exit(main())
