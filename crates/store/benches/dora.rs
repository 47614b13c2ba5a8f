//! DORA metrics from the database at scale: 1,000,000 deployments, 2,000,000 changes and
//! 50,000 incidents over two years in 100 services; weekly series for the organisation.
//!
//! Three paths, as `switchyard dora` and the app take them:
//! - kept: the workspace is opened, the links kept in `dora_linked` are current, so they
//!   are read back and the series is counted (every `switchyard dora` after the first since
//!   the facts last changed);
//! - in memory: the same store asked again (the app's Metrics screen, another period or
//!   scope): one query for the facts version, and the count;
//! - relink: the facts changed since, so they are loaded (SQLite -> facts), linked, counted,
//!   and the links kept for the next query (the first query after a sync that touched every
//!   service, or a rename of a service or team);
//! - one service edited: a deployment's time changed, then the workspace opened and
//!   queried: the kept links with that service linked again (schema step 9), counted, and
//!   kept.
//!
//! Peak memory (VmHWM) and wall time of each path as a whole process: the bench runs itself
//! again as a child per path (`SWITCHYARD_DORA_BENCH_CHILD`).
//!
//! The database is generated once into the system temp folder (kept between runs, rebuilt
//! when its marker is missing): `cargo bench -p switchyard-store --bench dora`. The step
//! breakdown (wall and CPU time) alone: `... --bench dora -- no-bench`.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::params;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use switchyard_core::dora::{Bucket, Calendar, Linked, Scope};
use switchyard_core::rng::SplitMix64;
use switchyard_core::settings::Settings;
use switchyard_store::Store;

const SERVICES: i64 = 100;
const DEPLOYMENTS: i64 = 1_000_000;
const CHANGES: i64 = 2_000_000;
const INCIDENTS: i64 = 50_000;
const MARKER: &str = "bench.dora.v2";

fn from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
}

fn to() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 28).unwrap()
}

fn ts(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn database() -> PathBuf {
    let path = std::env::temp_dir().join("switchyard-dora-bench.sqlite3");
    // A raw connection: opening an older bench database as a store would upgrade it.
    let current =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| {
                let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                let m: i64 =
                    c.query_row("SELECT count(*) FROM meta WHERE key = ?1", [MARKER], |r| {
                        r.get(0)
                    })?;
                Ok(v == switchyard_store::SCHEMA_VERSION && m == 1)
            });
    if current.unwrap_or(false) {
        return path;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let started = Instant::now();
    // The store creates the schema; a plain connection writes the rows in one transaction.
    drop(Store::open(&path).unwrap());
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let tx = conn.transaction().unwrap();
    let mut rng = SplitMix64::new(0xD0_2A);
    let start = from().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let span = (to() - from()).num_days() * 86_400;
    {
        for t in 0..10 {
            tx.execute(
                "INSERT INTO teams (id, name) VALUES (?1, ?2)",
                params![t + 1, format!("team-{t}")],
            )
            .unwrap();
        }
        for s in 0..SERVICES {
            tx.execute(
                "INSERT INTO services (id, name, team_id) VALUES (?1, ?2, ?3)",
                params![s + 1, format!("svc-{s:03}"), s % 10 + 1],
            )
            .unwrap();
        }
        // Deployments in time order across services, as a sync writes them.
        let mut dep = tx
            .prepare(
                "INSERT INTO deployments (service_id, environment, production, sha, outcome, time, created_at)
                 VALUES (?1, 'production', 1, ?2, ?3, ?4, ?4)",
            )
            .unwrap();
        let mut shas: Vec<Vec<String>> = vec![Vec::new(); SERVICES as usize];
        for k in 0..DEPLOYMENTS {
            let t = start + k * span / DEPLOYMENTS;
            let s = rng.range(0, SERVICES - 1);
            let failed = rng.chance(0.05);
            let list = &mut shas[s as usize];
            let sha = if !failed && list.len() > 3 && rng.chance(0.01) {
                list[list.len() - 2].clone()
            } else {
                rng.sha()
            };
            if !failed {
                list.push(sha.clone());
            }
            dep.execute(params![
                s + 1,
                sha,
                if failed { "failure" } else { "success" },
                ts(t)
            ])
            .unwrap();
        }
        let mut pr = tx
            .prepare(
                "INSERT INTO work_items (title, kind, status, status_category, service_id,
                     created_at, updated_at, merged_at, first_commit_at)
                 VALUES ('Change', 'pull_request', 'merged', 'done', ?1, ?2, ?3, ?3, ?2)",
            )
            .unwrap();
        for k in 0..CHANGES {
            let merged = start + k * span / CHANGES;
            let first = merged - rng.range(3600, 5 * 86_400);
            pr.execute(params![rng.range(1, SERVICES), ts(first), ts(merged)])
                .unwrap();
        }
        let mut inc = tx
            .prepare(
                "INSERT INTO incidents (service_id, title, created_at, resolved_at)
                 VALUES (?1, 'Incident', ?2, ?3)",
            )
            .unwrap();
        for k in 0..INCIDENTS {
            let created = start + k * span / INCIDENTS;
            let resolved = (!rng.chance(0.02)).then(|| ts(created + rng.range(600, 2 * 86_400)));
            inc.execute(params![rng.range(1, SERVICES), ts(created), resolved])
                .unwrap();
        }
        tx.execute("INSERT INTO meta (key, value) VALUES (?1, '1')", [MARKER])
            .unwrap();
    }
    tx.commit().unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .unwrap();
    eprintln!("generated {} in {:.1?}", path.display(), started.elapsed());
    path
}

/// CPU time (user + system, all threads) of this process so far, from /proc (Linux only):
/// on a shared, busy machine it tells the work apart from the wait for a core.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 (1-based), in 1/100 s.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Moves one deployment of one service by a second (back and forth by `k`): the facts of
/// that service change, no other's.
fn edit_one_deployment(conn: &rusqlite::Connection, k: u64) {
    let sign = if k.is_multiple_of(2) { '+' } else { '-' };
    let n = conn
        .execute(
            &format!(
                "UPDATE deployments SET time = strftime('%Y-%m-%dT%H:%M:%SZ', time, '{sign}1 seconds')
                 WHERE id = 500000"
            ),
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
}

/// The peak resident memory of this process so far (VmHWM, Linux), in MB.
fn peak_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

const CHILD: &str = "SWITCHYARD_DORA_BENCH_CHILD";

/// In a child process: one path as a whole process (open the workspace, query, count),
/// printed as `wall_ms peak_mb how`.
fn child(path: &std::path::Path, what: &str) -> ! {
    let settings = Settings::default();
    let cal = Calendar::new(from(), to(), chrono_tz::UTC, Bucket::Week).unwrap();
    let started = Instant::now();
    let store = Store::open(path).unwrap();
    match what {
        "kept" => {}
        "edit" => edit_one_deployment(store.conn(), std::process::id() as u64),
        "relink" => {
            store
                .conn()
                .execute("UPDATE dora_facts_version SET n = n + 1", [])
                .unwrap();
        }
        other => panic!("{other}"),
    }
    let (started_query, cpu_query) = (Instant::now(), cpu());
    let report = store.linked_facts(&settings).unwrap().report(
        &cal,
        &Scope::Organisation,
        &settings.thresholds,
    );
    let (query, query_cpu) = (started_query.elapsed(), cpu() - cpu_query);
    assert!(report.metrics.deployment_frequency.count > 900_000);
    let (wall, peak, how) = (started.elapsed(), peak_mb(), store.dora_link_path());
    // Closing checkpoints what the query wrote into the database file.
    let closing = Instant::now();
    drop(store);
    println!(
        "wall {} ms, of it the query {} ms (cpu {} ms); peak {} MB; {:?}; then closing {} ms",
        wall.as_millis(),
        query.as_millis(),
        query_cpu.as_millis(),
        peak,
        how,
        closing.elapsed().as_millis()
    );
    std::process::exit(0)
}

/// Runs `what` in a child process (at most five minutes) and gives its line.
fn run_child(what: &str) -> String {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .env(CHILD, what)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the child measuring {what} took over five minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    out.trim().to_string()
}

fn bench(c: &mut Criterion) {
    let path = database();
    if let Ok(what) = std::env::var(CHILD) {
        child(&path, &what);
    }
    let store = Store::open(&path).unwrap();
    let settings = Settings::default();
    let cal = Calendar::new(from(), to(), chrono_tz::UTC, Bucket::Week).unwrap();

    // Runs with the steps timed apart (wall and CPU time), for the report.
    let mut linked = None;
    for _ in 0..3 {
        // Make the kept links stale, as any write to the facts does.
        store
            .conn()
            .execute("UPDATE dora_facts_version SET n = n + 1", [])
            .unwrap();
        let (t0, c0) = (Instant::now(), cpu());
        let facts = store.dora_facts(&settings).unwrap();
        let (t1, c1) = (Instant::now(), cpu());
        let l = Linked::new(facts);
        let (t2, c2) = (Instant::now(), cpu());
        let report = l.report(&cal, &Scope::Organisation, &settings.thresholds);
        let (t3, c3) = (Instant::now(), cpu());
        let bytes = l.to_bytes();
        let (t4, c4) = (Instant::now(), cpu());
        drop(store.linked_facts(&settings).unwrap()); // relinks and keeps
        let (t5, c5) = (Instant::now(), cpu());
        assert!(store.linked_facts_are_kept(&settings).unwrap());
        let kept = Store::open(&path).unwrap().linked_facts(&settings).unwrap();
        let (t6, c6) = (Instant::now(), cpu());
        let again = kept.report(&cal, &Scope::Organisation, &settings.thresholds);
        let (t7, c7) = (Instant::now(), cpu());
        assert_eq!(again, report, "the kept links count as the fresh ones");
        eprintln!(
            "relink: load {:.1?} (cpu {:.1?}), link {:.1?} (cpu {:.1?}), report {:.1?} (cpu {:.1?}); \
             to_bytes {:.1?} ({} MB); linked_facts relinking and keeping {:.1?} (cpu {:.1?})\n\
             kept:   read back {:.1?} (cpu {:.1?}), report {:.1?} (cpu {:.1?}); \
             {} deployments, {} changes in the period, {} weeks",
            t1 - t0,
            c1 - c0,
            t2 - t1,
            c2 - c1,
            t3 - t2,
            c3 - c2,
            t4 - t3,
            bytes.len() / 1_000_000,
            t5 - t4,
            c5 - c4,
            t6 - t5,
            c6 - c5,
            t7 - t6,
            c7 - c6,
            report.metrics.deployment_frequency.count,
            report.metrics.lead_time.changes,
            report.series.len()
        );
        // The read back in two steps: the blob out of SQLite, and the decoding.
        let (t8, c8) = (Instant::now(), cpu());
        let blob: Vec<u8> = store
            .conn()
            .query_row("SELECT data FROM dora_linked", [], |r| r.get(0))
            .unwrap();
        let (t9, c9) = (Instant::now(), cpu());
        drop(Linked::from_bytes(&blob).unwrap());
        let (t10, c10) = (Instant::now(), cpu());
        eprintln!(
            "        the blob out of SQLite {:.1?} (cpu {:.1?}), decoding {:.1?} (cpu {:.1?})",
            t9 - t8,
            c9 - c8,
            t10 - t9,
            c10 - c9
        );
        linked = Some(l);
    }
    let linked = linked.unwrap();

    // Whole processes: wall ms (open + query + count), of it the query ms, peak MB, path.
    for what in ["kept", "edit", "edit", "edit", "kept", "relink", "edit"] {
        eprintln!("process {what:>6}: {}", run_child(what));
    }
    drop(store.linked_facts(&settings).unwrap());

    let mut g = c.benchmark_group("dora");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function(
        "kept links: open + read back + weekly org series (1M deploys, 2M changes, 50k incidents)",
        |b| {
            b.iter(|| {
                Store::open(&path)
                    .unwrap()
                    .linked_facts(&settings)
                    .unwrap()
                    .report(&cal, &Scope::Organisation, &settings.thresholds)
            })
        },
    );
    g.bench_function(
        "one service edited: a deployment moved, then open + relink that service + weekly org series",
        |b| {
            let mut k = 0;
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    k += 1;
                    edit_one_deployment(store.conn(), k);
                    let started = Instant::now();
                    let other = Store::open(&path).unwrap();
                    let report = other.linked_facts(&settings).unwrap().report(
                        &cal,
                        &Scope::Organisation,
                        &settings.thresholds,
                    );
                    total += started.elapsed();
                    assert!(matches!(
                        other.dora_link_path(),
                        Some(switchyard_store::LinkPath::Relinked { services: 1, .. })
                    ));
                    drop(report);
                }
                total
            })
        },
    );
    g.bench_function(
        "one service edited, the same store (the app): relink that service from the links in memory + weekly org series",
        |b| {
            let mut k = 1_000;
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    k += 1;
                    // The links the last iteration relinked are written (that waits for it).
                    assert!(store.linked_facts_are_kept(&settings).unwrap());
                    edit_one_deployment(store.conn(), k);
                    let started = Instant::now();
                    let report = store.linked_facts(&settings).unwrap().report(
                        &cal,
                        &Scope::Organisation,
                        &settings.thresholds,
                    );
                    total += started.elapsed();
                    assert!(matches!(
                        store.dora_link_path(),
                        Some(switchyard_store::LinkPath::Relinked { services: 1, .. })
                    ));
                    drop(report);
                }
                total
            })
        },
    );
    g.bench_function("in memory: the same store again + weekly org series", |b| {
        b.iter(|| {
            store.linked_facts(&settings).unwrap().report(
                &cal,
                &Scope::Organisation,
                &settings.thresholds,
            )
        })
    });
    g.bench_function(
        "relink: load + link + weekly org series (1M deploys, 2M changes, 50k incidents)",
        |b| {
            b.iter(|| {
                let facts = store.dora_facts(&settings).unwrap();
                Linked::new(facts).report(&cal, &Scope::Organisation, &settings.thresholds)
            })
        },
    );
    g.bench_function("weekly org series from linked facts", |b| {
        b.iter(|| linked.report(&cal, &Scope::Organisation, &settings.thresholds))
    });
    g.bench_function("one service from linked facts", |b| {
        b.iter(|| linked.report(&cal, &Scope::Services(vec![7]), &settings.thresholds))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
