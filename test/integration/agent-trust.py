#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the agent reads cannot block it or fool it, and a signal stops it at once: the real binary,
on the real kernel in a network namespace (root) and on the simulated fabric (a foreign P_Key child
needs IPoIB, which the namespace's kernel cannot create without hardware).

- A FIFO named like a configuration file neither hangs --oneshot nor a reload.
- A forged ownership record (mode 0666, owned by nobody, a FIFO, in a group-writable directory) naming
  a foreign address or P_Key child makes the agent delete nothing; the same record when trusted does
  (the control that shows the test can fail).
- A runtime directory that cannot be written is a warning, printed in the summary too.
- A configuration directory that vanishes (or becomes a file) at reload keeps everything.
- SIGTERM and SIGINT end the agent within 100 ms, measured to the process's exit through a pidfd.
- A NOTIFY_SOCKET that nobody reads does not block it.

Usage: agent-trust.py PATH-TO-ipoib-agent [TEST-NAME...]
Prints "N passed, N failed, N skipped"; exit 0 only when nothing failed, 77 when it cannot run here."""

import importlib.util
import json
import os
import pwd
import select
import signal
import subprocess
import sys
import time

from harness import Skip, eq, run_tests, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


netns = load("agent_netns", "agent-netns.py")
sim = load("agent_sim", "agent-sim.py")
# Seconds, issue 11 item 7. A sanitizer build runs 2-5 times slower: tools/test says so through
# IPOIB_TEST_SLOWDOWN, as it scales meson's and check's timeouts; the plain build holds 100 ms.
SIGNAL_DEADLINE = 0.1 * float(os.environ.get("IPOIB_TEST_SLOWDOWN", "1"))


def nobody():
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return 65534


class Ctx:
    """A network namespace (created when first asked for) and a simulated fabric directory."""

    def __init__(self):
        self._ns = None
        self._sim = None

    @property
    def ns(self):
        if not self._ns:
            if os.geteuid() != 0:
                raise Skip("needs root (network namespaces)")
            self._ns = netns.Netns()
        return self._ns

    @property
    def sim(self):
        if not self._sim:
            self._sim = sim.Sim()
        return self._sim

    def close(self):
        if self._ns:
            self._ns.close()
        if self._sim:
            self._sim.close()

    def logs(self):
        out = ""
        if self._ns:
            out += netns.netns_failure_logs(self._ns)
        if self._sim:
            out += "".join(f"---- oneshot stderr (tail) ----\n{p.stderr[-3000:]}\n" for p in self._sim.outputs)
            out += "".join(f"---- agent log (tail) ----\n{a.output()[-3000:]}\n" for a in self._sim.agents)
        return out


def exit_latency(p, sig):
    """Sends sig and returns the seconds until the process has exited (fails after 10 s)."""
    fd = os.pidfd_open(p.pid)
    try:
        start = time.monotonic()
        p.send_signal(sig)
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(10000):
            raise AssertionError(f"still running 10 s after signal {sig}")
        took = time.monotonic() - start
    finally:
        os.close(fd)
    p.wait()
    return took


# --- FIFOs and sizes ------------------------------------------------------------------------------

V0 = "[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.1/24\n"


def test_fifo_config_oneshot(ctx):
    ns = ctx.ns
    ns.veth("v0")
    ns.write("10-v0.ibnet", V0)
    fifo = os.path.join(ns.conf, "05-x.ibnet")
    os.mkfifo(fifo, 0o644)
    os.makedirs(os.path.join(ns.conf, "10-v0.ibnet.d"))
    os.mkfifo(os.path.join(ns.conf, "10-v0.ibnet.d", "50-y.conf"), 0o644)
    start = time.monotonic()
    p = ns.oneshot()  # run() has a timeout: a hang fails the test
    assert time.monotonic() - start < 10, "the oneshot run took too long"
    assert f"{fifo}: error: not a regular file (a FIFO)" in p.stderr, p.stderr[-3000:]
    assert "50-y.conf: error: not a regular file (a FIFO)" in p.stderr, p.stderr[-3000:]
    # The drop-in is part of 10-v0.ibnet: refusing it refuses the file; nothing is applied.
    eq(ns.addrs("v0", 4), [], "addresses of a link whose drop-in is a FIFO")
    os.unlink(os.path.join(ns.conf, "10-v0.ibnet.d", "50-y.conf"))
    p = ns.oneshot()
    eq(ns.addrs("v0", 4), ["192.0.2.1/24"], f"addresses once the drop-in FIFO is gone ({p.stdout})")


def test_fifo_config_reload(ctx):
    ns = ctx.ns
    ns.veth("v0")
    ns.write("10-v0.ibnet", V0)
    a = ns.agent()
    wait_for(lambda: ns.addrs("v0", 4) == ["192.0.2.1/24"], "the first configuration")
    fifo = os.path.join(ns.conf, "20-x.ibnet")
    os.mkfifo(fifo, 0o644)
    a.reload()
    wait_for(lambda: f"{fifo}: error: not a regular file (a FIFO)" in a.output(), "the FIFO refused")
    # Still answering: the next reload applies an edit.
    ns.write("10-v0.ibnet", V0.replace("192.0.2.1/24", "192.0.2.2/24"))
    a.reload()
    wait_for(lambda: ns.addrs("v0", 4) == ["192.0.2.2/24"], "the edit after the FIFO")
    assert a.alive(), a.output()[-3000:]


def test_too_large_config(ctx):
    ns = ctx.ns
    ns.veth("v0")
    path = ns.write("10-v0.ibnet", V0 + "#" * (4 * 1024 * 1024) + "\n")
    p = ns.oneshot()
    assert f"{path}: error: too large" in p.stderr, p.stderr[-3000:]
    eq(ns.addrs("v0", 4), [], "addresses")


# --- forged records -------------------------------------------------------------------------------

def forge_record(runtime, lines, mode=0o644, uid=0):
    os.makedirs(runtime, mode=0o755, exist_ok=True)
    path = os.path.join(runtime, "owned")
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.chmod(path, mode)
    os.chown(path, uid, -1)
    return path


FOREIGN = "192.0.2.77/24"


def netns_forged(ctx, mode, uid, trusted):
    ns = ctx.ns
    ns.veth("v0")
    ns.ip("addr", "add", FOREIGN, "dev", "v0")
    ns.write("10-v0.ibnet", V0)
    path = forge_record(ns.runtime, [f"address v0 {FOREIGN}"], mode, uid)
    p = ns.oneshot()
    if trusted:
        eq(ns.addrs("v0", 4), ["192.0.2.1/24"], f"the address a trusted record names is removed ({p.stderr[-2000:]})")
        return
    eq(ns.addrs("v0", 4), ["192.0.2.1/24", FOREIGN], "addresses: the foreign one stays")
    assert f"{path} is not trusted, ignoring it" in p.stderr, p.stderr[-3000:]
    assert "nothing it names is removed" in p.stderr, p.stderr[-3000:]
    assert "Warning: " in p.stdout, p.stdout


def test_record_trusted_control(ctx):
    netns_forged(ctx, 0o644, 0, True)


def test_record_world_writable(ctx):
    netns_forged(ctx, 0o666, 0, False)


def test_record_group_writable(ctx):
    netns_forged(ctx, 0o664, 0, False)


def test_record_owned_by_nobody(ctx):
    netns_forged(ctx, 0o644, nobody(), False)


def test_record_in_group_writable_dir(ctx):
    ns = ctx.ns
    ns.veth("v0")
    ns.ip("addr", "add", FOREIGN, "dev", "v0")
    ns.write("10-v0.ibnet", V0)
    forge_record(ns.runtime, [f"address v0 {FOREIGN}"])
    os.chmod(ns.runtime, 0o775)
    p = ns.oneshot()
    eq(ns.addrs("v0", 4), ["192.0.2.1/24", FOREIGN], "addresses: the foreign one stays")
    assert "its directory" in p.stderr and "is writable by its group (mode 0775)" in p.stderr, p.stderr[-3000:]


def test_record_fifo(ctx):
    ns = ctx.ns
    ns.veth("v0")
    ns.write("10-v0.ibnet", V0)
    os.makedirs(ns.runtime, mode=0o755)
    os.mkfifo(os.path.join(ns.runtime, "owned"), 0o644)
    p = ns.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stdout} {p.stderr[-2000:]})")
    assert "not a regular file (a FIFO)" in p.stderr, p.stderr[-3000:]
    eq(ns.addrs("v0", 4), ["192.0.2.1/24"], "addresses")
    # The FIFO is replaced by a real record when the agent saves.
    assert os.path.isfile(os.path.join(ns.runtime, "owned")), "the record"


def sim_forged(ctx, mode, uid, trusted):
    """A foreign P_Key child and a foreign address in the fabric; the record claims both."""
    s = ctx.sim
    nd = s.netdev("mlx4_0", 1)
    nd["addresses"] = ["10.7.0.77/24"]
    nd["children"] = [{"name": "mlx4_ib0.8002", "pkey": "0x8002"}]
    s.write("10-ib0.ibnet", "[Match]\nName=mlx4_ib0\n[Network]\nAddress=10.7.0.1/24\n")
    forge_record(s.runtime, ["child mlx4_ib0.8002 mlx4_ib0 0x8002", "address mlx4_ib0 10.7.0.77/24"], mode, uid)
    p = s.oneshot()
    links = s.ip_address()
    if trusted:
        assert "mlx4_ib0.8002" not in links, f"a trusted record's child is deleted ({p.stderr[-2000:]})"
        eq(s.global_addrs("mlx4_ib0"), ["10.7.0.1/24"], "addresses")
        return
    assert "mlx4_ib0.8002" in links, f"the foreign child was deleted ({p.stderr[-2000:]})"
    eq(s.global_addrs("mlx4_ib0"), ["10.7.0.1/24", "10.7.0.77/24"], "addresses")
    assert "is not trusted, ignoring it" in p.stderr, p.stderr[-3000:]


def test_sim_record_trusted_control(ctx):
    sim_forged(ctx, 0o644, os.geteuid(), True)


def test_sim_record_forged_child(ctx):
    sim_forged(ctx, 0o666, os.geteuid(), False)


def test_sim_record_forged_child_nobody(ctx):
    if os.geteuid() != 0:
        raise Skip("chown to nobody needs root")
    sim_forged(ctx, 0o644, nobody(), False)


def test_status_shows_untrusted_record(ctx):
    """ipoibctl status (over the control socket) prints the warning first."""
    s = ctx.sim
    s.write("10-ib0.ibnet", "[Match]\nName=mlx4_ib0\n[Network]\nAddress=10.7.0.1/24\n")
    path = forge_record(s.runtime, ["address mlx4_ib0 10.7.0.77/24"], 0o666, os.geteuid())
    a = s.agent()
    a.wait_ready()
    ctl = os.path.join(os.path.dirname(os.path.dirname(netns.AGENT)), "ipoibctl", "ipoibctl")
    p = subprocess.run([ctl, "--runtime-dir", s.runtime, "status"], capture_output=True, text=True, timeout=30)
    eq(p.returncode, 0, f"ipoibctl status ({p.stderr})")
    first = p.stdout.splitlines()[0]
    eq(first, f"Warning: {path} is not trusted, ignoring it: writable by everyone (mode 0666); nothing it "
              "names is removed", "the first line")
    p = subprocess.run([ctl, "--runtime-dir", s.runtime, "status", "--json"], capture_output=True, text=True,
                       timeout=30)
    eq(len(json.loads(p.stdout)["warnings"]), 1, "Describe()'s warnings")


# --- an unwritable runtime directory --------------------------------------------------------------

def test_runtime_dir_read_only(ctx):
    """A read-only bind mount in a private mount namespace: root cannot write it either."""
    ns = ctx.ns
    if not os.path.exists("/usr/bin/unshare"):
        raise Skip("no unshare(1)")
    ns.veth("v0")
    ns.write("10-v0.ibnet", V0)
    os.makedirs(ns.runtime, mode=0o755)
    script = (f"mount --bind {ns.runtime} {ns.runtime} && mount -o remount,bind,ro {ns.runtime} && "
              f"exec {netns.AGENT} --oneshot --config-dir {ns.conf} --runtime-dir {ns.runtime}")
    p = netns.run(["ip", "netns", "exec", ns.name, "unshare", "-m", "--propagation", "private", "sh", "-c", script],
                  check=False)
    eq(p.returncode, 0, f"exit status ({p.stdout} {p.stderr[-2000:]})")
    assert f"{ns.runtime} is not writable (Read-only file system)" in p.stderr, p.stderr[-3000:]
    assert f"Warning: {ns.runtime} is not writable" in p.stdout, p.stdout
    eq(ns.addrs("v0", 4), ["192.0.2.1/24"], "addresses: the agent works all the same")


# --- a vanished configuration directory -----------------------------------------------------------

def test_config_dir_vanishes_at_reload(ctx):
    ns = ctx.ns
    ns.veth("v0")
    ns.write("10-v0.ibnet", V0)
    a = ns.agent()
    wait_for(lambda: ns.addrs("v0", 4) == ["192.0.2.1/24"], "the first configuration")
    mark = len(a.output())
    moved = ns.conf + ".moved"
    os.rename(ns.conf, moved)
    a.reload()
    wait_for(lambda: f"{ns.conf}: the configuration directory is gone; keeping the last good configuration"
             in a.output()[mark:], "the vanished directory reported")
    with open(ns.conf, "w") as f:  # replaced by a file
        f.write("")
    a.reload()
    wait_for(lambda: f"{ns.conf}: not a directory; keeping the last good configuration" in a.output()[mark:],
             "the file in its place reported")
    # Signals are handled in order: the first reload is complete. Nothing was sent for either.
    eq(netns.mutations(a.output()[mark:]), [], "mutating messages after the reloads")
    eq(ns.addrs("v0", 4), ["192.0.2.1/24"], "addresses")
    os.unlink(ns.conf)
    os.rename(moved, ns.conf)
    a.reload()
    wait_for(lambda: "Reloaded 1 configuration file" in a.output()[mark:], "the directory back")
    # The control: a present, empty directory does mean "nothing configured".
    os.unlink(os.path.join(ns.conf, "10-v0.ibnet"))
    a.reload()
    wait_for(lambda: ns.addrs("v0", 4) == [], "the address removed for an empty directory")
    assert a.alive(), a.output()[-3000:]


def test_config_dir_not_a_directory_at_start(ctx):
    ns = ctx.ns
    ns.veth("v0")
    os.rmdir(ns.conf)
    with open(ns.conf, "w") as f:
        f.write("")
    p = ns.oneshot()
    assert p.returncode != 0, p.stdout
    assert f"{ns.conf}: not a directory; not starting" in p.stderr, p.stderr[-3000:]


# --- SIGTERM and SIGINT ---------------------------------------------------------------------------

def daemon_signal(ctx, sig):
    ns = ctx.ns
    ns.veth("v0")
    ns.write("10-v0.ibnet", V0)
    a = ns.agent()
    wait_for(lambda: ns.addrs("v0", 4) == ["192.0.2.1/24"], "the first configuration")
    took = exit_latency(a.p, sig)
    assert took < SIGNAL_DEADLINE, f"exit {took * 1000:.1f} ms after the signal"
    eq(ns.addrs("v0", 4), ["192.0.2.1/24"], "the configuration stays after the exit")


def test_sigterm_daemon(ctx):
    daemon_signal(ctx, signal.SIGTERM)


def test_sigint_daemon(ctx):
    daemon_signal(ctx, signal.SIGINT)


def test_sigterm_oneshot_many_links(ctx, n=1000, trials=3):
    """During the convergence of n links, with every netlink message traced to the log. The best of a few
    trials (the addresses flushed in between, so that there is work again): the machine may be shared."""
    ns = ctx.ns
    ns.batch([f"link add a{i} type veth peer name b{i}" for i in range(n)])
    # 20 addresses a link, 20,000 requests: the agent's batched convergence of 1000 links with one
    # address each can end before the signal arrives, and then there is nothing to interrupt.
    addresses = "".join(f"Address=10.1.0.{k}/16\n" for k in range(1, 21))
    ns.write("10-a.ibnet", "[Match]\nName=a*\nType=ether\n[Link]\nMTU=9000\n[Network]\n" + addresses)
    best = None
    for trial in range(trials):
        if trial > 0:
            ns.batch([f"address flush dev a{i}" for i in range(n)])
        log = open(os.path.join(ns.dir, f"oneshot{trial}.log"), "w+")
        p = subprocess.Popen(["ip", "netns", "exec", ns.name, netns.AGENT, "--oneshot", "--config-dir", ns.conf,
                              "--runtime-dir", ns.runtime, "--log-level", "debug"],
                             stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, **netns.TRACE_ENV))
        try:
            def sending():
                with open(log.name) as f:
                    return "netlink: send RTM_NEWADDR" in f.read()
            wait_for(sending, "the agent to be sending", timeout=30)
            took = exit_latency(p, signal.SIGTERM)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            log.close()
        assert p.returncode != 0, "the --oneshot converged before SIGTERM came: give it more work"
        assert p.returncode == 1, f"an interrupted --oneshot exits 1, not {p.returncode}"
        best = took if best is None else min(best, took)
        if best < SIGNAL_DEADLINE:
            break
    assert best < SIGNAL_DEADLINE, f"exit {best * 1000:.1f} ms after SIGTERM, best of {trials}"


def test_sigterm_during_reload_of_many_files(ctx, n=10000, trials=3):
    """SIGTERM while a reload reads n files: the listing and the load stop between two files
    (stop_signal_pending()). The best of a few trials: this machine may be shared, and 100 ms of wall
    time is what is measured."""
    import socket
    ns = ctx.ns
    for i in range(n):
        ns.write(f"{i:05d}-x.ibnet", f"[Match]\nName=x{i}\n[Network]\nAddress=10.{i // 250}.{i % 250}.1/24\n")
    best = None
    for trial in range(trials):
        path = os.path.join(ns.dir, f"notify{trial}")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(60)
        try:
            a = ns.agent({"NOTIFY_SOCKET": path})

            def until(word):
                while word not in sock.recv(4096).decode():
                    pass
            until("READY=1")
            a.reload()
            until("RELOADING=1")  # sent just before the files are read
            took = exit_latency(a.p, signal.SIGTERM)
        finally:
            sock.close()
        best = took if best is None else min(best, took)
        if best < SIGNAL_DEADLINE:
            break
    assert best < SIGNAL_DEADLINE, f"exit {best * 1000:.1f} ms after SIGTERM, best of {trials}"


def test_notify_socket_nobody_reads(ctx):
    """A NOTIFY_SOCKET that nobody reads holds 10 datagrams (net.unix.max_dgram_qlen); libsystemd's
    sd_notify() then blocks. The agent must go on answering: twenty reloads over the control socket
    (RELOADING=1, READY=1 and STATUS= each), status after them, and SIGTERM at once."""
    import socket
    s = ctx.sim
    s.write("10-ib0.ibnet", "[Match]\nName=mlx4_ib0\n[Network]\nAddress=10.7.0.1/24\n")
    s.write_fabric()
    path = os.path.join(s.dir, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    ctl = os.path.join(os.path.dirname(os.path.dirname(netns.AGENT)), "ipoibctl", "ipoibctl")
    log = open(os.path.join(s.dir, "agent-notify.log"), "w+")
    p = subprocess.Popen(s.argv(), stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, NOTIFY_SOCKET=path))

    def ctl_run(*args):
        return subprocess.run([ctl, "--runtime-dir", s.runtime, *args], capture_output=True, text=True, timeout=10)

    def logged():
        with open(log.name) as f:
            return f.read()
    try:
        wait_for(lambda: ctl_run("status").returncode == 0, "the agent to answer")
        for i in range(20):
            r = ctl_run("reload")
            eq(r.returncode, 0, f"reload {i} ({r.stderr.strip()})")
        wait_for(lambda: "notification socket $NOTIFY_SOCKET is full" in logged(), "the warning about the socket")
        eq(ctl_run("status").returncode, 0, "status after the reloads")
        took = exit_latency(p, signal.SIGTERM)
        assert took < SIGNAL_DEADLINE, f"exit {took * 1000:.1f} ms after SIGTERM"
        eq(logged().count("notification socket $NOTIFY_SOCKET is full"), 1, "the warning, once")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        sock.close()
        log.close()


def sim_children_files(s, per_port):
    for parent in ("mlx4_ib0", "mlx4_ib1", "mlx5_ib0"):
        for k in range(per_port):
            pkey = 0x8100 + k
            s.write(f"20-{parent}-{k}.ibnet", f"[Match]\nName={parent}\n[Partition]\nPKey=0x{pkey:04x}\n"
                                             f"[Network]\nAddress=10.{k}.{pkey & 0xff}.1/24\n")


def test_sigterm_simulate_long_run(ctx):
    """The simulated fabric delivers its answers in slices: a signal is handled between two."""
    s = ctx.sim
    sim_children_files(s, 200)
    s.write_fabric()
    a = s.agent()
    wait_for(lambda: "Simulated fabric: " in a.output() and "create" in a.output(), "the agent to be creating children",
             timeout=30)
    took = exit_latency(a.p, signal.SIGTERM)
    assert took < SIGNAL_DEADLINE, f"exit {took * 1000:.1f} ms after SIGTERM"


def test_sigint_simulate_oneshot(ctx):
    """SIGINT while the simulated fabric creates 600 children: one trial, within the deadline."""
    s = ctx.sim
    sim_children_files(s, 200)
    s.write_fabric()
    log = open(os.path.join(s.dir, "oneshot.log"), "w+")
    p = subprocess.Popen(s.argv() + ["--oneshot"], stdout=log, stderr=subprocess.STDOUT)
    try:
        def creating():
            with open(log.name) as f:
                return "Simulated fabric: " in f.read()
        wait_for(creating, "the agent to be creating children", timeout=30)
        took = exit_latency(p, signal.SIGINT)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.close()
    print(f"exit {took * 1000:.1f} ms after SIGINT", flush=True)
    assert took < SIGNAL_DEADLINE, f"exit {took * 1000:.1f} ms after SIGINT"


def test_sigint_simulate_oneshot_after_summary(ctx):
    """SIGINT once the summary is out: the simulated fabric's view is being completed at exit (600 children,
    7,800 files), outside the event loop, and that must stop too (it took 0.4-1.5 s)."""
    s = ctx.sim
    sim_children_files(s, 200)
    s.write_fabric()
    log = open(os.path.join(s.dir, "oneshot.log"), "w+")
    p = subprocess.Popen(s.argv() + ["--oneshot", "--log-level", "err"], stdout=log, stderr=subprocess.STDOUT)
    try:
        def summary():
            with open(log.name) as f:
                return "changes sent" in f.read()
        wait_for(summary, "the summary", timeout=60)
        took = exit_latency(p, signal.SIGINT)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.close()
    print(f"exit {took * 1000:.1f} ms after SIGINT", flush=True)
    assert took < SIGNAL_DEADLINE, f"exit {took * 1000:.1f} ms after SIGINT"


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    agent = os.path.abspath(sys.argv[1])
    netns.AGENT = sim.AGENT = agent
    return run_tests(TESTS, sys.argv[2:], Ctx, lambda ctx: ctx.logs())


if __name__ == "__main__":
    sys.exit(main())
