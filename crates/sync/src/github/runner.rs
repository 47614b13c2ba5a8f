//! The runtime of a GitHub sync: a tokio runtime on a thread of its own runs one task per
//! repository (at most `repo_concurrency` at once), while the caller's thread serves the
//! sink and reports progress. The tasks reach the sink through [`Cx::sink`]: a job sent to
//! the caller's thread, its answer sent back. So the sink needs no locking, and a page and
//! its cursor are still one call (one transaction).

use super::{client, err, GithubOptions, GithubSummary};
use crate::{Cancel, Progress, ProgressEvent, Secret, SyncError};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::Arc;
use switchyard_core::synced::{GithubSink, SinkError};
use switchyard_core::Timestamp;

type Job = Box<dyn FnOnce(&mut dyn GithubSink) + Send>;

/// What the runtime's thread asks of the caller's.
enum Msg {
    Job(Job),
    Progress(ProgressEvent),
}

/// Progress of the runtime's tasks, reported on the caller's thread.
struct Forward(mpsc::Sender<Msg>);

impl Progress for Forward {
    fn report(&self, event: ProgressEvent) {
        let _ = self.0.send(Msg::Progress(event));
    }
}

pub(super) fn sync(
    sink: &mut dyn GithubSink,
    opts: &GithubOptions,
    token: Option<&Secret>,
    now: Timestamp,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<GithubSummary, SyncError> {
    let (tx, rx) = mpsc::channel::<Msg>();
    std::thread::scope(|s| {
        let worker = s.spawn(move || on_runtime(opts, token, now, tx, cancel.clone()));
        // Every sender lives on the runtime's thread: this ends when the sync does.
        for msg in rx {
            match msg {
                Msg::Job(job) => job(sink),
                Msg::Progress(e) => progress.report(e),
            }
        }
        worker.join().unwrap_or_else(|_| {
            Err(err::unavailable(
                "the sync thread stopped unexpectedly".into(),
            ))
        })
    })
}

fn on_runtime(
    opts: &GithubOptions,
    token: Option<&Secret>,
    now: Timestamp,
    tx: mpsc::Sender<Msg>,
    cancel: Cancel,
) -> Result<GithubSummary, SyncError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .map_err(|e| err::unavailable(format!("cannot start the sync runtime: {e}")))?;
    // octocrab spawns its buffer task when built: inside the runtime.
    let _guard = runtime.enter();
    let progress: Arc<dyn Progress> = Arc::new(Forward(tx.clone()));
    let client = client::Client::new(
        &opts.api_url,
        token,
        opts.max_in_flight,
        opts.retry_delay,
        opts.limits,
        progress.clone(),
        cancel,
    )?;
    let cx = Arc::new(Cx {
        client,
        graphql: std::sync::atomic::AtomicBool::new(opts.graphql),
        graphql_probe: tokio::sync::Mutex::new(false),
        sink: tx,
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

/// What every task of a sync shares.
pub(super) struct Cx {
    pub client: client::Client,
    /// GraphQL is used (on by option, until the server shows it has none).
    graphql: std::sync::atomic::AtomicBool,
    /// Whether the endpoint answered once (held by the first query while it is unknown, so
    /// that a server without one costs one request per sync, not one per repository).
    pub graphql_probe: tokio::sync::Mutex<bool>,
    sink: mpsc::Sender<Msg>,
    pub opts: GithubOptions,
    pub now: Timestamp,
    pub progress: Arc<dyn Progress>,
}

impl Cx {
    pub fn graphql_on(&self) -> bool {
        self.graphql.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The server has no GraphQL: REST for the rest of this sync.
    pub fn graphql_off(&self) {
        self.graphql
            .store(false, std::sync::atomic::Ordering::Relaxed);
    }

    /// Runs `f` on the sink (on the caller's thread) and waits for its answer.
    pub async fn sink<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn GithubSink) -> Result<T, SinkError> + Send + 'static,
    ) -> Result<T, SyncError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |sink| {
            let _ = tx.send(f(sink));
        });
        let gone = || err::unavailable("the sync's caller stopped listening".into());
        self.sink.send(Msg::Job(job)).map_err(|_| gone())?;
        Ok(rx.await.map_err(|_| gone())??)
    }

    pub fn repo_url(&self, repo: &str, rest: &str) -> String {
        self.client.url(&format!("/repos/{repo}/{rest}"))
    }

    pub async fn get_json(&self, url: &str) -> Result<(Value, Option<String>), SyncError> {
        let answer = self.client.get(url).await?;
        let next = answer.next();
        let value = serde_json::from_slice(&answer.body).map_err(|e| {
            err::bad_response(format!(
                "GitHub's answer to {} is not JSON: {e}",
                url.split('?').next().unwrap_or(url)
            ))
        })?;
        Ok((value, next))
    }

    /// A list page: a JSON array, or an object holding one under `key`.
    pub async fn get_list(
        &self,
        url: &str,
        key: Option<&str>,
    ) -> Result<(Vec<Value>, Option<String>), SyncError> {
        let (value, next) = self.get_json(url).await?;
        Ok((list_of(value, key, url)?, next))
    }

    /// Every item of a small list, following `Link` up to `max_pages`.
    pub async fn get_all(&self, url: String, max_pages: usize) -> Result<Vec<Value>, SyncError> {
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

/// The items of a list page: a JSON array, or an object holding one under `key` (none
/// there: an empty page).
pub(super) fn list_of(value: Value, key: Option<&str>, url: &str) -> Result<Vec<Value>, SyncError> {
    match (value, key) {
        (Value::Array(a), _) => Ok(a),
        (Value::Object(mut o), Some(k)) => match o.remove(k) {
            Some(Value::Array(a)) => Ok(a),
            _ => Ok(Vec::new()),
        },
        _ => Err(err::bad_response(format!(
            "GitHub's answer to {} is not a list",
            url.split('?').next().unwrap_or(url)
        ))),
    }
}

async fn run(cx: Arc<Cx>) -> Result<GithubSummary, SyncError> {
    let limit = Arc::new(tokio::sync::Semaphore::new(cx.opts.repo_concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for repo in cx.opts.repos.clone() {
        let (cx, limit) = (cx.clone(), limit.clone());
        tasks.spawn(async move {
            let _slot = limit
                .acquire_owned()
                .await
                .map_err(|_| SyncError::Cancelled(crate::Remote::Github))?;
            sync_repo(&cx, &repo).await.map_err(|e| match e {
                SyncError::NotFound(m) => SyncError::NotFound(format!(
                    "repository {repo} not found, or the token cannot see it ({m})"
                )),
                other => other,
            })
        });
    }
    let mut total = GithubSummary::default();
    while let Some(joined) = tasks.join_next().await {
        let result = joined.map_err(|e| err::unavailable(format!("a sync task failed: {e}")))?;
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

async fn sync_repo(cx: &Arc<Cx>, repo: &str) -> Result<GithubSummary, SyncError> {
    let name = repo.to_owned();
    let service = cx.sink(move |s| s.github_service(&name)).await?;
    let mut s = GithubSummary {
        repositories: 1,
        ..Default::default()
    };
    s.releases += super::releases::sync_releases(cx, repo, service).await?;
    s.releases += super::releases::sync_tags(cx, repo, service).await?;
    s.pull_requests += super::pulls::sync_pulls(cx, repo, service).await?;
    s.incidents += super::incidents::sync_incidents(cx, repo, service).await?;
    s.deployments += super::deployments::sync_deployments(cx, repo, service).await?;
    s.pipeline_runs += super::runs::sync_runs(cx, repo, service).await?;
    Ok(s)
}

/// Runs `job` for every key at once (the client bounds the requests in flight).
pub(super) async fn each<K, T, F, Fut>(keys: Vec<K>, job: F) -> Result<HashMap<K, T>, SyncError>
where
    K: std::hash::Hash + Eq + Clone + Send + 'static,
    T: Send + 'static,
    F: Fn(K) -> Fut,
    Fut: std::future::Future<Output = Result<T, SyncError>> + Send + 'static,
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
                return Err(err::unavailable(format!("a request task failed: {e}")));
            }
        }
    }
    Ok(out)
}

/// How many of `keys` the workspace does not hold yet as `kind`.
pub(super) async fn unknown(
    cx: &Cx,
    kind: switchyard_core::synced::github::GithubKind,
    keys: Vec<String>,
) -> Result<usize, SyncError> {
    cx.sink(move |s| s.github_unknown(kind, &keys)).await
}
