#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The control API for real: a dbus-daemon with Debian's system-bus default policy plus our
units/org.ipoib.Agent1.conf, the agent on the simulated fabric, and real clients (ipoibctl, busctl).

Usage: agent-bus.py AGENT IPOIBCTL SRCDIR
Prints "N passed, N failed, N skipped"; exit 0 only when nothing failed; 77 when dbus-daemon is
missing. The checks that act as another user (the policy for non-root callers) need root and are
skipped without it."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import Skip, eq, run_tests, start_bus

AGENT, IPOIBCTL, SRC = (os.path.abspath(a) for a in sys.argv[1:4])
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]



def run(cmd, env, check=False):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=30, check=check)


class World:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ipoib-agent-bus-")
        os.chmod(self.dir, 0o755)
        self.bus, address = start_bus(self.dir, SRC)
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
        self.env.pop("IPOIB_RUNTIME_DIR", None)
        self.no_bus_env = dict(self.env, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={self.dir}/no-bus")
        self.run_dir = os.path.join(self.dir, "run")
        self.conf = os.path.join(self.dir, "conf")
        shutil.copytree(os.path.join(SRC, "examples"), self.conf, ignore=shutil.ignore_patterns("fabric", "veth"))
        for root, dirs, files in os.walk(self.conf):
            os.chmod(root, 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        self.fabric = os.path.join(self.dir, "fabric.json")
        shutil.copy(os.path.join(SRC, "examples/fabric/cx3-cx6.json"), self.fabric)
        self.agent = None

    def start_agent(self):
        self.log = open(os.path.join(self.dir, "agent.log"), "w+")
        self.agent = subprocess.Popen([AGENT, "--simulate", self.fabric, "--config-dir", self.conf,
                                       "--runtime-dir", os.path.join(self.dir, "run"), "--log-level", "debug"],
                                      stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        for _ in range(200):
            p = run(["busctl", "get-property", "org.ipoib.Agent1", "/org/ipoib/Agent1", "org.ipoib.Agent1.Manager",
                     "State"], self.env)
            if p.stdout.strip() == 's "running"':
                return
            time.sleep(0.05)
        raise AssertionError("the agent did not become ready on the bus: " + self.output()[-2000:])

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def ctl(self, *args, user=None, env=None):
        return run((user or []) + [IPOIBCTL, *args], env or self.env)

    def close(self):
        for p in (self.agent, self.bus):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_not_running(w):
    p = w.ctl("status")
    eq(p.returncode, 1, "exit status")
    assert "ipoib-agent is not running (org.ipoib.Agent1 is not on the system bus; no /run/ipoib-agent/control)" \
        in p.stderr, p.stderr
    p = w.ctl("--runtime-dir", w.run_dir, "status", env=w.no_bus_env)
    eq(p.returncode, 1, "exit status without a bus")
    assert f"ipoib-agent is not running (no system bus: No such file or directory; no {w.run_dir}/control)" \
        in p.stderr, p.stderr


def test_add_edit_delete_without_agent(w):
    """No agent: add, edit and delete still do what they say to the files (add and edit check first) and
    exit 0, with a note that nothing was applied; a file with errors is still refused (exit 1)."""
    conf = os.path.join(w.dir, "conf-new")
    os.mkdir(conf, 0o755)
    note = "ipoibctl: note: ipoib-agent is not running, so nothing was applied; "
    base = ["--runtime-dir", w.run_dir, "--config-dir", conf]
    p = w.ctl(*base, "add", "50-ib9", "--name", "ib9", "--address", "10.9.0.1/24", env=w.no_bus_env)
    path = os.path.join(conf, "50-ib9.ibnet")
    eq((p.returncode, p.stdout), (0, f"Wrote {path}.\n"), f"add ({p.stderr})")
    eq(p.stderr, note + "the file is in place and checked, and the agent reads the files when it starts.\n",
       "add's note")
    ed = os.path.join(w.dir, "ed.sh")
    with open(ed, "w") as f:
        f.write('#!/bin/sh\nprintf "\\n[Link]\\nMTU=2044\\n" >> "$1"\n')
    os.chmod(ed, 0o755)
    p = w.ctl(*base, "edit", "50-ib9", env=dict(w.no_bus_env, EDITOR=ed, VISUAL=""))
    eq((p.returncode, p.stderr.startswith(note)), (0, True), f"edit ({p.stderr})")
    with open(path) as f:
        assert "MTU=2044" in f.read(), "the edit is in the file"
    p = w.ctl(*base, "add", "51-bad", "--name", "ib9", "--address", "not-an-address", env=w.no_bus_env)
    eq(p.returncode, 1, "a bad file is still refused")
    assert not os.path.exists(os.path.join(conf, "51-bad.ibnet")), "nothing installed"
    p = w.ctl(*base, "delete", "50-ib9", env=w.no_bus_env)
    eq((p.returncode, p.stderr), (0, note + "the files are removed, and the agent reads the files when it starts.\n"),
       "delete")
    assert not os.path.exists(path), "the file is gone"


def test_control_socket(w):
    """Without a bus, ipoibctl reaches the agent on RUNTIME-DIR/control (--runtime-dir or $IPOIB_RUNTIME_DIR);
    the socket is root's, mode 0600, and goes away with the agent."""
    w.start_agent()
    sock = os.path.join(w.run_dir, "control")
    st = os.stat(sock)
    eq((oct(st.st_mode & 0o777), st.st_uid), ("0o600", os.geteuid()), "mode and owner of the socket")
    p = w.ctl("--runtime-dir", w.run_dir, "status", "mlx4_ib0", env=w.no_bus_env)
    eq(p.returncode, 0, f"status over the socket ({p.stderr})")
    assert "State: configured" in p.stdout, p.stdout
    p = w.ctl("reload", env=dict(w.no_bus_env, IPOIB_RUNTIME_DIR=w.run_dir))
    eq(p.returncode, 0, f"reload over the socket, $IPOIB_RUNTIME_DIR ({p.stderr})")
    assert "Reloaded 6 files." in p.stdout, p.stdout
    # Beside a bus with the agent on it, --runtime-dir still means that agent's socket.
    p = w.ctl("--runtime-dir", w.run_dir, "plan")
    eq((p.returncode, p.stdout), (0, "Nothing to change.\n"), "plan over the socket, bus present")
    w.agent.send_signal(signal.SIGTERM)
    w.agent.wait(10)
    assert not os.path.exists(sock), "the socket outlived the agent"


def test_control_socket_refuses_others(w):
    """Another user: the socket's mode keeps them out, and with the mode opened up the agent still
    refuses them (SO_PEERCRED)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        raise Skip("needs root and setpriv to act as nobody")
    w.start_agent()
    env = dict(w.no_bus_env, IPOIB_RUNTIME_DIR=w.run_dir)
    p = w.ctl("status", user=NOBODY, env=env)
    eq(p.returncode, 1, "status as nobody over the socket")
    eq(p.stderr, f"ipoibctl: {w.run_dir}/control: permission denied; only root may use the control socket\n",
       "the refusal")
    os.chmod(os.path.join(w.run_dir, "control"), 0o666)
    for verb in ("status", "reload"):
        p = w.ctl(verb, user=NOBODY, env=env)
        eq((p.returncode, p.stderr), (1, "ipoibctl: the agent closed the control connection (it serves root only)\n"),
           f"{verb} as nobody on an open socket")
    assert "Refusing a control connection from uid 65534" in w.output(), w.output()[-2000:]
    eq(w.ctl("status", env=env).returncode, 0, "root still gets in")


def test_status(w):
    w.start_agent()
    p = w.ctl("status")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    for want in ["● mlx4_ib0 (5)", "State: configured", "IPoIB: P_Key 0xffff, mode connected, umcast no",
                 "MTU: 65520, up, carrier", "GUID: 0002:c903:0001:2345",
                 "Port: mlx4_0/1 active, IB MTU 2048, LID 3, SM LID 1, P_Keys 0xffff 0x8002",
                 "Children: mlx4_ib0.8002 (created)", "● mlx4_ib0.8002 (8)", "Parent: mlx4_ib0",
                 "IPoIB: P_Key 0x8002, mode datagram"]:
        assert want in p.stdout, f"{want!r} not in:\n{p.stdout}"
    p = w.ctl("--json", "status", "mlx5_ib0")
    eq(p.returncode, 0, "exit status (--json)")
    j = json.loads(p.stdout)
    eq([l["name"] for l in j["links"]], ["mlx5_ib0"], "links")
    l = j["links"][0]
    eq((l["state"], l["mtu"], l["ipoib"]["mode"], l["port"]["enhanced"]), ("configured", 4092, "datagram", True),
       "mlx5_ib0")
    assert "203.0.113.65/26" in l["addresses"], l["addresses"]


def test_unknown_link(w):
    """A name that matches no link: "ipoibctl: no link NAME" and exit status 1, also beside a name that
    does match (shown all the same), with --json, and for plan."""
    w.start_agent()
    for args in [("status", "nosuch0"), ("status", "mlx4_ib0", "nosuch0"), ("--json", "status", "nosuch0", "mlx4_ib0"),
                 ("plan", "nosuch0"), ("plan", "mlx4_ib0", "nosuch0"), ("--json", "plan", "nosuch0")]:
        p = w.ctl(*args)
        eq((p.returncode, p.stderr), (1, "ipoibctl: no link nosuch0\n"), f"ipoibctl {' '.join(args)}")
        if "mlx4_ib0" in args and "status" in args:
            if "--json" in args:
                eq([l["name"] for l in json.loads(p.stdout)["links"]], ["mlx4_ib0"], "links (--json)")
            else:
                assert "● mlx4_ib0 (5)" in p.stdout and "nosuch0" not in p.stdout, p.stdout
    p = w.ctl("status", "mlx4_ib*", "mlx5_ib0")
    eq((p.returncode, p.stderr), (0, ""), "globs and names that all match")
    eq([l for l in p.stdout.splitlines() if l.startswith("● ")],
       ["● mlx4_ib0 (5)", "● mlx4_ib1 (6)", "● mlx5_ib0 (7)", "● mlx4_ib0.8002 (8)"], "links shown")
    p = w.ctl("plan", "mlx4_ib0")
    eq((p.returncode, p.stdout), (0, "Nothing to change.\n"), "plan for a link that exists")


def test_status_and_summary_agree(w):
    """With the HCA of the [Partition] file's parent absent, the running agent (ipoibctl status, --json)
    and a --oneshot run on the same files give the same answer from the same view: the child file is
    pending, "no parent link matches its [Match]"; the parent's file matches no link; a file that an earlier
    one shadows says so."""
    with open(w.fabric) as f:
        fabric = json.load(f)
    fabric["hcas"][0]["present"] = False
    with open(w.fabric, "w") as f:
        json.dump(fabric, f)
    shadowed = os.path.join(w.conf, "45-shadowed.ibnet")
    with open(shadowed, "w") as f:
        f.write("[Match]\nName=mlx5_ib0\n\n[Network]\nAddress=192.0.2.99/24\n")
    os.chmod(shadowed, 0o644)
    w.start_agent()
    child, parent = (os.path.join(w.conf, n) for n in ("20-mlx4_ib0.8002.ibnet", "10-mlx4_ib0.ibnet"))
    assert f"{shadowed}: matches mlx5_ib0 too, but 40-connectx6.ibnet comes first\n" in w.ctl("status").stdout
    p = w.ctl("status")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    assert f"{child}: no parent link matches its [Match]\n" in p.stdout, p.stdout
    assert f"{parent}: no link matches its [Match]\n" in p.stdout, p.stdout
    j = json.loads(w.ctl("--json", "status").stdout)
    files = {e["path"]: (e["name"], e["state"], e["reason"]) for e in j["unmatched_files"]}
    eq(files[child], ("mlx4_ib0.8002", "pending", "no parent link matches its [Match]"), "the child file")
    eq(files[parent], ("mlx4_ib0", "unused", "no link matches its [Match]"), "the parent file")
    eq(sorted(j["unused"]), sorted(files), "unused: the same files")
    o = run([AGENT, "--oneshot", "--simulate", w.fabric, "--config-dir", w.conf, "--runtime-dir",
             os.path.join(w.dir, "run-oneshot")], w.env)
    rows = {l.split()[2].rstrip(":"): l.split(None, 2) for l in o.stdout.splitlines()[:-1]}
    eq(rows["20-mlx4_ib0.8002.ibnet"][:2], ["mlx4_ib0.8002", "pending"], "the child's summary line")
    assert rows["20-mlx4_ib0.8002.ibnet"][2].endswith(": no parent link matches its [Match]"), o.stdout
    eq(rows["10-mlx4_ib0.ibnet"][:2], ["mlx4_ib0", "unused"], "the parent's summary line")
    eq(rows["45-shadowed.ibnet"], ["mlx5_ib0", "unused", "45-shadowed.ibnet: matches mlx5_ib0 too, but "
                                                          "40-connectx6.ibnet comes first"], "the shadowed file")
    assert o.stdout.splitlines()[-1].startswith("1 link matched, 1 configured, "), o.stdout


def test_plan_and_blocked(w):
    # A child the agent did not create, under the name a file wants, with another P_Key: the plan
    # says why it will not touch it.
    with open(w.fabric) as f:
        fabric = json.load(f)
    fabric["hcas"][0]["ports"][0]["netdev"]["children"] = [{"name": "mlx4_ib0.8002", "pkey": "0x8003"}]
    with open(w.fabric, "w") as f:
        json.dump(fabric, f)
    w.start_agent()
    p = w.ctl("plan")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    assert "mlx4_ib0.8002: blocked: the link exists with another P_Key and was not created by the agent" in p.stdout, \
        p.stdout
    j = json.loads(w.ctl("--json", "plan").stdout)
    eq([l["name"] for l in j["links"]], ["mlx4_ib0.8002"], "links with something to say")


def test_plan_nothing(w):
    w.start_agent()
    p = w.ctl("plan")
    eq((p.returncode, p.stdout), (0, "Nothing to change.\n"), "plan")


def test_reload(w):
    """A rejected file: ipoibctl reload names file:line and exits 1, Reload() fails with InvalidConfig, the
    last good version stays in force and status says so; an edit not yet reloaded is marked too."""
    w.start_agent()
    path = os.path.join(w.conf, "40-connectx6.ibnet")
    with open(path) as f:
        good = f.read()
    p = w.ctl("reload")
    eq((p.returncode, p.stdout, p.stderr), (0, "Reloaded 6 files.\n", ""), "reload with nothing wrong")
    with open(path, "a") as f:
        f.write("# edited\n")
    p = w.ctl("status", "mlx5_ib0")
    assert "edited since it was loaded; ipoibctl reload applies it" in p.stdout, p.stdout
    with open(path, "a") as f:
        f.write("[Link]\nMTUU=1\n")
    line = good.count("\n") + 3
    p = w.ctl("reload")
    eq(p.returncode, 1, f"exit status ({p.stdout} {p.stderr})")
    eq(p.stderr, "ipoibctl: reload: 1 file rejected (the last good version stays in force where there was one):\n"
       f"{path}:{line}: error: unknown key MTUU= in [Link]; known keys are MTU, RequireActivePort\n", "stderr")
    assert "40-connectx6.ibnet: keeping the last good version" in w.output(), w.output()[-2000:]
    p = run(["busctl", "call", "org.ipoib.Agent1", "/org/ipoib/Agent1", "org.ipoib.Agent1.Manager", "Reload"], w.env)
    eq(p.returncode, 1, "Reload via busctl")
    assert "org.ipoib.Agent1.Error.InvalidConfig" in p.stderr or f"{path}:{line}: error" in p.stderr, p.stderr
    j = json.loads(w.ctl("--json", "status", "mlx5_ib0").stdout)
    l = j["links"][0]
    eq((l["state"], l["mtu"]), ("configured", 4092), "the last good version runs")
    eq(l["file_changed"], "has errors; the last good version runs (ipoibctl reload names them)", "file_changed")
    eq(j["rejected_files"], [{"path": path, "last_good_running": True, "errors": [
        f"{path}:{line}: error: unknown key MTUU= in [Link]; known keys are MTU, RequireActivePort"]}], "rejected_files")
    with open(path, "w") as f:
        f.write(good)
    p = w.ctl("reload")
    eq((p.returncode, p.stderr), (0, ""), "reload after the fix")
    j = json.loads(w.ctl("--json", "status", "mlx5_ib0").stdout)
    eq((j["rejected_files"], j["links"][0].get("file_changed")), ([], None), "nothing rejected, nothing changed")


def test_dropin_added_is_noticed(w):
    """A drop-in created after the load (NAME.ibnet.d/*.conf): status says the file on disk is not what
    runs until a reload; a masking drop-in (empty) is no change, nor a file that is not *.conf."""
    w.start_agent()
    d = os.path.join(w.conf, "40-connectx6.ibnet.d")
    os.makedirs(d, mode=0o755, exist_ok=True)
    for name, text in (("README", "not a drop-in\n"), ("50-masked.conf", "")):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)

    def changed():
        return json.loads(w.ctl("--json", "status", "mlx5_ib0").stdout)["links"][0].get("file_changed")
    eq(changed(), None, "no drop-in added")
    path = os.path.join(d, "60-mtu.conf")
    with open(path, "w") as f:
        f.write("[Link]\nMTU=2044\n")
    os.chmod(path, 0o644)
    eq(changed(), "a drop-in was added since it was loaded; ipoibctl reload applies it", "after the drop-in")
    assert "a drop-in was added since it was loaded" in w.ctl("status", "mlx5_ib0").stdout, w.last.stdout
    p = w.ctl("reload")
    eq(p.returncode, 0, f"reload ({p.stderr})")  # the README and the masking file are warned about
    eq(changed(), None, "after the reload")


def test_policy_for_other_users(w):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        raise Skip("needs root and setpriv to act as nobody")
    w.start_agent()
    p = w.ctl("status", "mlx4_ib0", user=NOBODY)
    eq(p.returncode, 0, f"status as nobody ({p.stderr})")
    assert "State: configured" in p.stdout, p.stdout
    eq(w.ctl("plan", user=NOBODY).returncode, 0, "plan as nobody")
    p = w.ctl("reload", user=NOBODY)
    eq(p.returncode, 1, "reload as nobody")
    assert "Reload: permission denied; only root may do that" in p.stderr, p.stderr


def test_busctl_introspect(w):
    w.start_agent()
    p = run(["busctl", "introspect", "org.ipoib.Agent1", "/org/ipoib/Agent1", "org.ipoib.Agent1.Manager"], w.env)
    eq(p.returncode, 0, f"introspect ({p.stderr})")
    for member in [".Describe", ".Plan", ".Reload", ".Backend", ".State", ".Version"]:
        assert member in p.stdout, p.stdout
    p = run(["busctl", "call", "org.ipoib.Agent1", "/org/ipoib/Agent1", "org.ipoib.Agent1.Manager", "Describe"],
            w.env)
    eq(p.returncode, 0, "Describe via busctl")
    assert p.stdout.startswith('s "{') and '\\"backend\\":\\"simulated\\"' in p.stdout, p.stdout[:300]


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def main():
    if not shutil.which("dbus-daemon") or not shutil.which("busctl"):
        print("SKIP: needs dbus-daemon and busctl")
        return 77
    return run_tests(TESTS, sys.argv[4:], World, lambda w: w.output()[-3000:] if w.agent else "")


if __name__ == "__main__":
    sys.exit(main())
