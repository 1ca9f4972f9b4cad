#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""ipoibctl against the real agent on the real kernel (a private network namespace with veth pairs), each
test twice: over a system bus (a private dbus-daemon with our policy, as agent-bus.py) and over the
control socket alone (no bus at all). wait-online returns when the links are configured and times out
naming each one that is not; reload names a rejected file's file:line and the last good version stays;
another user is refused.

Usage: agent-control.py AGENT IPOIBCTL SRCDIR [TEST...]
Prints "N passed, N failed, N skipped"; 77 when it cannot run here (not root, no netns, no dbus-daemon)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from harness import Skip, eq, run_tests, start_bus, stop_process, wait_for

AGENT, IPOIBCTL, SRC = (os.path.abspath(a) for a in sys.argv[1:4])
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


V0 = """[Match]
Name=v0
Type=ether

[Network]
Address=192.0.2.1/24
"""


def run(cmd, env=None, check=False, timeout=60):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


class World:
    counter = 0

    def __init__(self, transport):
        World.counter += 1
        self.transport = transport
        self.ns = f"ipoibc{os.getpid()}n{World.counter}"
        self.dir = tempfile.mkdtemp(prefix="ipoib-agent-control-")
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "conf")
        self.run_dir = os.path.join(self.dir, "run")
        os.mkdir(self.conf, 0o755)
        self.agent = self.bus = self.log = None
        run(["ip", "netns", "add", self.ns], check=True)
        env = {k: v for k, v in os.environ.items() if k != "IPOIB_RUNTIME_DIR"}
        # Over the socket: a bus address that leads nowhere (the socket of a bus never started).
        env["DBUS_SYSTEM_BUS_ADDRESS"] = f"unix:path={os.path.join(self.dir, 'bus')}"
        self.env = env
        if transport == "bus":
            self.bus, env["DBUS_SYSTEM_BUS_ADDRESS"] = start_bus(self.dir, SRC)

    def ip(self, *args):
        return run(["ip", "-n", self.ns, *args], check=True)

    def veth(self, name):
        self.ip("link", "add", name, "type", "veth", "peer", "name", name + "p")
        self.ip("link", "set", name + "p", "up")

    def write(self, name, text):
        path = os.path.join(self.conf, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)
        return path

    def addrs(self, ifname):
        out = json.loads(self.ip("-json", "-4", "addr", "show", "dev", ifname).stdout or "[]")
        return sorted(f"{a['local']}/{a['prefixlen']}" for l in out for a in l.get("addr_info", []))

    def start_agent(self):
        self.log = open(os.path.join(self.dir, "agent.log"), "w+")
        self.agent = subprocess.Popen(["ip", "netns", "exec", self.ns, AGENT, "--config-dir", self.conf,
                                       "--runtime-dir", self.run_dir, "--log-level", "debug"],
                                      stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        wait_for(lambda: self.ctl("list").returncode == 0, f"the agent to answer over the {self.transport}")

    def ctl_argv(self, *args):
        # Over the socket: --runtime-dir, and a bus address that leads nowhere. Over the bus: neither.
        return [IPOIBCTL, *(["--runtime-dir", self.run_dir] if self.transport == "socket" else []), *args]

    def ctl(self, *args, user=None, timeout=60):
        return run((user or []) + self.ctl_argv(*args), self.env, timeout=timeout)

    def output(self):
        if not self.log:
            return ""
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def close(self):
        if self.agent:
            stop_process(self.agent)
        if self.bus:
            stop_process(self.bus)
        if self.log:
            self.log.close()
        run(["ip", "netns", "del", self.ns])
        shutil.rmtree(self.dir, ignore_errors=True)


def check_wait_online(w):
    """wait-online started before the link exists returns 0 only once it is configured."""
    w.write("10-v0.ibnet", V0)
    w.start_agent()
    waiter = subprocess.Popen(w.ctl_argv("wait-online", "--timeout", "30"), env=w.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        # No link matches yet: it must still be waiting (the agent has answered: list worked).
        eq(w.ctl("wait-online", "--timeout", "0.5").returncode, 1, "wait-online with no link configured yet")
        assert waiter.poll() is None, f"wait-online returned before there was a link: {waiter.communicate()}"
        w.veth("v0")
        out, err = waiter.communicate(timeout=30)
        eq((waiter.returncode, out, err), (0, "", ""), "wait-online once v0 is configured")
    finally:
        stop_process(waiter)
    eq(w.addrs("v0"), ["192.0.2.1/24"], "v0 configured when wait-online returned")
    eq(json.loads(w.ctl("--json", "status", "v0").stdout)["links"][0]["state"], "configured", "state")
    p = w.ctl("wait-online", "v0", "--timeout", "5")
    eq(p.returncode, 0, f"wait-online v0 ({p.stderr})")


def check_wait_online_timeout(w):
    """A link the kernel refuses (a second default route at the same metric: EEXIST) and a name that matches nothing: exit 1 after
    the timeout, each with its state and reason; --any is content with the one that is configured."""
    w.veth("v0")
    w.veth("v1")
    w.write("10-v0.ibnet", V0 + "Gateway=192.0.2.254\n")
    w.write("20-v1.ibnet", "[Match]\nName=v1\nType=ether\n\n[Network]\nAddress=198.51.100.1/24\n"
            "Gateway=198.51.100.254\n")
    w.start_agent()
    wait_for(lambda: json.loads(w.ctl("--json", "status", "v1").stdout)["links"][0]["state"] == "failed",
             "v1 failed")
    start = time.monotonic()
    p = w.ctl("wait-online", "--timeout", "1")
    elapsed = time.monotonic() - start
    eq(p.returncode, 1, "exit status")
    assert 1.0 <= elapsed < 10, elapsed
    reason = json.loads(w.ctl("--json", "status", "v1").stdout)["links"][0]["reason"]
    assert reason, "v1 has a reason"
    eq(p.stderr, f"ipoibctl: wait-online: timed out after 1.0 s; not online:\nv1: failed: {reason}\n", "report")
    p = w.ctl("wait-online", "--timeout", "1", "v0", "nosuch0")
    eq((p.returncode, p.stderr), (1, "ipoibctl: wait-online: timed out after 1.0 s; not online:\n"
                                     "nosuch0: missing: no such link\n"), "a name that matches nothing")
    p = w.ctl("wait-online", "--any", "--timeout", "5")
    eq((p.returncode, p.stderr), (0, ""), "--any: v0 is enough")


def check_reload_reports(w):
    """A broken edit: ipoibctl reload prints file:line and exits 1, the kernel keeps the last good
    version, status says the file on disk is not what runs; the fix reloads cleanly."""
    w.veth("v0")
    path = w.write("10-v0.ibnet", V0)
    w.start_agent()
    wait_for(lambda: w.addrs("v0") == ["192.0.2.1/24"], "v0's address")
    w.write("10-v0.ibnet", V0.replace("192.0.2.1/24", "192.0.2.2/24") + "Adress=192.0.2.3/24\n")
    p = w.ctl("reload")
    eq(p.returncode, 1, f"reload exit status ({p.stdout!r})")
    assert p.stderr.startswith("ipoibctl: reload: 1 file rejected"), p.stderr
    assert f"\n{path}:7: error: unknown key Adress= in [Network]" in p.stderr, p.stderr
    eq(w.addrs("v0"), ["192.0.2.1/24"], "the last good version stays")
    p = w.ctl("status", "v0")
    assert "has errors; the last good version runs" in p.stdout, p.stdout
    w.write("10-v0.ibnet", V0.replace("192.0.2.1/24", "192.0.2.2/24"))
    p = w.ctl("reload")
    eq((p.returncode, p.stdout, p.stderr), (0, "Reloaded 1 file.\n", ""), "reload after the fix")
    wait_for(lambda: w.addrs("v0") == ["192.0.2.2/24"], "the new address")


def check_other_user_refused(w):
    """nobody may read over the bus but not reload; on the socket nobody gets nothing."""
    if not shutil.which("setpriv"):
        raise Skip("needs setpriv to act as nobody")
    w.veth("v0")
    w.write("10-v0.ibnet", V0)
    w.start_agent()
    p = w.ctl("reload", user=NOBODY)
    eq(p.returncode, 1, "reload as nobody")
    if w.transport == "bus":
        eq(p.stderr, "ipoibctl: Reload: permission denied; only root may do that\n", "reload as nobody")
        eq(w.ctl("status", "v0", user=NOBODY).returncode, 0, "status as nobody over the bus")
    else:
        refusal = f"ipoibctl: {w.run_dir}/control: permission denied; only root may use the control socket\n"
        eq(p.stderr, refusal, "reload as nobody")
        p = w.ctl("status", user=NOBODY)
        eq((p.returncode, p.stderr), (1, refusal), "status as nobody")
    eq(w.ctl("reload").returncode, 0, "reload as root")


def both(check):
    def make(transport):
        def t(w):
            return check(w)
        t.__name__ = f"{check.__name__.replace('check_', 'test_')}_{transport}"
        t.transport = transport
        return t
    return [make("bus"), make("socket")]


TESTS = [t for c in (check_wait_online, check_wait_online_timeout, check_reload_reports, check_other_user_refused)
         for t in both(c)]


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root for network namespaces")
        return 77
    if run(["ip", "netns", "add", f"ipoibc{os.getpid()}probe"]).returncode != 0:
        print("SKIP: cannot create a network namespace")
        return 77
    run(["ip", "netns", "del", f"ipoibc{os.getpid()}probe"])
    if not shutil.which("dbus-daemon"):
        print("SKIP: needs dbus-daemon")
        return 77
    tests = [t for t in TESTS if not sys.argv[4:] or t.__name__ in sys.argv[4:]]
    # run_tests makes one context per test, in order: each gets the transport of its test.
    order = iter(tests)
    return run_tests(tests, [], lambda: World(next(order).transport), lambda w: w.output()[-3000:])


if __name__ == "__main__":
    sys.exit(main())
