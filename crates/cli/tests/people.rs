//! `switchyard people ...` and `--as` with a roster, through the real binary; the OS user
//! recorded with approvals and decisions is the `$USER` of the process.

use serde_json::Value;
use std::path::Path;

const DB: &str = "ws.sqlite3";
const USER: &str = "ci-tester";

/// `switchyard --db ws.sqlite3 args` as the OS user `ci-tester`.
fn sy(d: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--db", DB];
    all.extend_from_slice(args);
    super::command(d, &all)
        .env("USER", USER)
        .env("LOGNAME", USER)
        .output()
        .expect("switchyard runs")
}

fn run(d: &Path, args: &[&str]) -> (String, String) {
    let out = sy(d, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

fn json(d: &Path, args: &[&str]) -> Value {
    let (out, _) = run(d, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// Exit 1 and exactly one `error[code]` line on stderr; answers the line.
fn refuse(d: &Path, args: &[&str], code: &str) -> String {
    let out = sy(d, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(
        lines[0].starts_with(&format!("error[{code}]: ")),
        "{stderr}"
    );
    lines[0].to_string()
}

/// A release in flight with a pull request by `login`: (id, `owner/repo#N`).
fn release_with_change_by(doc: &Value, login: &str) -> (String, String) {
    let releases = doc["releases"].as_array().unwrap();
    for w in doc["work_items"].as_array().unwrap() {
        if w["kind"] != "pull_request" || w["author"] != login {
            continue;
        }
        for rid in w["release_ids"].as_array().unwrap() {
            let r = releases.iter().find(|r| &r["id"] == rid).unwrap();
            if r["released"] == false && r["status"] != "cancelled" {
                let parts: Vec<&str> = w["url"].as_str().unwrap().split('/').collect();
                let n = parts.len();
                let key = format!("{}/{}#{}", parts[n - 4], parts[n - 3], parts[n - 1]);
                return (rid.to_string(), key);
            }
        }
    }
    panic!("no release in flight with a change by {login}");
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn people_are_listed_added_edited_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["demo", "load"]);
    let list = json(d, &["people", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 8);
    assert_eq!(list[0]["name"], "Amara Okafor", "by name");
    assert_eq!(list[0]["github"][0], "amara.okafor");
    let (text, _) = run(d, &["people", "list"]);
    assert!(
        text.contains("Omar Haddad  roles: sre  github: omar-haddad"),
        "{text}"
    );

    let p = json(
        d,
        &[
            "people",
            "add",
            "Tess Ng",
            "--role",
            "SRE",
            "--role",
            "change board",
            "--github",
            "@tess-ng",
            "--jira",
            "tess@acme.example",
            "--json",
        ],
    );
    assert_eq!(p["roles"], serde_json::json!(["sre", "change_board"]));
    assert_eq!(p["github"], serde_json::json!(["tess-ng"]));
    let line = refuse(d, &["people", "add", "tess ng"], "invalid_input");
    assert!(line.contains("Tess Ng is already in the roster"), "{line}");
    let line = refuse(
        d,
        &["people", "add", "Other", "--github", "OMAR-HADDAD"],
        "invalid_input",
    );
    assert!(
        line.ends_with("GitHub login OMAR-HADDAD belongs to Omar Haddad already (--github)"),
        "{line}"
    );
    let line = refuse(
        d,
        &["people", "add", "Other", "--role", "s r e!"],
        "invalid_input",
    );
    assert!(line.ends_with("(--role)"), "{line}");

    let p = json(
        d,
        &[
            "people",
            "edit",
            "tess ng",
            "--rename",
            "Tess Nguyen",
            "--add-role",
            "qa",
            "--remove-role",
            "change_board",
            "--github",
            "tnguyen",
            "--json",
        ],
    );
    assert_eq!(p["name"], "Tess Nguyen");
    assert_eq!(p["roles"], serde_json::json!(["sre", "qa"]));
    assert_eq!(
        p["github"],
        serde_json::json!(["tnguyen"]),
        "--github replaces"
    );
    assert_eq!(p["jira"], serde_json::json!(["tess@acme.example"]), "kept");
    refuse(
        d,
        &["people", "edit", "Nobody", "--add-role", "qa"],
        "unknown_person",
    );
    // --role replaces, --add-role adds: not both.
    let out = sy(
        d,
        &[
            "people",
            "edit",
            "Tess Nguyen",
            "--role",
            "qa",
            "--add-role",
            "sre",
        ],
    );
    assert_eq!(out.status.code(), Some(2));

    let (text, _) = run(d, &["people", "remove", "Tess Nguyen"]);
    assert!(text.contains("Removed Tess Nguyen"), "{text}");
    refuse(d, &["people", "remove", "Tess Nguyen"], "unknown_person");
    assert!(!names(&json(d, &["people", "list", "--json"])).contains(&"Tess Nguyen".into()));

    let doc = json(d, &["export", "--format", "json"]);
    let actions: Vec<&str> = doc["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "person")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["person.add", "person.edit", "person.remove"]);
    assert_eq!(doc["people"].as_array().unwrap().len(), 8);
    let events = doc["audit_events"].as_array().unwrap();
    assert_eq!(
        events.last().unwrap()["actor"],
        USER,
        "no --as: the OS user"
    );
}

#[test]
fn as_takes_a_roster_name_and_approvals_record_the_os_user_and_host() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["demo", "load"]);
    let doc = json(d, &["export", "--format", "json"]);
    let (id, key) = release_with_change_by(&doc, "chen.wei");

    // Everywhere --as exists, it names a roster person.
    let line = refuse(
        d,
        &[
            "readiness",
            &id,
            "--tick",
            "Rollback plan reviewed",
            "--as",
            "nobody",
        ],
        "unknown_person",
    );
    assert!(
        line.contains("\"nobody\"") && line.contains("people list"),
        "{line}"
    );
    refuse(d, &["risk", &id, "--as", "nobody"], "unknown_person");
    refuse(
        d,
        &["approve", &id, "--role", "sre", "--as", "nobody"],
        "unknown_person",
    );
    // Without --as the OS user approves, and is no roster person either.
    refuse(d, &["approve", &id, "--role", "sre"], "unknown_person");

    // Segregation of duties by linked identity, naming the change and the login.
    let line = refuse(
        d,
        &["approve", &id, "--role", "sre", "--as", "Chen Wei"],
        "sod_violation",
    );
    assert!(line.contains("GitHub login chen.wei authored"), "{line}");
    assert!(line.contains('#') && line.contains("acme/"), "{line}");
    let _ = key;
    refuse(
        d,
        &[
            "approve",
            &id,
            "--role",
            "change_board",
            "--as",
            "Omar Haddad",
        ],
        "invalid_input",
    );
    assert_eq!(
        json(d, &["export", "--format", "json"]),
        doc,
        "refusals write nothing"
    );

    let s = json(
        d,
        &[
            "approve",
            &id,
            "--role",
            "sre",
            "--as",
            "omar haddad",
            "--json",
        ],
    );
    let a = s["approvals"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(a["approver"], "Omar Haddad");
    assert_eq!(a["os_user"], USER);
    assert!(a["os_host"].as_str().is_some_and(|h| !h.is_empty()), "{a}");
    let omar = json(d, &["people", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Omar Haddad")
        .unwrap()["id"]
        .clone();
    assert_eq!(a["person_id"], omar);

    let r = json(d, &["readiness", &id, "--json"]);
    let shown = r["go_no_go"]["approvals"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(shown["os_user"], USER);
    assert_eq!(shown["os_host"], a["os_host"]);

    let dec = json(
        d,
        &[
            "decide",
            &id,
            "no-go",
            "--note",
            "not yet",
            "--as",
            "Rita Alvarez",
            "--json",
        ],
    );
    assert_eq!(dec["decided_by"], "Rita Alvarez");
    assert_eq!(dec["os_user"], USER);
    assert_eq!(dec["os_host"], a["os_host"]);
    assert_eq!(dec["approvals"][0]["os_user"], USER);

    let (md, _) = run(d, &["report", "release", &id, "--format", "md"]);
    let host = a["os_host"].as_str().unwrap();
    // Markdown breaks every `@` with an invisible word joiner, so the address mentions no
    // one when the report is pasted into GitHub or a chat.
    assert!(md.contains(&format!("{USER}@\u{2060}{host}")), "{md}");
}

#[test]
fn with_an_empty_roster_as_is_taken_as_typed_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["demo", "load"]);
    for name in names(&json(d, &["people", "list", "--json"])) {
        run(d, &["people", "remove", &name]);
    }
    let (text, _) = run(d, &["people", "list"]);
    assert!(text.contains("The roster is empty"), "{text}");
    let doc = json(d, &["export", "--format", "json"]);
    let (id, _) = release_with_change_by(&doc, "chen.wei");
    let (out, stderr) = run(
        d,
        &[
            "approve",
            &id,
            "--role",
            "sre",
            "--as",
            "zed.outsider",
            "--json",
        ],
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(
            "warning: the workspace has no people, so --as \"zed.outsider\" is recorded as typed"
        ),
        "{stderr}"
    );
    let s: Value = serde_json::from_str(&out).unwrap();
    let a = s["approvals"].as_array().unwrap().last().unwrap();
    assert_eq!(a["approver"], "zed.outsider");
    assert_eq!(a["person_id"], Value::Null);
    assert_eq!(a["os_user"], USER);
}

/// Segregation of duties is checked again whenever go/no-go is read: an approval given
/// before its approver's identity was linked to a change of the release stops counting,
/// and says which change and which identity; the decision records only what counts.
#[test]
fn an_approval_is_re_opened_when_its_approver_turns_out_to_have_authored_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["demo", "load"]);
    let doc = json(d, &["export", "--format", "json"]);
    let (id, key) = release_with_change_by(&doc, "chen.wei");

    // Omar approves as SRE: he authored nothing in the release.
    run(d, &["approve", &id, "--role", "sre", "--as", "Omar Haddad"]);
    let r = json(d, &["readiness", &id, "--json"]);
    let approvers = |r: &Value| names_of(&r["go_no_go"]["approvals"]);
    assert!(approvers(&r).contains(&"Omar Haddad".to_string()), "{r}");
    assert_eq!(r["go_no_go"]["reopened_approvals"], serde_json::json!([]));
    let missing_before = r["go_no_go"]["missing_approvals"].clone();

    // The login that authored the change turns out to be Omar's.
    run(
        d,
        &["people", "edit", "Chen Wei", "--remove-github", "chen.wei"],
    );
    run(
        d,
        &["people", "edit", "Omar Haddad", "--add-github", "chen.wei"],
    );

    let r = json(d, &["readiness", &id, "--json"]);
    assert!(!approvers(&r).contains(&"Omar Haddad".to_string()), "{r}");
    let reopened = r["go_no_go"]["reopened_approvals"].as_array().unwrap();
    assert_eq!(reopened.len(), 1, "{r}");
    assert_eq!(reopened[0]["approver"], "Omar Haddad");
    assert_eq!(reopened[0]["role"], "sre");
    let reason = reopened[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("GitHub login chen.wei authored") && reason.contains(&key),
        "the reason names the identity and the change: {reason}"
    );
    assert_ne!(r["go_no_go"]["missing_approvals"], missing_before);
    assert_eq!(r["go_no_go"]["ready_for_go"], false, "{r}");
    // The approval is needed again: by role when the release's risk class names roles (its
    // class depends on how near its date is, so on the day the test runs), or as a count.
    let missing = r["go_no_go"]["missing_approvals"].as_array().unwrap();
    let roles = r["go_no_go"]["required_approvals"]["roles"]
        .as_array()
        .unwrap();
    if roles.iter().any(|x| x == "sre") {
        assert!(
            missing.iter().any(|m| m.as_str().unwrap().contains("sre")),
            "SRE is needed again: {r}"
        );
    } else {
        assert!(
            missing
                .iter()
                .any(|m| m.as_str().unwrap().contains("more approver")),
            "an approver is needed again: {r}"
        );
    }
    // The text output says so too.
    let (text, _) = run(d, &["readiness", &id]);
    assert!(
        text.contains("re-opened: Omar Haddad's approval as sre no longer counts"),
        "{text}"
    );

    // A decision closes it and does not count it.
    let dec = json(
        d,
        &[
            "decide",
            &id,
            "no-go",
            "--note",
            "re-review",
            "--as",
            "Rita Alvarez",
            "--json",
        ],
    );
    assert!(!names_of(&dec["approvals"]).contains(&"Omar Haddad".to_string()));
    let r = json(d, &["readiness", &id, "--json"]);
    assert_eq!(r["go_no_go"]["reopened_approvals"], serde_json::json!([]));
    assert_eq!(r["go_no_go"]["approvals"], serde_json::json!([]));
}

fn names_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["approver"].as_str().unwrap().to_string())
        .collect()
}
