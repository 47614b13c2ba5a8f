//! The workspace settings as a person changes them (audited), and the deploy-workflow
//! rules of the Sync screen: which GitHub Actions runs are deployments
//! (`deployment_workflows`), previewed against the synced runs before they are saved.

use crate::audit::audit;
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchyard_core::deploy_runs::RunDeployment;
use switchyard_core::settings::{DeployRule, Settings};
use switchyard_core::Outcome;
use ts_rs::TS;

/// At most this many runs go to the window in a preview.
pub const PREVIEW_ROWS: usize = 200;

/// The rules as the Sync screen shows them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DeployRulesView {
    pub rules: Vec<DeployRule>,
    /// The environments that count as production (the `production_environments` setting).
    pub production_environments: Vec<String>,
    /// Deployments derived from workflow runs in the workspace now.
    #[ts(type = "number")]
    pub derived: u64,
    /// GitHub workflow runs synced (what rules can match).
    #[ts(type = "number")]
    pub runs: u64,
}

/// The runs some rules would count, before they are saved.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DeployPreview {
    /// Newest first, the first [`PREVIEW_ROWS`].
    pub rows: Vec<RunDeployment>,
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub successes: u64,
    #[ts(type = "number")]
    pub failures: u64,
    #[ts(type = "number")]
    pub production: u64,
    /// How many runs each rule counts, by the rule's place in the list.
    #[ts(type = "Array<number>")]
    pub per_rule: Vec<u64>,
}

/// The rules to preview or save.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
pub struct DeployRulesInput {
    pub rules: Vec<DeployRule>,
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

fn json_err(e: serde_json::Error) -> AppError {
    AppError::new(ErrorCode::Internal, e.to_string())
}

/// The value at a dotted settings key.
fn at(doc: &Value, key: &str) -> Value {
    key.split('.')
        .try_fold(doc, |v, part| v.get(part))
        .cloned()
        .unwrap_or(Value::Null)
}

impl Workspace {
    /// Sets one setting by its dotted name and stores the result, in one transaction with
    /// its audit event (`settings.set`, the key's value before and after). A change of the
    /// deploy-workflow rules or of the production environments derives the deployments of
    /// the synced workflow runs again in that transaction (no sync).
    pub fn set_setting(
        &self,
        key: &str,
        value: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Settings> {
        let mut s = self.settings()?;
        s.set(key, value).map_err(|e| invalid(e.to_string()))?;
        self.save_settings_audited(key, s, clock, actor)
    }

    fn save_settings_audited(
        &self,
        key: &str,
        next: Settings,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Settings> {
        next.validate().map_err(|e| invalid(e.to_string()))?;
        self.store().transact(|tx| -> Result<()> {
            // Read inside the write lock: another process may have changed them since.
            let before = switchyard_store::deploy_runs::settings_on(tx)?;
            let (b, a) = (
                serde_json::to_value(&before).map_err(json_err)?,
                serde_json::to_value(&next).map_err(json_err)?,
            );
            if b == a {
                return Ok(());
            }
            self.store().save_settings(&next)?;
            let mut after = serde_json::json!({ key: at(&a, key) });
            if before.deployment_workflows != next.deployment_workflows
                || before.production_environments != next.production_environments
            {
                let r = switchyard_store::deploy_runs::rederive(tx, &next, None)?;
                after["derived_deployments"] = serde_json::json!({
                    "deployments": r.deployments,
                    "removed": r.removed,
                });
            }
            audit(
                tx,
                clock,
                actor,
                "settings.set",
                "settings",
                Some(key.to_string()),
                Some(serde_json::json!({ key: at(&b, key) })),
                Some(after),
            )?;
            Ok(())
        })?;
        Ok(next)
    }

    /// The deploy-workflow rules and what they count now.
    pub fn deploy_rules(&self) -> Result<DeployRulesView> {
        let s = self.settings()?;
        let (derived, runs) = switchyard_store::deploy_runs::counts(self.store().conn())?;
        Ok(DeployRulesView {
            derived,
            runs,
            rules: s.deployment_workflows,
            production_environments: s.production_environments,
        })
    }

    /// The runs `rules` would count as deployments, without saving anything.
    pub fn preview_deploy_rules(&self, rules: Vec<DeployRule>) -> Result<DeployPreview> {
        let mut s = self.settings()?;
        s.deployment_workflows = rules;
        s.validate().map_err(|e| invalid(e.to_string()))?;
        let all = switchyard_store::deploy_runs::preview(self.store().conn(), &s)?;
        let mut per_rule = vec![0; s.deployment_workflows.len()];
        for d in &all {
            per_rule[d.rule as usize] += 1;
        }
        let n = |f: &dyn Fn(&RunDeployment) -> bool| all.iter().filter(|d| f(d)).count() as u64;
        Ok(DeployPreview {
            total: all.len() as u64,
            successes: n(&|d| d.outcome == Outcome::Success),
            failures: n(&|d| d.outcome == Outcome::Failure),
            production: n(&|d| d.production),
            per_rule,
            rows: all.into_iter().take(PREVIEW_ROWS).collect(),
        })
    }

    /// Saves the deploy-workflow rules (audited) and derives the deployments again.
    pub fn save_deploy_rules(
        &self,
        rules: Vec<DeployRule>,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<DeployRulesView> {
        let mut s = self.settings()?;
        s.deployment_workflows = rules;
        self.save_settings_audited("deployment_workflows", s, clock, actor)?;
        self.deploy_rules()
    }
}
