//! One error for both connectors. The app maps each variant (and its remote) to the stable
//! codes users see: `jira_auth`, `jira_rate_limited`, `jira_unavailable`,
//! `jira_bad_response`, `jira_request`, `github_auth`, `github_forbidden`,
//! `github_rate_limited`, `github_unavailable`, `github_bad_response`, `not_found`,
//! `invalid_input`, `cancelled`, and the store's codes for a sink's error.

use serde::Serialize;
use std::fmt;
use switchyard_core::synced::SinkError;

/// Which remote a sync talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Remote {
    Jira,
    Github,
}

impl fmt::Display for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Remote::Jira => "Jira",
            Remote::Github => "GitHub",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The credentials were refused (401; Jira's 403 too): the token is missing, wrong or
    /// expired.
    #[error("{message}")]
    Auth { remote: Remote, message: String },
    /// A GitHub 403 that is not a rate limit: the token lacks a permission.
    #[error("{message}")]
    Forbidden { remote: Remote, message: String },
    #[error("{0}")]
    NotFound(String),
    /// The remote turned a request down (another 4xx) and said why.
    #[error("{remote} rejected {what} (HTTP {status}): {messages}")]
    Rejected {
        remote: Remote,
        what: String,
        status: u16,
        messages: String,
    },
    /// A rate limit that did not lift after the waits allowed.
    #[error("{message}")]
    RateLimited { remote: Remote, message: String },
    /// 5xx or network failures after the retries.
    #[error("{message}")]
    Unavailable { remote: Remote, message: String },
    /// An answer Switchyard cannot read (or an unexpected status).
    #[error("{message}")]
    BadResponse { remote: Remote, message: String },
    /// What the sync was asked is not valid; `field` names the input to look at.
    #[error("{message}")]
    Invalid {
        message: String,
        field: Option<&'static str>,
    },
    #[error("the {0} sync was cancelled; the pages committed so far stay, and the next sync resumes there")]
    Cancelled(Remote),
    /// The workspace could not be read or written.
    #[error(transparent)]
    Sink(#[from] SinkError),
}

impl SyncError {
    pub(crate) fn invalid(message: impl Into<String>, field: &'static str) -> Self {
        SyncError::Invalid {
            message: message.into(),
            field: Some(field),
        }
    }
}
