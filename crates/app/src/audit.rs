//! The one way a use case writes the audit log: who, when (the use case's clock), what was
//! done to which record, and the record before and after, in the change's own transaction.

use crate::Clock;
use serde_json::Value;
use switchyard_core::Id;
use switchyard_store::governance::Conn;
use switchyard_store::{append_audit, AuditEntry};

/// How a record is named in the log: a numeric id, or a key when it has one.
pub(crate) trait EntityId {
    fn entity_id(self) -> Option<String>;
}

impl EntityId for Id {
    fn entity_id(self) -> Option<String> {
        Some(self.to_string())
    }
}

impl EntityId for Option<String> {
    fn entity_id(self) -> Option<String> {
        self
    }
}

/// Appends one event to the hash-chained log.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit(
    conn: &Conn,
    clock: &dyn Clock,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: impl EntityId,
    before: Option<Value>,
    after: Option<Value>,
) -> switchyard_store::Result<()> {
    let id = entity_id.entity_id();
    append_audit(
        conn,
        &AuditEntry {
            at: clock.now(),
            actor,
            action,
            entity,
            entity_id: id.as_deref(),
            before,
            after,
        },
    )?;
    Ok(())
}
