//! Deployments and incidents ingested from files of other tools (`switchyard ingest`): the
//! records as a file's rows give them, once checked. The parsing is in `app::ingest`, the
//! writing in `store::ingest`.

use crate::{Outcome, Timestamp};

/// One deployment row of an ingest file.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestDeployment {
    pub service: String,
    pub environment: String,
    pub sha: String,
    /// Success or failure (a file never holds a pending deployment).
    pub outcome: Outcome,
    pub time: Timestamp,
    /// The record's key in the tool that made it (unique within the file's origin).
    pub key: String,
    pub git_ref: Option<String>,
    pub creator: Option<String>,
    pub url: Option<String>,
}

/// One incident row of an ingest file.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestIncident {
    pub service: String,
    pub key: String,
    pub title: String,
    pub created_at: Timestamp,
    /// None: still open.
    pub resolved_at: Option<Timestamp>,
    pub severity: Option<String>,
    pub url: Option<String>,
}

/// The source key of an ingested record: its origin (the file's `--source`) and its key.
pub fn import_key(origin: &str, key: &str) -> String {
    format!("{origin}:{key}")
}

/// What an ingest wrote, or would write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestCounts {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Services the file named that the workspace did not have, in the file's order.
    pub services_created: Vec<String>,
}
