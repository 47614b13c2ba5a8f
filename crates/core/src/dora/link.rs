//! Linking: which deployment shipped a change, which caused an incident, which was rolled back and
//! by what; and the questions asked of those links.

use super::*;

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
pub(super) const NOT_FAILED: Secs = Secs::MIN;

/// A change once linked (its service is that of its range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Change {
    pub(super) id: Id,
    pub(super) merged: Secs,
    pub(super) start: Secs,
}

/// Adds a recovery candidate (`NEVER`: none) to a deployment's `failure_end`.
pub(super) fn fail(end: &mut Secs, recovered: Secs) {
    *end = if *end == NOT_FAILED {
        recovered
    } else {
        (*end).min(recovered)
    };
}

/// A production deployment once linked: its sha is no longer needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Dep {
    pub(super) id: Id,
    pub(super) time: Secs,
    pub(super) service: u32,
    pub(super) success: bool,
}

/// The facts with every link of the spec resolved.
///
/// Only a few of its fields are decisions that need the raw facts (the sorted records, the
/// rollbacks found by sha, which successes were rework); the rest are derived from those by
/// [`Linked::assemble`]. [`Linked::to_bytes`] keeps just the decisions, so that a workspace
/// can store the linked facts and read them back in a fraction of the linking time.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub(super) services: Vec<ServiceInfo>,
    /// Sorted by (service, time, id).
    pub(super) deps: Vec<Dep>,
    pub(super) dep_range: Vec<(usize, usize)>,
    /// Indices into `deps` of the successes, by service, in time order.
    pub(super) succ: Vec<u32>,
    pub(super) succ_range: Vec<(usize, usize)>,
    /// Per deployment: the deployment that rolled it back.
    pub(super) rolled_back_by: Vec<u32>,
    /// Per deployment: [`NOT_FAILED`]; or, for a failed change, when it recovered (the
    /// earliest of its incidents' resolutions and its rollback), [`NEVER`] while open.
    pub(super) failure_end: Vec<Secs>,
    pub(super) rework: Vec<bool>,
    /// Sorted by (service, merged, id); the service is that of its `change_range`.
    pub(super) changes: Vec<Change>,
    pub(super) change_range: Vec<(usize, usize)>,
    pub(super) change_dep: Vec<u32>,
    /// Sorted by (created, id).
    pub(super) incidents: Vec<IncidentFact>,
    pub(super) incident_cause: Vec<u32>,
}

pub(super) fn ranges(n: usize, keys: impl Iterator<Item = u32>) -> Vec<(usize, usize)> {
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
pub(super) fn group_sorted<T: Copy, K: Ord>(
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
pub(super) struct KeyHasher(u64);

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

pub(super) type KeySet = HashSet<u64, std::hash::BuildHasherDefault<KeyHasher>>;

/// Indices of the successes, grouped by service in time order (deps sorted so already).
pub(super) fn successes(deps: &[Dep], ns: usize) -> (Vec<u32>, Vec<(usize, usize)>) {
    let succ: Vec<u32> = (0..deps.len() as u32)
        .filter(|&i| deps[i as usize].success)
        .collect();
    let range = ranges(ns, succ.iter().map(|&i| deps[i as usize].service));
    (succ, range)
}

/// Rework: a success while an incident of its service is open (created <= t <= resolved).
pub(super) fn rework_of(
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
pub(super) fn link_incidents(
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
pub(super) fn link_changes(
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

/// Why a deployment counts as a change failure ([`Linked::failure_reasons`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FailureReason {
    /// The incidents traced to it, by id.
    pub incidents: Vec<Id>,
    pub rolled_back_by: Option<Id>,
    /// Seconds from it to its recovery; `None` while open.
    pub recovered_after_secs: Option<Secs>,
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
    pub(super) fn assemble(
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

    pub(super) fn scope_services(&self, scope: &Scope) -> Vec<u32> {
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

    pub(super) fn incident_in_scope(&self, inc: &IncidentFact, mask: &[bool], org: bool) -> bool {
        match inc.service {
            Some(s) => mask[s as usize],
            None => org,
        }
    }

    /// Was the success at index `i` a failed change, and when did it recover?
    pub(super) fn failure_of(&self, i: usize) -> Option<Option<Secs>> {
        let end = self.failure_end[i];
        (end != NOT_FAILED).then(|| (end != NEVER).then(|| (end - self.deps[i].time).max(0)))
    }

    pub(super) fn dep_index(&self, id: Id) -> Option<usize> {
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
