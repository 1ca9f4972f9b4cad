#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`ipoibctl down LINK` / `up LINK` (issue 10 item 6), against the real agent in a network namespace,
reached on its control socket: the agent takes the link down and keeps it so through drift repair
and a restart while the rest of its configuration stays managed; status shows the hold; up releases it.

Usage: hold.py AGENT IPOIBCTL SRCDIR [TEST...]
Prints "N passed, N failed, N skipped"; exit 77 when not root or without network namespaces."""

import json
import os
import subprocess
import sys

import plan  # the namespace World and run() (same arguments)
from harness import eq, netns_skip_reason, run_tests, stop_process, wait_for

VETH = "[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.1/24\n"


class World(plan.World):
    def __init__(self):
        super().__init__()
        self.agent = None
        self.log = os.path.join(self.dir, "agent.log")

    def start(self):
        with open(self.log, "a") as log:
            self.agent = subprocess.Popen(["ip", "netns", "exec", self.name, plan.AGENT, "--config-dir", self.conf,
                                           "--runtime-dir", self.runtime], stdout=log, stderr=log)
        wait_for(lambda: os.path.exists(os.path.join(self.runtime, "control")), "the control socket")

    def stop(self):
        if self.agent:
            stop_process(self.agent)
            self.agent = None

    def close(self):
        self.stop()
        super().close()

    def ctl(self, *args):
        self.last = plan.run(["ip", "netns", "exec", self.name, plan.IPOIBCTL, *args], check=False, env=self.env)
        return self.last

    def up(self):
        return "UP" in json.loads(self.ip("-json", "link", "show", "dev", "v0").stdout)[0]["flags"]

    def has_addr(self):
        return "192.0.2.1/24" in self.ip("-br", "addr", "show", "dev", "v0").stdout


def test_down_survives_drift_and_restart_until_up(w):
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    w.write("10-v0.ibnet", VETH)
    w.start()
    wait_for(lambda: w.up() and w.has_addr(), "v0 configured and up")

    p = w.ctl("down", "v0")
    eq(p.returncode, 0, f"down ({p.stderr})")
    wait_for(lambda: not w.up(), "v0 taken down")
    assert os.path.isfile(os.path.join(w.runtime, "holds", "v0")), "the hold is kept in the runtime directory"
    st = json.loads(w.ctl("--json", "status", "v0").stdout)["links"][0]
    eq(st["held_down"], True, "status --json shows the hold")
    assert "Hold:" in w.ctl("status", "v0").stdout, w.last.stdout

    # Drift repair still manages the rest: a deleted address comes back, the link stays down.
    w.ip("address", "del", "192.0.2.1/24", "dev", "v0")
    wait_for(w.has_addr, "the address repaired")
    assert not w.up(), "drift repair brought a held link up"

    # A restart keeps the hold.
    w.stop()
    w.start()
    wait_for(lambda: w.ctl("--json", "status", "v0").returncode == 0, "the agent answers")
    eq(json.loads(w.last.stdout)["links"][0]["held_down"], True, "the hold after a restart")
    eq(w.ctl("plan", "--running").stdout, "Nothing to change.\n", "the agent wants nothing more")
    assert not w.up(), "the restarted agent brought a held link up"

    p = w.ctl("up", "v0")
    eq(p.returncode, 0, f"up ({p.stderr})")
    wait_for(w.up, "v0 up again")
    assert not os.path.exists(os.path.join(w.runtime, "holds", "v0")), "the hold file is gone"


def test_unknown_link(w):
    w.ip("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
    w.write("10-v0.ibnet", VETH)
    w.start()
    p = w.ctl("down", "nosuch")
    eq(p.returncode, 1, "down of a link that does not exist")
    assert "No link nosuch" in p.stderr, p.stderr
    p = w.ctl("down")
    eq(p.returncode, 2, "down without a link is a usage error")


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]


def main():
    if plan.AGENT is None:
        print(__doc__)
        return 2
    why = netns_skip_reason("ipoibholdprobe")
    if why:
        print(f"SKIP: {why}")
        return 77

    def logs(w):
        with open(w.log) if os.path.exists(w.log) else open(os.devnull) as f:
            return f"---- agent log (tail) ----\n{f.read()[-3000:]}\n---- last ipoibctl ----\n" \
                   f"{w.last and w.last.stdout}{w.last and w.last.stderr}\n"
    return run_tests(TESTS, sys.argv[4:], World, logs)


if __name__ == "__main__":
    sys.exit(main())
