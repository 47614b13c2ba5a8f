//! Syncs and connection changes in the audit log: one event per sync run (its scope, its
//! outcome and counts, and every release whose date or status it changed, before and
//! after), one per change of a connection's settings, one per token stored (the origin it
//! is kept for, never the token).

use crate::audit::audit;
use crate::{AppError, Clock, Result};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use switchyard_store::{release_states, ReleaseState, Store};

/// At most this many changed releases are listed by name in one event; the total is kept.
const LISTED: usize = 200;

/// The releases as a sync found them.
pub(crate) struct Before(Vec<ReleaseState>);

pub(crate) fn before(store: &Store) -> Result<Before> {
    Ok(Before(release_states(store.conn())?))
}

fn state(r: &ReleaseState) -> Value {
    json!({"date": r.release_date, "status": r.status})
}

/// What the run changed: releases added, and those whose date or status moved.
fn changes(before: &Before, after: &[ReleaseState]) -> Value {
    let old: HashMap<i64, &ReleaseState> = before.0.iter().map(|r| (r.id, r)).collect();
    let mut added = 0u64;
    let mut changed = Vec::new();
    for r in after {
        match old.get(&r.id) {
            None => added += 1,
            Some(o) if o.release_date != r.release_date || o.status != r.status => {
                changed.push(
                    json!({"id": r.id, "name": r.name, "before": state(o), "after": state(r)}),
                );
            }
            Some(_) => {}
        }
    }
    let total = changed.len();
    changed.truncate(LISTED);
    json!({"releases_added": added, "releases_changed_total": total, "releases_changed": changed})
}

/// Appends the event of one sync run of `source` (`jira`, `github`) over `scope`, ended
/// with `outcome`. It runs in its own transaction after the sync's own (which commit a page
/// at a time): a run that failed half-way is recorded with what it did write.
pub(crate) fn record_run<S: Serialize>(
    store: &Store,
    clock: &dyn Clock,
    source: &str,
    origin: &str,
    scope: &[String],
    before: &Before,
    outcome: std::result::Result<&S, &AppError>,
) -> Result<()> {
    let after = release_states(store.conn())?;
    let mut event = changes(before, &after);
    event["source"] = json!(source);
    event["origin"] = json!(origin);
    event["scope"] = json!(scope);
    match outcome {
        Ok(summary) => {
            event["outcome"] = json!("ok");
            event["summary"] = serde_json::to_value(summary).unwrap_or(Value::Null);
        }
        Err(e) => {
            event["outcome"] = json!(if e.code == crate::ErrorCode::Cancelled {
                "cancelled"
            } else {
                "failed"
            });
            event["error"] = json!({"code": e.code.as_str(), "message": e.message});
        }
    }
    let actor = crate::workspace::actor();
    store.transact(|tx| -> Result<()> {
        audit(
            tx,
            clock,
            &actor,
            "sync.run",
            "sync",
            Some(source.to_string()),
            None,
            Some(event),
        )?;
        Ok(())
    })
}

/// Runs `sync` on `store` between a look at the releases and the run's audit event; the
/// sync's own result is returned (an event that cannot be written after a good run is an
/// error: the run would otherwise go unrecorded).
pub(crate) fn audited<S: Serialize>(
    store: &mut Store,
    clock: &dyn Clock,
    source: &str,
    origin: &str,
    scope: &[String],
    sync: impl FnOnce(&mut Store) -> Result<S>,
) -> Result<S> {
    let seen = before(store)?;
    let result = sync(store);
    let recorded = record_run(store, clock, source, origin, scope, &seen, result.as_ref());
    match (result, recorded) {
        (Ok(_), Err(e)) => Err(e),
        (result, Err(e)) => {
            tracing::warn!(
                code = e.code.as_str(),
                "the sync run could not be recorded in the audit log"
            );
            result
        }
        (result, Ok(())) => result,
    }
}
