//! `switchyard sync jira` (the real binary) against the fake Jira of the sync crate's tests.

use crate::fake::*;
use crate::mock::Response;
use chrono::Duration as CD;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

pub(crate) const TOKEN: &str = "jira-TOKEN-do-not-leak-4d2f9e";
pub(crate) const EMAIL: &str = "mia@example.com";

pub(crate) fn cloud(n: u64) -> FakeJira {
    let mut f = FakeJira::new(true, &basic_auth(EMAIL, TOKEN));
    let base = fixture("search-jql.json")["issues"][0].clone();
    let jr = jrjc();
    let versions = make_versions(3);
    let p = f.project("PROJ");
    p.versions = versions.clone();
    for i in 1..=n {
        p.issues.push(make_issue(
            &IssueSpec {
                project: "PROJ",
                n: i,
                summary: format!("Issue {i}"),
                updated: utc(2024, 3, 1, 9, 0) + CD::minutes(i as i64),
                issuetype: (i == 2).then_some("Incident"),
                labels: vec![],
                chain_blocking: true,
                chain_len: n,
                fix_versions: vec![versions[0].clone()],
                resolved: None,
            },
            true,
            &base,
            &jr,
        ));
    }
    f
}

pub(crate) fn sync(dir: &Path, url: &str, extra: &[&str], token: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .args([
            "--db",
            "w.sqlite3",
            "sync",
            "jira",
            "--url",
            url,
            "--project",
            "PROJ",
        ])
        .args(extra)
        .current_dir(dir)
        .env_remove("SWITCHYARD_DB")
        .env("SWITCHYARD_JIRA_TOKEN", token)
        .env("RUST_LOG", "trace")
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("HOME", dir)
        .output()
        .expect("switchyard runs")
}

fn export(dir: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .args(["--db", "w.sqlite3", "export", "--format", "json"])
        .current_dir(dir)
        .env_remove("SWITCHYARD_DB")
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sync_jira_fills_releases_work_items_dependencies_and_incidents() {
    let (server, _fake) = start(cloud(12));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = sync(
        d,
        &server.url(),
        &["--email", EMAIL, "--page-size", "5"],
        TOKEN,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Synced PROJ from Jira Cloud: 3 versions, 12 issues in 3 pages"),
        "{stdout}"
    );
    // The sync ended by linking what it wrote (incidents are DORA facts).
    assert!(
        crate::dora_links_are_current(&d.join("w.sqlite3")),
        "the links of the synced facts are kept"
    );
    let doc = export(d);
    let releases: Vec<&str> = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source_key"].as_str().unwrap())
        .collect();
    assert_eq!(releases, vec!["PROJ:10000", "PROJ:10010", "PROJ:10102"]);
    assert_eq!(doc["releases"][0]["release_date"], json!("2010-07-06"));
    assert_eq!(doc["releases"][0]["released"], json!(true));
    assert_eq!(doc["releases"][0]["services"], json!(["Component A"]));
    let items = doc["work_items"].as_array().unwrap();
    assert_eq!(items.len(), 12);
    assert_eq!(items[0]["source"], json!("jira"));
    assert_eq!(items[0]["kind"], json!("bug"));
    assert_eq!(items[0]["status"], json!("In Progress"));
    assert_eq!(items[0]["releases"], json!(["New Version 1"]));
    assert_eq!(items[0]["service"], json!("Component A"));
    let deps = doc["dependencies"].as_array().unwrap();
    assert_eq!(deps.len(), 11);
    assert!(deps
        .iter()
        .any(|d| d["blocker"] == "PROJ-1" && d["blocked"] == "PROJ-2" && d["kind"] == "work_item"));
    let inc = doc["incidents"].as_array().unwrap();
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0]["source_key"], json!("PROJ-2"));
    assert_eq!(inc[0]["service"], json!("Component A"));
    assert!(doc["sync_state"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["scope"] == "PROJ/issues"));
    // Not a terminal: no progress bar on stderr.
    assert!(!stderr.contains('\r'));
    // The Jira side travels with the document: descriptions and status transitions.
    let jira = doc["jira_issues"].as_array().unwrap();
    assert_eq!(jira.len(), 12);
    assert!(jira.iter().all(|j| j["project"] == "PROJ"));
    let transitions = doc["work_item_transitions"].as_array().unwrap();
    assert!(!transitions.is_empty(), "{doc:#}");
    assert!(transitions.iter().all(|t| t["to_status"].is_string()));
    // ... and comes back whole from an import into a new workspace.
    std::fs::write(d.join("doc.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .args([
            "--db",
            "copy.sqlite3",
            "import",
            "--format",
            "json",
            "doc.json",
        ])
        .current_dir(d)
        .env_remove("SWITCHYARD_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .args(["--db", "copy.sqlite3", "export", "--format", "json"])
        .current_dir(d)
        .env_remove("SWITCHYARD_DB")
        .output()
        .unwrap();
    let copy: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(copy["jira_issues"], doc["jira_issues"]);
    assert_eq!(copy["work_item_transitions"], doc["work_item_transitions"]);

    // Again: nothing new, nothing doubled, nothing lost. The second sync reads the newest
    // issues again (the overlap), unchanged: their changelogs, cut short at 20 histories in
    // the search, keep the transitions of their whole changelogs (the closing one is the
    // 26th history); they once went back to the first 20's.
    let out = sync(d, &server.url(), &["--email", EMAIL], TOKEN);
    assert!(out.status.success());
    let again = export(d);
    assert_eq!(again["work_items"].as_array().unwrap().len(), 12);
    assert_eq!(again["work_item_transitions"], doc["work_item_transitions"]);
}

#[test]
fn the_token_reaches_no_stderr_export_log_or_database() {
    let mut f = cloud(3);
    // A page that fails for good after the first one, so retries and errors are logged.
    f.fault("/rest/api/3/search/jql", 1, Response::json(500, "{}"));
    for _ in 0..20 {
        f.fault("/rest/api/3/search/jql", 0, Response::json(500, "{}"));
    }
    let (server, _fake) = start(f);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Wrong email: 401.
    let out = sync(d, &server.url(), &["--email", "x@y.example"], TOKEN);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1));
    let last = stderr.lines().last().unwrap();
    assert!(last.starts_with("error[jira_auth]: "), "{stderr}");
    assert!(last.contains("--email"), "{last}");

    // Unknown project: not_found.
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .args([
            "--db",
            "w.sqlite3",
            "sync",
            "jira",
            "--url",
            &server.url(),
            "--project",
            "NOPE",
            "--email",
            EMAIL,
        ])
        .current_dir(d)
        .env("SWITCHYARD_JIRA_TOKEN", TOKEN)
        .output()
        .unwrap();
    let e2 = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        e2.starts_with("error[not_found]: ") && e2.lines().count() == 1,
        "{e2}"
    );

    // 500s after page 1 (page size 2): retried, then a clear failure.
    let out = sync(
        d,
        &server.url(),
        &["--email", EMAIL, "--page-size", "2"],
        TOKEN,
    );
    let e3 = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        e3.lines()
            .last()
            .unwrap()
            .starts_with("error[jira_unavailable]: "),
        "{e3}"
    );
    assert!(e3.lines().count() > 1, "trace logs ran: {e3}");

    // The HTTP layer's raw request dumps (trace level) are capped away.
    assert!(!e3.contains("ureq_proto"), "raw HTTP dumps reached the log");
    let doc = export(d).to_string();
    let db = std::fs::read(d.join("w.sqlite3")).unwrap();
    let wal = std::fs::read(d.join("w.sqlite3-wal")).unwrap_or_default();
    let enc = basic_auth(EMAIL, TOKEN);
    let enc_b64 = enc.trim_start_matches("Basic ");
    for (what, text) in [
        ("stderr", format!("{stderr}{e2}{e3}")),
        ("export", doc),
        ("db", String::from_utf8_lossy(&db).to_string()),
        ("wal", String::from_utf8_lossy(&wal).to_string()),
    ] {
        assert!(!text.contains(TOKEN), "the token is in the {what}");
        assert!(
            !text.contains(enc_b64),
            "the encoded token is in the {what}"
        );
    }
}

/// `switchyard auth ...` with `stdin` as the token.
fn auth(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
        .arg("auth")
        .args(args)
        .current_dir(dir)
        .env_remove("SWITCHYARD_DB")
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("HOME", dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("switchyard runs");
    // The command may refuse before it reads: a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn a_token_is_never_sent_where_a_url_could_leak_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let code = |o: &Output| {
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!err.contains(TOKEN) && !err.contains("pw@"), "{err}");
        err
    };
    // A token is stored for one site: the site must be named.
    let err = code(&auth(d, &["jira"], TOKEN));
    assert!(
        err.contains("error[invalid_input]") && err.contains("--url"),
        "{err}"
    );
    let err = code(&auth(
        d,
        &["jira", "--url", "https://me:pw@jira.example.com"],
        TOKEN,
    ));
    assert!(err.contains("user or password"), "{err}");
    let err = code(&auth(
        d,
        &["github", "--url", "http://ghe.example.com/api/v3"],
        TOKEN,
    ));
    assert!(err.contains("must use https://"), "{err}");
    // A sync to plain http of another machine, or with credentials in the URL, sends nothing.
    for url in ["http://jira.example.com", "https://mia:pw@jira.example.com"] {
        let out = sync(d, url, &[], TOKEN);
        let err = code(&out);
        assert!(err.contains("error[invalid_input]"), "{url}: {err}");
    }
    assert!(
        !d.join("w.sqlite3").exists() || export(d)["work_items"].as_array().unwrap().is_empty()
    );
}
