//! The Metrics overview (the heat table) and the Pipeline health tab, against the numbers of
//! `switchyard dora --json --service S` and `switchyard pipeline --json` on the same file.

use super::clock;
use chrono::NaiveDate;
use switchyard_app::core::cards::metric_cards;
use switchyard_app::core::dora::Bucket;
use switchyard_app::dora::MetricsQuery;
use switchyard_app::Workspace;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn query(from: &str, to: &str, service: Option<&str>) -> MetricsQuery {
    MetricsQuery {
        from: day(from),
        to: day(to),
        service: service.map(str::to_string),
        team: None,
        bucket: Bucket::Week,
    }
}

#[test]
fn each_cell_of_the_overview_is_the_services_dora_number() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let (from, to) = ("2026-08-31", "2026-11-27");
    let o = ws.metrics_overview(day(from), day(to)).unwrap();
    let services = ws.metrics_view(&query(from, to, None)).unwrap().services;
    let mut names: Vec<String> = o
        .services
        .iter()
        .filter_map(|r| r.service.clone())
        .collect();
    let mut sorted = services.clone();
    sorted.sort();
    names.sort();
    assert_eq!(names, sorted, "one row per service");
    assert!(names.len() >= 3);
    let mut clustered = 0;
    for row in &o.services {
        let name = row.service.as_deref().unwrap();
        let doc = ws.dora(&query(from, to, Some(name))).unwrap();
        assert_eq!(row.metrics, doc.metrics, "{name}");
        assert_eq!(row.cards, metric_cards(&doc.metrics, None), "{name}");
        clustered += row.cards.iter().filter(|c| c.cluster.is_some()).count();
    }
    assert!(clustered > 0, "some cells have a cluster");
    let org = ws.dora(&query(from, to, None)).unwrap();
    assert_eq!(o.organisation.service, None);
    assert_eq!(o.organisation.metrics, org.metrics);
    // Rows differ, so the table is not the organisation repeated.
    assert!(o.services.iter().any(|r| r.metrics != org.metrics));
    // The demo's coverage: production deployments, changes, incidents and runs synced.
    let c = &o.coverage;
    assert!(c.production_deployments > 0 && c.production_deployments <= c.deployments);
    assert!(c.changes > 0 && c.incidents > 0 && c.pipeline_runs > 0);
    assert_eq!(c.production_environments, ["production", "prod"]);
}

#[test]
fn pipeline_view_is_the_pipeline_document_with_its_two_charts() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let q = query("2026-08-31", "2026-11-27", None);
    let v = ws.pipeline_view(&q).unwrap();
    assert_eq!(v.health, ws.pipeline_health(&q).unwrap());
    assert!(v.health.runs > 0 && !v.health.slowest.is_empty());
    let kinds: Vec<&str> = v.charts.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["pipeline-duration", "pipeline-failure-rate"]);
    assert!(v.charts.iter().all(|c| c.svg.starts_with("<svg")));
    let name = v.health.slowest[0].service.clone();
    let one = ws
        .pipeline_view(&query("2026-08-31", "2026-11-27", Some(&name)))
        .unwrap();
    assert!(one.health.runs < v.health.runs);
    assert!(one.health.workflows.iter().all(|w| w.service == name));
}

#[test]
fn an_empty_workspace_covers_nothing_and_its_overview_has_no_values() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(&dir.path().join("empty.sqlite3")).unwrap();
    let o = ws
        .metrics_overview(day("2026-01-01"), day("2026-03-31"))
        .unwrap();
    assert!(o.services.is_empty());
    let c = &o.coverage;
    assert_eq!(
        (c.deployments, c.changes, c.incidents, c.pipeline_runs),
        (0, 0, 0, 0)
    );
    assert_eq!(o.organisation.metrics.deployment_frequency.count, 0);
    assert_eq!(o.organisation.metrics.lead_time.median_hours, None);
}
