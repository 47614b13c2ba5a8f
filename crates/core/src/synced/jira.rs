//! Jira records as the sync hands them over: versions become releases, issues work items
//! (with their status transitions, blocking links and, for incidents, an incident).

use super::{Cursor, SinkError};
use crate::vocab::StatusCategory;
use crate::Timestamp;
use chrono::NaiveDate;

/// A Jira version (a release), by its source key `PROJECT:versionId`.
#[derive(Debug, Clone, PartialEq)]
pub struct JiraRelease {
    pub source_key: String,
    pub name: String,
    pub description: String,
    pub start_date: Option<NaiveDate>,
    pub release_date: Option<NaiveDate>,
    pub released: bool,
    pub archived: bool,
}

/// One status change of an issue.
#[derive(Debug, Clone, PartialEq)]
pub struct JiraTransition {
    pub at: Timestamp,
    pub from: Option<String>,
    pub to: String,
    pub actor: Option<String>,
    pub history_id: Option<String>,
}

/// A blocking link between two issues (by key).
#[derive(Debug, Clone, PartialEq)]
pub struct JiraLink {
    pub link_id: String,
    pub blocker: String,
    pub blocked: String,
}

/// One issue, as a work item.
#[derive(Debug, Clone, PartialEq)]
pub struct JiraIssue {
    pub key: String,
    pub issue_id: String,
    pub project: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub status_category: StatusCategory,
    pub priority: Option<String>,
    /// The service (created when missing).
    pub service: String,
    pub labels: Vec<String>,
    pub author: Option<String>,
    pub assignee: Option<String>,
    pub url: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub description: String,
    /// fixVersions, as releases (created when the listing did not have them).
    pub releases: Vec<JiraRelease>,
    /// `None`: keep the stored transitions (the changelog was not fetched).
    pub transitions: Option<Vec<JiraTransition>>,
    pub links: Vec<JiraLink>,
    pub incident: bool,
}

/// One page of issues of a project and the cursor after it.
#[derive(Debug, Clone, PartialEq)]
pub struct JiraIssuePage {
    pub project: String,
    /// The id of the run: every issue written is marked as seen by it.
    pub run: String,
    pub issues: Vec<JiraIssue>,
    /// The last page of a full run: the project's issues this run did not see are marked as
    /// gone from Jira (at the cursor's time).
    pub mark_vanished: bool,
    pub cursor: Cursor,
}

/// Where a Jira sync writes.
pub trait JiraSink {
    /// The cursor of `scope`, as last committed.
    fn jira_cursor(&mut self, scope: &str) -> Result<Option<String>, SinkError>;
    /// The stored `updated` time of an issue, to skip fetching what did not change.
    fn jira_updated_at(&mut self, key: &str) -> Result<Option<Timestamp>, SinkError>;
    /// The versions of a project and the cursor after them, in one transaction.
    fn commit_jira_versions(
        &mut self,
        releases: &[JiraRelease],
        cursor: &Cursor,
    ) -> Result<(), SinkError>;
    /// A page of issues (links written after all of the page's issues) and the cursor after
    /// it, in one transaction. Returns how many issues were marked as gone.
    fn commit_jira_issues(&mut self, page: &JiraIssuePage) -> Result<u64, SinkError>;
}
