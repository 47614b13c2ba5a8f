//! Relinking some services only: kept links with the records of a few services replaced by
//! those services linked again from their current facts.
//!
//! Exact because linking never looks across services: a deployment is rolled back only by
//! a later success of its own service, an incident is caused by the latest success of its
//! own service (one without a service is caused by none), a change is shipped by the first
//! success of its own service, rework is a success inside an open incident of its own
//! service, and the deploy-workflow rule (which kind of deployment counts) is chosen per
//! service. So a service's segment of the sorted records (and its incidents) depends on
//! that service's facts alone, and can be replaced by linking that service alone. What is
//! shared, the list of services with their names and teams, must be the same as when the
//! links were kept: when it is not, nothing is spliced (`None`) and all is linked again.

use super::bytes::decode;
use super::*;

/// Which records to link again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dirty {
    /// Service indices (into [`Facts::services`]).
    pub services: Vec<u32>,
    /// The incidents without a service.
    pub without_service: bool,
}

/// The per-service decisions of a [`Linked`] (or of its byte form), borrowed.
struct View<'a> {
    deps: &'a [Dep],
    dep_range: &'a [(usize, usize)],
    rework: &'a [bool],
    rolled_back_by: &'a [u32],
    changes: &'a [Change],
    change_range: &'a [(usize, usize)],
    incidents: &'a [IncidentFact],
}

impl Linked {
    fn view(&self) -> View<'_> {
        View {
            deps: &self.deps,
            dep_range: &self.dep_range,
            rework: &self.rework,
            rolled_back_by: &self.rolled_back_by,
            changes: &self.changes,
            change_range: &self.change_range,
            incidents: &self.incidents,
        }
    }

    /// These links with the records of `dirty`'s services (and the incidents without a
    /// service if it says so) linked again from `facts`: the same as linking every fact
    /// anew, when `facts` holds every current record of those services and `self` was
    /// linked from facts that differ from the current ones only in those services.
    /// `facts.services` must be the services `self` was linked with; `None` when they are
    /// not. Records of other services in `facts` are ignored.
    pub fn relinked(&self, dirty: &Dirty, facts: Facts) -> Option<Linked> {
        if facts.services != self.services {
            return None;
        }
        let (mask, fresh) = link_dirty(dirty, facts)?;
        splice(self.view(), &fresh, &mask, dirty.without_service)?.assemble(&self.services)
    }

    /// [`Linked::relinked`] of the links in a byte form ([`Linked::to_bytes`]), without
    /// deriving what the kept links would need only for counting; `None` also when the
    /// form is damaged.
    pub fn relinked_from_bytes(bytes: &[u8], dirty: &Dirty, facts: Facts) -> Option<Linked> {
        let d = decode(bytes)?;
        if facts.services != d.services {
            return None;
        }
        let ns = d.services.len();
        let deps = &d.deps;
        // The changes (the most records) decode on a second thread meanwhile.
        let (changes, (mask, fresh), dep_range, rolled_back_by) = std::thread::scope(|scope| {
            let changes = scope.spawn(d.changes);
            let fresh = link_dirty(dirty, facts);
            let dep_range = super::link::ranges(ns, deps.iter().map(|dep| dep.service));
            let mut rolled_back_by = vec![NONE; deps.len()];
            for &(prev, by) in &d.rollbacks {
                rolled_back_by[prev as usize] = by;
            }
            let changes = changes.join().ok().flatten();
            Some((changes?, fresh?, dep_range, rolled_back_by))
        })?;
        let (changes, change_range) = changes;
        if change_range.len() != ns {
            return None;
        }
        let old = View {
            deps: &d.deps,
            dep_range: &dep_range,
            rework: &d.rework,
            rolled_back_by: &rolled_back_by,
            changes: &changes,
            change_range: &change_range,
            incidents: &d.incidents,
        };
        let parts = splice(old, &fresh, &mask, dirty.without_service)?;
        // The old records go before the new ones are linked: half the peak memory.
        drop((changes, rolled_back_by, fresh));
        let services = d.services;
        drop((d.deps, d.rework, d.incidents, d.rollbacks));
        parts.assemble(&services)
    }
}

/// The dirty services as a mask, and those services linked alone.
fn link_dirty(dirty: &Dirty, mut facts: Facts) -> Option<(Vec<bool>, Linked)> {
    let ns = facts.services.len();
    let mut mask = vec![false; ns];
    for &s in &dirty.services {
        *mask.get_mut(s as usize)? = true;
    }
    let ours = |s: u32| mask.get(s as usize).copied().unwrap_or(false);
    facts.deployments.retain(|d| ours(d.service));
    facts.changes.retain(|c| ours(c.service));
    facts.incidents.retain(|i| match i.service {
        Some(s) => ours(s),
        None => dirty.without_service,
    });
    let fresh = Linked::new(facts);
    (fresh.services.len() == ns).then_some((mask, fresh))
}

/// The decisions of links, to assemble.
struct Parts {
    deps: Vec<Dep>,
    rollbacks: Vec<(u32, u32)>,
    rework: Vec<bool>,
    changes: Vec<Change>,
    change_range: Vec<(usize, usize)>,
    incidents: Vec<IncidentFact>,
}

impl Parts {
    fn assemble(self, services: &[ServiceInfo]) -> Option<Linked> {
        let Parts {
            deps,
            rollbacks,
            rework,
            changes,
            change_range,
            incidents,
        } = self;
        Linked::assemble(
            services.to_vec(),
            deps,
            &rollbacks,
            rework,
            incidents,
            move || Some((changes, change_range)),
        )
    }
}

/// `old` with the segments of the services in `mask` (and the incidents without a service
/// when `without_service`) taken from `fresh` instead.
fn splice(old: View, fresh: &Linked, mask: &[bool], without_service: bool) -> Option<Parts> {
    let ns = mask.len();
    if old.dep_range.len() != ns || old.change_range.len() != ns {
        return None;
    }
    let new = fresh.view();
    let fresh_deps: usize = (0..ns)
        .filter(|&s| mask[s])
        .map(|s| new.dep_range[s].1 - new.dep_range[s].0)
        .sum();
    let old_deps: usize = (0..ns)
        .filter(|&s| mask[s])
        .map(|s| old.dep_range[s].1 - old.dep_range[s].0)
        .sum();
    let n = old.deps.len() - old_deps + fresh_deps;
    let mut deps = Vec::with_capacity(n);
    let mut rework = Vec::with_capacity(n);
    let mut rollbacks = Vec::new();
    let mut changes = Vec::with_capacity(old.changes.len());
    let mut change_range = Vec::with_capacity(ns);
    for (s, &dirty) in mask.iter().enumerate() {
        let src = if dirty { &new } else { &old };
        let (a, b) = src.dep_range[s];
        let base = deps.len();
        deps.extend_from_slice(&src.deps[a..b]);
        rework.extend_from_slice(&src.rework[a..b]);
        for (i, &by) in src.rolled_back_by[a..b].iter().enumerate() {
            if by != NONE {
                // A rollback is a later success of the same service: in the same segment.
                let by = (by as usize).checked_sub(a).filter(|&k| k < b - a)?;
                rollbacks.push(((base + i) as u32, (base + by) as u32));
            }
        }
        let (a, b) = src.change_range[s];
        let first = changes.len();
        changes.extend_from_slice(&src.changes[a..b]);
        // An empty range is (0, 0), as `ranges` gives it.
        change_range.push(if a == b {
            (0, 0)
        } else {
            (first, first + (b - a))
        });
    }
    let is_dirty = |i: &IncidentFact| match i.service {
        Some(s) => mask.get(s as usize).copied().unwrap_or(false),
        None => without_service,
    };
    let mut incidents: Vec<IncidentFact> = old
        .incidents
        .iter()
        .filter(|i| !is_dirty(i))
        .chain(new.incidents.iter().filter(|i| is_dirty(i)))
        .copied()
        .collect();
    incidents.sort_unstable_by_key(|i| (i.created, i.id));
    Some(Parts {
        deps,
        rollbacks,
        rework,
        changes,
        change_range,
        incidents,
    })
}
