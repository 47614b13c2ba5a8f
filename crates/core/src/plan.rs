//! The planning core (no I/O): dependency graphs and their cycles, topological order
//! (`graph`), the planning picture (`input`), the critical path that sets a release's date
//! (`critical`), slip propagation (`slip`), and the conflicts `plan check` reports
//! (`conflicts`). A train's calendar is generated in [`crate::cadence`].
//!
//! Dependencies are edges `blocker -> blocked` ("blocked needs blocker first"). Release
//! edges are direct; work-item edges (Jira "blocks" links) roll up to the releases the two
//! items ship in; service edges order no dates but make two releases "dependent" for the
//! risk-overlap check.

use crate::cadence::apply_freeze_rule;
use crate::model::*;
use crate::vocab::*;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

mod conflicts;
mod critical;
mod graph;
mod input;
mod slip;
mod slot;

use crate::cadence::blackout_at;
pub use crate::cadence::{
    blackouts, milestone_dates, milestone_template, plan_train, PlannedRelease,
};
pub use conflicts::*;
pub use critical::*;
pub use graph::*;
pub use input::*;
pub use slip::*;
pub use slot::*;

#[cfg(test)]
mod tests;
