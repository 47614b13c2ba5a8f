//! The GitHub sync use case, shared by the CLI (`switchyard sync github`) and the app: the
//! token from `SWITCHYARD_GITHUB_TOKEN`, `GITHUB_TOKEN` or the keyring, the sync on its own
//! connection, progress to a sink, a cancel flag, and `GithubError`s mapped to stable codes
//! (`github_auth`, `github_forbidden`, `github_rate_limited`, `github_unavailable`,
//! `not_found`). The token never reaches the database, logs or error text.

use crate::secrets::{load_token, Secret, TokenFor};
use crate::{AppError, Clock, ErrorCode, Result};
use std::path::Path;
use std::sync::Arc;
use switchyard_store::Store;
use switchyard_sync::github::{GithubError, Token};
pub use switchyard_sync::github::{GithubOptions, GithubSummary};
pub use switchyard_sync::{Cancel, Progress, ProgressEvent};

impl From<GithubError> for AppError {
    fn from(e: GithubError) -> Self {
        let code = match &e {
            GithubError::Auth(_) => ErrorCode::GithubAuth,
            GithubError::Forbidden(_) => ErrorCode::GithubForbidden,
            GithubError::NotFound(_) => ErrorCode::NotFound,
            GithubError::RateLimited(_) => ErrorCode::GithubRateLimited,
            GithubError::Unavailable(_) => ErrorCode::GithubUnavailable,
            GithubError::Unexpected(_) | GithubError::Decode(_) => ErrorCode::GithubBadResponse,
            GithubError::InvalidInput(_) => ErrorCode::InvalidInput,
            GithubError::Cancelled => ErrorCode::Cancelled,
            GithubError::Store(_) => ErrorCode::Db,
        };
        match e {
            GithubError::Store(s) => AppError::from(s),
            other => AppError::new(code, other.to_string()),
        }
    }
}

/// Syncs GitHub into the workspace at `path`. `token`: `None` reads it from the environment
/// or the keyring; GitHub is asked without a token when there is none (public repositories,
/// a low rate limit).
pub fn sync_github(
    path: &Path,
    opts: &GithubOptions,
    token: Option<Secret>,
    clock: &dyn Clock,
    progress: Arc<dyn Progress>,
    cancel: &Cancel,
) -> Result<GithubSummary> {
    let token = match token {
        Some(t) => Some(t),
        None => load_token(TokenFor::Github)?,
    };
    if token.is_none() {
        tracing::warn!("no GitHub token; asking GitHub anonymously");
    }
    let token = token.map(|t| Token::new(t.expose()));
    let summary =
        switchyard_sync::github::sync(path, opts, token, clock.now(), progress, cancel.clone())?;
    crate::dora::link_after_sync(&Store::open(path)?);
    Ok(summary)
}
