//! Connectors that bring Jira and GitHub into the workspace. Each page of remote data and
//! its cursor are committed in one transaction, so a killed sync resumes where it stopped
//! and never half-writes. Progress goes to a `Progress` sink; a `Cancel` flag stops a sync
//! between pages.

pub mod github;
pub mod jira;
pub mod progress;

pub use progress::{Cancel, Progress, ProgressEvent};
