//! `switchyard dora`, `pipeline`, `chart` and `settings` on the demo organisation.

use super::{fails, ok, switchyard};
use serde_json::Value;
use std::path::Path;

fn demo(dir: &Path) {
    ok(dir, &["--db", "ws.sqlite3", "demo", "load"]);
}

/// `switchyard --db ws.sqlite3 dora --from <from> --to <to> <extra>`: its output.
fn dora(dir: &Path, from: &str, to: &str, extra: &[&str]) -> String {
    let mut args = vec!["--db", "ws.sqlite3", "dora", "--from", from, "--to", to];
    args.extend_from_slice(extra);
    ok(dir, &args)
}

fn dates() -> (String, String) {
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Days::new(83);
    (from.to_string(), today.to_string())
}

#[test]
fn dora_json_has_the_shape_of_the_spec_and_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d);
    let (from, to) = dates();
    let out = dora(d, &from, &to, &["--json"]);
    let v: Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(v["from"], from.as_str());
    assert_eq!(v["to"], to.as_str());
    assert!(v["service"].is_null());
    assert_eq!(v["timezone"], "UTC");
    let f = &v["deployment_frequency"];
    let count = f["count"].as_u64().unwrap();
    assert!(count > 100, "{f}");
    assert!((f["per_week"].as_f64().unwrap() - count as f64 / 12.0).abs() < 1e-9);
    assert!(f["deploy_days_per_week"].as_f64().unwrap() <= 7.0);
    assert!(f["cluster"].is_string());
    let sr = &v["deployment_success_rate"];
    assert_eq!(sr["numerator"].as_u64(), Some(count));
    for key in [
        "deployment_success_rate",
        "change_failure_rate",
        "rework_rate",
    ] {
        let r = &v[key];
        let (n, den) = (
            r["numerator"].as_f64().unwrap(),
            r["denominator"].as_f64().unwrap(),
        );
        assert!(
            (r["value"].as_f64().unwrap() - n / den).abs() < 1e-12,
            "{key}"
        );
    }
    assert_eq!(
        v["change_failure_rate"]["denominator"].as_u64(),
        Some(count)
    );
    let lt = &v["lead_time"];
    assert!(lt["median_hours"].as_f64().unwrap() <= lt["p90_hours"].as_f64().unwrap());
    assert!(lt["changes"].as_u64().unwrap() > 100);
    assert!(lt["waiting"].is_u64());
    let rt = &v["recovery_time"];
    assert_eq!(
        rt["failures"].as_u64().unwrap() + rt["open"].as_u64().unwrap(),
        v["change_failure_rate"]["numerator"].as_u64().unwrap()
    );
    assert!(v["unlinked_incidents"].is_u64());
    let series = v["series"].as_array().unwrap();
    assert!(series.len() >= 12 && series.len() <= 13);
    let sum: u64 = series
        .iter()
        .map(|s| s["deployments"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, count);
    for s in series {
        for key in [
            "period_start",
            "deployment_frequency",
            "lead_time",
            "change_failure_rate",
            "recovery_time",
            "rework_rate",
            "deployment_success_rate",
            "unlinked_incidents",
        ] {
            assert!(s.get(key).is_some(), "{key} missing in a series entry");
        }
    }

    // The drill-down lists the records behind the numbers.
    let ids = dora(d, &from, &to, &["--records", "change-failures", "--json"]);
    let ids: Vec<i64> = serde_json::from_str(&ids).unwrap();
    assert_eq!(
        ids.len() as u64,
        v["change_failure_rate"]["numerator"].as_u64().unwrap()
    );

    // One service, monthly; and the readable table.
    let out = dora(
        d,
        &from,
        &to,
        &["--service", "api-gateway", "--bucket", "month", "--json"],
    );
    let one: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(one["service"], "api-gateway");
    assert!(one["deployment_frequency"]["count"].as_u64().unwrap() < count);
    assert!(one["series"].as_array().unwrap().len() <= 4);
    let table = ok(
        d,
        &["--db", "ws.sqlite3", "dora", "--from", &from, "--to", &to],
    );
    assert!(table.contains("Change failure rate") && table.contains("Deployment frequency"));
    // The figures as the window's cards and the leadership report write them.
    let cfr = v["change_failure_rate"]["value"].as_f64();
    assert!(
        table.contains(&switchyard_core::cards::pct_text(cfr)),
        "{table}"
    );
    let per_week = v["deployment_frequency"]["per_week"].as_f64().unwrap();
    assert!(table.contains(&format!("{per_week:.2} / week")), "{table}");

    // An empty period: nulls, not zeros.
    let out = dora(d, "2001-01-01", "2001-01-31", &["--json"]);
    let empty: Value = serde_json::from_str(&out).unwrap();
    assert!(empty["lead_time"]["median_hours"].is_null());
    assert!(empty["change_failure_rate"]["value"].is_null());
    assert!(empty["change_failure_rate"]["cluster"].is_null());
    assert!(empty["recovery_time"]["cluster"].is_null());
}

#[test]
fn bad_metrics_requests_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d);
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "dora",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
            "--json",
        ],
        "invalid_input",
    );
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "dora",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--service",
            "nope",
            "--json",
        ],
        "not_found",
    );
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "settings",
            "set",
            "timezone",
            "Mars/Base",
        ],
        "invalid_input",
    );
    let out = switchyard(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "dora",
            "--from",
            "yesterday",
            "--to",
            "2026-01-31",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = switchyard(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "chart",
            "pie",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--out",
            "x.svg",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn settings_change_the_time_zone_of_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d);
    let shown: Value =
        serde_json::from_str(&ok(d, &["--db", "ws.sqlite3", "settings", "show"])).unwrap();
    assert_eq!(shown["timezone"], "UTC");
    assert_eq!(
        shown["production_environments"],
        serde_json::json!(["production", "prod"])
    );
    ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "settings",
            "set",
            "timezone",
            "America/New_York",
        ],
    );
    let (from, to) = dates();
    let v: Value = serde_json::from_str(&dora(d, &from, &to, &["--json"])).unwrap();
    assert_eq!(v["timezone"], "America/New_York");
    // No environment counts as production any more except flagged ones; the demo's are flagged.
    ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "settings",
            "set",
            "production_environments",
            "live",
        ],
    );
    let v2: Value = serde_json::from_str(&dora(d, &from, &to, &["--json"])).unwrap();
    assert_eq!(
        v["deployment_frequency"]["count"],
        v2["deployment_frequency"]["count"]
    );

    // A list as JSON is taken as JSON (it was stored as the two strings `["production"`
    // and `"live"]`); JSON that does not parse is refused where it breaks, changing nothing.
    let set = |value: &str| {
        ok(
            d,
            &[
                "--db",
                "ws.sqlite3",
                "settings",
                "set",
                "production_environments",
                value,
            ],
        )
    };
    let s: Value = serde_json::from_str(&set(r#"["production","live"]"#)).unwrap();
    assert_eq!(
        s["production_environments"],
        serde_json::json!(["production", "live"])
    );
    let line = super::fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "settings",
            "set",
            "production_environments",
            r#"["production","live""#,
        ],
        "invalid_input",
    );
    assert!(
        line.contains("not valid JSON") && line.contains("column"),
        "{line}"
    );
    let shown: Value =
        serde_json::from_str(&ok(d, &["--db", "ws.sqlite3", "settings", "show"])).unwrap();
    assert_eq!(
        shown["production_environments"],
        serde_json::json!(["production", "live"])
    );
}

#[test]
fn charts_are_written_as_svg() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d);
    let (from, to) = dates();
    for kind in [
        "deployment-frequency",
        "lead-time",
        "change-failure-rate",
        "recovery-time",
        "rework-rate",
        "pipeline",
    ] {
        let file = format!("{kind}.svg");
        ok(
            d,
            &[
                "--db",
                "ws.sqlite3",
                "chart",
                kind,
                "--from",
                &from,
                "--to",
                &to,
                "--out",
                &file,
            ],
        );
        let svg = std::fs::read_to_string(d.join(&file)).unwrap();
        assert!(svg.starts_with("<svg"), "{kind}");
        assert!(svg.contains("font-family=\"system-ui\""), "{kind}");
    }
    ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "chart",
            "readiness",
            "--from",
            &from,
            "--to",
            &to,
            "--release",
            "Web",
            "--out",
            "ready.svg",
        ],
    );
    assert!(std::fs::read_to_string(d.join("ready.svg"))
        .unwrap()
        .contains("today"));
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "chart",
            "readiness",
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            "r.svg",
        ],
        "invalid_input",
    );
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "chart",
            "readiness",
            "--from",
            &from,
            "--to",
            &to,
            "--release",
            "No Such",
            "--out",
            "r.svg",
        ],
        "not_found",
    );
    let v: Value = serde_json::from_str(&ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "pipeline",
            "--from",
            &from,
            "--to",
            &to,
            "--json",
        ],
    ))
    .unwrap();
    assert!(v["runs"].as_u64().unwrap() > 100);
    assert!(v["flaky"].as_u64().unwrap() > 0);
    assert!(v["duration_p50_minutes"].as_f64().unwrap() > 0.0);
}
