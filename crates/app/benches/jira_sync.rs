//! Jira sync bench: 50,000 generated issues with changelogs, pages of 100, against a mock
//! Jira Cloud on 127.0.0.1 that runs in a child process (so the figures are the sync's
//! own: time and peak memory of this process).
//!
//! Run: `cargo bench -p switchyard-app --bench jira_sync` (ISSUES=N to change the size).

use serde_json::{json, Value};
use std::io::{BufRead, Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;
use switchyard_store::Store;
use switchyard_sync::jira::{self, JiraOptions};
use switchyard_sync::{Cancel, Secret};

#[path = "../tests/sync/jira/mock.rs"]
mod mock;

const TOKEN: &str = "bench-token";
const PROJECT: &str = "BENCH";

fn fixture(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/jira")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn t0() -> i64 {
    1_704_067_200 // 2024-01-01T00:00:00Z
}

fn jira_time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string()
}

/// One issue of the real shapes (JRJC's fields, a 3-entry changelog with status changes,
/// a "Blocks" link to the next issue), as a template with placeholders.
fn template() -> String {
    let jr = fixture("dc-v2/jrjc-issue-expand-changelog.json");
    let jf = &jr["fields"];
    let link_type = fixture("issue-link-types.json")["issueLinkTypes"][1].clone();
    let mut h: Vec<Value> = jr["changelog"]["histories"].as_array().unwrap()[..3].to_vec();
    let steps = [
        ("Open", "In Progress"),
        ("In Progress", "Review"),
        ("Review", "Done"),
    ];
    for (x, (from, to)) in h.iter_mut().zip(steps) {
        x["items"] = json!([{"field": "status", "fieldtype": "jira", "fieldId": "status",
            "fromString": from, "toString": to}]);
    }
    let issue = json!({
        "expand": "",
        "id": "__ID__",
        "key": "__KEY__",
        "self": "https://jira.invalid/rest/api/3/issue/__ID__",
        "fields": {
            "summary": "Issue __KEY__",
            "issuetype": jf["issuetype"], "status": jf["status"], "priority": jf["priority"],
            "labels": ["bench"], "components": jf["components"],
            "fixVersions": [{"id": "__VID__", "name": "Version __VID__", "released": false, "archived": false}],
            "created": jf["created"], "updated": "__UPDATED__",
            "assignee": jf["assignee"], "reporter": jf["reporter"], "resolutiondate": null,
            "description": fixture("get-issue.json")["fields"]["description"],
            "project": {"key": PROJECT},
            "issuelinks": [{"id": "__LINK__", "type": link_type,
                "outwardIssue": {"id": "1", "key": "__NEXT__"}}]
        },
        "changelog": {"startAt": 0, "maxResults": 3, "total": 3, "histories": h}
    });
    issue.to_string()
}

/// The mock Jira, in this process (the child).
fn serve(n: usize) {
    let tpl = template();
    let server_info = {
        let mut v = fixture("server-info.json");
        v["deploymentType"] = json!("Cloud");
        v.to_string()
    };
    let myself = fixture("myself.json").to_string();
    let tz: chrono_tz::Tz = fixture("myself.json")["timeZone"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let versions = {
        let mut page = fixture("project-versions-paginated.json");
        let base = page["values"][1].clone();
        let vals: Vec<Value> = (0..10)
            .map(|i| {
                let mut v = base.clone();
                v["id"] = json!((30000 + i).to_string());
                v["name"] = json!(format!("Version {}", 30000 + i));
                v
            })
            .collect();
        page["values"] = json!(vals);
        page["isLast"] = json!(true);
        page["total"] = json!(10);
        page["startAt"] = json!(0);
        page.as_object_mut().unwrap().remove("nextPage");
        page.to_string()
    };
    let server = mock::MockServer::start(move |req| {
        let p = req.path.as_str();
        if p.ends_with("/serverInfo") {
            return mock::Response::json(200, server_info.clone());
        }
        if p.ends_with("/myself") {
            return mock::Response::json(200, myself.clone());
        }
        if p.ends_with("/version") {
            return mock::Response::json(200, versions.clone());
        }
        if p == "/rest/api/3/search/jql" {
            let jql = req.param("jql").unwrap_or("");
            // Issue i was updated at t0 + i minutes.
            let first = jql
                .split("updated >= \"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y/%m/%d %H:%M").ok())
                .and_then(|l| {
                    use chrono::TimeZone;
                    tz.from_local_datetime(&l).earliest()
                })
                .map(|t| ((t.timestamp() - t0()).max(0) / 60) as usize)
                .unwrap_or(0);
            let size: usize = req
                .param("maxResults")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100);
            let start = first
                + req
                    .param("nextPageToken")
                    .and_then(|t| t.strip_prefix("tok-"))
                    .and_then(|t| t.parse::<usize>().ok())
                    .unwrap_or(0);
            let end = (start + size).min(n);
            let mut body = String::with_capacity((end.saturating_sub(start)) * (tpl.len() + 64));
            body.push_str("{\"issues\":[");
            for i in start..end {
                if i > start {
                    body.push(',');
                }
                let key = format!("{PROJECT}-{}", i + 1);
                body.push_str(
                    &tpl.replace("__KEY__", &key)
                        .replace("__ID__", &(100000 + i).to_string())
                        .replace("__UPDATED__", &jira_time(t0() + 60 * i as i64))
                        .replace("__VID__", &(30000 + i % 10).to_string())
                        .replace("__LINK__", &(500000 + i).to_string())
                        .replace("__NEXT__", &format!("{PROJECT}-{}", i + 2)),
                );
            }
            body.push(']');
            if end < n {
                body.push_str(&format!(
                    ",\"nextPageToken\":\"tok-{}\",\"isLast\":false}}",
                    end - first
                ));
            } else {
                body.push_str(",\"isLast\":true}");
            }
            return mock::Response::json(200, body);
        }
        mock::Response::json(404, r#"{"errorMessages":["not here"],"errors":{}}"#)
    });
    println!("{}", server.url());
    std::io::stdout().flush().unwrap();
    // Live until the parent closes our stdin (or dies).
    let mut sink = vec![];
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(server);
}

/// user + system CPU seconds of this process (/proc/self/stat fields 14 and 15).
fn cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields after the name start at field 3; utime is 14, stime 15. Ticks are 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let n: usize = std::env::var("ISSUES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        serve(n);
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("--serve")
        .env("ISSUES", n.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the mock Jira");
    let mut url = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.sqlite3")).unwrap();
    let mut opts = JiraOptions::new(&url, vec![PROJECT.into()]);
    opts.email = Some("bench@example.com".into());
    opts.page_size = 100;
    let token = Secret::new(TOKEN);

    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let first = jira::sync(
        &mut store,
        &opts,
        Some(&token),
        chrono::Utc::now(),
        &(),
        &Cancel::default(),
    );
    let full_s = t.elapsed().as_secs_f64();
    let full_cpu = cpu_seconds() - cpu0;
    let first = first.expect("first sync");
    let issues = first.projects[0].issues;
    let transitions: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM work_item_transitions", [], |r| {
            r.get(0)
        })
        .unwrap();

    let t = Instant::now();
    let again = jira::sync(
        &mut store,
        &opts,
        Some(&token),
        chrono::Utc::now(),
        &(),
        &Cancel::default(),
    )
    .expect("re-sync");
    let resync_s = t.elapsed().as_secs_f64();
    let peak = peak_rss_mb();

    drop(child.stdin.take());
    let _ = child.wait();

    println!(
        "jira sync bench: {n} issues, pages of 100, changelogs embedded (3 status changes each)"
    );
    println!(
        "  first sync:  {issues} issues, {transitions} transitions, {:.2} s, {:.0} issues/s, {} requests",
        full_s,
        issues as f64 / full_s,
        first.requests
    );
    println!(
        "  first sync CPU time of the syncing process: {:.2} s ({:.0} issues per CPU second; the mock runs in another process)",
        full_cpu,
        issues as f64 / full_cpu
    );
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        println!("  load average during the run: {}", l.trim());
    }
    println!(
        "  re-sync (nothing changed): {:.3} s, {} search request(s), {} requests in all, {} issues re-read (overlap)",
        resync_s, again.search_requests, again.requests, again.projects[0].issues
    );
    println!("  peak memory (VmHWM) of the syncing process: {peak:.0} MB");
    let ok = issues as f64 / full_s >= 5000.0
        && peak < 200.0
        && again.search_requests <= 1
        && resync_s < 1.0;
    println!(
        "  targets (>= 5000 issues/s, < 200 MB, <= 1 search, < 1 s): {}",
        if ok { "met" } else { "NOT met" }
    );
}
