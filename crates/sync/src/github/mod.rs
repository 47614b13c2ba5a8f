//! GitHub and GitHub Enterprise over octocrab: repositories become services; releases (and
//! tags without one), pull requests, deployments with their statuses, workflow runs and
//! incident issues become the workspace's records.
//!
//! Each list of each repository walks its pages by the `Link` header, newest first, and
//! stops at what the last sync saw (its cursor in `sync_state`, scope `owner/name/<list>`).
//! A page and the cursor after it are committed in one transaction; the cursor remembers the
//! next page while a walk is unfinished, so a killed sync resumes there. Records are upserted
//! by (source, source_key). Requests run on a tokio runtime owned by [`sync`], at most
//! `max_in_flight` at once; rate limits are waited out (and reported) in [`client`].

pub mod client;
mod db;
mod payload;

pub use client::{next_link, Token, API_VERSION};

use crate::{Cancel, Progress, ProgressEvent};
use chrono::{DateTime, SecondsFormat, Utc};
use payload::{items, Ts};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use switchyard_store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    /// 401: the token is missing, wrong or expired.
    #[error("{0}")]
    Auth(String),
    /// A 403 that is not a rate limit: the token lacks a permission.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// A rate limit that did not lift after the waits allowed.
    #[error("{0}")]
    RateLimited(String),
    /// 5xx or network failures after the retries.
    #[error("{0}")]
    Unavailable(String),
    /// Another 4xx.
    #[error("{0}")]
    Unexpected(String),
    /// An answer Switchyard cannot read.
    #[error("{0}")]
    Decode(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("the sync was cancelled; what was committed stays, and the next sync resumes there")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for GithubError {
    fn from(e: rusqlite::Error) -> Self {
        GithubError::Store(StoreError::Sqlite(e))
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
}

impl GithubOptions {
    pub fn new(api_url: impl Into<String>, repos: Vec<String>) -> Self {
        Self {
            api_url: api_url.into(),
            repos,
            full: false,
            pr_commits: true,
            pr_details: true,
            incident_label: "incident".into(),
            production_environments: vec!["production".into(), "prod".into()],
            max_in_flight: 8,
            repo_concurrency: 8,
            per_page: 100,
            retry_delay: std::time::Duration::from_secs(1),
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

/// Syncs `opts.repos` into the workspace at `db` (its own connection). Blocks until done;
/// runs its own tokio runtime, on a thread of its own when the caller's thread already
/// belongs to a runtime (the desktop's command pool), where a second one cannot start.
pub fn sync(
    db: &Path,
    opts: &GithubOptions,
    token: Option<Token>,
    now: Ts,
    progress: Arc<dyn Progress>,
    cancel: Cancel,
) -> Result<GithubSummary, GithubError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return std::thread::scope(|s| {
            s.spawn(|| sync_on_this_thread(db, opts, token, now, progress, cancel))
                .join()
                .unwrap_or_else(|_| {
                    Err(GithubError::Unavailable(
                        "the sync thread stopped unexpectedly".into(),
                    ))
                })
        });
    }
    sync_on_this_thread(db, opts, token, now, progress, cancel)
}

fn sync_on_this_thread(
    db: &Path,
    opts: &GithubOptions,
    token: Option<Token>,
    now: Ts,
    progress: Arc<dyn Progress>,
    cancel: Cancel,
) -> Result<GithubSummary, GithubError> {
    if opts.repos.is_empty() {
        return Err(GithubError::InvalidInput(
            "name at least one repository (OWNER/NAME)".into(),
        ));
    }
    if let Some(bad) = opts.repos.iter().find(|r| !valid_repo(r)) {
        return Err(GithubError::InvalidInput(format!(
            "{bad:?} is not a repository (OWNER/NAME)"
        )));
    }
    let store = Store::open(db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .map_err(|e| GithubError::Unavailable(format!("cannot start the sync runtime: {e}")))?;
    // octocrab spawns its buffer task when built: inside the runtime.
    let _guard = runtime.enter();
    let client = client::Client::new(
        &opts.api_url,
        token,
        opts.max_in_flight,
        opts.retry_delay,
        progress.clone(),
        cancel,
    )?;
    let cx = Arc::new(Cx {
        client,
        store: Mutex::new(store),
        opts: opts.clone(),
        now,
        progress,
    });
    let result = runtime.block_on(run(cx.clone()));
    let requests = cx.client.requests();
    drop(cx);
    drop(_guard);
    drop(runtime);
    result.map(|mut s| {
        s.requests = requests;
        s
    })
}

struct Cx {
    client: client::Client,
    store: Mutex<Store>,
    opts: GithubOptions,
    now: Ts,
    progress: Arc<dyn Progress>,
}

impl Cx {
    /// Runs `f` in one transaction (a page and its cursor).
    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, GithubError> {
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let tx = store.begin()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, GithubError> {
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        Ok(f(store.conn())?)
    }

    fn repo_url(&self, repo: &str, rest: &str) -> String {
        self.client.url(&format!("/repos/{repo}/{rest}"))
    }

    async fn get_json(&self, url: &str) -> Result<(Value, Option<String>), GithubError> {
        let answer = self.client.get(url).await?;
        let next = answer.next();
        let value = serde_json::from_slice(&answer.body).map_err(|e| {
            GithubError::Decode(format!(
                "GitHub's answer to {} is not JSON: {e}",
                url.split('?').next().unwrap_or(url)
            ))
        })?;
        Ok((value, next))
    }

    /// A list page: a JSON array, or an object holding one under `key`.
    async fn get_list(
        &self,
        url: &str,
        key: Option<&str>,
    ) -> Result<(Vec<Value>, Option<String>), GithubError> {
        let (value, next) = self.get_json(url).await?;
        let list = match (value, key) {
            (Value::Array(a), _) => a,
            (Value::Object(mut o), Some(k)) => match o.remove(k) {
                Some(Value::Array(a)) => a,
                _ => Vec::new(),
            },
            _ => {
                return Err(GithubError::Decode(format!(
                    "GitHub's answer to {} is not a list",
                    url.split('?').next().unwrap_or(url)
                )))
            }
        };
        Ok((list, next))
    }

    /// Every item of a small list, following `Link` up to `max_pages`.
    async fn get_all(&self, url: String, max_pages: usize) -> Result<Vec<Value>, GithubError> {
        let mut out = Vec::new();
        let mut url = Some(url);
        let mut pages = 0;
        while let Some(u) = url.take() {
            let (list, next) = self.get_list(&u, None).await?;
            out.extend(list);
            pages += 1;
            if pages < max_pages {
                url = next;
            }
        }
        Ok(out)
    }
}

async fn run(cx: Arc<Cx>) -> Result<GithubSummary, GithubError> {
    let limit = Arc::new(tokio::sync::Semaphore::new(cx.opts.repo_concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for repo in cx.opts.repos.clone() {
        let (cx, limit) = (cx.clone(), limit.clone());
        tasks.spawn(async move {
            let _slot = limit
                .acquire_owned()
                .await
                .map_err(|_| GithubError::Cancelled)?;
            sync_repo(&cx, &repo).await.map_err(|e| match e {
                GithubError::NotFound(m) => GithubError::NotFound(format!(
                    "repository {repo} not found, or the token cannot see it ({m})"
                )),
                other => other,
            })
        });
    }
    let mut total = GithubSummary::default();
    while let Some(joined) = tasks.join_next().await {
        let result =
            joined.map_err(|e| GithubError::Unavailable(format!("a sync task failed: {e}")))?;
        match result {
            Ok(s) => total.add(&s),
            Err(e) => {
                tasks.abort_all();
                return Err(e);
            }
        }
    }
    Ok(total)
}

async fn sync_repo(cx: &Arc<Cx>, repo: &str) -> Result<GithubSummary, GithubError> {
    let service = cx.write(|c| db::ensure_service(c, repo))?;
    let mut s = GithubSummary {
        repositories: 1,
        ..Default::default()
    };
    s.releases += sync_releases(cx, repo, service).await?;
    s.releases += sync_tags(cx, repo, service).await?;
    s.pull_requests += sync_pulls(cx, repo, service).await?;
    s.incidents += sync_incidents(cx, repo, service).await?;
    s.deployments += sync_deployments(cx, repo, service).await?;
    s.pipeline_runs += sync_runs(cx, repo, service).await?;
    Ok(s)
}

/// A list's cursor in `sync_state`: `since` is the watermark of the last finished walk;
/// `next` and `newest` belong to an unfinished one (the page to resume at, and the watermark
/// it will leave when it finishes).
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

/// One walk over the pages of one list.
struct Walk {
    repo: String,
    list: &'static str,
    scope: String,
    /// The finished watermark (None on a full sync or the first one).
    since: Option<Value>,
    newest: Option<Value>,
    /// The lowest watermark the next walk must go back to (unfinished workflow runs).
    floor: Option<Value>,
    url: Option<String>,
    total: u64,
}

fn later(a: &Option<Value>, b: Value, cmp: fn(&Value, &Value) -> std::cmp::Ordering) -> Value {
    match a {
        Some(a) if cmp(a, &b).is_ge() => a.clone(),
        _ => b,
    }
}

fn cmp_time(a: &Value, b: &Value) -> std::cmp::Ordering {
    let t = |v: &Value| {
        v.as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    };
    t(a).cmp(&t(b))
}

fn cmp_id(a: &Value, b: &Value) -> std::cmp::Ordering {
    a.as_u64().cmp(&b.as_u64())
}

fn time_value(t: &Ts) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn time_of(v: &Option<Value>) -> Option<Ts> {
    v.as_ref()?
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl Walk {
    /// Loads the cursor: resumes an unfinished walk at its next page, else starts at
    /// `first(since)`.
    fn start(
        cx: &Cx,
        repo: &str,
        list: &'static str,
        first: impl FnOnce(Option<&Value>) -> String,
    ) -> Result<Walk, GithubError> {
        let scope = format!("{repo}/{list}");
        let cursor: Cursor = if cx.opts.full {
            Cursor::default()
        } else {
            cx.read(|c| db::cursor(c, &scope))?
                .and_then(|v| serde_json::from_value(v).ok())
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
            since: cursor.since,
            newest: if resumed { cursor.newest } else { None },
            floor: if resumed { cursor.floor } else { None },
            url: Some(url),
            total: 0,
        })
    }

    async fn fetch(
        &mut self,
        cx: &Cx,
        key: Option<&str>,
    ) -> Result<Option<(Vec<Value>, Option<String>)>, GithubError> {
        if cx.client.cancel().is_cancelled() {
            return Err(GithubError::Cancelled);
        }
        match self.url.take() {
            None => Ok(None),
            Some(url) => Ok(Some(cx.get_list(&url, key).await?)),
        }
    }

    fn see(&mut self, v: Value, cmp: fn(&Value, &Value) -> std::cmp::Ordering) {
        self.newest = Some(later(&self.newest, v, cmp));
    }

    fn see_floor(&mut self, v: Value, cmp: fn(&Value, &Value) -> std::cmp::Ordering) {
        self.floor = Some(match &self.floor {
            Some(f) if cmp(f, &v).is_le() => f.clone(),
            _ => v,
        });
    }

    /// Commits one page (`f`) with the cursor after it. `next` is the page to go on with,
    /// `None` when the walk is over.
    fn commit(
        &mut self,
        cx: &Cx,
        items: u64,
        next: Option<String>,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<()>,
    ) -> Result<(), GithubError> {
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
        let value = serde_json::to_value(&cursor).unwrap_or(Value::Null);
        let scope = self.scope.clone();
        let now = cx.now;
        cx.write(|c| {
            f(c)?;
            db::set_cursor(c, &scope, &value, &now)
        })?;
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
        Ok(())
    }
}

fn labels_json(labels: &[payload::Label]) -> String {
    serde_json::to_string(&labels.iter().map(|l| l.name()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

/// Keys of `keys` that the workspace does not hold yet in `table`.
fn new_keys(cx: &Cx, table: &str, keys: &[String]) -> Result<usize, GithubError> {
    cx.read(|c| {
        let mut n = 0;
        for k in keys {
            if !db::exists(c, table, k)? {
                n += 1;
            }
        }
        Ok(n)
    })
}

/// Releases, newest first. Drafts are kept apart from shipped releases (status `planned`,
/// not released, no date), prereleases are marked (status `in_progress`, not released).
/// After the first walk, a page with no new release ends it.
async fn sync_releases(cx: &Arc<Cx>, repo: &str, service: i64) -> Result<u64, GithubError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, "releases", |_| {
        cx.repo_url(repo, &format!("releases?per_page={per_page}"))
    })?;
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, None).await? {
        let releases: Vec<payload::Release> = items(values, "release");
        let keys: Vec<String> = releases
            .iter()
            .map(|r| format!("{repo}@{}", r.tag_name))
            .collect();
        let first_walk = w.since.is_none();
        let go_on = next.filter(|_| first_walk || new_keys(cx, "releases", &keys).unwrap_or(1) > 0);
        w.newest = Some(json!(true));
        let n = releases.len() as u64;
        w.commit(cx, n, go_on, |c| {
            for (r, key) in releases.iter().zip(&keys) {
                let (status, released) = if r.draft {
                    ("planned", false)
                } else if r.prerelease {
                    ("in_progress", false)
                } else {
                    ("released", true)
                };
                let release_date = if r.draft {
                    None
                } else {
                    r.published_at
                        .or(r.created_at)
                        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
                };
                let name = r
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .unwrap_or(&r.tag_name);
                db::upsert_release(
                    c,
                    service,
                    &db::ReleaseRow {
                        key,
                        name,
                        version: &r.tag_name,
                        status,
                        released,
                        release_date,
                        description: r.body.as_deref().unwrap_or(""),
                    },
                )?;
            }
            Ok(())
        })?;
        count += n;
    }
    Ok(count)
}

/// Tags that have no release become releases (no date: a tag has none). After the first
/// walk, a page with no new tag ends it.
async fn sync_tags(cx: &Arc<Cx>, repo: &str, service: i64) -> Result<u64, GithubError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, "tags", |_| {
        cx.repo_url(repo, &format!("tags?per_page={per_page}"))
    })?;
    let mut count = 0;
    while let Some((values, next)) = w.fetch(cx, None).await? {
        let tags: Vec<payload::Tag> = items(values, "tag");
        let keys: Vec<String> = tags.iter().map(|t| format!("{repo}@{}", t.name)).collect();
        let fresh = new_keys(cx, "releases", &keys)?;
        let go_on = next.filter(|_| w.since.is_none() || fresh > 0);
        w.newest = Some(json!(true));
        let mut added = 0;
        w.commit(cx, tags.len() as u64, go_on, |c| {
            for (t, key) in tags.iter().zip(&keys) {
                if db::insert_tag_release(c, service, key, &t.name)? {
                    added += 1;
                }
            }
            Ok(())
        })?;
        count += added;
    }
    Ok(count)
}

/// First commit time and size of a merged pull request.
#[derive(Default)]
struct PullExtra {
    first_commit_at: Option<Ts>,
    additions: Option<i64>,
    deletions: Option<i64>,
    changed_files: Option<i64>,
}

async fn pull_extra(cx: Arc<Cx>, repo: String, number: u64) -> Result<PullExtra, GithubError> {
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
            GithubError::Decode(format!(
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

/// Runs `job` for every key at once (the client bounds the requests in flight).
async fn each<K, T, F, Fut>(keys: Vec<K>, job: F) -> Result<HashMap<K, T>, GithubError>
where
    K: std::hash::Hash + Eq + Clone + Send + 'static,
    T: Send + 'static,
    F: Fn(K) -> Fut,
    Fut: std::future::Future<Output = Result<T, GithubError>> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for k in keys {
        let fut = job(k.clone());
        set.spawn(async move { fut.await.map(|t| (k, t)) });
    }
    let mut out = HashMap::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok((k, t))) => {
                out.insert(k, t);
            }
            Ok(Err(e)) => {
                set.abort_all();
                return Err(e);
            }
            Err(e) => {
                set.abort_all();
                return Err(GithubError::Unavailable(format!(
                    "a request task failed: {e}"
                )));
            }
        }
    }
    Ok(out)
}

/// Pull requests (`state=all`, most recently updated first) until one older than the cursor.
/// A merged one is a change (`merged_at`); a closed unmerged one is kept as `closed`.
async fn sync_pulls(cx: &Arc<Cx>, repo: &str, service: i64) -> Result<u64, GithubError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, "pulls", |_| {
        cx.repo_url(
            repo,
            &format!("pulls?state=all&sort=updated&direction=desc&per_page={per_page}"),
        )
    })?;
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
        w.commit(cx, n, next.filter(|_| !stop), |c| {
            for p in &pulls {
                let key = format!("{repo}#{}", p.number);
                let extra = extras.remove(&p.number).unwrap_or_default();
                let (status, category) = if p.merged_at.is_some() {
                    ("merged", "done")
                } else if p.state == "closed" {
                    ("closed", "done")
                } else if p.draft == Some(true) {
                    ("draft", "in_progress")
                } else {
                    ("open", "in_progress")
                };
                db::upsert_pull(
                    c,
                    service,
                    &db::PullRow {
                        key: &key,
                        title: &p.title,
                        status,
                        status_category: category,
                        labels: labels_json(&p.labels),
                        author: p.user.as_ref().map(|u| u.login.as_str()),
                        assignee: p.assignee.as_ref().map(|u| u.login.as_str()),
                        url: p.html_url.as_deref(),
                        created_at: p.created_at,
                        updated_at: p.updated_at,
                        resolved_at: p.closed_at.or(p.merged_at),
                        merged_at: p.merged_at,
                        first_commit_at: extra.first_commit_at,
                        base_branch: p.base.as_ref().and_then(|b| b.git_ref.as_deref()),
                        additions: extra.additions,
                        deletions: extra.deletions,
                        changed_files: extra.changed_files,
                    },
                )?;
            }
            Ok(())
        })?;
        count += n;
    }
    Ok(count)
}

fn has_label(labels: &[payload::Label], wanted: &str) -> bool {
    labels.iter().any(|l| l.name().eq_ignore_ascii_case(wanted))
}

/// Issues with the incident label (`since` the cursor) become incidents; an item of
/// `/issues` that carries `pull_request` is a pull request and never an incident.
async fn sync_incidents(cx: &Arc<Cx>, repo: &str, service: i64) -> Result<u64, GithubError> {
    let per_page = cx.opts.per_page;
    let label = cx.opts.incident_label.clone();
    let mut w = Walk::start(cx, repo, "issues", |since| {
        let mut q = format!(
            "issues?state=all&labels={}&sort=updated&direction=desc&per_page={per_page}",
            encode(&label)
        );
        if let Some(s) = since.and_then(Value::as_str) {
            q.push_str(&format!("&since={}", encode(s)));
        }
        cx.repo_url(repo, &q)
    })?;
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
        w.commit(cx, n, next.filter(|_| !stop), |c| {
            for i in &issues {
                let key = format!("{repo}#{}", i.number);
                let severity = i
                    .labels
                    .iter()
                    .map(|l| l.name())
                    .find(|l| l.to_ascii_lowercase().starts_with("sev"));
                db::upsert_incident(
                    c,
                    service,
                    &db::IncidentRow {
                        key: &key,
                        title: &i.title,
                        severity,
                        created_at: i.created_at,
                        resolved_at: i.closed_at,
                        url: i.html_url.as_deref(),
                    },
                )?;
            }
            Ok(())
        })?;
        count += n;
    }
    Ok(count)
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

/// The outcome of a deployment from all its statuses (spec/dora.md): `success` if any status
/// is `success` (a later `inactive` does not undo it), else `failure` if any is `failure` or
/// `error`, else pending; its time is the `created_at` of the first such status.
pub fn deployment_outcome(statuses: &[(String, Ts)]) -> (&'static str, Option<Ts>) {
    let first = |states: &[&str]| {
        statuses
            .iter()
            .filter(|(s, _)| states.contains(&s.as_str()))
            .map(|(_, t)| *t)
            .min()
    };
    if let Some(t) = first(&["success"]) {
        ("success", Some(t))
    } else if let Some(t) = first(&["failure", "error"]) {
        ("failure", Some(t))
    } else {
        ("pending", None)
    }
}

async fn statuses(cx: Arc<Cx>, repo: String, id: u64) -> Result<Vec<(String, Ts)>, GithubError> {
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

/// Deployments, newest first, until a known one; each new one's statuses (one request each,
/// the client bounding how many at once). Then the statuses of this repository's deployments
/// that were still pending are fetched again.
async fn sync_deployments(cx: &Arc<Cx>, repo: &str, service: i64) -> Result<u64, GithubError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, "deployments", |_| {
        cx.repo_url(repo, &format!("deployments?per_page={per_page}"))
    })?;
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
        let ids: Vec<u64> = deps.iter().map(|d| d.id).collect();
        let repo_owned = repo.to_string();
        let mut states = each(ids, |id| statuses(cx.clone(), repo_owned.clone(), id)).await?;
        let n = deps.len() as u64;
        w.commit(cx, n, next.filter(|_| !stop), |c| {
            for d in &deps {
                let key = format!("{repo}/deployments/{}", d.id);
                let (outcome, time) = deployment_outcome(&states.remove(&d.id).unwrap_or_default());
                let env = d.environment.as_deref().unwrap_or("");
                let production = d.production_environment == Some(true)
                    || prod.contains(&env.to_ascii_lowercase());
                db::upsert_deployment(
                    c,
                    service,
                    &db::DeploymentRow {
                        key: &key,
                        environment: env,
                        production,
                        sha: &d.sha,
                        git_ref: d.git_ref.as_deref(),
                        creator: d.creator.as_ref().map(|u| u.login.as_str()),
                        outcome,
                        time,
                        created_at: d.created_at,
                    },
                )?;
            }
            Ok(())
        })?;
        fetched.extend(deps.iter().map(|d| d.id));
        count += n;
    }
    // Unfinished deployments of earlier syncs: their statuses again.
    let prefix = format!("{repo}/deployments/");
    let pending: Vec<u64> = cx
        .read(|c| db::pending_deployments(c, service))?
        .iter()
        .filter_map(|k| k.strip_prefix(&prefix)?.parse().ok())
        .filter(|id| !fetched.contains(id))
        .collect();
    if !pending.is_empty() {
        let repo_owned = repo.to_string();
        let states = each(pending, |id| statuses(cx.clone(), repo_owned.clone(), id)).await?;
        cx.write(|c| {
            for (id, st) in &states {
                let (outcome, time) = deployment_outcome(st);
                db::set_deployment_outcome(c, &format!("{prefix}{id}"), outcome, time)?;
            }
            Ok(())
        })?;
    }
    Ok(count)
}

fn run_row<'a>(r: &'a payload::Run, key: &'a str, workflow: &'a str) -> db::RunRow<'a> {
    db::RunRow {
        key,
        workflow,
        head_sha: &r.head_sha,
        event: &r.event,
        status: r.status.as_deref().unwrap_or("unknown"),
        conclusion: r.conclusion.as_deref(),
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
) -> Result<Option<payload::Run>, GithubError> {
    let (v, _) = cx
        .get_json(&cx.repo_url(&repo, &format!("actions/runs/{id}/attempts/{attempt}")))
        .await?;
    Ok(serde_json::from_value(v).ok())
}

/// Workflow runs, newest first; after the first walk with `created>=` the cursor, which stays
/// at the oldest run that was not finished yet so that it is read again.
async fn sync_runs(cx: &Arc<Cx>, repo: &str, service: i64) -> Result<u64, GithubError> {
    let per_page = cx.opts.per_page;
    let mut w = Walk::start(cx, repo, "runs", |since| {
        let mut q = format!("actions/runs?per_page={per_page}");
        if let Some(s) = since.and_then(Value::as_str) {
            q.push_str(&format!("&created={}", encode(&format!(">={s}"))));
        }
        cx.repo_url(repo, &q)
    })?;
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
                if new_keys(cx, "pipeline_runs", &[key])? > 0 {
                    wanted.push((r.id, k));
                }
            }
        }
        let repo_owned = repo.to_string();
        let attempts = each(wanted, |k| run_attempt(cx.clone(), repo_owned.clone(), k)).await?;
        let n = runs.len() as u64;
        w.commit(cx, n, next.filter(|_| !stop), |c| {
            for r in &runs {
                let key = format!("{repo}/runs/{}", r.id);
                let workflow = r.workflow();
                db::upsert_run(c, service, &run_row(r, &key, &workflow))?;
            }
            for ((id, k), run) in &attempts {
                if let Some(run) = run {
                    let key = format!("{repo}/runs/{id}/attempts/{k}");
                    let workflow = run.workflow();
                    let mut row = run_row(run, &key, &workflow);
                    row.attempt = *k;
                    db::upsert_run(c, service, &row)?;
                }
            }
            Ok(())
        })?;
        count += n;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Ts {
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
            ("success", Some(t("2026-01-01T10:05:00Z")))
        );
        let st = vec![
            ("error".to_string(), t("2026-01-01T11:00:00Z")),
            ("failure".to_string(), t("2026-01-01T10:30:00Z")),
        ];
        assert_eq!(
            deployment_outcome(&st),
            ("failure", Some(t("2026-01-01T10:30:00Z")))
        );
        assert_eq!(
            deployment_outcome(&[("queued".into(), t("2026-01-01T10:30:00Z"))]),
            ("pending", None)
        );
    }

    #[test]
    fn repository_names_are_checked() {
        assert!(valid_repo("octo-org/octo.repo_1"));
        for bad in ["octo", "/x", "a/", "a/b/c", "a/..", "a b/c"] {
            assert!(!valid_repo(bad), "{bad}");
        }
    }
}
