//! One walk over the pages of one list of one repository, and its cursor.

use super::runner::Cx;
use crate::{ProgressEvent, Remote, SyncError};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchyard_core::synced::github::{GithubPage, GithubRecords, ServiceId};
use switchyard_core::synced::Cursor as SinkCursor;
use switchyard_core::Timestamp;

/// A list's cursor: `since` is the watermark of the last finished walk; `next` and `newest`
/// belong to an unfinished one (the page to resume at, and the watermark it will leave when
/// it finishes).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    floor: Option<Value>,
}

/// The prefix of a GraphQL cursor in a walk's `next` (where a REST walk keeps a URL).
pub(super) const GRAPHQL: &str = "graphql:";

/// One walk over the pages of one list.
pub(super) struct Walk {
    repo: String,
    list: &'static str,
    scope: String,
    service: ServiceId,
    /// The finished watermark (None on a full sync or the first one).
    pub since: Option<Value>,
    pub newest: Option<Value>,
    /// The lowest watermark the next walk must go back to (unfinished workflow runs).
    floor: Option<Value>,
    url: Option<String>,
    total: u64,
    /// Pages fetched by this walk.
    pages: u64,
}

fn later(a: &Option<Value>, b: Value, cmp: fn(&Value, &Value) -> std::cmp::Ordering) -> Value {
    match a {
        Some(a) if cmp(a, &b).is_ge() => a.clone(),
        _ => b,
    }
}

pub(super) fn cmp_time(a: &Value, b: &Value) -> std::cmp::Ordering {
    let t = |v: &Value| {
        v.as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    };
    t(a).cmp(&t(b))
}

pub(super) fn cmp_id(a: &Value, b: &Value) -> std::cmp::Ordering {
    a.as_u64().cmp(&b.as_u64())
}

pub(super) fn time_value(t: &Timestamp) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

pub(super) fn time_of(v: &Option<Value>) -> Option<Timestamp> {
    v.as_ref()?
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl Walk {
    /// Loads the cursor: resumes an unfinished walk at its next page, else starts at
    /// `first(since)`.
    pub async fn start(
        cx: &Cx,
        repo: &str,
        service: ServiceId,
        list: &'static str,
        first: impl FnOnce(Option<&Value>) -> String,
    ) -> Result<Walk, SyncError> {
        let scope = format!("{repo}/{list}");
        let cursor: Cursor = if cx.opts.full {
            Cursor::default()
        } else {
            let key = scope.clone();
            cx.sink(move |s| s.github_cursor(&key))
                .await?
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or_default()
        };
        let resumed = cursor.next.is_some();
        let url = match cursor.next.clone() {
            Some(next) => next,
            None => first(cursor.since.as_ref()),
        };
        cx.progress.report(ProgressEvent::Started {
            scope: repo.to_string(),
            list: list.to_string(),
        });
        tracing::debug!(repo, list, resumed, "github: list");
        Ok(Walk {
            repo: repo.to_string(),
            list,
            scope,
            service,
            since: cursor.since,
            newest: if resumed { cursor.newest } else { None },
            floor: if resumed { cursor.floor } else { None },
            url: Some(url),
            total: 0,
            pages: 0,
        })
    }

    pub async fn fetch(
        &mut self,
        cx: &Cx,
        key: Option<&str>,
    ) -> Result<Option<(Vec<Value>, Option<String>)>, SyncError> {
        match self.next_page(cx)? {
            None => Ok(None),
            Some(url) => Ok(Some(cx.get_list(&url, key).await?)),
        }
    }

    /// The page to read next (a URL, or a GraphQL cursor), counted against `max_pages`;
    /// `None` when the walk is over.
    pub fn next_page(&mut self, cx: &Cx) -> Result<Option<String>, SyncError> {
        if cx.client.cancel().is_cancelled() {
            return Err(SyncError::Cancelled(Remote::Github));
        }
        match self.url.take() {
            None => Ok(None),
            Some(url) => {
                self.pages += 1;
                if self.pages > cx.opts.max_pages {
                    return Err(crate::github::err::bad_response(format!(
                        "GitHub's {} of {} goes on past {} pages (its `Link` header never ends); stopped, with the pages read so far kept",
                        self.list, self.repo, cx.opts.max_pages
                    )));
                }
                Ok(Some(url))
            }
        }
    }

    /// Whether the walk goes on at a GraphQL cursor ([`GRAPHQL`]-prefixed) rather than a URL.
    pub fn at_graphql(&self) -> bool {
        self.url.as_deref().is_some_and(|u| u.starts_with(GRAPHQL))
    }

    /// Starts the walk again at `first` (its watermark kept): an unfinished walk of the
    /// other kind (a GraphQL cursor left for a REST walk, or a URL for a GraphQL one) cannot
    /// be resumed.
    pub fn restart(&mut self, first: String) {
        tracing::debug!(repo = %self.repo, list = self.list, "github: walk started again");
        self.url = Some(first);
        self.newest = None;
        self.floor = None;
    }

    pub fn see(&mut self, v: Value, cmp: fn(&Value, &Value) -> std::cmp::Ordering) {
        self.newest = Some(later(&self.newest, v, cmp));
    }

    pub fn see_floor(&mut self, v: Value, cmp: fn(&Value, &Value) -> std::cmp::Ordering) {
        self.floor = Some(match &self.floor {
            Some(f) if cmp(f, &v).is_le() => f.clone(),
            _ => v,
        });
    }

    /// Commits one page (`records`, `items` long) with the cursor after it, in one
    /// transaction. `next` is the page to go on with, `None` when the walk is over. Returns
    /// what the sink counted as new.
    pub async fn commit(
        &mut self,
        cx: &Cx,
        items: u64,
        next: Option<String>,
        records: GithubRecords,
    ) -> Result<u64, SyncError> {
        let cursor = match &next {
            Some(n) => Cursor {
                since: self.since.clone(),
                next: Some(n.clone()),
                newest: self.newest.clone(),
                floor: self.floor.clone(),
            },
            None => {
                let mut since = self.newest.clone().or_else(|| self.since.clone());
                if let (Some(f), Some(s)) = (&self.floor, &since) {
                    if cmp_time(f, s).is_lt() {
                        since = Some(f.clone());
                    }
                }
                Cursor {
                    since,
                    ..Default::default()
                }
            }
        };
        let page = GithubPage {
            service: self.service,
            records,
            cursor: SinkCursor {
                scope: self.scope.clone(),
                value: serde_json::to_value(&cursor)
                    .unwrap_or(Value::Null)
                    .to_string(),
                at: cx.now,
            },
        };
        let new = cx.sink(move |s| s.commit_github_page(&page)).await?;
        self.total += items;
        cx.progress.report(ProgressEvent::Page {
            scope: self.repo.clone(),
            list: self.list.to_string(),
            items,
            total: self.total,
            expected: None,
        });
        if next.is_none() {
            cx.progress.report(ProgressEvent::Finished {
                scope: self.repo.clone(),
                list: self.list.to_string(),
                total: self.total,
            });
        }
        self.url = next;
        Ok(new)
    }
}
