//! Pull requests, with the first commit time and size of the merged ones.

use super::graphql::{self, Gql};
use super::payload::{self, items};
use super::runner::{each, Cx};
use super::walk::{cmp_time, time_of, time_value, Walk, GRAPHQL};
use super::{err, labels};
use crate::SyncError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use switchyard_core::synced::github::{GithubPull, GithubRecords, ServiceId};
use switchyard_core::{StatusCategory, Timestamp};

/// First commit time and size of a merged pull request.
#[derive(Default)]
pub(super) struct PullExtra {
    first_commit_at: Option<Timestamp>,
    additions: Option<i64>,
    deletions: Option<i64>,
    changed_files: Option<i64>,
}

async fn pull_extra(cx: Arc<Cx>, repo: String, number: u64) -> Result<PullExtra, SyncError> {
    let mut extra = PullExtra::default();
    if cx.opts.pr_commits {
        extra.first_commit_at = first_commit_rest(cx.clone(), repo.clone(), number).await?;
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

/// One pull request as a record. A merged one is a change (`merged_at`); a closed unmerged
/// one is kept as `closed`.
pub(super) fn row(repo: &str, p: &payload::Pull, extra: PullExtra) -> GithubPull {
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
}

/// Pull requests (most recently updated first) until one older than the cursor: through
/// GraphQL when it serves them, else over REST.
pub(super) async fn sync_pulls(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<u64, SyncError> {
    if cx.graphql_on() {
        if let Some(n) = sync_pulls_graphql(cx, repo, service).await? {
            return Ok(n);
        }
    }
    sync_pulls_rest(cx, repo, service).await
}

/// Pull requests over REST (`state=all`, most recently updated first), with two more
/// requests per merged one (its commits, its detail).
async fn sync_pulls_rest(cx: &Arc<Cx>, repo: &str, service: ServiceId) -> Result<u64, SyncError> {
    let per_page = cx.opts.per_page;
    let first = || {
        cx.repo_url(
            repo,
            &format!("pulls?state=all&sort=updated&direction=desc&per_page={per_page}"),
        )
    };
    let mut w = Walk::start(cx, repo, service, "pulls", |_| first()).await?;
    if w.at_graphql() {
        w.restart(first());
    }
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
            .map(|p| row(repo, p, extras.remove(&p.number).unwrap_or_default()))
            .collect();
        w.commit(cx, n, next.filter(|_| !stop), GithubRecords::Pulls(rows))
            .await?;
        count += n;
    }
    Ok(count)
}

/// A pull request as GraphQL gives it ([`graphql::PULLS`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlPull {
    number: u64,
    #[serde(default)]
    title: String,
    state: String,
    is_draft: Option<bool>,
    url: Option<String>,
    created_at: Timestamp,
    updated_at: Timestamp,
    closed_at: Option<Timestamp>,
    merged_at: Option<Timestamp>,
    base_ref_name: Option<String>,
    author: Option<GqlActor>,
    assignees: Option<GqlNodes<GqlActor>>,
    labels: Option<GqlNodes<GqlLabel>>,
    additions: Option<i64>,
    deletions: Option<i64>,
    changed_files: Option<i64>,
    commits: Option<GqlCommits>,
}

#[derive(Deserialize)]
struct GqlNodes<T> {
    #[serde(default = "Vec::new")]
    nodes: Vec<Option<T>>,
}

#[derive(Deserialize)]
struct GqlActor {
    #[serde(rename = "__typename")]
    typename: Option<String>,
    login: String,
}

impl GqlActor {
    /// The login as REST spells it: an app's bot is `name[bot]` there, `name` in GraphQL.
    fn rest_login(&self) -> String {
        if self.typename.as_deref() == Some("Bot") && !self.login.ends_with("[bot]") {
            format!("{}[bot]", self.login)
        } else {
            self.login.clone()
        }
    }
}

#[derive(Deserialize)]
struct GqlLabel {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlCommits {
    total_count: u64,
    #[serde(default)]
    nodes: Vec<Option<GqlCommitNode>>,
}

#[derive(Deserialize)]
struct GqlCommitNode {
    commit: GqlCommit,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlCommit {
    authored_date: Option<Timestamp>,
    committed_date: Option<Timestamp>,
}

impl GqlPull {
    /// The REST list item this is, and what the REST path reads besides (for a merged one).
    fn into_rest(self, cx: &Cx) -> (payload::Pull, PullExtra, bool) {
        let merged = self.merged_at.is_some();
        let mut extra = PullExtra::default();
        let mut more_commits = false;
        if merged && cx.opts.pr_details {
            extra.additions = self.additions;
            extra.deletions = self.deletions;
            extra.changed_files = self.changed_files;
        }
        if merged && cx.opts.pr_commits {
            if let Some(c) = &self.commits {
                // The REST path reads up to 250 commits: more than this page's 100 are read
                // there too.
                more_commits = c.total_count > c.nodes.len() as u64;
                extra.first_commit_at = c
                    .nodes
                    .iter()
                    .flatten()
                    .filter_map(|n| n.commit.authored_date.or(n.commit.committed_date))
                    .min();
            }
        }
        let login = |a: &GqlActor| payload::User {
            login: a.rest_login(),
        };
        let pull = payload::Pull {
            number: self.number,
            title: self.title,
            state: if self.state == "OPEN" {
                "open".into()
            } else {
                "closed".into()
            },
            html_url: self.url,
            user: self.author.as_ref().map(login),
            assignee: self
                .assignees
                .as_ref()
                .and_then(|a| a.nodes.iter().flatten().next())
                .map(login),
            labels: self
                .labels
                .map(|l| {
                    l.nodes
                        .into_iter()
                        .flatten()
                        .map(|l| payload::Label::Name(l.name))
                        .collect()
                })
                .unwrap_or_default(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            merged_at: self.merged_at,
            base: Some(payload::Branch {
                git_ref: self.base_ref_name,
            }),
            draft: self.is_draft,
        };
        (pull, extra, more_commits)
    }
}

/// The first commit time over REST: GitHub lists at most 250 commits of a pull request,
/// oldest first.
async fn first_commit_rest(
    cx: Arc<Cx>,
    repo: String,
    number: u64,
) -> Result<Option<Timestamp>, SyncError> {
    let commits = cx
        .get_all(
            cx.repo_url(&repo, &format!("pulls/{number}/commits?per_page=100")),
            3,
        )
        .await?;
    Ok(items::<payload::PullCommit>(commits, "pull request commit")
        .iter()
        .filter_map(|c| c.time())
        .min())
}

/// Pull requests through GraphQL, 100 a query with their size and commits. `None` when
/// GraphQL cannot serve them (no endpoint, a refused query, partial data): the caller reads
/// them over REST then, starting that walk again.
async fn sync_pulls_graphql(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<Option<u64>, SyncError> {
    let mut w = Walk::start(cx, repo, service, "pulls", |_| GRAPHQL.to_string()).await?;
    if !w.at_graphql() {
        w.restart(GRAPHQL.to_string());
    }
    let since = time_of(&w.since);
    let (owner, name) = repo.split_once('/').unwrap_or((repo, ""));
    let mut count = 0;
    while let Some(page) = w.next_page(cx)? {
        let after = page.strip_prefix(GRAPHQL).filter(|c| !c.is_empty());
        let variables = json!({
            "owner": owner,
            "name": name,
            "first": cx.opts.per_page.clamp(1, 100),
            "after": after,
            "details": cx.opts.pr_details,
            "commits": cx.opts.pr_commits,
        });
        let data = match graphql::query(cx, graphql::PULLS, variables).await? {
            Gql::Data(data, errors) if errors.is_empty() => data,
            Gql::Data(_, errors) => {
                tracing::warn!(
                    repo,
                    error = %errors[0].message,
                    "github: GraphQL gave partial pull requests; reading them over REST"
                );
                return Ok(None);
            }
            Gql::Unavailable(why) => {
                tracing::info!(repo, %why, "github: pull requests over REST");
                return Ok(None);
            }
        };
        let Some(conn) = data
            .get("repository")
            .filter(|r| !r.is_null())
            .and_then(|r| r.get("pullRequests"))
            .filter(|c| !c.is_null())
        else {
            return Err(SyncError::NotFound(format!(
                "GraphQL gave no repository {repo}"
            )));
        };
        let values: Vec<Value> = conn
            .get("nodes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter(|v| !v.is_null()).cloned().collect())
            .unwrap_or_default();
        let more = conn["pageInfo"]["hasNextPage"].as_bool() == Some(true);
        let next = conn["pageInfo"]["endCursor"]
            .as_str()
            .filter(|_| more)
            .map(|c| format!("{GRAPHQL}{c}"));
        let mut pulls: Vec<GqlPull> = items(values, "pull request");
        let before = pulls.len();
        pulls.retain(|p| since.is_none_or(|s| p.updated_at >= s));
        let stop = pulls.len() < before;
        let mut converted = Vec::with_capacity(pulls.len());
        let mut long = Vec::new();
        for p in pulls {
            w.see(time_value(&p.updated_at), cmp_time);
            let (pull, extra, more_commits) = p.into_rest(cx);
            if more_commits {
                long.push(pull.number);
            }
            converted.push((pull, extra));
        }
        let mut firsts = if long.is_empty() {
            HashMap::new()
        } else {
            let repo_owned = repo.to_string();
            each(long, |n| {
                first_commit_rest(cx.clone(), repo_owned.clone(), n)
            })
            .await?
        };
        let n = converted.len() as u64;
        let rows = converted
            .into_iter()
            .map(|(pull, mut extra)| {
                if let Some(first) = firsts.remove(&pull.number) {
                    extra.first_commit_at = first;
                }
                row(repo, &pull, extra)
            })
            .collect();
        w.commit(cx, n, next.filter(|_| !stop), GithubRecords::Pulls(rows))
            .await?;
        count += n;
    }
    Ok(Some(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bot_author_is_named_as_rest_names_it() {
        let actor = |t: &str, login: &str| GqlActor {
            typename: Some(t.into()),
            login: login.into(),
        };
        assert_eq!(actor("Bot", "dependabot").rest_login(), "dependabot[bot]");
        assert_eq!(actor("User", "octocat").rest_login(), "octocat");
        assert_eq!(actor("Bot", "renovate[bot]").rest_login(), "renovate[bot]");
    }
}
