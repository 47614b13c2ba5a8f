//! The real `switchyard` binary against real workspace files: what docs/cli.md promises.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const KEYS: [&str; 17] = [
    "schema_version",
    "teams",
    "services",
    "trains",
    "releases",
    "milestones",
    "dependencies",
    "work_items",
    "deployments",
    "incidents",
    "pipeline_runs",
    "freeze_windows",
    "risk_assessments",
    "checklists",
    "decisions",
    "audit_events",
    "sync_state",
];

/// The audit key every test's `switchyard` signs with (`SWITCHYARD_AUDIT_KEY`), so no test
/// reads or writes the OS keyring of the machine it runs on.
pub const TEST_AUDIT_KEY: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

/// `switchyard args` in `dir`, with the workspace and home of `dir` only.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    c.args(args)
        .current_dir(dir)
        .env("SWITCHYARD_AUDIT_KEY", TEST_AUDIT_KEY)
        .env_remove("SWITCHYARD_DB")
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("HOME", dir);
    c
}

fn switchyard(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("switchyard runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = switchyard(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Exit 1 with exactly one `error[code]: ...` line on stderr; returns that line.
fn fails(dir: &Path, args: &[&str], code: &str) -> String {
    let out = switchyard(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(
        lines[0].starts_with(&format!("error[{code}]: ")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"));
    lines[0].to_string()
}

/// Whether the workspace keeps DORA links of its facts as they are now (as a sync leaves it).
fn dora_links_are_current(db: &Path) -> bool {
    let kept: i64 = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM dora_linked l JOIN dora_facts_version v ON v.n = l.version",
            [],
            |r| r.get(0),
        )
        .unwrap();
    kept == 1
}

fn path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[test]
fn version_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(dir.path(), &["--version"]);
    assert_eq!(
        out.trim(),
        format!("switchyard {}", env!("CARGO_PKG_VERSION"))
    );
    let out = switchyard(dir.path(), &["export", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = switchyard(dir.path(), &["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_leadership_report_and_the_metrics_csv_take_a_team_or_a_service() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    let doc: serde_json::Value = serde_json::from_str(&ok(
        d,
        &["--db", "ws.sqlite3", "export", "--format", "json"],
    ))
    .unwrap();
    let team = doc["services"][0]["team"].as_str().unwrap().to_owned();
    let service = doc["services"][0]["name"].as_str().unwrap().to_owned();
    let period = ["--from", "2026-06-01", "--to", "2026-08-31"];
    let report = |scope: &[&str]| {
        let mut args = vec![
            "--db",
            "ws.sqlite3",
            "report",
            "leadership",
            "--format",
            "md",
        ];
        args.extend(period);
        args.extend(scope);
        ok(d, &args)
    };
    let org = report(&[]);
    let by_team = report(&["--team", &team]);
    let by_service = report(&["--service", &service]);
    assert!(by_team.contains(&format!("team {team}")), "{by_team}");
    assert!(by_service.contains(&format!("service {service}")));
    assert!(!org.contains(&format!("team {team}")));
    assert_ne!(by_team, by_service);
    let csv = |scope: &[&str]| {
        let mut args = vec!["--db", "ws.sqlite3", "report", "csv", "--kind", "metrics"];
        args.extend(period);
        args.extend(scope);
        ok(d, &args)
    };
    assert_ne!(csv(&[]), csv(&["--service", &service]));
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "report",
            "leadership",
            "--format",
            "md",
            "--team",
            "Nobody",
        ],
        "not_found",
    );
    let both = switchyard(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "report",
            "leadership",
            "--format",
            "md",
            "--team",
            &team,
            "--service",
            &service,
        ],
    );
    assert_eq!(
        both.status.code(),
        Some(2),
        "--team with --service is a usage error"
    );
}

/// Every command that takes a release finds the same one for the same words: they once
/// disagreed on case (`report release "web 26.50"` was not found while `risk` found it).
#[test]
fn every_command_finds_a_release_by_the_same_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    let id = |out: &str| -> i64 {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        v["release"]["id"].as_i64().unwrap()
    };
    let want = id(&ok(
        d,
        &["--db", "ws.sqlite3", "risk", "Web 26.50", "--json"],
    ));
    for key in ["web 26.50", "WEB 26.50", "Web 26.50"] {
        assert_eq!(
            id(&ok(d, &["--db", "ws.sqlite3", "risk", key, "--json"])),
            want
        );
        assert_eq!(
            id(&ok(d, &["--db", "ws.sqlite3", "readiness", key, "--json"])),
            want
        );
        let report = ok(
            d,
            &[
                "--db",
                "ws.sqlite3",
                "report",
                "release",
                key,
                "--format",
                "md",
            ],
        );
        assert!(
            report.starts_with("# Release readiness: Web 26.50"),
            "{key}: {report}"
        );
        ok(d, &["--db", "ws.sqlite3", "notes", key, "--format", "md"]);
        let zip = d.join("e.zip");
        ok(
            d,
            &[
                "--db",
                "ws.sqlite3",
                "evidence",
                key,
                "--out",
                zip.to_str().unwrap(),
            ],
        );
        assert!(std::fs::metadata(&zip).unwrap().len() > 0);
        std::fs::remove_file(&zip).unwrap();
        ok(d, &["--db", "ws.sqlite3", "plan", "critical-path", key]);
        let svg = d.join("r.svg");
        ok(
            d,
            &[
                "--db",
                "ws.sqlite3",
                "chart",
                "readiness",
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--release",
                key,
                "--out",
                svg.to_str().unwrap(),
            ],
        );
        assert!(std::fs::read_to_string(&svg).unwrap().contains("Web 26.50"));
    }
    for args in [
        vec!["risk", "web 99.99", "--json"],
        vec!["report", "release", "web 99.99", "--format", "md"],
        vec!["notes", "web 99.99", "--format", "md"],
        vec!["plan", "critical-path", "web 99.99"],
    ] {
        let mut all = vec!["--db", "ws.sqlite3"];
        all.extend(args);
        fails(d, &all, "not_found");
    }
}

/// Runs `switchyard` with `args` in the background; `finish` waits up to 60 s for it.
fn start(dir: &Path, args: &[&str]) -> std::process::Child {
    command(dir, args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("switchyard starts")
}

fn finish(mut child: std::process::Child) -> Output {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().expect("waits").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("switchyard did not finish within 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

/// The CLI and the window opening one old workspace at the same moment: one process
/// upgrades it, the other waits for the write lock and finds it upgraded. Neither fails,
/// one backup is written, and the file is whole.
#[test]
fn two_processes_opening_one_old_workspace_upgrade_it_once() {
    for round in 0..4 {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let file = d.join("old.sqlite3");
        rusqlite::Connection::open(&file)
            .unwrap()
            .execute_batch(include_str!("../../store/tests/fixtures/v1-workspace.sql"))
            .unwrap();
        let args = ["--db", "old.sqlite3", "export", "--format", "json"];
        let (a, b) = (start(d, &args), start(d, &args));
        let (a, b) = (finish(a), finish(b));
        for out in [&a, &b] {
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(a.stdout, b.stdout, "round {round}: both read one workspace");
        let conn = rusqlite::Connection::open(&file).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, switchyard_core::SCHEMA_VERSION);
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let backups: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".v1.backup"))
            .collect();
        assert_eq!(
            backups,
            vec!["old.sqlite3.v1.backup".to_string()],
            "round {round}"
        );
    }
}

/// Messages speak of the product (the window shows the same words); the command line adds
/// the flag of the input they are about.
#[test]
fn an_error_about_an_input_names_its_flag_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    let line = fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "risk",
            "Web 26.50",
            "--override",
            "low",
            "--json",
        ],
        "invalid_input",
    );
    assert_eq!(
        line,
        "error[invalid_input]: a risk override needs a reason (--reason)"
    );
    let line = fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "chart",
            "readiness",
            "--from",
            "2026-01-01",
            "--to",
            "2026-02-01",
            "--out",
            "r.svg",
        ],
        "invalid_input",
    );
    assert!(
        line.ends_with("the readiness chart needs a release or a train (--release)"),
        "{line}"
    );
    // Cadences are read by core's rules; the CLI names the flag.
    let line = fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "train",
            "add",
            "Payments",
            "--every",
            "0w",
        ],
        "invalid_input",
    );
    assert_eq!(
        line,
        "error[invalid_input]: \"0w\" is not a number of weeks: say one like 2w (--every)"
    );
    let line = fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "train",
            "add",
            "Payments",
            "--monthly",
            "2",
        ],
        "invalid_input",
    );
    assert!(
        line.ends_with("a monthly cadence needs a weekday (--weekday)"),
        "{line}"
    );
}

#[test]
fn demo_load_export_has_every_key_and_loading_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    assert!(out.contains("Loaded the demo organisation"), "{out}");
    let first = ok(d, &["--db", "ws.sqlite3", "export", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    let obj = doc.as_object().unwrap();
    for key in KEYS {
        assert!(obj.contains_key(key), "missing {key}");
        if key != "schema_version" {
            assert!(obj[key].is_array(), "{key} is not an array");
        }
    }
    assert_eq!(obj["schema_version"], switchyard_core::SCHEMA_VERSION);
    assert_eq!(obj["teams"].as_array().unwrap().len(), 4);
    assert_eq!(obj["services"].as_array().unwrap().len(), 12);
    assert_eq!(obj["trains"].as_array().unwrap().len(), 3);
    let prod = obj["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["production"] == true)
        .count();
    assert!(
        (1300..=1700).contains(&prod),
        "{prod} production deployments"
    );
    for r in obj["releases"].as_array().unwrap() {
        assert!(r["id"].is_i64() && r["name"].is_string() && r["services"].is_array());
        assert!(r["released"].is_boolean());
    }
    for dep in obj["deployments"].as_array().unwrap().iter().take(20) {
        let t = dep["time"].as_str().unwrap();
        assert!(t.ends_with('Z') && t.len() == 20, "{t}");
        assert!(["success", "failure", "pending"].contains(&dep["outcome"].as_str().unwrap()));
    }

    let out = ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    assert!(out.contains("already loaded"), "{out}");
    let second = ok(d, &["--db", "ws.sqlite3", "export", "--format", "json"]);
    assert_eq!(first, second);
}

#[test]
fn export_import_export_round_trips_through_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "a.sqlite3", "demo", "load"]);
    ok(
        d,
        &[
            "--db",
            "a.sqlite3",
            "export",
            "--format",
            "json",
            "--out",
            "a.json",
        ],
    );
    let out = ok(
        d,
        &["--db", "b.sqlite3", "import", "--format", "json", "a.json"],
    );
    assert!(out.starts_with("Imported"), "{out}");
    let again = ok(d, &["--db", "b.sqlite3", "export", "--format", "json"]);
    assert_eq!(std::fs::read_to_string(path(d, "a.json")).unwrap(), again);
    // SWITCHYARD_DB works as --db does.
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(["export", "--format", "json"])
        .current_dir(d)
        .env("SWITCHYARD_DB", "b.sqlite3")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), again);
}

#[test]
fn without_db_the_workspace_is_in_the_user_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["demo", "load"]);
    let file = d.join("xdg-data/dev.switchyard.desktop/switchyard.sqlite3");
    assert!(file.is_file(), "{file:?}");
}

#[test]
fn a_newer_workspace_fails_with_db_newer_version_and_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    {
        let c = set_user_version(
            &path(d, "ws.sqlite3"),
            switchyard_core::SCHEMA_VERSION as u32 + 1,
        );
        assert!(c);
    }
    let before = std::fs::read(path(d, "ws.sqlite3")).unwrap();
    let line = fails(
        d,
        &["--db", "ws.sqlite3", "export", "--format", "json"],
        "db_newer_version",
    );
    assert!(line.contains("newer"), "{line}");
    fails(
        d,
        &["--db", "ws.sqlite3", "demo", "load"],
        "db_newer_version",
    );
    assert_eq!(std::fs::read(path(d, "ws.sqlite3")).unwrap(), before);
}

/// Sets `user_version` by patching the header bytes 60..64 (big-endian), as a newer
/// Switchyard would leave it, without linking SQLite into this test.
fn set_user_version(p: &Path, v: u32) -> bool {
    let mut bytes = std::fs::read(p).unwrap();
    if !bytes.starts_with(b"SQLite format 3\0") {
        return false;
    }
    bytes[60..64].copy_from_slice(&v.to_be_bytes());
    std::fs::write(p, bytes).unwrap();
    true
}

#[test]
fn a_file_that_is_not_sqlite_fails_clearly_and_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "id,service,time\n1,web,2026-01-01\n".repeat(100);
    std::fs::write(path(d, "deploys.csv"), &text).unwrap();
    let line = fails(
        d,
        &["--db", "deploys.csv", "export", "--format", "json"],
        "not_a_database",
    );
    assert!(line.contains("deploys.csv"), "{line}");
    fails(
        d,
        &["--db", "deploys.csv", "demo", "load"],
        "not_a_database",
    );
    assert_eq!(
        std::fs::read_to_string(path(d, "deploys.csv")).unwrap(),
        text
    );
    assert_eq!(
        std::fs::read_dir(d).unwrap().count(),
        1,
        "nothing created next to it"
    );
}

#[test]
fn a_missing_directory_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let line = fails(d, &["--db", "nope/deeper/ws.sqlite3", "demo", "load"], "io");
    assert!(
        line.contains("nope/deeper") && line.contains("does not exist"),
        "{line}"
    );
    assert!(!d.join("nope").exists());
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "export",
            "--format",
            "json",
            "--out",
            "gone/x.json",
        ],
        "io",
    );
}

#[test]
fn a_corrupt_or_foreign_import_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "a.sqlite3", "demo", "load"]);
    ok(
        d,
        &[
            "--db",
            "a.sqlite3",
            "export",
            "--format",
            "json",
            "--out",
            "a.json",
        ],
    );
    let good = std::fs::read_to_string(path(d, "a.json")).unwrap();
    // Cut in the middle, as a killed copy would leave it.
    std::fs::write(path(d, "cut.json"), &good[..good.len() / 2]).unwrap();
    let line = fails(
        d,
        &[
            "--db",
            "b.sqlite3",
            "import",
            "--format",
            "json",
            "cut.json",
        ],
        "invalid_input",
    );
    assert!(line.contains("line"), "{line}");
    // Valid JSON, but a record points at nothing.
    let mut doc: serde_json::Value = serde_json::from_str(&good).unwrap();
    doc["deployments"][5]["service"] = "ghost".into();
    std::fs::write(path(d, "bad.json"), doc.to_string()).unwrap();
    let line = fails(
        d,
        &[
            "--db",
            "b.sqlite3",
            "import",
            "--format",
            "json",
            "bad.json",
        ],
        "invalid_input",
    );
    assert!(line.contains("ghost"), "{line}");
    // From a newer build: refused before any file is opened or created.
    let mut newer: serde_json::Value = serde_json::from_str(&good).unwrap();
    newer["schema_version"] = 99.into();
    std::fs::write(path(d, "newer.json"), newer.to_string()).unwrap();
    let line = fails(
        d,
        &[
            "--db",
            "b.sqlite3",
            "import",
            "--format",
            "json",
            "newer.json",
        ],
        "invalid_input",
    );
    assert!(line.contains("schema version 99"), "{line}");
    // None of these left a workspace behind (the file did not exist before).
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("b.sqlite3") || n.starts_with(".b.sqlite3"))
        .collect();
    assert!(left.is_empty(), "a failed import left {left:?}");
    fails(
        d,
        &[
            "--db",
            "b.sqlite3",
            "import",
            "--format",
            "json",
            "missing.json",
        ],
        "io",
    );
    let empty = ok(d, &["--db", "b.sqlite3", "export", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&empty).unwrap();
    for key in KEYS.iter().skip(1) {
        assert_eq!(
            doc[key].as_array().unwrap().len(),
            0,
            "{key} was half-written"
        );
    }
    // Into a workspace with data: refused.
    fails(
        d,
        &["--db", "a.sqlite3", "import", "--format", "json", "a.json"],
        "workspace_not_empty",
    );
}

mod audit;
mod crash;
mod dora;
#[path = "../../app/tests/sync/jira/fake.rs"]
mod fake;
mod ingest;
mod leadership;
#[path = "../../app/tests/sync/jira/mock.rs"]
mod mock;
mod people;
mod review;
mod sharing;
mod storage;
mod sync_github;
mod sync_jira;

mod plan;
