//! GitHub and GitHub Enterprise over octocrab: repositories become services; releases (and
//! tags without one), pull requests, deployments with their statuses, workflow runs and
//! incident issues become the workspace's records.
//!
//! Each list of each repository walks its pages by the `Link` header, newest first, and
//! stops at what the last sync saw (its cursor in the sink, scope `owner/name/<list>`).
//! A page and the cursor after it are committed in one transaction; the cursor remembers the
//! next page while a walk is unfinished, so a killed sync resumes there. Records are upserted
//! by (source, source_key). Requests run on a tokio runtime owned by [`sync`] ([`runner`]),
//! at most `max_in_flight` at once; rate limits are waited out (and reported) in [`client`].
//!
//! The modules: [`runner`] (the runtime, the sink served on the caller's thread, one task
//! per repository), [`walk`] (the pages of one list and its cursor), and one module per list:
//! [`releases`] (releases and tags), [`pulls`], [`incidents`], [`deployments`], [`runs`];
//! [`graphql`] (the queries, their rate limits and errors) serves [`pulls`] and the
//! statuses of [`deployments`], with REST as the fallback.

pub mod client;
mod deployments;
mod graphql;
mod incidents;
mod payload;
mod pulls;
mod releases;
mod runner;
mod runs;
mod walk;

pub use client::{next_link, API_VERSION};

/// GitHub's list pages read as the sync reads them, without a server: for the property
/// tests and the cargo-fuzz target `github_pages` (issue 16). The body is decoded as the
/// client decodes it, the list taken out as a walk takes it, and its items read one by one
/// (an item of an unexpected shape skipped) into the sync's rows; an answer that is no list
/// is the sync's `BadResponse` error, never a panic.
pub mod pages {
    use super::{payload, pulls, runs, SyncError};
    use serde_json::Value;
    use switchyard_core::synced::github::{GithubPull, GithubRun};

    fn list(bytes: &[u8], key: Option<&str>, what: &str) -> Result<Vec<Value>, SyncError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            super::err::bad_response(format!("GitHub's answer to {what} is not JSON: {e}"))
        })?;
        super::runner::list_of(value, key, what)
    }

    /// A page of `/repos/{repo}/pulls` as pull request rows (without the extra requests
    /// of a merged one).
    pub fn pulls(bytes: &[u8], repo: &str) -> Result<Vec<GithubPull>, SyncError> {
        let items: Vec<payload::Pull> = payload::items(list(bytes, None, "pulls")?, "pull request");
        Ok(items
            .iter()
            .map(|p| pulls::row(repo, p, Default::default()))
            .collect())
    }

    /// A page of `/repos/{repo}/actions/runs` as run rows.
    pub fn runs(bytes: &[u8], repo: &str) -> Result<Vec<GithubRun>, SyncError> {
        let items: Vec<payload::Run> =
            payload::items(list(bytes, Some("workflow_runs"), "runs")?, "workflow run");
        Ok(items
            .iter()
            .map(|r| runs::run_row(r, format!("{repo}/runs/{}", r.id)))
            .collect())
    }

    /// How many items of a page of deployments, releases, tags or issues the sync reads.
    pub fn others(bytes: &[u8]) -> Result<[usize; 4], SyncError> {
        let values = list(bytes, None, "a list")?;
        Ok([
            payload::items::<payload::Deployment>(values.clone(), "deployment").len(),
            payload::items::<payload::Release>(values.clone(), "release").len(),
            payload::items::<payload::Tag>(values.clone(), "tag").len(),
            payload::items::<payload::Issue>(values, "issue").len(),
        ])
    }
}
pub use deployments::deployment_outcome;

use crate::{Cancel, Progress, Secret, SyncError};
use serde::Serialize;
use switchyard_core::synced::GithubSink;
use switchyard_core::Timestamp;

/// Errors of the GitHub connector, as [`SyncError`]s of the remote `GitHub`.
pub(crate) mod err {
    use crate::{Remote, SyncError};

    pub fn auth(message: String) -> SyncError {
        SyncError::Auth {
            remote: Remote::Github,
            message,
        }
    }

    pub fn forbidden(message: String) -> SyncError {
        SyncError::Forbidden {
            remote: Remote::Github,
            message,
        }
    }

    pub fn rate_limited(message: String) -> SyncError {
        SyncError::RateLimited {
            remote: Remote::Github,
            message,
        }
    }

    pub fn unavailable(message: String) -> SyncError {
        SyncError::Unavailable {
            remote: Remote::Github,
            message,
        }
    }

    /// An answer Switchyard cannot read, or a 4xx it did not expect.
    pub fn bad_response(message: String) -> SyncError {
        SyncError::BadResponse {
            remote: Remote::Github,
            message,
        }
    }

    pub fn invalid(message: String) -> SyncError {
        SyncError::Invalid {
            message,
            field: None,
        }
    }

    /// The API URL is not one.
    pub fn invalid_url(message: String) -> SyncError {
        SyncError::Invalid {
            message,
            field: Some("api_url"),
        }
    }
}

/// What to sync and how.
#[derive(Debug, Clone)]
pub struct GithubOptions {
    /// `https://api.github.com` or `https://HOST/api/v3`.
    pub api_url: String,
    /// `owner/name` of each repository.
    pub repos: Vec<String>,
    /// Ignore the cursors: read every list from its first page again.
    pub full: bool,
    /// Fetch the commits of each merged pull request (its first commit time).
    pub pr_commits: bool,
    /// Fetch each merged pull request's detail (additions, deletions, changed files).
    pub pr_details: bool,
    /// Read pull requests and deployment statuses through GitHub's GraphQL API (fewer
    /// requests); off, or on a server without `/graphql`, everything goes over REST.
    pub graphql: bool,
    /// The label that makes an issue an incident.
    pub incident_label: String,
    /// Environment names counted as production besides `production_environment: true`.
    pub production_environments: Vec<String>,
    /// Requests in flight at most.
    pub max_in_flight: usize,
    /// Repositories synced at the same time.
    pub repo_concurrency: usize,
    pub per_page: u32,
    /// The first pause before retrying a 5xx or a network error (doubled each time).
    pub retry_delay: std::time::Duration,
    /// The longest wait, the deadline of one request and the largest body.
    pub limits: client::Limits,
    /// Pages of one list of one repository in one sync at most (a server whose `Link`
    /// never ends, or points back, stops here with an error).
    pub max_pages: u64,
}

impl GithubOptions {
    pub fn new(api_url: impl Into<String>, repos: Vec<String>) -> Self {
        Self {
            api_url: api_url.into(),
            repos,
            full: false,
            pr_commits: true,
            pr_details: true,
            graphql: true,
            incident_label: "incident".into(),
            production_environments: vec!["production".into(), "prod".into()],
            max_in_flight: 8,
            repo_concurrency: 8,
            per_page: 100,
            retry_delay: std::time::Duration::from_secs(1),
            limits: client::Limits::default(),
            max_pages: 100_000,
        }
    }
}

/// What a sync wrote, and how many requests it sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GithubSummary {
    pub repositories: u64,
    pub releases: u64,
    pub pull_requests: u64,
    pub incidents: u64,
    pub deployments: u64,
    pub pipeline_runs: u64,
    pub requests: u64,
}

impl GithubSummary {
    pub fn records(&self) -> u64 {
        self.releases + self.pull_requests + self.incidents + self.deployments + self.pipeline_runs
    }

    fn add(&mut self, o: &GithubSummary) {
        self.repositories += o.repositories;
        self.releases += o.releases;
        self.pull_requests += o.pull_requests;
        self.incidents += o.incidents;
        self.deployments += o.deployments;
        self.pipeline_runs += o.pipeline_runs;
    }
}

/// Checks `owner/name`.
pub fn valid_repo(repo: &str) -> bool {
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    matches!(repo.split_once('/'), Some((o, n)) if ok(o) && ok(n) && n != "." && n != "..")
}

/// Syncs `opts.repos` into `sink`. Blocks until done. The requests run on a tokio runtime
/// of the sync's own, on a thread of its own (so it also works from a thread that belongs to
/// a runtime, such as the desktop's command pool); the sink is called and progress is
/// reported on the caller's thread.
pub fn sync(
    sink: &mut dyn GithubSink,
    opts: &GithubOptions,
    token: Option<&Secret>,
    now: Timestamp,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<GithubSummary, SyncError> {
    if opts.repos.is_empty() {
        return Err(SyncError::Invalid {
            message: "name at least one repository (OWNER/NAME)".into(),
            field: Some("repo"),
        });
    }
    if let Some(bad) = opts.repos.iter().find(|r| !valid_repo(r)) {
        return Err(SyncError::Invalid {
            message: format!("{bad:?} is not a repository (OWNER/NAME)"),
            field: Some("repo"),
        });
    }
    runner::sync(sink, opts, token, now, progress, cancel)
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn labels(labels: &[payload::Label]) -> Vec<String> {
    labels.iter().map(|l| l.name().to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_are_checked() {
        assert!(valid_repo("octo-org/octo.repo_1"));
        for bad in ["octo", "/x", "a/", "a/b/c", "a/..", "a b/c"] {
            assert!(!valid_repo(bad), "{bad}");
        }
    }
}
