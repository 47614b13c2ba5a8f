//! Jira records into the workspace: upserts by (source, source_key), one page and its
//! cursor in one transaction.

use super::{read_cursor, sink_err, transact, write_cursor};
use crate::codec::{date_opt, get_ts, json, ts, ts_opt};
use crate::Store;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use switchyard_core::synced::jira::{JiraIssue, JiraIssuePage, JiraRelease, JiraSink};
use switchyard_core::synced::{Cursor, SinkError};
use switchyard_core::ReleaseStatus;
use switchyard_core::Timestamp;

/// Ids looked up during one transaction, so a page costs few queries.
#[derive(Default)]
struct Cache {
    services: HashMap<String, i64>,
    releases: HashMap<String, i64>,
}

impl JiraSink for Store {
    fn jira_cursor(&mut self, scope: &str) -> Result<Option<String>, SinkError> {
        Ok(read_cursor(self, "jira", scope)?)
    }

    fn jira_updated_at(&mut self, key: &str) -> Result<Option<Timestamp>, SinkError> {
        self.conn()
            .prepare_cached(
                "SELECT updated_at FROM work_items WHERE source = 'jira' AND source_key = ?1",
            )
            .and_then(|mut s| s.query_row([key], |r| get_ts(r, 0)).optional())
            .map_err(sink_err)
    }

    fn commit_jira_versions(
        &mut self,
        releases: &[JiraRelease],
        cursor: &Cursor,
    ) -> Result<(), SinkError> {
        transact(self, |c| {
            let mut cache = Cache::default();
            for r in releases {
                upsert_release(c, &mut cache, r)?;
            }
            write_cursor(c, "jira", cursor)
        })
    }

    fn commit_jira_issues(&mut self, page: &JiraIssuePage) -> Result<u64, SinkError> {
        transact(self, |c| {
            let mut cache = Cache::default();
            let mut ids = Vec::with_capacity(page.issues.len());
            for issue in &page.issues {
                ids.push(upsert_issue(c, &mut cache, &page.run, issue)?);
            }
            for (id, issue) in ids.into_iter().zip(&page.issues) {
                write_links(c, id, issue)?;
            }
            let vanished = if page.mark_vanished {
                mark_vanished(c, &page.project, &page.run, &page.cursor.at)? as u64
            } else {
                0
            };
            write_cursor(c, "jira", &page.cursor)?;
            Ok(vanished)
        })
    }
}

/// The service of that name, created (source jira) when missing.
fn service_id(conn: &Connection, cache: &mut Cache, name: &str) -> rusqlite::Result<i64> {
    if let Some(id) = cache.services.get(name) {
        return Ok(*id);
    }
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM services WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    let id = match found {
        Some(id) => id,
        None => conn
            .prepare_cached(
                "INSERT INTO services (name, source, source_key) VALUES (?1, 'jira', ?1)
                 ON CONFLICT (source, source_key) DO UPDATE SET name = services.name
                 RETURNING id",
            )?
            .query_row([name], |r| r.get(0))?,
    };
    cache.services.insert(name.to_owned(), id);
    Ok(id)
}

/// Upserts a release by its source key; `planned_date` is set once, as the baseline.
fn upsert_release(conn: &Connection, cache: &mut Cache, r: &JiraRelease) -> rusqlite::Result<i64> {
    let status = if r.released {
        ReleaseStatus::Released
    } else {
        ReleaseStatus::Planned
    };
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO releases (name, version, status, start_date, planned_date, release_date,
                                   released, archived, description, source, source_key)
             VALUES (?1, ?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, 'jira', ?8)
             ON CONFLICT (source, source_key) DO UPDATE SET
                name = excluded.name, version = excluded.version,
                status = CASE WHEN releases.status = ?9 AND NOT excluded.released
                              THEN ?9 ELSE excluded.status END,
                start_date = excluded.start_date,
                planned_date = coalesce(releases.planned_date, excluded.release_date),
                release_date = excluded.release_date, released = excluded.released,
                archived = excluded.archived, description = excluded.description
             RETURNING id",
        )?
        .query_row(
            params![
                r.name,
                status.as_str(),
                date_opt(&r.start_date),
                date_opt(&r.release_date),
                r.released,
                r.archived,
                r.description,
                r.source_key,
                ReleaseStatus::Cancelled.as_str()
            ],
            |row| row.get(0),
        )?;
    cache.releases.insert(r.source_key.clone(), id);
    Ok(id)
}

/// The release of a fixVersion: the one the version listing wrote, else a new one.
fn release_for(conn: &Connection, cache: &mut Cache, r: &JiraRelease) -> rusqlite::Result<i64> {
    if let Some(id) = cache.releases.get(&r.source_key) {
        return Ok(*id);
    }
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM releases WHERE source = 'jira' AND source_key = ?1")?
        .query_row([&r.source_key], |row| row.get(0))
        .optional()?;
    match found {
        Some(id) => {
            cache.releases.insert(r.source_key.clone(), id);
            Ok(id)
        }
        None => upsert_release(conn, cache, r),
    }
}

fn upsert_issue(
    conn: &Connection,
    cache: &mut Cache,
    run: &str,
    it: &JiraIssue,
) -> rusqlite::Result<i64> {
    let service = service_id(conn, cache, &it.service)?;
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO work_items (source, source_key, title, kind, status, status_category,
                                     priority, service_id, labels, author, assignee, url,
                                     created_at, updated_at, resolved_at)
             VALUES ('jira', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (source, source_key) DO UPDATE SET
                title = excluded.title, kind = excluded.kind, status = excluded.status,
                status_category = excluded.status_category, priority = excluded.priority,
                service_id = excluded.service_id, labels = excluded.labels,
                author = excluded.author, assignee = excluded.assignee, url = excluded.url,
                created_at = excluded.created_at, updated_at = excluded.updated_at,
                resolved_at = excluded.resolved_at
             RETURNING id",
        )?
        .query_row(
            params![
                it.key,
                it.title,
                it.kind,
                it.status,
                it.status_category.as_str(),
                it.priority,
                service,
                json(&it.labels),
                it.author,
                it.assignee,
                it.url,
                ts(&it.created_at),
                ts(&it.updated_at),
                ts_opt(&it.resolved_at),
            ],
            |r| r.get(0),
        )?;

    conn.prepare_cached(
        "INSERT INTO jira_issues (work_item_id, issue_id, project, description, last_seen_run)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (work_item_id) DO UPDATE SET issue_id = excluded.issue_id,
            project = excluded.project, description = excluded.description,
            last_seen_run = excluded.last_seen_run, vanished_at = NULL",
    )?
    .execute(params![id, it.issue_id, it.project, it.description, run])?;

    conn.prepare_cached("DELETE FROM work_item_releases WHERE work_item_id = ?1")?
        .execute([id])?;
    for r in &it.releases {
        let rid = release_for(conn, cache, r)?;
        conn.prepare_cached(
            "INSERT OR IGNORE INTO work_item_releases (work_item_id, release_id) VALUES (?1, ?2)",
        )?
        .execute([id, rid])?;
        conn.prepare_cached(
            "INSERT OR IGNORE INTO release_services (release_id, service_id) VALUES (?1, ?2)",
        )?
        .execute([rid, service])?;
    }

    if let Some(transitions) = &it.transitions {
        conn.prepare_cached("DELETE FROM work_item_transitions WHERE work_item_id = ?1")?
            .execute([id])?;
        for t in transitions {
            conn.prepare_cached(
                "INSERT INTO work_item_transitions (work_item_id, at, from_status, to_status, actor, source_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![id, ts(&t.at), t.from, t.to, t.actor, t.history_id])?;
        }
    }

    if it.incident {
        conn.prepare_cached(
            "INSERT INTO incidents (source, source_key, service_id, title, severity, created_at, resolved_at, url)
             VALUES ('jira', ?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (source, source_key) DO UPDATE SET service_id = excluded.service_id,
                title = excluded.title, severity = excluded.severity,
                created_at = excluded.created_at, resolved_at = excluded.resolved_at,
                url = excluded.url",
        )?
        .execute(params![
            it.key,
            service,
            it.title,
            it.priority,
            ts(&it.created_at),
            ts_opt(&it.resolved_at),
            it.url
        ])?;
    } else {
        conn.prepare_cached("DELETE FROM incidents WHERE source = 'jira' AND source_key = ?1")?
            .execute([&it.key])?;
    }

    Ok(id)
}

/// Links of the issue `id` (as the blocking end) that Jira no longer lists.
pub(crate) const DELETE_LINKS_AS_BLOCKER: &str =
    "DELETE FROM dependencies WHERE kind = 'work_item' AND blocker_id = ?1 AND source = 'jira'
        AND source_key NOT IN (SELECT value FROM json_each(?2))";

/// Links of the issue `id` (as the blocked end) that Jira no longer lists.
pub(crate) const DELETE_LINKS_AS_BLOCKED: &str =
    "DELETE FROM dependencies WHERE kind = 'work_item' AND blocked_id = ?1 AND source = 'jira'
        AND source_key NOT IN (SELECT value FROM json_each(?2))";

/// Blocking links of the issue `id` (after the whole page is written, so links within the
/// page find both ends). Both ends must be synced; the other end's page writes it otherwise.
fn write_links(conn: &Connection, id: i64, it: &JiraIssue) -> rusqlite::Result<()> {
    let link_ids = json(
        &it.links
            .iter()
            .map(|l| l.link_id.as_str())
            .collect::<Vec<_>>(),
    );
    // Two statements, not one with `blocker_id = ?1 OR blocked_id = ?1`: each uses its
    // index for the whole predicate, where the OR walked every work-item dependency.
    for sql in [DELETE_LINKS_AS_BLOCKER, DELETE_LINKS_AS_BLOCKED] {
        conn.prepare_cached(sql)?.execute(params![id, link_ids])?;
    }
    for l in &it.links {
        let end = |key: &str| -> rusqlite::Result<Option<i64>> {
            if key == it.key {
                return Ok(Some(id));
            }
            conn.prepare_cached(
                "SELECT id FROM work_items WHERE source = 'jira' AND source_key = ?1",
            )?
            .query_row([key], |r| r.get(0))
            .optional()
        };
        let (Some(blocker), Some(blocked)) = (end(&l.blocker)?, end(&l.blocked)?) else {
            continue;
        };
        if blocker == blocked {
            continue;
        }
        conn.prepare_cached(
            "INSERT INTO dependencies (kind, blocker_id, blocked_id, note, source, source_key)
             VALUES ('work_item', ?1, ?2, '', 'jira', ?3)
             ON CONFLICT (source, source_key) DO UPDATE SET
                blocker_id = excluded.blocker_id, blocked_id = excluded.blocked_id
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![blocker, blocked, l.link_id])?;
    }
    Ok(())
}

/// Marks the issues of `project` that run `run` did not see as gone from Jira.
fn mark_vanished(
    conn: &Connection,
    project: &str,
    run: &str,
    now: &Timestamp,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE jira_issues SET vanished_at = ?3
          WHERE project = ?1 AND last_seen_run <> ?2 AND vanished_at IS NULL",
    )?
    .execute(params![project, run, ts(now)])
}
