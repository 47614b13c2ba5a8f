//! Signed heads of the audit log: the rewrite a plain hash chain cannot show (edit an
//! event, recompute every later hash and the head) is caught by the signatures.

use crate::event;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use switchyard_store::{
    append_audit, check_audit, check_signatures, head_message, verify_signature, AuditEntry,
    HeadSigner, Store, WorkspaceKey, AUDIT_PUBLIC_KEY,
};

/// A signer whose key a test can take away (a keyring that stops answering) or swap.
#[derive(Clone, Default)]
struct TestSigner(Arc<Mutex<Option<WorkspaceKey>>>);

impl HeadSigner for TestSigner {
    fn sign(&self, _id: &str, _pk: Option<&str>, message: &[u8]) -> Option<(String, String)> {
        let key = self.0.lock().unwrap();
        let key = key.as_ref()?;
        Some((key.public_hex(), key.sign_hex(message)))
    }
}

fn signed_store(dir: &std::path::Path) -> (Store, TestSigner, String) {
    let s = Store::open(&dir.join("ws.sqlite3")).unwrap();
    let key = WorkspaceKey::generate();
    let public = key.public_hex();
    let signer = TestSigner(Arc::new(Mutex::new(Some(key))));
    s.set_head_signer(Box::new(signer.clone())).unwrap();
    (s, signer, public)
}

/// The chain's rule, as an attacker with the source code would recompute it.
fn rehash(prev: &str, entry: &AuditEntry) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(serde_json::to_string(entry).unwrap().as_bytes());
    hex::encode(h.finalize())
}

/// With nothing but the file: drops the guards, changes event `target`'s actor, and writes
/// every later hash and the head again so that the chain is whole.
fn rewrite(path: &std::path::Path, target: i64, actor: &str) {
    let c = Connection::open(path).unwrap();
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
    for (id, at, old_actor, action, entity, entity_id, before, after) in rows {
        let who = if id == target {
            actor.to_owned()
        } else {
            old_actor
        };
        let parse = |s: Option<String>| s.map(|s| serde_json::from_str(&s).unwrap());
        let entry = AuditEntry {
            at: chrono::DateTime::parse_from_rfc3339(&at).unwrap().into(),
            actor: &who,
            action: &action,
            entity: &entity,
            entity_id: entity_id.as_deref(),
            before: parse(before),
            after: parse(after),
        };
        let hash = rehash(&prev, &entry);
        c.execute(
            "UPDATE audit_events SET actor = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            params![id, who, prev, hash],
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
fn every_append_signs_its_head_with_the_workspace_key() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _signer, public) = signed_store(dir.path());
    for action in ["a", "b", "c"] {
        append_audit(s.conn(), &event(action)).unwrap();
    }
    let check = check_signatures(s.conn()).unwrap();
    assert_eq!(check.broken, Vec::<String>::new());
    assert_eq!(check.signed_heads, 3);
    assert_eq!(check.unsigned_after, 0);
    assert_eq!(check.public_key.as_deref(), Some(public.as_str()));
    assert_eq!(
        s.meta(AUDIT_PUBLIC_KEY).unwrap().as_deref(),
        Some(public.as_str())
    );
    let head = check.head.unwrap();
    assert_eq!(head.seq, 3);
    let hash: String = s
        .conn()
        .query_row("SELECT hash FROM audit_events WHERE id = 3", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(head.hash, hash);
    // The signature is over the domain-separated message, and over nothing else.
    let id = check.workspace_id.unwrap();
    assert_eq!(id.len(), 32);
    let msg = head_message(&id, 3, &hash);
    assert!(msg.starts_with("switchyard-audit-head-v1\n"));
    assert!(verify_signature(&public, msg.as_bytes(), &head.signature));
    assert!(!verify_signature(
        &public,
        head_message(&id, 2, &hash).as_bytes(),
        &head.signature
    ));
    // Signed heads are append-only like the log.
    assert!(s
        .conn()
        .execute("DELETE FROM audit_heads WHERE event_id = 3", [])
        .is_err());
    assert!(s
        .conn()
        .execute("UPDATE audit_heads SET hash = 'x'", [])
        .is_err());
}

#[test]
fn a_rewrite_with_recomputed_hashes_and_head_is_caught_by_the_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    let (s, _signer, _) = signed_store(dir.path());
    for action in ["gonogo.approve", "gonogo.decide", "risk.override", "c"] {
        append_audit(s.conn(), &event(action)).unwrap();
    }
    drop(s);
    rewrite(&path, 2, "mallory");
    let s = Store::open(&path).unwrap();
    // The chain alone is whole again: the attack this closes.
    assert_eq!(check_audit(s.conn()).unwrap().broken, None);
    let actor: String = s
        .conn()
        .query_row("SELECT actor FROM audit_events WHERE id = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(actor, "mallory");
    let check = check_signatures(s.conn()).unwrap();
    assert!(!check.broken.is_empty());
    assert!(
        check.broken[0].contains("signed head at event 2 does not match the log"),
        "{:?}",
        check.broken
    );
    // The attacker writes the stored heads' hashes too: their signatures no longer match.
    drop(s);
    let c = Connection::open(&path).unwrap();
    c.execute_batch(
        "DROP TRIGGER audit_heads_no_update;
         UPDATE audit_heads SET hash = (SELECT hash FROM audit_events e WHERE e.id = event_id);",
    )
    .unwrap();
    let check = check_signatures(&c).unwrap();
    assert_eq!(check.broken.len(), 3, "{:?}", check.broken);
    assert!(check.broken[0].contains("signature of the head at event 2 does not verify"));
    // Or removes every signed head: the public key without them says so.
    c.execute_batch("DROP TRIGGER audit_heads_no_delete; DELETE FROM audit_heads;")
        .unwrap();
    let check = check_signatures(&c).unwrap();
    assert!(
        check.broken[0].contains("no signed head"),
        "{:?}",
        check.broken
    );
    // Or the key with them: then nothing is signed, which verify reports (not proven).
    c.execute("DELETE FROM meta WHERE key = 'audit_public_key'", [])
        .unwrap();
    let check = check_signatures(&c).unwrap();
    assert!(check.broken.is_empty());
    assert_eq!((check.head, check.unsigned_after), (None, 4));
}

#[test]
fn a_removed_public_key_with_signed_heads_present_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _signer, _) = signed_store(dir.path());
    append_audit(s.conn(), &event("a")).unwrap();
    s.conn()
        .execute("DELETE FROM meta WHERE key = 'audit_public_key'", [])
        .unwrap();
    let check = check_signatures(s.conn()).unwrap();
    assert!(
        check.broken[0].contains("public key or id was removed"),
        "{:?}",
        check.broken
    );
    // A key put in its place (the attacker's own) does not verify the heads.
    s.conn()
        .execute(
            "INSERT INTO meta (key, value) VALUES ('audit_public_key', ?1)",
            [WorkspaceKey::generate().public_hex()],
        )
        .unwrap();
    let check = check_signatures(s.conn()).unwrap();
    assert!(
        check.broken[0].contains("does not verify"),
        "{:?}",
        check.broken
    );
}

#[test]
fn events_written_without_the_key_are_counted_after_the_signed_head() {
    let dir = tempfile::tempdir().unwrap();
    let (s, signer, _) = signed_store(dir.path());
    for action in ["a", "b", "c"] {
        append_audit(s.conn(), &event(action)).unwrap();
    }
    // The keyring stops answering: the events are still written, unsigned.
    let key = signer.0.lock().unwrap().take();
    append_audit(s.conn(), &event("d")).unwrap();
    append_audit(s.conn(), &event("e")).unwrap();
    let check = check_signatures(s.conn()).unwrap();
    assert!(check.broken.is_empty(), "{:?}", check.broken);
    assert_eq!(check.head.as_ref().map(|h| h.seq), Some(3));
    assert_eq!(check.unsigned_after, 2);
    // Another key than the workspace's is never used to sign.
    *signer.0.lock().unwrap() = Some(WorkspaceKey::generate());
    append_audit(s.conn(), &event("f")).unwrap();
    assert_eq!(check_signatures(s.conn()).unwrap().unsigned_after, 3);
    // The workspace's key back: the next head covers everything before it.
    *signer.0.lock().unwrap() = key;
    append_audit(s.conn(), &event("g")).unwrap();
    let check = check_signatures(s.conn()).unwrap();
    assert_eq!(check.head.map(|h| h.seq), Some(7));
    assert_eq!(check.unsigned_after, 0);
    assert!(check.broken.is_empty());
}

#[test]
fn a_store_without_a_signer_writes_unsigned_events() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("ws.sqlite3")).unwrap();
    append_audit(s.conn(), &event("a")).unwrap();
    let check = check_signatures(s.conn()).unwrap();
    assert_eq!((check.signed_heads, check.unsigned_after), (0, 1));
    assert!(check.public_key.is_none() && check.broken.is_empty());
}

#[test]
fn the_secret_key_round_trips_through_hex_and_never_prints() {
    let key = WorkspaceKey::generate();
    let again = WorkspaceKey::from_secret_hex(&key.secret_hex()).unwrap();
    assert_eq!(again.public_hex(), key.public_hex());
    assert!(!format!("{key:?}").contains(key.secret_hex().as_str()));
    assert!(WorkspaceKey::from_secret_hex("not hex").is_none());
}

/// A workspace of schema step 6 (a chain, no signed heads) keeps verifying after the
/// upgrade, shows its events as unsigned, and is signed from its next event on.
#[test]
fn a_step_6_workspace_keeps_verifying_and_is_signed_from_its_next_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.sqlite3");
    let mut conn = Connection::open(&path).unwrap();
    switchyard_store::upgrade_with(&mut conn, &path, 0, &switchyard_store::MIGRATIONS[..6])
        .unwrap();
    append_audit(&conn, &event("a")).unwrap();
    append_audit(&conn, &event("b")).unwrap();
    drop(conn);
    let s = Store::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        switchyard_store::SCHEMA_VERSION
    );
    assert_eq!(check_audit(s.conn()).unwrap().broken, None);
    let check = check_signatures(s.conn()).unwrap();
    assert!(check.broken.is_empty(), "{:?}", check.broken);
    assert_eq!((check.signed_heads, check.unsigned_after), (0, 2));
    let key = WorkspaceKey::generate();
    s.set_head_signer(Box::new(TestSigner(Arc::new(Mutex::new(Some(key))))))
        .unwrap();
    append_audit(s.conn(), &event("c")).unwrap();
    let check = check_signatures(s.conn()).unwrap();
    assert!(check.broken.is_empty(), "{:?}", check.broken);
    assert_eq!(check.head.map(|h| h.seq), Some(3));
    assert_eq!(check.unsigned_after, 0);
}
