//! GitHub records as the sync hands them over. A repository is a service; releases (and
//! tags without one), pull requests, incident issues, deployments and workflow runs become
//! the workspace's records, keyed by (source `github`, source key).

use super::{Cursor, SinkError};
use crate::vocab::{Outcome, ReleaseStatus, StatusCategory};
use crate::Timestamp;
use chrono::NaiveDate;

/// The id of a repository's service in the workspace.
pub type ServiceId = i64;

#[derive(Debug, Clone, PartialEq)]
pub struct GithubRelease {
    pub key: String,
    pub name: String,
    pub version: String,
    pub status: ReleaseStatus,
    pub released: bool,
    pub release_date: Option<NaiveDate>,
    pub description: String,
}

/// A tag without a release: becomes a release unless one of that key exists.
#[derive(Debug, Clone, PartialEq)]
pub struct GithubTag {
    pub key: String,
    pub tag: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GithubPull {
    pub key: String,
    pub title: String,
    pub status: &'static str,
    pub status_category: StatusCategory,
    pub labels: Vec<String>,
    pub author: Option<String>,
    pub assignee: Option<String>,
    pub url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub merged_at: Option<Timestamp>,
    /// `None` keeps what is stored (the commits were not fetched).
    pub first_commit_at: Option<Timestamp>,
    pub base_branch: Option<String>,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
    pub changed_files: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GithubIncident {
    pub key: String,
    pub title: String,
    pub severity: Option<String>,
    pub created_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GithubDeployment {
    pub key: String,
    pub environment: String,
    pub production: bool,
    pub sha: String,
    pub git_ref: Option<String>,
    pub creator: Option<String>,
    pub outcome: Outcome,
    pub time: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// A deployment's outcome read again (it was pending).
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentOutcome {
    pub key: String,
    pub outcome: Outcome,
    pub time: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GithubRun {
    pub key: String,
    pub workflow: String,
    pub head_sha: String,
    pub event: String,
    pub status: String,
    pub conclusion: Option<String>,
    pub attempt: i64,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

/// The records of one page of one list.
#[derive(Debug, Clone, PartialEq)]
pub enum GithubRecords {
    Releases(Vec<GithubRelease>),
    Tags(Vec<GithubTag>),
    Pulls(Vec<GithubPull>),
    Incidents(Vec<GithubIncident>),
    Deployments(Vec<GithubDeployment>),
    Runs(Vec<GithubRun>),
}

/// One page of a repository's list and the cursor after it.
#[derive(Debug, Clone, PartialEq)]
pub struct GithubPage {
    pub service: ServiceId,
    pub records: GithubRecords,
    pub cursor: Cursor,
}

/// Kinds of record whose presence a sync asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GithubKind {
    Release,
    PipelineRun,
}

/// Where a GitHub sync writes.
pub trait GithubSink {
    /// The cursor of `scope` (`owner/name/<list>`), as last committed.
    fn github_cursor(&mut self, scope: &str) -> Result<Option<String>, SinkError>;
    /// The service of the repository `owner/name`: the existing one of that name (local or
    /// synced), else a new GitHub service.
    fn github_service(&mut self, repo: &str) -> Result<ServiceId, SinkError>;
    /// How many of `keys` the workspace does not hold yet as `kind`.
    fn github_unknown(&mut self, kind: GithubKind, keys: &[String]) -> Result<usize, SinkError>;
    /// A page and the cursor after it, in one transaction. Returns how many records were
    /// new (releases and tags; the page's length for the other lists).
    fn commit_github_page(&mut self, page: &GithubPage) -> Result<u64, SinkError>;
    /// Source keys of the service's GitHub deployments whose outcome is still pending.
    fn github_pending_deployments(&mut self, service: ServiceId) -> Result<Vec<String>, SinkError>;
    /// New outcomes of deployments that were pending, in one transaction.
    fn set_github_deployment_outcomes(
        &mut self,
        outcomes: &[DeploymentOutcome],
    ) -> Result<(), SinkError>;
}
