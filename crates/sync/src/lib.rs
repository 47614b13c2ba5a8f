//! Connectors that bring Jira and GitHub into the workspace. They speak HTTP and hand what
//! they read to a sink (`switchyard_core::synced`, implemented by the store): each page of
//! remote data and its cursor are committed in one transaction, so a killed sync resumes
//! where it stopped and never half-writes. Progress goes to a `Progress` sink; a `Cancel`
//! flag stops a sync between pages.
//!
//! Both connectors have the same shape: `sync(sink, options, secret, now, progress,
//! cancel) -> Result<Summary, SyncError>`.

mod error;
pub mod github;
pub mod jira;
mod json;
pub mod progress;

#[cfg(test)]
mod props;

pub use error::{Remote, SyncError};
pub use progress::{Cancel, Progress, ProgressEvent};
pub use switchyard_core::synced::{GithubSink, JiraSink, Secret, SinkError};
