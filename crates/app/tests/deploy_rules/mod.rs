//! The deploy-workflow rules as the window uses them: the preview writes nothing, a save
//! derives the deployments (audited), a repository with both kinds counts the one its rule
//! prefers, and the drill-down says where each deployment came from.

use super::clock;
use chrono::NaiveDate;
use serde_json::{json, Value};
use switchyard_app::core::dora::{Bucket, Drill};
use switchyard_app::core::settings::DeployRule;
use switchyard_app::core::DeploySource;
use switchyard_app::dora::MetricsQuery;
use switchyard_app::{ErrorCode, Workspace};

const REPO: &str = "octo-org/octo-repo";

fn run(id: i64, workflow: &str, conclusion: &str, attempt: i64, at: &str, key: &str) -> Value {
    json!({
        "id": id, "source": "github", "source_key": key, "service": REPO,
        "workflow": workflow, "head_sha": format!("{id:040}"), "event": "push",
        "status": "completed", "conclusion": conclusion, "attempt": attempt,
        "started_at": at, "finished_at": at,
    })
}

/// A repository with three deploy runs (one a re-run) and one Deployments API deployment.
fn workspace(dir: &std::path::Path) -> Workspace {
    let empty = Workspace::open(&dir.join("empty.sqlite3")).unwrap();
    let mut doc: Value = serde_json::from_str(&empty.export_json().unwrap()).unwrap();
    doc["services"] = json!([{"id": 1, "name": REPO, "team": null, "source": "github",
                              "source_key": REPO}]);
    let k = |id: &str| format!("{REPO}/runs/{id}");
    doc["pipeline_runs"] = json!([
        run(
            1,
            "Deploy production",
            "success",
            1,
            "2026-03-02T09:10:00Z",
            &k("1")
        ),
        run(
            2,
            "Deploy production",
            "success",
            2,
            "2026-03-04T11:40:00Z",
            &k("2")
        ),
        run(
            3,
            "Deploy production",
            "failure",
            1,
            "2026-03-04T11:12:00Z",
            &k("2/attempts/1")
        ),
        run(
            4,
            "Deploy production",
            "timed_out",
            1,
            "2026-03-05T12:00:00Z",
            &k("4")
        ),
        run(5, "CI", "failure", 1, "2026-03-05T13:00:00Z", &k("5")),
    ]);
    doc["deployments"] = json!([{
        "id": 1, "source": "github", "source_key": format!("{REPO}/deployments/1"),
        "service": REPO, "environment": "production", "production": true,
        "sha": "abc", "git_ref": "main", "creator": "octocat", "outcome": "success",
        "time": "2026-03-06T10:00:00Z", "created_at": "2026-03-06T09:50:00Z",
        "release_id": null,
    }]);
    Workspace::import_into(&dir.join("ws.sqlite3"), &doc.to_string()).unwrap()
}

fn rule(prefer: DeploySource) -> DeployRule {
    DeployRule {
        repository: "octo-org/*".into(),
        workflow: "Deploy production".into(),
        environment: "production".into(),
        prefer,
    }
}

fn query() -> MetricsQuery {
    MetricsQuery {
        from: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
        service: Some(REPO.into()),
        team: None,
        bucket: Bucket::Week,
    }
}

/// (successful deployments, deployments with an outcome).
fn counted(ws: &Workspace) -> (u64, u64) {
    let m = ws.dora(&query()).unwrap().metrics;
    (
        m.deployment_frequency.count,
        m.deployment_success_rate.denominator,
    )
}

#[test]
fn rules_preview_save_prefer_and_say_where_each_deployment_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    // The API's deployment only, before any rule.
    assert_eq!(counted(&ws), (1, 1));

    // The preview: runs 1 and 2 (its second attempt) succeeded, 4 timed out; nothing written.
    let p = ws
        .preview_deploy_rules(vec![rule(DeploySource::Runs)])
        .unwrap();
    let got: Vec<(String, &str, i64)> = p
        .rows
        .iter()
        .map(|d| (d.key.clone(), d.outcome.as_str(), d.attempt))
        .collect();
    assert_eq!(
        got,
        [
            (format!("{REPO}/runs/4"), "failure", 1),
            (format!("{REPO}/runs/2"), "success", 2),
            (format!("{REPO}/runs/1"), "success", 1),
        ]
    );
    assert_eq!(
        (p.total, p.successes, p.failures, p.production),
        (3, 2, 1, 3)
    );
    assert_eq!(p.per_rule, [3]);
    assert_eq!(ws.deploy_rules().unwrap().derived, 0);
    assert_eq!(counted(&ws), (1, 1));

    // A bad rule: refused with the rule named, nothing saved.
    let mut bad = rule(DeploySource::Runs);
    bad.workflow = "Deploy [".into();
    for e in [
        ws.preview_deploy_rules(vec![bad.clone()]).unwrap_err(),
        ws.save_deploy_rules(vec![bad], &clock(), "alice")
            .unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message.contains("deployment_workflows[0].workflow"),
            "{}",
            e.message
        );
    }
    assert!(ws.settings().unwrap().deployment_workflows.is_empty());

    // Saved, preferring the runs: the API's deployment is kept but not counted.
    let v = ws
        .save_deploy_rules(vec![rule(DeploySource::Runs)], &clock(), "alice")
        .unwrap();
    assert_eq!((v.derived, v.runs), (3, 4));
    assert_eq!(counted(&ws), (2, 3));
    let events = switchyard_store::recent_audit(ws.store().conn(), &["settings."], 10).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].entity_id.as_deref(), Some("deployment_workflows"));
    assert_eq!(
        events[0].before.as_ref().unwrap()["deployment_workflows"],
        json!([])
    );
    assert_eq!(
        events[0].after.as_ref().unwrap()["derived_deployments"]["deployments"],
        3
    );

    // The drill-down says where each came from.
    let drill = ws.metric_records(&query(), Drill::Deployments).unwrap();
    let details: Vec<&str> = drill.rows.iter().map(|r| r.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "success · from workflow run “Deploy production” #2",
            "success · from workflow run “Deploy production” #1",
        ]
    );

    // Preferring the Deployments API: the runs are kept but not counted.
    ws.save_deploy_rules(vec![rule(DeploySource::Deployments)], &clock(), "alice")
        .unwrap();
    assert_eq!(counted(&ws), (1, 1));
    let drill = ws.metric_records(&query(), Drill::Deployments).unwrap();
    assert_eq!(drill.rows[0].detail, "success · from the Deployments API");
    assert_eq!(ws.deploy_rules().unwrap().derived, 3);

    // No rules: the derived deployments are gone, the API's stays.
    ws.save_deploy_rules(vec![], &clock(), "alice").unwrap();
    assert_eq!(ws.deploy_rules().unwrap().derived, 0);
    assert_eq!(counted(&ws), (1, 1));
    assert_eq!(
        switchyard_store::recent_audit(ws.store().conn(), &["settings."], 10)
            .unwrap()
            .len(),
        3
    );
}
