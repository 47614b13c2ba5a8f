//! `audit verify`: the hash chain, the signed heads against the workspace's public key,
//! and (with `--against`) an evidence pack's head against the log as it is now.

use crate::{AppError, ErrorCode, Result, Workspace};
use serde::Serialize;
use switchyard_store::{
    check_audit, check_signatures, head_message, key_fingerprint, verify_signature, SignedHead,
};

/// One thing `audit verify` found: a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub message: String,
}

/// The signed head as an evidence pack or a report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct HeadEvidence {
    pub workspace_id: String,
    pub public_key: String,
    pub key_fingerprint: String,
    pub seq: i64,
    pub hash: String,
    pub signature: String,
}

/// What `audit verify` reports (`--json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct AuditVerification {
    /// No error found (warnings may remain).
    pub ok: bool,
    pub events: i64,
    pub workspace_id: Option<String>,
    pub public_key: Option<String>,
    pub key_fingerprint: Option<String>,
    /// The newest signed head, its signature verified.
    pub signed_head: Option<SignedHead>,
    pub signed_heads: i64,
    /// Events after the signed head, written without the workspace key.
    pub unsigned_events: i64,
    /// The pack checked with `--against`, when one was.
    pub against: Option<HeadEvidence>,
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
}

impl AuditVerification {
    /// The signed head as evidence, when there is one.
    pub fn head_evidence(&self) -> Option<HeadEvidence> {
        let h = self.signed_head.as_ref()?;
        Some(HeadEvidence {
            workspace_id: self.workspace_id.clone()?,
            public_key: self.public_key.clone()?,
            key_fingerprint: self.key_fingerprint.clone()?,
            seq: h.seq,
            hash: h.hash.clone(),
            signature: h.signature.clone(),
        })
    }

    /// `audit_broken` naming the first error (and how many more), if any.
    pub fn into_result(self) -> Result<Self> {
        match self.errors.first() {
            None => Ok(self),
            Some(first) => {
                let more = self.errors.len() - 1;
                let mut message = first.message.clone();
                if more > 0 {
                    message.push_str(&format!(" (and {more} more; --json lists them)"));
                }
                Err(AppError::new(ErrorCode::AuditBroken, message))
            }
        }
    }
}

const BROKEN: &str = "audit_broken";
/// Events written without the workspace key.
pub const UNSIGNED: &str = "audit_unsigned";
/// No event was ever signed (a workspace from before signed heads, or never a keyring).
pub const NOT_SIGNED: &str = "audit_not_signed";

impl Workspace {
    /// Checks the audit log: the chain, every signed head against the workspace's public
    /// key, and the key the keyring holds for the workspace against the one in the file.
    pub fn audit_verification(&self) -> Result<AuditVerification> {
        let conn = self.store().conn();
        let chain = check_audit(conn)?;
        let sig = check_signatures(conn)?;
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let broken = |message: String| Finding {
            code: BROKEN,
            message,
        };
        if let Some((id, why)) = &chain.broken {
            errors.push(broken(format!("event {id} {why}")));
        }
        errors.extend(sig.broken.iter().cloned().map(broken));
        let at_hand = sig
            .workspace_id
            .as_deref()
            .and_then(crate::audit_key::key_at_hand);
        if let (Some((key, true)), None) = (&at_hand, &sig.public_key) {
            errors.push(broken(format!(
                "the keyring holds an audit key for this workspace ({}), but the workspace has no public key: its key and signed heads were removed",
                key_fingerprint(key)
            )));
        }
        if let Some(pk) = &sig.public_key {
            if let Some((at_hand, _)) = at_hand {
                if &at_hand != pk {
                    errors.push(broken(format!(
                        "the workspace's audit public key ({}) is not the key at hand for it ({}, from the keyring or SWITCHYARD_AUDIT_KEY): the key in the file was replaced, or the wrong key is set",
                        key_fingerprint(pk),
                        key_fingerprint(&at_hand)
                    )));
                }
            }
        }
        for row in crate::audit_replay::unexplained(&self.export()?) {
            errors.push(broken(row));
        }
        match &sig.head {
            Some(h) if sig.unsigned_after > 0 => warnings.push(Finding {
                code: UNSIGNED,
                message: format!(
                    "{} event(s) after the signed head at event {} are not signed (written without the workspace key, e.g. no keyring); they could have been rewritten",
                    sig.unsigned_after, h.seq
                ),
            }),
            None if chain.events > 0 && errors.is_empty() => warnings.push(Finding {
                code: NOT_SIGNED,
                message: format!(
                    "none of the {} events is signed (written without the workspace key, or before signed heads): the chain alone cannot show a rewrite",
                    chain.events
                ),
            }),
            _ => {}
        }
        Ok(AuditVerification {
            ok: errors.is_empty(),
            events: chain.events,
            key_fingerprint: sig.public_key.as_deref().map(key_fingerprint),
            workspace_id: sig.workspace_id,
            public_key: sig.public_key,
            signed_head: sig.head,
            signed_heads: sig.signed_heads,
            unsigned_events: sig.unsigned_after,
            against: None,
            errors,
            warnings,
        })
    }

    /// The number of events when the audit log and its signatures hold; `audit_broken`
    /// naming the first thing that does not.
    pub fn verify_audit(&self) -> Result<i64> {
        Ok(self.audit_verification()?.into_result()?.events)
    }

    /// [`Workspace::audit_verification`] and, on top, that the workspace still extends
    /// the head an evidence pack showed: the same public key, the pack's head event in the
    /// log at the same sequence with the same hash, and the pack's signature valid.
    pub fn audit_verification_against(&self, pack: &[u8]) -> Result<AuditVerification> {
        let mut v = self.audit_verification()?;
        let manifest = switchyard_report::evidence::manifest_of(pack).map_err(|e| {
            AppError::new(
                ErrorCode::InvalidInput,
                format!("not a Switchyard evidence pack: {e}"),
            )
        })?;
        let Some(head) = manifest.get("audit_head").filter(|h| !h.is_null()) else {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                "the evidence pack shows no signed audit head (written without the workspace key, or by an older Switchyard)",
            ));
        };
        let head: HeadEvidence = serde_json::from_value(head.clone()).map_err(|e| {
            AppError::new(
                ErrorCode::InvalidInput,
                format!("the evidence pack's audit head cannot be read: {e}"),
            )
        })?;
        let mut fail = |m: String| {
            v.errors.push(Finding {
                code: BROKEN,
                message: m,
            })
        };
        let message = head_message(&head.workspace_id, head.seq, &head.hash);
        if !verify_signature(&head.public_key, message.as_bytes(), &head.signature) {
            fail(format!(
                "the evidence pack's signature of the head at event {} does not verify",
                head.seq
            ));
        }
        if v.public_key.as_deref() != Some(head.public_key.as_str()) {
            fail(format!(
                "the workspace's audit public key ({}) is not the pack's ({})",
                v.key_fingerprint.as_deref().unwrap_or("none"),
                key_fingerprint(&head.public_key)
            ));
        }
        if v.workspace_id.as_deref() != Some(head.workspace_id.as_str()) {
            fail("the workspace's id is not the pack's".into());
        }
        let hash: Option<String> = self
            .store()
            .conn()
            .query_row(
                "SELECT hash FROM audit_events WHERE id = ?1",
                [head.seq],
                |r| r.get(0),
            )
            .ok();
        match hash {
            None => fail(format!(
                "the pack's head event {} is no longer in the log",
                head.seq
            )),
            Some(h) if h != head.hash => fail(format!(
                "event {} no longer has the hash the pack showed ({} now, {} in the pack): the log was rewritten since",
                head.seq,
                &h[..12.min(h.len())],
                &head.hash[..12.min(head.hash.len())]
            )),
            Some(_) => {}
        }
        v.ok = v.errors.is_empty();
        v.against = Some(head);
        Ok(v)
    }
}
