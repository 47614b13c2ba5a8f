//! The governance numbers of a period: readiness adherence, approvals and decisions on time, open
//! action items, evidence completeness.

use super::*;

/// Done or not applicable: nothing left to do on the item.
pub(super) fn settled(state: ItemState) -> bool {
    match state {
        ItemState::Done | ItemState::NotApplicable => true,
        ItemState::Pending | ItemState::Blocked => false,
    }
}

/// Facts every report needs about a release's governance records.
pub(crate) struct Governance<'a> {
    doc: &'a Document,
    checklist: HashMap<Id, &'a switchyard_core::Checklist>,
    decision: HashMap<Id, &'a switchyard_core::Decision>,
    risk: HashMap<Id, &'a switchyard_core::RiskAssessment>,
    linked: HashSet<Id>,
}

impl<'a> Governance<'a> {
    pub(crate) fn new(doc: &'a Document) -> Self {
        let mut checklist = HashMap::new();
        for c in &doc.checklists {
            // The latest checklist (largest id) of a release counts.
            checklist.insert(c.release_id, c);
        }
        let mut decision: HashMap<Id, &switchyard_core::Decision> = HashMap::new();
        for d in &doc.decisions {
            let newer = decision.get(&d.release_id).is_none_or(|o| d.id > o.id);
            if newer {
                decision.insert(d.release_id, d);
            }
        }
        let mut risk: HashMap<Id, &switchyard_core::RiskAssessment> = HashMap::new();
        for a in &doc.risk_assessments {
            let newer = risk.get(&a.release_id).is_none_or(|o| a.id > o.id);
            if newer {
                risk.insert(a.release_id, a);
            }
        }
        let mut linked: HashSet<Id> = doc
            .work_items
            .iter()
            .flat_map(|w| w.release_ids.iter().copied())
            .collect();
        linked.extend(
            doc.change_records
                .iter()
                .filter(|c| !c.changes.is_empty())
                .map(|c| c.release_id),
        );
        Self {
            doc,
            checklist,
            decision,
            risk,
            linked,
        }
    }

    pub(crate) fn risk_class(&self, release: Id) -> Option<RiskClass> {
        self.risk.get(&release).map(|a| a.class_in_force())
    }

    /// A go decision whose approvals meet the policy for the release's risk class (at least
    /// one approver where there is no policy or class).
    pub(crate) fn approvals_complete(&self, release: Id) -> bool {
        self.approvals_complete_for(release, self.risk_class(release))
    }

    /// [`Self::approvals_complete`] under the risk class `class`.
    pub(crate) fn approvals_complete_for(&self, release: Id, class: Option<RiskClass>) -> bool {
        let Some(d) = self.decision.get(&release) else {
            return false;
        };
        if !d.outcome.ships() {
            return false;
        }
        let approvers: HashSet<&str> = d.approvals.iter().map(|a| a.approver.as_str()).collect();
        let roles: HashSet<&str> = d.approvals.iter().map(|a| a.role.as_str()).collect();
        let policy = self.doc.risk_policies.iter().max_by_key(|p| p.id);
        match (policy, class) {
            (Some(p), Some(class)) => {
                let rule = p.policy.approvals.for_class(class);
                approvers.len() >= rule.count.max(1) as usize
                    && rule.roles.iter().all(|r| roles.contains(r.as_str()))
            }
            _ => !approvers.is_empty(),
        }
    }

    pub(crate) fn checks_complete(&self, release: Id) -> bool {
        self.checklist
            .get(&release)
            .is_some_and(|c| !c.items.is_empty() && c.items.iter().all(|i| settled(i.state)))
    }

    pub(crate) fn changes_linked(&self, release: Id) -> bool {
        self.linked.contains(&release)
    }

    /// Complete by the end of `day`: every item done or not applicable, the last of them
    /// set by then.
    pub(crate) fn ready_by(&self, release: Id, day: NaiveDate) -> Option<(bool, f64)> {
        let c = self.checklist.get(&release)?;
        if c.items.is_empty() {
            return None;
        }
        let limit = end_of(day);
        let ok = c
            .items
            .iter()
            .filter(|i| settled(i.state) && i.updated_at < limit)
            .count();
        Some((
            ok == c.items.len(),
            100.0 * ok as f64 / c.items.len() as f64,
        ))
    }
}
