//! Ingested deployments and incidents into the workspace (`switchyard ingest`): upserts by
//! (source `import`, `ORIGIN:KEY`), so the same file ingested again updates the same rows.
//! A row that would change nothing is counted unchanged and not written.

use crate::codec::{ts, ts_opt};
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use switchyard_core::ingest::{import_key, IngestCounts, IngestDeployment, IngestIncident};

/// The ids of the services named `names` that the workspace has (exact names).
pub fn service_ids(conn: &Connection, names: &[&str]) -> Result<HashMap<String, i64>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM services WHERE name = ?1")?;
    let mut out = HashMap::new();
    for &n in names {
        if out.contains_key(n) {
            continue;
        }
        if let Some(id) = stmt.query_row([n], |r| r.get(0)).optional()? {
            out.insert(n.to_string(), id);
        }
    }
    Ok(out)
}

/// The id of service `name`, created (local, no team) when the workspace has none.
fn service(
    c: &Connection,
    known: &mut HashMap<String, i64>,
    counts: &mut IngestCounts,
    name: &str,
) -> Result<i64> {
    if let Some(&id) = known.get(name) {
        return Ok(id);
    }
    c.prepare_cached("INSERT INTO services (name) VALUES (?1)")?
        .execute([name])?;
    let id = c.last_insert_rowid();
    known.insert(name.to_string(), id);
    counts.services_created.push(name.to_string());
    Ok(id)
}

/// What a row does to the workspace.
enum Change {
    New,
    Updated(i64),
    Unchanged,
}

/// Writes `rows` of `origin` in `c` (the caller's transaction); `production` says whether an
/// environment is production. Unknown services are created.
pub fn ingest_deployments(
    c: &Connection,
    origin: &str,
    rows: &[IngestDeployment],
    production: &dyn Fn(&str) -> bool,
) -> Result<IngestCounts> {
    let mut counts = IngestCounts::default();
    let names: Vec<&str> = rows.iter().map(|r| r.service.as_str()).collect();
    let mut known = service_ids(c, &names)?;
    for d in rows {
        let sid = service(c, &mut known, &mut counts, &d.service)?;
        let key = import_key(origin, &d.key);
        let prod = production(&d.environment);
        let time = ts(&d.time);
        type Row = (
            i64,
            i64,
            String,
            bool,
            String,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            String,
            Option<String>,
        );
        let old: Option<Row> = c
            .prepare_cached(
                "SELECT id, service_id, environment, production, sha, git_ref, creator, outcome,
                        time, created_at, url
                   FROM deployments WHERE source = 'import' AND source_key = ?1",
            )?
            .query_row([&key], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            })
            .optional()?;
        let new_row = (
            sid,
            d.environment.clone(),
            prod,
            d.sha.clone(),
            d.git_ref.clone(),
            d.creator.clone(),
            d.outcome.as_str().to_string(),
            Some(time.clone()),
            time.clone(),
            d.url.clone(),
        );
        let change = match old {
            None => Change::New,
            Some((id, s, e, p, sha, gr, cr, o, t, ca, u)) => {
                if (s, e, p, sha, gr, cr, o, t, ca, u) == new_row {
                    Change::Unchanged
                } else {
                    Change::Updated(id)
                }
            }
        };
        match change {
            Change::Unchanged => counts.unchanged += 1,
            Change::New => {
                c.prepare_cached(
                    "INSERT INTO deployments (source, source_key, service_id, environment,
                        production, sha, git_ref, creator, outcome, time, created_at, url)
                     VALUES ('import', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
                )?
                .execute(params![
                    key,
                    sid,
                    d.environment,
                    prod,
                    d.sha,
                    d.git_ref,
                    d.creator,
                    d.outcome.as_str(),
                    time,
                    d.url
                ])?;
                counts.new += 1;
            }
            Change::Updated(id) => {
                c.prepare_cached(
                    "UPDATE deployments SET service_id = ?2, environment = ?3, production = ?4,
                        sha = ?5, git_ref = ?6, creator = ?7, outcome = ?8, time = ?9,
                        created_at = ?9, url = ?10
                     WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    sid,
                    d.environment,
                    prod,
                    d.sha,
                    d.git_ref,
                    d.creator,
                    d.outcome.as_str(),
                    time,
                    d.url
                ])?;
                counts.updated += 1;
            }
        }
    }
    Ok(counts)
}

/// Writes incident `rows` of `origin` in `c` (the caller's transaction). Unknown services
/// are created.
pub fn ingest_incidents(
    c: &Connection,
    origin: &str,
    rows: &[IngestIncident],
) -> Result<IngestCounts> {
    let mut counts = IngestCounts::default();
    let names: Vec<&str> = rows.iter().map(|r| r.service.as_str()).collect();
    let mut known = service_ids(c, &names)?;
    for i in rows {
        let sid = service(c, &mut known, &mut counts, &i.service)?;
        let key = import_key(origin, &i.key);
        type Row = (
            i64,
            Option<i64>,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
        );
        let old: Option<Row> = c
            .prepare_cached(
                "SELECT id, service_id, title, severity, created_at, resolved_at, url
                   FROM incidents WHERE source = 'import' AND source_key = ?1",
            )?
            .query_row([&key], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .optional()?;
        let created = ts(&i.created_at);
        let resolved = ts_opt(&i.resolved_at);
        let new_row = (
            Some(sid),
            i.title.clone(),
            i.severity.clone(),
            created.clone(),
            resolved.clone(),
            i.url.clone(),
        );
        let change = match old {
            None => Change::New,
            Some((id, s, t, sev, ca, ra, u)) => {
                if (s, t, sev, ca, ra, u) == new_row {
                    Change::Unchanged
                } else {
                    Change::Updated(id)
                }
            }
        };
        match change {
            Change::Unchanged => counts.unchanged += 1,
            Change::New => {
                c.prepare_cached(
                    "INSERT INTO incidents (source, source_key, service_id, title, severity,
                        created_at, resolved_at, url)
                     VALUES ('import', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    key, sid, i.title, i.severity, created, resolved, i.url
                ])?;
                counts.new += 1;
            }
            Change::Updated(id) => {
                c.prepare_cached(
                    "UPDATE incidents SET service_id = ?2, title = ?3, severity = ?4,
                        created_at = ?5, resolved_at = ?6, url = ?7
                     WHERE id = ?1",
                )?
                .execute(params![
                    id, sid, i.title, i.severity, created, resolved, i.url
                ])?;
                counts.updated += 1;
            }
        }
    }
    Ok(counts)
}
