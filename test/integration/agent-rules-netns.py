#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real-kernel tests of routing policy (ibnet(5) "Source routing", [RoutingPolicyRule], [Route] Table=):
three veth "rails" on one subnet in a network namespace, each with SourceRouting=, checked with
`ip rule show` and `ip route show table N`. No traffic is sent. Reuses agent-netns.py's harness (the real
ipoib-agent, netlink traced).

Usage: agent-rules-netns.py PATH-TO-ipoib-agent [TEST-NAME...]
Prints "N passed, N failed, N skipped"; exit 77 (skip) when not root or without netns."""

import importlib.util
import os
import sys

from harness import eq, run_tests, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("agent_netns", os.path.join(HERE, "agent-netns.py"))
agent_netns = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(agent_netns)

RAILS = 3
RULE_MESSAGES = ("RTM_NEWRULE", "RTM_DELRULE", "RTM_NEWROUTE", "RTM_DELROUTE")


def rail_file(i, extra=""):
    """One file per veth rail (Name= gives no rail index): all on 10.30.0.0/16, one router."""
    return (f"[Match]\nName=v{i}\nType=ether\n\n[Network]\nAddress=10.30.0.1{i}/16\nGateway=10.30.255.254\n"
            f"SourceRouting={100 + i}\n{extra}")


def rules(ns):
    """`ip rule show` as (priority, text) without the kernel's three."""
    out = []
    for r in ns.json("rule", "show"):
        if r.get("priority") in (0, 32766, 32767):
            continue
        s = f"from {r['src']}" + (f"/{r['srclen']}" if "srclen" in r and r["srclen"] not in (32, 128) else "")
        if "dst" in r:
            s += f" to {r['dst']}" + (f"/{r['dstlen']}" if r.get("dstlen") not in (None, 32, 128) else "")
        if "iif" in r:
            s += f" iif {r['iif']}"
        s += f" lookup {r['table']}"
        if r.get("protocol"):
            s += f" proto {r['protocol']}"
        out.append((r["priority"], s))
    return sorted(out)


def table(ns, t, family=4):
    out = []
    for r in ns.json(f"-{family}", "route", "show", "table", str(t)):
        s = r["dst"] + (f" via {r['gateway']}" if "gateway" in r else "") + f" dev {r['dev']}"
        out.append(s + (f" proto {r['protocol']}" if "protocol" in r else ""))
    return sorted(out)


def want_rules(rails=range(RAILS)):
    return [(100 + i, f"from 10.30.0.1{i} lookup {100 + i} proto 149") for i in rails]


def want_table(i):
    return [f"10.30.0.0/16 dev v{i} proto 149", f"default via 10.30.255.254 dev v{i} proto 149"]


def expect_rails(ns, rails=range(RAILS)):
    eq([r for r in rules(ns) if "proto 149" in r[1]], want_rules(rails), "the agent's rules")
    for i in rails:
        eq(table(ns, 100 + i), want_table(i), f"table {100 + i}")
    # The default routes went into the rails' tables, not main: main has the kernel's prefix routes only.
    for i in rails:
        eq(ns.routes(f"v{i}"), [], f"main table routes of v{i} besides the kernel's")


def rule_mutations(log):
    return [m for m in agent_netns.mutations(log) + rule_sends(log) if m.split()[0] in RULE_MESSAGES]


def rule_sends(log):
    out = []
    for line in log.splitlines():
        if "netlink: send RTM_NEWRULE" in line or "netlink: send RTM_DELRULE" in line:
            out.append(line.split("netlink: send ", 1)[1])
    return out


def setup(ns, rails=range(RAILS)):
    for i in rails:
        ns.veth(f"v{i}")
        ns.write(f"10-v{i}.ibnet", rail_file(i))


def test_source_routing(ns):
    """Three rails on one subnet: each gets its table (prefix route and default route, protocol ipoib) and
    a "from ADDRESS lookup TABLE" rule at priority TABLE; a restart sends nothing."""
    setup(ns)
    p = ns.oneshot()
    eq(p.returncode, 0, f"exit status (stderr tail: {p.stderr[-2000:]})")
    expect_rails(ns)
    eq(len(rule_sends(p.stderr)), RAILS, "one RTM_NEWRULE per rail")
    assert "v1 add-rule from 10.30.0.11 lookup 101 priority 101" in p.stderr, p.stderr[-3000:]
    p = ns.oneshot()
    eq(p.returncode, 0, "second run")
    eq(rule_mutations(p.stderr), [], "rule and route messages after a restart with the same config")
    expect_rails(ns)


def test_file_removed_foreign_kept(ns):
    """A file goes: its rail's rule and table routes go, nothing else; a foreign rule with the same
    priority, and a foreign copy of one of the agent's rules (protocol static), are never touched."""
    setup(ns)
    eq(ns.oneshot().returncode, 0, "first run")
    ns.ip("rule", "add", "from", "10.30.9.9", "lookup", "101", "priority", "101")
    ns.ip("rule", "add", "from", "10.30.0.11", "lookup", "101", "priority", "101", "proto", "static")
    os.unlink(os.path.join(ns.conf, "10-v1.ibnet"))
    p = ns.oneshot()
    eq(p.returncode, 0, f"without v1's file (stderr tail: {p.stderr[-2000:]})")
    eq(len(rule_sends(p.stderr)), 1, "one rule removed")
    expect_rails(ns, rails=(0, 2))
    eq(table(ns, 101), [], "table 101")
    foreign = [r for r in rules(ns) if "proto 149" not in r[1]]
    eq(foreign, [(101, "from 10.30.0.11 lookup 101 proto static"), (101, "from 10.30.9.9 lookup 101")],
       "foreign rules")
    # Every file gone: the agent's rules go, the foreign ones stay.
    for i in (0, 2):
        os.unlink(os.path.join(ns.conf, f"10-v{i}.ibnet"))
    p = ns.oneshot()
    eq(p.returncode, 0, "without any file")
    eq([r for r in rules(ns) if "proto 149" in r[1]], [], "the agent's rules")
    eq([r for r in rules(ns) if "proto 149" not in r[1]], foreign, "foreign rules")
    for i in range(RAILS):
        eq(table(ns, 100 + i), [], f"table {100 + i}")


def test_drift(ns):
    """The running agent: a rule of its own deleted behind its back comes back; so does a route of a
    rail's table."""
    setup(ns)
    a = ns.agent()
    wait_for(lambda: expect_rails(ns) is None, "initial configuration")
    ns.ip("rule", "del", "priority", "101")
    wait_for(lambda: want_rules()[1] in rules(ns), "the deleted rule to come back")
    ns.ip("route", "del", "default", "table", "102")
    wait_for(lambda: table(ns, 102) == want_table(2), "the deleted route to come back")
    assert a.alive(), a.output()[-3000:]


def test_rules_and_tables_per_file(ns):
    """[RoutingPolicyRule] (with To= and IncomingInterface=) and [Route] Table=, IPv4 and IPv6; an edit
    replaces exactly the rule that changed."""
    ns.veth("v0")
    text = ("[Match]\nName=v0\nType=ether\n\n[Network]\nAddress=10.30.0.10/16\nAddress=fd00:30::10/64\n\n"
            "[Route]\nDestination=10.40.0.0/24\nGateway=10.30.255.253\nTable=200\n\n"
            "[Route]\nDestination=fd00:40::/64\nGateway=fd00:30::1\nTable=200\n\n"
            "[RoutingPolicyRule]\nTo=10.40.0.0/24\nIncomingInterface=v0\nTable=200\nPriority=1000\n\n"
            "[RoutingPolicyRule]\nFrom=fd00:30::10\nTable=200\nPriority=1000\n")
    ns.write("10-v0.ibnet", text)
    p = ns.oneshot()
    eq(p.returncode, 0, f"exit status (stderr tail: {p.stderr[-2000:]})")
    eq(rules(ns), [(1000, "from all to 10.40.0.0/24 iif v0 lookup 200 proto 149")], "IPv4 rules")
    eq([r["src"] for r in ns.json("-6", "rule", "show") if r.get("priority") == 1000], ["fd00:30::10"],
       "IPv6 rule")
    eq(table(ns, 200), ["10.40.0.0/24 via 10.30.255.253 dev v0 proto 149"], "table 200")
    eq(table(ns, 200, 6), ["fd00:40::/64 via fd00:30::1 dev v0 proto 149"], "IPv6 table 200")
    ns.write("10-v0.ibnet", text.replace("Priority=1000\n\n[RoutingPolicyRule]", "Priority=1001\n\n"
                                         "[RoutingPolicyRule]"))
    p = ns.oneshot()
    eq(p.returncode, 0, "after the edit")
    eq([m.split()[0] for m in rule_sends(p.stderr)], ["RTM_NEWRULE", "RTM_DELRULE"], "one added, one removed")
    eq(rules(ns), [(1001, "from all to 10.40.0.0/24 iif v0 lookup 200 proto 149")], "IPv4 rules after")


def test_table_route_removed_after_restart(ns):
    """A [Route] Table= without any rule: once the file is gone, the next agent (a restart: nothing of the
    first one's memory, no file naming a table, no rule of its own) still finds its route in table 300 by
    its mark and removes it; a foreign route in the same table stays. The link is up before the agent
    comes, with a foreign address in the subnet: else restoring it down, or removing the agent's only
    address in the gateway's subnet, makes the kernel flush every route through it, the foreign one too."""
    ns.veth("v0")
    ns.ip("link", "set", "v0", "up")
    ns.ip("address", "add", "10.30.0.99/16", "dev", "v0")
    ns.write("10-v0.ibnet", "[Match]\nName=v0\nType=ether\n\n[Network]\nAddress=10.30.0.10/16\n\n"
             "[Route]\nDestination=10.50.0.0/24\nGateway=10.30.255.253\nTable=300\n")
    eq(ns.oneshot().returncode, 0, "first run")
    eq(table(ns, 300), ["10.50.0.0/24 via 10.30.255.253 dev v0 proto 149"], "table 300")
    ns.ip("route", "add", "10.60.0.0/24", "via", "10.30.255.253", "dev", "v0", "table", "300", "proto", "static")
    os.unlink(os.path.join(ns.conf, "10-v0.ibnet"))
    p = ns.oneshot()
    eq(p.returncode, 0, f"after the removal (stderr tail: {p.stderr[-2000:]})")
    eq(table(ns, 300), ["10.60.0.0/24 via 10.30.255.253 dev v0 proto static"], "only the foreign route stays")


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
