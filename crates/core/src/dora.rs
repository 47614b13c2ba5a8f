//! DORA metrics exactly as docs/metrics.md defines them, as pure functions over plain records.
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

mod count;
mod drill;
mod facts;
mod link;
mod metrics;
mod relink;
mod stats;
mod time;

pub use drill::*;
pub use facts::*;
pub use link::*;
pub use metrics::*;
pub use relink::*;
pub use stats::*;
pub use time::*;

/// All of it in one call: facts to the document.
pub fn compute(facts: Facts, cal: &Calendar, scope: &Scope, th: &Thresholds) -> Report {
    Linked::new(facts).report(cal, scope, th)
}

mod bytes;

#[cfg(test)]
mod tests;
