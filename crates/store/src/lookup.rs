//! The one way a release is found from what a person types: the CLI's `RELEASE`
//! arguments, the window, plan, governance, reports and DORA drill-downs all come here.

use crate::rows::all;
use crate::Result;
use rusqlite::Connection;
use switchyard_core::Id;

/// Releases that `key` names, `(id, name)` by id, trying in turn:
/// 1. an id (`412`);
/// 2. an exact name, version or source key (`Web 26.50`, `26.50`, `WEB-10042`);
/// 3. the same ignoring ASCII case (`web 26.50`).
///
/// The first step that finds anything answers; several answers mean the key is ambiguous.
pub fn find_releases(conn: &Connection, key: &str) -> Result<Vec<(Id, String)>> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(Vec::new());
    }
    if let Ok(id) = key.parse::<Id>() {
        let by_id = all(
            conn,
            "SELECT id, name FROM releases WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if !by_id.is_empty() {
            return Ok(by_id);
        }
    }
    let exact = all(
        conn,
        "SELECT id, name FROM releases
          WHERE name = ?1 OR version = ?1 OR source_key = ?1 ORDER BY id",
        [key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if !exact.is_empty() {
        return Ok(exact);
    }
    all(
        conn,
        "SELECT id, name FROM releases
          WHERE name = ?1 COLLATE NOCASE OR version = ?1 COLLATE NOCASE
             OR source_key = ?1 COLLATE NOCASE
          ORDER BY id",
        [key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
