//! Rendering one chart: two years of weekly buckets (105 bars) over the cluster bands, and
//! the lead-time lines. `cargo bench -p switchyard-report --bench charts`.

use criterion::{criterion_group, criterion_main, Criterion};
use switchyard_core::dora::{
    sha_key, Bucket, Calendar, ChangeFact, DeployFact, Facts, Linked, Scope, ServiceInfo,
};
use switchyard_core::rng::SplitMix64;
use switchyard_core::settings::Thresholds;
use switchyard_report::charts;

fn bench(c: &mut Criterion) {
    let from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2025, 12, 28).unwrap();
    let start = from.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let mut rng = SplitMix64::new(7);
    let mut facts = Facts {
        services: vec![ServiceInfo {
            name: "api".into(),
            team: None,
        }],
        ..Facts::default()
    };
    for k in 0..5_000i64 {
        let t = start + rng.range(0, 727 * 86_400);
        facts.deployments.push(DeployFact {
            id: k,
            service: 0,
            time: t,
            success: !rng.chance(0.05),
            sha: sha_key(&rng.sha()),
        });
        facts.changes.push(ChangeFact {
            id: k,
            service: 0,
            merged: t - rng.range(600, 86_400),
            start: t - rng.range(86_400, 5 * 86_400),
        });
    }
    let cal = Calendar::new(from, to, chrono_tz::UTC, Bucket::Week).unwrap();
    let th = Thresholds::default();
    let series = Linked::new(facts)
        .report(&cal, &Scope::Organisation, &th)
        .series;
    c.bench_function("deployment frequency chart, 104 weekly bars", |b| {
        b.iter(|| charts::deployment_frequency(&series, &th, "api").unwrap())
    });
    c.bench_function("lead time chart, 104 weeks, p50 and p90", |b| {
        b.iter(|| charts::lead_time(&series, "api").unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
