//! The workspace's audit key: an ed25519 key pair made the first time the workspace's log
//! is written without one. The secret half lives in the OS keyring under the account
//! `audit-key:<workspace id>` (service `dev.switchyard.desktop`, like the API tokens), the
//! public half in the workspace (`meta`). The store never calls the keyring: the app hands
//! every workspace it opens a [`KeyringSigner`], and the store asks it for a signature of
//! each new head of the audit log.
//!
//! `SWITCHYARD_AUDIT_KEY` in the environment overrides the keyring, as the token variables
//! do, for machines without one (CI): the 64 hex digits of a secret key, or `off` to write
//! without a key (every event then shows as unsigned in `switchyard audit verify`).

use crate::secrets::{Secret, KEYRING_SERVICE};
use switchyard_store::{HeadSigner, WorkspaceKey};

/// The environment variable that overrides the keyring's audit key.
pub const AUDIT_KEY_ENV: &str = "SWITCHYARD_AUDIT_KEY";

/// The keyring account of a workspace's secret audit key.
pub fn keyring_account(workspace_id: &str) -> String {
    format!("audit-key:{workspace_id}")
}

/// Where the key came from, and the key (`None`: no key at hand, events go unsigned).
type Loaded = (String, Option<WorkspaceKey>);

/// Signs heads with the key of the workspace the store names; the key is read from the
/// keyring once per workspace and process, and wiped when this is dropped.
#[derive(Default)]
pub struct KeyringSigner {
    loaded: std::sync::Mutex<Option<Loaded>>,
}

impl HeadSigner for KeyringSigner {
    fn sign(
        &self,
        workspace_id: &str,
        public_key: Option<&str>,
        message: &[u8],
    ) -> Option<(String, String)> {
        let mut slot = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().map(|(id, _)| id.as_str()) != Some(workspace_id) {
            *slot = Some((
                workspace_id.to_owned(),
                load_or_make(workspace_id, public_key),
            ));
        }
        let key = slot.as_ref()?.1.as_ref()?;
        Some((key.public_hex(), key.sign_hex(message)))
    }
}

/// The key from the environment, else the keyring; a new one (stored in the keyring) only
/// when the workspace has no public key yet. A keyring that cannot be reached gives none.
fn load_or_make(workspace_id: &str, public_key: Option<&str>) -> Option<WorkspaceKey> {
    if let Some(v) = std::env::var_os(AUDIT_KEY_ENV).filter(|v| !v.is_empty()) {
        let v = Secret::new(v.to_string_lossy());
        if v.expose().trim().eq_ignore_ascii_case("off") {
            return None;
        }
        let key = WorkspaceKey::from_secret_hex(v.expose());
        if key.is_none() {
            tracing::warn!("{AUDIT_KEY_ENV} is not 64 hex digits; audit events go unsigned");
        }
        return key;
    }
    let entry = match keyring::Entry::new(KEYRING_SERVICE, &keyring_account(workspace_id)) {
        Ok(e) => e,
        Err(e) => {
            tracing::info!("no keyring for the audit key: {}", first_line(&e));
            return None;
        }
    };
    match entry.get_password() {
        // A key kept for a workspace that says it never had one: its public key and signed
        // heads were removed. Signing now would bless whatever the log became meanwhile.
        Ok(_) if public_key.is_none() => {
            tracing::warn!(
                "the keyring holds an audit key for this workspace, but the workspace has no public key; not signing (run `switchyard audit verify`)"
            );
            None
        }
        Ok(text) => {
            let text = Secret::new(text);
            WorkspaceKey::from_secret_hex(text.expose())
        }
        Err(keyring::Error::NoEntry) if public_key.is_none() => {
            let key = WorkspaceKey::generate();
            match entry.set_password(&key.secret_hex()) {
                Ok(()) => {
                    tracing::info!(public_key = %key.public_hex(), "new audit key for the workspace");
                    Some(key)
                }
                Err(e) => {
                    tracing::info!("the audit key could not be stored: {}", first_line(&e));
                    None
                }
            }
        }
        Err(keyring::Error::NoEntry) => None,
        Err(e) => {
            tracing::info!("the audit key could not be read: {}", first_line(&e));
            None
        }
    }
}

fn first_line(e: &keyring::Error) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

/// The public key the keyring (or `SWITCHYARD_AUDIT_KEY`) holds for `workspace_id`, if it
/// can be read, and whether it came from the keyring: `verify` compares it with the one in
/// the workspace. Never makes a key.
pub fn key_at_hand(workspace_id: &str) -> Option<(String, bool)> {
    let from_keyring = std::env::var_os(AUDIT_KEY_ENV).is_none_or(|v| v.is_empty());
    load_or_make(workspace_id, Some("")).map(|k| (k.public_hex(), from_keyring))
}
