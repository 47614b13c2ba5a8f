//! The sync's hot statements use an index for their whole predicate: every statement a
//! Jira page writes is recorded (SQLite's trace hook) and its `EXPLAIN QUERY PLAN` read.
//! A `SCAN` of a table, or a `SEARCH` whose index narrows only by a closed-list column
//! (`kind`, `source`, `status`), walks rows in proportion to the project: one issue's
//! write then costs more the more issues there are.

use crate::Store;
use chrono::{TimeZone, Utc};
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use std::sync::Mutex;
use switchyard_core::synced::jira::*;
use switchyard_core::synced::Cursor;
use switchyard_core::StatusCategory;

static TRACED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record(e: TraceEvent<'_>) {
    // With its parameters' values, so that the plan can be asked for as it ran.
    if let (TraceEvent::Stmt(stmt, sql), Ok(mut v)) = (e, TRACED.lock()) {
        v.push(stmt.expanded_sql().unwrap_or_else(|| sql.to_owned()));
    }
}

/// Columns whose values are a closed list: an index narrowed by them alone still walks
/// most of the table.
const CLOSED_LIST: [&str; 3] = ["kind", "source", "status"];

/// The problem with one line of a query plan, if it has one.
fn walks_the_table(line: &str) -> Option<String> {
    let line = line.trim();
    // Virtual tables (json_each) and subquery results are not the project's tables.
    if line.contains("json_each") || line.contains("SUBQUERY") || line.contains("LIST SUBQUERY") {
        return None;
    }
    if let Some(rest) = line.strip_prefix("SCAN ") {
        return Some(format!("scans {rest}"));
    }
    if line.starts_with("SEARCH ") {
        let cols = line
            .rsplit_once('(')
            .map(|(_, c)| c.trim_end_matches(')'))
            .unwrap_or("");
        let narrowing: Vec<&str> = cols
            .split(" AND ")
            .filter_map(|c| c.split(['=', '>', '<', ' ']).next())
            .filter(|c| !c.is_empty())
            .collect();
        if narrowing.iter().all(|c| CLOSED_LIST.contains(c)) {
            return Some(format!("narrows only by {cols}: {line}"));
        }
    }
    None
}

fn at(h: u32) -> switchyard_core::Timestamp {
    Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap()
}

fn issue(key: &str, links: Vec<JiraLink>, incident: bool) -> JiraIssue {
    JiraIssue {
        key: key.into(),
        issue_id: format!("1{}", &key[4..]),
        project: "PAY".into(),
        title: format!("Issue {key}"),
        kind: "Story".into(),
        status: "Done".into(),
        status_category: StatusCategory::Done,
        priority: Some("High".into()),
        service: "payments".into(),
        labels: vec!["backend".into()],
        author: Some("ana".into()),
        assignee: None,
        url: format!("https://jira.example/browse/{key}"),
        created_at: at(8),
        updated_at: at(9),
        resolved_at: Some(at(10)),
        description: String::new(),
        releases: vec![JiraRelease {
            source_key: "10001".into(),
            name: "payments 2.4".into(),
            description: String::new(),
            start_date: None,
            release_date: None,
            released: false,
            archived: false,
        }],
        transitions: Some(vec![JiraTransition {
            at: at(9),
            from: Some("To Do".into()),
            to: "Done".into(),
            actor: Some("ana".into()),
            history_id: Some("5".into()),
        }]),
        links,
        incident,
    }
}

#[test]
fn every_statement_of_a_jira_page_uses_an_index_for_its_whole_predicate() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("ws.db")).unwrap();
    let link = |id: &str, a: &str, b: &str| JiraLink {
        link_id: id.into(),
        blocker: a.into(),
        blocked: b.into(),
    };
    let page = |run: &str, vanished: bool| JiraIssuePage {
        project: "PAY".into(),
        run: run.into(),
        issues: vec![
            issue("PAY-1", vec![link("900", "PAY-1", "PAY-2")], false),
            issue("PAY-2", vec![link("900", "PAY-1", "PAY-2")], true),
            issue("PAY-3", vec![], false),
        ],
        mark_vanished: vanished,
        cursor: Cursor {
            scope: "PAY".into(),
            value: "2026-03-02T09:00:00Z".into(),
            at: at(11),
        },
    };
    // A first page, then the same page again: inserts, then updates and deletes.
    store.commit_jira_issues(&page("r1", false)).unwrap();
    TRACED.lock().unwrap().clear();
    store
        .conn
        .trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(record));
    store.commit_jira_issues(&page("r2", true)).unwrap();
    store.conn.trace_v2(TraceEventCodes::empty(), None);

    let traced: Vec<String> = std::mem::take(&mut *TRACED.lock().unwrap());
    let mut seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for sql in traced {
        let head = sql.trim_start().to_ascii_uppercase();
        if !["SELECT", "INSERT", "UPDATE", "DELETE"]
            .iter()
            .any(|k| head.starts_with(k))
            || !seen.insert(sql.clone())
        {
            continue;
        }
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for line in plan {
            if let Some(p) = walks_the_table(&line) {
                problems.push(format!(
                    "{p}\n    in {}",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    assert!(seen.len() >= 10, "too few statements traced: {seen:?}");
    assert!(
        seen.iter()
            .any(|s| s.starts_with("DELETE FROM dependencies")),
        "the link cleanup ran"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_plan_reader_catches_a_scan_and_a_closed_list_prefix() {
    assert!(walks_the_table("SCAN dependencies").is_some());
    assert!(
        walks_the_table("SEARCH dependencies USING INDEX dependencies_by_blocked (kind=?)")
            .is_some()
    );
    assert!(walks_the_table(
        "SEARCH dependencies USING INDEX dependencies_by_blocker (kind=? AND blocker_id=?)"
    )
    .is_none());
    assert!(walks_the_table("SCAN json_each VIRTUAL TABLE INDEX 0:").is_none());
    assert!(walks_the_table(
        "SEARCH work_items USING INDEX sqlite_autoindex_work_items_1 (source=? AND source_key=?)"
    )
    .is_none());
}
