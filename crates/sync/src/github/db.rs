//! GitHub records into the workspace: upserts by (source, source_key), never duplicates;
//! columns a person may edit locally (train, planned date, release type, links) are left
//! alone on update. Every statement is prepared once per connection (`prepare_cached`).

use super::payload::Ts;
use chrono::SecondsFormat;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

pub type Db = rusqlite::Result<()>;

fn ts(t: &Ts) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn ts_opt(t: &Option<Ts>) -> Option<String> {
    t.as_ref().map(ts)
}

/// The service named `owner/name`: the existing one of that name (local or synced), else a
/// new GitHub service.
pub fn ensure_service(c: &Connection, name: &str) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "INSERT INTO services (name, source, source_key) VALUES (?1, 'github', ?1)
         ON CONFLICT DO NOTHING",
    )?
    .execute([name])?;
    c.prepare_cached("SELECT id FROM services WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
}

pub fn cursor(c: &Connection, scope: &str) -> rusqlite::Result<Option<Value>> {
    let text: Option<String> = c
        .prepare_cached("SELECT cursor FROM sync_state WHERE source = 'github' AND scope = ?1")?
        .query_row([scope], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

pub fn set_cursor(c: &Connection, scope: &str, cursor: &Value, now: &Ts) -> Db {
    c.prepare_cached(
        "INSERT INTO sync_state (source, scope, cursor, updated_at) VALUES ('github', ?1, ?2, ?3)
         ON CONFLICT (source, scope) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
    )?
    .execute(params![scope, cursor.to_string(), ts(now)])?;
    Ok(())
}

pub struct ReleaseRow<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub version: &'a str,
    pub status: &'static str,
    pub released: bool,
    pub release_date: Option<String>,
    pub description: &'a str,
}

/// Returns whether the release was new.
pub fn upsert_release(c: &Connection, service: i64, r: &ReleaseRow) -> rusqlite::Result<bool> {
    let existed = exists(c, "releases", r.key)?;
    let id: i64 = c
        .prepare_cached(
            "INSERT INTO releases (name, version, status, release_date, released, description, source, source_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'github', ?7)
             ON CONFLICT (source, source_key) DO UPDATE SET
               name = excluded.name, version = excluded.version, status = excluded.status,
               release_date = excluded.release_date, released = excluded.released,
               description = excluded.description
             RETURNING id",
        )?
        .query_row(
            params![r.name, r.version, r.status, r.release_date, r.released, r.description, r.key],
            |row| row.get(0),
        )?;
    link_release(c, id, service)?;
    Ok(!existed)
}

/// A release for a tag that has none; an existing release of that key is left as it is.
/// Returns whether it was new.
pub fn insert_tag_release(
    c: &Connection,
    service: i64,
    key: &str,
    tag: &str,
) -> rusqlite::Result<bool> {
    let id: Option<i64> = c
        .prepare_cached(
            "INSERT INTO releases (name, version, status, released, description, source, source_key)
             VALUES (?1, ?1, 'released', 1, 'git tag without a GitHub release', 'github', ?2)
             ON CONFLICT (source, source_key) DO NOTHING RETURNING id",
        )?
        .query_row(params![tag, key], |row| row.get(0))
        .optional()?;
    match id {
        Some(id) => {
            link_release(c, id, service)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

fn link_release(c: &Connection, release: i64, service: i64) -> Db {
    c.prepare_cached(
        "INSERT INTO release_services (release_id, service_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?
    .execute(params![release, service])?;
    Ok(())
}

/// Whether `table` holds a GitHub record with this key. `table` is one of a fixed list.
pub fn exists(c: &Connection, table: &str, key: &str) -> rusqlite::Result<bool> {
    let sql = match table {
        "releases" => "SELECT 1 FROM releases WHERE source = 'github' AND source_key = ?1",
        "deployments" => "SELECT 1 FROM deployments WHERE source = 'github' AND source_key = ?1",
        "pipeline_runs" => {
            "SELECT 1 FROM pipeline_runs WHERE source = 'github' AND source_key = ?1"
        }
        "work_items" => "SELECT 1 FROM work_items WHERE source = 'github' AND source_key = ?1",
        _ => return Ok(false),
    };
    Ok(c.prepare_cached(sql)?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

pub struct PullRow<'a> {
    pub key: &'a str,
    pub title: &'a str,
    pub status: &'static str,
    pub status_category: &'static str,
    pub labels: String,
    pub author: Option<&'a str>,
    pub assignee: Option<&'a str>,
    pub url: Option<&'a str>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub resolved_at: Option<Ts>,
    pub merged_at: Option<Ts>,
    pub first_commit_at: Option<Ts>,
    pub base_branch: Option<&'a str>,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
    pub changed_files: Option<i64>,
}

pub fn upsert_pull(c: &Connection, service: i64, p: &PullRow) -> Db {
    c.prepare_cached(
        "INSERT INTO work_items (source, source_key, title, kind, status, status_category, service_id,
            labels, author, assignee, url, created_at, updated_at, resolved_at, merged_at,
            first_commit_at, base_branch, additions, deletions, changed_files)
         VALUES ('github', ?1, ?2, 'pull_request', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT (source, source_key) DO UPDATE SET
           title = excluded.title, kind = excluded.kind, status = excluded.status,
           status_category = excluded.status_category, service_id = excluded.service_id,
           labels = excluded.labels, author = excluded.author, assignee = excluded.assignee,
           url = excluded.url, created_at = excluded.created_at, updated_at = excluded.updated_at,
           resolved_at = excluded.resolved_at, merged_at = excluded.merged_at,
           first_commit_at = coalesce(excluded.first_commit_at, work_items.first_commit_at),
           base_branch = excluded.base_branch,
           additions = coalesce(excluded.additions, work_items.additions),
           deletions = coalesce(excluded.deletions, work_items.deletions),
           changed_files = coalesce(excluded.changed_files, work_items.changed_files)",
    )?
    .execute(params![
        p.key,
        p.title,
        p.status,
        p.status_category,
        service,
        p.labels,
        p.author,
        p.assignee,
        p.url,
        ts(&p.created_at),
        ts(&p.updated_at),
        ts_opt(&p.resolved_at),
        ts_opt(&p.merged_at),
        ts_opt(&p.first_commit_at),
        p.base_branch,
        p.additions,
        p.deletions,
        p.changed_files,
    ])?;
    Ok(())
}

pub struct IncidentRow<'a> {
    pub key: &'a str,
    pub title: &'a str,
    pub severity: Option<&'a str>,
    pub created_at: Ts,
    pub resolved_at: Option<Ts>,
    pub url: Option<&'a str>,
}

pub fn upsert_incident(c: &Connection, service: i64, i: &IncidentRow) -> Db {
    c.prepare_cached(
        "INSERT INTO incidents (source, source_key, service_id, title, severity, created_at, resolved_at, url)
         VALUES ('github', ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (source, source_key) DO UPDATE SET
           service_id = excluded.service_id, title = excluded.title, severity = excluded.severity,
           created_at = excluded.created_at, resolved_at = excluded.resolved_at, url = excluded.url",
    )?
    .execute(params![
        i.key,
        service,
        i.title,
        i.severity,
        ts(&i.created_at),
        ts_opt(&i.resolved_at),
        i.url
    ])?;
    Ok(())
}

pub struct DeploymentRow<'a> {
    pub key: &'a str,
    pub environment: &'a str,
    pub production: bool,
    pub sha: &'a str,
    pub git_ref: Option<&'a str>,
    pub creator: Option<&'a str>,
    pub outcome: &'static str,
    pub time: Option<Ts>,
    pub created_at: Ts,
}

pub fn upsert_deployment(c: &Connection, service: i64, d: &DeploymentRow) -> Db {
    c.prepare_cached(
        "INSERT INTO deployments (source, source_key, service_id, environment, production, sha,
            git_ref, creator, outcome, time, created_at)
         VALUES ('github', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (source, source_key) DO UPDATE SET
           service_id = excluded.service_id, environment = excluded.environment,
           production = excluded.production, sha = excluded.sha, git_ref = excluded.git_ref,
           creator = excluded.creator, outcome = excluded.outcome, time = excluded.time,
           created_at = excluded.created_at",
    )?
    .execute(params![
        d.key,
        service,
        d.environment,
        d.production,
        d.sha,
        d.git_ref,
        d.creator,
        d.outcome,
        ts_opt(&d.time),
        ts(&d.created_at)
    ])?;
    Ok(())
}

/// Source keys of this service's GitHub deployments whose outcome is still pending.
pub fn pending_deployments(c: &Connection, service: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = c.prepare_cached(
        "SELECT source_key FROM deployments
          WHERE service_id = ?1 AND outcome = 'pending' AND source = 'github' ORDER BY id",
    )?;
    let rows = stmt.query_map([service], |r| r.get(0))?;
    rows.collect()
}

pub struct RunRow<'a> {
    pub key: &'a str,
    pub workflow: &'a str,
    pub head_sha: &'a str,
    pub event: &'a str,
    pub status: &'a str,
    pub conclusion: Option<&'a str>,
    pub attempt: i64,
    pub started_at: Ts,
    pub finished_at: Option<Ts>,
}

pub fn upsert_run(c: &Connection, service: i64, r: &RunRow) -> Db {
    c.prepare_cached(
        "INSERT INTO pipeline_runs (source, source_key, service_id, workflow, head_sha, event,
            status, conclusion, attempt, started_at, finished_at)
         VALUES ('github', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (source, source_key) DO UPDATE SET
           service_id = excluded.service_id, workflow = excluded.workflow,
           head_sha = excluded.head_sha, event = excluded.event, status = excluded.status,
           conclusion = excluded.conclusion, attempt = excluded.attempt,
           started_at = excluded.started_at, finished_at = excluded.finished_at",
    )?
    .execute(params![
        r.key,
        service,
        r.workflow,
        r.head_sha,
        r.event,
        r.status,
        r.conclusion,
        r.attempt,
        ts(&r.started_at),
        ts_opt(&r.finished_at)
    ])?;
    Ok(())
}

pub fn set_deployment_outcome(c: &Connection, key: &str, outcome: &str, time: Option<Ts>) -> Db {
    c.prepare_cached(
        "UPDATE deployments SET outcome = ?2, time = ?3 WHERE source = 'github' AND source_key = ?1",
    )?
    .execute(params![key, outcome, ts_opt(&time)])?;
    Ok(())
}
