//! Slip preview bench: a generated workspace of 5,000 releases on four trains and 20,000
//! acyclic release dependencies in a real SQLite file; times the window's slip preview
//! (`Workspace::preview_scenario` of one move: the plan loaded from the file, the ripple,
//! and the plan checked before and after) of the release with the most dependents.
//!
//! Run: `cargo bench -p switchyard-app --bench plan` (RELEASES=N, DEPS=N to change the
//! size).

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use switchyard_app::core::*;
use switchyard_app::scenario::ScenarioMove;
use switchyard_app::Workspace;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (no clock, no system randomness).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Releases dated one weekday apart per train, in id order across the trains, and
/// dependencies from an earlier release to a later one (acyclic, none broken), release 1
/// blocking many.
fn document(releases: usize, deps: usize) -> Document {
    let mut doc = Document::empty();
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let trains = ["Web", "Platform", "Enterprise", "Mobile"];
    for (i, name) in trains.iter().enumerate() {
        doc.services.push(Service {
            id: i as Id + 1,
            name: format!("{name}-svc"),
            team: None,
            source: None,
            source_key: None,
        });
        doc.trains.push(Train {
            id: i as Id + 1,
            name: name.to_string(),
            description: String::new(),
            cadence: Cadence::Explicit { dates: vec![] },
            milestone_template: vec![],
            freeze_rule: FreezeRule::Flag,
            services: vec![format!("{name}-svc")],
        });
    }
    for i in 0..releases {
        let t = i % trains.len();
        let date = start + chrono::Duration::days((i / trains.len()) as i64);
        doc.releases.push(Release {
            id: i as Id + 1,
            name: format!("{} {}", trains[t], i / trains.len()),
            version: None,
            train_id: Some(t as Id + 1),
            release_type: ReleaseType::Regular,
            status: ReleaseStatus::Planned,
            start_date: Some(date),
            planned_date: Some(date),
            release_date: Some(date),
            released: false,
            archived: false,
            description: String::new(),
            services: vec![format!("{}-svc", trains[t])],
            source: None,
            source_key: None,
        });
    }
    let mut rng = Lcg(42);
    let mut seen = std::collections::BTreeSet::new();
    // Release 1 blocks the first 200 others directly.
    for j in 2..=200.min(releases) {
        seen.insert((1, j));
    }
    while seen.len() < deps {
        let j = 2 + rng.below(releases as u64 - 1) as usize;
        let i = j.saturating_sub(1 + rng.below(60) as usize).max(1);
        if i < j {
            seen.insert((i, j));
        }
    }
    for (n, (i, j)) in seen.into_iter().enumerate() {
        doc.dependencies.push(Dependency {
            id: n as Id + 1,
            kind: "release".into(),
            blocker: i.to_string(),
            blocked: j.to_string(),
            note: String::new(),
            source: None,
            source_key: None,
        });
    }
    doc
}

fn bench(c: &mut Criterion) {
    let (releases, deps) = (env("RELEASES", 5_000), env("DEPS", 20_000));
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("bench.sqlite3")).unwrap();
    let doc = document(releases, deps);
    ws.import_json(&serde_json::to_string(&doc).unwrap())
        .unwrap();
    let input = ws.plan_input().unwrap();
    let g = input.release_graph();
    let hub = input
        .releases
        .iter()
        .max_by_key(|r| (g.successors(r.id).count(), std::cmp::Reverse(r.id)))
        .unwrap();
    let m = ScenarioMove {
        release: hub.id,
        to: hub.release_date.unwrap() + chrono::Duration::days(21),
    };
    let preview = ws.preview_scenario(&[m]).unwrap();
    eprintln!(
        "{releases} releases, {deps} dependencies; moving {} ({} direct dependents) 21 days moves {} releases",
        hub.name,
        g.successors(hub.id).count(),
        preview.moved.len()
    );
    // Where the time goes, once: loading the plan, and one plan check.
    let t = std::time::Instant::now();
    let loaded = ws.plan_input().unwrap();
    let load = t.elapsed();
    let t = std::time::Instant::now();
    let conflicts = switchyard_app::core::plan::check(&loaded).len();
    eprintln!(
        "plan loaded from the file in {load:?}; one plan check ({conflicts} conflicts) in {:?}",
        t.elapsed()
    );
    let mut group = c.benchmark_group("plan");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("slip preview, 5,000 releases / 20,000 dependencies", |b| {
        b.iter(|| ws.preview_scenario(&[m]).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
