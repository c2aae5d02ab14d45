#!/usr/bin/env python3
"""Dashboard benchmark: albergue against VisiData, same database, same run.

Drives each program in an 80x24 pseudo-terminal (Python's pty module) and
measures what a coordinator on a slow SSH link pays: time to the first
frame, bytes written per key, key-to-screen latency, bytes while idle, and
resident memory. Medians over repeated keys; p95 where the issue asks.

    cargo build --release
    pip install visidata            # the peer (optional: skipped if absent)
    python3 benches/tui.py [--people 100000] [--idle 60] [--json out.json]
    python3 benches/tui.py --people 1000000 --idle 0 --no-peer
    python3 benches/tui.py --baseline OLD/albergue --scoped [--people N]   # a change, scoped too

With a roster other than 100,000 people, the 100,000 figures are measured in
the same run, first, so the two columns compare (the scale issue's targets
are ratios to them). Each size also reports how long `albergue demo` took,
and what another process's commit costs the watching dashboard: the CPU
time its threads used (from /proc/PID/task/*/schedstat, nanoseconds) over
the seconds after the commit, less the same span idle, and how long until
the screen showed the change.

The demo database is made by `albergue demo` with a fixed seed and clock.
albergue runs with that fixed clock too (`--now`), so an idle screen has
nothing to redraw: the idle figure shows whether anything is drawn without
a change. With a running clock albergue redraws once a minute (the clock
and countdowns, which show minutes, never seconds).
"""

import argparse
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

NOW = "2024-05-22T15:00:00Z"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "albergue")


def rss_mb(pid):
    """Resident memory of a process, in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Pty:
    """A program in an 80x24 pseudo-terminal, with every output byte counted."""

    def __init__(self, argv, env=None, rows=24, cols=80):
        self.start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(env or {})
            os.environ["TERM"] = "xterm-256color"
            os.execvp(argv[0], argv)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.pid, self.fd = pid, fd
        self.out = bytearray()
        self.last_byte = self.start

    def pump(self, timeout):
        """Reads what is there within `timeout`; returns bytes read."""
        n = 0
        end = time.perf_counter() + timeout
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                return n
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return n
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return n
            if not chunk:
                return n
            self.out += chunk
            self.last_byte = time.perf_counter()
            n += len(chunk)

    def settle(self, quiet=0.15, limit=10.0):
        """Reads until no output for `quiet` s. Returns (bytes, seconds from
        call to the last byte, 0 if none came). `last_byte` stays the time
        the last byte was read, also when it came before the call (a caller
        timing a start reads it after settling)."""
        t0 = time.perf_counter()
        before = len(self.out)
        while time.perf_counter() - t0 < limit:
            if self.pump(quiet) == 0:
                break
        return len(self.out) - before, max(0.0, self.last_byte - t0)

    def wait_for(self, needle, limit=30.0):
        t0 = time.perf_counter()
        while needle not in self.out:
            if time.perf_counter() - t0 > limit:
                raise TimeoutError(f"never saw {needle!r}")
            self.pump(0.05)
        return self.last_byte - self.start

    def send(self, data):
        os.write(self.fd, data)

    def key(self, data, quiet=0.15):
        """Sends a key; returns (bytes written in answer, seconds to the last byte)."""
        self.settle(0.05)
        t0 = time.perf_counter()
        before = len(self.out)
        self.send(data)
        self.last_byte = t0
        while True:
            if self.pump(quiet) == 0:
                break
        return len(self.out) - before, self.last_byte - t0

    def rss_mb(self):
        return rss_mb(self.pid)

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


def p95(xs):
    xs = sorted(xs)
    return xs[max(0, -(-len(xs) * 95 // 100) - 1)]


DOWN = b"\x1b[B"
PGDN = b"\x1b[6~"


def cpu_ns(pid):
    """CPU time used by every thread of a process so far, in ns."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def commit_watch(db, binary=BIN, rounds=5):
    """Another process changes the status of a person on screen: the
    watching dashboard's CPU time for it (median, ms) and the time until the
    screen shows it (median, ms)."""
    import sqlite3
    argv = [binary, "--db", db, "--now", NOW, "--lang", "en"]
    env = {"HOME": tempfile.mkdtemp(), "XDG_CONFIG_HOME": tempfile.mkdtemp()}
    p = Pty(argv, env)
    work, seen = [], []
    try:
        p.wait_for(b"\x1b[?2026l")
        p.key(b"2", quiet=1.0)
        p.wait_for(b"sorted by")
        p.settle(1.5)
        con = sqlite3.connect(db, timeout=10)
        # The third person on screen (the roster shows those present, in
        # name order), whose nationality flips: they stay on the screen.
        pid, nat = con.execute(
            "SELECT id, nationality FROM person WHERE status = 'present'"
            " ORDER BY search_name, id LIMIT 1 OFFSET 2").fetchone()
        other = "HTI" if nat != "HTI" else "VEN"
        for i in range(rounds):
            # Idle span of the same length first: the watcher's own polling.
            span = 1.6
            c0 = cpu_ns(p.pid)
            p.settle(quiet=span, limit=span)
            idle = cpu_ns(p.pid) - c0
            value = other if i % 2 == 0 else nat
            before = len(p.out)
            c0 = cpu_ns(p.pid)
            t0 = time.perf_counter()
            con.execute("UPDATE person SET nationality = ?, version = version + 1 WHERE id = ?", (value, pid))
            con.commit()
            # The frame writer sends only the cells that change.
            word = value.encode()
            while word not in p.out[before:] and time.perf_counter() - t0 < 5:
                p.pump(0.01)
            seen.append((time.perf_counter() - t0) * 1000)
            p.settle(quiet=max(0.0, span - (time.perf_counter() - t0)), limit=span)
            work.append(max(0, cpu_ns(p.pid) - c0 - idle) / 1e6)
        con.close()
    finally:
        p.close()
    return {"commit_work_ms": statistics.median(work), "commit_seen_ms": statistics.median(seen)}


def first_frame_median(argv, env, marker, runs=5):
    """Median, over `runs` fresh starts, of the time to the first complete frame."""
    times = []
    for _ in range(runs):
        p = Pty(argv, env)
        try:
            times.append(p.wait_for(marker) * 1000)
        finally:
            p.close()
    return statistics.median(times)


def moving(p, keys):
    """Bytes and time per Down from the top, per Down past the first
    screenful (where every Down scrolls the list), and per PageDown."""
    r = {}
    downs = [p.key(DOWN) for _ in range(keys)]
    r["down_bytes_median"] = statistics.median(b for b, _ in downs)
    r["down_ms_p95"] = p95([t for _, t in downs]) * 1000
    scrolls = [p.key(DOWN) for _ in range(20)]
    r["scroll_bytes_median"] = statistics.median(b for b, _ in scrolls)
    pages = [p.key(PGDN) for _ in range(10)]
    r["pgdn_bytes_median"] = statistics.median(b for b, _ in pages)
    return r


def bench_albergue(db, args, low_bandwidth=False, binary=BIN, extra=()):
    argv = [binary, "--db", db, "--now", NOW, "--lang", "en", *extra]
    if low_bandwidth:
        argv.append("--low-bandwidth")
    env = {"HOME": tempfile.mkdtemp(), "XDG_CONFIG_HOME": tempfile.mkdtemp()}
    r = {}
    if not low_bandwidth:
        # The first frame is drawn only once the dashboard's figures are in.
        r["first_frame_ms"] = first_frame_median(argv, env, b"\x1b[?2026l")
    p = Pty(argv, env)
    try:
        p.wait_for(b"\x1b[?2026l")
        p.settle(0.5)
        if not low_bandwidth and args.idle:
            n, _ = p.settle(quiet=args.idle, limit=args.idle + 1)
            r["idle_bytes"] = n
        p.key(b"2", quiet=0.5)
        p.wait_for(b"sorted by")
        p.settle(1.0)  # the roster of every person has loaded
        r.update(moving(p, args.keys))
        if low_bandwidth:
            return r
        p.key(b"g")
        p.key(b"/")
        typed = [p.key(c.encode()) for c in "yusleidy"]
        r["search_ms_p95"] = p95([t for _, t in typed]) * 1000
        p.key(b"\x1b")
        p.key(b"/")
        # A whole 9-letter name in one burst, then Enter.
        p.settle(0.2)
        before = len(p.out)
        p.send(b"mackenson\r")
        p.settle(0.3)
        r["burst_bytes"] = len(p.out) - before
        # Open the person found.
        p.key(b"\r", quiet=0.5)
        r["rss_mb"] = p.rss_mb()
    finally:
        p.close()
    return r


def bandwidth_session(db, binary=BIN):
    """The field-conditions budget: start, dashboard, roster, 20 x Down, search
    a name, open the person, record a confirmation, quit. Bytes per step."""
    import sqlite3
    from datetime import datetime
    now = int(datetime.fromisoformat(NOW.replace("Z", "+00:00")).timestamp())
    # Someone travelling alone whose appointment waits for confirmation.
    con = sqlite3.connect(db)
    name = con.execute(
        """SELECT p.given_names || ' ' || p.family_names FROM appointment a
           JOIN person p ON p.id = a.person_id
           WHERE a.status = 'pending_confirmation' AND a.confirm_deadline > ?
             AND (SELECT count(*) FROM appointment b WHERE b.household_id = a.household_id
                  AND b.status = 'pending_confirmation') = 1
           ORDER BY a.id LIMIT 1""", (now + 3600,)).fetchone()[0]
    con.close()
    argv = [binary, "--db", db, "--now", NOW, "--lang", "en"]
    env = {"HOME": tempfile.mkdtemp(), "XDG_CONFIG_HOME": tempfile.mkdtemp()}
    steps = []
    p = Pty(argv, env)
    try:
        p.wait_for(b"\x1b[?2026l")
        n, _ = p.settle(0.5)
        steps.append(("start + dashboard", len(p.out)))
        steps.append(("roster (2)", p.key(b"2", quiet=1.0)[0]))
        steps.append(("20 x Down", sum(p.key(DOWN)[0] for _ in range(20))))
        total = p.key(b"/")[0]
        for c in name:
            total += p.key(c.encode())[0]
        steps.append((f"search a name (/ + {len(name)} characters)", total))
        total = p.key(b"\r")[0] + p.key(b"\r", quiet=0.5)[0]
        steps.append(("open the person (Enter Enter)", total))
        total = p.key(b"c")[0]
        for c in "QK771204":
            total += p.key(c.encode())[0]
        total += p.key(b"\x13", quiet=0.5)[0]
        steps.append(("record a confirmation (c, number, Ctrl-S)", total))
        before = len(p.out)
        p.send(b"q")
        p.settle(0.5)
        steps.append(("quit", len(p.out) - before))
    finally:
        p.close()
    return steps


def bench_visidata(db, args):
    vd = shutil.which("vd") or shutil.which("visidata")
    if not vd:
        return None
    home = tempfile.mkdtemp()
    env = {"HOME": home}
    r = {}
    # VisiData's first screen lists the tables; "person" appears when it is drawn.
    r["first_frame_ms"] = first_frame_median([vd, db], env, b"person", runs=3)
    p = Pty([vd, db], env)
    try:
        p.wait_for(b"person")
        p.settle(0.5)
        if args.idle:
            n, _ = p.settle(quiet=args.idle, limit=args.idle + 1)
            r["idle_bytes"] = n
        # Open the person table: search for it, Enter.
        p.send(b"/person\r")
        p.settle(0.5)
        p.send(b"\r")
        p.settle(3.0)
        r.update(moving(p, args.keys))
        r["rss_mb"] = p.rss_mb()
    finally:
        p.close()
    return r


def scoped_user(work, db):
    """Registers a coordinator of the demo's first shelter; returns the name."""
    key = os.path.join(work, "scoped")
    if not os.path.exists(key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    subprocess.run([BIN, "users", "add", "scoped", "--role", "coordinator", "--key", key + ".pub",
                    "--shelter", "Casa del Caminante Tijuana", "--db", db], check=True,
                   stdout=subprocess.DEVNULL)
    return "scoped"


def make_demo(work, people, binary=BIN, name="bench", programs=None):
    db = os.path.join(work, f"{name}-{people}.db")
    extra = ["--programs", programs] if programs else []
    t0 = time.perf_counter()
    subprocess.run(
        [binary, "demo", "--people", str(people), "--seed", "1", "--now", NOW, "--db", db, *extra],
        check=True,
    )
    return db, time.perf_counter() - t0


ROWS = [
    ("start to first complete frame (ms, median of 5 starts; VisiData 3)", "first_frame_ms", "<= 150, under VisiData"),
    ("bytes per Down in the roster, first Downs from the top (median)", "down_bytes_median", "<= 250"),
    ("bytes per Down while scrolling, past the first screen (median)", "scroll_bytes_median", "—"),
    ("bytes per PageDown (median)", "pgdn_bytes_median", "<= 2200"),
    ("key to screen, Down, p95 (ms)", "down_ms_p95", "<= 10"),
    ("search keystroke, p95 (ms)", "search_ms_p95", "<= 25"),
    ("9-letter name in one burst + Enter (bytes)", "burst_bytes", "<= 3000"),
    ("bytes while idle", "idle_bytes", "0"),
    ("resident memory after moving, searching, opening a person (MB)", "rss_mb", "<= 80"),
    ("another process's commit: work in the watcher (ms, median of 5)", "commit_work_ms", "<= 10"),
    ("another process's commit: until the screen shows it (ms, median)", "commit_seen_ms", "<= 1000"),
    ("`albergue demo` (s)", "demo_s", "<= 20 at 1,000,000"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--idle", type=float, default=60.0, help="seconds of idle to measure (0: skip)")
    ap.add_argument("--keys", type=int, default=20, help="Down presses measured from the top of the roster")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--baseline", help="another albergue binary (say, the build before a change), measured in the same run")
    ap.add_argument("--no-peer", action="store_true", help="skip VisiData")
    ap.add_argument("--programs", help="this build's demo also puts people in these programs "
                    "(comar,tvrh,iom-return: four programs loaded); the baseline's is CBP One's alone")
    ap.add_argument("--scoped", action="store_true",
                    help="also measure the dashboard as a coordinator of the first shelter sees it (--as-user)")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")

    work = tempfile.mkdtemp()
    if args.people != 100_000 and not args.baseline:
        # The scale figures: 100,000 and the size asked for, in one run.
        sizes = [100_000, args.people]
        cols = {}
        for n in sizes:
            db, took = make_demo(work, n, programs=args.programs)
            r = bench_albergue(db, args)
            r.update(commit_watch(db))
            r["demo_s"] = took
            cols[n] = r
            os.remove(db)
        fmt = lambda v: "—" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v))
        print(f"\n80x24, idle {args.idle:g} s, {args.keys} Downs")
        print(f"| figure | {' | '.join(f'{n:,} people' for n in sizes)} | ratio | target |")
        print("|---|---|---|---|---|")
        for label, key, target in ROWS:
            a, b = (cols[n].get(key) for n in sizes)
            ratio = f"{b / a:.2f}×" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a else "—"
            print(f"| {label} | {fmt(a)} | {fmt(b)} | {ratio} | {target} |")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({str(n): cols[n] for n in sizes}, f, indent=2)
        return
    db, took = make_demo(work, args.people, programs=args.programs)
    ours_fresh = os.path.join(work, "fresh.db")
    shutil.copyfile(db, ours_fresh)
    # The baseline gets the same roster made by itself: a build with an
    # older schema cannot open a file this build has upgraded.
    base_db = make_demo(work, args.people, args.baseline, "baseline")[0] if args.baseline else None
    base_fresh = os.path.join(work, "baseline-fresh.db")
    if base_db:
        shutil.copyfile(base_db, base_fresh)
    ours = bench_albergue(db, args)
    ours.update(commit_watch(db))
    ours["demo_s"] = took
    scoped = bench_albergue(db, args, extra=("--as-user", scoped_user(work, db))) if args.scoped else None
    low = bench_albergue(db, args, low_bandwidth=True)
    peer = None if args.no_peer else bench_visidata(db, args)
    base = bench_albergue(base_db, args, binary=args.baseline) if args.baseline else None
    if base is not None:
        base.update(commit_watch(base_db, binary=args.baseline))

    rows = ROWS
    print(f"\n{args.people} people, 80x24, idle {args.idle:g} s, {args.keys} Downs")
    head = (" baseline |" if base else "") + (" scoped: one shelter |" if scoped else "")
    print(f"| figure | albergue | VisiData | target |{head}\n|---|---|---|---|{'---|' * head.count('|')}")
    fmt = lambda v: "—" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v))
    for label, key, target in rows:
        extra = f" {fmt(base.get(key))} |" if base else ""
        if scoped:
            extra += f" {fmt(scoped.get(key))} |"
        print(f"| {label} | {fmt(ours.get(key))} | {fmt((peer or {}).get(key))} | {target} |{extra}")
    print(f"| bytes per Down, --low-bandwidth, first Downs (median) | {fmt(low.get('down_bytes_median'))} | — | <= 100 |")
    print(f"| bytes per Down, --low-bandwidth, while scrolling (median) | {fmt(low.get('scroll_bytes_median'))} | — | — |")
    if peer is None:
        print("(VisiData not found: pip install visidata)")
    # The session records a confirmation: each binary gets its own copy of
    # the database as it was (the baseline's copied before its runs), so
    # both confirm the same person.
    steps = bandwidth_session(ours_fresh)
    base_steps = dict(bandwidth_session(base_fresh, args.baseline)) if args.baseline else None
    print("\nscripted session, 80x24 (bytes written by albergue)")
    print(f"| step | bytes |{' baseline |' if base_steps else ''}\n|---|---|{'---|' if base_steps else ''}")
    for name, n in steps:
        extra = f" {base_steps.get(name, 0):,} |" if base_steps else ""
        print(f"| {name} | {n:,} |{extra}")
    extra = f" **{sum(base_steps.values()):,}** |" if base_steps else ""
    print(f"| **total** | **{sum(n for _, n in steps):,}** |{extra}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"albergue": ours, "low_bandwidth": low, "visidata": peer, "baseline": base}, f, indent=2)


if __name__ == "__main__":
    main()
