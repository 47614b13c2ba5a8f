#!/usr/bin/env python3
"""Startup, memory and demo-load figures for Switchyard's release build.

Run through `./dev measure` (which builds the release binaries and runs this under Xvfb).
Every process started here is bounded in time and stopped, pass or fail.

  measure.py measure [--runs N]     print the figures as a Markdown table
  measure.py screenshot OUT.png     the README picture: the real window, painted
"""
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROFILE = os.environ.get("SWITCHYARD_PROFILE", "release")
APP = os.path.join(ROOT, "target", PROFILE, "switchyard-desktop")
CLI = os.path.join(ROOT, "target", PROFILE, "switchyard")
PAINTED = re.compile(r"calendar painted (\d+) ms after launch")


def fresh_env(home):
    env = dict(os.environ)
    env.pop("SWITCHYARD_DB", None)
    env.update(
        XDG_DATA_HOME=os.path.join(home, "data"),
        XDG_CONFIG_HOME=os.path.join(home, "config"),
        XDG_CACHE_HOME=os.path.join(home, "cache"),
        RUST_LOG="warn,switchyard::startup=info",
        NO_COLOR="1",
    )
    return env


def descendants(pid):
    """pid and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory_kib(pids):
    rss = pss = 0
    names = []
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                text = f.read()
            with open(f"/proc/{p}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))
        pss += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
    return rss, pss, names


class App:
    """The release window, started in its own process group."""

    def __init__(self, env):
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [APP], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )
        self.painted_at = None
        self.app_ms = None
        self.lines = []
        self.event = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip())
            m = PAINTED.search(line)
            if m and self.painted_at is None:
                self.painted_at = time.monotonic()
                self.app_ms = int(m.group(1))
                self.event.set()

    def wait_painted(self, timeout=60):
        if not self.event.wait(timeout):
            raise SystemExit("the calendar was not painted within %ss:\n%s" % (timeout, "\n".join(self.lines[-20:])))
        return (self.painted_at - self.t0) * 1000.0

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(5)


def measure(runs):
    demo = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as d:
            t = time.monotonic()
            subprocess.run([CLI, "--db", os.path.join(d, "ws.sqlite3"), "demo", "load"],
                           check=True, stdout=subprocess.DEVNULL, timeout=60)
            demo.append((time.monotonic() - t) * 1000)

    first, warm, mem = [], [], None
    for i in range(runs):
        home = tempfile.mkdtemp(prefix="switchyard-measure-")
        try:
            env = fresh_env(home)
            app = App(env)  # first start: creates the workspace and loads the demo
            try:
                first.append(app.wait_painted())
            finally:
                app.stop()
            app = App(env)  # a later start: the workspace is there
            try:
                warm.append(app.wait_painted())
                if i == 0:
                    time.sleep(10)
                    mem = memory_kib(descendants(app.proc.pid))
            finally:
                app.stop()
        finally:
            shutil.rmtree(home, ignore_errors=True)

    med = statistics.median
    rss, pss, names = mem
    print("| measure | median of %d | range | target |" % runs)
    print("|---|---|---|---|")
    print("| `switchyard demo load` (CLI, fresh file) | %.0f ms | %.0f-%.0f ms | < 1 s |" % (med(demo), min(demo), max(demo)))
    print("| launch to calendar painted, first start (creates workspace + demo) | %.0f ms | %.0f-%.0f ms | < 1.5 s |" % (med(first), min(first), max(first)))
    print("| launch to calendar painted, later start | %.0f ms | %.0f-%.0f ms | < 1.5 s |" % (med(warm), min(warm), max(warm)))
    print("| memory after 10 s idle, all %d processes (%s) | RSS %.0f MB, PSS %.0f MB | | < 300 MB PSS |"
          % (len(names), ", ".join(sorted(set(names))), rss / 1024, pss / 1024))


def screenshot(out):
    home = tempfile.mkdtemp(prefix="switchyard-shot-")
    try:
        app = App(fresh_env(home))
        try:
            app.wait_painted()
            time.sleep(1.0)
            subprocess.run(["import", "-window", "root", out], check=True, timeout=30)
        finally:
            app.stop()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("wrote", out)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "screenshot":
        screenshot(os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "docs/calendar.png"))
    else:
        runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
        measure(runs)
