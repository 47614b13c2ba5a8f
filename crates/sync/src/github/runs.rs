//! Workflow runs, and the earlier attempts of re-run ones.

use super::encode;
use super::payload::{self, items};
use super::runner::{each, unknown, Cx};
use super::walk::{cmp_time, time_of, time_value, Walk};
use crate::SyncError;
use serde_json::Value;
use std::sync::Arc;
use switchyard_core::synced::github::{GithubKind, GithubRecords, GithubRun, ServiceId};

pub(super) fn run_row(r: &payload::Run, key: String) -> GithubRun {
    GithubRun {
        key,
        workflow: r.workflow(),
        head_sha: r.head_sha.clone(),
        event: r.event.clone(),
        status: r.status.clone().unwrap_or_else(|| "unknown".into()),
        conclusion: r.conclusion.clone(),
        attempt: r.attempt(),
        started_at: r.run_started_at.unwrap_or(r.created_at),
        finished_at: if r.finished() { r.updated_at } else { None },
    }
}

/// Earlier attempts of re-run workflow runs (a failed attempt then a successful one is a
/// flaky run): `owner/name/runs/<id>/attempts/<n>`, fetched once each.
async fn run_attempt(
    cx: Arc<Cx>,
    repo: String,
    (id, attempt): (u64, i64),
) -> Result<Option<payload::Run>, SyncError> {
    let (v, _) = cx
        .get_json(&cx.repo_url(&repo, &format!("actions/runs/{id}/attempts/{attempt}")))
        .await?;
    Ok(serde_json::from_value(v).ok())
}

/// Workflow runs, newest first; after the first walk with `created>=` the cursor, which stays
/// at the oldest run that was not finished yet so that it is read again.
pub(super) async fn sync_runs(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<u64, SyncError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, service, "runs", |since| {
        let mut q = format!("actions/runs?per_page={per_page}");
        if let Some(s) = since.and_then(Value::as_str) {
            q.push_str(&format!("&created={}", encode(&format!(">={s}"))));
        }
        cx.repo_url(repo, &q)
    })
    .await?;
    let since = time_of(&w.since);
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, Some("workflow_runs")).await? {
        let mut runs: Vec<payload::Run> = items(values, "workflow run");
        let before = runs.len();
        runs.retain(|r| since.is_none_or(|s| r.created_at >= s));
        let stop = runs.len() < before;
        for r in &runs {
            w.see(time_value(&r.created_at), cmp_time);
            if !r.finished() {
                w.see_floor(time_value(&r.created_at), cmp_time);
            }
        }
        let mut wanted = Vec::new();
        for r in runs.iter().filter(|r| r.attempt() > 1) {
            for k in 1..r.attempt().min(10) {
                let key = format!("{repo}/runs/{}/attempts/{k}", r.id);
                if unknown(cx, GithubKind::PipelineRun, vec![key]).await? > 0 {
                    wanted.push((r.id, k));
                }
            }
        }
        let repo_owned = repo.to_string();
        let attempts = each(wanted, |k| run_attempt(cx.clone(), repo_owned.clone(), k)).await?;
        let n = runs.len() as u64;
        let mut rows: Vec<GithubRun> = runs
            .iter()
            .map(|r| run_row(r, format!("{repo}/runs/{}", r.id)))
            .collect();
        for ((id, k), run) in &attempts {
            if let Some(run) = run {
                let mut row = run_row(run, format!("{repo}/runs/{id}/attempts/{k}"));
                row.attempt = *k;
                rows.push(row);
            }
        }
        w.commit(cx, n, next.filter(|_| !stop), GithubRecords::Runs(rows))
            .await?;
        count += n;
    }
    Ok(count)
}
