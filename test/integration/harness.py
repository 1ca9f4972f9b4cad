# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the integration scripts share: the test loop and its "N passed, N failed, N skipped" line,
Skip, eq(), a bounded wait_for() and a private dbus-daemon with our bus policy (start_bus()). Each script gives a context factory (a namespace, a simulated
fabric, a bus) with close(), and a function that returns the logs worth printing on failure."""

import json
import os
import subprocess
import time
import traceback

# The agent, run as root, refuses configuration files writable by group or others (as it should), so
# the files the tests write must not depend on the caller's umask (002 on many desktops).
os.umask(0o022)


BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={sock}</listen>
  <auth>EXTERNAL</auth>
  <!-- Debian's system.conf default policy -->
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


def start_bus(directory, src):
    """A private dbus-daemon: the system bus's default policy plus ours (SRC/units/org.ipoib.Agent1.conf),
    listening on DIRECTORY/bus. Returns the process and the bus address once the socket is there."""
    sock = os.path.join(directory, "bus")
    conf = os.path.join(directory, "bus.conf")
    with open(conf, "w") as f:
        f.write(BUS_CONF.format(sock=sock, policy=os.path.join(src, "units/org.ipoib.Agent1.conf")))
    p = subprocess.Popen(["dbus-daemon", "--nofork", "--config-file", conf], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    wait_for(lambda: os.path.exists(sock), "the dbus-daemon's socket")
    return p, f"unix:path={sock}"


def netns_skip_reason(prefix):
    """Why network namespace tests cannot run here (not root, no netns), or None. The probe namespace is
    PREFIX + our pid, removed at once."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, veth)"
    name = f"{prefix}{os.getpid()}"
    probe = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"cannot create a network namespace: {probe.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


class Skip(Exception):
    pass


def eq(got, want, what=""):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def wait_for(pred, what, timeout=10.0):
    """Polls pred() until it is true (returns its value) or timeout seconds pass (AssertionError)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = pred()
            if last:
                return last
        except (AssertionError, IndexError, KeyError, json.JSONDecodeError) as e:
            last = e
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def stop_process(p, timeout=10):
    """SIGTERM, then SIGKILL if it does not exit within timeout seconds."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run_tests(tests, wanted, make_context, failure_logs):
    """Runs each test (all, or those named in wanted) with a fresh context; returns the exit status."""
    passed = failed = skipped = 0
    for t in tests:
        if wanted and t.__name__ not in wanted:
            continue
        ctx = make_context()
        start = time.monotonic()
        try:
            t(ctx)
            passed += 1
            print(f"PASS {t.__name__} ({time.monotonic() - start:.2f} s)", flush=True)
        except Skip as e:
            skipped += 1
            print(f"SKIP {t.__name__}: {e}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {t.__name__}", flush=True)
            traceback.print_exc()
            print(failure_logs(ctx), flush=True)
        finally:
            ctx.close()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1
