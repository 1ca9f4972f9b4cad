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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import eq, run_tests, start_bus, wait_for

AGENT, IPOIBCTL, SRC = (os.path.abspath(a) for a in sys.argv[1:4])



def run(cmd, env, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, **kw)


class World:
    """A bus and the agent on the simulated fabric, started on first use of ctl() (or start())."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ipoibctl-verbs-")
        os.chmod(self.dir, 0o755)
        self.bus, address = start_bus(self.dir, SRC)
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address, LC_ALL="C.UTF-8",
                        IPOIB_RUNTIME_DIR=os.path.join(self.dir, "run"), IPOIB_AGENT=AGENT)
        self.env.pop("NO_COLOR", None)
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
    as objects in JSON ("route_objects") and as "DEST via GW metric N" in text, from the same data;
    "routes" are those strings, as Describe() always gave them (keys are only added)."""
    w.start()
    l = w.view()["links"][0]
    eq(l["name"], "mlx4_ib0", "first link")
    eq((l["dns"], l["domains"]), (["192.0.2.53", "2001:db8:1::53"], ["ib.example.com"]), "DNS and domains")
    assert "0.0.0.0/0 via 192.0.2.254 metric 0" in l["routes"], l["routes"]
    eq(len(l["routes"]), len(l["route_objects"]), "as many strings as objects")
    default = [r for r in l["route_objects"] if r["destination"] == "0.0.0.0/0"]
    eq(default, [{"family": "ipv4", "destination": "0.0.0.0/0", "gateway": "192.0.2.254", "metric": 0, "table": 254,
                  "protocol": "ipoib", "scope": "global", "onlink": False}], "the default route")
    p = w.ctl("status", "mlx4_ib0")
    eq(p.returncode, 0, f"exit status ({p.stderr})")
    for want in ["  Routes: fe80::/64 metric 256\n", "  0.0.0.0/0 via 192.0.2.254 metric 0\n",
                 "     DNS: 192.0.2.53\n               2001:db8:1::53\n", " Domains: ib.example.com\n"]:
        assert want in p.stdout, f"{want!r} not in:\n{p.stdout}"
    for r in l["route_objects"]:
        line = f"{r['destination']}{' via ' + r['gateway'] if r['gateway'] else ''} metric {r['metric']}"
        assert line in p.stdout, f"{line!r} (from the JSON) not in the text:\n{p.stdout}"
        assert line in l["routes"], f"{line!r} not in the strings {l['routes']}"


def test_status_why_unmanaged(w):
    """A link no file configures says so, in JSON and in text."""
    os.remove(os.path.join(w.conf, "40-connectx6.ibnet"))
    w.start()
    l = w.view("mlx5_ib0")["links"][0]
    eq((l["state"], l["file"], l["reason"], l["dns"]), ("unmanaged", None, "no file configures it", []), "mlx5_ib0")
    assert "  Reason: no file configures it\n" in w.ctl("status", "mlx5_ib0").stdout, w.last.stdout


def editor(w, name, script):
    """An $EDITOR: a shell script that edits the file it is given ($1)."""
    path = os.path.join(w.dir, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + script)
    os.chmod(path, 0o755)
    return path


def link_state(w, name):
    links = w.view(name)["links"]
    return links[0]["state"] if links else None


def test_add_edit_delete(w):
    """The round trip the issue asks for: add a P_Key child, the agent creates it; edit its MTU with
    EDITOR set to a script, the agent applies it; delete it, the agent removes the child it created."""
    w.start()
    p = w.ctl("--config-dir", w.conf, "add", "50-ib9", "--name", "mlx5_ib0", "--pkey", "0x8005", "--mode", "datagram",
              "--address", "10.5.0.1/24", "--route", "10.6.0.0/16,via=10.5.0.254,metric=10", "--dns", "10.5.0.53",
              "--domain", "lab.example")
    path = os.path.join(w.conf, "50-ib9.ibnet")
    eq((p.returncode, p.stderr), (0, ""), "add")
    assert p.stdout.startswith(f"Wrote {path}.\n"), p.stdout
    st = os.stat(path)
    eq((oct(st.st_mode & 0o7777), st.st_uid), ("0o644", os.geteuid()), "mode and owner")
    with open(path) as f:
        text = f.read()
    for want in ["[Match]\nName=mlx5_ib0\n", "[Partition]\nPKey=0x8005\n", "[IPoIB]\nMode=datagram\n",
                 "Address=10.5.0.1/24\nDNS=10.5.0.53\nDomains=lab.example\n",
                 "[Route]\nDestination=10.6.0.0/16\nGateway=10.5.0.254\nMetric=10\n"]:
        assert want in text, f"{want!r} not in:\n{text}"
    wait_for(lambda: link_state(w, "mlx5_ib0.8005") == "configured", "the child configured")
    l = w.view("mlx5_ib0.8005")["links"][0]
    eq((l["dns"], l["domains"]), (["10.5.0.53"], ["lab.example"]), "the child's DNS")
    assert {"destination": "10.6.0.0/16", "gateway": "10.5.0.254", "metric": 10} .items() <= \
        [r for r in l["route_objects"] if r["destination"] == "10.6.0.0/16"][0].items(), l["route_objects"]

    ed = editor(w, "ed.sh", 'printf "\\n[Link]\\nMTU=1500\\n" >> "$1"\n')
    p = w.ctl("--config-dir", w.conf, "edit", "50-ib9", env={"EDITOR": ed, "VISUAL": ""})
    eq((p.returncode, p.stderr), (0, ""), "edit")
    wait_for(lambda: w.view("mlx5_ib0.8005")["links"][0]["mtu"] == 1500, "MTU 1500 on the child")
    eq([f for f in os.listdir(w.conf) if f.startswith(".")], [], "no temporary file left")

    p = w.ctl("--config-dir", w.conf, "delete", "50-ib9")
    eq((p.returncode, p.stderr), (0, ""), "delete")
    assert not os.path.exists(path), "the file is gone"
    wait_for(lambda: "mlx5_ib0.8005" not in [l["name"] for l in json.loads(w.ctl("--json", "list").stdout)["links"]],
             "the child removed from the (simulated) kernel")
    eq(link_state(w, "mlx5_ib0"), "configured", "the parent stays configured")


def test_add_refuses(w):
    """add refuses to overwrite without --force, and never installs a file that does not validate."""
    path = os.path.join(w.conf, "40-connectx6.ibnet")
    with open(path) as f:
        before = f.read()
    p = w.ctl("--config-dir", w.conf, "add", "40-connectx6", "--name", "mlx5_ib0", "--no-reload")
    eq(p.returncode, 1, "exit status (exists)")
    assert f"ipoibctl add: {path} exists; --force replaces it" in p.stderr, p.stderr
    p = w.ctl("--config-dir", w.conf, "add", "40-connectx6", "--name", "mlx5_ib0", "--mtu", "99999", "--force",
              "--no-reload")
    eq(p.returncode, 1, "exit status (invalid)")
    assert f"{path}:" in p.stderr and "MTU=" in p.stderr and "not written: it has errors" in p.stderr, p.stderr
    with open(path) as f:
        eq(f.read(), before, "the installed file is untouched")
    p = w.ctl("--config-dir", w.conf, "add", "40-connectx6", "--name", "mlx5_ib0", "--mtu", "2044", "--force",
              "--no-reload")
    eq((p.returncode, p.stderr), (0, ""), "--force with a valid file")
    with open(path) as f:
        assert "MTU=2044" in f.read()
    eq(w.ctl("--config-dir", w.conf, "add", "../x", "--name", "a").returncode, 2, "a path is not a name")
    eq(w.ctl("--config-dir", w.conf, "add", "x", "--route", "10.0.0.0/8,bogus=1").returncode, 2, "bad --route")
    eq(w.ctl("--mtu", "1500", "list").returncode, 2, "an option of add given to list")
    eq(sorted(f for f in os.listdir(w.conf) if f.startswith(".")), [], "no temporary file left")


def test_edit_errors(w):
    """Not on a terminal, an edit with errors prints them with the file's real name, exits 1 and leaves the
    installed file untouched; a failing editor installs nothing; a new file starts from the template."""
    path = os.path.join(w.conf, "40-connectx6.ibnet")
    with open(path) as f:
        before = f.read()
    ed = editor(w, "bad.sh", 'echo "Bogus=1" >> "$1"\n')
    p = w.ctl("--config-dir", w.conf, "edit", "40-connectx6", "--no-reload", env={"EDITOR": ed, "VISUAL": ""},
              stdin=subprocess.DEVNULL)
    eq(p.returncode, 1, "exit status")
    assert f"{path}:" in p.stderr and "Bogus=" in p.stderr, p.stderr
    assert "the installed file is unchanged" in p.stderr, p.stderr
    with open(path) as f:
        eq(f.read(), before, "untouched")
    p = w.ctl("--config-dir", w.conf, "edit", "40-connectx6", env={"EDITOR": "false", "VISUAL": ""})
    eq(p.returncode, 1, "a failing editor")
    # VISUAL wins over EDITOR, and a new file starts from the commented template.
    seen = os.path.join(w.dir, "seen")
    ed = editor(w, "copy.sh", f'cp "$1" {seen}\nexit 1\n')
    p = w.ctl("--config-dir", w.conf, "edit", "60-new", env={"VISUAL": ed, "EDITOR": "false"})
    eq(p.returncode, 1, "exit status (editor exits 1)")
    with open(seen) as f:
        t = f.read()
    assert t.startswith("# 60-new.ibnet: a new configuration file.") and "#Name=ib0" in t, t
    assert not os.path.exists(os.path.join(w.conf, "60-new.ibnet")), "nothing installed"
    eq(sorted(f for f in os.listdir(w.conf) if f.startswith(".")), [], "no temporary file left")


def test_edit_dropin_and_delete_dropins(w):
    w.start()
    ed = editor(w, "mtu.sh", 'printf "[Link]\\nMTU=2000\\n" > "$1"\n')
    p = w.ctl("--config-dir", w.conf, "edit", "40-connectx6", "--drop-in", "mtu", env={"EDITOR": ed, "VISUAL": ""})
    dropin = os.path.join(w.conf, "40-connectx6.ibnet.d/mtu.conf")
    eq((p.returncode, p.stderr), (0, ""), "edit --drop-in")
    assert p.stdout.startswith(f"Wrote {dropin}.\n"), p.stdout
    wait_for(lambda: w.view("mlx5_ib0")["links"][0]["mtu"] == 2000, "MTU 2000 from the drop-in")
    p = w.ctl("--config-dir", w.conf, "delete", "40-connectx6", "--drop-ins")
    eq((p.returncode, p.stderr), (0, ""), "delete --drop-ins")
    assert not os.path.exists(os.path.dirname(dropin)), "the drop-in directory is gone"
    wait_for(lambda: link_state(w, "mlx5_ib0") == "unmanaged", "mlx5_ib0 unmanaged")
    p = w.ctl("--config-dir", w.conf, "delete", "40-connectx6")
    eq((p.returncode, p.stderr), (1, f"ipoibctl delete: no 40-connectx6.ibnet in {w.conf}\n"), "delete again")


def on_tty(w, args, env):
    """Runs ipoibctl with its stdout on a pseudo-terminal; returns what it printed there."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(IPOIBCTL, [IPOIBCTL, *args], dict(w.env, TERM="xterm", **env))
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    return out.decode()


def test_colour(w):
    """Colour only on a terminal, and never with NO_COLOR (set to anything, even empty): list, and status
    (the bullet and the state, as list colours the state)."""
    w.start()
    wait_for(lambda: "configured" in w.ctl("status", "mlx4_ib0").stdout, "mlx4_ib0 configured")
    assert "\x1b[" in on_tty(w, ["list"], {}), "colour on a terminal"
    out = on_tty(w, ["status", "mlx4_ib0"], {})
    assert "\x1b[0;32m●\x1b[0m mlx4_ib0" in out and "State: \x1b[0;32mconfigured\x1b[0m" in out, \
        f"status on a terminal: {out!r}"
    assert "\x1b[0;32m●" in on_tty(w, ["status"], {}), "status without a name, on a terminal"
    for value in ["1", ""]:
        for verb in (["list"], ["status", "mlx4_ib0"]):
            out = on_tty(w, verb, {"NO_COLOR": value})
            assert "\x1b[" not in out and "mlx4_ib0" in out, f"{verb} NO_COLOR={value!r}: {out!r}"
    for verb in (["list"], ["status", "mlx4_ib0"], ["status"]):
        p = w.ctl(*verb)
        assert "\x1b[" not in p.stdout and "mlx4_ib0" in p.stdout, f"{verb}: no colour into a pipe"


def test_help_ascii_aligned(w):
    """--help under LC_ALL=C: pure ASCII, every description in one column."""
    p = w.ctl("--help", env={"LC_ALL": "C"})
    eq((p.returncode, p.stderr), (0, ""), "exit status")
    assert all(ord(c) < 128 for c in p.stdout), [l for l in p.stdout.splitlines() if any(ord(c) > 127 for c in l)]
    cols = set()
    for l in p.stdout.splitlines():
        m = re.match(r"^ {2,5}(\S.*?\S) {2,}(\S)", l) or re.match(r"^( {10,})(\S)", l)
        if m:
            cols.add(m.start(2))
    eq(len(cols), 1, f"one column for the descriptions ({sorted(cols)}):\n{p.stdout}")
    for verb in ["list", "status", "plan", "reload", "check", "cat", "add", "edit", "delete"]:
        assert f"\n  {verb} " in p.stdout, f"{verb} not in --help"
    assert max(len(l) for l in p.stdout.splitlines()) <= 80, "lines of at most 80 columns"
    utf8 = w.ctl("--help", env={"LC_ALL": "C.UTF-8"}).stdout
    assert "[LINK…]" in utf8, "UTF-8 glyphs in a UTF-8 locale"


def test_version(w):
    p = w.ctl("--version")
    eq(p.returncode, 0, "exit status")
    assert p.stdout.startswith("ipoibctl ") and p.stdout.count("\n") == 1, p.stdout


def test_exit_codes_and_program_name(w):
    """Wrong usage is 2 for ipoibctl and the agent alike; errors name "ipoibctl", not its path; a
    failure (here: no agent) is 1."""
    for args, want in [(["--bogus"], "ipoibctl: unknown option --bogus"),
                       (["--json", "nosuchverb"], 'ipoibctl: unknown command "nosuchverb"'),
                       (["--config-dir"], "ipoibctl: option --config-dir needs a value"),
                       (["reload", "extra"], "ipoibctl reload: wrong number of arguments"),
                       (["--mtu", "9000", "status"], "ipoibctl: --mtu is an option of add only"),
                       (["edit"], "ipoibctl edit: wrong number of arguments")]:
        p = w.ctl(*args)
        eq(p.returncode, 2, f"ipoibctl {' '.join(args)}")
        assert p.stderr.startswith(want), f"{args}: {p.stderr!r}"
        assert IPOIBCTL not in p.stderr, p.stderr
    for args in (["--bogus"], ["--log-level"], ["--log-level", "loud"], ["extra"]):
        p = run([AGENT, *args], w.env)
        eq(p.returncode, 2, f"ipoib-agent {' '.join(args)} ({p.stderr})")
    p = w.ctl("list", env={"IPOIB_RUNTIME_DIR": os.path.join(w.dir, "nothing")})
    eq(p.returncode, 1, f"no agent: failure ({p.stderr})")
    assert p.stderr.startswith("ipoibctl: "), p.stderr


def complete(w, *words):
    """What completion/ipoibctl offers for the command line "ipoibctl WORDS..." (the last word is the one
    being completed), with the ipoibctl under test first in PATH."""
    script = ('source "$1"; shift; COMP_WORDS=(ipoibctl "$@"); COMP_CWORD=$#; _ipoibctl; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    env = dict(w.env, PATH=os.path.dirname(IPOIBCTL) + ":" + os.environ["PATH"])
    p = run(["bash", "-c", script, "bash", os.path.join(SRC, "completion/ipoibctl"), *words], env)
    eq(p.stderr, "", f"completion of {words}")
    return sorted(x for x in p.stdout.splitlines() if x)


def test_bash_completion(w):
    """completion/ipoibctl: verbs, the options of the verb at hand, option values, link names from the
    running agent, file names from --config-dir."""
    w.start()
    helptext = w.ctl("--help", env={"LC_ALL": "C"}).stdout
    commands = helptext.split("Commands:\n")[1].split("\n\n")[0]
    verbs = sorted(l.split()[0] for l in commands.splitlines())
    assert {"add", "cat", "check", "delete", "edit", "list", "plan", "reload", "status"} <= set(verbs), verbs
    eq(complete(w, ""), verbs, "verbs: those of --help")
    eq(complete(w, "--json", "s"), ["status"], "a verb after an option")
    eq(complete(w, "add", "x", "--p"), ["--pkey", "--port"], "options of add")
    eq(complete(w, "delete", "--drop"), ["--drop-ins"], "options of delete")
    eq(complete(w, "list", "--p"), [], "add's options are not list's")
    eq(complete(w, "add", "x", "--mode", ""), ["connected", "datagram"], "--mode values")
    eq(complete(w, "status", "mlx4"), ["mlx4_ib0", "mlx4_ib0.8002", "mlx4_ib1"], "link names")
    eq(complete(w, "--config-dir", w.conf, "edit", "1"), ["10-mlx4_ib0"], "file names")
    eq(complete(w, "--config-dir", w.conf, "cat", "m"), ["mlx4_ib0", "mlx4_ib0.8002", "mlx4_ib1", "mlx5_ib0"],
       "cat: link names too")
    eq(complete(w, "--config-dir", w.conf, "cat", "2"), ["20-mlx4_ib0.8002"], "cat: file names")
    # Every option of --help is offered somewhere.
    offered = set(complete(w, "-")) | set(complete(w, "add", "x", "-")) | set(complete(w, "edit", "x", "-")) | \
        set(complete(w, "delete", "x", "-"))
    for opt in set(re.findall(r"(?<![\w-])(--[a-z-]+)", helptext)):
        assert opt in offered, f"{opt} is in --help but not completed"


TESTS = [v for k, v in globals().items() if k.startswith("test_")]


def main():
    if not shutil.which("dbus-daemon") or not shutil.which("busctl"):
        print("SKIP: needs dbus-daemon and busctl")
        return 77
    return run_tests(TESTS, sys.argv[4:], World, logs)


if __name__ == "__main__":
    sys.exit(main())
