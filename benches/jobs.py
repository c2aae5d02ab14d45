#!/usr/bin/env python3
"""Export and import benchmark: albergue against sqlite3, same file, same run.

    cargo build --release
    python3 benches/jobs.py [--people 1000000] [--runs 3]

- Export: `albergue export --format csv` of the whole database (every table,
  with its manifest and SHA-256 sums) against `sqlite3 -csv -header` dumping
  the same tables of the same file into files: the floor for a full export.
  Medians of --runs, and albergue's peak resident memory.
- Import: a 100,000-row spreadsheet (Spanish headers, semicolons, day-first
  dates), made from a demo roster, imported into a new database.
Needs the sqlite3 command-line shell (Debian package sqlite3).
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "albergue")
NOW = "2024-05-22T15:00:00Z"
TABLES = ["shelter", "household", "person", "appointment", "outage", "audit"]


def timed(argv, stdout=None):
    """Runs argv; returns (seconds, peak RSS in MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t0
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[0]} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--import-rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("the sqlite3 shell is needed: apt-get install sqlite3")
    work = tempfile.mkdtemp()
    db = os.path.join(work, "bench.db")
    t, _ = timed([BIN, "demo", "--people", str(args.people), "--now", NOW, "--db", db])
    print(f"demo database of {args.people} people made in {t:.1f} s")

    ours, peers, rss = [], [], []
    for i in range(args.runs):
        out = os.path.join(work, f"exports{i}")
        t, m = timed([BIN, "export", "--db", db, "--out", out, "--format", "csv"])
        ours.append(t)
        rss.append(m)
        dump = os.path.join(work, f"dump{i}")
        os.mkdir(dump)
        t0 = time.perf_counter()
        for table in TABLES:
            with open(os.path.join(dump, f"{table}.csv"), "wb") as f:
                subprocess.run(["sqlite3", "-csv", "-header", db, f"SELECT * FROM {table}"], stdout=f, check=True)
        peers.append(time.perf_counter() - t0)
        shutil.rmtree(out)
        shutil.rmtree(dump)
    o, p = statistics.median(ours), statistics.median(peers)
    print(f"\n| figure | albergue | sqlite3 -csv | ratio | target |\n|---|---|---|---|---|")
    print(f"| export, {args.people} people, every table, CSV (s, median of {args.runs}) | {o:.2f} | {p:.2f} | {o / p:.2f}x | <= 1.2x |")
    print(f"| export peak resident memory (MB) | {max(rss):.1f} | — | — | < 64 |")

    # A spreadsheet made from a demo roster, as a shelter would keep it.
    small = os.path.join(work, "small.db")
    timed([BIN, "demo", "--people", str(args.import_rows), "--now", NOW, "--db", small])
    exp = os.path.join(work, "small-export")
    timed([BIN, "export", "--db", small, "--out", exp, "--format", "csv"])
    folder = os.path.join(exp, sorted(os.listdir(exp))[0])
    groups = {}
    with open(os.path.join(folder, "households.csv"), newline="") as f:
        for r in csv.DictReader(f):
            groups[r["id"]] = r["label"] + "-" + r["id"]
    sheet = os.path.join(work, "lista.csv")
    with open(os.path.join(folder, "people.csv"), newline="") as f, open(sheet, "w", newline="", encoding="utf-8-sig") as g:
        w = csv.writer(g, delimiter=";")
        w.writerow(["Nombre(s)", "Apellidos", "Nacionalidad", "Fecha de nacimiento", "Fecha de llegada", "Teléfono", "Familia"])
        day_first = lambda d: f"{d[8:10]}/{d[5:7]}/{d[0:4]}" if d else ""
        for r in csv.DictReader(f):
            w.writerow([r["given_names"], r["family_names"], r["nationality"], day_first(r["birth_date"]),
                        day_first(r["arrival_date"]), r["phone"], groups[r["household_id"]]])
    times = []
    for i in range(args.runs):
        target = os.path.join(work, f"import{i}.db")
        timed([BIN, "demo", "--people", "1", "--now", NOW, "--db", target])
        t, m = timed([BIN, "import", sheet, "--db", target])
        times.append(t)
    print(f"| import, {args.import_rows}-row spreadsheet (s, median of {args.runs}) | {statistics.median(times):.2f} | — | — | < 5 s |")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
