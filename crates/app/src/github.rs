//! The GitHub sync use case, shared by the CLI (`switchyard sync github`) and the app: the
//! token from `SWITCHYARD_GITHUB_TOKEN`, `GITHUB_TOKEN` (for api.github.com only, with a
//! warning) or the keyring entry of the API URL's host, the sync on its own
//! connection (the store is the sync's sink), progress to a sink, a cancel flag, and
//! `SyncError`s mapped to stable codes
//! (`github_auth`, `github_forbidden`, `github_rate_limited`, `github_unavailable`,
//! `not_found`). The token never reaches the database, logs or error text.

use crate::secrets::{load_token, Origin, Secret, TokenFor};
use crate::{Clock, Result};
use std::path::Path;
use switchyard_store::Store;
pub use switchyard_sync::github::{GithubOptions, GithubSummary};
pub use switchyard_sync::{Cancel, Progress, ProgressEvent};

/// Syncs GitHub into the workspace at `path`. `token`: `None` reads it from the environment
/// or the keyring; GitHub is asked without a token when there is none (public repositories,
/// a low rate limit).
pub fn sync_github(
    path: &Path,
    opts: &GithubOptions,
    token: Option<Secret>,
    clock: &dyn Clock,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<GithubSummary> {
    // Checked before anything is sent: no user or password in it, https unless loopback.
    let origin = Origin::of("the GitHub API URL", &opts.api_url)?;
    let token = match token {
        Some(t) => Some(t),
        None => load_token(TokenFor::Github, &origin)?,
    };
    if token.is_none() {
        tracing::warn!("no GitHub token; asking GitHub anonymously");
    }
    let mut store = Store::open(path)?;
    let summary = crate::sync_audit::audited(
        &mut store,
        clock,
        "github",
        origin.as_str(),
        &opts.repos,
        |store| {
            Ok(switchyard_sync::github::sync(
                store,
                opts,
                token.as_ref(),
                clock.now(),
                progress,
                cancel,
            )?)
        },
    )?;
    crate::dora::link_after_sync(&store);
    Ok(summary)
}
