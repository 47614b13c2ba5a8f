//! Review mode bench: the demo's next high-risk release grown to 200 checklist items and
//! 2,000 work items (as `tests/perf/review_scale.mjs` grows it for the window), in a real
//! SQLite file with a signing audit key. Times what the window's review mode asks of the
//! app layer:
//!
//! - `tick`: one manual item ticked and its answer (`Workspace::review_set_item`: the
//!   write in one durable, signed transaction, and the parts of the review it changes);
//! - `update`: the answer alone (`Workspace::review_update`);
//! - `open`: the whole review (`Workspace::release_review`).
//!
//! Run: `cargo bench -p switchyard-app --bench review`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use switchyard_app::core::*;
use switchyard_app::governance::ItemEdit;
use switchyard_app::{FixedClock, Workspace};

const ITEMS: usize = 200;
const WORK_ITEMS: usize = 2_000;

fn clock() -> FixedClock {
    FixedClock(
        chrono::DateTime::parse_from_rfc3339("2026-11-02T09:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    )
}

/// The grown demo in `dir`; answers the workspace, the release and a manual item's id.
fn workspace(dir: &std::path::Path) -> (Workspace, Id, Id) {
    let clock = clock();
    let mut demo = Workspace::open(&dir.join("demo.sqlite3")).unwrap();
    demo.load_demo(&clock).unwrap();
    let mut doc = demo.export().unwrap();
    let today = clock.0.date_naive();
    let class_of = |id: Id| {
        doc.risk_assessments
            .iter()
            .filter(|a| a.release_id == id)
            .max_by_key(|a| a.id)
            .map(|a| a.override_class.unwrap_or(a.class))
    };
    let mut open: Vec<&Release> = doc
        .releases
        .iter()
        .filter(|r| {
            !r.released
                && matches!(r.status, ReleaseStatus::Planned | ReleaseStatus::InProgress)
                && r.release_date.is_some_and(|d| d >= today)
        })
        .collect();
    open.sort_by_key(|r| r.release_date);
    let release = open
        .into_iter()
        .find(|r| class_of(r.id) == Some(RiskClass::High))
        .expect("the demo has a high-risk release ahead")
        .id;

    let next_item = doc
        .checklists
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.id))
        .max()
        .unwrap_or(0);
    let list = doc
        .checklists
        .iter_mut()
        .find(|c| c.release_id == release)
        .expect("the release has a checklist");
    let manual = list
        .items
        .iter()
        .find(|i| i.kind == ItemKind::Manual)
        .expect("a manual item")
        .clone();
    let mut id = next_item;
    let mut position = list.items.iter().map(|i| i.position).max().unwrap_or(0);
    while list.items.len() < ITEMS {
        id += 1;
        position += 1;
        let n = list.items.len() + 1;
        list.items.push(ChecklistItem {
            id,
            position,
            title: format!("Scale check {n}"),
            state: ItemState::Pending,
            evidence_url: None,
            note: String::new(),
            ..manual.clone()
        });
    }
    let template = doc
        .work_items
        .iter()
        .find(|w| w.kind != "pull_request" && w.release_ids.contains(&release))
        .unwrap_or(&doc.work_items[0])
        .clone();
    let last_id = doc.work_items.iter().map(|w| w.id).max().unwrap_or(0);
    let have = doc
        .work_items
        .iter()
        .filter(|w| w.release_ids.contains(&release))
        .count();
    for n in 1..=WORK_ITEMS.saturating_sub(have) {
        let work_id = last_id + n as Id;
        doc.work_items.push(WorkItem {
            id: work_id,
            source: None,
            source_key: Some(format!("SCALE-{n}")),
            title: format!("Scale work item {n}"),
            url: None,
            release_ids: vec![release],
            ..template.clone()
        });
    }
    let mut ws = Workspace::open(&dir.join("review.sqlite3")).unwrap();
    ws.import_json(&serde_json::to_string(&doc).unwrap())
        .unwrap();
    (ws, release, manual.id)
}

fn bench(c: &mut Criterion) {
    // A fixed key, so every governance commit signs the log's head as the window's does.
    std::env::set_var(
        switchyard_app::audit_key::AUDIT_KEY_ENV,
        "0707070707070707070707070707070707070707070707070707070707070707",
    );
    let dir = tempfile::tempdir().unwrap();
    let (ws, release, item) = workspace(dir.path());
    let clock = clock();
    let mut g = c.benchmark_group("review");
    g.sample_size(30).measurement_time(Duration::from_secs(10));
    let mut done = false;
    g.bench_function("tick", |b| {
        b.iter(|| {
            done = !done;
            let edit = ItemEdit {
                item: item.to_string(),
                state: if done {
                    ItemState::Done
                } else {
                    ItemState::Pending
                },
                evidence_url: None,
                note: None,
            };
            ws.review_set_item(release, edit, &clock, "bench").unwrap()
        })
    });
    g.bench_function("update", |b| {
        b.iter(|| ws.review_update(release, &clock).unwrap())
    });
    g.bench_function("open", |b| {
        b.iter(|| ws.release_review(release, &clock).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
