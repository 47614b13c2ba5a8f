//! The same world read through GraphQL and over REST: the same records either way, GraphQL
//! in fewer requests; a server without `/graphql`, a `RATE_LIMITED` answer, partial data
//! and a repository GraphQL cannot find.

use super::fixtures::{self, REPO};
use super::mock::{Mock, Reply};
use super::{export, run, Events};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use switchyard_core::Document;
use switchyard_sync::github::GithubSummary;
use switchyard_sync::{Cancel, ProgressEvent, SyncError};

/// The synced records, without the workspace's own ids, each list in source-key order.
fn records(doc: &Document) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.retain(|k, _| k != "id" && !k.ends_with("_id"));
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let list = |v: Value| {
        let mut items = v.as_array().cloned().unwrap_or_default();
        items.iter_mut().for_each(strip);
        items.sort_by_key(|i| i["source_key"].to_string());
        Value::Array(items)
    };
    json!({
        "services": list(serde_json::to_value(&doc.services).unwrap()),
        "releases": list(serde_json::to_value(&doc.releases).unwrap()),
        "work_items": list(serde_json::to_value(&doc.work_items).unwrap()),
        "deployments": list(serde_json::to_value(&doc.deployments).unwrap()),
        "incidents": list(serde_json::to_value(&doc.incidents).unwrap()),
        "pipeline_runs": list(serde_json::to_value(&doc.pipeline_runs).unwrap()),
    })
}

/// A first sync and a re-sync of the recorded world; GraphQL served or not, asked for or
/// not. The records after each, the summaries, and the mock.
struct Synced {
    first: Value,
    again: Value,
    s1: GithubSummary,
    s2: GithubSummary,
    mock: Mock,
}

fn sync_world(serve_graphql: bool, use_graphql: bool, replies: Vec<Reply>) -> Synced {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    if serve_graphql {
        routes.enable_graphql();
        routes.graphql_replies(replies);
    }
    let mut o = opts(&mock.url());
    o.graphql = use_graphql;
    let s1 = run(&db, &o, Cancel::default(), Events::default()).unwrap();
    let first = records(&export(&db));
    let s2 = run(&db, &o, Cancel::default(), Events::default()).unwrap();
    let again = records(&export(&db));
    Synced {
        first,
        again,
        s1,
        s2,
        mock,
    }
}

fn opts(url: &str) -> switchyard_sync::github::GithubOptions {
    let mut o = super::opts(url);
    o.graphql = true;
    o
}

fn graphql_posts(mock: &Mock) -> usize {
    mock.log
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.method == "POST" && r.target == "/graphql")
        .count()
}

#[test]
fn graphql_gives_the_same_records_as_rest_in_far_fewer_requests() {
    let rest = sync_world(true, false, vec![]);
    let gql = sync_world(true, true, vec![]);
    assert_eq!(graphql_posts(&rest.mock), 0, "GraphQL off sends no query");
    // The recorded world: 60 pull requests (58 merged), 3 deployments.
    assert_eq!(gql.s1.pull_requests, 60);
    assert_eq!(gql.s1.deployments, 3);
    assert_eq!(gql.first["work_items"].as_array().unwrap().len(), 60);
    assert_eq!(gql.first, rest.first, "the same records after a first sync");
    assert_eq!(gql.again, rest.again, "the same records after a re-sync");
    // The merged PR's size and first commit time came through GraphQL.
    let merged = gql.first["work_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["source_key"] == json!(format!("{REPO}#234")))
        .unwrap();
    assert_eq!(merged["additions"], json!(100));
    assert_eq!(merged["first_commit_at"], json!("2011-04-14T16:00:49Z"));
    // REST: two requests per merged PR and one per deployment; GraphQL: one query per page
    // of PRs and one for the three deployments' statuses.
    let paths = gql.mock.paths();
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("/commits") || p.ends_with("/pulls/234")),
        "no per-PR request: {paths:?}"
    );
    assert!(
        !paths[..gql.s1.requests as usize]
            .iter()
            .any(|p| p.ends_with("/statuses")),
        "no per-deployment request in the first sync: {paths:?}"
    );
    assert_eq!(graphql_posts(&gql.mock), 2 + 1 + 1, "{paths:?}");
    assert!(
        gql.s1.requests * 4 < rest.s1.requests,
        "GraphQL {} vs REST {} requests",
        gql.s1.requests,
        rest.s1.requests
    );
    // Re-sync with nothing changed: one request per list (releases, tags, pulls, issues,
    // deployments, runs) plus the pending deployment's statuses, as over REST.
    assert_eq!(gql.s2.requests, 7);
    assert_eq!(rest.s2.requests, 7);
}

#[test]
fn without_a_graphql_endpoint_the_sync_reads_over_rest_with_the_same_records() {
    let rest = sync_world(true, false, vec![]);
    // An older GitHub Enterprise Server: /graphql is a 404.
    let fallback = sync_world(false, true, vec![]);
    assert_eq!(fallback.first, rest.first);
    assert_eq!(fallback.again, rest.again);
    // One query per sync finds there is none; the rest of that sync is REST.
    assert_eq!(graphql_posts(&fallback.mock), 2);
    assert_eq!(fallback.s1.requests, rest.s1.requests + 1);
    assert_eq!(fallback.s2.requests, rest.s2.requests + 1);
}

#[test]
fn partial_data_reads_that_list_over_rest_instead() {
    let rest = sync_world(true, false, vec![]);
    // A node GitHub could not give (a FORBIDDEN beside the data): the pulls over REST.
    let partial = Reply::json(
        200,
        json!({
            "data": {"rateLimit": {"cost": 1, "remaining": 4990, "resetAt": "2026-03-01T13:00:00Z"},
                     "repository": {"pullRequests": {"pageInfo": {"hasNextPage": false, "endCursor": null}, "nodes": [null]}}},
            "errors": [{"type": "FORBIDDEN", "path": ["repository", "pullRequests", "nodes", 0],
                        "message": "Resource not accessible by integration"}]
        })
        .to_string(),
    );
    let gql = sync_world(true, true, vec![partial]);
    assert_eq!(gql.first, rest.first);
    assert!(gql
        .mock
        .paths()
        .iter()
        .any(|p| p.starts_with(&format!("/repos/{REPO}/pulls?"))));
}

#[test]
fn a_rate_limited_query_is_waited_out_and_said() {
    let rest = sync_world(true, false, vec![]);
    let limited = Reply::json(
        200,
        json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]})
            .to_string(),
    )
    .header("retry-after", "1");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    routes.enable_graphql();
    routes.graphql_replies(vec![limited]);
    let events = Events::default();
    run(&db, &opts(&mock.url()), Cancel::default(), events.clone()).unwrap();
    assert_eq!(records(&export(&db)), rest.first);
    let waits: Vec<_> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::Waiting { seconds, reason } => Some((*seconds, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert_eq!(waits[0].0, 1);
    assert!(waits[0].1.contains("GraphQL rate limit"), "{waits:?}");
    // The query was sent again after the wait: every derived answer was still served.
    assert_eq!(graphql_posts(&mock), 1 + 2 + 1);
    assert!(mock.requests.load(Ordering::SeqCst) > 0);
}

#[test]
fn a_spent_graphql_budget_waits_for_its_reset_or_says_when() {
    // remaining 0 at a reset an hour away: the next request would wait longer than the
    // longest wait, so the sync stops with a rate-limit error saying so.
    let spent = Reply::json(
        200,
        json!({"data": {"rateLimit": {"cost": 1, "remaining": 0, "resetAt": "2099-01-01T00:00:00Z"},
                        "repository": {"pullRequests": {"pageInfo": {"hasNextPage": true, "endCursor": "Y3Vyc29yOjI="}, "nodes": []}}}})
            .to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    routes.enable_graphql();
    routes.graphql_replies(vec![spent]);
    let err = run(
        &dir.path().join("ws.sqlite3"),
        &opts(&mock.url()),
        Cancel::default(),
        Events::default(),
    )
    .unwrap_err();
    match err {
        SyncError::RateLimited { message, .. } => {
            assert!(message.contains("rate limit is spent until"), "{message}")
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
    assert_eq!(
        graphql_posts(&mock),
        1,
        "nothing sent past the spent budget"
    );
}

#[test]
fn a_repository_graphql_cannot_find_is_not_found() {
    let missing = Reply::json(
        200,
        json!({"data": {"rateLimit": {"cost": 1, "remaining": 4999, "resetAt": "2026-03-01T13:00:00Z"}, "repository": null},
               "errors": [{"type": "NOT_FOUND", "path": ["repository"],
                           "message": format!("Could not resolve to a Repository with the name '{REPO}'.")}]})
        .to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    routes.enable_graphql();
    routes.graphql_replies(vec![missing]);
    let err = run(
        &dir.path().join("ws.sqlite3"),
        &opts(&mock.url()),
        Cancel::default(),
        Events::default(),
    )
    .unwrap_err();
    match err {
        SyncError::NotFound(m) => assert!(m.contains("Could not resolve"), "{m}"),
        other => panic!("expected not found, got {other:?}"),
    }
}

#[test]
fn a_killed_graphql_walk_resumes_at_its_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    routes.enable_graphql();
    let o = opts(&mock.url());
    // Stop right after the first page of pull requests was committed.
    let cancel = Cancel::default();
    let progress = {
        let cancel = cancel.clone();
        move |e: ProgressEvent| {
            if matches!(&e, ProgressEvent::Page { list, .. } if list == "pulls") {
                cancel.cancel();
            }
        }
    };
    let mut store = switchyard_store::Store::open(&db).unwrap();
    let err = switchyard_sync::github::sync(
        &mut store,
        &o,
        Some(&switchyard_sync::Secret::new(fixtures::TOKEN)),
        "2026-03-01T12:00:00Z".parse().unwrap(),
        &progress,
        &cancel,
    )
    .unwrap_err();
    drop(store);
    assert!(matches!(err, SyncError::Cancelled(_)), "{err:?}");
    let doc = export(&db);
    // The walk reads a page ahead while one is written: on a loaded machine the second
    // (last) page of pull requests can be in hand before the cancel is seen, and it is
    // committed whole with its cursor. Then there is nothing of this list left to resume.
    if doc.work_items.len() == 60 {
        let pulls = doc
            .sync_state
            .iter()
            .find(|s| s.scope == format!("{REPO}/pulls"))
            .unwrap();
        assert!(pulls.cursor.get("next").is_none(), "{:?}", pulls.cursor);
        return;
    }
    assert_eq!(doc.work_items.len(), 30, "one page of pull requests, whole");
    let cursor = doc
        .sync_state
        .iter()
        .find(|s| s.scope == format!("{REPO}/pulls"))
        .unwrap();
    let next = cursor.cursor["next"].as_str().unwrap().to_string();
    // The mock's cursor is the REST page it was made from.
    assert_eq!(
        next,
        "graphql:/repos/openmicroscopy/ome-documentation/pulls?page=2"
    );

    let before = mock.log.lock().unwrap().len();
    run(&db, &o, Cancel::default(), Events::default()).unwrap();
    let queries: Vec<Value> = mock.log.lock().unwrap()[before..]
        .iter()
        .filter(|r| r.target == "/graphql")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let pulls: Vec<&Value> = queries
        .iter()
        .filter(|q| q["query"].as_str().unwrap().starts_with("query Pulls("))
        .collect();
    assert_eq!(pulls.len(), 1, "only the page after the cursor");
    assert_eq!(
        pulls[0]["variables"]["after"],
        json!("/repos/openmicroscopy/ome-documentation/pulls?page=2")
    );
    let doc = export(&db);
    assert_eq!(doc.work_items.len(), 60, "no duplicates, nothing missing");
    assert!(doc
        .sync_state
        .iter()
        .all(|s| s.cursor.get("next").is_none()));
}

#[test]
fn a_rest_cursor_left_by_a_killed_rest_walk_starts_the_graphql_walk_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    routes.enable_graphql();
    // Killed over REST after the first page of pull requests...
    let mut rest = opts(&mock.url());
    rest.graphql = false;
    let cancel = Cancel::default();
    let progress = {
        let cancel = cancel.clone();
        move |e: ProgressEvent| {
            if matches!(&e, ProgressEvent::Page { list, .. } if list == "pulls") {
                cancel.cancel();
            }
        }
    };
    let mut store = switchyard_store::Store::open(&db).unwrap();
    switchyard_sync::github::sync(
        &mut store,
        &rest,
        Some(&switchyard_sync::Secret::new(fixtures::TOKEN)),
        "2026-03-01T12:00:00Z".parse().unwrap(),
        &progress,
        &cancel,
    )
    .unwrap_err();
    drop(store);
    // ...then synced through GraphQL: its walk starts at the first page (a REST URL is no
    // GraphQL cursor) and ends with every pull request once.
    let before = mock.log.lock().unwrap().len();
    run(
        &db,
        &opts(&mock.url()),
        Cancel::default(),
        Events::default(),
    )
    .unwrap();
    let afters: Vec<Value> = mock.log.lock().unwrap()[before..]
        .iter()
        .filter(|r| r.target == "/graphql")
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .filter(|q| q["query"].as_str().unwrap().starts_with("query Pulls("))
        .map(|q| q["variables"]["after"].clone())
        .collect();
    assert_eq!(
        afters,
        [
            Value::Null,
            json!("/repos/openmicroscopy/ome-documentation/pulls?page=2")
        ]
    );
    assert_eq!(export(&db).work_items.len(), 60);
}
