#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash safety of the agent's ownership against the real kernel: in a network namespace with 200 veth
links, the agent is killed with SIGKILL at random points of its first convergence and of a reload,
started again, its files are all deleted and it is reloaded. Then nothing it created may remain (no
address, no route, MTU and up state as before it started) and nothing foreign may have been touched
(addresses and routes made with ip(8) beforehand on a tenth of the links).

Usage: agent-crash.py PATH-TO-ipoib-agent [TRIALS] [SEED]
TRIALS kill points (default 50), two per cycle: one in a first convergence, one in the reload that
follows a restart; each cycle ends with the restart, the deletion of every file, the reload and the
check, so that an orphan of either kill is found. Kill points are drawn uniformly from the time the
agent takes here (measured first from its sd_notify READY=1 and STATUS=). Prints one line per kill
point, the median and slowest restart to READY=1, and "N passed, N failed, N skipped". Exit 77 (skip)
when it cannot run here (not root, no netns). For hunting a slow restart: CRASH_LOG_LEVEL=debug (the
agent's log level), CRASH_READY_TIMEOUT=S (default 30); a restart that does not go idle in time is
reported with the agent's /proc state, wait channel and kernel stack."""

import ipaddress
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from harness import eq, netns_skip_reason, stop_process, wait_for

N_LINKS = 200
TRIALS = 50
RTPROT_IPOIB = 149


def run(cmd, check=True, input=None):
    p = subprocess.run(cmd, capture_output=True, text=True, input=input, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


def ours_v4(i, variant):
    return f"10.1.{i}.{variant}/24"


def ours_v6(i):
    return str(ipaddress.ip_interface(f"fd00:1:{i:x}::1/64"))


def foreign_link(i):
    return i % 10 == 0


def ibnet(i, variant):
    """Variant 1: first configuration; 2: the reload's (another address and MTU; every fourth file gone)."""
    mtu = 9000 if variant == 1 else 9100
    return (f"[Match]\nName=v{i}\nType=ether\n\n[Link]\nMTU={mtu}\n\n[Network]\n"
            f"Address={ours_v4(i, variant)}\nAddress={ours_v6(i)}\n\n"
            f"[Route]\nDestination=172.16.{i}.0/24\nGateway=10.1.{i}.254\n")


class Namespace:
    def __init__(self, agent):
        self.agent_path = agent
        self.name = f"ipoibcrash{os.getpid()}"
        self.dir = tempfile.mkdtemp(prefix="ipoib-agent-crash-")
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "conf")
        self.runtime = os.path.join(self.dir, "run")
        os.mkdir(self.conf, 0o755)
        self.agents = []
        run(["ip", "netns", "add", self.name])
        cmds = []
        for i in range(N_LINKS):
            cmds.append(f"link add v{i} type veth peer name p{i}")
            cmds.append(f"link set p{i} up")
        # Foreign objects on every tenth link, which is up before the agent starts; the others are down.
        for i in range(0, N_LINKS, 10):
            cmds.append(f"link set v{i} up")
            cmds.append(f"address add 10.2.{i}.99/24 dev v{i}")
            cmds.append(f"address add fd00:2:{i:x}::99/64 dev v{i} nodad")
            cmds.append(f"route add 192.168.{i}.0/24 via 10.2.{i}.254 dev v{i} proto static")
        self.batch(cmds)
        self.foreign = self.snapshot()

    def close(self):
        for a in self.agents:
            if a.poll() is None:
                a.kill()
                a.wait()
        run(["ip", "netns", "del", self.name], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def batch(self, lines):
        run(["ip", "-n", self.name, "-batch", "-"], input="\n".join(lines) + "\n")

    def json(self, *args):
        out = run(["ip", "-n", self.name, "-json", *args]).stdout
        return json.loads(out) if out.strip() else []

    def snapshot(self):
        """{link: [mtu, up, addresses, routes]} for the v links, from one ip(8) run; link-local addresses
        and the kernel's routes left out. (IPv4 routes only: neither the files nor the foreign objects
        have IPv6 routes.)"""
        out = run(["ip", "-n", self.name, "-json", "-batch", "-"], input="address show\nroute show table main\n").stdout
        dec, pos, docs = json.JSONDecoder(), 0, []
        while len(docs) < 2:
            while out[pos].isspace():
                pos += 1
            doc, pos = dec.raw_decode(out, pos)
            docs.append(doc)
        state = {}
        for link in docs[0]:
            name = link["ifname"]
            if not name.startswith("v"):
                continue
            addrs = sorted(f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", [])
                           if a.get("scope") != "link")
            state[name] = [link["mtu"], "UP" in link["flags"], addrs, []]
        for r in docs[1]:
            dev = r.get("dev", "")
            if dev not in state or r.get("protocol") == "kernel":
                continue
            proto = {"ipoib": str(RTPROT_IPOIB)}.get(r.get("protocol"), r.get("protocol"))
            state[dev][3].append(f"{r['dst']} via {r.get('gateway', '-')} proto {proto}")
        for v in state.values():
            v[3].sort()
        return state

    def remove_files(self):
        for f in os.listdir(self.conf):
            os.unlink(os.path.join(self.conf, f))

    def write_files(self, variant):
        self.remove_files()
        for i in range(N_LINKS):
            if variant == 2 and i % 4 == 3:
                continue
            path = os.path.join(self.conf, f"{i:03d}-v{i}.ibnet")
            with open(path, "w") as f:
                f.write(ibnet(i, variant))
            os.chmod(path, 0o644)

    def start(self):
        """The daemon, with a notify socket of its own: READY=1 and STATUS= say when it is idle."""
        n = len(self.agents)
        log = open(os.path.join(self.dir, f"agent-{n}.log"), "w")
        path = os.path.join(self.dir, f"notify-{n}")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        level = os.environ.get("CRASH_LOG_LEVEL", "info")
        p = subprocess.Popen(["ip", "netns", "exec", self.name, self.agent_path, "--config-dir", self.conf,
                              "--runtime-dir", self.runtime, "--log-level", level],
                             stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, NOTIFY_SOCKET=path))
        p.logfile = log.name
        p.notify = sock
        self.agents.append(p)
        return p

    def log_tail(self, p, n=3000):
        with open(p.logfile) as f:
            return f.read()[-n:]

    def not_converged(self, variant):
        """The first link (name, now, wanted) where the kernel is not what the files say (the agent's
        objects on top of the foreign ones), None when it is."""
        s = self.snapshot()
        for i in range(N_LINKS):
            f_mtu, f_up, f_addrs, f_routes = self.foreign[f"v{i}"]
            if variant == 2 and i % 4 == 3:
                want = [f_mtu, f_up, f_addrs, f_routes]
            else:
                want = [9000 if variant == 1 else 9100, True, sorted(f_addrs + [ours_v4(i, variant), ours_v6(i)]),
                        sorted(f_routes + [f"172.16.{i}.0/24 via 10.1.{i}.254 proto {RTPROT_IPOIB}"])]
            if s[f"v{i}"] != want:
                return f"v{i}", s[f"v{i}"], want
        return None

    def converged(self, variant):
        return self.not_converged(variant) is None

    def record_lines(self):
        try:
            with open(os.path.join(self.runtime, "owned")) as f:
                return [l for l in f.read().splitlines() if l and not l.startswith("#")]
        except FileNotFoundError:
            return []


def kill9(p):
    p.send_signal(signal.SIGKILL)
    p.wait()


def wait_notify(p, want, timeout=30.0):
    """Reads the agent's sd_notify messages until one has a line starting with want."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {want} from the agent within {timeout}s")
        p.notify.settimeout(left)
        try:
            msg = p.notify.recv(4096).decode()
        except socket.timeout:
            continue
        if any(line.startswith(want) for line in msg.splitlines()):
            return


def drain(p):
    """Forgets the notifications so far (an idle after a late kernel event, say)."""
    p.notify.setblocking(False)
    try:
        while True:
            p.notify.recv(4096)
    except BlockingIOError:
        pass


def reload_and_wait(p):
    """SIGHUP, then the first idle after it: RELOADING=1 and READY=1 come at once, STATUS= when idle."""
    p.send_signal(signal.SIGHUP)
    wait_notify(p, "RELOADING=1")
    wait_notify(p, "STATUS=")


RESTART_TIMES = []


def where(p):
    """What the process is doing, from /proc: its state, and the kernel stack it waits in (an agent that
    never goes idle may be waiting for the kernel, say in rtnl_lock() behind another netns's work)."""
    out = []
    for f in ("stat", "wchan", "stack"):
        try:
            with open(f"/proc/{p.pid}/{f}") as h:
                t = h.read().strip()
        except OSError as e:
            t = f"({e.strerror})"
        if f == "stat":
            t = "state " + t[t.rfind(")") + 2:].split()[0]
        out.append(f"{f}: {t}" if f != "stat" else t)
    return "; ".join(out).replace("\n", " | ")


def restart(ns, variant):
    """After a kill: the agent again, with the same files, until it is idle and the kernel as asked."""
    t0 = time.monotonic()
    a = ns.start()
    try:
        wait_notify(a, "READY=1", float(os.environ.get("CRASH_READY_TIMEOUT", "30")))
        RESTART_TIMES.append(time.monotonic() - t0)
    except AssertionError as e:
        raise AssertionError(f"{e}; exit status {a.poll()}; {where(a)}; record {ns.record_lines()[:20]}; "
                             f"log: {ns.log_tail(a)}")
    bad = ns.not_converged(variant)
    if bad:
        raise AssertionError(f"the restarted agent is idle but the kernel is not as asked: {bad}")
    return a


def check_clean(ns, a):
    """Every file deleted, a reload: back to the foreign state exactly, and an empty record."""
    ns.remove_files()
    reload_and_wait(a)
    try:
        wait_for(lambda: ns.snapshot() == ns.foreign and not ns.record_lines(), "nothing of the agent's left",
                 timeout=10)
    except AssertionError:
        diff = {k: (v, ns.foreign[k]) for k, v in ns.snapshot().items() if v != ns.foreign[k]}
        raise AssertionError(f"left over (now, before): {dict(list(diff.items())[:5])}; "
                             f"record: {ns.record_lines()[:10]}; agent log: {ns.log_tail(a)}")
    eq(a.poll(), None, "the agent is still running")
    stop_process(a)


def measure(ns):
    """How long a first convergence and a reload take here, from the agent's own notifications: the
    ranges the kill points are drawn from."""
    ns.write_files(1)
    t0 = time.monotonic()
    a = ns.start()
    wait_notify(a, "READY=1")
    first = time.monotonic() - t0
    ns.write_files(2)
    t0 = time.monotonic()
    reload_and_wait(a)
    reload = time.monotonic() - t0
    check_clean(ns, a)
    return first, reload


def kill_at(a, delay, idle_msg):
    """Kills the agent delay seconds from now; says whether it had finished (idle_msg seen) by then."""
    time.sleep(delay)
    kill9(a)
    a.notify.setblocking(False)
    try:
        while True:
            if idle_msg in a.notify.recv(4096).decode():
                return "after"
    except BlockingIOError:
        return "during"


def cycle(ns, rng, first_s, reload_s):
    """Two kill points: in a first convergence, then (after a restart) in a reload; then a restart,
    every file deleted, a reload, and the check. An orphan of either kill is still there at the end."""
    ns.write_files(1)
    a = ns.start()
    d1 = rng.uniform(0, first_s)
    w1 = kill_at(a, d1, "READY=1")
    a = restart(ns, 1)
    ns.write_files(2)
    d2 = rng.uniform(0, reload_s)
    drain(a)
    a.send_signal(signal.SIGHUP)
    w2 = kill_at(a, d2, "STATUS=")
    a = restart(ns, 2)
    check_clean(ns, a)
    return (d1, w1), (d2, w2)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    agent = os.path.abspath(sys.argv[1])
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else TRIALS
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else random.randrange(1 << 30)
    why = netns_skip_reason("ipoibprobe")
    if why:
        print(f"SKIP: {why}")
        return 77

    rng = random.Random(seed)
    ns = Namespace(agent)
    passed = failed = during = 0
    try:
        first_s, reload_s = measure(ns)
        print(f"seed {seed}; {N_LINKS} links; first convergence {first_s * 1000:.0f} ms, "
              f"reload {reload_s * 1000:.0f} ms", flush=True)
        for c in range((trials + 1) // 2):
            try:
                kills = cycle(ns, rng, first_s, reload_s)
                for (d, w), phase in zip(kills, ("first convergence", "reload")):
                    passed += 1
                    during += w == "during"
                    print(f"PASS kill -9 {passed} in the {phase} after {d * 1000:.0f} ms ({w} it finished)",
                          flush=True)
            except Exception as e:
                failed += 2
                print(f"FAIL cycle {c} (two kill points): {e}", flush=True)
                # The next cycle starts from the foreign state, whatever this one left.
                ns.close()
                ns = Namespace(agent)
    finally:
        ns.close()
    print(f"{during} of {passed} passing kill points fell before the agent had finished")
    if RESTART_TIMES:
        t = sorted(RESTART_TIMES)
        print(f"restart to READY=1: median {t[len(t) // 2] * 1000:.0f} ms, slowest {t[-1] * 1000:.0f} ms")
    if passed and during < passed // 4:
        print("FAIL too few kill points fell during the work: the test did not test what it says")
        failed += 1
    print(f"{passed} passed, {failed} failed, 0 skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
