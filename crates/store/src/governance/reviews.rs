//! Post-release reviews and action items.

use super::*;

pub fn reviews(conn: &Connection, release: Option<Id>) -> Result<Vec<Review>> {
    let mut items = group(all(
        conn,
        "SELECT review_id, id, title, owner, due_date, status, updated_at FROM review_action_items
          ORDER BY review_id, id",
        [],
        |r| {
            Ok((
                r.get(0)?,
                ActionItem {
                    id: r.get(1)?,
                    title: r.get(2)?,
                    owner: r.get(3)?,
                    due_date: get_date_opt(r, 4)?,
                    status: get_word(r, 5)?,
                    updated_at: get_ts(r, 6)?,
                },
            ))
        },
    )?);
    all(
        conn,
        "SELECT id, release_id, due_date, status, summary, held_at, created_at, created_by
           FROM reviews WHERE ?1 IS NULL OR release_id = ?1 ORDER BY id",
        [release],
        |r| {
            let id: Id = r.get(0)?;
            Ok(Review {
                id,
                release_id: r.get(1)?,
                due_date: get_date(r, 2)?,
                status: get_word(r, 3)?,
                summary: r.get(4)?,
                held_at: get_ts_opt(r, 5)?,
                created_at: get_ts(r, 6)?,
                created_by: r.get(7)?,
                action_items: items.remove(&id).unwrap_or_default(),
            })
        },
    )
}

pub fn insert_review(
    conn: &Connection,
    release: Id,
    due: NaiveDate,
    at: Timestamp,
    by: &str,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO reviews (release_id, due_date, status, created_at, created_by)
         VALUES (?1, ?2, ?5, ?3, ?4)",
    )?
    .execute(params![
        release,
        date(&due),
        ts(&at),
        by,
        ReviewStatus::Scheduled.as_str()
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn complete_review(conn: &Connection, review: Id, summary: &str, at: Timestamp) -> Result<()> {
    conn.prepare_cached(
        "UPDATE reviews SET status = ?4, summary = ?2, held_at = ?3 WHERE id = ?1",
    )?
    .execute(params![
        review,
        summary,
        ts(&at),
        ReviewStatus::Done.as_str()
    ])?;
    Ok(())
}

pub(super) fn insert_action_item_with_id(
    conn: &Connection,
    review: Id,
    a: &ActionItem,
) -> rusqlite::Result<Id> {
    let id: Option<Id> = (a.id > 0).then_some(a.id);
    conn.prepare_cached(
        "INSERT INTO review_action_items (id, review_id, title, owner, due_date, status, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        review,
        a.title,
        a.owner,
        date_opt(&a.due_date),
        a.status.as_str(),
        ts(&a.updated_at)
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Adds an action item (`id` 0 picks a fresh id); returns its id.
pub fn insert_action_item(conn: &Connection, review: Id, a: &ActionItem) -> Result<Id> {
    Ok(insert_action_item_with_id(conn, review, a)?)
}

pub fn set_action_item_status(
    conn: &Connection,
    item: Id,
    status: ActionStatus,
    at: Timestamp,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE review_action_items SET status = ?2, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![item, status.as_str(), ts(&at)])?;
    Ok(())
}
