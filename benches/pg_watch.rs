//! A commit on one connection heard by a watcher on another: the time from
//! the writer's COMMIT returning to the watcher's [`Heard::Change`], as a
//! second `serve` host would hear it. Needs a PostgreSQL cluster named by
//! the PG* variables (a throwaway one: `pg_virtualenv cargo bench --bench
//! pg_watch`); it makes and drops the database `bench_watch`.
//!
//! Reported beside the commit itself (the writer's transaction, the peer
//! figure on the same machine in the same run). Medians and p95 of 200.

use std::time::{Duration, Instant};

use albergue::store::pg::{self, Heard, Target, Watcher};

fn main() {
    let mut admin = pg::connect("dbname=postgres").expect("a cluster the PG* variables name");
    admin
        .batch_execute("DROP DATABASE IF EXISTS bench_watch WITH (FORCE)")
        .unwrap();
    admin.batch_execute("CREATE DATABASE bench_watch").unwrap();
    let target = Target::parse("dbname=bench_watch").unwrap();
    let mut writer = target.connect().unwrap();
    pg::migrate(&mut writer).unwrap();
    let watcher = Watcher::start(&target, 0);
    assert!(
        matches!(watcher.next(Duration::from_secs(5)), Some(Heard::Back(_))),
        "the watcher listens"
    );
    let (mut commits, mut heard) = (Vec::new(), Vec::new());
    for i in 0..200 {
        let started = Instant::now();
        let mut tx = writer.transaction().unwrap();
        tx.execute("SELECT set_config('albergue.shelters', 'all', true)", &[])
            .unwrap();
        tx.execute(
            "INSERT INTO shelter (name, city, tz, capacity, created_at, updated_at, updated_by)
             VALUES ($1, 'Tijuana', 'America/Tijuana', 10, 0, 0, 'bench')",
            &[&format!("Casa {i}")],
        )
        .unwrap();
        tx.commit().unwrap();
        let committed = Instant::now();
        match watcher.next(Duration::from_secs(5)) {
            Some(Heard::Change(_)) => {}
            other => panic!("commit {i}: heard {other:?}"),
        }
        commits.push(committed - started);
        heard.push(committed.elapsed());
    }
    drop(watcher);
    drop(writer);
    admin
        .batch_execute("DROP DATABASE bench_watch WITH (FORCE)")
        .unwrap();
    let show = |name: &str, v: &mut Vec<Duration>| {
        v.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name}: median {:.2} ms, p95 {:.2} ms",
            ms(v[v.len() / 2]),
            ms(v[v.len() * 95 / 100])
        );
    };
    show("the writer's transaction (peer)", &mut commits);
    show("commit to heard on another connection", &mut heard);
}
