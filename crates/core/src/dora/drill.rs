//! Drill-down: the ids of the records behind a number.

use super::*;

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

impl Linked {
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
}
