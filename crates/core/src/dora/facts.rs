//! The records DORA counts, reduced to plain facts: production deployments with an outcome,
//! changes, incidents and services.

use super::*;

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
    /// Facts from export records. [`crate::settings::Settings::is_production`] decides
    /// production. Pending deployments, deployments without a time, and pull requests not
    /// merged are no facts; a repository with deployments of both kinds (from workflow runs
    /// and from the Deployments API) keeps the kind its rule prefers
    /// ([`crate::deploy_runs::preferred`]).
    pub fn from_records(
        services: &[Service],
        deployments: &[Deployment],
        work_items: &[WorkItem],
        incidents: &[Incident],
        settings: &crate::settings::Settings,
    ) -> Facts {
        let is_production = |flag: bool, env: &str| settings.is_production(flag, env);
        let mut from_run = Vec::new();
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
            from_run.push(crate::deploy_runs::is_run_deployment(
                d.source,
                d.source_key.as_deref(),
            ));
            facts.deployments.push(DeployFact {
                id: d.id,
                service,
                time: time.timestamp(),
                success,
                sha: sha_key(&d.sha),
            });
        }
        facts.keep_preferred(&settings.deployment_workflows, &from_run);
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

impl Facts {
    /// Drops, for each service with deployments of both kinds, the kind its
    /// `deployment_workflows` rule does not prefer. `from_run[i]` says whether
    /// `deployments[i]` was derived from a workflow run.
    pub fn keep_preferred(&mut self, rules: &[crate::settings::DeployRule], from_run: &[bool]) {
        if rules.is_empty() || !from_run.contains(&true) {
            return;
        }
        let Ok(rules) = crate::deploy_runs::Rules::new(rules) else {
            return;
        };
        let deps = &self.deployments;
        let services = &self.services;
        let keep = crate::deploy_runs::preferred(
            &rules,
            from_run,
            |i| deps[i].service,
            |s| services[s as usize].name.clone(),
        );
        let mut i = 0;
        self.deployments.retain(|_| {
            i += 1;
            keep[i - 1]
        });
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
