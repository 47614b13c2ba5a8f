//! Risk, readiness, go/no-go, hotfixes, change records and reviews through the real binary.

use super::{fails, ok};
use serde_json::Value;
use std::path::Path;

const DB: &str = "ws.sqlite3";

fn run(d: &Path, args: &[&str]) -> String {
    let mut all = vec!["--db", DB];
    all.extend_from_slice(args);
    ok(d, &all)
}

fn run_json(d: &Path, args: &[&str]) -> Value {
    let out = run(d, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// Exit 1 with one `error[code]` line; these tests run without a roster, where `--as`
/// adds its one warning line first.
fn refuse(d: &Path, args: &[&str], code: &str) -> String {
    let mut all = vec!["--db", DB];
    all.extend_from_slice(args);
    if !args.contains(&"--as") {
        return fails(d, &all, code);
    }
    let out = super::switchyard(d, &all);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "a warning and an error, got: {stderr}");
    assert!(
        lines[0].starts_with("warning: the workspace has no people"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with(&format!("error[{code}]: ")),
        "{stderr}"
    );
    lines[1].to_string()
}

fn export(d: &Path) -> Value {
    run_json(d, &["export", "--format", "json"])
}

/// The demo organisation without its roster: these tests exercise names as typed (the
/// behaviour of a workspace without people); tests/people.rs runs with the roster.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["demo", "load"]);
    let people = run_json(dir.path(), &["people", "list", "--json"]);
    for p in people.as_array().unwrap() {
        run(
            dir.path(),
            &["people", "remove", p["name"].as_str().unwrap()],
        );
    }
    dir
}

/// A shipped release with pull requests: (id, PR authors, deployers).
fn shipped_release(doc: &Value) -> (i64, Vec<String>, Vec<String>) {
    let releases = doc["releases"].as_array().unwrap();
    for r in releases.iter().rev().filter(|r| r["released"] == true) {
        let id = r["id"].as_i64().unwrap();
        let authors: Vec<String> = doc["work_items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["kind"] == "pull_request")
            .filter(|w| w["release_ids"].as_array().unwrap().contains(&id.into()))
            .filter_map(|w| w["author"].as_str().map(String::from))
            .collect();
        let deployers: Vec<String> = doc["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["release_id"] == id)
            .filter_map(|x| x["creator"].as_str().map(String::from))
            .collect();
        if !authors.is_empty() && !deployers.is_empty() {
            return (id, authors, deployers);
        }
    }
    panic!("no shipped release with changes");
}

/// The planned release furthest ahead.
fn future_release(doc: &Value) -> i64 {
    doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["released"] == false && r["release_type"] == "regular")
        .max_by_key(|r| r["release_date"].as_str().unwrap_or("").to_string())
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Overrides the risk class of release `id` (as the default actor).
fn override_risk(d: &Path, id: &str, class: &str, reason: &str) {
    run(d, &["risk", id, "--override", class, "--reason", reason]);
}

fn audit_actions(doc: &Value) -> Vec<String> {
    doc["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn risk_of_a_demo_release_explains_every_factor_and_is_stored() {
    let dir = demo();
    let d = dir.path();
    let before = export(d);
    let (id, _, _) = shipped_release(&before);
    let r = run_json(d, &["risk", &id.to_string(), "--json", "--as", "tess"]);
    assert!(["low", "medium", "high", "critical"].contains(&r["class"].as_str().unwrap()));
    let factors = r["factors"].as_array().unwrap();
    assert_eq!(factors.len(), 9, "{r}");
    let sum: f64 = factors
        .iter()
        .map(|f| f["contribution"].as_f64().unwrap())
        .sum();
    assert!((sum - r["score"].as_f64().unwrap()).abs() < 0.01, "{r}");
    for f in factors {
        assert!(!f["reason"].as_str().unwrap().is_empty(), "{f}");
    }
    let size = factors
        .iter()
        .find(|f| f["factor"] == "change_size")
        .unwrap();
    assert!(size["input"].as_f64().unwrap() > 0.0, "{size}");
    // Stored as a new assessment, with an audit event.
    let after = export(d);
    let n = |doc: &Value| doc["risk_assessments"].as_array().unwrap().len();
    assert_eq!(n(&after), n(&before) + 1);
    let last = after["risk_assessments"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(last["release_id"], id);
    assert_eq!(last["assessed_by"], "tess");
    assert_eq!(last["factors"].as_array().unwrap().len(), 9);
    assert_eq!(audit_actions(&after).last().unwrap(), "risk.assess");
    // By name too; an unknown release is not found.
    let name = before["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    let by_name = run_json(d, &["risk", &name, "--json"]);
    assert_eq!(by_name["release"]["id"], id);
    refuse(d, &["risk", "no-such-release", "--json"], "not_found");
}

#[test]
fn an_override_needs_a_reason_and_is_audited() {
    let dir = demo();
    let d = dir.path();
    let id = future_release(&export(d)).to_string();
    let before = export(d);
    let line = refuse(d, &["risk", &id, "--override", "high"], "invalid_input");
    assert!(line.contains("reason"), "{line}");
    let line = refuse(
        d,
        &["risk", &id, "--override", "extreme", "--reason", "x"],
        "invalid_input",
    );
    assert!(
        line.contains("\"extreme\" is not a risk class")
            && line.contains("low, medium, high, critical"),
        "the refusal names the allowed classes: {line}"
    );
    let line = refuse(d, &["decide", &id, "maybe"], "invalid_input");
    assert!(
        line.contains("no_go") && line.contains("go_with_conditions"),
        "{line}"
    );
    let line = refuse(
        d,
        &[
            "release",
            "add",
            "X",
            "--date",
            "2027-01-05",
            "--type",
            "big",
        ],
        "invalid_input",
    );
    assert!(line.contains("regular, major, hotfix, emergency"), "{line}");
    assert_eq!(export(d), before, "a refused override writes nothing");
    let r = run_json(
        d,
        &[
            "risk",
            &id,
            "--override",
            "critical",
            "--reason",
            "payment provider cut-over",
            "--as",
            "rita",
            "--json",
        ],
    );
    assert_eq!(r["class"], "critical");
    assert_eq!(r["override"]["reason"], "payment provider cut-over");
    assert_eq!(r["required_approvals"]["count"], 3);
    let after = export(d);
    let ev = after["audit_events"].as_array().unwrap().last().unwrap();
    assert_eq!(ev["action"], "risk.override");
    assert_eq!(ev["actor"], "rita");
    // A later assessment keeps the override.
    let again = run_json(d, &["risk", &id, "--json"]);
    assert_eq!(again["class"], "critical");
}

#[test]
fn an_author_or_deployer_cannot_approve_and_nothing_is_written() {
    let dir = demo();
    let d = dir.path();
    let doc = export(d);
    let (id, authors, deployers) = shipped_release(&doc);
    let id = id.to_string();
    let line = refuse(
        d,
        &["approve", &id, "--role", "sre", "--as", &authors[0]],
        "sod_violation",
    );
    assert!(line.contains(&authors[0]), "{line}");
    refuse(
        d,
        &[
            "approve",
            &id,
            "--role",
            "sre",
            "--as",
            &authors[0].to_uppercase(),
        ],
        "sod_violation",
    );
    refuse(
        d,
        &["approve", &id, "--role", "sre", "--as", &deployers[0]],
        "sod_violation",
    );
    refuse(
        d,
        &[
            "change-record",
            "approve",
            &id,
            "--role",
            "change_board",
            "--as",
            &authors[0],
        ],
        "sod_violation",
    );
    assert_eq!(export(d), doc, "refusals write nothing");
    let s = run_json(
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
    assert_eq!(s["approvals"][0]["approver"], "zed.outsider");
    refuse(
        d,
        &["approve", &id, "--role", "sre", "--as", "zed.outsider"],
        "invalid_input",
    );
}

#[test]
fn a_new_decision_supersedes_the_old_one_which_stays_as_it_was() {
    let dir = demo();
    let d = dir.path();
    let id = future_release(&export(d)).to_string();
    override_risk(d, &id, "high", "new payment flow");
    let first = run_json(
        d,
        &[
            "decide",
            &id,
            "no-go",
            "--note",
            "blocker open",
            "--as",
            "rm.one",
            "--json",
        ],
    );
    assert_eq!(first["outcome"], "no_go");
    assert!(first["criteria"]["percent_ready"].is_number());
    // High risk: two approvers, one of them SRE.
    let line = refuse(
        d,
        &[
            "decide",
            &id,
            "go-with-conditions",
            "--note",
            "watch p99",
            "--as",
            "rm.one",
        ],
        "approvals_missing",
    );
    assert!(line.contains("sre"), "{line}");
    refuse(
        d,
        &["decide", &id, "go-with-conditions", "--as", "rm.one"],
        "invalid_input",
    );
    run(d, &["approve", &id, "--role", "sre", "--as", "sam.sre"]);
    run(
        d,
        &[
            "approve",
            &id,
            "--role",
            "release_manager",
            "--as",
            "rm.one",
        ],
    );
    // Not every item is done: a plain go is refused, go with conditions is not.
    refuse(d, &["decide", &id, "go", "--as", "rm.one"], "invalid_input");
    let second = run_json(
        d,
        &[
            "decide",
            &id,
            "go-with-conditions",
            "--note",
            "watch p99 for an hour",
            "--as",
            "rm.one",
            "--json",
        ],
    );
    assert_eq!(second["supersedes"], first["id"]);
    assert_eq!(second["approvals"].as_array().unwrap().len(), 2);
    let doc = export(d);
    let decisions = doc["decisions"].as_array().unwrap();
    let old = decisions.iter().find(|x| x["id"] == first["id"]).unwrap();
    assert_eq!(old["outcome"], "no_go");
    assert_eq!(old["notes"], "blocker open");
    // The approvals were taken by the decision; the readiness view shows it.
    let r = run_json(d, &["readiness", &id, "--json"]);
    assert_eq!(r["go_no_go"]["status"], "go_with_conditions");
    assert_eq!(r["go_no_go"]["approvals"].as_array().unwrap().len(), 0);
    assert!(
        audit_actions(&doc)
            .iter()
            .filter(|a| *a == "gonogo.decide")
            .count()
            == 2
    );
}

#[test]
fn a_risk_class_that_rises_brings_the_larger_checklist_and_keeps_ticked_items() {
    let dir = demo();
    let d = dir.path();
    let id = future_release(&export(d)).to_string();
    override_risk(d, &id, "low", "tiny");
    let low = run_json(d, &["readiness", &id, "--json"]);
    assert!(
        !low["template"].as_str().unwrap().starts_with("critical-"),
        "{low}"
    );
    let titles = |r: &Value| -> Vec<String> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!titles(&low).contains(&"Change board review held".to_string()));
    let manual = low["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "manual")
        .unwrap()["id"]
        .clone();
    run(
        d,
        &[
            "readiness",
            &id,
            "--tick",
            &manual.to_string(),
            "--as",
            "qa.person",
        ],
    );
    run_json(
        d,
        &[
            "risk",
            &id,
            "--override",
            "critical",
            "--reason",
            "cut-over",
            "--json",
        ],
    );
    let crit = run_json(d, &["readiness", &id, "--json"]);
    assert!(
        crit["template"].as_str().unwrap().starts_with("critical-"),
        "{crit}"
    );
    let (before, after) = (titles(&low), titles(&crit));
    assert_eq!(
        &after[..before.len()],
        &before[..],
        "nothing removed or reordered"
    );
    for t in [
        "SRE sign-off",
        "Change record approved",
        "Change board review held",
    ] {
        assert!(after.contains(&t.to_string()), "{t} added: {after:?}");
    }
    let ticked = crit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == manual)
        .unwrap();
    assert_eq!(ticked["state"], "done", "a ticked item stays ticked");
    assert!(audit_actions(&export(d)).contains(&"checklist.grow".to_string()));
    // Back to low: nothing is taken away.
    run_json(
        d,
        &[
            "risk",
            &id,
            "--override",
            "low",
            "--reason",
            "scope cut",
            "--json",
        ],
    );
    assert_eq!(titles(&run_json(d, &["readiness", &id, "--json"])), after);
}

#[test]
fn ticking_an_item_raises_readiness_and_grows_its_history() {
    let dir = demo();
    let d = dir.path();
    let id = future_release(&export(d)).to_string();
    let r = run_json(d, &["readiness", &id, "--json"]);
    let before = r["percent_ready"].as_f64().unwrap();
    let item = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "manual" && i["state"] != "done")
        .expect("an open manual item")
        .clone();
    let item_id = item["id"].as_i64().unwrap().to_string();
    let history = item["history"].as_array().unwrap().len();
    let r = run_json(
        d,
        &[
            "readiness",
            &id,
            "--tick",
            &item_id,
            "--evidence",
            "https://wiki.example/notes",
            "--note",
            "reviewed",
            "--as",
            "nina",
            "--json",
        ],
    );
    assert!(r["percent_ready"].as_f64().unwrap() > before, "{r}");
    let ticked = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == item["id"])
        .unwrap();
    assert_eq!(ticked["state"], "done");
    assert_eq!(ticked["evidence_url"], "https://wiki.example/notes");
    let h = ticked["history"].as_array().unwrap();
    assert_eq!(h.len(), history + 1);
    assert_eq!(h.last().unwrap()["actor"], "nina");
    assert_eq!(h.last().unwrap()["state"], "done");
    // Rule items follow the data, not a hand.
    let rule = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "rule")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    refuse(d, &["readiness", &id, "--tick", &rule], "invalid_input");
    refuse(
        d,
        &["readiness", &id, "--tick", "no such item"],
        "not_found",
    );
    refuse(
        d,
        &[
            "readiness",
            &id,
            "--tick",
            &item_id,
            "--evidence",
            "file:///etc/passwd",
        ],
        "invalid_input",
    );
    let doc = export(d);
    assert!(doc["checklist_item_events"].as_array().unwrap().len() > history);
    assert_eq!(audit_actions(&doc).last().unwrap(), "checklist.set");
}

#[test]
fn the_policy_round_trips_as_toml_and_a_malformed_file_changes_nothing() {
    let dir = demo();
    let d = dir.path();
    run(d, &["risk", "policy", "export", "--out", "policy.toml"]);
    let text = std::fs::read_to_string(d.join("policy.toml")).unwrap();
    assert!(
        text.contains("[thresholds]") && text.contains("[factors.change_size]"),
        "{text}"
    );
    // Raise the bar for "critical" and import.
    let edited = text.replace("critical = 80.0", "critical = 95.0");
    assert_ne!(edited, text);
    std::fs::write(d.join("edited.toml"), &edited).unwrap();
    run(
        d,
        &["risk", "policy", "import", "edited.toml", "--as", "pat"],
    );
    assert_eq!(run(d, &["risk", "policy", "export"]), edited);
    let before = export(d);
    assert_eq!(before["risk_policies"].as_array().unwrap().len(), 1);
    std::fs::write(d.join("bad.toml"), "version = 1\n[thresholds\nmedium = 3\n").unwrap();
    let line = refuse(
        d,
        &["risk", "policy", "import", "bad.toml"],
        "invalid_input",
    );
    assert!(line.contains("line 2"), "{line}");
    std::fs::write(
        d.join("neg.toml"),
        edited.replacen("weight = ", "weight = -", 1),
    )
    .unwrap();
    refuse(
        d,
        &["risk", "policy", "import", "neg.toml"],
        "invalid_input",
    );
    assert_eq!(export(d), before, "a bad policy file changes nothing");
}

#[test]
fn a_hotfix_gets_a_reduced_checklist_a_change_record_and_a_review_and_round_trips() {
    let dir = demo();
    let d = dir.path();
    let h = run_json(
        d,
        &[
            "hotfix",
            "checkout-hotfix-1",
            "--service",
            "web-checkout",
            "--reason",
            "card payments failing",
            "--rollback",
            "redeploy the previous image",
            "--as",
            "hal",
            "--json",
        ],
    );
    assert_eq!(h["release"]["release_type"], "hotfix");
    assert_eq!(h["readiness"]["template"], "hotfix");
    assert_eq!(h["readiness"]["items"].as_array().unwrap().len(), 4);
    assert_eq!(h["change_record"]["status"], "submitted");
    assert_eq!(h["change_record"]["services"][0], "web-checkout");
    assert_eq!(h["review"]["status"], "scheduled");
    let rid = h["release"]["id"].as_i64().unwrap().to_string();
    // The change board approves the change record; the review gets an action item.
    for (role, who) in [
        ("change_board", "cab.chair"),
        ("sre", "sam.sre"),
        ("release_manager", "rm.one"),
    ] {
        run(
            d,
            &[
                "change-record",
                "approve",
                &rid,
                "--role",
                role,
                "--as",
                who,
            ],
        );
    }
    let rv = run_json(
        d,
        &[
            "review",
            "action",
            &rid,
            "--title",
            "Add a payment canary",
            "--owner",
            "hal",
            "--due",
            "2030-01-31",
            "--json",
        ],
    );
    let action = rv["action_items"][0]["id"].as_i64().unwrap().to_string();
    run(
        d,
        &["review", "action-set", &rid, &action, "--status", "done"],
    );
    run(
        d,
        &[
            "review",
            "complete",
            &rid,
            "--summary",
            "Root cause: expired key",
        ],
    );
    refuse(
        d,
        &[
            "hotfix",
            "checkout-hotfix-1",
            "--service",
            "web-checkout",
            "--reason",
            "x",
        ],
        "invalid_input",
    );
    // Everything exports and imports back to the same document.
    run(d, &["export", "--format", "json", "--out", "a.json"]);
    ok(
        d,
        &["--db", "b.sqlite3", "import", "--format", "json", "a.json"],
    );
    let again = ok(d, &["--db", "b.sqlite3", "export", "--format", "json"]);
    assert_eq!(std::fs::read_to_string(d.join("a.json")).unwrap(), again);
    let doc: Value = serde_json::from_str(&again).unwrap();
    assert_eq!(doc["change_records"].as_array().unwrap().len(), 1);
    assert_eq!(doc["change_records"][0]["status"], "approved");
    assert_eq!(doc["reviews"][0]["status"], "done");
    assert_eq!(doc["reviews"][0]["action_items"][0]["status"], "done");
}
