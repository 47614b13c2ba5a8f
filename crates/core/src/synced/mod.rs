//! What the Jira and GitHub syncs hand over to the workspace, and the traits they hand it
//! through. The connectors (crates/sync) fill these records from the wire; the store
//! (crates/store) implements the sinks with its SQL. Types only: nothing here does I/O.
//!
//! Every `commit_*` method is one transaction holding a page of records and the cursor
//! after it, so a killed sync resumes at the page after the last committed one.

pub mod github;
pub mod jira;

use crate::Timestamp;
use std::fmt;
use zeroize::Zeroizing;

pub use github::GithubSink;
pub use jira::JiraSink;

/// The cursor of a list (`KEY/issues`, `owner/name/pulls`...) after a page, as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub scope: String,
    pub value: String,
    /// When it was written.
    pub at: Timestamp,
}

/// A sink could not read or write the workspace (the message says why).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SinkError {
    pub message: String,
    /// Set when the file could not be written at all (read-only, disk full): the caller
    /// reports it with its own code instead of a database error.
    pub storage: Option<StorageProblem>,
}

/// Why a workspace could not be written, when it is the file's place and not its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageProblem {
    /// The file, its folder or its disk is read-only.
    ReadOnly,
    /// The disk holding it is full.
    DiskFull,
}

/// An API token (Jira's API token or personal access token, GitHub's token). It prints as
/// `***`, cannot be serialised, and its bytes are wiped (`zeroize`) when it is dropped; it
/// never reaches SQLite, logs, exports or error text.
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The token itself, for the one place that puts it into an Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_its_value() {
        let s = Secret::new("ghp_very_secret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "ghp_very_secret");
    }
}
