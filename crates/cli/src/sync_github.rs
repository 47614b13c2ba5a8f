//! `switchyard sync github --api-url URL --repo OWNER/NAME [--repo ...] [--full]`.

use crate::sync_jira::Bar;
use clap::Args;
use std::path::Path;
use switchyard_app::github::{sync_github, Cancel, GithubOptions, ProgressEvent};
use switchyard_app::{AppError, SystemClock};

#[derive(Args)]
pub struct GithubArgs {
    /// https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.
    #[arg(long, value_name = "URL", default_value = "https://api.github.com")]
    api_url: String,
    /// A repository (OWNER/NAME); repeat for more.
    #[arg(long = "repo", value_name = "OWNER/NAME", required = true)]
    repos: Vec<String>,
    /// Read every list from its first page again (the cursors are ignored).
    #[arg(long)]
    full: bool,
    /// Issues with this label are incidents.
    #[arg(long, value_name = "LABEL", default_value = "incident")]
    incident_label: String,
    /// Do not fetch merged pull requests' commits (first commit time).
    #[arg(long)]
    no_pr_commits: bool,
    /// Do not fetch merged pull requests' details (additions, deletions, changed files).
    #[arg(long)]
    no_pr_details: bool,
    /// Read everything over REST, not pull requests and deployment statuses through GitHub's
    /// GraphQL API (the same records, more requests).
    #[arg(long)]
    no_graphql: bool,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    max_in_flight: u16,
    /// The longest wait GitHub may ask for (Retry-After, a rate limit's reset), in seconds;
    /// asked for longer, the sync stops and says when to run it again.
    #[arg(long, value_name = "SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    max_wait: u64,
}

pub fn run(db: &Path, a: GithubArgs) -> Result<(), AppError> {
    let mut opts = GithubOptions::new(a.api_url, a.repos);
    opts.full = a.full;
    opts.incident_label = a.incident_label;
    opts.pr_commits = !a.no_pr_commits;
    opts.pr_details = !a.no_pr_details;
    opts.graphql = !a.no_graphql;
    opts.max_in_flight = usize::from(a.max_in_flight);
    opts.limits.max_wait = std::time::Duration::from_secs(a.max_wait);
    let bar = Bar::new();
    let sink = |e: ProgressEvent| bar.show(e);
    let result = sync_github(db, &opts, None, &SystemClock, &sink, &Cancel::default());
    bar.clear();
    let s = result?;
    println!(
        "Synced {} repositories from GitHub: {} releases, {} pull requests, {} incidents, {} deployments, {} workflow runs ({} requests).",
        s.repositories, s.releases, s.pull_requests, s.incidents, s.deployments, s.pipeline_runs, s.requests
    );
    Ok(())
}
