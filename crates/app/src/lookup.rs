//! Finding what a person names: one resolver for releases (every command that takes a
//! `RELEASE` comes here, so a name finds the same release everywhere) and the shared
//! not-found / ambiguous answers.

use crate::{AppError, ErrorCode, Result};
use switchyard_core::Id;
use switchyard_store::governance::Conn;

/// The one match in `found`, else `not_found`, else `ambiguous` listing the candidates.
pub(crate) fn one(kind: &str, text: &str, found: Vec<(Id, String)>) -> Result<(Id, String)> {
    match found.len() {
        0 => Err(AppError::new(
            ErrorCode::NotFound,
            format!("no {kind} is called {text:?}"),
        )),
        1 => Ok(found.into_iter().next().unwrap_or_default()),
        _ => Err(AppError::new(
            ErrorCode::Ambiguous,
            format!(
                "{text:?} names {} {kind}s: {}; use an id",
                found.len(),
                found
                    .iter()
                    .map(|(id, name)| format!("{id} ({name})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The release `key` names: an id, a name, a version or a source key, exactly or ignoring
/// case ([`switchyard_store::lookup::find_releases`]).
pub fn resolve_release(conn: &Conn, key: &str) -> Result<(Id, String)> {
    one(
        "release",
        key,
        switchyard_store::lookup::find_releases(conn, key)?,
    )
}
