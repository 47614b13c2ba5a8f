//! `switchyard ingest deployments|incidents FILE`: records from files of other tools, with
//! the real binary on real workspace files (docs/ingest.md).

use super::{fails, ok, switchyard};
use serde_json::Value;
use std::path::{Path, PathBuf};

const DB: &str = "ws.sqlite3";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/ingest")
        .join(name)
}

/// `ingest KIND FILE --source ORIGIN EXTRA...` into `ws.sqlite3` of `d`; stdout.
fn ingest(d: &Path, kind: &str, file: &Path, origin: &str, extra: &[&str]) -> String {
    let f = file.to_str().unwrap();
    let mut args = vec!["--db", DB, "ingest", kind, f, "--source", origin];
    args.extend_from_slice(extra);
    ok(d, &args)
}

fn ingest_json(d: &Path, kind: &str, file: &Path, origin: &str, extra: &[&str]) -> Value {
    let mut e = extra.to_vec();
    e.push("--json");
    serde_json::from_str(&ingest(d, kind, file, origin, &e)).expect("one JSON document")
}

fn export(d: &Path) -> Value {
    serde_json::from_str(&ok(d, &["--db", DB, "export", "--format", "json"])).unwrap()
}

fn dora(d: &Path) -> Value {
    serde_json::from_str(&ok(
        d,
        &[
            "--db",
            DB,
            "dora",
            "--service",
            "billing-batch",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-15",
            "--json",
        ],
    ))
    .unwrap()
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-12
}

/// The figures of the sample files, worked by hand (docs/metrics.md's rules), 2026-11-02 to
/// 2026-11-15 (two weeks, UTC) for service `billing-batch`:
///
/// production successes: 101 (sha a, 11-02 10:00), 102 (b, 11-03 10:00), 104 (a again,
/// 11-04 12:00), 106 (d, 11-09 10:00), 107 (e, environment `Prod`, 11-10 10:00), 108 (f,
/// 11-11 10:00+01:00 = 09:00Z); failed: 103 (11-04 09:00); 105 went to staging (ignored).
/// - frequency: 6 in 2 weeks = 3.0 a week, on 6 days = 3.0 deploy-days a week;
/// - success rate 6 / 7;
/// - change failures: 102 (rolled back by 104, which deploys 101's sha a again), 106 (caused
///   PD-2, created 11-09 12:00, the latest success before it), 107 (caused PD-3, created
///   11-10 11:00) = 3 / 6;
/// - recovery: 102 at 104's time, 26 h; 106 at PD-2's resolution 11-09 18:00, 8 h; 107 open
///   (PD-3 is unresolved): samples 8, 26: p50 8 (rank 1), p90 26 (rank 2), open 1;
/// - rework: 108 was made while PD-3 was open = 1 / 6;
/// - unlinked: PD-1 (11-02 08:00, before the first deployment) = 1;
/// - lead time: no changes.
fn assert_figures(v: &Value) {
    assert_eq!(v["service"], "billing-batch");
    let f = &v["deployment_frequency"];
    assert_eq!(f["count"], 6, "{f}");
    assert!(close(&f["per_week"], 3.0), "{f}");
    assert!(close(&f["deploy_days_per_week"], 3.0), "{f}");
    let sr = &v["deployment_success_rate"];
    assert_eq!(
        (sr["numerator"].as_u64(), sr["denominator"].as_u64()),
        (Some(6), Some(7))
    );
    let cfr = &v["change_failure_rate"];
    assert_eq!(
        (cfr["numerator"].as_u64(), cfr["denominator"].as_u64()),
        (Some(3), Some(6))
    );
    assert!(close(&cfr["value"], 0.5));
    let r = &v["recovery_time"];
    assert!(close(&r["median_hours"], 8.0), "{r}");
    assert!(close(&r["p90_hours"], 26.0), "{r}");
    assert_eq!(
        (r["failures"].as_u64(), r["open"].as_u64()),
        (Some(2), Some(1))
    );
    let rw = &v["rework_rate"];
    assert_eq!(
        (rw["numerator"].as_u64(), rw["denominator"].as_u64()),
        (Some(1), Some(6))
    );
    assert_eq!(v["unlinked_incidents"], 1);
    assert_eq!(v["lead_time"]["changes"], 0);
    assert!(v["lead_time"]["median_hours"].is_null());
}

#[test]
fn ingested_files_give_a_service_no_sync_knows_its_dora_numbers_and_again_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let deps = ingest_json(
        d,
        "deployments",
        &fixture("deployments.csv"),
        "jenkins",
        &[],
    );
    assert_eq!(deps["source"], "import");
    assert_eq!(deps["origin"], "jenkins");
    assert_eq!(deps["dry_run"], false);
    assert_eq!(
        (
            deps["rows"].as_u64(),
            deps["new"].as_u64(),
            deps["updated"].as_u64()
        ),
        (Some(8), Some(8), Some(0))
    );
    assert_eq!(
        deps["services_created"],
        serde_json::json!(["billing-batch"])
    );
    let text = ingest(d, "incidents", &fixture("incidents.csv"), "pagerduty", &[]);
    assert!(
        text.starts_with(
            "Ingested incidents.csv (3 incidents from pagerduty): 3 new, 0 updated, 0 unchanged."
        ),
        "{text}"
    );
    assert_figures(&dora(d));

    // The records keep their origin and key; the drill-down says where each came from.
    let doc = export(d);
    let keys: Vec<&str> = doc["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            assert_eq!(x["source"], "import");
            x["source_key"].as_str().unwrap()
        })
        .collect();
    assert_eq!(keys[0], "jenkins:101");
    assert_eq!(
        doc["deployments"][6]["production"], true,
        "Prod is production"
    );
    assert_eq!(doc["deployments"][4]["production"], false, "staging is not");
    assert_eq!(
        doc["deployments"][0]["url"],
        "https://ci.example/job/billing-batch/101/"
    );
    assert_eq!(doc["deployments"][3]["creator"], "Ops, On Call");
    assert_eq!(doc["deployments"][7]["time"], "2026-11-11T09:00:00Z");
    assert_eq!(doc["incidents"][1]["source_key"], "pagerduty:PD-2");
    assert_eq!(
        doc["incidents"][1]["title"],
        "Ledger: balances <b>wrong</b>, \"stale\" cache"
    );
    assert!(doc["incidents"][2]["resolved_at"].is_null());
    let records = ok(
        d,
        &[
            "--db",
            DB,
            "dora",
            "--service",
            "billing-batch",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-15",
            "--records",
            "change-failures",
        ],
    );
    assert_eq!(
        records,
        "2\timport jenkins:102\n6\timport jenkins:106\n7\timport jenkins:107\n"
    );

    // One audit event per ingest, with the file, the origin and the counts.
    let events: Vec<&Value> = doc["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "ingest.run")
        .collect();
    assert_eq!(events.len(), 2);
    let after = &events[0]["after"];
    assert_eq!(after["file"], "deployments.csv");
    assert_eq!(after["origin"], "jenkins");
    assert_eq!(after["new"], 8);

    // The same files again: nothing new, nothing written.
    let again = ingest_json(
        d,
        "deployments",
        &fixture("deployments.csv"),
        "jenkins",
        &[],
    );
    assert_eq!(
        (
            again["new"].as_u64(),
            again["updated"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(8))
    );
    assert_eq!(again["services_created"], serde_json::json!([]));
    ingest(d, "incidents", &fixture("incidents.csv"), "pagerduty", &[]);
    assert_eq!(
        export(d),
        doc,
        "ingesting the same files again changes nothing"
    );

    // A changed row updates its record instead of adding one.
    let edited = d.join("incidents-later.csv");
    let text = std::fs::read_to_string(fixture("incidents.csv"))
        .unwrap()
        .replace(
            "2026-11-10T11:00:00Z,,SEV1",
            "2026-11-10T11:00:00Z,2026-11-10T15:00:00Z,SEV1",
        );
    std::fs::write(&edited, text).unwrap();
    let upd = ingest_json(d, "incidents", &edited, "pagerduty", &[]);
    assert_eq!(
        (
            upd["new"].as_u64(),
            upd["updated"].as_u64(),
            upd["unchanged"].as_u64()
        ),
        (Some(0), Some(1), Some(2))
    );
    let v = dora(d);
    assert_eq!(v["recovery_time"]["open"], 0);
    assert_eq!(v["recovery_time"]["failures"], 3);
    assert_eq!(export(d)["incidents"].as_array().unwrap().len(), 3);
}

#[test]
fn ndjson_of_the_same_records_gives_the_same_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    ingest(
        &a,
        "deployments",
        &fixture("deployments.csv"),
        "jenkins",
        &[],
    );
    ingest(&a, "incidents", &fixture("incidents.csv"), "pagerduty", &[]);
    ingest(
        &b,
        "deployments",
        &fixture("deployments.ndjson"),
        "jenkins",
        &[],
    );
    // Another extension, and the format named.
    let jsonl = b.join("incidents.txt");
    std::fs::copy(fixture("incidents.jsonl"), &jsonl).unwrap();
    ingest(
        &b,
        "incidents",
        &jsonl,
        "pagerduty",
        &["--format", "ndjson"],
    );
    let strip = |mut v: Value| {
        // The audit events name the file and its format, and carry the time of the run.
        v.as_object_mut().unwrap().remove("audit_events");
        v
    };
    assert_eq!(strip(export(&a)), strip(export(&b)));
    assert_figures(&dora(&b));
}

#[test]
fn a_file_with_one_bad_row_writes_nothing_and_names_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", DB, "demo", "load"]);
    let before = export(d);
    let original = std::fs::read_to_string(fixture("deployments.csv")).unwrap();
    let cases: [(&str, &str, &str); 6] = [
        // (what to replace on line 7, with what, the message's words)
        (
            ",success,2026-11-09",
            ",succeeded,2026-11-09",
            "line 7, column outcome: \"succeeded\" is not an outcome",
        ),
        (
            "2026-11-09T10:00:00Z",
            "09/11/2026 10:00",
            "line 7, column time: \"09/11/2026 10:00\" is not an RFC 3339 time",
        ),
        (
            "billing-batch,production,dddd4444",
            ",production,dddd4444",
            "line 7, column service: is empty",
        ),
        (
            ",106,",
            ",101,",
            "line 7, column key: \"101\" is also the key of line 2",
        ),
        (
            ",106,main,ci-bot,",
            ",106,main,ci-bot,,extra",
            "line 7: the row has 10 fields, the header 9",
        ),
        (
            "dddd4444,success",
            ",success",
            "line 7, column sha: is empty",
        ),
    ];
    for (from, to, message) in cases {
        let bad = d.join("bad.csv");
        let lines: Vec<String> = original
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 6 {
                    l.replacen(from, to, 1)
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert_ne!(
            lines.join("\n"),
            original.trim_end(),
            "{from} changed line 7"
        );
        std::fs::write(&bad, lines.join("\n")).unwrap();
        let err = fails(
            d,
            &[
                "--db",
                DB,
                "ingest",
                "deployments",
                bad.to_str().unwrap(),
                "--source",
                "jenkins",
            ],
            "invalid_input",
        );
        assert!(err.contains(message), "{err}");
        assert_eq!(export(d), before, "nothing written for {from}");
    }
    // A bad incident row, and a header without a column.
    let bad = d.join("bad.ndjson");
    std::fs::write(
        &bad,
        "{\"service\":\"x\",\"key\":\"1\",\"title\":\"t\",\"created_at\":\"2026-11-02T10:00:00Z\",\"resolved_at\":null}\n\n\
         {\"service\":\"x\",\"key\":\"2\",\"title\":\"t\",\"created_at\":\"2026-11-02T10:00:00Z\",\"resolved_at\":\"2026-11-01T10:00:00Z\"}\n",
    )
    .unwrap();
    let err = fails(
        d,
        &[
            "--db",
            DB,
            "ingest",
            "incidents",
            bad.to_str().unwrap(),
            "--source",
            "pd",
        ],
        "invalid_input",
    );
    assert!(
        err.contains("line 3, column resolved_at: is before created_at"),
        "{err}"
    );
    let bad = d.join("nocol.csv");
    std::fs::write(
        &bad,
        "service,environment,sha,time,key\nx,production,a,2026-11-02T10:00:00Z,1\n",
    )
    .unwrap();
    let err = fails(
        d,
        &[
            "--db",
            DB,
            "ingest",
            "deployments",
            bad.to_str().unwrap(),
            "--source",
            "ci",
        ],
        "invalid_input",
    );
    assert!(
        err.contains("line 1: the header has no column outcome"),
        "{err}"
    );
    let err = fails(
        d,
        &[
            "--db",
            DB,
            "ingest",
            "deployments",
            bad.to_str().unwrap(),
            "--source",
            "Jenkins CI",
        ],
        "invalid_input",
    );
    assert!(
        err.contains("is not a source name") && err.ends_with("(--source)"),
        "{err}"
    );
    let txt = d.join("file.txt");
    std::fs::write(&txt, "x").unwrap();
    let err = fails(
        d,
        &[
            "--db",
            DB,
            "ingest",
            "deployments",
            txt.to_str().unwrap(),
            "--source",
            "ci",
        ],
        "invalid_input",
    );
    assert!(err.ends_with("(--format)"), "{err}");
    assert_eq!(export(d), before);
}

#[test]
fn a_dry_run_counts_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", DB, "demo", "load"]);
    let before = export(d);
    let db = d.join(DB);
    let bytes = std::fs::read(&db).unwrap();
    let dry = ingest_json(
        d,
        "deployments",
        &fixture("deployments.csv"),
        "jenkins",
        &["--dry-run"],
    );
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        (dry["new"].as_u64(), dry["unchanged"].as_u64()),
        (Some(8), Some(0))
    );
    assert_eq!(
        dry["services_created"],
        serde_json::json!(["billing-batch"])
    );
    let text = ingest(
        d,
        "incidents",
        &fixture("incidents.csv"),
        "pagerduty",
        &["--dry-run"],
    );
    assert!(
        text.contains("would write 3 new") && text.contains("Nothing was written."),
        "{text}"
    );
    assert!(
        text.contains("Would create 1 service(s): \"billing-batch\""),
        "{text}"
    );
    assert_eq!(export(d), before);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the file is as it was");

    // After the real ingest, a dry run of the same file finds everything unchanged.
    ingest(
        d,
        "deployments",
        &fixture("deployments.csv"),
        "jenkins",
        &[],
    );
    let dry = ingest_json(
        d,
        "deployments",
        &fixture("deployments.csv"),
        "jenkins",
        &["--dry-run"],
    );
    assert_eq!(
        (dry["new"].as_u64(), dry["unchanged"].as_u64()),
        (Some(0), Some(8))
    );
}

#[test]
fn known_services_only_refuses_a_service_the_workspace_does_not_have() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", DB, "demo", "load"]);
    let before = export(d);
    let known = before["services"][0]["name"].as_str().unwrap().to_string();
    let f = fixture("deployments.csv");
    let err = fails(
        d,
        &[
            "--db",
            DB,
            "ingest",
            "deployments",
            f.to_str().unwrap(),
            "--source",
            "jenkins",
            "--known-services-only",
        ],
        "invalid_input",
    );
    assert!(
        err.contains("line 2, column service: \"billing-batch\" is not a service of the workspace"),
        "{err}"
    );
    assert_eq!(export(d), before);
    // The same file for a service the workspace has goes in, creating none.
    let mine = d.join("known.csv");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("billing-batch,", &format!("{known},"));
    std::fs::write(&mine, text).unwrap();
    let r = ingest_json(
        d,
        "deployments",
        &mine,
        "jenkins",
        &["--known-services-only"],
    );
    assert_eq!(r["new"], 8);
    assert_eq!(r["services_created"], serde_json::json!([]));
    assert_eq!(
        export(d)["services"].as_array().unwrap().len(),
        before["services"].as_array().unwrap().len()
    );
    let out = switchyard(d, &["--db", DB, "ingest", "deployments", "--source", "x"]);
    assert_eq!(out.status.code(), Some(2), "FILE is required");
}

/// Whether `tool` runs here.
fn have(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Every converter of docs/ingest.md, run as written (the `switchyard` of its last line is
/// this build) on its sample in tests/fixtures/ingest, into one workspace; each is run twice
/// and the second changes nothing.
#[test]
fn the_converters_of_docs_ingest_md_turn_the_samples_into_records() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/ingest.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for entry in std::fs::read_dir(fixture("")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_switchyard"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let marker = "<!-- converter: ";
    let mut seen = Vec::new();
    let mut run = 0;
    for block in doc.split(marker).skip(1) {
        // `jenkins; tool jq; writes jenkins.ndjson; ingest deployments; rows 3 -->`
        let (head, rest) = block.split_once(" -->").unwrap();
        let parts: Vec<&str> = head.split("; ").collect();
        let name = parts[0];
        let tool = parts[1].strip_prefix("tool ").unwrap();
        let kind = parts[3].strip_prefix("ingest ").unwrap();
        let rows: u64 = parts[4].strip_prefix("rows ").unwrap().parse().unwrap();
        let script = rest
            .split_once("```sh\n")
            .unwrap()
            .1
            .split_once("```")
            .unwrap()
            .0;
        assert!(
            script.contains(&format!("switchyard ingest {kind} ")),
            "{name}: the example ingests its output"
        );
        seen.push(name.to_string());
        if !have(tool) {
            eprintln!("skipped the {name} converter of docs/ingest.md: {tool} is not installed");
            continue;
        }
        for round in 0..2 {
            let out = std::process::Command::new("timeout")
                .args(["--kill-after=5", "60", "sh", "-ec", script])
                .current_dir(d)
                .env("PATH", &path)
                .env("SWITCHYARD_DB", d.join(DB))
                .env("HOME", d)
                .env("XDG_DATA_HOME", d.join("xdg-data"))
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{name}: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let expected = if round == 0 {
                format!("({rows} {kind} from {name}): {rows} new, 0 updated, 0 unchanged.")
            } else {
                format!("({rows} {kind} from {name}): 0 new, 0 updated, {rows} unchanged.")
            };
            assert!(
                stdout.contains(&expected),
                "{name}, round {round}: {stdout}"
            );
        }
        let doc = export(d);
        let prefix = format!("{name}:");
        let n = doc[kind]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["source"] == "import" && r["source_key"].as_str().unwrap().starts_with(&prefix)
            })
            .count();
        assert_eq!(n as u64, rows, "{name}");
        run += 1;
    }
    assert_eq!(seen, ["jenkins", "argocd", "gitlab", "pagerduty"]);
    if run == 4 {
        // What the converters made, as the metrics see it: Jenkins build 42 failed, 41 went
        // to staging; the PagerDuty title with markup is kept as text.
        let doc = export(d);
        let jenkins: Vec<&Value> = doc["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["source_key"].as_str().unwrap().starts_with("jenkins:"))
            .collect();
        assert_eq!(jenkins[0]["outcome"], "failure");
        assert_eq!(jenkins[0]["time"], "2025-11-11T10:04:01Z");
        assert_eq!(jenkins[1]["production"], false);
        let pd = &doc["incidents"][1];
        assert_eq!(
            pd["title"],
            "Billing batch <script>alert(1)</script> timeout"
        );
        assert!(pd["resolved_at"].is_null());
        assert_eq!(doc["services"].as_array().unwrap().len(), 1);
    }
}
