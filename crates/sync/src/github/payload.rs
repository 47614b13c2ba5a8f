//! The parts of GitHub's answers Switchyard reads, decoded leniently: real answers from
//! 2013 to 2025 differ (no `node_id` before 2017, no workflow run `name` in 2020), so every
//! field that is not essential is optional, and unknown fields are ignored.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

pub type Ts = DateTime<Utc>;

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub login: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Label {
    Object { name: String },
    Name(String),
}

impl Label {
    pub fn name(&self) -> &str {
        match self {
            Label::Object { name } | Label::Name(name) => name,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Branch {
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
}

/// An item of `GET /repos/{o}/{r}/pulls` (pull-request-simple; no `merged` flag).
#[derive(Debug, Clone, Deserialize)]
pub struct Pull {
    pub number: u64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub state: String,
    pub html_url: Option<String>,
    pub user: Option<User>,
    pub assignee: Option<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub closed_at: Option<Ts>,
    pub merged_at: Option<Ts>,
    pub base: Option<Branch>,
    pub draft: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GitActor {
    pub date: Option<Ts>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitInner {
    pub author: Option<GitActor>,
    pub committer: Option<GitActor>,
}

/// An item of `GET /repos/{o}/{r}/pulls/{n}/commits`.
#[derive(Debug, Clone, Deserialize)]
pub struct PullCommit {
    pub commit: CommitInner,
}

impl PullCommit {
    pub fn time(&self) -> Option<Ts> {
        self.commit
            .author
            .as_ref()
            .and_then(|a| a.date)
            .or_else(|| self.commit.committer.as_ref().and_then(|c| c.date))
    }
}

/// An item of `GET /repos/{o}/{r}/issues` (which also lists pull requests).
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    pub number: u64,
    #[serde(default)]
    pub title: String,
    pub html_url: Option<String>,
    #[serde(default)]
    pub labels: Vec<Label>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub closed_at: Option<Ts>,
    /// Present (any value) on pull requests.
    pub pull_request: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Release {
    pub tag_name: String,
    pub name: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub prerelease: bool,
    pub created_at: Option<Ts>,
    pub published_at: Option<Ts>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Deployment {
    pub id: u64,
    /// The GraphQL node id (none before 2017).
    pub node_id: Option<String>,
    #[serde(default)]
    pub sha: String,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    pub environment: Option<String>,
    pub production_environment: Option<bool>,
    pub creator: Option<User>,
    pub created_at: Ts,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeploymentStatus {
    pub state: String,
    pub created_at: Ts,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Run {
    pub id: u64,
    pub name: Option<String>,
    pub path: Option<String>,
    pub workflow_id: Option<u64>,
    #[serde(default)]
    pub head_sha: String,
    #[serde(default)]
    pub event: String,
    pub status: Option<String>,
    pub conclusion: Option<String>,
    pub run_attempt: Option<i64>,
    pub run_started_at: Option<Ts>,
    pub created_at: Ts,
    pub updated_at: Option<Ts>,
}

impl Run {
    pub fn workflow(&self) -> String {
        self.name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| self.path.clone())
            .or_else(|| self.workflow_id.map(|id| format!("workflow {id}")))
            .unwrap_or_else(|| "workflow".into())
    }

    pub fn attempt(&self) -> i64 {
        self.run_attempt.unwrap_or(1).max(1)
    }

    pub fn finished(&self) -> bool {
        self.status.as_deref() == Some("completed")
    }
}

/// Decodes the items of a list page one by one: an item GitHub shaped unexpectedly is
/// skipped with a warning, not the whole page.
pub fn items<T: serde::de::DeserializeOwned>(values: Vec<Value>, what: &str) -> Vec<T> {
    values
        .into_iter()
        .filter_map(|v| match serde_json::from_value::<T>(v) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(what, error = %e, "github: skipped an item it cannot read");
                None
            }
        })
        .collect()
}
