//! The Jira sync use case, shared by the CLI (`switchyard sync jira`) and the app's sync
//! screen: the token from `SWITCHYARD_JIRA_TOKEN` or the keyring, the sync on its own
//! connection to the workspace (the store is the sync's sink), progress to a sink, a cancel
//! flag, and `SyncError`s mapped to stable codes (`crate::error`). The token never reaches the database, logs or error text.

use crate::secrets::{load_token, Origin, Secret, TokenFor};
use crate::{AppError, Clock, ErrorCode, Result};
use std::path::Path;
use switchyard_store::Store;
pub use switchyard_sync::jira::{Deployment, JiraOptions, JiraSummary, ProjectSummary};
pub use switchyard_sync::{Cancel, Progress, ProgressEvent};

/// Tracing directives every subscriber adds, whatever `RUST_LOG` says: the HTTP layers
/// under the syncs never log below `info` (ureq-proto hex-dumps whole requests, tokens
/// included, at trace; the others may print headers at debug or trace).
pub const HTTP_LOG_CAPS: [&str; 8] = [
    "ureq=info",
    "ureq_proto=info",
    "hyper=info",
    "hyper_util=info",
    "h2=info",
    "octocrab=info",
    "tower_http=info",
    "rustls=info",
];

/// Syncs Jira into the workspace at `path`. `token`: `None` reads it from the environment
/// or the keyring.
pub fn sync_jira(
    path: &Path,
    opts: &JiraOptions,
    token: Option<Secret>,
    clock: &dyn Clock,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<JiraSummary> {
    // Checked before anything is sent: no user or password in it, https unless loopback.
    let origin = Origin::of("the Jira URL", &opts.url)?;
    let token = match token {
        Some(t) => t,
        None => load_token(TokenFor::Jira, &origin)?.ok_or_else(|| {
            AppError::new(
                ErrorCode::JiraAuth,
                format!(
                    "no Jira token for {origin}: none is stored in the keyring for that host and SWITCHYARD_JIRA_TOKEN is not set"
                ),
            )
            .about("jira_token")
        })?,
    };
    let mut store = Store::open(path)?;
    let summary = crate::sync_audit::audited(
        &mut store,
        clock,
        "jira",
        origin.as_str(),
        &opts.projects,
        |store| {
            Ok(switchyard_sync::jira::sync(
                store,
                opts,
                Some(&token),
                clock.now(),
                progress,
                cancel,
            )?)
        },
    )?;
    crate::dora::link_after_sync(&store);
    Ok(summary)
}
