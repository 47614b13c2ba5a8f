//! The workspace's audit key in the keyring (a keyring for tests that keeps entries for
//! the life of the process: keyring's own mock keeps nothing between two entries).

use crate::clock;
use chrono::NaiveDate;
use switchyard_app::audit_key::keyring_account;
use switchyard_app::secrets::KEYRING_SERVICE;
use switchyard_app::Workspace;
use switchyard_store::{WorkspaceKey, AUDIT_PUBLIC_KEY, WORKSPACE_ID};

static ENTRIES: std::sync::Mutex<Vec<(String, Vec<u8>)>> = std::sync::Mutex::new(Vec::new());

#[derive(Debug)]
struct ProcessKeyring;
#[derive(Debug)]
struct ProcessEntry(String);

impl keyring::credential::CredentialApi for ProcessEntry {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        let mut e = ENTRIES.lock().unwrap();
        e.retain(|(k, _)| *k != self.0);
        e.push((self.0.clone(), secret.to_vec()));
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        ENTRIES
            .lock()
            .unwrap()
            .iter()
            .find(|(k, _)| *k == self.0)
            .map(|(_, v)| v.clone())
            .ok_or(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        ENTRIES.lock().unwrap().retain(|(k, _)| *k != self.0);
        Ok(())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl keyring::credential::CredentialBuilderApi for ProcessKeyring {
    fn build(
        &self,
        _target: Option<&str>,
        service: &str,
        user: &str,
    ) -> keyring::Result<Box<keyring::credential::Credential>> {
        Ok(Box::new(ProcessEntry(format!("{service}/{user}"))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn process_keyring() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| keyring::set_default_credential_builder(Box::new(ProcessKeyring)));
}

fn stored_secret(workspace_id: &str) -> Option<String> {
    let account = format!("{KEYRING_SERVICE}/{}", keyring_account(workspace_id));
    ENTRIES
        .lock()
        .unwrap()
        .iter()
        .find(|(k, _)| *k == account)
        .map(|(_, v)| String::from_utf8(v.clone()).unwrap())
}

#[test]
fn the_first_write_makes_a_key_in_the_keyring_and_every_event_is_signed() {
    process_keyring();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    let mut ws = Workspace::create(&path).unwrap();
    ws.load_demo(&clock()).unwrap();
    let id = ws.store().meta(WORKSPACE_ID).unwrap().unwrap();
    let public = ws.store().meta(AUDIT_PUBLIC_KEY).unwrap().unwrap();
    // The secret is in the keyring under the workspace's account, never in the file.
    let secret = stored_secret(&id).expect("the key is in the keyring");
    assert_eq!(
        WorkspaceKey::from_secret_hex(&secret).unwrap().public_hex(),
        public
    );
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
    let v = ws.audit_verification().unwrap();
    assert!(v.errors.is_empty() && v.warnings.is_empty(), "{v:?}");
    assert_eq!(v.signed_head.as_ref().map(|h| h.seq), Some(v.events));
    // Opened again (a new process would read the keyring again): the same key signs on.
    drop(ws);
    let mut ws = Workspace::open(&path).unwrap();
    ws.add_holiday(
        &clock(),
        "pm.bob",
        NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
        "Christmas",
    )
    .unwrap();
    let after = ws.audit_verification().unwrap();
    assert_eq!(after.public_key.as_deref(), Some(public.as_str()));
    assert_eq!(after.signed_head.map(|h| h.seq), Some(v.events + 1));
    assert_eq!(after.unsigned_events, 0);
}

/// Someone strips the public key and every signed head from the file: the keyring still
/// holds the workspace's key, so verify says what happened, and the app does not sign the
/// stripped log.
#[test]
fn a_key_in_the_keyring_for_a_workspace_without_a_public_key_is_reported_and_not_used() {
    process_keyring();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    let mut ws = Workspace::create(&path).unwrap();
    ws.load_demo(&clock()).unwrap();
    drop(ws);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER audit_heads_no_delete; DELETE FROM audit_heads;
             DELETE FROM meta WHERE key = 'audit_public_key';",
        )
        .unwrap();
    let mut ws = Workspace::open(&path).unwrap();
    let e = ws.verify_audit().unwrap_err();
    assert_eq!(e.code, switchyard_app::ErrorCode::AuditBroken);
    assert!(
        e.message
            .contains("the keyring holds an audit key for this workspace"),
        "{}",
        e.message
    );
    ws.add_holiday(
        &clock(),
        "pm.bob",
        NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
        "Christmas",
    )
    .unwrap();
    assert_eq!(ws.store().meta(AUDIT_PUBLIC_KEY).unwrap(), None);
    let v = ws.audit_verification().unwrap();
    assert_eq!(v.signed_heads, 0);
}
