//! Loads a `Document` into an empty workspace in one transaction: any bad reference or
//! constraint rolls the whole import back, so a bad file never half-fills a workspace.

use crate::codec::*;
use crate::{append_audit, AuditEntry, Result, Store, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;
use switchyard_core::*;

struct Names {
    teams: HashMap<String, Id>,
    services: HashMap<String, Id>,
}

impl Names {
    fn service(&self, name: &str, owner: &str) -> Result<Id> {
        self.services
            .get(name)
            .copied()
            .ok_or_else(|| StoreError::Invalid(format!("{owner} names unknown service {name:?}")))
    }
}

fn invalid(context: String) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => {
            StoreError::Invalid(format!("{context}: {msg}"))
        }
        other => StoreError::Invalid(format!("{context}: {other}")),
    }
}

impl Store {
    /// Imports `doc` into this workspace, which must hold no data yet.
    pub fn import(&mut self, doc: &Document) -> Result<()> {
        if doc.schema_version > crate::SCHEMA_VERSION {
            return Err(StoreError::Invalid(format!(
                "the document has schema version {}; this build knows up to {}",
                doc.schema_version,
                crate::SCHEMA_VERSION
            )));
        }
        self.ensure_empty()?;
        self.transact(|tx| insert_document(tx, doc))
    }

    /// Loads the demo organisation once: `Ok(false)` when it is there already. The records,
    /// the marker and the audit event are one transaction.
    pub fn load_demo(&mut self, doc: &Document, event: &AuditEntry) -> Result<bool> {
        self.load_demo_then(doc, event, |_| Ok::<(), StoreError>(()))
    }

    /// As [`Self::load_demo`], running `then` on the loaded records inside the same
    /// transaction (the app records there where each release in flight stands).
    pub fn load_demo_then<E: From<StoreError>>(
        &mut self,
        doc: &Document,
        event: &AuditEntry,
        then: impl FnOnce(&rusqlite::Connection) -> std::result::Result<(), E>,
    ) -> std::result::Result<bool, E> {
        if self.meta(DEMO_MARKER)?.is_some() {
            return Ok(false);
        }
        self.ensure_empty()?;
        self.transact(|tx| {
            insert_document(tx, doc)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![DEMO_MARKER, ts(&event.at)],
            )
            .map_err(StoreError::from)?;
            append_audit(tx, event)?;
            then(tx)
        })?;
        Ok(true)
    }

    fn ensure_empty(&self) -> Result<()> {
        let counts = self.counts()?;
        if counts.is_empty() {
            return Ok(());
        }
        Err(StoreError::NotEmpty(format!(
            "{} releases, {} services, {} deployments",
            counts.releases, counts.services, counts.deployments
        )))
    }
}

/// Meta key set when the demo organisation was loaded (value: when).
pub const DEMO_MARKER: &str = "demo_loaded_at";

/// Inserts every record of `doc` (ids kept) inside `tx`.
pub(crate) fn insert_document(tx: &Transaction, doc: &Document) -> Result<()> {
    let mut names = Names {
        teams: HashMap::new(),
        services: HashMap::new(),
    };
    for t in &doc.teams {
        tx.prepare_cached("INSERT INTO teams (id, name) VALUES (?1, ?2)")?
            .execute(params![t.id, t.name])
            .map_err(invalid(format!("team {}", t.id)))?;
        names.teams.insert(t.name.clone(), t.id);
    }
    for s in &doc.services {
        let team = match &s.team {
            Some(name) => Some(names.teams.get(name).copied().ok_or_else(|| {
                StoreError::Invalid(format!("service {} names unknown team {name:?}", s.id))
            })?),
            None => None,
        };
        tx.prepare_cached(
            "INSERT INTO services (id, name, team_id, source, source_key) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![s.id, s.name, team, source_opt(&s.source), s.source_key])
        .map_err(invalid(format!("service {}", s.id)))?;
        names.services.insert(s.name.clone(), s.id);
    }
    for t in &doc.trains {
        let rule = match t.freeze_rule {
            FreezeRule::Move => "move",
            FreezeRule::Flag => "flag",
        };
        tx.prepare_cached(
            "INSERT INTO trains (id, name, description, cadence, milestone_template, freeze_rule)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            t.id,
            t.name,
            t.description,
            json(&t.cadence),
            json(&t.milestone_template),
            rule
        ])
        .map_err(invalid(format!("train {}", t.id)))?;
        for s in &t.services {
            let sid = names.service(s, &format!("train {}", t.id))?;
            tx.prepare_cached("INSERT INTO train_services (train_id, service_id) VALUES (?1, ?2)")?
                .execute(params![t.id, sid])
                .map_err(invalid(format!("train {}", t.id)))?;
        }
    }
    for r in &doc.releases {
        tx.prepare_cached(
            "INSERT INTO releases (id, name, version, train_id, release_type, status, start_date,
                                   planned_date, release_date, released, archived, description,
                                   source, source_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            r.id,
            r.name,
            r.version,
            r.train_id,
            r.release_type.as_str(),
            r.status.as_str(),
            date_opt(&r.start_date),
            date_opt(&r.planned_date),
            date_opt(&r.release_date),
            r.released,
            r.archived,
            r.description,
            source_opt(&r.source),
            r.source_key
        ])
        .map_err(invalid(format!("release {}", r.id)))?;
        for s in &r.services {
            let sid = names.service(s, &format!("release {}", r.id))?;
            tx.prepare_cached(
                "INSERT INTO release_services (release_id, service_id) VALUES (?1, ?2)",
            )?
            .execute(params![r.id, sid])
            .map_err(invalid(format!("release {}", r.id)))?;
        }
    }
    for m in &doc.milestones {
        tx.prepare_cached(
            "INSERT INTO milestones (id, release_id, kind, name, date, completed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            m.id,
            m.release_id,
            m.kind,
            m.name,
            date(&m.date),
            ts_opt(&m.completed_at)
        ])
        .map_err(invalid(format!("milestone {}", m.id)))?;
    }
    for w in &doc.work_items {
        let service = match &w.service {
            Some(s) => Some(names.service(s, &format!("work item {}", w.id))?),
            None => None,
        };
        tx.prepare_cached(
            "INSERT INTO work_items (id, source, source_key, title, kind, status, status_category,
                                     priority, service_id, labels, author, assignee, url, created_at,
                                     updated_at, resolved_at, merged_at, first_commit_at, base_branch,
                                     additions, deletions, changed_files)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21, ?22)",
        )?
        .execute(params![
            w.id,
            source_opt(&w.source),
            w.source_key,
            w.title,
            w.kind,
            w.status,
            w.status_category.as_str(),
            w.priority,
            service,
            json(&w.labels),
            w.author,
            w.assignee,
            w.url,
            ts(&w.created_at),
            ts(&w.updated_at),
            ts_opt(&w.resolved_at),
            ts_opt(&w.merged_at),
            ts_opt(&w.first_commit_at),
            w.base_branch,
            w.additions,
            w.deletions,
            w.changed_files
        ])
        .map_err(invalid(format!("work item {}", w.id)))?;
        for rid in &w.release_ids {
            tx.prepare_cached(
                "INSERT INTO work_item_releases (work_item_id, release_id) VALUES (?1, ?2)",
            )?
            .execute(params![w.id, rid])
            .map_err(invalid(format!("work item {}", w.id)))?;
        }
    }
    for d in &doc.dependencies {
        let table = match d.kind.as_str() {
            "release" => "releases",
            "service" => "services",
            "work_item" => "work_items",
            other => {
                return Err(StoreError::Invalid(format!(
                    "dependency {} has unknown kind {other:?}",
                    d.id
                )))
            }
        };
        let resolve = |key: &str| -> Result<Id> {
            // The table name comes from the fixed match above.
            let by_key: Option<Id> = tx
                .prepare_cached(&format!("SELECT id FROM {table} WHERE source_key = ?1"))?
                .query_row([key], |r| r.get(0))
                .optional()?;
            let id = match by_key {
                Some(id) => Some(id),
                None => match key.parse::<Id>() {
                    Ok(id) => tx
                        .prepare_cached(&format!("SELECT id FROM {table} WHERE id = ?1"))?
                        .query_row([id], |r| r.get(0))
                        .optional()?,
                    Err(_) => None,
                },
            };
            id.ok_or_else(|| {
                StoreError::Invalid(format!(
                    "dependency {} names unknown {} {key:?}",
                    d.id, d.kind
                ))
            })
        };
        let (blocker, blocked) = (resolve(&d.blocker)?, resolve(&d.blocked)?);
        tx.prepare_cached(
            "INSERT INTO dependencies (id, kind, blocker_id, blocked_id, note, source, source_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            d.id,
            d.kind,
            blocker,
            blocked,
            d.note,
            source_opt(&d.source),
            d.source_key
        ])
        .map_err(invalid(format!("dependency {}", d.id)))?;
    }
    for d in &doc.deployments {
        let sid = names.service(&d.service, &format!("deployment {}", d.id))?;
        tx.prepare_cached(
            "INSERT INTO deployments (id, source, source_key, service_id, environment, production,
                                      sha, git_ref, creator, outcome, time, created_at, release_id,
                                      url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            d.id,
            source_opt(&d.source),
            d.source_key,
            sid,
            d.environment,
            d.production,
            d.sha,
            d.git_ref,
            d.creator,
            d.outcome.as_str(),
            ts_opt(&d.time),
            ts(&d.created_at),
            d.release_id,
            d.url
        ])
        .map_err(invalid(format!("deployment {}", d.id)))?;
    }
    for i in &doc.incidents {
        let service = match &i.service {
            Some(s) => Some(names.service(s, &format!("incident {}", i.id))?),
            None => None,
        };
        tx.prepare_cached(
            "INSERT INTO incidents (id, source, source_key, service_id, title, severity, created_at,
                                    resolved_at, url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            i.id,
            source_opt(&i.source),
            i.source_key,
            service,
            i.title,
            i.severity,
            ts(&i.created_at),
            ts_opt(&i.resolved_at),
            i.url
        ])
        .map_err(invalid(format!("incident {}", i.id)))?;
    }
    for p in &doc.pipeline_runs {
        let sid = names.service(&p.service, &format!("pipeline run {}", p.id))?;
        tx.prepare_cached(
            "INSERT INTO pipeline_runs (id, source, source_key, service_id, workflow, head_sha, event,
                                        status, conclusion, attempt, started_at, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            p.id,
            source_opt(&p.source),
            p.source_key,
            sid,
            p.workflow,
            p.head_sha,
            p.event,
            p.status,
            p.conclusion,
            p.attempt,
            ts(&p.started_at),
            ts_opt(&p.finished_at)
        ])
        .map_err(invalid(format!("pipeline run {}", p.id)))?;
    }
    for w in &doc.freeze_windows {
        tx.prepare_cached(
            "INSERT INTO freeze_windows (id, name, start_date, end_date, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![w.id, w.name, date(&w.start_date), date(&w.end_date), w.reason])
        .map_err(invalid(format!("freeze window {}", w.id)))?;
        for s in &w.services {
            let sid = names.service(s, &format!("freeze window {}", w.id))?;
            tx.prepare_cached(
                "INSERT INTO freeze_window_services (freeze_window_id, service_id) VALUES (?1, ?2)",
            )?
            .execute(params![w.id, sid])
            .map_err(invalid(format!("freeze window {}", w.id)))?;
        }
    }
    for a in &doc.risk_assessments {
        crate::governance::insert_assessment_with_id(tx, Some(a.id), a)
            .map_err(invalid(format!("risk assessment {}", a.id)))?;
    }
    for c in &doc.checklists {
        tx.prepare_cached(
            "INSERT INTO checklists (id, release_id, template, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![c.id, c.release_id, c.template, ts(&c.created_at)])
        .map_err(invalid(format!("checklist {}", c.id)))?;
        for i in &c.items {
            tx.prepare_cached(
                "INSERT INTO checklist_items (id, checklist_id, position, title, kind, rule, owner,
                                              state, evidence_url, note, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                i.id,
                c.id,
                i.position,
                i.title,
                i.kind.as_str(),
                i.rule,
                i.owner,
                i.state.as_str(),
                i.evidence_url,
                i.note,
                ts(&i.updated_at)
            ])
            .map_err(invalid(format!("checklist item {}", i.id)))?;
        }
    }
    for d in &doc.decisions {
        crate::governance::insert_decision_with_id(tx, Some(d.id), d)
            .map_err(invalid(format!("decision {}", d.id)))?;
    }
    for e in &doc.audit_events {
        tx.prepare_cached(
            "INSERT INTO audit_events (id, at, actor, action, entity, entity_id, before, after,
                                       prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            e.id,
            ts(&e.at),
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.before.as_ref().map(json),
            e.after.as_ref().map(json),
            e.prev_hash,
            e.hash
        ])
        .map_err(invalid(format!("audit event {}", e.id)))?;
    }
    for s in &doc.sync_state {
        tx.prepare_cached(
            "INSERT INTO sync_state (source, scope, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            s.source.as_str(),
            s.scope,
            json(&s.cursor),
            ts(&s.updated_at)
        ])
        .map_err(invalid(format!("sync state {}", s.scope)))?;
    }
    for j in &doc.jira_issues {
        tx.prepare_cached(
            "INSERT INTO jira_issues (work_item_id, issue_id, project, description, last_seen_run, vanished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            j.work_item_id,
            j.issue_id,
            j.project,
            j.description,
            j.last_seen_run,
            j.vanished_at.as_ref().map(ts)
        ])
        .map_err(invalid(format!("jira issue of work item {}", j.work_item_id)))?;
    }
    for t in &doc.work_item_transitions {
        tx.prepare_cached(
            "INSERT INTO work_item_transitions (id, work_item_id, at, from_status, to_status, actor, source_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            t.id,
            t.work_item_id,
            ts(&t.at),
            t.from_status,
            t.to_status,
            t.actor,
            t.source_key
        ])
        .map_err(invalid(format!("work item transition {}", t.id)))?;
    }
    insert_holidays(tx, doc)?;
    for p in &doc.people {
        crate::governance::insert_person(tx, Some(p.id), p)
            .map_err(invalid(format!("person {} ({})", p.id, p.name)))?;
    }
    crate::governance::insert_governance(tx, doc)?;
    if let Some(last) = doc.audit_events.last() {
        crate::audit::set_audit_head(tx, &last.hash)?;
        crate::audit_sign::sign_head(tx, last.id, &last.hash)?;
    }
    // Foreign keys are checked per statement; this also catches dangling ids in the file.
    let dangling: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get::<_, String>(0))
        .optional()?;
    if let Some(table) = dangling {
        return Err(StoreError::Invalid(format!(
            "a record in {table} points at a record the document does not have"
        )));
    }
    Ok(())
}

/// Holidays (schema step 2), ids kept.
fn insert_holidays(tx: &Transaction, doc: &Document) -> Result<()> {
    for h in &doc.holidays {
        tx.prepare_cached("INSERT INTO holidays (id, date, name) VALUES (?1, ?2, ?3)")?
            .execute(params![h.id, date(&h.date), h.name])
            .map_err(invalid(format!("holiday {}", h.id)))?;
    }
    Ok(())
}
