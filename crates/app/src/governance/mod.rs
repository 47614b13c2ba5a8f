//! Risk, readiness, go/no-go, hotfixes, change records and post-release reviews: the use
//! cases behind `switchyard risk|readiness|approve|decide|hotfix|change-record|review`.
//! Every change runs in one transaction together with its audit event; a refusal writes
//! nothing.

use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::{Days, Duration, NaiveDate};
use serde::Serialize;
use serde_json::json;
use switchyard_core::gonogo::{check_sod, missing_approvals};
use switchyard_core::people::check_person_sod;
use switchyard_core::readiness::{checklist_now, evaluate, percent_ready, template, RuleFacts};
use switchyard_core::risk::{assess, ApprovalRule, FactorScore, RiskClass, RiskPolicy};
use switchyard_core::*;
use switchyard_store::governance::{self as gov, Conn, ReleaseBrief};

/// `explicit` (`--as NAME`), else `$USER`, else `local`.
pub fn actor_name(explicit: Option<&str>) -> String {
    explicit
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .unwrap_or_else(crate::workspace::actor)
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

pub(crate) fn tx<T>(ws: &Workspace, f: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
    gov::transact(ws.store(), f)
}

use crate::audit::audit;

/// The release `key` names (see [`crate::lookup::resolve_release`]).
pub fn resolve_release(conn: &Conn, key: &str) -> Result<ReleaseBrief> {
    let (id, _) = crate::lookup::resolve_release(conn, key)?;
    Ok(gov::release_brief(conn, id)?)
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRef {
    pub id: Id,
    pub name: String,
    pub release_type: ReleaseType,
    pub status: ReleaseStatus,
    pub release_date: Option<NaiveDate>,
    pub services: Vec<String>,
}

impl From<&ReleaseBrief> for ReleaseRef {
    fn from(r: &ReleaseBrief) -> Self {
        ReleaseRef {
            id: r.id,
            name: r.name.clone(),
            release_type: r.release_type,
            status: r.status,
            release_date: r.release_date,
            services: r.services.clone(),
        }
    }
}

// ---- risk policy ----

/// The policy in force: the newest imported one, else the built-in default.
pub fn policy(conn: &Conn) -> Result<RiskPolicy> {
    Ok(gov::current_policy(conn)?.unwrap_or_default())
}

impl Workspace {
    pub fn risk_policy_toml(&self) -> Result<String> {
        Ok(policy(self.store().conn())?.to_toml())
    }

    /// Parses, validates and stores a policy file; a bad file changes nothing.
    pub fn import_risk_policy(
        &self,
        text: &str,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<RiskPolicy> {
        let new = RiskPolicy::from_toml(text).map_err(|e| invalid(e.0))?;
        tx(self, |c| {
            let before = gov::current_policy(c)?;
            let id = gov::insert_policy(c, &new, clock.now(), actor)?;
            audit(
                c,
                clock,
                actor,
                "risk.policy_import",
                "risk_policy",
                id,
                before.map(|p| json!(p)),
                Some(json!(new)),
            )?;
            Ok(new.clone())
        })
    }
}

mod ahead;
mod change_records;
mod gonogo;
mod hotfix;
mod readiness;
mod review;
mod reviews;
mod risk;

pub use ahead::{is_live, AheadItem, AheadView};
pub use change_records::*;
pub use gonogo::ReopenedApproval;
use gonogo::*;
pub use hotfix::*;
pub use readiness::*;
pub use review::*;
pub use reviews::*;
pub use risk::*;
