#!/usr/bin/env python3
"""Encryption at rest: the same roster plaintext and encrypted, same run.

Makes a demo roster (100,000 people by default), copies it, encrypts the
copy with `albergue encrypt`, and measures both with the dashboard
benchmark of benches/tui.py (start to first complete frame, medians of 5
starts in alternating rounds; Down and search keystroke p95 in an 80x24
pty), alternating which goes first. Then a roster of a million people (--export-people) is
exported plaintext and encrypted, alternately, and the medians compared.
The target of the issue is encrypted within 1.3x of plaintext on each.

    cargo build --release
    python3 benches/cipher.py [--people 100000] [--export-people 1000000] [--rounds 3] [--start-rounds 8]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tui  # noqa: E402  (the dashboard benchmark's pty driver)

BIN = tui.BIN
NOW = tui.NOW


def run(*argv):
    subprocess.run([BIN, *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pair(work, people):
    """A plaintext demo roster and an encrypted copy of it, and the key."""
    plain = os.path.join(work, f"plain-{people}.db")
    run("demo", "--people", str(people), "--seed", "1", "--now", NOW, "--db", plain)
    secret = os.path.join(work, f"secret-{people}.db")
    shutil.copyfile(plain, secret)
    key = os.path.join(work, "db.key")
    if not os.path.exists(key):
        run("key", "new", "--out", key)
    started = time.perf_counter()
    run("encrypt", "--db", secret, "--key-file", key)
    return plain, secret, key, time.perf_counter() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--export-people", type=int, default=1_000_000, help="roster exported (0: skip)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds of the key and export measurements")
    ap.add_argument("--start-rounds", type=int, default=8, help="alternating rounds of 5 starts each")
    ap.add_argument("--keys", type=int, default=20)
    args = ap.parse_args()
    args.idle = 0
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")
    work = tempfile.mkdtemp()
    plain, secret, key, encrypt_s = pair(work, args.people)
    figures = {"plain": {}, "encrypted": {}}
    # Starts are short and noisy on a shared machine: more rounds of them.
    env = {"HOME": tempfile.mkdtemp(), "XDG_CONFIG_HOME": tempfile.mkdtemp()}
    base = [BIN, "--now", NOW, "--lang", "en"]
    for round_ in range(args.start_rounds):
        order = [("plain", [*base, "--db", plain]), ("encrypted", [*base, "--db", secret, "--key-file", key])]
        if round_ % 2:
            order.reverse()
        for name, argv in order:
            ms = tui.first_frame_median(argv, env, b"\x1b[?2026l")
            figures[name].setdefault("first_frame_ms", []).append(ms)
    for round_ in range(args.rounds):
        order = [("plain", plain, ()), ("encrypted", secret, ("--key-file", key))]
        if round_ % 2:
            order.reverse()
        for name, db, extra in order:
            r = tui.bench_albergue(db, args, extra=extra)
            for k in ("down_ms_p95", "search_ms_p95"):
                figures[name].setdefault(k, []).append(r[k])
    rows = [
        ("start to first complete frame (ms)", "first_frame_ms"),
        ("Down, key to screen, p95 (ms)", "down_ms_p95"),
        ("search keystroke, p95 (ms)", "search_ms_p95"),
    ]
    print(f"\n{args.people:,} people, 80x24; start: median of {args.start_rounds} alternating rounds of"
          f" 5 starts each; keys: median of {args.rounds} alternating sessions")
    print(f"(encrypting the copy took {encrypt_s:.2f} s)")
    print("| figure | plaintext | encrypted | ratio | target |\n|---|---|---|---|---|")
    for label, k in rows:
        a = statistics.median(figures["plain"][k])
        b = statistics.median(figures["encrypted"][k])
        print(f"| {label} | {a:.1f} | {b:.1f} | {b / a:.2f}x | <= 1.3x |")

    if args.export_people:
        plain, secret, key, encrypt_s = pair(work, args.export_people)
        times = {"plain": [], "encrypted": []}
        for round_ in range(args.rounds):
            order = [("plain", plain, []), ("encrypted", secret, ["--key-file", key])]
            if round_ % 2:
                order.reverse()
            for name, db, extra in order:
                out = os.path.join(work, f"out-{name}-{round_}")
                started = time.perf_counter()
                run("export", "--db", db, "--now", NOW, "--format", "csv", "--out", out, *extra)
                times[name].append(time.perf_counter() - started)
                shutil.rmtree(out)
        a = statistics.median(times["plain"])
        b = statistics.median(times["encrypted"])
        print(f"\n`albergue export --format csv`, {args.export_people:,} people, median of {args.rounds} alternating runs")
        print(f"(encrypting the copy took {encrypt_s:.2f} s)")
        print("| figure | plaintext | encrypted | ratio | target |\n|---|---|---|---|---|")
        print(f"| export (s) | {a:.2f} | {b:.2f} | {b / a:.2f}x | <= 1.3x |")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
