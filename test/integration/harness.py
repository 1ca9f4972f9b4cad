# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the integration scripts share: the test loop and its "N passed, N failed, N skipped" line,
Skip, eq() and a bounded wait_for(). Each script gives a context factory (a namespace, a simulated
fabric, a bus) with close(), and a function that returns the logs worth printing on failure."""

import json
import os
import subprocess
import time
import traceback

# The agent, run as root, refuses configuration files writable by group or others (as it should), so
# the files the tests write must not depend on the caller's umask (002 on many desktops).
os.umask(0o022)


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
