//! GitHub records into the workspace: upserts by (source, source_key), never duplicates;
//! columns a person may edit locally (train, planned date, release type, links) are left
//! alone on update. Every statement is prepared once per connection (`prepare_cached`).

use super::{read_cursor, sink_err, transact, write_cursor};
use crate::codec::{date_opt, json, ts, ts_opt};
use crate::Store;
use rusqlite::{params, Connection, OptionalExtension};
use switchyard_core::synced::github::{
    DeploymentOutcome, GithubDeployment, GithubIncident, GithubKind, GithubPage, GithubPull,
    GithubRecords, GithubRelease, GithubRun, GithubSink, ServiceId,
};
use switchyard_core::synced::SinkError;
use switchyard_core::{Outcome, ReleaseStatus};

type Db = rusqlite::Result<()>;

impl GithubSink for Store {
    fn github_cursor(&mut self, scope: &str) -> Result<Option<String>, SinkError> {
        Ok(read_cursor(self, "github", scope)?)
    }

    fn github_service(&mut self, repo: &str) -> Result<ServiceId, SinkError> {
        transact(self, |c| {
            c.prepare_cached(
                "INSERT INTO services (name, source, source_key) VALUES (?1, 'github', ?1)
                 ON CONFLICT DO NOTHING",
            )?
            .execute([repo])?;
            c.prepare_cached("SELECT id FROM services WHERE name = ?1")?
                .query_row([repo], |r| r.get(0))
        })
    }

    fn github_unknown(&mut self, kind: GithubKind, keys: &[String]) -> Result<usize, SinkError> {
        let mut n = 0;
        for k in keys {
            if !exists(self.conn(), kind, k).map_err(sink_err)? {
                n += 1;
            }
        }
        Ok(n)
    }

    fn commit_github_page(&mut self, page: &GithubPage) -> Result<u64, SinkError> {
        let service = page.service;
        let write = |c: &Connection| -> crate::Result<u64> {
            let n = match &page.records {
                GithubRecords::Releases(rs) => {
                    let mut new = 0;
                    for r in rs {
                        new += u64::from(upsert_release(c, service, r)?);
                    }
                    new
                }
                GithubRecords::Tags(tags) => {
                    let mut new = 0;
                    for t in tags {
                        new += u64::from(insert_tag_release(c, service, &t.key, &t.tag)?);
                    }
                    new
                }
                GithubRecords::Pulls(ps) => {
                    for p in ps {
                        upsert_pull(c, service, p)?;
                    }
                    ps.len() as u64
                }
                GithubRecords::Incidents(is) => {
                    for i in is {
                        upsert_incident(c, service, i)?;
                    }
                    is.len() as u64
                }
                GithubRecords::Deployments(ds) => {
                    for d in ds {
                        upsert_deployment(c, service, d)?;
                    }
                    ds.len() as u64
                }
                GithubRecords::Runs(rs) => {
                    for r in rs {
                        upsert_run(c, service, r)?;
                    }
                    // The deploy workflows' runs are deployments (deployment_workflows):
                    // derived again with the runs, in the same transaction.
                    let settings = crate::deploy_runs::settings_on(c)?;
                    if !settings.deployment_workflows.is_empty() {
                        crate::deploy_runs::rederive(c, &settings, Some(service))?;
                    }
                    rs.len() as u64
                }
            };
            write_cursor(c, "github", &page.cursor)?;
            Ok(n)
        };
        self.transact(|tx| write(tx)).map_err(SinkError::from)
    }

    fn github_pending_deployments(&mut self, service: ServiceId) -> Result<Vec<String>, SinkError> {
        (|| -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn().prepare_cached(
                "SELECT source_key FROM deployments
                  WHERE service_id = ?1 AND outcome = ?2 AND source = 'github' ORDER BY id",
            )?;
            let rows = stmt.query_map(params![service, Outcome::Pending.as_str()], |r| r.get(0))?;
            rows.collect()
        })()
        .map_err(sink_err)
    }

    fn set_github_deployment_outcomes(
        &mut self,
        outcomes: &[DeploymentOutcome],
    ) -> Result<(), SinkError> {
        transact(self, |c| {
            for o in outcomes {
                c.prepare_cached(
                    "UPDATE deployments SET outcome = ?2, time = ?3 WHERE source = 'github' AND source_key = ?1",
                )?
                .execute(params![o.key, o.outcome.as_str(), ts_opt(&o.time)])?;
            }
            Ok(())
        })
    }
}

/// Whether the workspace holds a GitHub record of `kind` with this key.
fn exists(c: &Connection, kind: GithubKind, key: &str) -> rusqlite::Result<bool> {
    let sql = match kind {
        GithubKind::Release => "SELECT 1 FROM releases WHERE source = 'github' AND source_key = ?1",
        GithubKind::PipelineRun => {
            "SELECT 1 FROM pipeline_runs WHERE source = 'github' AND source_key = ?1"
        }
    };
    Ok(c.prepare_cached(sql)?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Returns whether the release was new.
fn upsert_release(c: &Connection, service: i64, r: &GithubRelease) -> rusqlite::Result<bool> {
    let existed = exists(c, GithubKind::Release, &r.key)?;
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
            params![
                r.name,
                r.version,
                r.status.as_str(),
                date_opt(&r.release_date),
                r.released,
                r.description,
                r.key
            ],
            |row| row.get(0),
        )?;
    link_release(c, id, service)?;
    Ok(!existed)
}

/// A release for a tag that has none; an existing release of that key is left as it is.
/// Returns whether it was new.
fn insert_tag_release(
    c: &Connection,
    service: i64,
    key: &str,
    tag: &str,
) -> rusqlite::Result<bool> {
    let id: Option<i64> = c
        .prepare_cached(
            "INSERT INTO releases (name, version, status, released, description, source, source_key)
             VALUES (?1, ?1, ?3, 1, 'git tag without a GitHub release', 'github', ?2)
             ON CONFLICT (source, source_key) DO NOTHING RETURNING id",
        )?
        .query_row(params![tag, key, ReleaseStatus::Released.as_str()], |row| row.get(0))
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

fn upsert_pull(c: &Connection, service: i64, p: &GithubPull) -> Db {
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
        p.status_category.as_str(),
        service,
        json(&p.labels),
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

fn upsert_incident(c: &Connection, service: i64, i: &GithubIncident) -> Db {
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

fn upsert_deployment(c: &Connection, service: i64, d: &GithubDeployment) -> Db {
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
        d.outcome.as_str(),
        ts_opt(&d.time),
        ts(&d.created_at)
    ])?;
    Ok(())
}

fn upsert_run(c: &Connection, service: i64, r: &GithubRun) -> Db {
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
