//! Jira sync against a fake Jira on 127.0.0.1 that serves the real payloads of
//! tests/fixtures/jira (Cloud v3 and Data Center v2).

pub mod fake;
pub mod mock;

use chrono::{Duration as CD, Utc};
use fake::*;
use mock::Response;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchyard_store::Store;
use switchyard_sync::jira::{self, JiraOptions, RetryPolicy};
use switchyard_sync::{Cancel, ProgressEvent};
use switchyard_sync::{Remote, Secret, SyncError};

const TOKEN: &str = "tok-SECRET-7f3a9c";
const EMAIL: &str = "mia@example.com";

/// A Cloud project `PROJ` with 7 versions and `n` issues (chained "blocks" links, one
/// `Incident`, one labelled `incident`).
fn cloud_fake(n: u64) -> FakeJira {
    let mut f = FakeJira::new(true, &basic_auth(EMAIL, TOKEN));
    let base = fixture("search-jql.json")["issues"][0].clone();
    let jr = jrjc();
    let versions = make_versions(7);
    let p = f.project("PROJ");
    p.versions = versions.clone();
    let t0 = utc(2024, 3, 1, 9, 0);
    for i in 1..=n {
        p.issues.push(make_issue(
            &IssueSpec {
                project: "PROJ",
                n: i,
                summary: format!("Issue {i}"),
                updated: t0 + CD::minutes(i as i64),
                issuetype: (i == 5).then_some("Incident"),
                labels: if i == 6 {
                    vec!["incident", "sev2"]
                } else {
                    vec![]
                },
                chain_blocking: true,
                chain_len: n,
                fix_versions: vec![versions[(i % 3) as usize].clone()],
                resolved: (i == 6).then(|| t0 + CD::hours(3)),
            },
            true,
            &base,
            &jr,
        ));
    }
    f
}

fn opts(url: &str) -> JiraOptions {
    let mut o = JiraOptions::new(url, vec!["PROJ".into()]);
    o.email = Some(EMAIL.into());
    o.page_size = 10;
    o.retry = RetryPolicy {
        max_retries: 3,
        max_rate_limit_waits: 3,
        base_delay: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
    };
    o.timeout = Duration::from_secs(10);
    o
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("w.sqlite3")).unwrap();
    (dir, s)
}

fn run(s: &mut Store, o: &JiraOptions) -> Result<jira::JiraSummary, SyncError> {
    jira::sync(
        s,
        o,
        Some(&Secret::new(TOKEN)),
        Utc::now(),
        &(),
        &Cancel::default(),
    )
}

fn count(s: &Store, sql: &str) -> i64 {
    s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn searches(server: &mock::MockServer) -> Vec<mock::Request> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/search"))
        .collect()
}

#[test]
fn cloud_pages_map_versions_issues_links_incidents_and_changelogs() {
    let (server, _fake) = start(cloud_fake(25));
    let (_d, mut s) = store();
    let sum = run(&mut s, &opts(&server.url())).unwrap();
    assert_eq!(sum.deployment, jira::Deployment::Cloud);
    assert_eq!(sum.projects[0].issues, 25);
    assert_eq!(sum.projects[0].pages, 3);
    assert_eq!(sum.projects[0].versions, 7);
    let doc = s.export().unwrap();

    // Versions (4 pages of 2) as releases; string, epoch and missing dates.
    let rel: Vec<_> = doc
        .releases
        .iter()
        .filter(|r| r.source_key.is_some())
        .collect();
    assert_eq!(rel.len(), 7);
    let r0 = rel
        .iter()
        .find(|r| r.source_key.as_deref() == Some("PROJ:10000"))
        .unwrap();
    assert_eq!(r0.name, "New Version 1");
    assert_eq!(r0.release_date.unwrap().to_string(), "2010-07-06");
    assert!(r0.released);
    let r2 = rel
        .iter()
        .find(|r| r.source_key.as_deref() == Some("PROJ:10102"))
        .unwrap();
    assert_eq!(
        r2.release_date.unwrap().to_string(),
        "2010-07-06",
        "epoch-ms date"
    );
    let r1 = rel
        .iter()
        .find(|r| r.source_key.as_deref() == Some("PROJ:10010"))
        .unwrap();
    assert_eq!(r1.release_date, None);
    assert!(!r1.released);
    assert_eq!(r1.services, vec!["Component A".to_string()]);

    // Issues as work items.
    assert_eq!(doc.work_items.len(), 25);
    let w3 = doc
        .work_items
        .iter()
        .find(|w| w.source_key.as_deref() == Some("PROJ-3"))
        .unwrap();
    assert_eq!(w3.title, "Issue 3");
    assert_eq!(w3.kind, "bug");
    assert_eq!(w3.status, "In Progress");
    assert_eq!(w3.status_category.as_str(), "in_progress");
    assert_eq!(w3.priority.as_deref(), Some("Major"));
    assert_eq!(w3.service.as_deref(), Some("Component A"));
    assert_eq!(w3.releases, vec!["New Version 1".to_string()]);
    assert_eq!(w3.assignee.as_deref(), Some("Wojciech Seliga"));
    assert_eq!(w3.created_at.to_rfc3339(), "2010-07-26T11:29:18.262+00:00");
    assert!(w3.url.as_deref().unwrap().ends_with("/browse/PROJ-3"));
    assert!(doc.services.iter().any(|s| s.name == "Component A"));
    let desc: String = s
        .conn()
        .query_row(
            "SELECT j.description FROM jira_issues j JOIN work_items w ON w.id = j.work_item_id WHERE w.source_key = 'PROJ-3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(desc, "Main order flow broken", "ADF to text");

    // Blocking links (both directions seen) as 24 dependencies; "Dependent" links are not.
    let deps: Vec<_> = doc
        .dependencies
        .iter()
        .filter(|d| d.kind == "work_item")
        .collect();
    assert_eq!(deps.len(), 24);
    assert!(deps
        .iter()
        .any(|d| d.blocker == "PROJ-3" && d.blocked == "PROJ-4"));
    assert!(!deps
        .iter()
        .any(|d| d.blocker == "PROJ-4" && d.blocked == "PROJ-3"));

    // Incidents: the Incident type and the incident label; service = first component.
    let mut inc: Vec<_> = doc
        .incidents
        .iter()
        .map(|i| i.source_key.clone().unwrap())
        .collect();
    inc.sort();
    assert_eq!(inc, vec!["PROJ-5", "PROJ-6"]);
    let i6 = doc
        .incidents
        .iter()
        .find(|i| i.source_key.as_deref() == Some("PROJ-6"))
        .unwrap();
    assert_eq!(i6.service.as_deref(), Some("Component A"));
    assert!(i6.resolved_at.is_some());

    // Changelog: the embedded 20 plus the bulk fetch: both status changes, in order.
    let tr: Vec<(String, String)> = {
        let mut st = s
            .conn()
            .prepare(
                "SELECT t.at, t.to_status FROM work_item_transitions t JOIN work_items w ON w.id = t.work_item_id
                  WHERE w.source_key = 'PROJ-3' ORDER BY t.at",
            )
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        tr,
        vec![
            (
                "2010-08-17T14:40:34.924Z".to_string(),
                "In Progress".to_string()
            ),
            ("2010-08-27T13:00:02.110Z".to_string(), "Closed".to_string())
        ]
    );
    assert_eq!(
        server.count("/rest/api/3/changelog/bulkfetch"),
        3,
        "one per page"
    );

    // The search asked for explicit fields and a bounded, ordered JQL; no legacy /search.
    let q = searches(&server);
    assert_eq!(q.len(), 3);
    assert!(q.iter().all(|r| r.path == "/rest/api/3/search/jql"));
    assert!(q[0].param("fields").unwrap().contains("summary"));
    assert_eq!(q[0].param("expand"), Some("changelog"));
    assert_eq!(
        q[0].param("jql"),
        Some("project = \"PROJ\" ORDER BY updated ASC, key ASC")
    );
    assert_eq!(q[1].param("nextPageToken"), Some("tok-1-10"));

    // The cursor: no run in progress, `since` the newest updated.
    let st = doc
        .sync_state
        .iter()
        .find(|s| s.scope == "PROJ/issues")
        .unwrap();
    assert_eq!(st.cursor["run"], Value::Null);
    assert_eq!(st.cursor["since"], json!("2024-03-01T09:25:00Z"));
}

#[test]
fn incremental_resync_sends_one_search_and_upserts_without_duplicates() {
    let (server, fake) = start(cloud_fake(25));
    let (_d, mut s) = store();
    let o = opts(&server.url());
    run(&mut s, &o).unwrap();
    let before = server.requests().len();

    let t = Instant::now();
    let sum = run(&mut s, &o).unwrap();
    let elapsed = t.elapsed();
    let reqs: Vec<_> = server.requests()[before..].to_vec();
    let search: Vec<_> = reqs.iter().filter(|r| r.path.contains("/search")).collect();
    assert_eq!(search.len(), 1, "one search for an unchanged project");
    assert_eq!(
        reqs.iter().filter(|r| r.path.contains("changelog")).count(),
        0
    );
    // 25th issue at 09:25 UTC, minus the 2-minute overlap, in Sydney time (UTC+11).
    assert_eq!(
        search[0].param("jql"),
        Some(
            "project = \"PROJ\" AND updated >= \"2024/03/01 20:23\" ORDER BY updated ASC, key ASC"
        )
    );
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(sum.projects[0].issues, 3, "the overlap only");
    assert_eq!(count(&s, "SELECT count(*) FROM work_items"), 25);

    // Change one issue, add one: both arrive, nothing doubles.
    {
        let mut f = fake.lock().unwrap();
        let p = f.project("PROJ");
        p.issues[2]["fields"]["summary"] = json!("Issue 3, renamed");
        p.issues[2]["fields"]["updated"] = json!(jira_time(utc(2024, 3, 2, 8, 0)));
        let mut new = p.issues[24].clone();
        new["key"] = json!("PROJ-26");
        new["id"] = json!("20026");
        new["fields"]["updated"] = json!(jira_time(utc(2024, 3, 2, 9, 0)));
        p.issues.push(new);
    }
    run(&mut s, &o).unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM work_items"), 26);
    let title: String = s
        .conn()
        .query_row(
            "SELECT title FROM work_items WHERE source_key = 'PROJ-3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(title, "Issue 3, renamed");
    assert_eq!(count(&s, "SELECT count(*) FROM incidents"), 2);
    assert_eq!(count(&s, "SELECT count(*) FROM releases"), 7);

    // --full marks what vanished from Jira.
    fake.lock().unwrap().project("PROJ").issues.remove(1);
    let mut full = o.clone();
    full.full = true;
    let sum = run(&mut s, &full).unwrap();
    assert_eq!(sum.projects[0].vanished, 1);
    let gone: String = s
        .conn()
        .query_row(
            "SELECT w.source_key FROM jira_issues j JOIN work_items w ON w.id = j.work_item_id WHERE j.vanished_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gone, "PROJ-2");
}

#[test]
fn a_429_waits_for_retry_after_and_a_500_is_retried() {
    let mut f = cloud_fake(12);
    f.fault(
        "/rest/api/3/search/jql",
        0,
        Response::json(429, "")
            .with_header("Retry-After", "1")
            .with_header("X-RateLimit-NearLimit", "true"),
    );
    f.fault("/rest/api/3/search/jql", 1, Response::json(500, "oops"));
    let (server, _fake) = start(f);
    let (_d, mut s) = store();
    let events: Arc<Mutex<Vec<ProgressEvent>>> = Arc::default();
    let ev = events.clone();
    let sink = move |e: ProgressEvent| ev.lock().unwrap().push(e);
    let t = Instant::now();
    let sum = jira::sync(
        &mut s,
        &opts(&server.url()),
        Some(&Secret::new(TOKEN)),
        Utc::now(),
        &sink,
        &Cancel::default(),
    )
    .unwrap();
    assert!(t.elapsed() >= Duration::from_secs(1));
    assert_eq!(sum.projects[0].issues, 12);
    assert_eq!(searches(&server).len(), 4, "429, page 1, 500, page 2");
    let ev = events.lock().unwrap();
    assert!(ev.iter().any(
        |e| matches!(e, ProgressEvent::Waiting { seconds: 1, reason } if reason.contains("429"))
    ));
    assert!(ev
        .iter()
        .any(|e| matches!(e, ProgressEvent::Waiting { reason, .. } if reason.contains("500"))));
    assert!(ev
        .iter()
        .any(|e| matches!(e, ProgressEvent::Page { list, total: 12, .. } if list == "issues")));
}

#[test]
fn a_server_that_keeps_failing_fails_clearly_after_the_retries() {
    let mut f = cloud_fake(3);
    for _ in 0..10 {
        f.fault("/rest/api/3/search/jql", 0, Response::json(503, ""));
    }
    let (server, _fake) = start(f);
    let (_d, mut s) = store();
    let e = run(&mut s, &opts(&server.url())).unwrap_err();
    assert!(
        matches!(e, SyncError::Unavailable { remote: Remote::Jira, ref message } if message.contains("after 4 attempt(s)")),
        "{e:?}"
    );
    assert!(e.to_string().contains("503"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM work_items"), 0);
}

#[test]
fn a_malformed_page_leaves_the_workspace_as_before_it_and_the_next_sync_resumes() {
    let mut f = cloud_fake(25);
    // Page 2: a cut-off body.
    let good = fixture_bytes("search-jql.json");
    f.fault(
        "/rest/api/3/search/jql",
        1,
        Response::json(200, good[..good.len() / 2].to_vec()),
    );
    let (server, _fake) = start(f);
    let (_d, mut s) = store();
    let o = opts(&server.url());
    let e = run(&mut s, &o).unwrap_err();
    assert!(
        matches!(
            e,
            SyncError::BadResponse {
                remote: Remote::Jira,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("page 2"), "{e}");
    assert_eq!(
        count(&s, "SELECT count(*) FROM work_items"),
        10,
        "page 1 only"
    );
    let cursor: String = s
        .conn()
        .query_row(
            "SELECT cursor FROM sync_state WHERE scope = 'PROJ/issues'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(cursor.contains("tok-1-10"), "{cursor}");

    let sum = run(&mut s, &o).unwrap();
    assert!(sum.projects[0].resumed);
    assert_eq!(sum.projects[0].issues, 15, "pages 2 and 3 only");
    assert_eq!(count(&s, "SELECT count(*) FROM work_items"), 25);
    assert_eq!(count(&s, "SELECT count(*) FROM dependencies"), 24);
    let q = searches(&server);
    assert_eq!(q.last().unwrap().param("nextPageToken"), Some("tok-1-20"));
}

#[test]
fn a_killed_sync_resumes_and_an_expired_page_token_restarts_from_the_cursor() {
    let (server, fake) = start(cloud_fake(25));
    let (_d, mut s) = store();
    let o = opts(&server.url());
    // "Kill" after the first committed page.
    let cancel = Cancel::default();
    let c2 = cancel.clone();
    let sink = move |e: ProgressEvent| {
        if matches!(e, ProgressEvent::Page { ref list, .. } if list == "issues") {
            c2.cancel();
        }
    };
    let e = jira::sync(
        &mut s,
        &o,
        Some(&Secret::new(TOKEN)),
        Utc::now(),
        &sink,
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(e, SyncError::Cancelled(Remote::Jira)));
    assert_eq!(count(&s, "SELECT count(*) FROM work_items"), 10);

    // The token expires meanwhile: Jira answers 400 "Invalid format of nextPageToken".
    fake.lock().unwrap().token_generation = 2;
    let before = server.requests().len();
    let sum = run(&mut s, &o).unwrap();
    assert!(sum.projects[0].resumed);
    assert_eq!(count(&s, "SELECT count(*) FROM work_items"), 25);
    assert_eq!(count(&s, "SELECT count(*) FROM dependencies"), 24);
    let q: Vec<_> = server.requests()[before..]
        .iter()
        .filter(|r| r.path.contains("/search"))
        .cloned()
        .collect();
    assert_eq!(q[0].param("nextPageToken"), Some("tok-1-10"));
    assert_eq!(q[1].param("nextPageToken"), None);
    // Restarted from issue 10 (09:10 UTC) minus the overlap, in Sydney time.
    assert!(
        q[1].param("jql")
            .unwrap()
            .contains("updated >= \"2024/03/01 20:08\""),
        "{:?}",
        q[1].param("jql")
    );
}

#[test]
fn bad_credentials_give_jira_auth_and_never_show_the_token() {
    let (server, _fake) = start(cloud_fake(3));
    let (_d, mut s) = store();
    let mut o = opts(&server.url());
    o.email = Some("someone@else.example".into());
    let e = run(&mut s, &o).unwrap_err();
    assert!(
        matches!(e, SyncError::Auth { remote: Remote::Jira, ref message } if message.contains("(HTTP 401)")),
        "{e:?}"
    );
    let text = format!("{e} {e:?}");
    assert!(
        text.contains("email with an API token") && text.contains("Client must be authenticated"),
        "{text}"
    );
    assert!(!text.contains(TOKEN) && !text.contains("SECRET"));
}

#[test]
fn an_unknown_project_is_not_found_and_a_jql_error_shows_jiras_message() {
    let (server, _fake) = start(cloud_fake(3));
    let (_d, mut s) = store();
    let mut o = opts(&server.url());
    o.projects = vec!["NOPE".into()];
    let e = run(&mut s, &o).unwrap_err();
    assert!(matches!(e, SyncError::NotFound(_)), "{e:?}");
    assert!(e.to_string().contains("NOPE"));

    let mut f = cloud_fake(3);
    f.fault(
        "/rest/api/3/search/jql",
        0,
        Response::json(
            400,
            fixture_bytes("errors/400-jql-parse-error-captured.json"),
        ),
    );
    let (server, _fake) = start(f);
    let e = run(&mut s, &opts(&server.url())).unwrap_err();
    assert!(
        matches!(
            e,
            SyncError::Rejected {
                remote: Remote::Jira,
                status: 400,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("Error in the JQL Query: Expecting ')'"),
        "{e}"
    );
}

#[test]
fn data_center_pages_with_start_at_and_a_bearer_token() {
    let mut f = FakeJira::new(false, &format!("Bearer {TOKEN}"));
    let jr = jrjc();
    let mut version = fixture("dc-v2/jira-ruby-version-10000.json");
    version["id"] = json!("10000");
    let p = f.project("SAMPLEPROJECT");
    p.versions = vec![version.clone()];
    // The 11 real issues of jira-ruby's search answer ...
    let real = fixture("dc-v2/jira-ruby-search.json")["issues"]
        .as_array()
        .unwrap()
        .clone();
    p.issues.extend(real);
    // ... and 14 of JRJC's real issue with edited keys (blocking links of go-jira's "Blocker").
    for i in 1..=14u64 {
        let mut it = make_issue(
            &IssueSpec {
                project: "SAMPLEPROJECT",
                n: 100 + i,
                summary: format!("DC issue {i}"),
                updated: utc(2012, 1, 1, 0, 0) + CD::minutes(i as i64),
                issuetype: None,
                labels: vec![],
                chain_blocking: false,
                chain_len: 0,
                fix_versions: vec![version.clone()],
                resolved: None,
            },
            false,
            &Value::Null,
            &jr,
        );
        if i == 1 {
            let mut l = it["fields"]["issuelinks"][0].clone();
            l["id"] = json!("90001");
            l["type"] = fixture("dc-v2/go-jira-issuelinktypes.json")[1].clone();
            l["outwardIssue"]["key"] = json!("SAMPLEPROJECT-102");
            it["fields"]["issuelinks"] = json!([l]);
            it["fields"]["description"] = json!("h1. Title\n*bold* and [a link|http://x]");
        }
        if i == 2 {
            // The same link as Jira shows it on the other end.
            let mut l = it["fields"]["issuelinks"][0].clone();
            l["id"] = json!("90001");
            l["type"] = fixture("dc-v2/go-jira-issuelinktypes.json")[1].clone();
            l["inwardIssue"] = l["outwardIssue"].take();
            l["inwardIssue"]["key"] = json!("SAMPLEPROJECT-101");
            if let Some(o) = l.as_object_mut() {
                o.remove("outwardIssue");
            }
            it["fields"]["issuelinks"] = json!([l]);
        }
        p.issues.push(it);
    }
    let (server, _fake) = start(f);
    let (_d, mut s) = store();
    let mut o = JiraOptions::new(server.url(), vec!["SAMPLEPROJECT".into()]);
    o.page_size = 10;
    let sum = run(&mut s, &o).unwrap();
    assert_eq!(sum.deployment, jira::Deployment::DataCenter);
    assert_eq!(sum.projects[0].issues, 25);
    let q = searches(&server);
    assert_eq!(q.len(), 3);
    assert!(q.iter().all(|r| r.path == "/rest/api/2/search"));
    assert_eq!(
        q.iter()
            .map(|r| r.param("startAt").unwrap().to_string())
            .collect::<Vec<_>>(),
        vec!["0", "10", "20"]
    );
    let doc = s.export().unwrap();
    assert_eq!(doc.work_items.len(), 25);
    let w = doc
        .work_items
        .iter()
        .find(|w| w.source_key.as_deref() == Some("SAMPLEPROJECT-13"))
        .unwrap();
    assert_eq!(w.title, "blarg from in example.rb");
    assert_eq!(w.kind, "task");
    assert_eq!(
        w.service.as_deref(),
        Some("SAMPLEPROJECT"),
        "no component: the project key"
    );
    assert_eq!(w.created_at.to_rfc3339(), "2011-12-15T02:35:06+00:00");
    let rel = doc
        .releases
        .iter()
        .find(|r| r.source_key.as_deref() == Some("SAMPLEPROJECT:10000"))
        .unwrap();
    assert_eq!(rel.name, "1.0");
    assert_eq!(rel.release_date.unwrap().to_string(), "2012-01-12");
    let d = &doc.dependencies;
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].blocker.as_str(), d[0].blocked.as_str()),
        ("SAMPLEPROJECT-101", "SAMPLEPROJECT-102")
    );
    let desc: String = s
        .conn()
        .query_row(
            "SELECT j.description FROM jira_issues j JOIN work_items w ON w.id = j.work_item_id WHERE w.source_key = 'SAMPLEPROJECT-101'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(desc, "Title\nbold and a link");
    // The full changelog came with the search: no extra requests.
    assert_eq!(server.count("/rest/api/2/issue/"), 0);
    assert_eq!(
        count(&s, "SELECT count(*) FROM work_item_transitions"),
        14 * 2
    );
}

#[test]
fn a_page_token_handed_back_unchanged_stops_the_walk_with_a_clear_error() {
    let mut f = cloud_fake(25);
    // Page 2 answers with the token it was asked with: a walk that trusted it would loop.
    let mut page = fixture("search-jql.json");
    page["isLast"] = json!(false);
    page["nextPageToken"] = json!("tok-1-10");
    f.fault(
        "/rest/api/3/search/jql",
        1,
        Response::json(200, page.to_string()),
    );
    let (server, _fake) = start(f);
    let (_d, mut s) = store();
    let e = run(&mut s, &opts(&server.url())).unwrap_err();
    assert!(
        matches!(&e, SyncError::BadResponse { remote: Remote::Jira, message } if message.contains("page 2") && message.contains("never end")),
        "{e:?}"
    );
    assert_eq!(searches(&server).len(), 2);
    assert_eq!(
        count(&s, "SELECT count(*) FROM work_items"),
        10,
        "page 1 only"
    );
}

#[test]
fn a_retry_after_no_duration_can_hold_neither_panics_nor_waits_past_the_cap() {
    let mut f = cloud_fake(3);
    for value in ["1e300", "-1", "99999999999"] {
        f.fault(
            "/rest/api/3/search/jql",
            0,
            Response::json(429, "").with_header("Retry-After", value),
        );
    }
    let (server, _fake) = start(f);
    let (_d, mut s) = store();
    let mut o = opts(&server.url());
    o.retry.max_wait = Duration::from_millis(300);
    let t = Instant::now();
    let sum = run(&mut s, &o).unwrap();
    assert_eq!(sum.projects[0].issues, 3);
    // Three waits, none longer than the cap.
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(searches(&server).len(), 4, "three 429s, then the page");
}

/// Each sync run is one audit event: scope, outcome, counts, and the releases whose date
/// or status it changed (before and after); a failed run is recorded with its error code.
#[test]
fn every_sync_run_is_one_audit_event_with_the_releases_it_changed() {
    use switchyard_app::jira::sync_jira;
    use switchyard_app::FixedClock;
    let f = cloud_fake(12);
    let (server, fake) = start(f);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    let o = opts(&server.url());
    let clock = FixedClock("2026-03-01T12:00:00Z".parse().unwrap());
    let sync = |o: &JiraOptions| {
        sync_jira(
            &path,
            o,
            Some(Secret::new(TOKEN)),
            &clock,
            &(),
            &Cancel::default(),
        )
    };
    sync(&o).unwrap();
    // Jira moves "Version 4" to another day; the next run names it.
    {
        let mut f = fake.lock().unwrap();
        let v = f
            .project("PROJ")
            .versions
            .iter_mut()
            .find(|v| v["name"] == "Version 4")
            .unwrap();
        v["releaseDate"] = json!("2031-07-15");
    }
    sync(&o).unwrap();
    // A run that fails (a bad token) is recorded too.
    let e = sync_jira(
        &path,
        &o,
        Some(Secret::new("wrong-token")),
        &clock,
        &(),
        &Cancel::default(),
    )
    .unwrap_err();
    assert_eq!(e.code, switchyard_app::ErrorCode::JiraAuth);

    let s = Store::open(&path).unwrap();
    let events = switchyard_store::recent_audit(s.conn(), &["sync.run"], 10).unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    let (failed, second, first) = (
        events[0].after.clone().unwrap(),
        events[1].after.clone().unwrap(),
        events[2].after.clone().unwrap(),
    );
    assert_eq!(first["outcome"], "ok");
    assert_eq!(first["source"], "jira");
    assert_eq!(first["scope"], json!(["PROJ"]));
    assert_eq!(first["releases_added"], 7);
    assert_eq!(first["summary"]["projects"][0]["issues"], 12);
    assert_eq!(second["releases_added"], 0);
    assert_eq!(second["releases_changed_total"], 1);
    let moved = &second["releases_changed"][0];
    assert_eq!(moved["name"], "Version 4");
    assert_eq!(moved["after"]["date"], "2031-07-15");
    assert_ne!(moved["before"]["date"], moved["after"]["date"]);
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["error"]["code"], "jira_auth");
    let all: String = s
        .conn()
        .query_row("SELECT group_concat(after) FROM audit_events", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!all.contains(TOKEN) && !all.contains("wrong-token"));
    assert_eq!(
        switchyard_store::check_audit(s.conn()).unwrap().broken,
        None
    );
}

#[test]
fn a_lone_surrogate_escape_in_a_page_becomes_the_replacement_character() {
    // Jira passes user text through as JSON; a lone UTF-16 surrogate arrives as `\ud800`,
    // which serde_json refuses in a string. It used to fail the whole page (bad_response).
    let mut f = cloud_fake(3);
    let issue = &mut f.project("PROJ").issues[1];
    issue["fields"]["summary"] = json!(format!("Broken {LONE_SURROGATE} summary"));
    issue["fields"]["assignee"]["displayName"] = json!(format!("Ann{LONE_SURROGATE}"));
    let key = issue["key"].as_str().unwrap().to_owned();
    let (server, _fake) = start(f);
    let (_d, mut s) = store();
    let sum = run(&mut s, &opts(&server.url())).unwrap();
    assert_eq!(sum.projects[0].issues, 3);
    let (title, assignee): (String, String) = s
        .conn()
        .query_row(
            "SELECT title, assignee FROM work_items WHERE source_key = ?1",
            [&key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(title, "Broken \u{FFFD} summary");
    assert_eq!(assignee, "Ann\u{FFFD}");
}
