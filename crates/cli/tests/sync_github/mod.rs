//! `switchyard sync github` (the real binary) against the mock GitHub of the sync tests,
//! which serves the real recorded payloads.

#[path = "../../../app/tests/sync/github/fixtures.rs"]
pub mod fixtures;
#[path = "../../../app/tests/sync/github/mock.rs"]
pub mod mock;

mod deploy_runs;

use fixtures::{REPO, TOKEN};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn switchyard(dir: &Path, args: &[&str], token: &str) -> Output {
    switchyard_logging(dir, args, token, "trace")
}

fn switchyard_logging(dir: &Path, args: &[&str], token: &str, log: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .args(args)
        .current_dir(dir)
        .env_remove("SWITCHYARD_DB")
        .env_remove("GITHUB_TOKEN")
        .env("SWITCHYARD_GITHUB_TOKEN", token)
        .env("RUST_LOG", log)
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("HOME", dir)
        .output()
        .expect("switchyard runs")
}

#[test]
fn sync_github_fills_the_workspace_and_never_shows_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    let db = dir.path().join("ws.sqlite3");
    let db_arg = db.to_str().unwrap();
    let url = mock.url();
    let args = [
        "--db",
        db_arg,
        "sync",
        "github",
        "--api-url",
        &url,
        "--repo",
        REPO,
    ];
    let out = switchyard(dir.path(), &args, TOKEN);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("60 pull requests"), "{stdout}");
    // The sync ended by linking what it wrote: the first metrics query reads it back.
    assert!(
        crate::dora_links_are_current(&db),
        "the links of the synced facts are kept"
    );
    // Twice: upserts, never duplicates.
    let again = switchyard(dir.path(), &args, TOKEN);
    assert!(again.status.success());
    let export = dir.path().join("ws.json");
    let ex = switchyard(
        dir.path(),
        &[
            "--db",
            db_arg,
            "export",
            "--format",
            "json",
            "--out",
            export.to_str().unwrap(),
        ],
        TOKEN,
    );
    assert!(ex.status.success());
    let text = std::fs::read_to_string(&export).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let list = |k: &str| doc[k].as_array().unwrap().clone();
    assert_eq!(list("services")[0]["name"], REPO);
    assert_eq!(list("work_items").len(), 60);
    let merged = list("work_items")
        .into_iter()
        .find(|w| w["source_key"] == format!("{REPO}#234"))
        .unwrap();
    assert_eq!(merged["kind"], "pull_request");
    assert_eq!(merged["status"], "merged");
    assert_eq!(merged["service"], REPO);
    let rel = list("releases")
        .into_iter()
        .find(|r| r["source_key"] == format!("{REPO}@v0.38.0"))
        .unwrap();
    assert_eq!(
        (rel["release_date"].as_str(), rel["released"].as_bool()),
        (Some("2024-04-09"), Some(true))
    );
    assert_eq!(rel["services"][0], REPO);
    let deps = list("deployments");
    assert_eq!(deps.len(), 3);
    let d1 = deps
        .iter()
        .find(|d| d["source_key"] == format!("{REPO}/deployments/1"))
        .unwrap();
    assert_eq!(
        (d1["outcome"].as_str(), d1["time"].as_str()),
        (Some("success"), Some("2012-07-20T01:19:13Z"))
    );
    assert_eq!(d1["environment"], "production");
    assert_eq!(d1["service"], REPO);
    let incidents = list("incidents");
    assert_eq!(incidents.len(), 2);
    assert!(incidents
        .iter()
        .all(|i| i["source"] == "github" && i["service"] == REPO));
    assert_eq!(list("pipeline_runs").len(), 4);
    assert!(list("sync_state")
        .iter()
        .any(|s| s["scope"] == format!("{REPO}/pulls")));

    // The token is nowhere: not in stderr (even at RUST_LOG=trace), stdout, the export or
    // the database file.
    for (what, s) in [
        ("stderr", stderr),
        ("stdout", stdout),
        (
            "stderr again",
            String::from_utf8_lossy(&again.stderr).to_string(),
        ),
        ("export", text),
    ] {
        assert!(
            !s.contains(TOKEN) && !s.contains("SWITCHYARDtestTOKEN"),
            "token in {what}"
        );
    }
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                !bytes.windows(19).any(|w| w == b"SWITCHYARDtestTOKEN"),
                "token in {}",
                f.display()
            );
        }
    }
    drop(mock);
}

#[test]
fn sync_github_errors_are_one_line_with_a_stable_code() {
    let dir = tempfile::tempdir().unwrap();
    let (mock, _routes) = fixtures::start();
    let db = dir.path().join("ws.sqlite3");
    let url = mock.url();
    let args = [
        "--db",
        db.to_str().unwrap(),
        "sync",
        "github",
        "--api-url",
        &url,
        "--repo",
        REPO,
    ];
    for log in ["warn", "trace"] {
        let out = switchyard_logging(dir.path(), &args, "ghp_WRONGtokenSWITCHYARD", log);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let last = stderr.lines().last().unwrap_or("");
        assert!(last.starts_with("error[github_auth]: "), "{stderr}");
        // The message speaks of the product; the command line names its own command.
        assert!(last.ends_with(" (switchyard auth github)"), "{last}");
        if log == "warn" {
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        }
        assert!(!stderr.contains("ghp_WRONGtokenSWITCHYARD"));
    }

    let out = switchyard(
        dir.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "sync",
            "github",
            "--api-url",
            &url,
            "--repo",
            "not-a-repo",
        ],
        TOKEN,
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("error[invalid_input]: "),
        "{stderr}"
    );
    drop(mock);
}

/// `sync github` of the recorded world into a fresh workspace, GraphQL served by the mock;
/// `extra` adds options. Its printed request count, its records (the workspace's own ids
/// left out, each list in source-key order) and its stderr.
fn sync_and_export(extra: &[&str]) -> (u64, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    routes.enable_graphql();
    let db = dir.path().join("ws.sqlite3");
    let db_arg = db.to_str().unwrap();
    let url = mock.url();
    let mut args = vec![
        "--db",
        db_arg,
        "sync",
        "github",
        "--api-url",
        &url,
        "--repo",
        REPO,
    ];
    args.extend_from_slice(extra);
    let out = switchyard(dir.path(), &args, TOKEN);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let requests: u64 = stdout
        .rsplit_once('(')
        .and_then(|(_, r)| r.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    let export = dir.path().join("ws.json");
    let ex = switchyard(
        dir.path(),
        &[
            "--db",
            db_arg,
            "export",
            "--format",
            "json",
            "--out",
            export.to_str().unwrap(),
        ],
        TOKEN,
    );
    assert!(ex.status.success());
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.retain(|k, _| k != "id" && !k.ends_with("_id"));
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut records = serde_json::Map::new();
    for k in [
        "releases",
        "work_items",
        "deployments",
        "incidents",
        "pipeline_runs",
    ] {
        let mut items = doc[k].as_array().cloned().unwrap_or_default();
        items.iter_mut().for_each(strip);
        items.sort_by_key(|i| i["source_key"].to_string());
        records.insert(k.into(), Value::Array(items));
    }
    let graphql = mock
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path() == "/graphql")
        .count();
    (
        requests,
        Value::Object(records),
        format!("{graphql} /graphql; {stderr}"),
    )
}

#[test]
fn sync_github_through_graphql_and_with_no_graphql_gives_the_same_export() {
    let (gql_requests, gql, gql_log) = sync_and_export(&[]);
    let (rest_requests, rest, rest_log) = sync_and_export(&["--no-graphql"]);
    assert!(gql_log.starts_with("3 /graphql"), "{gql_log}");
    assert!(rest_log.starts_with("0 /graphql"), "{rest_log}");
    assert_eq!(gql["work_items"].as_array().unwrap().len(), 60);
    assert_eq!(gql, rest);
    assert!(
        gql_requests * 4 < rest_requests,
        "GraphQL {gql_requests}, REST {rest_requests}"
    );
    assert!(!gql_log.contains(TOKEN) && !gql_log.contains("SWITCHYARDtestTOKEN"));
}
