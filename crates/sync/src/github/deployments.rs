//! Deployments and the outcome their statuses give them.

use super::graphql::{self, Gql};
use super::payload::{self, items};
use super::runner::{each, Cx};
use super::walk::{cmp_id, Walk};
use crate::SyncError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use switchyard_core::synced::github::{
    DeploymentOutcome, GithubDeployment, GithubRecords, ServiceId,
};
use switchyard_core::{Outcome, Timestamp};

/// The outcome of a deployment from all its statuses (see docs/metrics.md): `success` if any
/// status is `success` (a later `inactive` does not undo it), else `failure` if any is
/// `failure` or `error`, else pending; its time is the `created_at` of the first such status.
pub fn deployment_outcome(statuses: &[(String, Timestamp)]) -> (Outcome, Option<Timestamp>) {
    let first = |states: &[&str]| {
        statuses
            .iter()
            .filter(|(s, _)| states.contains(&s.as_str()))
            .map(|(_, t)| *t)
            .min()
    };
    if let Some(t) = first(&["success"]) {
        (Outcome::Success, Some(t))
    } else if let Some(t) = first(&["failure", "error"]) {
        (Outcome::Failure, Some(t))
    } else {
        (Outcome::Pending, None)
    }
}

async fn statuses(
    cx: Arc<Cx>,
    repo: String,
    id: u64,
) -> Result<Vec<(String, Timestamp)>, SyncError> {
    let values = cx
        .get_all(
            cx.repo_url(&repo, &format!("deployments/{id}/statuses?per_page=100")),
            10,
        )
        .await?;
    Ok(
        items::<payload::DeploymentStatus>(values, "deployment status")
            .into_iter()
            .map(|s| (s.state, s.created_at))
            .collect(),
    )
}

/// A deployment's statuses as GraphQL gives them ([`graphql::DEPLOYMENT_STATUSES`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlDeployment {
    database_id: Option<u64>,
    statuses: Option<GqlStatuses>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlStatuses {
    total_count: u64,
    #[serde(default)]
    nodes: Vec<Option<GqlStatus>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GqlStatus {
    state: String,
    created_at: Timestamp,
}

/// The statuses of `deps`: through GraphQL, 100 deployments a query, when it serves them;
/// over REST (one request each) for the rest: without GraphQL, without a node id (before
/// 2017), a node GraphQL did not give (deleted meanwhile: partial data), or with more
/// statuses than one query reads.
async fn statuses_of(
    cx: &Arc<Cx>,
    repo: &str,
    deps: &[payload::Deployment],
) -> Result<HashMap<u64, Vec<(String, Timestamp)>>, SyncError> {
    let mut out: HashMap<u64, Vec<(String, Timestamp)>> = HashMap::new();
    let with_node: Vec<(u64, String)> = deps
        .iter()
        .filter_map(|d| Some((d.id, d.node_id.clone()?)))
        .collect();
    if cx.graphql_on() {
        for chunk in with_node.chunks(100) {
            let ids: Vec<&str> = chunk.iter().map(|(_, n)| n.as_str()).collect();
            let data = match graphql::query(cx, graphql::DEPLOYMENT_STATUSES, json!({ "ids": ids }))
                .await?
            {
                Gql::Data(data, errors) => {
                    if let Some(e) = errors.first() {
                        tracing::info!(repo, error = %e.message, "github: GraphQL left out some deployments; their statuses over REST");
                    }
                    data
                }
                Gql::Unavailable(why) => {
                    tracing::info!(repo, %why, "github: deployment statuses over REST");
                    break;
                }
            };
            let nodes = data
                .get("nodes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            // `nodes` answers `ids` in order, a null where a node is missing.
            for ((id, _), node) in chunk.iter().zip(nodes) {
                let Ok(d) = serde_json::from_value::<GqlDeployment>(node) else {
                    continue;
                };
                let Some(st) = d.statuses.filter(|_| d.database_id == Some(*id)) else {
                    continue;
                };
                if st.total_count > st.nodes.len() as u64 {
                    continue;
                }
                out.insert(
                    *id,
                    st.nodes
                        .into_iter()
                        .flatten()
                        .map(|s| (s.state.to_ascii_lowercase(), s.created_at))
                        .collect(),
                );
            }
        }
    }
    let rest: Vec<u64> = deps
        .iter()
        .map(|d| d.id)
        .filter(|id| !out.contains_key(id))
        .collect();
    if !rest.is_empty() {
        let repo_owned = repo.to_string();
        out.extend(each(rest, |id| statuses(cx.clone(), repo_owned.clone(), id)).await?);
    }
    Ok(out)
}

/// Deployments, newest first, until a known one (over REST: GraphQL lacks
/// `production_environment`); the new ones' statuses through GraphQL, 100 a query, or over
/// REST one request each (the client bounding how many at once). Then the statuses of this repository's deployments
/// that were still pending are fetched again.
pub(super) async fn sync_deployments(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<u64, SyncError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, service, "deployments", |_| {
        cx.repo_url(repo, &format!("deployments?per_page={per_page}"))
    })
    .await?;
    let since = w.since.as_ref().and_then(Value::as_u64);
    let prod: Vec<String> = cx
        .opts
        .production_environments
        .iter()
        .map(|e| e.to_ascii_lowercase())
        .collect();
    let mut fetched: HashSet<u64> = HashSet::new();
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, None).await? {
        let mut deps: Vec<payload::Deployment> = items(values, "deployment");
        let before = deps.len();
        deps.retain(|d| since.is_none_or(|s| d.id > s));
        let stop = deps.len() < before;
        for d in &deps {
            w.see(json!(d.id), cmp_id);
        }
        let mut states = statuses_of(cx, repo, &deps).await?;
        let n = deps.len() as u64;
        let rows = deps
            .iter()
            .map(|d| {
                let (outcome, time) = deployment_outcome(&states.remove(&d.id).unwrap_or_default());
                let env = d.environment.as_deref().unwrap_or("");
                GithubDeployment {
                    key: format!("{repo}/deployments/{}", d.id),
                    environment: env.to_owned(),
                    production: d.production_environment == Some(true)
                        || prod.contains(&env.to_ascii_lowercase()),
                    sha: d.sha.clone(),
                    git_ref: d.git_ref.clone(),
                    creator: d.creator.as_ref().map(|u| u.login.clone()),
                    outcome,
                    time,
                    created_at: d.created_at,
                }
            })
            .collect();
        w.commit(
            cx,
            n,
            next.filter(|_| !stop),
            GithubRecords::Deployments(rows),
        )
        .await?;
        fetched.extend(deps.iter().map(|d| d.id));
        count += n;
    }
    // Unfinished deployments of earlier syncs: their statuses again.
    let prefix = format!("{repo}/deployments/");
    let pending: Vec<u64> = cx
        .sink(move |s| s.github_pending_deployments(service))
        .await?
        .iter()
        .filter_map(|k| k.strip_prefix(&prefix)?.parse().ok())
        .filter(|id| !fetched.contains(id))
        .collect();
    if !pending.is_empty() {
        let repo_owned = repo.to_string();
        let states = each(pending, |id| statuses(cx.clone(), repo_owned.clone(), id)).await?;
        let outcomes: Vec<DeploymentOutcome> = states
            .iter()
            .map(|(id, st)| {
                let (outcome, time) = deployment_outcome(st);
                DeploymentOutcome {
                    key: format!("{prefix}{id}"),
                    outcome,
                    time,
                }
            })
            .collect();
        cx.sink(move |s| s.set_github_deployment_outcomes(&outcomes))
            .await?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn t(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_success_later_marked_inactive_stays_a_success() {
        let st = vec![
            ("inactive".to_string(), t("2026-01-02T10:00:00Z")),
            ("success".to_string(), t("2026-01-01T10:05:00Z")),
            ("in_progress".to_string(), t("2026-01-01T10:00:00Z")),
        ];
        assert_eq!(
            deployment_outcome(&st),
            (Outcome::Success, Some(t("2026-01-01T10:05:00Z")))
        );
        let st = vec![
            ("error".to_string(), t("2026-01-01T11:00:00Z")),
            ("failure".to_string(), t("2026-01-01T10:30:00Z")),
        ];
        assert_eq!(
            deployment_outcome(&st),
            (Outcome::Failure, Some(t("2026-01-01T10:30:00Z")))
        );
        assert_eq!(
            deployment_outcome(&[("queued".into(), t("2026-01-01T10:30:00Z"))]),
            (Outcome::Pending, None)
        );
    }
}
