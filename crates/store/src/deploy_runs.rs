//! Deployments derived from workflow runs (`switchyard_core::deploy_runs`): kept as GitHub
//! deployments keyed `owner/name/runs/<id>` beside those of the Deployments API
//! (`owner/name/deployments/<id>`), derived again whenever the runs or the rules change.

use crate::codec::ts;
use crate::{Result, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};
use switchyard_core::deploy_runs::{derive, Rules, RunDeployment};
use switchyard_core::settings::Settings;
use switchyard_core::PipelineRun;

/// What deriving again changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rederived {
    /// Derived deployments there are now (in the scope derived).
    pub deployments: u64,
    /// Derived deployments removed (their run no longer matches a rule, or counts as none).
    pub removed: u64,
}

/// The SQL condition of a deployment derived from a run (`d` the deployments table).
pub const FROM_RUN: &str = "(source = 'github' AND source_key GLOB '*/*/runs/*')";

/// The workspace settings as `meta` holds them, read on `c` (inside a transaction).
pub fn settings_on(c: &Connection) -> Result<Settings> {
    let text: Option<String> = c
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([crate::SETTINGS_KEY], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(Settings::default()),
        Some(t) => serde_json::from_str(&t).map_err(|e| {
            StoreError::Invalid(format!("the stored workspace settings are not valid: {e}"))
        }),
    }
}

fn rules_of(settings: &Settings) -> Result<Rules> {
    Rules::new(&settings.deployment_workflows).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The GitHub workflow runs of one service (or all), with their earlier attempts.
fn runs(c: &Connection, service: Option<i64>) -> Result<Vec<PipelineRun>> {
    let sql = format!(
        "{} WHERE p.source = 'github' AND (?1 IS NULL OR p.service_id = ?1)",
        crate::rows::PIPELINE_RUN
    );
    crate::rows::all(c, &sql, [service], crate::rows::pipeline_run)
}

/// How many deployments are derived from runs, and how many GitHub workflow runs there are
/// (earlier attempts not counted).
pub fn counts(c: &Connection) -> Result<(u64, u64)> {
    let n = |sql: &str| -> Result<u64> {
        Ok(c.prepare_cached(sql)?
            .query_row([], |r| r.get::<_, i64>(0))? as u64)
    };
    Ok((
        n(&format!(
            "SELECT COUNT(*) FROM deployments WHERE {FROM_RUN}"
        ))?,
        n("SELECT COUNT(*) FROM pipeline_runs
            WHERE source = 'github' AND source_key NOT GLOB '*/runs/*/attempts/*'")?,
    ))
}

/// The deployments `settings`' rules make of the stored runs, without writing anything
/// (newest first).
pub fn preview(c: &Connection, settings: &Settings) -> Result<Vec<RunDeployment>> {
    let rules = rules_of(settings)?;
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = derive(&rules, &runs(c, None)?, |env| {
        settings.is_production(false, env)
    });
    out.sort_by(|a, b| b.time.cmp(&a.time).then(b.key.cmp(&a.key)));
    Ok(out)
}

/// Derives the deployments of one service's runs (or every service's) again under
/// `settings`, on `c` (call inside a transaction): new ones are written, changed ones
/// updated, those no rule makes any more removed. Deployments of the Deployments API are
/// never touched.
pub fn rederive(c: &Connection, settings: &Settings, service: Option<i64>) -> Result<Rederived> {
    let rules = rules_of(settings)?;
    let derived = if rules.is_empty() {
        Vec::new()
    } else {
        derive(&rules, &runs(c, service)?, |env| {
            settings.is_production(false, env)
        })
    };
    let mut ids: HashMap<String, i64> = HashMap::new();
    {
        let mut stmt = c.prepare_cached("SELECT id, name FROM services")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(0)?)))?;
        for r in rows {
            let (name, id) = r?;
            ids.insert(name, id);
        }
    }
    let keep: HashSet<&str> = derived.iter().map(|d| d.key.as_str()).collect();
    let existing: Vec<(i64, String)> = {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT id, source_key FROM deployments
              WHERE {FROM_RUN} AND (?1 IS NULL OR service_id = ?1)"
        ))?;
        let rows = stmt.query_map([service], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut removed = 0;
    for (id, key) in &existing {
        if !keep.contains(key.as_str()) {
            removed += c
                .prepare_cached("DELETE FROM deployments WHERE id = ?1")?
                .execute([id])? as u64;
        }
    }
    for d in &derived {
        let Some(service_id) = ids.get(&d.service) else {
            continue;
        };
        c.prepare_cached(
            "INSERT INTO deployments (source, source_key, service_id, environment, production,
                sha, git_ref, creator, outcome, time, created_at)
             VALUES ('github', ?1, ?2, ?3, ?4, ?5, NULL, NULL, ?6, ?7, ?8)
             ON CONFLICT (source, source_key) DO UPDATE SET
               service_id = excluded.service_id, environment = excluded.environment,
               production = excluded.production, sha = excluded.sha, outcome = excluded.outcome,
               time = excluded.time, created_at = excluded.created_at",
        )?
        .execute(params![
            d.key,
            service_id,
            d.environment,
            d.production,
            d.sha,
            d.outcome.as_str(),
            ts(&d.time),
            ts(&d.started),
        ])?;
    }
    Ok(Rederived {
        deployments: derived.len() as u64,
        removed,
    })
}
