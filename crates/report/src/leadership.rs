//! The leadership report of a period: DORA headline numbers against the previous period,
//! trend charts, release delivery, readiness adherence, failure modes, change failures,
//! open action items, pipeline health and audit evidence completeness.
//!
//! Everything is computed from the export [`Document`] and the workspace [`Settings`] with
//! the DORA and pipeline functions of `switchyard-core` and the charts of this crate, so the
//! numbers are those `switchyard dora` prints. The rules for the non-DORA numbers are stated
//! in the report itself (see the `Note` blocks).

use crate::blocks::{Block, Figure, Line, ReportDoc, Span, Trend};
use crate::charts;
use chrono::{Days, NaiveDate, NaiveTime};
use std::collections::{BTreeMap, HashMap, HashSet};
use switchyard_core::cards::metric_cards;
use switchyard_core::delta::Verdict;
use switchyard_core::dora::{Bucket, Calendar, Drill, Facts, Linked, Metrics, Scope, SeriesEntry};
use switchyard_core::pipeline::{pipeline_health, PipelineHealth};
use switchyard_core::risk::RiskClass;
use switchyard_core::settings::{Cluster, Settings, Thresholds};
use switchyard_core::{
    ActionStatus, Document, Id, ItemState, Release, ReleaseStatus, ReleaseType, Timestamp,
};

mod ahead;
mod build;
mod error;
mod format;
mod governance;
mod how;
mod render;
mod summary;

pub use ahead::*;
pub use build::*;
pub use error::*;
pub use format::*;
pub(crate) use governance::*;
pub use summary::*;
