//! Segregation of duties: who wrote and who deployed a release's changes.

use super::*;

/// Authors of the pull requests linked to the release, and the creators of its deployments.
pub fn authors_and_deployers(conn: &Connection, release: Id) -> Result<(Vec<String>, Vec<String>)> {
    let authors = all(
        conn,
        "SELECT DISTINCT w.author FROM work_items w
           JOIN work_item_releases wr ON wr.work_item_id = w.id
          WHERE wr.release_id = ?1 AND w.kind = 'pull_request' AND w.author IS NOT NULL
          ORDER BY 1",
        [release],
        |r| r.get(0),
    )?;
    let deployers = all(
        conn,
        "SELECT DISTINCT creator FROM deployments WHERE release_id = ?1 AND creator IS NOT NULL ORDER BY 1",
        [release],
        |r| r.get(0),
    )?;
    Ok((authors, deployers))
}
