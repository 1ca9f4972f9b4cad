#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""ipoibctl's verbs end to end, the binaries as shipped: a dbus-daemon with our bus policy, the agent on
the simulated fabric with the examples as its configuration, ipoibctl as the client. list, cat by file
and by link, --json on every read verb, add/edit/delete round trips (EDITOR is a script), the
conventions (NO_COLOR, --help in LC_ALL=C, exit codes, the program name in errors).

Usage: ipoibctl-verbs.py AGENT IPOIBCTL SRCDIR [TEST...]
Prints "N passed, N failed, N skipped"; exit 0 only when nothing failed; 77 when dbus-daemon is
missing."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import eq, run_tests

AGENT, IPOIBCTL, SRC = (os.path.abspath(a) for a in sys.argv[1:4])

BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={sock}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"/>
  </policy>
  <include>{policy}</include>
</busconfig>
"""


def run(cmd, env, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, **kw)


class World:
    """A bus and the agent on the simulated fabric, started on first use of ctl() (or start())."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ipoibctl-verbs-")
        os.chmod(self.dir, 0o755)
        sock = os.path.join(self.dir, "bus")
        with open(os.path.join(self.dir, "bus.conf"), "w") as f:
            f.write(BUS_CONF.format(sock=sock, policy=os.path.join(SRC, "units/org.ipoib.Agent1.conf")))
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={sock}", LC_ALL="C.UTF-8",
                        IPOIB_RUNTIME_DIR=os.path.join(self.dir, "run"), IPOIB_AGENT=AGENT)
        self.env.pop("NO_COLOR", None)
        self.bus = subprocess.Popen(["dbus-daemon", "--nofork", "--config-file", os.path.join(self.dir, "bus.conf")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(sock) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.conf = os.path.join(self.dir, "conf")
        shutil.copytree(os.path.join(SRC, "examples"), self.conf,
                        ignore=shutil.ignore_patterns("fabric", "veth", "ansible"))
        for root, dirs, files in os.walk(self.conf):
            os.chmod(root, 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        self.fabric = os.path.join(self.dir, "fabric.json")
        shutil.copy(os.path.join(SRC, "examples/fabric/cx3-cx6.json"), self.fabric)
        self.agent = None
        self.log = None
        self.last = None

    def start(self):
        self.log = open(os.path.join(self.dir, "agent.log"), "w+")
        self.agent = subprocess.Popen([AGENT, "--simulate", self.fabric, "--config-dir", self.conf,
                                       "--runtime-dir", os.path.join(self.dir, "run"), "--log-level", "debug"],
                                      stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            p = run(["busctl", "get-property", "org.ipoib.Agent1", "/org/ipoib/Agent1", "org.ipoib.Agent1.Manager",
                     "State"], self.env)
            if p.stdout.strip() == 's "running"':
                return
            time.sleep(0.05)
        raise AssertionError("the agent did not become ready on the bus: " + self.output()[-2000:])

    def output(self):
        if not self.log:
            return ""
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def ctl(self, *args, env=None, **kw):
        self.last = run([IPOIBCTL, *args], dict(self.env, **(env or {})), **kw)
        return self.last

    def view(self, *links):
        p = self.ctl("--json", "status", *links)
        eq(p.returncode, 0, f"status --json ({p.stderr})")
        return json.loads(p.stdout)

    def close(self):
        for p in (self.agent, self.bus):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if self.log:
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def logs(w):
    s = w.output()[-3000:]
    if w.last:
        s += f"\n---- last ipoibctl {w.last.args[1:]} ----\n{w.last.stdout[-2000:]}\n{w.last.stderr[-2000:]}"
    return s


def test_list(w):
    """No verb = list: a legend, one line per link (index, name, type, state, file), a count."""
    w.start()
    p = w.ctl()
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    lines = p.stdout.splitlines()
    eq(lines[0].split(), ["IDX", "LINK", "TYPE", "STATE", "FILE"], "legend")
    rows = [l.split() for l in lines[1:] if l and not l.endswith("listed.")]
    eq(rows, [["5", "mlx4_ib0", "infiniband", "configured", "10-mlx4_ib0.ibnet"],
              ["6", "mlx4_ib1", "infiniband", "configured", "30-ib-by-guid.ibnet"],
              ["7", "mlx5_ib0", "infiniband", "configured", "40-connectx6.ibnet"],
              ["8", "mlx4_ib0.8002", "infiniband", "configured", "20-mlx4_ib0.8002.ibnet"]], "rows")
    eq(lines[-1], "4 links listed.", "summary")
    eq(w.ctl("list").stdout, p.stdout, "list = no verb")
    # Columns line up: every row's FILE starts where the legend's does.
    col = lines[0].index("FILE")
    for l in lines[1:5]:
        assert l[col - 1] == " " and l[col] != " ", f"misaligned: {l!r} (FILE at {col})"


def test_list_globs(w):
    w.start()
    p = w.ctl("--no-legend", "list", "mlx4*")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    eq([l.split()[1] for l in p.stdout.splitlines()], ["mlx4_ib0", "mlx4_ib1", "mlx4_ib0.8002"], "mlx4*")
    p = w.ctl("--no-legend", "list", "mlx5_ib0", "nosuch*")
    eq((p.returncode, p.stderr), (1, "ipoibctl: no link nosuch*\n"), "a glob that matches nothing")
    eq([l.split()[1] for l in p.stdout.splitlines()], ["mlx5_ib0"], "the link that matched is listed")
    j = json.loads(w.ctl("--json", "list", "*.8002").stdout)
    eq(j, {"links": [{"ifindex": 8, "name": "mlx4_ib0.8002", "type": "infiniband", "state": "configured",
                      "file": os.path.join(w.conf, "20-mlx4_ib0.8002.ibnet")}]}, "--json list")


def test_cat_by_link(w):
    """cat LINK: the file the agent says configures it, with its drop-ins; by file name the same."""
    w.start()
    by_link = w.ctl("--config-dir", w.conf, "cat", "mlx4_ib0")
    eq(by_link.returncode, 0, f"exit status ({by_link.stderr})")
    main, dropin = os.path.join(w.conf, "10-mlx4_ib0.ibnet"), os.path.join(w.conf, "10-mlx4_ib0.ibnet.d/50-site-dns.conf")
    with open(main) as f, open(dropin) as g:
        eq(by_link.stdout, f"# {main}\n{f.read()}\n# {dropin}\n{g.read()}", "cat mlx4_ib0")
    eq(w.ctl("--config-dir", w.conf, "cat", "10-mlx4_ib0").stdout, by_link.stdout, "by file name")
    eq(w.ctl("--config-dir", w.conf, "cat", "10-mlx4_ib0.ibnet").stdout, by_link.stdout, "by full file name")
    p = w.ctl("--config-dir", w.conf, "cat", "mlx4_ib0.8002")
    assert p.stdout.startswith(f"# {w.conf}/20-mlx4_ib0.8002.ibnet\n") and "[Partition]" in p.stdout, p.stdout
    p = w.ctl("--config-dir", w.conf, "cat", "nosuch0", "mlx5_ib0")
    eq((p.returncode, p.stderr), (1, 'ipoibctl cat: no configuration file or link "nosuch0"\n'), "unknown name")
    assert p.stdout.startswith(f"# {w.conf}/40-connectx6.ibnet\n"), p.stdout


def test_cat_json(w):
    w.start()
    p = w.ctl("--json", "--config-dir", w.conf, "cat", "mlx4_ib0")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    j = json.loads(p.stdout)
    main = os.path.join(w.conf, "10-mlx4_ib0.ibnet")
    eq([(f["name"], f["path"], f["masked"]) for f in j["files"]], [("10-mlx4_ib0.ibnet", main, False)], "files")
    with open(main) as f:
        eq(j["files"][0]["text"], f.read(), "text")
    eq([d["path"] for d in j["files"][0]["dropins"]], [os.path.join(w.conf, "10-mlx4_ib0.ibnet.d/50-site-dns.conf")],
       "drop-ins")


def test_json_everywhere(w):
    """Every read verb's --json is one valid JSON document on stdout."""
    w.start()
    for verb in (["list"], ["status"], ["status", "mlx4_ib0"], ["plan"], ["check"], ["cat"]):
        # plan without --config-dir asks the running agent (PlanFiles()); with one it would plan
        # against this host's kernel, not the agent's simulated fabric.
        conf = [] if verb == ["plan"] else ["--config-dir", w.conf]
        p = w.ctl("--json", *conf, *verb)
        eq(p.returncode, 0, f"{verb} exit status ({p.stderr})")
        try:
            json.loads(p.stdout)
        except json.JSONDecodeError as e:
            raise AssertionError(f"ipoibctl --json {' '.join(verb)}: not JSON ({e}):\n{p.stdout[:1000]}")


def test_status_dns_routes(w):
    """status: the link's DNS servers and search domains (the drop-in's, which replace the file's), routes
    as objects in JSON and as "DEST via GW metric N" in text, from the same data."""
    w.start()
    l = w.view()["links"][0]
    eq(l["name"], "mlx4_ib0", "first link")
    eq((l["dns"], l["domains"]), (["192.0.2.53", "2001:db8:1::53"], ["ib.example.com"]), "DNS and domains")
    default = [r for r in l["routes"] if r["destination"] == "0.0.0.0/0"]
    eq(default, [{"family": "ipv4", "destination": "0.0.0.0/0", "gateway": "192.0.2.254", "metric": 0, "table": 254,
                  "protocol": "ipoib", "scope": "global", "onlink": False}], "the default route")
    p = w.ctl("status", "mlx4_ib0")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    for want in ["  Routes: fe80::/64 metric 256\n", "  0.0.0.0/0 via 192.0.2.254 metric 0\n",
                 "     DNS: 192.0.2.53\n               2001:db8:1::53\n", " Domains: ib.example.com\n"]:
        assert want in p.stdout, f"{want!r} not in:\n{p.stdout}"
    for r in l["routes"]:
        line = f"{r['destination']}{' via ' + r['gateway'] if r['gateway'] else ''} metric {r['metric']}"
        assert line in p.stdout, f"{line!r} (from the JSON) not in the text:\n{p.stdout}"


def test_status_why_unmanaged(w):
    """A link no file configures says so, in JSON and in text."""
    os.remove(os.path.join(w.conf, "40-connectx6.ibnet"))
    w.start()
    l = w.view("mlx5_ib0")["links"][0]
    eq((l["state"], l["file"], l["reason"], l["dns"]), ("unmanaged", None, "no file configures it", []), "mlx5_ib0")
    assert "  Reason: no file configures it\n" in w.ctl("status", "mlx5_ib0").stdout, w.last.stdout


TESTS = [v for k, v in globals().items() if k.startswith("test_")]


def main():
    if not shutil.which("dbus-daemon") or not shutil.which("busctl"):
        print("SKIP: needs dbus-daemon and busctl")
        return 77
    return run_tests(TESTS, sys.argv[4:], World, logs)


if __name__ == "__main__":
    sys.exit(main())
