//! Signed heads of the audit log. The hash chain alone shows an edited event only to
//! someone who cannot recompute it; anyone who can write the file can. Each append, when
//! the app has handed the workspace's connection a [`HeadSigner`] (the secret key lives in
//! the OS keyring, which this crate never calls), also stores the head it makes (the event's
//! id and hash) with an ed25519 signature over [`head_message`]. The public key is kept in
//! `meta`; `verify` checks every stored head against it.

use crate::Result;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// `meta` key of the workspace's random id (hex), named in every signed message.
pub const WORKSPACE_ID: &str = "workspace_id";
/// `meta` key of the workspace's audit public key (ed25519, hex).
pub const AUDIT_PUBLIC_KEY: &str = "audit_public_key";
/// The SQL function through which an append asks the app's signer for a signature.
const SIGN_FUNCTION: &str = "switchyard_sign_head";

/// What is signed for the head at event `seq` of hash `hash`: a fixed domain line first,
/// so a signature made here can never be taken for one over anything else.
pub fn head_message(workspace_id: &str, seq: i64, hash: &str) -> String {
    format!("switchyard-audit-head-v1\n{workspace_id}\n{seq}\n{hash}")
}

/// What signs heads: the app's keyring-backed key. Given the workspace's id and the public
/// key the workspace holds (`None`: none yet, so the signer may make a key pair), it returns
/// the public key it signed with and the signature (both hex), or `None` when no key is at
/// hand (no keyring): the event is then written unsigned.
pub trait HeadSigner: Send + Sync + 'static {
    fn sign(
        &self,
        workspace_id: &str,
        public_key: Option<&str>,
        message: &[u8],
    ) -> Option<(String, String)>;
}

/// A workspace's audit key pair. The secret half is wiped from memory when this is dropped
/// (ed25519-dalek's `zeroize`), and never printed.
pub struct WorkspaceKey(SigningKey);

impl std::fmt::Debug for WorkspaceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WorkspaceKey(public {})", self.public_hex())
    }
}

impl WorkspaceKey {
    /// A new key pair from the OS's random source.
    pub fn generate() -> Self {
        WorkspaceKey(SigningKey::generate(&mut rand_core::OsRng))
    }

    /// The key whose 32-byte secret is `hex` (as [`WorkspaceKey::secret_hex`] wrote it).
    pub fn from_secret_hex(hex_text: &str) -> Option<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(hex_text.trim(), &mut *bytes).ok()?;
        Some(WorkspaceKey(SigningKey::from_bytes(&bytes)))
    }

    /// The secret as hex, for the keyring only; wiped when dropped.
    pub fn secret_hex(&self) -> Zeroizing<String> {
        let mut bytes = self.0.to_bytes();
        let text = Zeroizing::new(hex::encode(bytes));
        bytes.zeroize();
        text
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().as_bytes())
    }

    /// The signature of `message`, hex.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.0.sign(message).to_bytes())
    }
}

/// Whether `signature` (hex) is `public_key`'s (hex) signature of `message`.
pub fn verify_signature(public_key: &str, message: &[u8], signature: &str) -> bool {
    let mut pk = [0u8; 32];
    let mut sig = [0u8; 64];
    if hex::decode_to_slice(public_key, &mut pk).is_err()
        || hex::decode_to_slice(signature, &mut sig).is_err()
    {
        return false;
    }
    let Ok(key) = VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    key.verify_strict(message, &Signature::from_bytes(&sig))
        .is_ok()
}

/// A short name of a public key: the first 16 hex digits of its SHA-256, in groups of 4.
pub fn key_fingerprint(public_key: &str) -> String {
    let digest = hex::encode(Sha256::digest(hex::decode(public_key).unwrap_or_default()));
    [
        &digest[0..4],
        &digest[4..8],
        &digest[8..12],
        &digest[12..16],
    ]
    .join(":")
}

/// Hands `signer` to `conn`: every later append on it signs the head it makes.
pub(crate) fn register_signer(conn: &Connection, signer: Box<dyn HeadSigner>) -> Result<()> {
    conn.create_scalar_function(
        SIGN_FUNCTION,
        3,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        move |ctx| {
            let id: String = ctx.get(0)?;
            let pk: Option<String> = ctx.get(1)?;
            let msg: String = ctx.get(2)?;
            Ok(signer
                .sign(&id, pk.as_deref(), msg.as_bytes())
                .map(|(pk, sig)| format!("{pk}:{sig}")))
        },
    )?;
    Ok(())
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// The workspace's random id, made (in the caller's transaction) when it has none.
pub fn workspace_id(conn: &Connection) -> Result<String> {
    if let Some(id) = meta(conn, WORKSPACE_ID)? {
        return Ok(id);
    }
    let mut bytes = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    let id = hex::encode(bytes);
    conn.prepare_cached("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute([WORKSPACE_ID, &id])?;
    Ok(meta(conn, WORKSPACE_ID)?.unwrap_or(id))
}

/// Signs the head at event `seq` of hash `hash` when the connection has a signer with the
/// workspace's key; returns whether it did. The first signed head also stores the public
/// key. A signature by another key than the workspace's is never stored.
pub(crate) fn sign_head(conn: &Connection, seq: i64, hash: &str) -> Result<bool> {
    let id = workspace_id(conn)?;
    let public = meta(conn, AUDIT_PUBLIC_KEY)?;
    let message = head_message(&id, seq, hash);
    let signed: Option<String> = match conn.query_row(
        &format!("SELECT {SIGN_FUNCTION}(?1, ?2, ?3)"),
        params![id, public, message],
        |r| r.get(0),
    ) {
        Ok(v) => v,
        // No signer on this connection (a plain connection, a test).
        Err(e) if e.to_string().contains("no such function") => None,
        Err(e) => return Err(e.into()),
    };
    let Some((pk, sig)) = signed.as_deref().and_then(|s| s.split_once(':')) else {
        tracing::info!(event = seq, "audit event written without the workspace key");
        return Ok(false);
    };
    if public.as_deref().is_some_and(|p| p != pk) {
        tracing::warn!(
            event = seq,
            "the key at hand is not this workspace's audit key; the event is not signed"
        );
        return Ok(false);
    }
    if !verify_signature(pk, message.as_bytes(), sig) {
        tracing::warn!(
            event = seq,
            "the signer's signature does not verify; not stored"
        );
        return Ok(false);
    }
    if public.is_none() {
        conn.prepare_cached("INSERT INTO meta (key, value) VALUES (?1, ?2)")?
            .execute([AUDIT_PUBLIC_KEY, pk])?;
    }
    conn.prepare_cached("INSERT INTO audit_heads (event_id, hash, signature) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, hash, sig])?;
    Ok(true)
}

/// A head as stored: the event's id (its sequence number), its hash and the signature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignedHead {
    pub seq: i64,
    pub hash: String,
    pub signature: String,
}

/// What the signatures of a workspace's log show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignatureCheck {
    pub workspace_id: Option<String>,
    pub public_key: Option<String>,
    /// The newest signed head, its signature verified.
    pub head: Option<SignedHead>,
    /// Signed heads stored (all verified when `broken` is empty).
    pub signed_heads: i64,
    /// Events after the newest signed head (written without the key).
    pub unsigned_after: i64,
    /// Why the signatures do not hold, each naming what is wrong.
    pub broken: Vec<String>,
}

/// Checks every stored head: its event is there with the same hash, and its signature is
/// the workspace key's. A public key without any signed head (the first signed head stores
/// the key), or signed heads without the key, mean something was removed.
pub fn check_signatures(conn: &Connection) -> Result<SignatureCheck> {
    let mut out = SignatureCheck {
        workspace_id: meta(conn, WORKSPACE_ID)?,
        public_key: meta(conn, AUDIT_PUBLIC_KEY)?,
        ..Default::default()
    };
    let mut stmt = conn.prepare(
        "SELECT h.event_id, h.hash, h.signature, e.hash
           FROM audit_heads h LEFT JOIN audit_events e ON e.id = h.event_id
          ORDER BY h.event_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let head = SignedHead {
            seq: r.get(0)?,
            hash: r.get(1)?,
            signature: r.get(2)?,
        };
        let event_hash: Option<String> = r.get(3)?;
        out.signed_heads += 1;
        if event_hash.as_deref() != Some(head.hash.as_str()) {
            out.broken.push(format!(
                "the signed head at event {} does not match the log (the event was rewritten or removed)",
                head.seq
            ));
            continue;
        }
        let (Some(id), Some(pk)) = (&out.workspace_id, &out.public_key) else {
            continue;
        };
        let message = head_message(id, head.seq, &head.hash);
        if !verify_signature(pk, message.as_bytes(), &head.signature) {
            out.broken.push(format!(
                "the signature of the head at event {} does not verify with the workspace's public key",
                head.seq
            ));
            continue;
        }
        out.head = Some(head);
    }
    if out.signed_heads > 0 && (out.public_key.is_none() || out.workspace_id.is_none()) {
        out.broken.insert(
            0,
            format!(
                "the workspace's audit public key or id was removed, but {} signed heads remain",
                out.signed_heads
            ),
        );
    }
    if out.signed_heads == 0 && out.public_key.is_some() {
        out.broken.insert(
            0,
            "the workspace has an audit public key but no signed head: the signed heads were removed".into(),
        );
    }
    let newest_seq = out.head.as_ref().map_or(0, |h| h.seq);
    out.unsigned_after = conn.query_row(
        "SELECT count(*) FROM audit_events WHERE id > ?1",
        [newest_seq],
        |r| r.get(0),
    )?;
    Ok(out)
}
