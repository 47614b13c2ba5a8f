//! Releases, and tags that have no release.

use super::payload::{self, items};
use super::runner::{unknown, Cx};
use super::walk::Walk;
use crate::SyncError;
use serde_json::json;
use std::sync::Arc;
use switchyard_core::synced::github::{
    GithubKind, GithubRecords, GithubRelease, GithubTag, ServiceId,
};
use switchyard_core::ReleaseStatus;

/// Releases, newest first. Drafts are kept apart from shipped releases (status `planned`,
/// not released, no date), prereleases are marked (status `in_progress`, not released).
/// After the first walk, a page with no new release ends it.
pub(super) async fn sync_releases(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<u64, SyncError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, service, "releases", |_| {
        cx.repo_url(repo, &format!("releases?per_page={per_page}"))
    })
    .await?;
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, None).await? {
        let releases: Vec<payload::Release> = items(values, "release");
        let keys: Vec<String> = releases
            .iter()
            .map(|r| format!("{repo}@{}", r.tag_name))
            .collect();
        let first_walk = w.since.is_none();
        let go_on = match next {
            Some(n)
                if first_walk
                    || unknown(cx, GithubKind::Release, keys.clone())
                        .await
                        .unwrap_or(1)
                        > 0 =>
            {
                Some(n)
            }
            _ => None,
        };
        w.newest = Some(json!(true));
        let n = releases.len() as u64;
        let rows = releases
            .iter()
            .zip(keys)
            .map(|(r, key)| {
                let (status, released) = if r.draft {
                    (ReleaseStatus::Planned, false)
                } else if r.prerelease {
                    (ReleaseStatus::InProgress, false)
                } else {
                    (ReleaseStatus::Released, true)
                };
                let release_date = if r.draft {
                    None
                } else {
                    r.published_at.or(r.created_at).map(|t| t.date_naive())
                };
                let name = r
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .unwrap_or(&r.tag_name);
                GithubRelease {
                    key,
                    name: name.to_owned(),
                    version: r.tag_name.clone(),
                    status,
                    released,
                    release_date,
                    description: r.body.clone().unwrap_or_default(),
                }
            })
            .collect();
        w.commit(cx, n, go_on, GithubRecords::Releases(rows))
            .await?;
        count += n;
    }
    Ok(count)
}

/// Tags that have no release become releases (no date: a tag has none). After the first
/// walk, a page with no new tag ends it.
pub(super) async fn sync_tags(
    cx: &Arc<Cx>,
    repo: &str,
    service: ServiceId,
) -> Result<u64, SyncError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, service, "tags", |_| {
        cx.repo_url(repo, &format!("tags?per_page={per_page}"))
    })
    .await?;
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, None).await? {
        let tags: Vec<payload::Tag> = items(values, "tag");
        let keys: Vec<String> = tags.iter().map(|t| format!("{repo}@{}", t.name)).collect();
        let fresh = unknown(cx, GithubKind::Release, keys.clone()).await?;
        let go_on = next.filter(|_| w.since.is_none() || fresh > 0);
        w.newest = Some(json!(true));
        let rows = tags
            .iter()
            .zip(keys)
            .map(|(t, key)| GithubTag {
                key,
                tag: t.name.clone(),
            })
            .collect();
        count += w
            .commit(cx, tags.len() as u64, go_on, GithubRecords::Tags(rows))
            .await?;
    }
    Ok(count)
}
