//! Loading what the DORA and pipeline metrics need, fast: only the needed columns, one
//! prepared statement per table, timestamps read by hand into seconds, services as dense
//! indices. Tables are read in storage order (no ORDER BY): walking an index instead costs a
//! random page read per row on a large workspace; the core groups by service itself. Workspace settings live as JSON in `meta` under `settings`.

use crate::{codec, Result, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use std::sync::Arc;
use switchyard_core::dora::{
    parse_secs, sha_key, ChangeFact, DeployFact, Dirty, Facts, IncidentFact, Linked, ServiceInfo,
};
use switchyard_core::settings::Settings;
use switchyard_core::timeline::{
    readiness_from_history, ReadinessTimeline, ReleaseReadiness, TimelineMilestone,
};
use switchyard_core::{ChecklistItem, Id, PipelineRun};

pub const SETTINGS_KEY: &str = "settings";

/// Links in memory, with what they were linked from.
#[derive(Clone)]
pub(crate) struct KeptLinks {
    version: i64,
    envs: String,
    linked: Arc<Linked>,
    how: LinkPath,
}

/// The thread writing relinked links to `dora_linked` (on a connection of its own), if
/// one is running; waited for before the next query, and when the store goes.
#[derive(Default)]
pub(crate) struct Keeper(std::sync::Mutex<Option<std::thread::JoinHandle<()>>>);

impl Keeper {
    pub(crate) fn wait(&self) {
        let handle = self.0.lock().ok().and_then(|mut h| h.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        self.wait();
    }
}

/// How [`Store::linked_facts`] last came by the links it holds in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPath {
    /// Read back from `dora_linked`: they were current.
    Kept,
    /// The kept links with the records of these many services linked again (and the
    /// incidents without a service when `without_service`): only those had changed.
    Relinked {
        services: usize,
        without_service: bool,
    },
    /// Every fact loaded and linked.
    Linked,
}

/// The production environments as linking saw them, and the deploy-workflow rules when
/// there are any (which kind of deployment a repository counts): part of what makes kept
/// links current.
fn production_key(settings: &Settings) -> String {
    let mut envs: Vec<String> = settings
        .production_environments
        .iter()
        .map(|e| e.to_lowercase())
        .collect();
    envs.sort();
    envs.dedup();
    if settings.deployment_workflows.is_empty() {
        codec::json(&envs)
    } else {
        codec::json(&(envs, &settings.deployment_workflows))
    }
}

fn bad_time(table: &str, id: Id, s: &str) -> StoreError {
    StoreError::Invalid(format!("{table} {id}: bad timestamp {s:?}"))
}

fn text<'a>(r: &'a rusqlite::Row, i: usize) -> rusqlite::Result<&'a str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn text_opt<'a>(r: &'a rusqlite::Row, i: usize) -> rusqlite::Result<Option<&'a str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Maps database service ids to dense indices.
struct ServiceIndex {
    dense: Vec<u32>,
    sparse: HashMap<i64, u32>,
}

impl ServiceIndex {
    fn get(&self, id: i64) -> Option<u32> {
        match usize::try_from(id) {
            Ok(i) if i < self.dense.len() => Some(self.dense[i]).filter(|&x| x != u32::MAX),
            _ => self.sparse.get(&id).copied(),
        }
    }
}

impl Store {
    /// The workspace settings; the defaults where none are stored.
    pub fn settings(&self) -> Result<Settings> {
        match self.meta(SETTINGS_KEY)? {
            None => Ok(Settings::default()),
            Some(text) => serde_json::from_str(&text).map_err(|e| {
                StoreError::Invalid(format!("the stored workspace settings are not valid: {e}"))
            }),
        }
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        settings
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.conn()
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![SETTINGS_KEY, codec::json(settings)])?;
        Ok(())
    }

    /// Every service's name and owning team's name.
    pub fn service_teams(&self) -> Result<Vec<(String, Option<String>)>> {
        let mut facts = Facts::default();
        service_index(self.conn(), &mut facts)?;
        Ok(facts
            .services
            .into_iter()
            .map(|s| (s.name, s.team))
            .collect())
    }
}

fn service_index(conn: &rusqlite::Connection, facts: &mut Facts) -> Result<ServiceIndex> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.name, t.name FROM services s
             LEFT JOIN teams t ON t.id = s.team_id ORDER BY s.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut ids = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        ids.push(id);
        facts.services.push(ServiceInfo {
            name: r.get(1)?,
            team: r.get(2)?,
        });
    }
    let max = ids.iter().copied().max().unwrap_or(0);
    let mut index = ServiceIndex {
        dense: Vec::new(),
        sparse: HashMap::new(),
    };
    if (0..=4_000_000).contains(&max) && ids.iter().all(|&i| i >= 0) {
        index.dense = vec![u32::MAX; max as usize + 1];
        for (k, &id) in ids.iter().enumerate() {
            index.dense[id as usize] = k as u32;
        }
    } else {
        index.sparse = ids
            .iter()
            .enumerate()
            .map(|(k, &id)| (id, k as u32))
            .collect();
    }
    Ok(index)
}

impl Store {
    /// The facts linked as `switchyard_core::dora::Linked::new` links them: the links this
    /// store last gave when the facts have not changed since; else read back from
    /// `dora_linked` when that was linked from the facts as they are now (schema step 4);
    /// else, when only the facts of some services changed since (schema step 9), the kept
    /// links with those services linked again; else loaded and linked. New links are kept
    /// there for the next query.
    pub fn linked_facts(&self, settings: &Settings) -> Result<Arc<Linked>> {
        self.keeper.wait();
        let envs = production_key(settings);
        let version = self.dora_facts_version()?;
        let memory = self.linked.lock().ok().and_then(|k| k.clone());
        if let Some(kept) = &memory {
            if kept.version == version && kept.envs == envs {
                return Ok(kept.linked.clone());
            }
        }
        let (version, linked, how) = self.read_or_link(version, &envs, settings, memory)?;
        let linked = Arc::new(linked);
        if let LinkPath::Relinked { .. } = how {
            self.keep_in_background(version, &envs, linked.clone());
        }
        if let Ok(mut k) = self.linked.lock() {
            *k = Some(KeptLinks {
                version,
                envs,
                linked: linked.clone(),
                how,
            });
        }
        Ok(linked)
    }

    /// How the links this store holds in memory were come by (`None`: none yet).
    pub fn dora_link_path(&self) -> Option<LinkPath> {
        self.linked
            .lock()
            .ok()
            .and_then(|k| k.as_ref().map(|k| k.how))
    }

    /// The links kept in `dora_linked` for facts version `version`; else the kept ones
    /// with the changed services linked again; else new ones. With the facts version
    /// they are the links of.
    fn read_or_link(
        &self,
        version: i64,
        envs: &str,
        settings: &Settings,
        memory: Option<KeptLinks>,
    ) -> Result<(i64, Linked, LinkPath)> {
        let kept: Option<i64> = self
            .conn()
            .prepare_cached("SELECT version FROM dora_linked WHERE settings = ?1")?
            .query_row([envs], |r| r.get(0))
            .optional()?;
        if kept == Some(version) {
            let mut stmt = self.conn().prepare_cached(
                "SELECT data FROM dora_linked WHERE version = ?1 AND settings = ?2",
            )?;
            let mut rows = stmt.query(params![version, envs])?;
            if let Some(r) = rows.next()? {
                let blob = r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
                match Linked::from_bytes(blob) {
                    Some(linked) => return Ok((version, linked, LinkPath::Kept)),
                    None => tracing::warn!("the kept DORA links are damaged; linking again"),
                }
            }
        } else if let Some(kept) = kept {
            let started = std::time::Instant::now();
            let memory = memory.filter(|m| m.version == kept && m.envs == envs);
            if let Some((now, linked, dirty)) = self.relink_dirty(kept, envs, settings, memory)? {
                tracing::debug!(
                    elapsed = ?started.elapsed(),
                    services = dirty.services.len(),
                    without_service = dirty.without_service,
                    "DORA links of the changed services linked again"
                );
                let how = LinkPath::Relinked {
                    services: dirty.services.len(),
                    without_service: dirty.without_service,
                };
                return Ok((now, linked, how));
            }
        }
        // `version` was read before the load: a write during the load bumps it, and then
        // the result is not kept (it may mix the facts before and after that write).
        let started = std::time::Instant::now();
        let linked = Linked::new(self.dora_facts(settings)?);
        tracing::debug!(elapsed = ?started.elapsed(), "DORA facts loaded and linked");
        if let Err(e) = self.keep_linked(version, envs, &linked) {
            tracing::debug!(error = %e, "the DORA links were not kept");
        }
        Ok((version, linked, LinkPath::Linked))
    }

    /// The links kept at facts version `kept` (`memory` when it holds them, else read
    /// back) with the services recorded in `dora_dirty_services` linked again from their
    /// facts, when every change of the facts since is one of those records (see
    /// migrations/v9.sql); with the facts version they are the links of. `None`: some
    /// change since is not attributed to a service (a service or team renamed, added or
    /// removed, a schema step), or the kept links are damaged: link everything.
    ///
    /// Exact because linking one service never reads another's facts (see
    /// `switchyard_core::dora::Linked::relinked`); the services' names and teams, the one
    /// thing shared, only change by writes that are not attributed.
    fn relink_dirty(
        &self,
        kept: i64,
        envs: &str,
        settings: &Settings,
        memory: Option<KeptLinks>,
    ) -> Result<Option<(i64, Linked, Dirty)>> {
        // One read transaction: the version, the records and the facts read agree. On a
        // connection of its own without memory-mapping: a service's records lie spread
        // over the tables, and mapped pages would count as this process's memory.
        let conn = &self.reader()?;
        conn.busy_timeout(crate::BUSY_TIMEOUT)?;
        conn.execute_batch("BEGIN")?;
        let result = (|| -> Result<Option<(i64, Linked, Dirty)>> {
            let (now, attributed): (i64, i64) = conn
                .prepare_cached("SELECT n, attributed FROM dora_facts_version WHERE id = 1")?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let still: Option<i64> = conn
                .prepare_cached("SELECT version FROM dora_linked WHERE settings = ?1")?
                .query_row([envs], |r| r.get(0))
                .optional()?;
            if still != Some(kept) || now - kept != attributed || attributed <= 0 {
                return Ok(None);
            }
            let mut facts = Facts::default();
            let index = service_index(conn, &mut facts)?;
            let mut dirty = Dirty::default();
            let mut ids = Vec::new();
            let mut stmt = conn.prepare_cached("SELECT service_id FROM dora_dirty_services")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                match r.get::<_, Option<i64>>(0)? {
                    None => dirty.without_service = true,
                    Some(id) => match index.get(id) {
                        Some(s) => {
                            dirty.services.push(s);
                            ids.push(id);
                        }
                        // A service since removed: only by a write not attributed.
                        None => return Ok(None),
                    },
                }
            }
            Self::load_services_facts(
                conn,
                &mut facts,
                &index,
                &ids,
                dirty.without_service,
                settings,
            )?;
            let linked = match memory {
                Some(m) => m.linked.relinked(&dirty, facts),
                None => {
                    let mut stmt =
                        conn.prepare_cached("SELECT data FROM dora_linked WHERE settings = ?1")?;
                    let mut rows = stmt.query([envs])?;
                    match rows.next()? {
                        Some(r) => {
                            let blob = r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
                            Linked::relinked_from_bytes(blob, &dirty, facts)
                        }
                        None => None,
                    }
                }
            };
            if linked.is_none() {
                tracing::warn!(
                    "the kept DORA links are damaged or of other services; linking again"
                );
            }
            Ok(linked.map(|l| (now, l, dirty)))
        })();
        conn.execute_batch("COMMIT")?;
        result
    }

    /// The facts of some services (by database id) and, when `without_service`, the
    /// incidents without a service, into `facts` (whose services `index` maps): each on
    /// its index by service.
    fn load_services_facts(
        conn: &rusqlite::Connection,
        facts: &mut Facts,
        index: &ServiceIndex,
        ids: &[i64],
        without_service: bool,
        settings: &Settings,
    ) -> Result<()> {
        let envs = production_envs(settings);
        let mut from_run = Vec::new();
        for &id in ids {
            Self::load_deployments(conn, facts, &mut from_run, index, &envs, Some(id))?;
            load_changes_into(conn, &mut facts.changes, index, Some(id))?;
            Self::load_incidents(conn, facts, index, Some(Some(id)))?;
        }
        facts.keep_preferred(&settings.deployment_workflows, &from_run);
        if without_service {
            Self::load_incidents(conn, facts, index, Some(None))?;
        }
        Ok(())
    }

    /// Writes relinked links to `dora_linked` on a thread of their own, with a connection of
    /// its own, while the caller counts: writing 33 MB takes about as long as relinking. The
    /// next query and the store's end wait for it; a write meanwhile bumps the version, and
    /// then nothing is kept, as in `keep_linked`.
    fn keep_in_background(&self, version: i64, envs: &str, linked: Arc<Linked>) {
        if self.read_only() {
            return;
        }
        let (path, envs) = (self.path().to_owned(), envs.to_owned());
        let spawned = std::thread::Builder::new()
            .name("dora-keeper".into())
            .spawn(move || {
                let kept = rusqlite::Connection::open_with_flags(
                    &path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(StoreError::from)
                .and_then(|conn| keep_on(&conn, version, &envs, &linked));
                if let Err(e) = kept {
                    tracing::debug!(error = %e, "the relinked DORA links were not kept");
                }
            });
        match spawned {
            Ok(handle) => {
                if let Ok(mut k) = self.keeper.0.lock() {
                    *k = Some(handle);
                }
            }
            Err(e) => tracing::debug!(error = %e, "the relinked DORA links were not kept"),
        }
    }

    /// Are the kept DORA links those of the facts as they are now, under `settings`?
    pub fn linked_facts_are_kept(&self, settings: &Settings) -> Result<bool> {
        self.keeper.wait();
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT 1 FROM dora_linked l JOIN dora_facts_version v ON v.n = l.version
                 WHERE l.settings = ?1",
            )?
            .exists([production_key(settings)])?)
    }

    /// `keep_linked` for tests: keeps links made from facts version `version`.
    #[doc(hidden)]
    pub fn keep_linked_for_tests(
        &self,
        version: i64,
        settings: &Settings,
        linked: &Linked,
    ) -> Result<()> {
        self.keep_linked(version, &production_key(settings), linked)
    }

    fn dora_facts_version(&self) -> Result<i64> {
        Ok(self
            .conn()
            .prepare_cached("SELECT n FROM dora_facts_version WHERE id = 1")?
            .query_row([], |r| r.get(0))?)
    }

    /// Keeps `linked` as the links of facts version `version`, and forgets the services
    /// recorded as changed (they are linked in). A write since has bumped the version, so
    /// they would never be read back: then nothing is written. Never waits for a lock: a
    /// writer busy now is changing the facts anyway.
    fn keep_linked(&self, version: i64, envs: &str, linked: &Linked) -> Result<()> {
        if self.read_only() {
            // Nothing can be kept on a read-only disk; the links are made again next time.
            return Ok(());
        }
        keep_on(self.conn(), version, envs, linked)
    }

    /// Every production deployment with an outcome, merged pull request and incident, as
    /// the facts of `switchyard_core::dora`.
    pub fn dora_facts(&self, settings: &Settings) -> Result<Facts> {
        let mut facts = Facts::default();
        let index = service_index(self.conn(), &mut facts)?;
        let envs = production_envs(settings);

        // The changes (the largest table) load on a second read connection while this one
        // reads the deployments and incidents: two cores, half the wall time. Under WAL the
        // two reads may see different commits of a sync running meanwhile; the next run
        // sees both.
        let reader = self.reader();
        let index = &index;
        let (changes, rest) = std::thread::scope(|scope| {
            let changes = scope.spawn(move || -> Result<Vec<ChangeFact>> {
                let conn = reader?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                // Memory-mapped reads: no copy of each page out of the OS cache.
                conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
                let mut changes = Vec::new();
                load_changes_into(&conn, &mut changes, index, None)?;
                Ok(changes)
            });
            let rest = (|| -> Result<()> {
                let mut from_run = Vec::new();
                Self::load_deployments(self.conn(), &mut facts, &mut from_run, index, &envs, None)?;
                facts.keep_preferred(&settings.deployment_workflows, &from_run);
                Self::load_incidents(self.conn(), &mut facts, index, None)
            })();
            (changes.join(), rest)
        });
        rest?;
        facts.changes =
            changes.map_err(|_| StoreError::Invalid("loading the changes failed".into()))??;
        Ok(facts)
    }

    /// The production deployments with an outcome (of one service, by database id, when
    /// `service` says so; on the index by service and time), with whether each came from
    /// a workflow run.
    fn load_deployments(
        conn: &rusqlite::Connection,
        facts: &mut Facts,
        from_run: &mut Vec<bool>,
        index: &ServiceIndex,
        envs: &str,
        service: Option<i64>,
    ) -> Result<()> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, service_id, time, outcome = ?2, sha, coalesce({}, 0) FROM deployments
             WHERE outcome <> ?3 AND time IS NOT NULL
               AND (production = 1 OR lower(environment) IN (SELECT value FROM json_each(?1)))
               {}",
            crate::deploy_runs::FROM_RUN,
            if service.is_some() {
                "AND service_id = ?4"
            } else {
                "AND ?4 IS NULL"
            }
        ))?;
        let mut rows = stmt.query(params![
            envs,
            switchyard_core::Outcome::Success.as_str(),
            switchyard_core::Outcome::Pending.as_str(),
            service,
        ])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let Some(service) = index.get(r.get(1)?) else {
                continue;
            };
            let time = text(r, 2)?;
            facts.deployments.push(DeployFact {
                id,
                service,
                time: parse_secs(time).ok_or_else(|| bad_time("deployment", id, time))?,
                success: r.get(3)?,
                sha: sha_key(text(r, 4)?),
            });
            from_run.push(r.get::<_, bool>(5)?);
        }
        Ok(())
    }

    /// The incidents: all (`None`), or those of one service by database id (`Some(Some)`)
    /// or without a service (`Some(None)`), on the index by service.
    fn load_incidents(
        conn: &rusqlite::Connection,
        facts: &mut Facts,
        index: &ServiceIndex,
        service: Option<Option<i64>>,
    ) -> Result<()> {
        let sql = match service {
            None => "SELECT id, service_id, created_at, resolved_at FROM incidents",
            Some(_) => {
                "SELECT id, service_id, created_at, resolved_at FROM incidents
                 WHERE service_id IS ?1"
            }
        };
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = match service {
            None => stmt.query([])?,
            Some(s) => stmt.query([s])?,
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let service = r.get::<_, Option<i64>>(1)?.and_then(|s| index.get(s));
            let created = text(r, 2)?;
            let resolved = match text_opt(r, 3)? {
                None => None,
                Some(s) => Some(parse_secs(s).ok_or_else(|| bad_time("incident", id, s))?),
            };
            facts.incidents.push(IncidentFact {
                id,
                service,
                created: parse_secs(created).ok_or_else(|| bad_time("incident", id, created))?,
                resolved,
            });
        }
        Ok(())
    }

    /// Workflow runs started in `[start, end)` (RFC 3339 text bounds).
    pub fn pipeline_runs_between(&self, start: &str, end: &str) -> Result<Vec<PipelineRun>> {
        crate::rows::all(
            self.conn(),
            &format!(
                "{} WHERE p.started_at >= ?1 AND p.started_at < ?2 ORDER BY p.started_at, p.id",
                crate::rows::PIPELINE_RUN
            ),
            [start, end],
            crate::rows::pipeline_run,
        )
    }

    /// A train's name and its releases in flight (planned or in progress, not archived), by
    /// target date (undated last): id, name, target date.
    #[allow(clippy::type_complexity)]
    pub fn train_in_flight(
        &self,
        train: Id,
    ) -> Result<Option<(String, Vec<(Id, String, Option<chrono::NaiveDate>)>)>> {
        let Some(name) = self
            .conn()
            .prepare_cached("SELECT name FROM trains WHERE id = ?1")?
            .query_row([train], |r| r.get::<_, String>(0))
            .optional()?
        else {
            return Ok(None);
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, release_date FROM releases
             WHERE train_id = ?1 AND status IN (?2, ?3) AND archived = 0
               AND released = 0
             ORDER BY release_date IS NULL, release_date, id",
        )?;
        let open = [
            switchyard_core::ReleaseStatus::Planned,
            switchyard_core::ReleaseStatus::InProgress,
        ];
        debug_assert!(open.iter().all(|s| s.is_open()));
        let rows = stmt.query_map(
            rusqlite::params![train, open[0].as_str(), open[1].as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, codec::get_date_opt(r, 2)?)),
        )?;
        Ok(Some((name, rows.collect::<rusqlite::Result<_>>()?)))
    }

    /// The release `key` names (see [`crate::lookup::find_releases`]); when it names none,
    /// the releases of the train called `key`.
    pub fn find_releases_or_train(&self, key: &str) -> Result<Vec<(Id, String)>> {
        let releases = crate::lookup::find_releases(self.conn(), key)?;
        if !releases.is_empty() {
            return Ok(releases);
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT r.id, r.name FROM releases r JOIN trains t ON t.id = r.train_id
             WHERE t.name = ?1 COLLATE NOCASE ORDER BY r.id",
        )?;
        let rows = stmt.query_map([key.trim()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The readiness timeline of some releases: percent ready from their checklists' done
    /// items, and their milestones.
    pub fn readiness_timeline(
        &self,
        releases: &[(Id, String)],
        today: chrono::NaiveDate,
    ) -> Result<ReadinessTimeline> {
        self.readiness_timeline_marking(releases, today, None)
    }

    /// [`Store::readiness_timeline`] marking only the milestones of kind `kind` (when given),
    /// each labelled with its release's name: a train's releases overlaid.
    pub fn readiness_timeline_marking(
        &self,
        releases: &[(Id, String)],
        today: chrono::NaiveDate,
        kind: Option<&str>,
    ) -> Result<ReadinessTimeline> {
        let mut out = ReadinessTimeline {
            releases: Vec::new(),
            milestones: Vec::new(),
            today,
        };
        let mut lists = self.conn().prepare_cached(
            "SELECT id, created_at FROM checklists WHERE release_id = ?1 ORDER BY id",
        )?;
        let mut milestones = self.conn().prepare_cached(
            "SELECT date, name FROM milestones WHERE release_id = ?1 AND (?2 IS NULL OR kind = ?2)
             ORDER BY date, id",
        )?;
        let many = releases.len() > 1;
        for (id, name) in releases {
            let checklists: Vec<(Id, switchyard_core::Timestamp)> = lists
                .query_map([id], |r| Ok((r.get(0)?, codec::get_ts(r, 1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut all: Vec<ChecklistItem> = Vec::new();
            let mut events = Vec::new();
            let mut created = None;
            for (cid, at) in &checklists {
                created = Some(created.map_or(*at, |c: switchyard_core::Timestamp| c.min(*at)));
                let items = crate::rows::checklist_items(self.conn(), Some(*cid))?;
                all.extend(items.into_iter().map(|(_, item)| item));
                events.extend(crate::governance::item_events(self.conn(), Some(*cid))?);
            }
            match created {
                Some(c) => out
                    .releases
                    .push(readiness_from_history(name, c, &all, &events)),
                None => out.releases.push(ReleaseReadiness {
                    release: name.clone(),
                    points: Vec::new(),
                }),
            }
            let rows = milestones.query_map(params![id, kind], |r| {
                Ok((codec::get_date(r, 0)?, r.get::<_, String>(1)?))
            })?;
            for m in rows {
                let (date, label) = m?;
                out.milestones.push(TimelineMilestone {
                    date,
                    label: match (kind, many) {
                        (Some(_), _) => name.clone(),
                        (None, true) => format!("{name}: {label}"),
                        (None, false) => label,
                    },
                });
            }
        }
        out.milestones.sort_by_key(|m| m.date);
        Ok(out)
    }
}

/// `Store::keep_linked` on `conn`.
fn keep_on(conn: &rusqlite::Connection, version: i64, envs: &str, linked: &Linked) -> Result<()> {
    let data = linked.to_bytes();
    conn.busy_timeout(std::time::Duration::ZERO)?;
    // The links are tens of MB: the commit does not also copy them into the database
    // file (the automatic checkpoint, with its fsync); the next write that checkpoints,
    // or closing the workspace, does.
    let checkpoint: i64 = conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    let written = conn.execute_batch("SAVEPOINT dora_keep").and_then(|()| {
        let r = conn
            .prepare_cached(
                "INSERT OR REPLACE INTO dora_linked (id, version, settings, data)
                 SELECT 1, ?1, ?2, ?3 FROM dora_facts_version WHERE id = 1 AND n = ?1",
            )
            .and_then(|mut s| s.execute(params![version, envs, data]))
            .and_then(|n| {
                if n == 1 {
                    conn.execute_batch(
                        "DELETE FROM dora_dirty_services;
                         UPDATE dora_facts_version SET attributed = 0 WHERE id = 1;",
                    )?;
                }
                Ok(())
            });
        match r {
            Ok(()) => conn.execute_batch("RELEASE dora_keep"),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK TO dora_keep; RELEASE dora_keep");
                Err(e)
            }
        }
    });
    conn.busy_timeout(crate::BUSY_TIMEOUT)?;
    conn.pragma_update(None, "wal_autocheckpoint", checkpoint)?;
    written?;
    Ok(())
}

/// The changes (of one service, by database id, when `service` says so; on the index by
/// service and merge time) into `changes`.
fn load_changes_into(
    conn: &rusqlite::Connection,
    changes: &mut Vec<ChangeFact>,
    index: &ServiceIndex,
    service: Option<i64>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, service_id, merged_at, coalesce(first_commit_at, created_at) FROM work_items
         WHERE kind = 'pull_request' AND merged_at IS NOT NULL AND service_id IS NOT NULL {}",
        if service.is_some() {
            "AND service_id = ?1"
        } else {
            "AND ?1 IS NULL"
        }
    ))?;
    let mut rows = stmt.query([service])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let Some(service) = index.get(r.get(1)?) else {
            continue;
        };
        let merged = text(r, 2)?;
        let start = text(r, 3)?;
        changes.push(ChangeFact {
            id,
            service,
            merged: parse_secs(merged).ok_or_else(|| bad_time("work item", id, merged))?,
            start: parse_secs(start).ok_or_else(|| bad_time("work item", id, start))?,
        });
    }
    Ok(())
}

/// The production environments as the loading statements take them (JSON, lower case).
fn production_envs(settings: &Settings) -> String {
    codec::json(
        &settings
            .production_environments
            .iter()
            .map(|e| e.to_lowercase())
            .collect::<Vec<_>>(),
    )
}

/// What has been synced at all, whatever the period: the Metrics screen says from these why
/// a card or chart is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncedCounts {
    /// Deployments by environment name: (environment, flagged production, how many).
    pub deployments_by_environment: Vec<(String, bool, u64)>,
    /// Merged pull requests (changes).
    pub changes: u64,
    pub incidents: u64,
    pub pipeline_runs: u64,
}

impl Store {
    /// How many deployments (by environment), changes, incidents and workflow runs the
    /// workspace holds.
    pub fn synced_counts(&self) -> Result<SyncedCounts> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT environment, production, COUNT(*) FROM deployments
             GROUP BY environment, production ORDER BY environment, production",
        )?;
        let deployments_by_environment = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)? != 0,
                    r.get::<_, i64>(2)? as u64,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let count = |sql: &str| -> Result<u64> {
            Ok(conn
                .prepare_cached(sql)?
                .query_row([], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(SyncedCounts {
            deployments_by_environment,
            changes: count("SELECT COUNT(*) FROM work_items WHERE merged_at IS NOT NULL")?,
            incidents: count("SELECT COUNT(*) FROM incidents")?,
            pipeline_runs: count("SELECT COUNT(*) FROM pipeline_runs")?,
        })
    }
}
