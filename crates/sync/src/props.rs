//! Issue 16: the Jira and GitHub page parsers and the Jira description conversions (ADF and
//! wiki markup) fed what a hostile or broken server could send. Nothing panics; an answer
//! the sync cannot read is its `BadResponse` error; plain text and times round-trip. The
//! cargo-fuzz targets `jira_search`, `github_pages` and `jira_description` in `fuzz/` call
//! the same functions with raw bytes (docs/fuzzing.md).

use crate::github::{next_link, pages as gh};
use crate::jira::{adf_to_text, pages as jira, parse_time, wiki_to_text, Deployment, JiraOptions};
use crate::SyncError;
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Any JSON, a few levels deep, with Jira's and GitHub's field names among the keys.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "key",
            "id",
            "fields",
            "summary",
            "issuetype",
            "name",
            "status",
            "statusCategory",
            "description",
            "type",
            "content",
            "text",
            "attrs",
            "url",
            "created",
            "updated",
            "resolutiondate",
            "labels",
            "components",
            "fixVersions",
            "issuelinks",
            "changelog",
            "histories",
            "items",
            "field",
            "fieldId",
            "toString",
            "fromString",
            "author",
            "releaseDate",
            "startDate",
            "values",
            "issues",
            "total",
            "isLast",
            "nextPageToken",
            "number",
            "title",
            "state",
            "merged_at",
            "created_at",
            "updated_at",
            "user",
            "login",
            "workflow_runs",
            "run_attempt",
            "conclusion",
            "head_sha",
            "html_url",
            "draft",
            "outwardIssue",
            "inwardIssue",
            "outward",
            "issueChangeLogs",
            "changeHistories",
            "issueId",
        ])
        .prop_map(str::to_owned),
        "[a-z]{1,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(vec![
            "2024-01-17T12:34:00.000+0000",
            "2024-01-17T12:34:00Z",
            "2024-01-17",
            "+262142-12-31",
            "9999999999999",
            "-1",
            "1e400",
            "",
            "status",
            "paragraph",
            "text",
            "hardBreak",
            "mention",
            "inlineCard",
            "listItem",
            "blocks",
            "Done",
            "done",
            "h1.中文",
            "{code}",
            "[a|b]",
            "*b*",
        ])
        .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A search page shaped like Jira's, with any values where Jira puts its fields.
fn search_page() -> impl Strategy<Value = Value> {
    let issue = (
        any_json(),
        any_json(),
        any_json(),
        any_json(),
        "[A-Z]{1,3}-[0-9]{1,3}|\\PC{0,3}",
    )
        .prop_map(|(summary, description, created, links, key)| {
            json!({
                "id": "10001",
                "key": key,
                "fields": {
                    "summary": summary,
                    "description": description,
                    "created": created,
                    "issuelinks": links,
                    "status": {"name": "Done", "statusCategory": {"key": "done"}},
                },
                "changelog": {"histories": [{"id": "1", "created": "2024-01-17T12:34:00.000+0000",
                    "items": [{"field": "status", "fromString": "To Do", "toString": "Done"}]}]},
            })
        });
    (
        proptest::collection::vec(prop_oneof![issue, any_json()], 0..4),
        any_json(),
    )
        .prop_map(|(issues, total)| json!({"issues": issues, "total": total, "isLast": true}))
}

fn is_bad_response(e: &SyncError) -> bool {
    matches!(e, SyncError::BadResponse { .. })
}

fn opts() -> JiraOptions {
    JiraOptions::new("https://acme.atlassian.net", vec!["ABC".into()])
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

/// A page as bytes: the JSON, or its text cut short or with a byte changed.
fn as_bytes(
    v: &Value,
    cut: Option<prop::sample::Index>,
    flip: Option<(prop::sample::Index, u8)>,
) -> Vec<u8> {
    let mut b = serde_json::to_vec(v).unwrap();
    if let Some(c) = cut {
        b.truncate(c.index(b.len() + 1));
    }
    if let Some((i, x)) = flip {
        if !b.is_empty() {
            let i = i.index(b.len());
            b[i] = x;
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_jira_search_page_is_read_or_refused(
        page in prop_oneof![3 => search_page(), 1 => any_json()],
        cut in proptest::option::weighted(0.1, any::<prop::sample::Index>()),
        flip in proptest::option::weighted(0.1, (any::<prop::sample::Index>(), any::<u8>())),
        cloud in any::<bool>(),
    ) {
        let bytes = as_bytes(&page, cut, flip);
        let deployment = if cloud { Deployment::Cloud } else { Deployment::DataCenter };
        match jira::search(&bytes, "ABC", &opts(), deployment, "https://acme.atlassian.net", now()) {
            Ok(rows) => {
                for r in rows {
                    prop_assert!(!r.key.trim().is_empty());
                    prop_assert_eq!(r.url, format!("https://acme.atlassian.net/browse/{}", r.key));
                    if let Some(t) = &r.transitions {
                        prop_assert!(t.windows(2).all(|w| w[0].at <= w[1].at));
                    }
                    prop_assert_eq!(r.description.trim(), r.description.as_str());
                }
            }
            Err(e) => prop_assert!(is_bad_response(&e), "{e:?}"),
        }
        for r in [jira::versions(&bytes, "ABC").map(|_| ()), jira::changelogs(&bytes).map(|_| ())] {
            if let Err(e) = r {
                prop_assert!(is_bad_response(&e), "{e:?}");
            }
        }
    }

    #[test]
    fn any_github_list_page_is_read_or_refused(
        items in proptest::collection::vec(any_json(), 0..4),
        wrap in any::<bool>(),
        cut in proptest::option::weighted(0.1, any::<prop::sample::Index>()),
        flip in proptest::option::weighted(0.1, (any::<prop::sample::Index>(), any::<u8>())),
    ) {
        let page = if wrap { json!({"total_count": 1, "workflow_runs": items}) } else { Value::Array(items) };
        let bytes = as_bytes(&page, cut, flip);
        for r in [
            gh::pulls(&bytes, "acme/web").map(|_| ()),
            gh::runs(&bytes, "acme/web").map(|_| ()),
            gh::others(&bytes).map(|_| ()),
        ] {
            if let Err(e) = r {
                prop_assert!(is_bad_response(&e), "{e:?}");
            }
        }
    }

    #[test]
    fn a_github_link_header_is_read_or_ignored(
        junk in "\\PC{0,40}",
        url in "https://api\\.github\\.com/repos/a/b/pulls\\?page=[0-9]{1,4}",
        rel in prop::sample::select(vec!["prev", "last", "first"]),
    ) {
        let _ = next_link(&junk);
        let header = format!("<{url}&x=1>; rel=\"{rel}\", <{url}>; rel=\"next\"");
        prop_assert_eq!(next_link(&header), Some(url));
    }

    #[test]
    fn any_adf_or_wiki_description_becomes_trimmed_text(v in any_json(), s in "\\PC{0,60}") {
        let t = adf_to_text(&v);
        prop_assert_eq!(t.trim(), t.as_str());
        let w = wiki_to_text(&s);
        prop_assert_eq!(w.trim(), w.as_str());
    }

    /// Plain words survive both conversions as they were.
    #[test]
    fn plain_text_round_trips_through_adf_and_wiki(
        paras in proptest::collection::vec("[A-Za-z0-9][A-Za-z0-9 ,.?]{0,20}[A-Za-z0-9]", 1..4),
    ) {
        let doc = json!({"type": "doc", "version": 1, "content": paras.iter().map(|p| json!({
            "type": "paragraph", "content": [{"type": "text", "text": p}]
        })).collect::<Vec<_>>()});
        prop_assert_eq!(adf_to_text(&doc), paras.join("\n"));
        prop_assert_eq!(wiki_to_text(&paras.join("\n")), paras.join("\n"));
    }

    /// A time as Jira writes it reads back as the same instant; anything else is no time.
    #[test]
    fn jira_times_round_trip_and_junk_is_no_time(secs in -5_000_000_000i64..5_000_000_000, ms in 0u32..1000, junk in "\\PC{0,30}") {
        let t = Utc.timestamp_opt(secs, ms * 1_000_000).unwrap();
        prop_assert_eq!(parse_time(&t.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string()), Some(t));
        prop_assert_eq!(parse_time(&t.to_rfc3339()), Some(t));
        let _ = parse_time(&junk);
    }
}
