#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Multi-rail files on a simulated 8-rail GPU node: eight single-port ConnectX HCAs (mlx5_0 … mlx5_7,
netdevs ibp0 … ibp7), one .ibnet file for all of them, each port's values derived by the substitutions
of ibnet(5) "MULTI-RAIL FILES". Reuses agent-sim.py's harness (the real ipoib-agent with --simulate).

Usage: agent-rail.py PATH-TO-ipoib-agent [TEST-NAME...]
Prints one PASS/FAIL/SKIP line per test and "N passed, N failed, N skipped"."""

import importlib.util
import ipaddress
import os
import subprocess
import sys

from harness import eq, run_tests

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("agent_sim", os.path.join(HERE, "agent-sim.py"))
agent_sim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(agent_sim)

RAILS = 8


def guid(i):
    return f"0002:c903:00a0:{0x10 + i:04x}"


def eight_rails():
    hcas = []
    for i in range(RAILS):
        hcas.append({
            "name": f"mlx5_{i}",
            "model": "ConnectX-7",
            "enhanced": True,
            "first_qpn": f"0x{0x1000 + 0x100 * i:06x}",
            "ports": [{
                "port": 1,
                "guid": guid(i),
                "subnet_prefix": "fe80::",
                "state": "active",
                "active_mtu": 4096,
                "lid": 10 + i,
                "sm_lid": 1,
                "pkeys": ["0xffff"],
                "netdev": {"name": f"ibp{i}", "ifindex": 20 + i},
            }],
        })
    return {"description": "An 8-rail GPU node: eight single-port HCAs", "hcas": hcas}


class RailSim(agent_sim.Sim):
    def __init__(self):
        super().__init__()
        self.fabric = eight_rails()


def expect_rails(sim, want):
    """want(i) → the sorted global addresses of ibp<i>."""
    for i in range(RAILS):
        eq(sim.global_addrs(f"ibp{i}"), sorted(want(i)), f"addresses of ibp{i}")


def test_device_glob_device_number(sim):
    """Device=mlx5_*: every port matches; %n is the device's number."""
    sim.write("10-rails.ibnet", "[Match]\nDevice=mlx5_*\n\n[Network]\nAddress=10.%n.0.5/24\n")
    p = sim.oneshot()
    eq(p.returncode, 0, "exit status")
    for i in range(RAILS):
        agent_sim.expect_summary(p.stdout, f"ibp{i}", "configured", "10-rails.ibnet")
    expect_rails(sim, lambda i: [f"10.{i}.0.5/24"])


def test_guid_list_rail_index(sim):
    """GUID= in another order than the devices: %i is the position in GUID=; %G derives IPv6."""
    order = [3, 1, 0, 2, 7, 6, 5, 4]
    guids = " ".join("0x" + guid(i).replace(":", "") for i in order[:4])
    guids2 = " ".join(guid(i) for i in order[4:])
    sim.write("10-rails.ibnet", f"[Match]\nGUID={guids}\nGUID={guids2}\n\n[Network]\n"
                                "Address=192.168.%i.17/24\nAddress=fd00:0:0:%i:%G/64\n")
    p = sim.oneshot()
    eq(p.returncode, 0, "exit status")
    pos = {dev: k for k, dev in enumerate(order)}
    expect_rails(sim, lambda i: [f"192.168.{pos[i]}.17/24",
                                 str(ipaddress.ip_interface(f"fd00:0:0:{pos[i]}:2:c903:a0:{0x10 + i:x}/64"))])


def test_subset_and_literal_list(sim):
    """Device= names: only the listed ports; %i counts the list, %g is the GUID's last byte."""
    sim.write("10-rails.ibnet", "[Match]\nDevice=mlx5_6 mlx5_2\n\n[Network]\nAddress=10.1.%i.%g/24\n")
    p = sim.oneshot()
    eq(p.returncode, 0, "exit status")
    eq(sim.global_addrs("ibp6"), [f"10.1.0.{0x16}/24"], "ibp6 is rail 0")
    eq(sim.global_addrs("ibp2"), [f"10.1.1.{0x12}/24"], "ibp2 is rail 1")
    for i in (0, 1, 3, 4, 5, 7):
        eq(sim.global_addrs(f"ibp{i}"), [], f"ibp{i} is not matched")


def test_same_address_every_rail_refused(sim):
    """A literal Address= in a file for eight ports is an error: the file is not applied at all."""
    sim.write("10-rails.ibnet", "[Match]\nDevice=mlx5_*\n\n[Network]\nAddress=10.1.0.5/24\n")
    p = sim.oneshot()
    assert "every port of this file would get the same address 10.1.0.5" in p.stderr, p.stderr[-3000:]
    expect_rails(sim, lambda i: [])


def test_reload_changes_every_rail(sim):
    """The daemon: a new template on SIGHUP moves every rail to its new address, removing the old one."""
    sim.write("10-rails.ibnet", "[Match]\nDevice=mlx5_*\n\n[Network]\nAddress=10.%n.0.5/24\n")
    a = sim.agent()
    a.wait_ready()
    agent_sim.wait_for(lambda: all(sim.global_addrs(f"ibp{i}") == [f"10.{i}.0.5/24"] for i in range(RAILS)),
                       "every rail on its address")
    sim.write("10-rails.ibnet", "[Match]\nDevice=mlx5_*\n\n[Network]\nAddress=10.%n.0.6/24\n")
    a.reload()
    agent_sim.wait_for(lambda: all(sim.global_addrs(f"ibp{i}") == [f"10.{i}.0.6/24"] for i in range(RAILS)),
                       "every rail on its new address")


def conf(sim, ifname, name):
    """/proc/sys/net/ipv4/conf/IFNAME/NAME as the simulated fabric shows it."""
    with open(os.path.join(sim.runtime, "sim", "proc", "sys", "net", "ipv4", "conf", ifname, name)) as f:
        return int(f.read())


def test_arp_sysctls_every_rail(sim):
    """Eight rails on one subnet: ARPIgnore=1 and ARPAnnounce=2 on each, before its address."""
    sim.write("10-rails.ibnet", "[Match]\nDevice=mlx5_*\n\n[Network]\nAddress=10.0.0.1%n/24\n"
                                "ARPIgnore=1\nARPAnnounce=2\n")
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stderr[-2000:]})")
    for i in range(RAILS):
        eq((conf(sim, f"ibp{i}", "arp_ignore"), conf(sim, f"ibp{i}", "arp_announce")), (1, 2), f"ibp{i}")
        s = agent_sim.sent(p.stderr, f"ibp{i}")
        eq(s, ["ibp%d set-arp ignore 1 announce 2 → ok" % i, f"ibp{i} set-up → ok",
               f"ibp{i} add-address 10.0.0.1{i}/24 → ok"], f"ibp{i} changes in order")


SOURCE_ROUTING = """[Match]
GUID={guids}

[Network]
Address=10.30.%i.17/16
{gateway}SourceRouting=yes
ARPIgnore=1
ARPAnnounce=2

[RoutingPolicyRule]
To=10.40.%i.0/24
Table=200+%i
Priority=1000+%i

[Route]
Destination=10.40.%i.0/24
Gateway=10.30.255.253
Table=200+%i
"""


def test_source_routing_every_rail(sim):
    """Eight rails on one subnet with SourceRouting=yes: each rail gets table 100+%i with its prefix route
    and its Gateway= route (not one clashing default route per rail in main), the rule "from ADDRESS lookup
    100+%i" at priority 100+%i, and the [RoutingPolicyRule]/[Route] Table= of the file per rail. Without
    SourceRouting= after a reload, exactly the agent's source rules go; the file's own rules stay."""
    guids = " ".join(guid(i) for i in range(RAILS))
    text = SOURCE_ROUTING.format(guids=guids, gateway="Gateway=10.30.255.254\n")
    sim.write("10-rails.ibnet", text)
    if os.access(agent_sim.IPOIBCTL or "", os.X_OK):
        # ipoibctl plan shows the rules, after the routes of their tables.
        sim.write_fabric()
        c = subprocess.run([agent_sim.IPOIBCTL, "--config-dir", sim.conf, "plan", "--simulate", sim.fabric_path, "ibp3"],
                           capture_output=True, text=True, timeout=60, env=dict(os.environ, IPOIB_AGENT=agent_sim.AGENT))
        eq(c.returncode, 2, f"plan exit status ({c.stdout} {c.stderr})")
        eq(c.stdout.splitlines()[-3:], ["+ ibp3: add-rule from all to 10.40.3.0/24 lookup 203 priority 1003",
                                        "+ ibp3: add-rule from 10.30.3.17 lookup 103 priority 103", "8 changes."],
           "the end of the plan")
    p = sim.oneshot()
    eq(p.returncode, 0, f"exit status ({p.stderr[-3000:]})")
    for i in range(RAILS):
        agent_sim.expect_summary(p.stdout, f"ibp{i}", "configured", "10-rails.ibnet")
        s = agent_sim.sent(p.stderr, f"ibp{i}")
        t = 100 + i
        for want in (f"ibp{i} add-route 10.30.0.0/16 metric 0 table {t} → ok",
                     f"ibp{i} add-route 0.0.0.0/0 via 10.30.255.254 metric 0 table {t} → ok",
                     f"ibp{i} add-route 10.40.{i}.0/24 via 10.30.255.253 metric 0 table {200 + i} → ok",
                     f"ibp{i} add-rule from all to 10.40.{i}.0/24 lookup {200 + i} priority {1000 + i} → ok",
                     f"ibp{i} add-rule from 10.30.{i}.17 lookup {t} priority {t} → ok"):
            assert want in s, (want, s)
        # Rules after routes: a rule never points at a table still empty.
        eq(s[-2:], [f"ibp{i} add-rule from all to 10.40.{i}.0/24 lookup {200 + i} priority {1000 + i} → ok",
                    f"ibp{i} add-rule from 10.30.{i}.17 lookup {t} priority {t} → ok"], f"ibp{i} rules last")
        assert not any("add-route 0.0.0.0/0 via 10.30.255.254 metric 0 →" in x for x in s), s

    a = sim.agent()
    a.wait_ready()
    a.settle()
    eq([x for x in a.sent() if "remove-" in x], [], "nothing removed on a restart")
    mark = a.mark()
    sim.write("10-rails.ibnet", text.replace("SourceRouting=yes\n", "").replace("Gateway=10.30.255.254\n", ""))
    a.reload()
    want = sorted(f"(rules) remove-rule from 10.30.{i}.17 lookup {100 + i} priority {100 + i} → ok"
                  for i in range(RAILS))
    agent_sim.wait_for(lambda: sorted(x for x in sent(a.since(mark)) if "remove-rule" in x) == want,
                       "the eight source rules removed")
    a.settle()
    removed = [x for x in sent(a.since(mark)) if "remove-" in x]
    eq(sorted(x for x in removed if "remove-route" in x),
       sorted(f"ibp{i} remove-route {d} metric 0 table {100 + i} → ok" for i in range(RAILS)
              for d in ("10.30.0.0/16", "0.0.0.0/0 via 10.30.255.254")), "the source tables emptied")
    eq(len(removed), 3 * RAILS, f"nothing else removed: {removed}")


def sent(log):
    return agent_sim.sent(log)


TESTS = [v for k, v in globals().items() if k.startswith("test_")]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    agent_sim.AGENT = os.path.abspath(sys.argv[1])
    agent_sim.IPOIBCTL = os.environ.get("IPOIBCTL") or os.path.join(
        os.path.dirname(os.path.dirname(agent_sim.AGENT)), "ipoibctl", "ipoibctl")
    return run_tests(TESTS, sys.argv[2:], RailSim, agent_sim.sim_failure_logs)


if __name__ == "__main__":
    sys.exit(main())
