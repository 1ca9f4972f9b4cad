#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Ansible role contrib/ansible/roles/ipoib for real: ansible-playbook runs the shipped
examples/ansible/ipoib.yml with connection: local against the agent on the simulated fabric (a
private config dir, runtime dir and dbus-daemon), and the files, the idempotence (changed=0 on the
second run), check mode, state: absent, the validation and the agent's resulting state are checked.

Usage: ansible-role.py AGENT IPOIBCTL SRCDIR
Prints "N passed, N failed, N skipped"; exit 0 only when nothing failed; 77 when ansible-playbook
or dbus-daemon is missing, or when not root (the role's handler runs "ipoibctl reload", root only)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from harness import eq, run_tests, stop_process, wait_for

AGENT, IPOIBCTL, SRC = (os.path.abspath(a) for a in sys.argv[1:4])
PLAYBOOK = os.path.join(SRC, "examples/ansible/ipoib.yml")
HOST = "managed-node-01.example.com"

BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path={sock}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/>
<allow receive_sender="*"/></policy></busconfig>
"""

# The playbook's entries (as examples/ansible/ipoib.yml has them), to vary through --extra-vars.
PARENT = {"name": "mlx4_ib0", "interface_name": "mlx4_ib0", "type": "infiniband"}
CHILD = {"name": "mlx4_ib0.8002", "type": "infiniband", "autoconnect": True, "parent": "mlx4_ib0",
         "infiniband": {"p_key": 0x8002, "transport_mode": "datagram", "method": "sysfs"},
         "ip": {"address": ["198.51.100.1/24", "2001:db8:2::1/64"]}, "state": "up"}


class World:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ipoib-ansible-")
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "conf")
        self.run_dir = os.path.join(self.dir, "run")
        sock = os.path.join(self.dir, "bus")
        with open(os.path.join(self.dir, "bus.conf"), "w") as f:
            f.write(BUS_CONF.format(sock=sock))
        self.bus = subprocess.Popen(["dbus-daemon", "--nofork", "--config-file", os.path.join(self.dir, "bus.conf")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(sock), "the bus socket")
        self.bus_address = f"unix:path={sock}"
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus_address)
        with open(os.path.join(self.dir, "inventory"), "w") as f:
            # become: true in the playbook is for real hosts; here we already are root.
            f.write(f"{HOST} ansible_connection=local ansible_python_interpreter=/usr/bin/python3 "
                    "ansible_become=false\n")
        # An empty ansible.cfg of our own: none of the host's (/etc/ansible, ~/.ansible.cfg) applies.
        with open(os.path.join(self.dir, "ansible.cfg"), "w") as f:
            f.write("[defaults]\n")
        self.ansible_env = dict(self.env,
                                ANSIBLE_ROLES_PATH=os.path.join(SRC, "contrib/ansible/roles"),
                                ANSIBLE_HOME=os.path.join(self.dir, "ansible-home"),
                                ANSIBLE_LOCAL_TEMP=os.path.join(self.dir, "ansible-tmp"),
                                ANSIBLE_REMOTE_TEMP=os.path.join(self.dir, "ansible-tmp"),
                                ANSIBLE_GATHERING="explicit", ANSIBLE_NOCOLOR="1",
                                ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_CONFIG=os.path.join(self.dir, "ansible.cfg"))
        self.agent = None
        self.log = None
        self.last = ""

    def start_agent(self):
        os.mkdir(self.conf)
        self.fabric = os.path.join(self.dir, "fabric.json")
        shutil.copyfile(os.path.join(SRC, "examples/fabric/cx3-cx6.json"), self.fabric)
        self.log = open(os.path.join(self.dir, "agent.log"), "w+")
        self.agent = subprocess.Popen([AGENT, "--simulate", self.fabric, "--config-dir", self.conf,
                                       "--runtime-dir", self.run_dir, "--log-level", "debug"],
                                      stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        wait_for(lambda: self.ctl("status").returncode == 0, "the agent on the bus")

    def ctl(self, *args):
        return subprocess.run([IPOIBCTL, *args], capture_output=True, text=True, env=self.env, timeout=30)

    def playbook(self, *args, connections=None):
        """Runs the example playbook; returns (rc, {'ok': n, 'changed': n, ...}, output)."""
        extra = {"ipoib_config_dir": self.conf, "ipoib_ipoibctl": IPOIBCTL,
                 "ipoib_environment": {"DBUS_SYSTEM_BUS_ADDRESS": self.bus_address}}
        if connections is not None:
            extra["ipoib_connections"] = connections
        p = subprocess.run(["ansible-playbook", "-i", os.path.join(self.dir, "inventory"), PLAYBOOK,
                            "--extra-vars", json.dumps(extra), *args],
                           capture_output=True, text=True, env=self.ansible_env, cwd=self.dir, timeout=300)
        self.last = p.stdout + p.stderr
        m = re.search(re.escape(HOST) + r"\s*:\s*(.*)", p.stdout.split("PLAY RECAP")[-1])
        recap = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1))} if m else {}
        return p.returncode, recap, self.last

    def file(self, name):
        return os.path.join(self.conf, f"50-{name}.ibnet")

    def ip_address(self):
        with open(os.path.join(self.run_dir, "sim/ip-address")) as f:
            return f.read()

    def link(self, name):
        p = self.ctl("--json", "status", name)
        return json.loads(p.stdout)["links"][0] if p.returncode == 0 else None

    def output(self):
        agent = ""
        if self.log:
            self.log.flush()
            with open(self.log.name) as f:
                agent = f.read()[-3000:]
        return f"--- ansible-playbook ---\n{self.last[-4000:]}\n--- agent ---\n{agent}"

    def close(self):
        for p in (self.agent, self.bus):
            if p:
                stop_process(p)
        if self.log:
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def child_configured(w):
    link = w.link("mlx4_ib0.8002")
    return link and link["state"] == "configured" and "198.51.100.1/24" in json.dumps(link["addresses"])


def test_syntax_check(w):
    rc, _, out = w.playbook("--syntax-check")
    eq(rc, 0, f"--syntax-check: {out}")


def test_apply_idempotent_check_absent(w):
    w.start_agent()

    # 1. The first run writes both files, validated, and the handler reloads the agent.
    rc, recap, out = w.playbook()
    eq((rc, recap.get("changed"), recap.get("failed")), (0, 2, 0), "first run: rc, changed (the template task and the reload), failed")
    assert "RUNNING HANDLER [ipoib : Reload ipoib-agent]" in out, out
    with open(w.file("mlx4_ib0.8002")) as f:
        child = f.read()
    for want in ["[Match]\nName=mlx4_ib0\n", "[Partition]\nPKey=0x8002\nMethod=sysfs\n", "[IPoIB]\nMode=datagram\n",
                 "Address=198.51.100.1/24\nAddress=2001:db8:2::1/64\n"]:
        assert want in child, child
    eq(oct(os.stat(w.file("mlx4_ib0.8002")).st_mode & 0o777), "0o644", "mode")
    p = w.ctl("--config-dir", w.conf, "check")
    eq(p.returncode, 0, f"ipoibctl check on the role's files: {p.stdout}{p.stderr}")

    # The agent, reloaded by the handler, created the child with its addresses.
    wait_for(lambda: child_configured(w), "mlx4_ib0.8002 configured with 198.51.100.1/24")
    assert re.search(r"^\d+: mlx4_ib0\.8002@mlx4_ib0: .*\n(    .*\n)*    inet 198\.51\.100\.1/24 ", w.ip_address(),
                     re.M), w.ip_address()
    with open(os.path.join(w.run_dir, "sim/sys/class/net/mlx4_ib0.8002/pkey")) as f:
        eq(f.read().strip(), "0x8002", "sysfs pkey (method: sysfs)")

    # 2. Idempotent: nothing changes, so no reload either.
    rc, recap, out = w.playbook()
    eq((rc, recap.get("changed")), (0, 0), "second run: rc, changed")
    assert "RUNNING HANDLER" not in out, out

    # 3. Check mode with a changed entry: reported, shown with --diff, not written; the plan is shown.
    before = open(w.file("mlx4_ib0")).read()
    parent = dict(PARENT, mtu=65520, infiniband={"transport_mode": "connected"})
    rc, recap, out = w.playbook("--check", "--diff", connections=[parent, CHILD])
    eq((rc, recap.get("changed")), (0, 1), "check mode: rc, changed")
    assert "+MTU=65520" in out and "+Mode=connected" in out, out
    assert "TASK [ipoib : Show the plan]" in out and "Nothing to change." in out, out
    eq(open(w.file("mlx4_ib0")).read(), before, "the file after check mode")

    # 4. state: absent removes the file; the agent removes the child it created.
    rc, recap, out = w.playbook(connections=[PARENT, dict(CHILD, state="absent")])
    eq((rc, recap.get("changed")), (0, 2), "absent: rc, changed (the removal and the reload)")
    assert not os.path.exists(w.file("mlx4_ib0.8002")), os.listdir(w.conf)
    assert os.path.exists(w.file("mlx4_ib0")), os.listdir(w.conf)
    wait_for(lambda: "mlx4_ib0.8002" not in w.ip_address(), "mlx4_ib0.8002 removed by the agent")
    rc, recap, _ = w.playbook(connections=[PARENT, dict(CHILD, state="absent")])
    eq((rc, recap.get("changed")), (0, 0), "absent again: rc, changed")


def test_validate_refuses(w):
    w.start_agent()
    # Datagram mode and MTU 65520: "ipoibctl check" refuses it, so the file never reaches the directory.
    bad = dict(PARENT, mtu=65520, infiniband={"transport_mode": "datagram"})
    rc, recap, out = w.playbook(connections=[bad])
    eq((rc != 0, recap.get("failed")), (True, 1), "a file ipoibctl check refuses: rc, failed")
    assert "failed to validate" in out, out
    eq(os.listdir(w.conf), [], "files in the config dir")


def test_refuses_unknown_keys(w):
    w.start_agent()
    rc, recap, out = w.playbook(connections=[dict(PARENT, ip={"dhcp4": True})])
    eq((rc != 0, recap.get("failed")), (True, 1), "dhcp4: yes is refused")
    assert "static addresses only" in out, out
    eq(os.listdir(w.conf), [], "files in the config dir")


def test_guid_and_device_match(w):
    w.start_agent()
    entries = [{"name": "port2", "match": {"guid": "0002:c903:0001:2346"}, "mtu": 2044,
                "infiniband": {"transport_mode": "datagram", "umcast": False},
                "ip": {"address": "203.0.113.1/26", "gateway4": "203.0.113.62",
                       "route": [{"network": "203.0.113.128", "prefix": 26, "gateway": "203.0.113.62",
                                  "metric": 100}]}},
               {"name": "cx6", "match": {"device": "mlx5_0", "port": 1}, "mtu": "max",
                "ip": {"address": ["2001:db8:4::1/64"], "gateway6": "2001:db8:4::fffe",
                       "dns": ["2001:db8:4::53"], "dns_search": ["hpc.example.com"]}}]
    rc, recap, _ = w.playbook(connections=entries)
    eq((rc, recap.get("changed")), (0, 2), "rc, changed")
    with open(w.file("port2")) as f:
        text = f.read()
    assert "GUID=0002:c903:0001:2346\n" in text and "Name=" not in text and "Umcast=no\n" in text, text
    assert "[Route]\nDestination=203.0.113.128/26\nGateway=203.0.113.62\nMetric=100\n" in text, text
    with open(w.file("cx6")) as f:
        text = f.read()
    assert "Device=mlx5_0\nPort=1\n" in text and "Domains=hpc.example.com\n" in text, text
    wait_for(lambda: (w.link("mlx4_ib1") or {}).get("state") == "configured", "mlx4_ib1 configured")
    wait_for(lambda: (w.link("mlx5_ib0") or {}).get("mtu") == 4092, "mlx5_ib0 at MTU 4092 (max)")


TESTS = [test_syntax_check, test_apply_idempotent_check_absent, test_validate_refuses, test_refuses_unknown_keys,
         test_guid_and_device_match]


def main():
    if not shutil.which("ansible-playbook"):
        print("SKIP: ansible-playbook is not installed (Debian: ansible-core)")
        return 77
    if not shutil.which("dbus-daemon"):
        print("SKIP: needs dbus-daemon")
        return 77
    if os.geteuid() != 0:
        print("SKIP: needs root (the role's handler runs ipoibctl reload, which only root may do)")
        return 77
    start = time.monotonic()
    rc = run_tests(TESTS, sys.argv[4:], World, lambda w: w.output())
    print(f"ansible-role: {time.monotonic() - start:.1f} s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
