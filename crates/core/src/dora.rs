//! DORA metrics exactly as spec/dora.md defines them, as pure functions over plain records.
//!
//! The work is split in two steps so that a workspace of millions of records stays fast:
//! [`Linked::new`] sorts the facts once (by service and time) and resolves every link of the
//! spec (which deployment shipped a change, which caused an incident, which was rolled back
//! and by what, which fell inside an open incident); [`Linked::report`] then counts one
//! period for a scope (organisation, team, services) in one pass, bucket by bucket.
//! Everything works on integer seconds since the epoch and dense service indices.
//!
//! Links are resolved over all the facts given, not only those in the period: a deployment
//! in the period that an incident after the period traced back to, or that a later
//! deployment rolled back, is a failed change. The numbers for a past period can therefore
//! still change while its consequences come in, as the spec's "caused" and "rolled back"
//! imply.
//!
//! `waiting` (lead time): the changes merged in the period (or bucket) that no deployment had
//! shipped by its end.

use crate::settings::{Cluster, Thresholds};
use crate::{Deployment, Id, Incident, Outcome, Service, WorkItem};
use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

/// Seconds since 1970-01-01T00:00:00Z.
pub type Secs = i64;

const NONE: u32 = u32::MAX;
const NEVER: Secs = Secs::MAX;

/// A production deployment with an outcome (pending ones are never facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeployFact {
    pub id: Id,
    /// Index into [`Facts::services`].
    pub service: u32,
    pub time: Secs,
    pub success: bool,
    /// A hash of the deployed sha ([`sha_key`]): only compared for equality.
    pub sha: u64,
}

/// A change: a merged pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeFact {
    pub id: Id,
    pub service: u32,
    pub merged: Secs,
    /// Its first commit's author date, else its creation.
    pub start: Secs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentFact {
    pub id: Id,
    pub service: Option<u32>,
    pub created: Secs,
    pub resolved: Option<Secs>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceInfo {
    pub name: String,
    pub team: Option<String>,
}

/// The raw facts, service names resolved to indices into `services`.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub services: Vec<ServiceInfo>,
    pub deployments: Vec<DeployFact>,
    pub changes: Vec<ChangeFact>,
    pub incidents: Vec<IncidentFact>,
}

impl Facts {
    /// Facts from export records. `is_production(flag, environment)` decides production
    /// (see [`crate::settings::Settings::is_production`]). Pending deployments, deployments
    /// without a time, and pull requests not merged are no facts.
    pub fn from_records(
        services: &[Service],
        deployments: &[Deployment],
        work_items: &[WorkItem],
        incidents: &[Incident],
        is_production: impl Fn(bool, &str) -> bool,
    ) -> Facts {
        let mut facts = Facts {
            services: services
                .iter()
                .map(|s| ServiceInfo {
                    name: s.name.clone(),
                    team: s.team.clone(),
                })
                .collect(),
            ..Facts::default()
        };
        let mut index: HashMap<String, u32> = facts
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i as u32))
            .collect();
        let mut service_of = |name: &str, services: &mut Vec<ServiceInfo>| -> u32 {
            if let Some(i) = index.get(name) {
                return *i;
            }
            let i = services.len() as u32;
            services.push(ServiceInfo {
                name: name.into(),
                team: None,
            });
            index.insert(name.into(), i);
            i
        };
        for d in deployments {
            let (Some(time), true) = (d.time, is_production(d.production, &d.environment)) else {
                continue;
            };
            let success = match d.outcome {
                Outcome::Success => true,
                Outcome::Failure => false,
                Outcome::Pending => continue,
            };
            let service = service_of(&d.service, &mut facts.services);
            facts.deployments.push(DeployFact {
                id: d.id,
                service,
                time: time.timestamp(),
                success,
                sha: sha_key(&d.sha),
            });
        }
        for w in work_items {
            let (Some(merged), Some(service), "pull_request") =
                (w.merged_at, w.service.as_deref(), w.kind.as_str())
            else {
                continue;
            };
            let service = service_of(service, &mut facts.services);
            facts.changes.push(ChangeFact {
                id: w.id,
                service,
                merged: merged.timestamp(),
                start: w.first_commit_at.unwrap_or(w.created_at).timestamp(),
            });
        }
        for i in incidents {
            let service = i
                .service
                .as_deref()
                .map(|s| service_of(s, &mut facts.services));
            facts.incidents.push(IncidentFact {
                id: i.id,
                service,
                created: i.created_at.timestamp(),
                resolved: i.resolved_at.map(|t| t.timestamp()),
            });
        }
        facts
    }
}

/// A 64-bit key of a commit sha for equality tests (FxHash-style over 8-byte words).
pub fn sha_key(sha: &str) -> u64 {
    let mut h: u64 = sha.len() as u64;
    let mut chunks = sha.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    h
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An RFC 3339 timestamp as seconds. The store's own form `YYYY-MM-DDTHH:MM:SSZ` is read by
/// hand (it is most of the work of loading a large workspace); anything else goes through
/// chrono.
pub fn parse_secs(s: &str) -> Option<Secs> {
    let b = s.as_bytes();
    if b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
    {
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let mut v = 0i64;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + i64::from(c - b'0');
            }
            Some(v)
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && se < 61 {
            return Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se);
        }
        return None;
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp())
}

/// The nearest-rank p50 and p90 of `values` (reordered), the second search only over the
/// values right of the median.
pub fn p50_p90<T: Copy + Ord>(values: &mut [T]) -> (Option<T>, Option<T>) {
    if values.is_empty() {
        return (None, None);
    }
    let n = values.len();
    let rank = |p: usize| (p * n).div_ceil(100).clamp(1, n) - 1;
    let (r50, r90) = (rank(50), rank(90));
    let p50 = *values.select_nth_unstable(r50).1;
    let p90 = *values[r50..].select_nth_unstable(r90 - r50).1;
    (Some(p50), Some(p90))
}

/// Nearest-rank percentile: the value at rank ceil(p/100 * n) of the sorted values (p50 of
/// 1,2,3,4 is 2). `None` for no values. Reorders `values`.
pub fn nearest_rank<T: Copy + Ord>(values: &mut [T], p: u32) -> Option<T> {
    if values.is_empty() {
        return None;
    }
    let rank = (p as usize * values.len())
        .div_ceil(100)
        .clamp(1, values.len());
    Some(*values.select_nth_unstable(rank - 1).1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    #[default]
    Week,
    Month,
}

impl Bucket {
    /// Periods up to this many days (both ends counted) are drawn by week, longer ones by
    /// month: about half a year of weekly bars is as many as a chart shows legibly.
    pub const WEEKLY_UP_TO_DAYS: i64 = 180;

    /// The bucket the Metrics screen and the reports use for `from..=to`.
    pub fn for_period(from: NaiveDate, to: NaiveDate) -> Bucket {
        if (to - from).num_days() + 1 > Self::WEEKLY_UP_TO_DAYS {
            Bucket::Month
        } else {
            Bucket::Week
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DoraError {
    #[error("the period starts ({from}) after it ends ({to})")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("the period is longer than 100 years")]
    TooLong,
}

/// The days of a period in a time zone, and its buckets. A period `from..=to` holds every
/// instant from `from` 00:00 to `to` 24:00 local time. Buckets are ISO weeks (Monday first)
/// or calendar months, clipped to the period.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tz: Tz,
    pub bucket: Bucket,
    /// Local midnight of each day, and of the day after `to`.
    day_starts: Vec<Secs>,
    /// Day index where each bucket starts; ends with the number of days.
    bucket_days: Vec<usize>,
    bucket_of_day: Vec<u32>,
}

fn local_midnight(tz: &Tz, day: NaiveDate) -> Secs {
    // A day whose midnight falls in a DST gap starts at its first existing instant.
    for hour in 0..4 {
        if let Some(t) = day
            .and_hms_opt(hour, 0, 0)
            .and_then(|dt| tz.from_local_datetime(&dt).earliest())
        {
            return t.timestamp();
        }
    }
    day.and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or_default()
}

impl Calendar {
    pub fn new(from: NaiveDate, to: NaiveDate, tz: Tz, bucket: Bucket) -> Result<Self, DoraError> {
        if from > to {
            return Err(DoraError::Reversed { from, to });
        }
        let days = (to - from).num_days() as usize + 1;
        if days > 36_525 {
            return Err(DoraError::TooLong);
        }
        let mut day_starts = Vec::with_capacity(days + 1);
        let mut bucket_days = Vec::new();
        let mut bucket_of_day = Vec::with_capacity(days);
        for (i, day) in from.iter_days().take(days + 1).enumerate() {
            day_starts.push(local_midnight(&tz, day));
            if i == days {
                break;
            }
            let starts = i == 0
                || match bucket {
                    Bucket::Week => day.weekday() == chrono::Weekday::Mon,
                    Bucket::Month => day.day() == 1,
                };
            if starts {
                bucket_days.push(i);
            }
            bucket_of_day.push(bucket_days.len() as u32 - 1);
        }
        bucket_days.push(days);
        Ok(Self {
            from,
            to,
            tz,
            bucket,
            day_starts,
            bucket_days,
            bucket_of_day,
        })
    }

    pub fn start(&self) -> Secs {
        self.day_starts[0]
    }

    /// The first instant after the period.
    pub fn end(&self) -> Secs {
        self.day_starts[self.day_starts.len() - 1]
    }

    pub fn days(&self) -> usize {
        self.day_starts.len() - 1
    }

    pub fn contains(&self, t: Secs) -> bool {
        self.start() <= t && t < self.end()
    }

    /// The day of the period `t` falls on.
    pub fn day_of(&self, t: Secs) -> Option<usize> {
        self.contains(t)
            .then(|| self.day_starts.partition_point(|&s| s <= t) - 1)
    }

    pub fn bucket_count(&self) -> usize {
        self.bucket_days.len() - 1
    }

    pub fn bucket_of(&self, t: Secs) -> Option<usize> {
        self.day_of(t).map(|d| self.bucket_of_day[d] as usize)
    }

    /// First and last day of bucket `b`.
    pub fn bucket_dates(&self, b: usize) -> (NaiveDate, NaiveDate) {
        let first = self.from + chrono::Days::new(self.bucket_days[b] as u64);
        let last = self.from + chrono::Days::new(self.bucket_days[b + 1] as u64 - 1);
        (first, last)
    }

    /// `[start, end)` of bucket `b` in seconds.
    pub fn bucket_span(&self, b: usize) -> (Secs, Secs) {
        (
            self.day_starts[self.bucket_days[b]],
            self.day_starts[self.bucket_days[b + 1]],
        )
    }

    pub fn bucket_len_days(&self, b: usize) -> usize {
        self.bucket_days[b + 1] - self.bucket_days[b]
    }
}

/// Which services a number is for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every service, and incidents without a service.
    #[default]
    Organisation,
    /// These service indices (a service, a team's services).
    Services(Vec<u32>),
}

/// [`Linked`]'s `failure_end` of a deployment that is no failed change.
const NOT_FAILED: Secs = Secs::MIN;

/// A change once linked (its service is that of its range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    id: Id,
    merged: Secs,
    start: Secs,
}

/// Adds a recovery candidate (`NEVER`: none) to a deployment's `failure_end`.
fn fail(end: &mut Secs, recovered: Secs) {
    *end = if *end == NOT_FAILED {
        recovered
    } else {
        (*end).min(recovered)
    };
}

/// A production deployment once linked: its sha is no longer needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dep {
    id: Id,
    time: Secs,
    service: u32,
    success: bool,
}

/// The facts with every link of the spec resolved.
///
/// Only a few of its fields are decisions that need the raw facts (the sorted records, the
/// rollbacks found by sha, which successes were rework); the rest are derived from those by
/// [`Linked::assemble`]. [`Linked::to_bytes`] keeps just the decisions, so that a workspace
/// can store the linked facts and read them back in a fraction of the linking time.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    services: Vec<ServiceInfo>,
    /// Sorted by (service, time, id).
    deps: Vec<Dep>,
    dep_range: Vec<(usize, usize)>,
    /// Indices into `deps` of the successes, by service, in time order.
    succ: Vec<u32>,
    succ_range: Vec<(usize, usize)>,
    /// Per deployment: the deployment that rolled it back.
    rolled_back_by: Vec<u32>,
    /// Per deployment: [`NOT_FAILED`]; or, for a failed change, when it recovered (the
    /// earliest of its incidents' resolutions and its rollback), [`NEVER`] while open.
    failure_end: Vec<Secs>,
    rework: Vec<bool>,
    /// Sorted by (service, merged, id); the service is that of its `change_range`.
    changes: Vec<Change>,
    change_range: Vec<(usize, usize)>,
    change_dep: Vec<u32>,
    /// Sorted by (created, id).
    incidents: Vec<IncidentFact>,
    incident_cause: Vec<u32>,
}

fn ranges(n: usize, keys: impl Iterator<Item = u32>) -> Vec<(usize, usize)> {
    let mut r = vec![(0usize, 0usize); n];
    let mut pos = 0;
    let mut cur: Option<u32> = None;
    for k in keys {
        if cur != Some(k) {
            if let Some(c) = cur {
                r[c as usize].1 = pos;
            }
            r[k as usize] = (pos, pos);
            cur = Some(k);
        }
        pos += 1;
    }
    if let Some(c) = cur {
        r[c as usize].1 = pos;
    }
    r
}

/// `items` grouped by `service` (in service order), each group sorted by `key`.
fn group_sorted<T: Copy, K: Ord>(
    items: Vec<T>,
    services: usize,
    service: impl Fn(&T) -> u32,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut start = vec![0usize; services + 1];
    for it in &items {
        start[service(it) as usize + 1] += 1;
    }
    for s in 0..services {
        start[s + 1] += start[s];
    }
    let mut out = items.clone();
    let mut next = start.clone();
    for it in items {
        let s = service(&it) as usize;
        out[next[s]] = it;
        next[s] += 1;
    }
    for s in 0..services {
        out[start[s]..start[s + 1]].sort_unstable_by_key(&key);
    }
    out
}

/// Hashes a sha key by itself: it already is a hash.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type KeySet = HashSet<u64, std::hash::BuildHasherDefault<KeyHasher>>;

/// Indices of the successes, grouped by service in time order (deps sorted so already).
fn successes(deps: &[Dep], ns: usize) -> (Vec<u32>, Vec<(usize, usize)>) {
    let succ: Vec<u32> = (0..deps.len() as u32)
        .filter(|&i| deps[i as usize].success)
        .collect();
    let range = ranges(ns, succ.iter().map(|&i| deps[i as usize].service));
    (succ, range)
}

/// Rework: a success while an incident of its service is open (created <= t <= resolved).
fn rework_of(
    deps: &[Dep],
    succ: &[u32],
    succ_range: &[(usize, usize)],
    incidents: &[IncidentFact],
) -> Vec<bool> {
    let ns = succ_range.len();
    let mut by_service: Vec<Vec<(Secs, Secs)>> = vec![Vec::new(); ns];
    for inc in incidents {
        if let Some(s) = inc.service {
            by_service[s as usize].push((inc.created, inc.resolved.unwrap_or(NEVER)));
        }
    }
    let mut rework = vec![false; deps.len()];
    for (s, list) in by_service.iter_mut().enumerate() {
        if list.is_empty() {
            continue;
        }
        // Already in creation order; a running maximum of the resolutions.
        let mut max = Secs::MIN;
        for e in list.iter_mut() {
            max = max.max(e.1);
            e.1 = max;
        }
        let (a, b) = succ_range[s];
        for &i in &succ[a..b] {
            let t = deps[i as usize].time;
            let k = list.partition_point(|e| e.0 <= t);
            rework[i as usize] = k > 0 && list[k - 1].1 >= t;
        }
    }
    rework
}

/// Incidents: each caused by the latest success of its service at or before its creation,
/// which is thereby a failed change (recovered at the earliest resolution, in
/// `failure_end`). Per incident, its cause.
///
/// A walk per service over its incidents (in creation order) and its successes (in time
/// order): a binary search per incident would miss the cache at every step.
fn link_incidents(
    deps: &[Dep],
    succ: &[u32],
    succ_range: &[(usize, usize)],
    incidents: &[IncidentFact],
    failure_end: &mut [Secs],
) -> Vec<u32> {
    let mut incident_cause = vec![NONE; incidents.len()];
    let mut by_service: Vec<Vec<u32>> = vec![Vec::new(); succ_range.len()];
    for (j, inc) in incidents.iter().enumerate() {
        if let Some(s) = inc.service {
            by_service[s as usize].push(j as u32);
        }
    }
    for (s, list) in by_service.iter().enumerate() {
        let (a, b) = succ_range[s];
        let succ = &succ[a..b];
        let mut k = 0;
        for &j in list {
            let inc = &incidents[j as usize];
            while k < succ.len() && deps[succ[k] as usize].time <= inc.created {
                k += 1;
            }
            if k > 0 {
                let d = succ[k - 1] as usize;
                incident_cause[j as usize] = d as u32;
                fail(&mut failure_end[d], inc.resolved.unwrap_or(NEVER));
            }
        }
    }
    incident_cause
}

/// Changes: each deployed by the first success of its service at or after its merge.
fn link_changes(
    deps: &[Dep],
    succ: &[u32],
    succ_range: &[(usize, usize)],
    changes: &[Change],
    change_range: &[(usize, usize)],
) -> Vec<u32> {
    let mut change_dep = vec![NONE; changes.len()];
    for (s, &(a, b)) in change_range.iter().enumerate() {
        let (sa, sb) = succ_range[s];
        let list = &succ[sa..sb];
        let mut k = 0;
        for (c, slot) in changes[a..b].iter().zip(&mut change_dep[a..b]) {
            while k < list.len() && deps[list[k] as usize].time < c.merged {
                k += 1;
            }
            if k < list.len() {
                *slot = list[k];
            }
        }
    }
    change_dep
}

impl Linked {
    pub fn new(facts: Facts) -> Self {
        let Facts {
            mut services,
            deployments,
            changes,
            mut incidents,
        } = facts;
        let max_service = deployments
            .iter()
            .map(|d| d.service)
            .chain(changes.iter().map(|c| c.service))
            .chain(incidents.iter().filter_map(|i| i.service))
            .max()
            .map_or(0, |m| m as usize + 1);
        if services.len() < max_service {
            services.resize(max_service, ServiceInfo::default());
        }
        let ns = services.len();

        // Group by service (a counting sort, stable), then sort each service's records by
        // time: records synced in time order are then already sorted, which is linear.
        let deployments = group_sorted(deployments, ns, |d| d.service, |d| (d.time, d.id));
        let changes = group_sorted(changes, ns, |c| c.service, |c| (c.merged, c.id));
        incidents.sort_unstable_by_key(|i| (i.created, i.id));
        let deps: Vec<Dep> = deployments
            .iter()
            .map(|d| Dep {
                id: d.id,
                time: d.time,
                service: d.service,
                success: d.success,
            })
            .collect();
        let (succ, succ_range) = successes(&deps, ns);

        // Rollbacks: a success whose sha equals an earlier success's other than the one
        // right before it rolls that one back.
        let mut rollbacks = Vec::new();
        let mut seen = KeySet::default();
        for &(a, b) in &succ_range {
            seen.clear();
            for k in a..b {
                if k >= a + 2 {
                    seen.insert(deployments[succ[k - 2] as usize].sha);
                }
                let cur = succ[k];
                if k > a && seen.contains(&deployments[cur as usize].sha) {
                    rollbacks.push((succ[k - 1], cur));
                }
            }
        }
        let rework = rework_of(&deps, &succ, &succ_range, &incidents);
        let change_range = ranges(ns, changes.iter().map(|c| c.service));
        let changes = changes
            .iter()
            .map(|c| Change {
                id: c.id,
                merged: c.merged,
                start: c.start,
            })
            .collect();
        Self::assemble(services, deps, &rollbacks, rework, incidents, || {
            Some((changes, change_range))
        })
        .expect("the changes are given")
    }

    /// The linked facts from the decisions: `deps` and the changes sorted by (service,
    /// time, id), `incidents` by (created, id), `rollbacks` as (rolled back, by) index pairs.
    /// The changes (the most records, with each service's range) come from `changes` on a
    /// second thread, which then links them while this one links the incidents; `None`
    /// from it is `None` here.
    fn assemble(
        services: Vec<ServiceInfo>,
        deps: Vec<Dep>,
        rollbacks: &[(u32, u32)],
        rework: Vec<bool>,
        incidents: Vec<IncidentFact>,
        changes: impl FnOnce() -> Option<(Vec<Change>, Vec<(usize, usize)>)> + Send,
    ) -> Option<Self> {
        let ns = services.len();
        let n = deps.len();
        let dep_range = ranges(ns, deps.iter().map(|d| d.service));
        let (succ, succ_range) = successes(&deps, ns);

        let (changes, incident_cause, rolled_back) = std::thread::scope(|scope| {
            let (deps, succ, succ_range) = (&deps, &succ, &succ_range);
            let changes = scope.spawn(move || {
                let (changes, change_range) = changes()?;
                if change_range.len() != ns {
                    return None;
                }
                let change_dep = link_changes(deps, succ, succ_range, &changes, &change_range);
                Some((changes, change_range, change_dep))
            });

            let mut failure_end = vec![NOT_FAILED; n];
            let mut rolled_back_by = vec![NONE; n];
            for &(prev, by) in rollbacks {
                fail(&mut failure_end[prev as usize], deps[by as usize].time);
                rolled_back_by[prev as usize] = by;
            }
            let incident_cause =
                link_incidents(deps, succ, succ_range, &incidents, &mut failure_end);
            (
                changes.join().ok().flatten(),
                incident_cause,
                (failure_end, rolled_back_by),
            )
        });
        let (changes, change_range, change_dep) = changes?;
        let (failure_end, rolled_back_by) = rolled_back;
        Some(Self {
            services,
            deps,
            dep_range,
            succ,
            succ_range,
            rolled_back_by,
            failure_end,
            rework,
            changes,
            change_range,
            change_dep,
            incidents,
            incident_cause,
        })
    }

    pub fn services(&self) -> &[ServiceInfo] {
        &self.services
    }

    pub fn service_index(&self, name: &str) -> Option<u32> {
        self.services
            .iter()
            .position(|s| s.name == name)
            .map(|i| i as u32)
    }

    /// The services a team owns (`None` if no service names that team).
    pub fn team_scope(&self, team: &str) -> Option<Scope> {
        let list: Vec<u32> = (0..self.services.len() as u32)
            .filter(|&i| self.services[i as usize].team.as_deref() == Some(team))
            .collect();
        (!list.is_empty()).then_some(Scope::Services(list))
    }

    fn scope_services(&self, scope: &Scope) -> Vec<u32> {
        match scope {
            Scope::Organisation => (0..self.services.len() as u32).collect(),
            Scope::Services(list) => {
                let mut l: Vec<u32> = list
                    .iter()
                    .copied()
                    .filter(|&s| (s as usize) < self.services.len())
                    .collect();
                l.sort_unstable();
                l.dedup();
                l
            }
        }
    }

    fn incident_in_scope(&self, inc: &IncidentFact, mask: &[bool], org: bool) -> bool {
        match inc.service {
            Some(s) => mask[s as usize],
            None => org,
        }
    }

    /// Was the success at index `i` a failed change, and when did it recover?
    fn failure_of(&self, i: usize) -> Option<Option<Secs>> {
        let end = self.failure_end[i];
        (end != NOT_FAILED).then(|| (end != NEVER).then(|| (end - self.deps[i].time).max(0)))
    }

    /// The metrics of a period for a scope, and of each bucket.
    ///
    /// The services of the scope are counted in two halves of about equal size on two
    /// threads (when there is enough to count), and the halves' counts merged.
    pub fn report(&self, cal: &Calendar, scope: &Scope, th: &Thresholds) -> Report {
        self.report_in_halves_from(cal, scope, th, 100_000)
    }

    /// [`Linked::report`], counting in two halves when the scope has at least `records`.
    fn report_in_halves_from(
        &self,
        cal: &Calendar,
        scope: &Scope,
        th: &Thresholds,
        records: usize,
    ) -> Report {
        let nb = cal.bucket_count();
        let services = self.scope_services(scope);
        let mut mask = vec![false; self.services.len()];
        for &s in &services {
            mask[s as usize] = true;
        }
        let size = |s: &u32| {
            let (a, b) = self.dep_range[*s as usize];
            let (c, d) = self.change_range[*s as usize];
            (b - a) + (d - c)
        };
        let total: usize = services.iter().map(size).sum();
        let (mut part, other) = if total < records || services.len() < 2 {
            (self.count_services(cal, &services), None)
        } else {
            // The first services holding half the records, and the rest.
            let mut sum = 0;
            let split = services
                .iter()
                .position(|s| {
                    sum += size(s);
                    sum * 2 >= total
                })
                .map_or(services.len(), |p| (p + 1).min(services.len() - 1));
            let (first, second) = services.split_at(split);
            std::thread::scope(|scope| {
                let other = scope.spawn(|| self.count_services(cal, second));
                let part = self.count_services(cal, first);
                (part, other.join().ok())
            })
        };
        if let Some(o) = other {
            for (a, b) in part.acc.iter_mut().zip(&o.acc) {
                a.merge(b);
            }
            for (a, b) in part.day_has.iter_mut().zip(&o.day_has) {
                *a |= *b;
            }
            part.waiting += o.waiting;
        }
        let Counted {
            mut acc,
            day_has,
            waiting: total_waiting,
        } = part;
        let (start, end) = (cal.start(), cal.end());

        let org = matches!(scope, Scope::Organisation);
        let lo = self.incidents.partition_point(|i| i.created < start);
        for (j, inc) in self.incidents.iter().enumerate().skip(lo) {
            if inc.created >= end {
                break;
            }
            if self.incident_cause[j] == NONE && self.incident_in_scope(inc, &mask, org) {
                if let Some(bk) = cal.bucket_of(inc.created) {
                    acc[bk].unlinked += 1;
                }
            }
        }

        let mut series = Vec::with_capacity(nb);
        let mut total = Acc::default();
        // The samples of all buckets, in one go rather than by doubling.
        total
            .lead
            .reserve_exact(acc.iter().map(|a| a.lead.len()).sum());
        total
            .recovery
            .reserve_exact(acc.iter().map(|a| a.recovery.len()).sum());
        for (b, ac) in acc.iter_mut().enumerate() {
            let (d0, d1) = (cal.bucket_days[b], cal.bucket_days[b + 1]);
            ac.deploy_days = day_has[d0..d1].iter().filter(|&&x| x).count() as u64;
            let metrics = ac.metrics(cal.bucket_len_days(b), th);
            let (period_start, period_end) = cal.bucket_dates(b);
            series.push(SeriesEntry {
                period_start,
                period_end,
                deployments: ac.success,
                metrics,
            });
            total.merge(ac);
        }
        total.waiting = total_waiting;
        Report {
            metrics: total.metrics(cal.days(), th),
            series,
        }
    }

    /// The deployments and changes of some services in a period, by bucket.
    fn count_services(&self, cal: &Calendar, services: &[u32]) -> Counted {
        let nb = cal.bucket_count();
        let mut acc = vec![Acc::default(); nb];
        let mut total_waiting = 0u64;
        let mut day_has = vec![false; cal.days()];
        let (start, end) = (cal.start(), cal.end());
        // Per deployment of the service, from its first: the bucket of a success in the
        // period (for the changes it shipped).
        let mut dep_bucket = Vec::new();
        for &s in services {
            let (a, b) = self.dep_range[s as usize];
            dep_bucket.clear();
            dep_bucket.resize(b - a, NONE);
            let list = &self.deps[a..b];
            let lo = a + list.partition_point(|d| d.time < start);
            let mut day = 0usize;
            // Parallel arrays (deps, flags, buckets) indexed alike.
            #[allow(clippy::needless_range_loop)]
            for i in lo..b {
                let d = &self.deps[i];
                if d.time >= end {
                    break;
                }
                while cal.day_starts[day + 1] <= d.time {
                    day += 1;
                }
                let bk = cal.bucket_of_day[day];
                let ac = &mut acc[bk as usize];
                if !d.success {
                    ac.failure += 1;
                    continue;
                }
                ac.success += 1;
                day_has[day] = true;
                dep_bucket[i - a] = bk;
                if let Some(recovery) = self.failure_of(i) {
                    ac.failed_changes += 1;
                    match recovery {
                        Some(secs) => ac.recovery.push(secs),
                        None => ac.open += 1,
                    }
                }
                if self.rework[i] {
                    ac.rework += 1;
                }
            }

            // Changes: a change merged at or before the last success before the period was
            // shipped before it; start after those.
            let (ca, cb) = self.change_range[s as usize];
            let (sa, sb) = self.succ_range[s as usize];
            let succ = &self.succ[sa..sb];
            let k = succ.partition_point(|&i| self.deps[i as usize].time < start);
            let first = match k {
                0 => ca,
                _ => {
                    let t = self.deps[succ[k - 1] as usize].time;
                    ca + self.changes[ca..cb].partition_point(|c| c.merged <= t)
                }
            };
            let mut mday = 0usize;
            for ci in first..cb {
                let c = &self.changes[ci];
                if c.merged >= end {
                    break;
                }
                // Merge times only grow within a service: a cursor over the days.
                if c.merged >= start {
                    while cal.day_starts[mday + 1] <= c.merged {
                        mday += 1;
                    }
                }
                let merged_bucket = (c.merged >= start).then(|| cal.bucket_of_day[mday] as usize);
                let di = self.change_dep[ci];
                let shipped = (di != NONE).then(|| self.deps[di as usize].time);
                if di != NONE {
                    // The deployment that shipped a change is of the change's service.
                    let bk = dep_bucket[di as usize - a];
                    if bk != NONE {
                        acc[bk as usize]
                            .lead
                            .push(self.deps[di as usize].time - c.start);
                    }
                }
                if let Some(bm) = merged_bucket {
                    let (_, bend) = cal.bucket_span(bm);
                    if shipped.is_none_or(|t| t >= bend) {
                        acc[bm].waiting += 1;
                    }
                    if shipped.is_none_or(|t| t >= end) {
                        total_waiting += 1;
                    }
                }
            }
        }

        Counted {
            acc,
            day_has,
            waiting: total_waiting,
        }
    }

    /// The ids of the records behind a number of [`Linked::report`], for the whole period
    /// or one of its buckets. Deployments, changes or incidents, as `what` says.
    pub fn drill(
        &self,
        cal: &Calendar,
        scope: &Scope,
        what: Drill,
        bucket: Option<usize>,
    ) -> Vec<Id> {
        let (start, end) = match bucket {
            Some(b) if b < cal.bucket_count() => cal.bucket_span(b),
            Some(_) => return Vec::new(),
            None => (cal.start(), cal.end()),
        };
        let in_window = |t: Secs| start <= t && t < end;
        let services = self.scope_services(scope);
        let mut mask = vec![false; self.services.len()];
        for &s in &services {
            mask[s as usize] = true;
        }
        let mut out = Vec::new();
        match what {
            Drill::UnlinkedIncidents => {
                let org = matches!(scope, Scope::Organisation);
                for (j, inc) in self.incidents.iter().enumerate() {
                    if in_window(inc.created)
                        && self.incident_cause[j] == NONE
                        && self.incident_in_scope(inc, &mask, org)
                    {
                        out.push(inc.id);
                    }
                }
            }
            Drill::Changes | Drill::Waiting => {
                for ci in services
                    .iter()
                    .flat_map(|&s| self.change_range[s as usize].0..self.change_range[s as usize].1)
                {
                    let c = &self.changes[ci];
                    let di = self.change_dep[ci];
                    let shipped = (di != NONE).then(|| self.deps[di as usize].time);
                    let hit = match what {
                        Drill::Changes => shipped.is_some_and(in_window),
                        _ => in_window(c.merged) && shipped.is_none_or(|t| t >= end),
                    };
                    if hit {
                        out.push(c.id);
                    }
                }
            }
            _ => {
                for (i, d) in self.deps.iter().enumerate() {
                    if !mask[d.service as usize] || !in_window(d.time) {
                        continue;
                    }
                    let failure = if d.success { self.failure_of(i) } else { None };
                    let hit = match what {
                        Drill::Deployments => d.success,
                        Drill::FailedDeployments => !d.success,
                        Drill::ChangeFailures => failure.is_some(),
                        Drill::Recovered => matches!(failure, Some(Some(_))),
                        Drill::OpenFailures => matches!(failure, Some(None)),
                        Drill::Rework => d.success && self.rework[i],
                        _ => false,
                    };
                    if hit {
                        out.push(d.id);
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn dep_index(&self, id: Id) -> Option<usize> {
        self.deps.iter().position(|d| d.id == id)
    }

    /// The incidents a deployment caused.
    pub fn incidents_caused_by(&self, deployment: Id) -> Vec<Id> {
        let Some(i) = self.dep_index(deployment) else {
            return Vec::new();
        };
        let mut out: Vec<Id> = self
            .incidents
            .iter()
            .zip(&self.incident_cause)
            .filter(|(_, &c)| c as usize == i)
            .map(|(inc, _)| inc.id)
            .collect();
        out.sort_unstable();
        out
    }

    /// The deployment that rolled a deployment back, if one did.
    pub fn rolled_back_by(&self, deployment: Id) -> Option<Id> {
        let i = self.dep_index(deployment)?;
        let by = self.rolled_back_by[i];
        (by != NONE).then(|| self.deps[by as usize].id)
    }

    /// The deployment that shipped a change, if one did.
    pub fn deployed_by(&self, change: Id) -> Option<Id> {
        let ci = self.changes.iter().position(|c| c.id == change)?;
        let di = self.change_dep[ci];
        (di != NONE).then(|| self.deps[di as usize].id)
    }

    /// Why each of `deployments` counts as a change failure: the incidents it caused and the
    /// deployment that rolled it back (either may be missing), and when it recovered
    /// (`None` while open). One pass over the records, whatever their number.
    pub fn failure_reasons(&self, deployments: &[Id]) -> HashMap<Id, FailureReason> {
        let wanted: HashSet<Id> = deployments.iter().copied().collect();
        let index: HashMap<usize, Id> = self
            .deps
            .iter()
            .enumerate()
            .filter(|(_, d)| wanted.contains(&d.id))
            .map(|(i, d)| (i, d.id))
            .collect();
        let mut out: HashMap<Id, FailureReason> = index
            .iter()
            .map(|(&i, &id)| {
                let by = self.rolled_back_by[i];
                let end = self.failure_end[i];
                (
                    id,
                    FailureReason {
                        incidents: Vec::new(),
                        rolled_back_by: (by != NONE).then(|| self.deps[by as usize].id),
                        recovered_after_secs: (end != NOT_FAILED && end != NEVER)
                            .then(|| (end - self.deps[i].time).max(0)),
                    },
                )
            })
            .collect();
        for (inc, &c) in self.incidents.iter().zip(&self.incident_cause) {
            if c == NONE {
                continue;
            }
            if let Some(id) = index.get(&(c as usize)) {
                if let Some(r) = out.get_mut(id) {
                    r.incidents.push(inc.id);
                }
            }
        }
        out
    }

    /// Each of `changes` that shipped: the deployment and its lead time in seconds (from
    /// the change's start, its first commit, to the deployment). One pass.
    pub fn change_leads(&self, changes: &[Id]) -> HashMap<Id, (Id, Secs)> {
        let wanted: HashSet<Id> = changes.iter().copied().collect();
        self.changes
            .iter()
            .zip(&self.change_dep)
            .filter(|(c, &di)| di != NONE && wanted.contains(&c.id))
            .map(|(c, &di)| {
                let d = &self.deps[di as usize];
                (c.id, (d.id, (d.time - c.start).max(0)))
            })
            .collect()
    }

    /// The deployment an incident is traced to (`None`: unlinked).
    pub fn cause_of(&self, incident: Id) -> Option<Id> {
        let j = self.incidents.iter().position(|i| i.id == incident)?;
        let c = self.incident_cause[j];
        (c != NONE).then(|| self.deps[c as usize].id)
    }
}

/// Why a deployment counts as a change failure ([`Linked::failure_reasons`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FailureReason {
    /// The incidents traced to it, by id.
    pub incidents: Vec<Id>,
    pub rolled_back_by: Option<Id>,
    /// Seconds from it to its recovery; `None` while open.
    pub recovered_after_secs: Option<Secs>,
}

/// What [`Linked::drill`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Drill {
    /// Successful production deployments (deployment frequency, denominators).
    Deployments,
    /// Failed production deployments (deployment success rate).
    FailedDeployments,
    /// Successful deployments that caused an incident or were rolled back.
    ChangeFailures,
    /// Those of them that have recovered (the recovery-time samples).
    Recovered,
    /// Those of them that have not.
    OpenFailures,
    /// Successful deployments made while an incident of their service was open.
    Rework,
    /// Changes whose deploying deployment is in the period (lead-time samples).
    Changes,
    /// Changes merged in the period that no deployment had shipped by its end.
    Waiting,
    /// Incidents created in the period that no deployment caused.
    UnlinkedIncidents,
}

impl Drill {
    pub const ALL: [Drill; 9] = [
        Drill::Deployments,
        Drill::FailedDeployments,
        Drill::ChangeFailures,
        Drill::Recovered,
        Drill::OpenFailures,
        Drill::Rework,
        Drill::Changes,
        Drill::Waiting,
        Drill::UnlinkedIncidents,
    ];
}

/// What [`Linked::count_services`] counted.
struct Counted {
    acc: Vec<Acc>,
    /// Per day of the period: was there a success?
    day_has: Vec<bool>,
    /// Changes merged in the period that no deployment had shipped by its end.
    waiting: u64,
}

#[derive(Debug, Clone, Default)]
struct Acc {
    success: u64,
    failure: u64,
    deploy_days: u64,
    lead: Vec<Secs>,
    waiting: u64,
    failed_changes: u64,
    recovery: Vec<Secs>,
    open: u64,
    rework: u64,
    unlinked: u64,
}

fn hours(secs: Option<Secs>) -> Option<f64> {
    secs.map(|s| s as f64 / 3600.0)
}

fn ratio(numerator: u64, denominator: u64) -> Ratio {
    Ratio {
        numerator,
        denominator,
        value: (denominator > 0).then(|| numerator as f64 / denominator as f64),
    }
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.success += o.success;
        self.failure += o.failure;
        self.deploy_days += o.deploy_days;
        self.lead.extend_from_slice(&o.lead);
        self.waiting += o.waiting;
        self.failed_changes += o.failed_changes;
        self.recovery.extend_from_slice(&o.recovery);
        self.open += o.open;
        self.rework += o.rework;
        self.unlinked += o.unlinked;
    }

    fn metrics(&mut self, days: usize, th: &Thresholds) -> Metrics {
        let weeks = days as f64 / 7.0;
        let per_week = self.success as f64 / weeks;
        let (lead_median, lead_p90) = p50_p90(&mut self.lead);
        let (rec_median, rec_p90) = p50_p90(&mut self.recovery);
        let (lead_median, lead_p90) = (hours(lead_median), hours(lead_p90));
        let (rec_median, rec_p90) = (hours(rec_median), hours(rec_p90));
        let cfr = ratio(self.failed_changes, self.success);
        Metrics {
            deployment_frequency: Frequency {
                count: self.success,
                per_week,
                deploy_days_per_week: self.deploy_days as f64 / weeks,
                cluster: Some(th.frequency(per_week)),
            },
            deployment_success_rate: ratio(self.success, self.success + self.failure),
            lead_time: LeadTime {
                median_hours: lead_median,
                p90_hours: lead_p90,
                changes: self.lead.len() as u64,
                waiting: self.waiting,
                cluster: lead_median.map(|h| th.lead_time(h)),
            },
            change_failure_rate: ChangeFailureRate {
                numerator: cfr.numerator,
                denominator: cfr.denominator,
                value: cfr.value,
                cluster: cfr.value.map(|v| th.change_failure(v)),
            },
            recovery_time: RecoveryTime {
                median_hours: rec_median,
                p90_hours: rec_p90,
                failures: self.recovery.len() as u64,
                open: self.open,
                cluster: rec_median.map(|h| th.recovery(h)),
            },
            rework_rate: ratio(self.rework, self.success),
            unlinked_incidents: self.unlinked,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Frequency {
    /// Successful production deployments in the period.
    pub count: u64,
    pub per_week: f64,
    pub deploy_days_per_week: f64,
    pub cluster: Option<Cluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
    /// `numerator / denominator`; `null` when the denominator is 0.
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LeadTime {
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// The samples: changes whose deploying deployment is in the period.
    pub changes: u64,
    pub waiting: u64,
    pub cluster: Option<Cluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChangeFailureRate {
    pub numerator: u64,
    pub denominator: u64,
    pub value: Option<f64>,
    pub cluster: Option<Cluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecoveryTime {
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// Failed deployments that recovered (the samples).
    pub failures: u64,
    /// Failed deployments with no recovery yet.
    pub open: u64,
    pub cluster: Option<Cluster>,
}

/// The metrics of one period or bucket, as the JSON of spec/dora.md names them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Metrics {
    pub deployment_frequency: Frequency,
    pub deployment_success_rate: Ratio,
    pub lead_time: LeadTime,
    pub change_failure_rate: ChangeFailureRate,
    pub recovery_time: RecoveryTime,
    pub rework_rate: Ratio,
    pub unlinked_incidents: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SeriesEntry {
    pub period_start: NaiveDate,
    /// Last day of the bucket (inclusive).
    pub period_end: NaiveDate,
    /// Successful production deployments in the bucket.
    pub deployments: u64,
    #[serde(flatten)]
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub metrics: Metrics,
    pub series: Vec<SeriesEntry>,
}

/// `switchyard dora --json`: the document of spec/dora.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DoraDocument {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub timezone: String,
    #[serde(flatten)]
    pub metrics: Metrics,
    pub series: Vec<SeriesEntry>,
}

/// All of it in one call: facts to the document.
pub fn compute(facts: Facts, cal: &Calendar, scope: &Scope, th: &Thresholds) -> Report {
    Linked::new(facts).report(cal, scope, th)
}

#[path = "dora_bytes.rs"]
mod bytes;

#[cfg(test)]
#[path = "dora_tests.rs"]
mod tests;
