#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real-kernel tests of the multi-rail settings: ARPIgnore=/ARPAnnounce= on veth pairs in a network
namespace, read back from /proc/sys/net/ipv4/conf/IF/ inside it. Reuses agent-netns.py's harness (the
real ipoib-agent, netlink traced).

Usage: agent-rail-netns.py PATH-TO-ipoib-agent [TEST-NAME...]
Prints "N passed, N failed, N skipped"; exit 77 (skip) when not root or without netns."""

import importlib.util
import os
import sys

from harness import eq, run_tests

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("agent_netns", os.path.join(HERE, "agent-netns.py"))
agent_netns = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(agent_netns)

RAILS_FILE = """[Match]
Name=v0 v1
Type=ether

[Network]
ARPIgnore=1
ARPAnnounce=2
"""


def sysctl(ns, ifname, name):
    p = agent_netns.run(["ip", "netns", "exec", ns.name, "cat", f"/proc/sys/net/ipv4/conf/{ifname}/{name}"])
    return int(p.stdout.strip())


def test_arp_sysctls(ns):
    """Both rails get arp_ignore=1, arp_announce=2 through netlink (IFLA_INET_CONF); a restart sends
    nothing, since the dump reports the values."""
    ns.veth("v0")
    ns.veth("v1")
    eq((sysctl(ns, "v0", "arp_ignore"), sysctl(ns, "v0", "arp_announce")), (0, 0), "kernel defaults")
    ns.write("10-rails.ibnet", RAILS_FILE)
    p = ns.oneshot()
    eq(p.returncode, 0, f"exit status (stderr tail: {p.stderr[-2000:]})")
    for ifname in ("v0", "v1"):
        eq(sysctl(ns, ifname, "arp_ignore"), 1, f"{ifname} arp_ignore")
        eq(sysctl(ns, ifname, "arp_announce"), 2, f"{ifname} arp_announce")
    assert "v0 set-arp ignore 1 announce 2" in p.stderr, p.stderr[-3000:]
    p = ns.oneshot()
    eq(p.returncode, 0, "second run")
    eq(agent_netns.mutations(p.stderr), [], "mutating messages after a restart with the same config")


def test_arp_changed_behind_its_back(ns):
    """Writing /proc/sys sends no RTM_NEWLINK (devinet_conf_proc() notifies only a few keys, and with
    RTM_NEWNETCONF), so the running agent cannot see it; the next run reads the dump and puts the file's
    value back. A value the file does not set (arp_announce) is left as found."""
    ns.veth("v0")
    ns.write("10-v0.ibnet", "[Match]\nName=v0\nType=ether\n\n[Network]\nARPIgnore=2\n")
    agent_netns.run(["ip", "netns", "exec", ns.name, "sysctl", "-qw", "net.ipv4.conf.v0.arp_announce=1"])
    eq(ns.oneshot().returncode, 0, "first run")
    eq(sysctl(ns, "v0", "arp_ignore"), 2, "arp_ignore")
    agent_netns.run(["ip", "netns", "exec", ns.name, "sysctl", "-qw", "net.ipv4.conf.v0.arp_ignore=0"])
    p = ns.oneshot()
    eq(p.returncode, 0, "second run")
    eq(sysctl(ns, "v0", "arp_ignore"), 2, "arp_ignore put back")
    eq(len(agent_netns.mutations(p.stderr)), 1, "one message: the ARP setting")
    eq(sysctl(ns, "v0", "arp_announce"), 1, "arp_announce is not the file's")


TESTS = [v for k, v in globals().items() if k.startswith("test_")]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    agent_netns.AGENT = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        print("SKIP: needs root for network namespaces")
        return 77
    return run_tests(TESTS, sys.argv[2:], agent_netns.Netns, agent_netns.netns_failure_logs)


if __name__ == "__main__":
    sys.exit(main())
