//! A GitHub that asks for the impossible: waits of years, bodies without end, answers
//! dripped out, `Link` headers that never end. Each case ends in a clear error, in bounded
//! time, without a panic and without holding the sync forever.

use super::fixtures::{self, recorded};
use super::mock::Reply;
use super::{opts, run, sync_with, Events};
use std::time::{Duration, Instant};
use switchyard_sync::{Cancel, Remote, SyncError};

/// The recorded secondary-limit answer with its `Retry-After` set to `value`.
fn secondary_limit(value: &str) -> Reply {
    let (status, mut headers, body) = recorded(&fixtures::load(
        "real/pygithub-secondary-abuse-limit-403-2018.json",
    ));
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("retry-after"));
    headers.push(("retry-after".into(), value.into()));
    let mut r = Reply::json(status, body.to_string());
    r.headers = headers;
    r
}

fn rate_limited(result: &Result<(), SyncError>) -> &str {
    match result {
        Err(SyncError::RateLimited {
            remote: Remote::Github,
            message,
        }) => message,
        other => panic!("expected a GitHub rate limit error, got {other:?}"),
    }
}

#[test]
fn a_retry_after_of_years_is_refused_at_once_and_says_how_long() {
    for value in ["99999999999999", "18446744073709551615"] {
        let (result, requests, elapsed) = sync_with(vec![secondary_limit(value)], |_| {});
        let m = rate_limited(&result);
        assert!(m.contains("more than a year") && m.contains("120 s"), "{m}");
        assert_eq!(requests, 1);
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    }
}

#[test]
fn a_wait_longer_than_the_configured_cap_is_not_waited() {
    // Three minutes asked, one minute allowed.
    let (result, _, elapsed) = sync_with(vec![secondary_limit("180")], |o| {
        o.limits.max_wait = Duration::from_secs(60)
    });
    let m = rate_limited(&result);
    assert!(m.contains("3 min") && m.contains("60 s"), "{m}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_malformed_retry_after_falls_back_to_the_capped_default() {
    // "soon" is no number: GitHub's rule without a header is a minute, doubling; with a
    // cap of 5 s that is refused rather than waited.
    let (result, _, elapsed) = sync_with(vec![secondary_limit("soon")], |o| {
        o.limits.max_wait = Duration::from_secs(5)
    });
    let m = rate_limited(&result);
    assert!(m.contains("60 s") && m.contains("5 s"), "{m}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_primary_reset_far_ahead_names_the_time_instead_of_waiting() {
    let rec = fixtures::load("real/pygithub-primary-rate-limit-403-2013.json");
    let (status, mut headers, body) = recorded(&rec[1]);
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("x-ratelimit-reset"));
    // 2100-01-01T00:00:00Z.
    headers.push(("x-ratelimit-reset".into(), "4102444800".into()));
    let mut limited = Reply::json(status, body.to_string());
    limited.headers = headers;
    let (result, _, elapsed) = sync_with(vec![limited], |_| {});
    let m = rate_limited(&result);
    assert!(m.contains("2100-01-01 00:00:00 UTC"), "{m}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_body_over_the_cap_is_refused_without_a_retry() {
    // A valid list, two MB of it, against a one MB cap.
    let big = serde_json::json!([{ "padding": "x".repeat(2 * 1024 * 1024) }]).to_string();
    let (result, requests, _) = sync_with(vec![Reply::json(200, big)], |o| {
        o.limits.max_body = 1024 * 1024
    });
    assert!(
        matches!(&result, Err(SyncError::BadResponse { remote: Remote::Github, message }) if message.contains("larger than 1 MB")),
        "{result:?}"
    );
    assert_eq!(requests, 1);
}

#[test]
fn an_answer_dripped_out_meets_the_deadline_and_is_retried_then_fails() {
    let mut slow = Reply::json(200, "[]");
    slow.stall = Some(Duration::from_secs(30));
    let (result, requests, elapsed) = sync_with(vec![slow], |o| {
        o.limits.deadline = Duration::from_millis(500)
    });
    assert!(
        matches!(&result, Err(SyncError::Unavailable { remote: Remote::Github, message }) if message.contains("no whole answer within 0.5 s")),
        "{result:?}"
    );
    assert_eq!(requests, 4, "one try and three retries");
    // Four deadlines and three short pauses, far from the server's 30 s.
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_cancel_stops_a_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    let mut slow = Reply::json(200, "[]");
    slow.stall = Some(Duration::from_secs(60));
    super::only_releases(&routes, vec![slow]);
    let o = opts(&mock.url());
    let cancel = Cancel::default();
    let stopper = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            cancel.cancel();
        })
    };
    let started = Instant::now();
    let result = run(
        &dir.path().join("ws.sqlite3"),
        &o,
        cancel,
        Events::default(),
    );
    stopper.join().unwrap();
    assert!(
        matches!(result, Err(SyncError::Cancelled(Remote::Github))),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_link_header_that_never_ends_stops_at_the_page_cap() {
    let dir = tempfile::tempdir().unwrap();
    let (mock, routes) = fixtures::start();
    let repo = fixtures::REPO;
    // Page 2 points to itself: a walk without the cap would never end.
    let page = |n: u32| {
        Reply::json(200, "[]").header(
            "link",
            format!(r#"<https://api.github.com/repos/{repo}/releases?per_page=100&page={n}>; rel="next""#),
        )
    };
    routes.set(&format!("/repos/{repo}/releases"), vec![page(2)]);
    routes.set(&format!("/repos/{repo}/releases?page=2"), vec![page(2)]);
    let mut o = opts(&mock.url());
    o.max_pages = 5;
    let result = run(
        &dir.path().join("ws.sqlite3"),
        &o,
        Cancel::default(),
        Events::default(),
    );
    assert!(
        matches!(&result, Err(SyncError::BadResponse { remote: Remote::Github, message }) if message.contains("past 5 pages")),
        "{result:?}"
    );
    let release_pages = mock
        .paths()
        .iter()
        .filter(|p| p.contains("/releases"))
        .count();
    assert_eq!(release_pages, 5);
}

#[test]
fn a_lone_surrogate_escape_in_a_page_becomes_the_replacement_character() {
    // GitHub passes user text through as JSON, and JavaScript-made text can hold a lone
    // UTF-16 surrogate, sent as `\ud800`. serde_json refuses it in a string: the whole page
    // used to fail to parse, and the sync stopped with bad_response.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.sqlite3");
    let (mock, routes) = fixtures::start();
    fixtures::world(&routes);
    let (status, headers, mut body) =
        recorded(&fixtures::load("real/pygithub-list-pulls-closed-2013.json"));
    let number = body[0]["number"].as_u64().unwrap();
    body[0]["title"] = "Lone @@HIGH@@ and @@LOW@@ surrogates".into();
    body[0]["user"]["login"] = "author@@HIGH@@".into();
    let text = body
        .to_string()
        .replace("@@HIGH@@", r"\ud800")
        .replace("@@LOW@@", r"\uDFFF");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    let mut page = Reply::json(status, text);
    page.headers = headers;
    routes.set(&format!("/repos/{}/pulls", fixtures::REPO), vec![page]);
    let s = run(
        &db,
        &opts(&mock.url()),
        Cancel::default(),
        Events::default(),
    )
    .unwrap();
    assert_eq!(
        s.pull_requests, 60,
        "the page with the bad title was read whole"
    );
    let doc = super::export(&db);
    let key = format!("{}#{number}", fixtures::REPO);
    let pr = doc
        .work_items
        .iter()
        .find(|w| w.source_key.as_deref() == Some(&key))
        .unwrap();
    assert_eq!(pr.title, "Lone \u{FFFD} and \u{FFFD} surrogates");
    assert_eq!(pr.author.as_deref(), Some("author\u{FFFD}"));
}
