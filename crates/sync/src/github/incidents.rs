//! Issues with the incident label.

use super::encode;
use super::payload::{self, items};
use super::runner::Cx;
use super::walk::{cmp_time, time_of, time_value, Walk};
use crate::SyncError;
use serde_json::Value;
use std::sync::Arc;
use switchyard_core::synced::github::{GithubIncident, GithubRecords, ServiceId};

fn has_label(labels: &[payload::Label], wanted: &str) -> bool {
    labels.iter().any(|l| l.name().eq_ignore_ascii_case(wanted))
}

/// Issues with the incident label (`since` the cursor) become incidents; an item of
/// `/issues` that carries `pull_request` is a pull request and never an incident.
pub(super) async fn sync_incidents(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<u64, SyncError> {
    let per_page = cx.opts.per_page;
    let label = cx.opts.incident_label.clone();
    let mut w = Walk::start(cx, repo, service, "issues", |since| {
        let mut q = format!(
            "issues?state=all&labels={}&sort=updated&direction=desc&per_page={per_page}",
            encode(&label)
        );
        if let Some(s) = since.and_then(Value::as_str) {
            q.push_str(&format!("&since={}", encode(s)));
        }
        cx.repo_url(repo, &q)
    })
    .await?;
    let since = time_of(&w.since);
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, None).await? {
        let mut issues: Vec<payload::Issue> = items(values, "issue");
        let before = issues.len();
        issues.retain(|i| since.is_none_or(|s| i.updated_at >= s));
        let stop = issues.len() < before;
        for i in &issues {
            w.see(time_value(&i.updated_at), cmp_time);
        }
        issues.retain(|i| i.pull_request.is_none() && has_label(&i.labels, &label));
        let n = issues.len() as u64;
        let rows = issues
            .iter()
            .map(|i| GithubIncident {
                key: format!("{repo}#{}", i.number),
                title: i.title.clone(),
                severity: i
                    .labels
                    .iter()
                    .map(|l| l.name())
                    .find(|l| l.to_ascii_lowercase().starts_with("sev"))
                    .map(str::to_owned),
                created_at: i.created_at,
                resolved_at: i.closed_at,
                url: i.html_url.clone(),
            })
            .collect();
        w.commit(
            cx,
            n,
            next.filter(|_| !stop),
            GithubRecords::Incidents(rows),
        )
        .await?;
        count += n;
    }
    Ok(count)
}
