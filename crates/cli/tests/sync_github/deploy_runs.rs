//! Deploy workflows as deployments (`deployment_workflows`): a repository that deploys only
//! through a "Deploy production" workflow of GitHub Actions, synced from the mock GitHub,
//! has DORA figures once a rule names that workflow, derived from the synced runs without
//! another sync.

use super::fixtures::{self, load, REPO, TOKEN};
use super::switchyard;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::Ordering;

/// A workflow run derived from the recorded one (list-workflow-runs.json): id, workflow
/// name, head sha, status and conclusion, attempt and times edited, nothing invented.
#[allow(clippy::too_many_arguments)]
fn run(
    id: u64,
    name: &str,
    sha: &str,
    conclusion: Option<&str>,
    attempt: i64,
    created: &str,
    started: &str,
    updated: &str,
) -> Value {
    let mut r = load("list-workflow-runs.json")["workflow_runs"][0].clone();
    r["id"] = json!(id);
    r["name"] = json!(name);
    r["head_sha"] = json!(sha);
    r["status"] = json!(if conclusion.is_some() {
        "completed"
    } else {
        "in_progress"
    });
    r["conclusion"] = json!(conclusion);
    r["run_attempt"] = json!(attempt);
    r["created_at"] = json!(created);
    r["run_started_at"] = json!(started);
    r["updated_at"] = json!(updated);
    r
}

const SHA: [&str; 6] = [
    "1111111111111111111111111111111111111111",
    "2222222222222222222222222222222222222222",
    "3333333333333333333333333333333333333333",
    "4444444444444444444444444444444444444444",
    "5555555555555555555555555555555555555555",
    "6666666666666666666666666666666666666666",
];

/// The repository's runs, newest first. `last_done`: whether the last deploy has finished
/// (a later sync finds it succeeded).
fn runs(routes: &fixtures::Routes, last_done: bool) {
    let r = format!("/repos/{REPO}");
    let list = vec![
        // Deploy production, still running at the first sync.
        run(
            5010,
            "Deploy production",
            SHA[5],
            last_done.then_some("success"),
            1,
            "2026-03-12T08:00:00Z",
            "2026-03-12T08:00:00Z",
            "2026-03-12T08:25:00Z",
        ),
        run(
            5009,
            "Deploy production",
            SHA[4],
            Some("success"),
            1,
            "2026-03-10T15:00:00Z",
            "2026-03-10T15:00:00Z",
            "2026-03-10T15:20:00Z",
        ),
        run(
            5008,
            "CI",
            SHA[4],
            Some("failure"),
            1,
            "2026-03-10T14:00:00Z",
            "2026-03-10T14:00:00Z",
            "2026-03-10T14:09:00Z",
        ),
        run(
            5006,
            "Deploy staging",
            SHA[3],
            Some("success"),
            1,
            "2026-03-06T16:00:00Z",
            "2026-03-06T16:00:00Z",
            "2026-03-06T16:07:00Z",
        ),
        // Timed out: a failed deployment.
        run(
            5005,
            "Deploy production",
            SHA[3],
            Some("timed_out"),
            1,
            "2026-03-06T13:00:00Z",
            "2026-03-06T13:00:00Z",
            "2026-03-06T14:00:00Z",
        ),
        // Cancelled: no deployment at all.
        run(
            5004,
            "Deploy production",
            SHA[2],
            Some("cancelled"),
            1,
            "2026-03-05T12:00:00Z",
            "2026-03-05T12:00:00Z",
            "2026-03-05T12:03:00Z",
        ),
        // Re-run: attempt 1 failed, attempt 2 succeeded: one successful deployment.
        run(
            5003,
            "Deploy production",
            SHA[2],
            Some("success"),
            2,
            "2026-03-04T11:00:00Z",
            "2026-03-04T11:30:00Z",
            "2026-03-04T11:40:00Z",
        ),
        run(
            5002,
            "Deploy production",
            SHA[1],
            Some("failure"),
            1,
            "2026-03-03T10:00:00Z",
            "2026-03-03T10:00:00Z",
            "2026-03-03T10:08:00Z",
        ),
        run(
            5007,
            "CI",
            SHA[0],
            Some("success"),
            1,
            "2026-03-02T08:30:00Z",
            "2026-03-02T08:30:00Z",
            "2026-03-02T08:41:00Z",
        ),
        run(
            5001,
            "Deploy production",
            SHA[0],
            Some("success"),
            1,
            "2026-03-02T09:00:00Z",
            "2026-03-02T09:00:00Z",
            "2026-03-02T09:10:00Z",
        ),
    ];
    routes.json(
        &format!("{r}/actions/runs"),
        json!({"total_count": list.len(), "workflow_runs": list}),
    );
    routes.json(
        &format!("{r}/actions/runs/5003/attempts/1"),
        run(
            5003,
            "Deploy production",
            SHA[2],
            Some("failure"),
            1,
            "2026-03-04T11:00:00Z",
            "2026-03-04T11:00:00Z",
            "2026-03-04T11:12:00Z",
        ),
    );
}

fn cli(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["--db", "ws.sqlite3"];
    all.extend_from_slice(args);
    let out = switchyard(dir, &all, TOKEN);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn dora(dir: &Path) -> Value {
    let out = cli(
        dir,
        &[
            "dora",
            "--service",
            REPO,
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-15",
            "--json",
        ],
    );
    serde_json::from_str(&out).unwrap()
}

/// (successful production deployments, per week, success rate numerator, denominator).
fn figures(v: &Value) -> (u64, f64, u64, u64) {
    (
        v["deployment_frequency"]["count"].as_u64().unwrap(),
        v["deployment_frequency"]["per_week"].as_f64().unwrap(),
        v["deployment_success_rate"]["numerator"].as_u64().unwrap(),
        v["deployment_success_rate"]["denominator"]
            .as_u64()
            .unwrap(),
    )
}

fn deployments(dir: &Path) -> Vec<Value> {
    let out = dir.join("ws.json");
    cli(
        dir,
        &["export", "--format", "json", "--out", out.to_str().unwrap()],
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let mut d = doc["deployments"].as_array().unwrap().clone();
    d.sort_by_key(|d| d["time"].as_str().unwrap_or("").to_string());
    d
}

fn audit_events(dir: &Path) -> Vec<(String, String, Value)> {
    let c = rusqlite::Connection::open(dir.join("ws.sqlite3")).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT action, entity_id, after FROM audit_events
              WHERE action = 'settings.set' ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            serde_json::from_str(&r.get::<_, String>(2)?).unwrap(),
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn a_deploy_workflow_rule_makes_the_runs_deployments_without_another_sync() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mock, routes) = fixtures::start();
    runs(&routes, false);
    let url = mock.url();
    let sync = ["sync", "github", "--api-url", &url, "--repo", REPO];
    cli(d, &sync);

    // Without a rule the repository has no deployments.
    assert!(deployments(d).is_empty());
    assert_eq!(figures(&dora(d)), (0, 0.0, 0, 0));

    // The rule: "Deploy production" deploys to production. Derived from the stored runs,
    // no request to GitHub.
    let requests = mock.requests.load(Ordering::SeqCst);
    let rule = r#"[{"workflow": "Deploy production", "environment": "production"}]"#;
    let shown: Value =
        serde_json::from_str(&cli(d, &["settings", "set", "deployment_workflows", rule])).unwrap();
    assert_eq!(
        shown["deployment_workflows"],
        json!([{"repository": "*", "workflow": "Deploy production",
                "environment": "production", "prefer": "runs"}])
    );
    assert_eq!(mock.requests.load(Ordering::SeqCst), requests);

    // By hand, 2026-03-02 to 2026-03-15 (two weeks): successes 5001 (03-02), 5003 (its
    // second attempt, 03-04) and 5009 (03-10); failures 5002 and 5005 (timed out); 5004
    // was cancelled and 5010 is still running (neither), CI and staging are other
    // workflows. 3 deployments, 1.5 a week, 3 of 5 succeeded.
    let v = dora(d);
    assert_eq!(figures(&v), (3, 1.5, 3, 5));
    assert_eq!(v["change_failure_rate"]["denominator"], 3);
    assert_eq!(v["change_failure_rate"]["numerator"], 0);
    let series: u64 = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["deployments"].as_u64().unwrap())
        .sum();
    assert_eq!(series, 3);

    // Each is a GitHub deployment keyed by its run, at the run's completion, of its head
    // sha; the re-run is one deployment with its second attempt's outcome and time.
    let deps = deployments(d);
    let got: Vec<(&str, &str, &str, &str, &str)> = deps
        .iter()
        .map(|d| {
            (
                d["source_key"].as_str().unwrap(),
                d["outcome"].as_str().unwrap(),
                d["time"].as_str().unwrap(),
                d["sha"].as_str().unwrap(),
                d["environment"].as_str().unwrap(),
            )
        })
        .collect();
    let key = |id: u64| format!("{REPO}/runs/{id}");
    let (k1, k2, k3, k5, k9) = (key(5001), key(5002), key(5003), key(5005), key(5009));
    assert_eq!(
        got,
        [
            (
                k1.as_str(),
                "success",
                "2026-03-02T09:10:00Z",
                SHA[0],
                "production"
            ),
            (
                k2.as_str(),
                "failure",
                "2026-03-03T10:08:00Z",
                SHA[1],
                "production"
            ),
            (
                k3.as_str(),
                "success",
                "2026-03-04T11:40:00Z",
                SHA[2],
                "production"
            ),
            (
                k5.as_str(),
                "failure",
                "2026-03-06T14:00:00Z",
                SHA[3],
                "production"
            ),
            (
                k9.as_str(),
                "success",
                "2026-03-10T15:20:00Z",
                SHA[4],
                "production"
            ),
        ]
    );
    assert!(deps
        .iter()
        .all(|d| d["source"] == "github" && d["service"] == REPO));

    // The drill-down lists the three successes.
    let ids: Vec<i64> = serde_json::from_str(&cli(
        d,
        &[
            "dora",
            "--service",
            REPO,
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-15",
            "--records",
            "deployments",
            "--json",
        ],
    ))
    .unwrap();
    let mut want: Vec<i64> = deps
        .iter()
        .filter(|d| d["outcome"] == "success")
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    want.sort();
    assert_eq!(ids, want);

    // Changing the rule derives again, still without a sync: every "Deploy *" workflow
    // deploys to production now, so the staging deploy (5006, 03-06) counts too.
    let wider =
        r#"[{"repository": "octo-org/*", "workflow": "deploy *", "environment": "production"}]"#;
    cli(d, &["settings", "set", "deployment_workflows", wider]);
    assert_eq!(figures(&dora(d)), (4, 2.0, 4, 6));
    assert_eq!(mock.requests.load(Ordering::SeqCst), requests);

    // A rule for another repository: none again.
    let other =
        r#"[{"repository": "someone/else", "workflow": "Deploy *", "environment": "production"}]"#;
    cli(d, &["settings", "set", "deployment_workflows", other]);
    assert_eq!(figures(&dora(d)), (0, 0.0, 0, 0));
    assert!(deployments(d).is_empty());

    // A bad rule: one line, a stable code, nothing changed.
    cli(d, &["settings", "set", "deployment_workflows", wider]);
    for bad in [
        r#"[{"workflow": "Deploy [", "environment": "production"}]"#,
        r#"[{"workflow": "Deploy *"}]"#,
        "Deploy production",
    ] {
        let out = switchyard(
            d,
            &[
                "--db",
                "ws.sqlite3",
                "settings",
                "set",
                "deployment_workflows",
                bad,
            ],
            TOKEN,
        );
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let last = stderr.lines().last().unwrap();
        assert!(last.starts_with("error[invalid_input]: "), "{stderr}");
        assert!(last.contains("deployment_workflows"), "{last}");
    }
    assert_eq!(figures(&dora(d)), (4, 2.0, 4, 6));

    // Every change was audited with what it derived: four changes of the rules.
    let events = audit_events(d);
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(events
        .iter()
        .all(|(_, key, _)| key == "deployment_workflows"));
    assert_eq!(events[0].2["derived_deployments"]["deployments"], 5);
    assert_eq!(events[1].2["derived_deployments"]["deployments"], 6);
    assert_eq!(events[2].2["derived_deployments"]["removed"], 6);
    cli(d, &["audit", "verify"]);

    // A later sync finds the running deploy succeeded: derived with the runs it writes.
    runs(&routes, true);
    cli(d, &sync);
    let v = dora(d);
    assert_eq!(figures(&v), (5, 2.5, 5, 7));
    drop(mock);
}
