//! GitHub sync against a mock GitHub on 127.0.0.1 serving the real recorded payloads.

pub mod fixtures;
pub mod mock;

mod graphql;
mod hostile;

use fixtures::{recorded, REPO, TOKEN};
use mock::Reply;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchyard_core::{Document, Outcome};
use switchyard_store::Store;
use switchyard_sync::github::{self, GithubOptions, GithubSummary};
use switchyard_sync::{Cancel, ProgressEvent};
use switchyard_sync::{Remote, Secret, SyncError};

/// The REST path; graphql.rs syncs the same world through GraphQL (and compares).
fn opts(url: &str) -> GithubOptions {
    let mut o = GithubOptions::new(url, vec![REPO.to_string()]);
    o.retry_delay = Duration::from_millis(20);
    o.graphql = false;
    o
}

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

type Events = Arc<Mutex<Vec<ProgressEvent>>>;

fn run(
    db: &std::path::Path,
    o: &GithubOptions,
    cancel: Cancel,
    events: Events,
) -> Result<GithubSummary, SyncError> {
    let progress = move |e: ProgressEvent| events.lock().unwrap().push(e);
    let mut store = Store::open(db).unwrap();
    github::sync(
        &mut store,
        o,
        Some(&Secret::new(TOKEN)),
        now(),
        &progress,
        &cancel,
    )
}

fn export(db: &std::path::Path) -> Document {
    Store::open(db).unwrap().export().unwrap()
}

#[test]
fn real_payloads_fill_the_workspace_and_a_second_sync_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    let o = opts(&mock.url());
    let s = run(&db, &o, Cancel::default(), Events::default()).unwrap();
    assert_eq!(s.pull_requests, 60);
    assert_eq!(s.incidents, 2);
    assert_eq!(s.deployments, 3);
    assert_eq!(s.pipeline_runs, 3);

    let doc = export(&db);
    assert_eq!(
        doc.services
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        [REPO]
    );
    // Releases: shipped, prerelease, draft, and tags without a release (one tag has one).
    let rel = |tag: &str| {
        doc.releases
            .iter()
            .find(|r| r.source_key.as_deref() == Some(&format!("{REPO}@{tag}")))
            .unwrap_or_else(|| panic!("release {tag}"))
    };
    let shipped = rel("v0.38.0");
    assert!(shipped.released);
    assert_eq!(shipped.release_date.unwrap().to_string(), "2024-04-09");
    assert_eq!(shipped.services, [REPO]);
    assert_eq!(rel("v0.39.0").status.as_str(), "planned");
    assert!(!rel("v0.39.0").released && rel("v0.39.0").release_date.is_none());
    assert_eq!(rel("v0.39.0-rc.1").status.as_str(), "in_progress");
    assert!(!rel("v0.39.0-rc.1").released);
    assert_eq!(
        rel("v1.12.2").description,
        "git tag without a GitHub release"
    );
    assert_eq!(doc.releases.len(), 4 + 55 - 1);

    // Pull requests: merged ones are changes; #231 was closed without merging.
    let pr = |n: u64| {
        doc.work_items
            .iter()
            .find(|w| w.source_key.as_deref() == Some(&format!("{REPO}#{n}")))
            .unwrap_or_else(|| panic!("PR {n}"))
    };
    assert_eq!(doc.work_items.len(), 60);
    let closed = pr(231);
    assert_eq!((closed.status.as_str(), closed.merged_at), ("closed", None));
    let merged = pr(234);
    assert_eq!(merged.kind, "pull_request");
    assert_eq!(merged.status, "merged");
    assert_eq!(
        merged.merged_at.unwrap().to_rfc3339(),
        "2013-02-01T11:04:37+00:00"
    );
    assert_eq!(merged.base_branch.as_deref(), Some("dev_4_4"));
    assert_eq!(merged.author.as_deref(), Some("sbesson"));
    assert_eq!(
        merged.first_commit_at.unwrap().to_rfc3339(),
        "2011-04-14T16:00:49+00:00"
    );
    assert_eq!(
        (merged.additions, merged.deletions, merged.changed_files),
        (Some(100), Some(3), Some(5))
    );
    assert_eq!(merged.service.as_deref(), Some(REPO));
    assert!(pr(1234).merged_at.is_some(), "page 2 (derived) was read");
    assert!(
        closed.first_commit_at.is_none(),
        "no commits fetched for an unmerged PR"
    );

    // Incidents: #13 (closed, sev2) and #7; PR #3045 in /issues is never one.
    let mut keys: Vec<_> = doc
        .incidents
        .iter()
        .map(|i| i.source_key.clone().unwrap())
        .collect();
    keys.sort();
    assert_eq!(keys, [format!("{REPO}#13"), format!("{REPO}#7")]);
    let i13 = doc
        .incidents
        .iter()
        .find(|i| i.source_key.as_deref() == Some(&format!("{REPO}#13")))
        .unwrap();
    assert_eq!(i13.severity.as_deref(), Some("sev2"));
    assert_eq!(
        i13.resolved_at.unwrap().to_rfc3339(),
        "2017-02-01T09:00:00+00:00"
    );
    assert_eq!(i13.service.as_deref(), Some(REPO));

    // Deployments: success stays success after `inactive`; time of the first success.
    let dep = |id: u64| {
        doc.deployments
            .iter()
            .find(|d| d.source_key.as_deref() == Some(&format!("{REPO}/deployments/{id}")))
            .unwrap()
            .clone()
    };
    let d1 = dep(1);
    assert_eq!(d1.outcome, Outcome::Success);
    assert_eq!(d1.time.unwrap().to_rfc3339(), "2012-07-20T01:19:13+00:00");
    assert!(d1.production);
    assert_eq!(d1.environment, "production");
    assert_eq!(d1.sha, "a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d");
    assert_eq!(d1.git_ref.as_deref(), Some("topic-branch"));
    assert_eq!(d1.creator.as_deref(), Some("octocat"));
    let d2 = dep(2);
    assert_eq!((d2.outcome, d2.production), (Outcome::Failure, false));
    assert_eq!(d2.time.unwrap().to_rfc3339(), "2012-07-21T01:25:00+00:00");
    assert_eq!((dep(3).outcome, dep(3).time), (Outcome::Pending, None));

    // Workflow runs, with the failed first attempt of the re-run one.
    let prun = |key: &str| {
        doc.pipeline_runs
            .iter()
            .find(|r| r.source_key.as_deref() == Some(&format!("{REPO}/runs/{key}")))
            .unwrap_or_else(|| panic!("run {key}"))
    };
    assert_eq!(doc.pipeline_runs.len(), 4);
    let queued = prun("30433642");
    assert_eq!(
        (
            queued.workflow.as_str(),
            queued.status.as_str(),
            queued.conclusion.as_deref()
        ),
        ("Build", "queued", None)
    );
    assert!(queued.finished_at.is_none());
    let old = prun("204764033");
    assert_eq!(
        (old.conclusion.as_deref(), old.attempt, old.event.as_str()),
        (Some("failure"), 1, "push")
    );
    assert_eq!(
        old.finished_at.unwrap().to_rfc3339(),
        "2020-08-12T00:04:06+00:00"
    );
    let second = prun("30433643");
    let first = prun("30433643/attempts/1");
    assert_eq!(
        (second.attempt, second.conclusion.as_deref()),
        (2, Some("success"))
    );
    assert_eq!(
        (first.attempt, first.conclusion.as_deref()),
        (1, Some("failure"))
    );
    assert_eq!(first.head_sha, second.head_sha);

    // Cursors per list.
    let scopes: Vec<_> = doc.sync_state.iter().map(|s| s.scope.clone()).collect();
    for list in ["releases", "tags", "pulls", "issues", "deployments", "runs"] {
        assert!(scopes.contains(&format!("{REPO}/{list}")), "{scopes:?}");
    }
    assert!(doc
        .sync_state
        .iter()
        .all(|s| s.cursor.get("next").is_none()));

    // Again: nothing new, the pending deployment re-checked (and now a success), no duplicates,
    // one request per list plus that deployment's statuses.
    let before = mock.requests.load(std::sync::atomic::Ordering::SeqCst);
    let s2 = run(&db, &o, Cancel::default(), Events::default()).unwrap();
    let sent = mock.requests.load(std::sync::atomic::Ordering::SeqCst) - before;
    assert_eq!(sent, 7, "{:?}", &mock.paths()[before as usize..]);
    assert_eq!(s2.requests, 7);
    let again = export(&db);
    assert_eq!(again.work_items.len(), doc.work_items.len());
    assert_eq!(again.releases.len(), doc.releases.len());
    assert_eq!(again.deployments.len(), 3);
    assert_eq!(again.incidents.len(), 2);
    assert_eq!(again.pipeline_runs.len(), 4);
    let d3 = again
        .deployments
        .iter()
        .find(|d| d.source_key.as_deref() == Some(&format!("{REPO}/deployments/3")))
        .unwrap();
    assert_eq!(d3.outcome, Outcome::Success);
    assert_eq!(d3.time.unwrap().to_rfc3339(), "2020-08-26T14:40:00+00:00");
    drop(mock);
}

#[test]
fn a_killed_sync_resumes_at_its_next_page_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    let o = opts(&mock.url());
    // Stop right after the first page of pull requests was committed.
    let cancel = Cancel::default();
    let events = Events::default();
    let progress = {
        let (cancel, events) = (cancel.clone(), events.clone());
        move |e: ProgressEvent| {
            if matches!(&e, ProgressEvent::Page { list, .. } if list == "pulls") {
                cancel.cancel();
            }
            events.lock().unwrap().push(e);
        }
    };
    let mut store = Store::open(&db).unwrap();
    let err = github::sync(
        &mut store,
        &o,
        Some(&Secret::new(TOKEN)),
        now(),
        &progress,
        &cancel,
    )
    .unwrap_err();
    drop(store);
    assert!(
        matches!(err, SyncError::Cancelled(Remote::Github)),
        "{err:?}"
    );
    let doc = export(&db);
    assert_eq!(doc.work_items.len(), 30);
    let cursor = doc
        .sync_state
        .iter()
        .find(|s| s.scope == format!("{REPO}/pulls"))
        .unwrap();
    let next = cursor.cursor["next"].as_str().unwrap();
    assert!(
        next.starts_with(&mock.url()) && next.contains("page=2"),
        "{next}"
    );

    let before = mock.log.lock().unwrap().len();
    run(&db, &o, Cancel::default(), Events::default()).unwrap();
    let paths = mock.paths()[before..].to_vec();
    assert!(
        !paths
            .iter()
            .any(|p| p.starts_with(&format!("/repos/{REPO}/pulls?"))),
        "{paths:?}"
    );
    assert!(paths
        .iter()
        .any(|p| p.starts_with("/repos/openmicroscopy/ome-documentation/pulls?page=2")));
    let doc = export(&db);
    assert_eq!(doc.work_items.len(), 60);
    let mut keys: Vec<_> = doc
        .work_items
        .iter()
        .map(|w| w.source_key.clone())
        .collect();
    keys.dedup();
    assert_eq!(keys.len(), 60);
}

fn only_releases(routes: &fixtures::Routes, replies: Vec<Reply>) {
    routes.set(&format!("/repos/{REPO}/releases"), replies);
}

fn waits(events: &Events) -> Vec<(u64, String)> {
    events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::Waiting { seconds, reason } => Some((*seconds, reason.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_secondary_limit_with_retry_after_waits_then_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    let (status, mut headers, body) = recorded(&fixtures::load(
        "real/pygithub-secondary-abuse-limit-403-2018.json",
    ));
    for (k, v) in headers.iter_mut() {
        if k.eq_ignore_ascii_case("retry-after") {
            *v = "1".into();
        }
    }
    let mut limited = Reply::json(status, body.to_string());
    limited.headers = headers;
    only_releases(
        &routes,
        vec![
            limited,
            Reply::json(
                200,
                fixtures::load("real/octocrab-list-releases.json").to_string(),
            ),
        ],
    );
    let events = Events::default();
    let started = Instant::now();
    let s = run(
        &dir.path().join("ws.sqlite3"),
        &opts(&mock.url()),
        Cancel::default(),
        events.clone(),
    )
    .unwrap();
    assert_eq!(s.releases, 2);
    assert!(started.elapsed() >= Duration::from_millis(900));
    let w = waits(&events);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, 1);
    assert!(w[0].1.contains("secondary rate limit"), "{w:?}");
}

#[test]
fn a_spent_primary_limit_waits_for_its_reset() {
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    let rec = fixtures::load("real/pygithub-primary-rate-limit-403-2013.json");
    let (status, mut headers, body) = recorded(&rec[1]);
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    headers.push(("x-ratelimit-reset".into(), reset.to_string()));
    let mut limited = Reply::json(status, body.to_string());
    limited.headers = headers;
    only_releases(&routes, vec![limited, Reply::json(200, "[]")]);
    let events = Events::default();
    run(
        &dir.path().join("ws.sqlite3"),
        &opts(&mock.url()),
        Cancel::default(),
        events.clone(),
    )
    .unwrap();
    let w = waits(&events);
    assert!(!w.is_empty() && w[0].0 <= 2, "{w:?}");
    assert!(w[0].1.contains("rate limit is spent"), "{w:?}");
}

/// The desktop calls the sync from a thread of its async command pool, where a second
/// tokio runtime cannot be started (it panicked there and the window waited forever).
#[test]
fn a_sync_called_from_inside_a_runtime_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    let o = opts(&mock.url());
    let outer = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Called right on a worker thread of the outer runtime, as a Tauri command body is.
    let summary = outer
        .block_on(async move {
            tokio::spawn(async move {
                run(&db, &o, Cancel::default(), Events::default()).map(|s| (s, db))
            })
            .await
        })
        .expect("the sync did not panic");
    let (s, db) = summary.unwrap();
    assert_eq!(s.pull_requests, 60);
    assert_eq!(export(&db).deployments.len(), 3);
}

/// A sync of a repository whose releases list answers `replies`, with options tuned by
/// `tune`: its result, the requests the mock saw, and how long it took.
fn sync_with(
    replies: Vec<Reply>,
    tune: impl FnOnce(&mut GithubOptions),
) -> (Result<(), SyncError>, u64, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    only_releases(&routes, replies);
    let mut o = opts(&mock.url());
    tune(&mut o);
    let started = Instant::now();
    let result = run(
        &dir.path().join("ws.sqlite3"),
        &o,
        Cancel::default(),
        Events::default(),
    )
    .map(|_| ());
    let elapsed = started.elapsed();
    (
        result,
        mock.requests.load(std::sync::atomic::Ordering::SeqCst),
        elapsed,
    )
}

fn fails_with(reply: Reply) -> (SyncError, u64) {
    let (result, requests, _) = sync_with(vec![reply], |_| {});
    (result.unwrap_err(), requests)
}

#[test]
fn a_permission_403_is_forbidden_not_a_rate_limit() {
    // The basic-error shape of the real 404 with the permission message GitHub sends.
    let (_, _, mut body) = recorded(&fixtures::load("real/pygithub-error-404-2025.json"));
    body["message"] = json!("Must have admin rights to Repository.");
    body["status"] = json!("403");
    let (err, requests) =
        fails_with(Reply::json(403, body.to_string()).header("x-ratelimit-remaining", "4999"));
    assert!(
        matches!(&err, SyncError::Forbidden { remote: Remote::Github, message: m } if m.contains("Must have admin rights")),
        "{err:?}"
    );
    assert_eq!(requests, 1);
}

#[test]
fn a_bad_token_a_missing_repo_and_a_failing_server_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (mock, _routes) = fixtures::start();
    let mut store = Store::open(&dir.path().join("a.sqlite3")).unwrap();
    let err = github::sync(
        &mut store,
        &opts(&mock.url()),
        Some(&Secret::new("ghp_wrong")),
        now(),
        &(),
        &Cancel::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, SyncError::Auth { remote: Remote::Github, message: m } if m.contains("Bad credentials") && !m.contains("ghp_")),
        "{err:?}"
    );

    let mut o = opts(&mock.url());
    o.repos = vec!["octo-org/missing".into()];
    let mut routes = _routes;
    routes.set("/repos/octo-org/missing/releases", {
        let (status, headers, body) =
            recorded(&fixtures::load("real/pygithub-error-404-2025.json"));
        let mut r = Reply::json(status, body.to_string());
        r.headers = headers;
        vec![r]
    });
    let err = run(
        &dir.path().join("b.sqlite3"),
        &o,
        Cancel::default(),
        Events::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, SyncError::NotFound(m) if m.contains("octo-org/missing")),
        "{err:?}"
    );
    let _ = &mut routes;

    let (err, requests) = fails_with(Reply::json(502, r#"{"message":"Server Error"}"#));
    assert!(
        matches!(&err, SyncError::Unavailable { remote: Remote::Github, message: m } if m.contains("502")),
        "{err:?}"
    );
    assert_eq!(requests, 4, "one try and three retries");
    drop(mock);
}
