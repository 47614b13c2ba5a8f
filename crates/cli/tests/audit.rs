//! `audit verify` with signed heads, and `--against` an evidence pack, on the real binary.
//! The workspace key comes from `SWITCHYARD_AUDIT_KEY` (as the tokens' variables override
//! the keyring), so no test touches the machine's keyring.

use crate::{command, fails, ok, TEST_AUDIT_KEY};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use std::path::Path;
use switchyard_store::AuditEntry;

fn run(dir: &Path, key: &str, args: &[&str]) -> std::process::Output {
    command(dir, args)
        .env("SWITCHYARD_AUDIT_KEY", key)
        .output()
        .expect("switchyard runs")
}

fn verify_json(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--db", "ws.sqlite3", "audit", "verify", "--json"];
    args.extend(extra);
    serde_json::from_str(&ok(dir, &args)).unwrap()
}

/// With the file alone: edits event `target`'s actor, recomputes every later hash by the
/// chain's rule and writes the head in `meta` again, so the chain is whole.
fn rewrite(db: &Path, target: i64) {
    let c = Connection::open(db).unwrap();
    c.execute_batch("DROP TRIGGER audit_events_no_update;")
        .unwrap();
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = c
        .prepare("SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_events ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = String::new();
    for (id, at, actor, action, entity, entity_id, before, after) in rows {
        let actor = if id == target {
            "mallory".to_owned()
        } else {
            actor
        };
        let parse = |s: Option<String>| s.map(|s| serde_json::from_str(&s).unwrap());
        let entry = AuditEntry {
            at: chrono::DateTime::parse_from_rfc3339(&at).unwrap().into(),
            actor: &actor,
            action: &action,
            entity: &entity,
            entity_id: entity_id.as_deref(),
            before: parse(before),
            after: parse(after),
        };
        let mut h = Sha256::new();
        h.update(prev.as_bytes());
        h.update(b"\n");
        h.update(serde_json::to_string(&entry).unwrap().as_bytes());
        let hash = hex::encode(h.finalize());
        c.execute(
            "UPDATE audit_events SET actor = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            params![id, actor, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    c.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'audit_head'",
        [&prev],
    )
    .unwrap();
}

#[test]
fn an_evidence_pack_carries_the_signed_head_and_verify_against_it_catches_a_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    let text = ok(d, &["--db", "ws.sqlite3", "audit", "verify"]);
    assert!(text.contains("signed head at event"), "{text}");
    let v = verify_json(d, &[]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["unsigned_events"], 0);
    let head = v["signed_head"]["seq"].as_i64().unwrap();
    assert_eq!(head, v["events"].as_i64().unwrap());
    let public = v["public_key"].as_str().unwrap().to_owned();
    assert_eq!(public.len(), 64);

    // The reports show the signed head in their audit evidence part.
    let md = ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "report",
            "release",
            "Web 26.50",
            "--format",
            "md",
        ],
    );
    assert!(
        md.contains(&format!(
            "signed head at event {head} (hash {}",
            &v["signed_head"]["hash"].as_str().unwrap()[..12]
        )),
        "{md}"
    );
    ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "evidence",
            "Web 26.50",
            "--out",
            "pack.zip",
        ],
    );
    // More work after the pack: the workspace still extends it.
    ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "holiday",
            "add",
            "2027-01-21",
            "Founders day",
        ],
    );
    let v = verify_json(d, &["--against", "pack.zip"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["against"]["seq"].as_i64(), Some(head));
    assert_eq!(v["against"]["public_key"].as_str(), Some(public.as_str()));
    assert_eq!(v["signed_head"]["seq"].as_i64(), Some(head + 1));
    let text = ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "audit",
            "verify",
            "--against",
            "pack.zip",
        ],
    );
    assert!(
        text.contains(&format!("extends the evidence pack's head at event {head}")),
        "{text}"
    );

    // The rewrite a bare hash chain cannot show.
    rewrite(&d.join("ws.sqlite3"), 1);
    let line = fails(
        d,
        &["--db", "ws.sqlite3", "audit", "verify"],
        "audit_broken",
    );
    assert!(
        line.contains("signed head at event 1 does not match the log"),
        "{line}"
    );
    let line = fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "audit",
            "verify",
            "--against",
            "pack.zip",
        ],
        "audit_broken",
    );
    assert!(line.contains("event 1"), "{line}");
    // The attacker removes every signed head and the public key too: verify alone can only
    // say nothing is signed, but the pack shows what the log was.
    let c = Connection::open(d.join("ws.sqlite3")).unwrap();
    c.execute_batch(
        "DROP TRIGGER audit_heads_no_delete; DELETE FROM audit_heads;
         DELETE FROM meta WHERE key = 'audit_public_key';",
    )
    .unwrap();
    drop(c);
    let line = fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "audit",
            "verify",
            "--against",
            "pack.zip",
        ],
        "audit_broken",
    );
    assert!(
        line.contains("no longer has the hash the pack showed") || line.contains("public key"),
        "{line}"
    );
    // Verify alone now only warns: the public key and every signed head are gone, which
    // looks like a workspace never signed (with SWITCHYARD_AUDIT_KEY; the OS keyring would
    // still hold the workspace's key and say so). A pack written now shows no signed head.
    let out = command(d, &["--db", "ws.sqlite3", "audit", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("warning[audit_not_signed]"));
}

#[test]
fn events_written_without_the_key_are_a_warning_with_a_stable_code() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run(d, "off", &["--db", "ws.sqlite3", "demo", "load"]);
    assert!(out.status.success());
    let out = run(d, "off", &["--db", "ws.sqlite3", "audit", "verify"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("warning[audit_not_signed]: none of the"),
        "{stderr}"
    );
    // With the key, the next event signs the head; without it again, one event is unsigned.
    let out = run(
        d,
        TEST_AUDIT_KEY,
        &["--db", "ws.sqlite3", "holiday", "add", "2027-01-21", "A"],
    );
    assert!(out.status.success());
    let out = run(
        d,
        "off",
        &["--db", "ws.sqlite3", "holiday", "add", "2027-01-22", "B"],
    );
    assert!(out.status.success());
    let out = run(d, "off", &["--db", "ws.sqlite3", "audit", "verify"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("warning[audit_unsigned]: 1 event(s) after the signed head at event"),
        "{stderr}"
    );
    let v = verify_json(d, &[]);
    assert_eq!(v["unsigned_events"], 1);
    assert_eq!(v["warnings"][0]["code"], "audit_unsigned");
    // Another key than the workspace's is refused, not used: the file's key is compared
    // with the one at hand.
    let other = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    let out = run(d, other, &["--db", "ws.sqlite3", "audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not the key at hand"), "{stderr}");
}

#[test]
fn verify_against_something_that_is_not_a_pack_is_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    std::fs::write(d.join("x.zip"), "not a zip").unwrap();
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "audit",
            "verify",
            "--against",
            "x.zip",
        ],
        "invalid_input",
    );
    fails(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "audit",
            "verify",
            "--against",
            "missing.zip",
        ],
        "io",
    );
}

/// The errors `audit verify --json` lists for the workspace `db` (it must fail).
fn errors_of(dir: &Path, db: &str) -> Vec<String> {
    let out = command(dir, &["--db", db, "audit", "verify", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error[audit_broken]: "), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect()
}

/// Approvals, decisions, change records, checklist items and risk overrides changed with
/// plain SQL (no use case, so no audit event) are each reported by table and row.
#[test]
fn a_governance_row_changed_with_sql_is_reported_by_table_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ws = |args: &[&str]| {
        let mut all = vec!["--db", "ws.sqlite3"];
        all.extend(args);
        ok(d, &all)
    };
    ws(&["demo", "load"]);
    let r = "Web 26.50";
    ws(&["risk", r, "--override", "high", "--reason", "freeze risk"]);
    ws(&[
        "readiness",
        r,
        "--tick",
        "Release notes",
        "--evidence",
        "https://wiki.example/n",
    ]);
    ws(&["approve", r, "--role", "sre", "--as", "Omar Haddad"]);
    ws(&["change-record", "create", r, "--title", "Web 26.50 rollout"]);
    ws(&[
        "change-record",
        "approve",
        r,
        "--role",
        "change_board",
        "--as",
        "Rita Alvarez",
    ]);
    ws(&[
        "decide",
        r,
        "no-go",
        "--note",
        "not yet",
        "--as",
        "Nina Patel",
    ]);
    let v = verify_json(d, &[]);
    assert_eq!(v["ok"], true, "{v}");

    let c = Connection::open(d.join("ws.sqlite3")).unwrap();
    let one = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let approval = one("SELECT max(id) FROM release_approvals");
    let decision = one("SELECT max(id) FROM decisions");
    let record = one("SELECT max(id) FROM change_records");
    let overridden = one("SELECT max(id) FROM risk_assessments WHERE override_class IS NOT NULL");
    let item = one(
        "SELECT i.id FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id
           JOIN releases r ON r.id = c.release_id
          WHERE r.name = 'Web 26.50' AND i.title = 'Release notes drafted'",
    );
    let demo_decision = one("SELECT min(id) FROM decisions");
    let release = one("SELECT id FROM releases WHERE name = 'Web 26.50'");
    let cases: Vec<(String, String)> = vec![
        (
            format!("UPDATE release_approvals SET approver = 'Mallory' WHERE id = {approval}"),
            format!("release_approvals row {approval} "),
        ),
        (
            format!("INSERT INTO release_approvals (release_id, role, approver, approved_at) VALUES ({release}, 'qa', 'Mallory', '2026-11-28T09:00:00Z')"),
            "(qa by Mallory".into(),
        ),
        (
            format!("DROP TRIGGER decisions_are_final; UPDATE decisions SET outcome = 'go' WHERE id = {decision}"),
            format!("decisions row {decision} "),
        ),
        (
            format!("DROP TRIGGER decisions_are_final; UPDATE decisions SET notes = 'edited' WHERE id = {demo_decision}"),
            format!("decisions row {demo_decision} "),
        ),
        (
            format!("UPDATE approvals SET approver = 'Mallory' WHERE decision_id = {decision}"),
            format!("approvals of decision {decision} "),
        ),
        (
            format!("UPDATE change_records SET status = 'approved' WHERE id = {record}"),
            format!("change_records row {record} "),
        ),
        (
            format!("UPDATE change_record_approvals SET approver = 'Mallory' WHERE change_record_id = {record}"),
            format!("change_record_approvals of change record {record} "),
        ),
        (
            format!("UPDATE checklist_items SET state = 'pending' WHERE id = {item}"),
            format!("checklist_items row {item} (Release notes drafted): its state "),
        ),
        (
            format!("UPDATE risk_assessments SET override_class = 'low' WHERE id = {overridden}"),
            format!("risk_assessments row {overridden} "),
        ),
    ];
    for (n, (sql, names)) in cases.iter().enumerate() {
        let copy = format!("copy-{n}.sqlite3");
        c.execute("VACUUM INTO ?1", [d.join(&copy).to_str().unwrap()])
            .unwrap();
        Connection::open(d.join(&copy))
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        let errors = errors_of(d, &copy);
        assert_eq!(errors.len(), 1, "{sql}: {errors:?}");
        assert!(errors[0].contains(names.as_str()), "{sql}: {errors:?}");
    }
}
