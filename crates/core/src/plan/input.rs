//! The planning picture: the releases, trains, dependencies and blackouts a plan check or a slip
//! works on.

use super::*;

/// Everything the planner reads, loaded by the store.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub releases: Vec<Release>,
    pub trains: Vec<Train>,
    pub dependencies: Vec<Edge>,
    /// `(work item id, release id)`: the releases a work item ships in.
    pub work_item_releases: Vec<(Id, Id)>,
    /// Display keys of work items (`ABC-123`, or `#id`).
    pub work_item_keys: BTreeMap<Id, String>,
    pub services: BTreeMap<Id, String>,
    pub freeze_windows: Vec<FreezeWindow>,
    pub holidays: Vec<Holiday>,
    pub milestones: Vec<Milestone>,
    /// The latest risk assessment per release: `(assessment id, effective class)`.
    pub risk: BTreeMap<Id, (Id, RiskClass)>,
}

impl PlanInput {
    /// The planning picture of an export document (the store loads the same from SQL).
    pub fn from_document(doc: &Document) -> Self {
        let services: BTreeMap<Id, String> = doc
            .services
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect();
        let service_by_key = |key: &str| {
            doc.services
                .iter()
                .find(|s| s.source_key.as_deref() == Some(key) || s.id.to_string() == key)
                .map(|s| s.id)
        };
        let release_by_key = |key: &str| {
            doc.releases
                .iter()
                .find(|r| r.source_key.as_deref() == Some(key) || r.id.to_string() == key)
                .map(|r| r.id)
        };
        let item_by_key = |key: &str| {
            doc.work_items
                .iter()
                .find(|w| w.source_key.as_deref() == Some(key) || w.id.to_string() == key)
                .map(|w| w.id)
        };
        let dependencies = doc
            .dependencies
            .iter()
            .filter_map(|d| {
                let kind = DepKind::parse(&d.kind)?;
                let find = |k: &str| match kind {
                    DepKind::Release => release_by_key(k),
                    DepKind::Service => service_by_key(k),
                    DepKind::WorkItem => item_by_key(k),
                };
                Some(Edge {
                    id: d.id,
                    kind,
                    blocker: find(&d.blocker)?,
                    blocked: find(&d.blocked)?,
                    note: d.note.clone(),
                })
            })
            .collect::<Vec<_>>();
        let linked: BTreeSet<Id> = dependencies
            .iter()
            .filter(|d| d.kind == DepKind::WorkItem)
            .flat_map(|d| [d.blocker, d.blocked])
            .collect();
        // The latest assessment is the last one appended (largest id), whatever its time.
        let mut risk: BTreeMap<Id, (Id, RiskClass)> = BTreeMap::new();
        for a in &doc.risk_assessments {
            let class = a.class_in_force();
            let newer = risk.get(&a.release_id).is_none_or(|(id, _)| a.id > *id);
            if newer {
                risk.insert(a.release_id, (a.id, class));
            }
        }
        let mut releases = doc.releases.clone();
        releases.sort_by_key(|r| r.id);
        PlanInput {
            releases,
            trains: doc.trains.clone(),
            work_item_releases: doc
                .work_items
                .iter()
                .filter(|w| linked.contains(&w.id))
                .flat_map(|w| w.release_ids.iter().map(move |r| (w.id, *r)))
                .collect(),
            work_item_keys: doc
                .work_items
                .iter()
                .filter(|w| linked.contains(&w.id))
                .map(|w| {
                    (
                        w.id,
                        w.source_key.clone().unwrap_or_else(|| format!("#{}", w.id)),
                    )
                })
                .collect(),
            dependencies,
            services,
            freeze_windows: doc.freeze_windows.clone(),
            holidays: doc.holidays.clone(),
            milestones: doc.milestones.clone(),
            risk,
        }
    }
}

/// A release-on-release constraint and the dependency records it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseEdge {
    pub blocker: Id,
    pub blocked: Id,
    pub via: Vec<Id>,
}

impl PlanInput {
    pub fn release(&self, id: Id) -> Option<&Release> {
        self.releases
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.releases[i])
    }

    pub(super) fn release_name(&self, id: Id) -> String {
        self.release(id)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| format!("release {id}"))
    }

    /// The display name of one end of a dependency.
    pub fn name_of(&self, kind: DepKind, id: Id) -> String {
        match kind {
            DepKind::Release => self.release_name(id),
            DepKind::Service => self
                .services
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("service {id}")),
            DepKind::WorkItem => self
                .work_item_keys
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}")),
        }
    }

    pub(super) fn train_rule(&self, r: &Release) -> Option<FreezeRule> {
        let tid = r.train_id?;
        self.trains
            .iter()
            .find(|t| t.id == tid)
            .map(|t| t.freeze_rule)
    }

    /// Release edges: direct ones, and work-item "blocks" links rolled up to the releases
    /// the two items ship in (A in R1 blocks B in R2 => R1 before R2).
    pub fn release_edges(&self) -> Vec<ReleaseEdge> {
        let mut items: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
        for &(w, r) in &self.work_item_releases {
            items.entry(w).or_default().push(r);
        }
        let mut edges: BTreeMap<(Id, Id), Vec<Id>> = BTreeMap::new();
        for d in &self.dependencies {
            match d.kind {
                DepKind::Release => edges.entry((d.blocker, d.blocked)).or_default().push(d.id),
                DepKind::WorkItem => {
                    for &ra in items.get(&d.blocker).into_iter().flatten() {
                        for &rb in items.get(&d.blocked).into_iter().flatten() {
                            if ra != rb {
                                edges.entry((ra, rb)).or_default().push(d.id);
                            }
                        }
                    }
                }
                DepKind::Service => {}
            }
        }
        edges
            .into_iter()
            .map(|((blocker, blocked), via)| ReleaseEdge {
                blocker,
                blocked,
                via,
            })
            .collect()
    }

    /// The graph of releases (rolled up), skipping cancelled releases.
    pub fn release_graph(&self) -> Graph {
        let live = |id: Id| {
            self.release(id)
                .is_some_and(|r| r.status != ReleaseStatus::Cancelled)
        };
        Graph::new(
            self.release_edges()
                .into_iter()
                .filter(|e| live(e.blocker) && live(e.blocked))
                .map(|e| (e.blocker, e.blocked)),
        )
    }

    pub fn kind_graph(&self, kind: DepKind) -> Graph {
        Graph::new(
            self.dependencies
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| (d.blocker, d.blocked)),
        )
    }

    /// Freeze windows and holidays.
    pub fn blackout_windows(&self) -> Vec<Blackout> {
        blackouts(&self.freeze_windows, &self.holidays)
    }
}
