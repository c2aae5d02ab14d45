#!/usr/bin/env python3
"""`albergue port` benchmark: a demo database ported into PostgreSQL, against
the floor of the same copy done by the shells, same file, same cluster, same run.

    cargo build --release
    pg_virtualenv python3 benches/port.py [--people 1000000] [--runs 3]

(pg_virtualenv, from Debian's postgresql-common, makes a throwaway cluster
and sets PGHOST, PGPORT, PGUSER and PGPASSWORD for the run; any cluster the
PG* variables name will do.)

- albergue: `albergue port --to dbname=…` into a new database: the schema
  made, every table copied in batches with its progress, the sequences set,
  then verified (every table's contents compared byte for byte, the audit
  chain walked, the tallies recounted). The tool prints its copy time; the
  whole run (copy + verification) is timed here.
- floor: the same tables into a database holding the same schema (its
  triggers off, as the port's are), by `sqlite3` writing each table as
  COPY's text and `psql \\copy` reading it: no progress kept, no
  verification, nothing resumable. What a copy cannot go below.
Medians of --runs. Needs the sqlite3 shell (Debian package sqlite3).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "albergue")
NOW = "2024-05-22T15:00:00Z"


def run(argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"{argv[0]} failed: {p.stdout}{p.stderr}")
    return p.stdout


def psql(db, sql):
    return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", db, "-c", sql])


def fresh(name):
    psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {name}")


def carried(db):
    """The tables albergue carries, with their columns and the blob ones."""
    tables = []
    names = ["shelter", "shelter_section", "household", "person", "appointment", "outage",
             "coordinator", "coordinator_shelter", "transfer", "program_case", "case_event",
             "program_rules", "draft", "audit", "audit_head"]
    for t in names:
        info = run(["sqlite3", db, f"SELECT name, type FROM pragma_table_info('{t}')"])
        cols = [line.split("|") for line in info.splitlines()]
        tables.append((t, cols))
    return tables


def floor(db, target, schema_sql, tables):
    psql(target, schema_sql)
    for t, _ in tables:
        psql(target, f"ALTER TABLE {t} DISABLE TRIGGER USER")
    t0 = time.perf_counter()
    for t, cols in tables:
        exprs = []
        for name, kind in cols:
            if kind.upper() == "BLOB":
                exprs.append(f"CASE WHEN \"{name}\" IS NULL THEN NULL ELSE '\\\\x' || lower(hex(\"{name}\")) END")
            else:
                exprs.append(f"\"{name}\"")
        names = ", ".join(f'"{n}"' for n, _ in cols)
        dump = subprocess.Popen(
            ["sqlite3", "-batch", "-list", "-separator", "\t", "-nullvalue", "\\N", db,
             f"SELECT {', '.join(exprs)} FROM {t}"],
            stdout=subprocess.PIPE)
        load = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target, "-c",
             f"\\copy {t} ({names}) FROM STDIN"],
            stdin=dump.stdout, capture_output=True, text=True,
            env={**os.environ, "PGOPTIONS": "-c albergue.shelters=all"})
        dump.stdout.close()
        dump.wait()
        if load.returncode != 0 or dump.returncode != 0:
            sys.exit(f"the floor's copy of {t} failed: {load.stderr}")
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for tool in ["sqlite3", "psql", "pg_dump"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (Debian packages sqlite3, postgresql-client)")
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")
    work = tempfile.mkdtemp()
    db = os.path.join(work, "bench.db")
    t0 = time.perf_counter()
    run([BIN, "demo", "--people", str(args.people), "--now", NOW, "--db", db])
    print(f"demo database of {args.people} people made in {time.perf_counter() - t0:.1f} s")
    tables = carried(db)
    rows = sum(int(run(["sqlite3", db, f"SELECT count(*) FROM {t}"])) for t, _ in tables)

    whole, copies, floors = [], [], []
    schema_sql = None
    for i in range(args.runs):
        fresh("bench_port")
        t0 = time.perf_counter()
        out = run([BIN, "--db", db, "port", "--to", "dbname=bench_port"])
        whole.append(time.perf_counter() - t0)
        copies.append(float(re.search(r" in ([0-9.]+) s", out).group(1)))
        if "verified:" not in out:
            sys.exit(f"the port was not verified: {out}")
        if schema_sql is None:
            schema_sql = run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "bench_port"])
            schema_sql = "\n".join(l for l in schema_sql.splitlines()
                                   if not l.startswith(("\\restrict", "\\unrestrict")))
        fresh("bench_floor")
        floors.append(floor(db, "bench_floor", schema_sql, tables))
        print(f"run {i + 1}: albergue port {whole[-1]:.1f} s (copy {copies[-1]:.1f} s), floor {floors[-1]:.1f} s")
    m_whole, m_copy, m_floor = (statistics.median(x) for x in (whole, copies, floors))
    print(f"\n{rows} rows in {len(tables)} tables ({args.people} people), medians of {args.runs}:")
    print(f"  albergue port, copy + verification: {m_whole:.1f} s")
    print(f"  albergue port, copy alone:          {m_copy:.1f} s  ({m_copy / m_floor:.2f}x the floor)")
    print(f"  floor (sqlite3 | psql \\copy):       {m_floor:.1f} s")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
