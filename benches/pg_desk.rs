//! The coordinator's desk on both backends, in one run on one machine: the
//! same demo made by the binary on SQLite and ported to PostgreSQL
//! (`albergue port`), then
//!
//! - the dashboard read ([`Desk::dashboard`], what a session draws first
//!   and again after each change): median and p95 of 40, each backend in
//!   turn;
//! - eight coordinators confirming for a while, each on their own handle
//!   (a SQLite connection; a PostgreSQL connection): confirmations per
//!   second, and whether every one landed.
//!
//! Needs a PostgreSQL cluster named by the PG* variables (a throwaway one:
//! `pg_virtualenv cargo bench --bench pg_desk`); it makes and drops the
//! database `bench_desk`. `ALBERGUE_BENCH_PEOPLE` (default 100000) and
//! `ALBERGUE_BENCH_SECS` (default 30) set the size and the writers' time.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use albergue::actor::Actor;
use albergue::domain::{Role, Scope};
use albergue::store::pg::{self, PgStore, Target};
use albergue::store::{Clock, Desk, OpenMode, Store};
use chrono::{DateTime, Utc};

const NOW: &str = "2024-05-22T15:00:00Z";

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

fn clock() -> Clock {
    Arc::new(now)
}

fn run(args: &[&str]) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_albergue"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "albergue {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

type Open = dyn Fn() -> Box<dyn Desk + Send> + Sync;

fn main() {
    let people = env_or("ALBERGUE_BENCH_PEOPLE", 100_000);
    let secs = env_or("ALBERGUE_BENCH_SECS", 30);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let db_s = db.to_str().unwrap().to_string();
    let people_s = people.to_string();
    run(&["demo", "--people", &people_s, "--now", NOW, "--db", &db_s]);
    let mut admin = pg::connect("dbname=postgres").expect("a cluster the PG* variables name");
    admin
        .batch_execute("DROP DATABASE IF EXISTS bench_desk WITH (FORCE)")
        .unwrap();
    admin.batch_execute("CREATE DATABASE bench_desk").unwrap();
    run(&["port", "--to", "dbname=bench_desk", "--db", &db_s]);
    let target = Target::parse("dbname=bench_desk").unwrap();

    let sqlite: Box<Open> = {
        let db = db.clone();
        Box::new(move || {
            Box::new(
                Store::open(&db, OpenMode::Existing)
                    .unwrap()
                    .with_clock(clock())
                    .with_role(Role::Coordinator)
                    .with_scope(Scope::Network),
            )
        })
    };
    let postgres: Box<Open> = Box::new(move || {
        Box::new(
            PgStore::open(&target, clock())
                .unwrap()
                .with_role(Role::Coordinator),
        )
    });
    println!("{people} people, one run on this machine; PostgreSQL on a local socket/loopback");

    // The dashboard, the two backends in turn.
    let (mut s, mut p) = (sqlite(), postgres());
    let (mut on_s, mut on_p) = (Vec::new(), Vec::new());
    let today = now().date_naive();
    for _ in 0..40 {
        for (desk, times) in [(&mut s, &mut on_s), (&mut p, &mut on_p)] {
            let t = Instant::now();
            std::hint::black_box(desk.dashboard(now(), today, 14).unwrap());
            times.push(t.elapsed());
        }
    }
    let (ms, ps) = (
        show("dashboard, SQLite", &mut on_s),
        show("dashboard, PostgreSQL", &mut on_p),
    );
    println!("dashboard: PostgreSQL / SQLite = {:.2}× (median)", ps / ms);
    drop((s, p));

    // Eight writers, the same confirmable appointments on each backend.
    let pool: Vec<(i64, i64)> = Store::open(&db, OpenMode::Existing)
        .unwrap()
        .pending_appointments()
        .unwrap()
        .into_iter()
        .filter(|a| a.confirm_deadline.max(a.extended_until.unwrap_or_default()) > now())
        .map(|a| (a.id, a.version))
        .collect();
    println!(
        "{} appointments confirmable at {NOW}; 8 writers, {secs} s each backend",
        pool.len()
    );
    let mut rates = Vec::new();
    for (name, open) in [("SQLite", &sqlite), ("PostgreSQL", &postgres)] {
        let (done, took) = writers(open, &pool, Duration::from_secs(secs));
        let mut check = open();
        let landed = pool
            .iter()
            .filter(|(id, _)| {
                check
                    .appointment(*id)
                    .unwrap()
                    .confirmation_number
                    .is_some()
            })
            .count();
        assert_eq!(landed, done, "{name}: every confirmation reported landed");
        let rate = done as f64 / took.as_secs_f64();
        println!(
            "8 writers, {name}: {done} confirmations in {:.1} s = {rate:.0}/s, all landed",
            took.as_secs_f64()
        );
        rates.push(rate);
    }
    println!(
        "8 writers: PostgreSQL / SQLite throughput = {:.2}×",
        rates[1] / rates[0]
    );
    admin
        .batch_execute("DROP DATABASE bench_desk WITH (FORCE)")
        .unwrap();
    let _ = Path::new(&db_s);
}

/// Eight writers confirm the pool's appointments (each writer its eighth),
/// until `time` is up or the pool is done: how many and how long.
fn writers(open: &Open, pool: &[(i64, i64)], time: Duration) -> (usize, Duration) {
    let started = Instant::now();
    let done: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|w| {
                s.spawn(move || {
                    let mut desk = open();
                    let actor = Actor::new(format!("bench-{w}"));
                    let mut n = 0;
                    for (i, (id, version)) in pool.iter().enumerate().skip(w).step_by(8) {
                        if started.elapsed() >= time {
                            break;
                        }
                        let number = format!("B{w}X{i:09}");
                        desk.confirm_appointment(*id, *version, &number, now(), &actor)
                            .unwrap();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    (done, started.elapsed())
}

/// Prints median and p95 in ms; returns the median.
fn show(name: &str, v: &mut [Duration]) -> f64 {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.2} ms, p95 {:.2} ms",
        ms(v[v.len() / 2]),
        ms(v[v.len() * 95 / 100])
    );
    ms(v[v.len() / 2])
}
