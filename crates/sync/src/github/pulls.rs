//! Pull requests, with the first commit time and size of the merged ones.

use super::payload::{self, items};
use super::runner::{each, Cx};
use super::walk::{cmp_time, time_of, time_value, Walk};
use super::{err, labels};
use crate::SyncError;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use switchyard_core::synced::github::{GithubPull, GithubRecords, ServiceId};
use switchyard_core::{StatusCategory, Timestamp};

/// First commit time and size of a merged pull request.
#[derive(Default)]
struct PullExtra {
    first_commit_at: Option<Timestamp>,
    additions: Option<i64>,
    deletions: Option<i64>,
    changed_files: Option<i64>,
}

async fn pull_extra(cx: Arc<Cx>, repo: String, number: u64) -> Result<PullExtra, SyncError> {
    let mut extra = PullExtra::default();
    if cx.opts.pr_commits {
        // GitHub lists at most 250 commits of a pull request, oldest first.
        let commits = cx
            .get_all(
                cx.repo_url(&repo, &format!("pulls/{number}/commits?per_page=100")),
                3,
            )
            .await?;
        extra.first_commit_at = items::<payload::PullCommit>(commits, "pull request commit")
            .iter()
            .filter_map(|c| c.time())
            .min();
    }
    if cx.opts.pr_details {
        // The detail is a whole pull request (about 25 KB): read the three numbers straight
        // from the bytes, skipping the rest, instead of building a JSON tree of it first.
        #[derive(serde::Deserialize)]
        struct Size {
            additions: Option<Value>,
            deletions: Option<Value>,
            changed_files: Option<Value>,
        }
        let url = cx.repo_url(&repo, &format!("pulls/{number}"));
        let answer = cx.client.get(&url).await?;
        let size: Size = serde_json::from_slice(&answer.body).map_err(|e| {
            err::bad_response(format!(
                "GitHub's answer to {} is not JSON: {e}",
                url.split('?').next().unwrap_or(&url)
            ))
        })?;
        extra.additions = size.additions.as_ref().and_then(Value::as_i64);
        extra.deletions = size.deletions.as_ref().and_then(Value::as_i64);
        extra.changed_files = size.changed_files.as_ref().and_then(Value::as_i64);
    }
    Ok(extra)
}

/// Pull requests (`state=all`, most recently updated first) until one older than the cursor.
/// A merged one is a change (`merged_at`); a closed unmerged one is kept as `closed`.
pub(super) async fn sync_pulls(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<u64, SyncError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, service, "pulls", |_| {
        cx.repo_url(
            repo,
            &format!("pulls?state=all&sort=updated&direction=desc&per_page={per_page}"),
        )
    })
    .await?;
    let since = time_of(&w.since);
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, None).await? {
        let mut pulls: Vec<payload::Pull> = items(values, "pull request");
        let before = pulls.len();
        pulls.retain(|p| since.is_none_or(|s| p.updated_at >= s));
        let stop = pulls.len() < before;
        for p in &pulls {
            w.see(time_value(&p.updated_at), cmp_time);
        }
        let merged: Vec<u64> = pulls
            .iter()
            .filter(|p| p.merged_at.is_some())
            .map(|p| p.number)
            .collect();
        let mut extras = if cx.opts.pr_commits || cx.opts.pr_details {
            let repo_owned = repo.to_string();
            each(merged, |n| pull_extra(cx.clone(), repo_owned.clone(), n)).await?
        } else {
            HashMap::new()
        };
        let n = pulls.len() as u64;
        let rows = pulls
            .iter()
            .map(|p| {
                let extra = extras.remove(&p.number).unwrap_or_default();
                let (status, category) = if p.merged_at.is_some() {
                    ("merged", StatusCategory::Done)
                } else if p.state == "closed" {
                    ("closed", StatusCategory::Done)
                } else if p.draft == Some(true) {
                    ("draft", StatusCategory::InProgress)
                } else {
                    ("open", StatusCategory::InProgress)
                };
                GithubPull {
                    key: format!("{repo}#{}", p.number),
                    title: p.title.clone(),
                    status,
                    status_category: category,
                    labels: labels(&p.labels),
                    author: p.user.as_ref().map(|u| u.login.clone()),
                    assignee: p.assignee.as_ref().map(|u| u.login.clone()),
                    url: p.html_url.clone(),
                    created_at: p.created_at,
                    updated_at: p.updated_at,
                    resolved_at: p.closed_at.or(p.merged_at),
                    merged_at: p.merged_at,
                    first_commit_at: extra.first_commit_at,
                    base_branch: p.base.as_ref().and_then(|b| b.git_ref.clone()),
                    additions: extra.additions,
                    deletions: extra.deletions,
                    changed_files: extra.changed_files,
                }
            })
            .collect();
        w.commit(cx, n, next.filter(|_| !stop), GithubRecords::Pulls(rows))
            .await?;
        count += n;
    }
    Ok(count)
}
