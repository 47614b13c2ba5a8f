//! A mock GitHub that serves the recorded payloads of tests/fixtures/github, with the
//! `Link` URLs rewritten to the mock's own address. Extra pages and records are derived from
//! the real ones by editing ids, numbers, states, labels and dates, never invented shapes.

#![allow(dead_code)]

use super::mock::{Mock, Reply, Req};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const REPO: &str = "octo-org/octo-repo";
pub const TOKEN: &str = "ghp_SWITCHYARDtestTOKEN0123456789abcdef";

pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/github")
}

pub fn load(name: &str) -> Value {
    let path = dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Headers of a recording worth replaying (not the transfer ones).
fn keep(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "link" || n.starts_with("x-ratelimit") || n == "retry-after"
}

/// A PyGithub "converted" record: `{request, status, headers: [[k, v]], body}`.
pub fn recorded(v: &Value) -> (u16, Vec<(String, String)>, Value) {
    let headers = v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_string(),
                h[1].as_str().unwrap().to_string(),
            )
        })
        .filter(|(k, _)| keep(k))
        .collect();
    (
        v["status"].as_u64().unwrap() as u16,
        headers,
        v["body"].clone(),
    )
}

/// Routes: `path` or `path?page=N` to a queue of replies (the last one stays).
#[derive(Clone, Default)]
pub struct Routes {
    map: Arc<Mutex<HashMap<String, VecDeque<Reply>>>>,
    base: Arc<Mutex<String>>,
    /// Answer `POST /graphql` (from the REST routes); off, it is a 404 as on an older
    /// GitHub Enterprise Server.
    graphql: Arc<std::sync::atomic::AtomicBool>,
    /// Replies for `/graphql` set by a test, taken before the derived answers.
    graphql_replies: Arc<Mutex<VecDeque<Reply>>>,
}

pub fn route_key(req: &Req) -> String {
    match req.query("page").filter(|p| p != "1") {
        Some(p) => format!("{}?page={p}", req.path()),
        None => req.path().to_string(),
    }
}

impl Routes {
    pub fn set(&self, key: &str, replies: Vec<Reply>) {
        let base = self.base.lock().unwrap().clone();
        let replies = replies
            .into_iter()
            .map(|mut r| {
                for (k, v) in r.headers.iter_mut() {
                    if k.eq_ignore_ascii_case("link") {
                        *v = v.replace("https://api.github.com", &base);
                    }
                }
                r
            })
            .collect();
        self.map.lock().unwrap().insert(key.to_string(), replies);
    }

    /// Serves `POST /graphql` from the REST routes.
    pub fn enable_graphql(&self) {
        self.graphql
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Replies for the next `/graphql` requests, before the derived answers.
    pub fn graphql_replies(&self, replies: Vec<Reply>) {
        self.graphql_replies.lock().unwrap().extend(replies);
    }

    /// The body of the reply `key` would get next, without taking it.
    fn peek(&self, key: &str) -> Option<(Value, Option<String>)> {
        let map = self.map.lock().unwrap();
        let r = map.get(key)?.front()?;
        let link = r
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("link"))
            .and_then(|(_, v)| {
                v.split(',').find_map(|part| {
                    let (url, params) = part.split_once(';')?;
                    params
                        .contains("rel=\"next\"")
                        .then(|| url.trim().trim_matches(['<', '>']).to_string())
                })
            });
        Some((serde_json::from_slice(&r.body).ok()?, link))
    }

    /// The body of the reply `key` gets, taking it as a REST request would.
    fn take(&self, key: &str) -> Option<Value> {
        let mut map = self.map.lock().unwrap();
        let q = map.get_mut(key)?;
        let r = if q.len() > 1 {
            q.pop_front()?
        } else {
            q.front().cloned()?
        };
        serde_json::from_slice(&r.body).ok()
    }

    /// A GraphQL answer in the shape the sync's queries and GitHub's schema give, built from
    /// the REST routes: `Pulls` from the pulls pages with each one's detail and commits
    /// (its cursor is the REST page's route), `DeploymentStatuses` from the deployments
    /// list's `node_id`s and their statuses.
    fn graphql(&self, req: &Req) -> Reply {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let query = body["query"].as_str().unwrap_or("");
        let vars = &body["variables"];
        let rate = json!({"cost": 1, "remaining": 4999, "resetAt": "2026-03-01T13:00:00Z"});
        let upper = |v: &Value| json!(v.as_str().unwrap_or("").to_ascii_uppercase());
        if query.starts_with("query Pulls(") {
            let repo = format!(
                "{}/{}",
                vars["owner"].as_str().unwrap_or(""),
                vars["name"].as_str().unwrap_or("")
            );
            let key = match vars["after"].as_str() {
                Some(c) => c.to_string(),
                None => format!("/repos/{repo}/pulls"),
            };
            let Some((list, link)) = self.peek(&key) else {
                return Reply::json(
                    200,
                    json!({"data": {"rateLimit": rate, "repository": null}, "errors": [{"type": "NOT_FOUND", "path": ["repository"], "message": format!("Could not resolve to a Repository with the name '{repo}'.")}]}).to_string(),
                );
            };
            let base = self.base.lock().unwrap().clone();
            let next = link.map(|l| {
                let target = l.replacen(&base, "", 1);
                route_key(&Req {
                    method: "GET".into(),
                    target,
                    headers: vec![],
                    body: vec![],
                })
            });
            let nodes: Vec<Value> = list
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    let n = p["number"].as_u64().unwrap_or(0);
                    let detail = self
                        .peek(&format!("/repos/{repo}/pulls/{n}"))
                        .map(|d| d.0)
                        .unwrap_or(Value::Null);
                    let commits: Vec<Value> = self
                        .peek(&format!("/repos/{repo}/pulls/{n}/commits"))
                        .and_then(|c| c.0.as_array().cloned())
                        .unwrap_or_default()
                        .iter()
                        .map(|c| json!({"commit": {"authoredDate": c["commit"]["author"]["date"], "committedDate": c["commit"]["committer"]["date"]}}))
                        .collect();
                    let state = if !p["merged_at"].is_null() {
                        json!("MERGED")
                    } else {
                        upper(&p["state"])
                    };
                    let mut node = json!({
                        "number": n,
                        "title": p["title"],
                        "state": state,
                        "isDraft": p["draft"].as_bool().unwrap_or(false),
                        "url": p["html_url"],
                        "createdAt": p["created_at"],
                        "updatedAt": p["updated_at"],
                        "closedAt": p["closed_at"],
                        "mergedAt": p["merged_at"],
                        "baseRefName": p["base"]["ref"],
                        "author": if p["user"].is_null() { Value::Null } else { json!({"__typename": "User", "login": p["user"]["login"]}) },
                        "assignees": {"nodes": if p["assignee"].is_null() { json!([]) } else { json!([{"__typename": "User", "login": p["assignee"]["login"]}]) }},
                        "labels": {"nodes": p["labels"].as_array().cloned().unwrap_or_default().iter().map(|l| json!({"name": l["name"]})).collect::<Vec<_>>()},
                    });
                    if vars["details"] == json!(true) {
                        node["additions"] = detail["additions"].clone();
                        node["deletions"] = detail["deletions"].clone();
                        node["changedFiles"] = detail["changed_files"].clone();
                    }
                    if vars["commits"] == json!(true) {
                        node["commits"] = json!({"totalCount": commits.len(), "nodes": commits});
                    }
                    node
                })
                .collect();
            return Reply::json(
                200,
                json!({"data": {"rateLimit": rate, "repository": {"pullRequests": {
                    "pageInfo": {"hasNextPage": next.is_some(), "endCursor": next},
                    "nodes": nodes,
                }}}})
                .to_string(),
            );
        }
        if query.starts_with("query DeploymentStatuses(") {
            // Deployments of every routed list, by node id.
            let lists: Vec<(String, Value)> = {
                let map = self.map.lock().unwrap();
                map.iter()
                    .filter(|(k, _)| k.ends_with("/deployments"))
                    .filter_map(|(k, q)| {
                        Some((k.clone(), serde_json::from_slice(&q.front()?.body).ok()?))
                    })
                    .collect()
            };
            let nodes: Vec<Value> = vars["ids"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|id| {
                    let found = lists.iter().find_map(|(k, list)| {
                        let d = list.as_array()?.iter().find(|d| &d["node_id"] == id)?;
                        Some((k.clone(), d["id"].as_u64()?))
                    });
                    let Some((key, dep)) = found else {
                        return Value::Null;
                    };
                    let statuses: Vec<Value> = self
                        .take(&format!("{key}/{dep}/statuses"))
                        .and_then(|s| s.as_array().cloned())
                        .unwrap_or_default()
                        .iter()
                        .map(|s| json!({"state": upper(&s["state"]), "createdAt": s["created_at"]}))
                        .collect();
                    json!({"id": id, "databaseId": dep, "statuses": {"totalCount": statuses.len(), "nodes": statuses}})
                })
                .collect();
            return Reply::json(
                200,
                json!({"data": {"rateLimit": rate, "nodes": nodes}}).to_string(),
            );
        }
        Reply::json(
            200,
            json!({"errors": [{"message": "this mock answers only the sync's queries"}]})
                .to_string(),
        )
    }

    pub fn json(&self, key: &str, body: Value) {
        self.set(key, vec![Reply::json(200, body.to_string())]);
    }

    fn answer(&self, req: &Req) -> Reply {
        let unauthorized = || {
            let (status, _, body) =
                recorded(&load("real/pygithub-error-401-bad-credentials-2013.json"));
            Reply::json(status, body.to_string())
        };
        // Every request, page 2 included, must carry the token, the version and a UA.
        if req.header("authorization") != Some(&format!("Bearer {TOKEN}"))
            || req.header("x-github-api-version") != Some("2022-11-28")
            || req.header("user-agent").is_none()
        {
            return unauthorized();
        }
        if req.path() == "/graphql"
            && req.method == "POST"
            && self.graphql.load(std::sync::atomic::Ordering::SeqCst)
        {
            if let Some(r) = self.graphql_replies.lock().unwrap().pop_front() {
                return r;
            }
            return self.graphql(req);
        }
        let key = route_key(req);
        let mut map = self.map.lock().unwrap();
        if let Some(q) = map.get_mut(&key) {
            return if q.len() > 1 {
                q.pop_front().unwrap()
            } else {
                q.front().cloned().unwrap()
            };
        }
        drop(map);
        // Lists nobody configured are empty.
        let path = req.path();
        if path.ends_with("/actions/runs") {
            return Reply::json(
                200,
                json!({"total_count": 0, "workflow_runs": []}).to_string(),
            );
        }
        if path.starts_with("/repos/") && path.split('/').count() == 5 {
            return Reply::json(200, "[]");
        }
        let (status, headers, body) = recorded(&load("real/pygithub-error-404-2025.json"));
        let mut r = Reply::json(status, body.to_string());
        r.headers = headers;
        r
    }
}

pub fn start() -> (Mock, Routes) {
    let routes = Routes::default();
    let r = routes.clone();
    let mock = Mock::start(Arc::new(move |req| r.answer(req)));
    *routes.base.lock().unwrap() = mock.url();
    (mock, routes)
}

fn shift_year(v: &mut Value, from: &str, to: &str) {
    for k in ["created_at", "updated_at", "closed_at", "merged_at"] {
        if let Some(s) = v[k].as_str() {
            v[k] = json!(s.replacen(from, to, 1));
        }
    }
}

fn with_label(issue: &mut Value, name: &str) {
    let mut label = load("list-issues.json")[0]["labels"][0].clone();
    label["name"] = json!(name);
    label["id"] = json!(208045999);
    issue["labels"].as_array_mut().unwrap().push(label);
}

/// The whole world of `REPO` from the recordings.
pub fn world(routes: &Routes) {
    let r = format!("/repos/{REPO}");

    // Releases: two real ones, plus a draft and a prerelease derived from the first.
    let mut releases = load("real/octocrab-list-releases.json");
    let first = releases[0].clone();
    let mut draft = first.clone();
    draft["id"] = json!(first["id"].as_u64().unwrap() + 1000);
    draft["tag_name"] = json!("v0.39.0");
    draft["name"] = json!("v0.39.0");
    draft["draft"] = json!(true);
    draft["published_at"] = Value::Null;
    let mut pre = first.clone();
    pre["id"] = json!(first["id"].as_u64().unwrap() + 2000);
    pre["tag_name"] = json!("v0.39.0-rc.1");
    pre["name"] = json!("v0.39.0-rc.1");
    pre["prerelease"] = json!(true);
    let list = releases.as_array_mut().unwrap();
    list.insert(0, pre);
    list.insert(0, draft);
    routes.json(&format!("{r}/releases"), releases);

    // Tags: two real pages (page 2 under /repositories/{id}/tags); one tag has a release.
    let tags = load("real/pygithub-list-tags-2pages-2017.json");
    let (s1, h1, mut b1) = recorded(&tags[0]);
    b1[0]["name"] = json!("v0.38.0");
    let mut p1 = Reply::json(s1, b1.to_string());
    p1.headers = h1;
    routes.set(&format!("{r}/tags"), vec![p1]);
    let (s2, h2, b2) = recorded(&tags[1]);
    let mut p2 = Reply::json(s2, b2.to_string());
    p2.headers = h2;
    routes.set("/repositories/70329851/tags?page=2", vec![p2]);

    // Pull requests: the real closed list (29 merged, #231 closed unmerged) whose Link
    // points at page 2; page 2 is derived (numbers + 1000, a year older).
    let pulls = load("real/pygithub-list-pulls-closed-2013.json");
    let (s, h, body) = recorded(&pulls);
    let mut page1 = Reply::json(s, body.to_string());
    page1.headers = h;
    routes.set(&format!("{r}/pulls"), vec![page1]);
    let mut page2 = body.clone();
    for p in page2.as_array_mut().unwrap() {
        p["number"] = json!(p["number"].as_u64().unwrap() + 1000);
        p["id"] = json!(p["id"].as_u64().unwrap() + 10_000_000);
        shift_year(p, "2013-", "2012-");
    }
    routes.json(
        "/repos/openmicroscopy/ome-documentation/pulls?page=2",
        page2,
    );

    // Issues: octokit's five real pages (page 2..5 under /repositories/1000/issues);
    // #13 and #7 carry the incident label, and page 5 also holds a real pull request
    // (PyGithub #3045, it has `pull_request`) labelled incident.
    let pages = load("real/octokit-fixtures-paginate-issues.json");
    for (i, page) in pages.as_array().unwrap().iter().enumerate() {
        let mut body = page["response"].clone();
        for issue in body.as_array_mut().unwrap() {
            match issue["number"].as_u64() {
                Some(13) => {
                    with_label(issue, "incident");
                    with_label(issue, "sev2");
                    issue["state"] = json!("closed");
                    issue["closed_at"] = json!("2017-02-01T09:00:00Z");
                }
                Some(7) => with_label(issue, "incident"),
                _ => {}
            }
        }
        if i == 4 {
            let mut pr = load("real/pygithub-list-issues-link-header-2024.json")["body"][0].clone();
            with_label(&mut pr, "incident");
            body.as_array_mut().unwrap().push(pr);
        }
        let mut reply = Reply::json(200, body.to_string());
        if let Some(link) = page["headers"]["link"].as_str() {
            reply = reply.header("link", link);
        }
        let key = if i == 0 {
            format!("{r}/issues")
        } else {
            format!("/repositories/1000/issues?page={}", i + 1)
        };
        routes.set(&key, vec![reply]);
    }

    // Deployments: the official one (production, id 1) and two derived (staging id 2,
    // production id 3), newest first.
    let d1 = load("list-deployments.json")[0].clone();
    let mut d2 = d1.clone();
    d2["id"] = json!(2);
    // The node ids GitHub gave deployments then: base64 of "010:Deployment{id}".
    d2["node_id"] = json!("MDEwOkRlcGxveW1lbnQy");
    d2["environment"] = json!("staging");
    d2["original_environment"] = json!("staging");
    d2["production_environment"] = json!(false);
    d2["created_at"] = json!("2012-07-21T01:19:13Z");
    let mut d3 = d1.clone();
    d3["id"] = json!(3);
    d3["node_id"] = json!("MDEwOkRlcGxveW1lbnQz");
    d3["sha"] = json!("b84d88e7554fc1fa21bcbc4efae3c782a70d2b9e");
    d3["created_at"] = json!("2012-07-22T01:19:13Z");
    routes.json(&format!("{r}/deployments"), json!([d3, d2, d1]));
    // #1: success, later marked inactive (statuses newest first).
    let ok = load("list-deployment-statuses.json")[0].clone();
    let mut inactive = ok.clone();
    inactive["id"] = json!(2);
    inactive["state"] = json!("inactive");
    inactive["created_at"] = json!("2012-07-22T01:19:14Z");
    routes.json(
        &format!("{r}/deployments/1/statuses"),
        json!([inactive, ok]),
    );
    // #2: failure.
    let mut failed = ok.clone();
    failed["id"] = json!(3);
    failed["state"] = json!("failure");
    failed["created_at"] = json!("2012-07-21T01:25:00Z");
    routes.json(&format!("{r}/deployments/2/statuses"), json!([failed]));
    // #3: the real queued statuses first (pending); a later sync finds it succeeded.
    let queued = load("real/pygithub-list-deployment-statuses-2020.json")["body"].clone();
    let mut later = queued.clone();
    later.as_array_mut().unwrap().insert(0, {
        let mut s = queued[0].clone();
        s["id"] = json!(388454700u64);
        s["state"] = json!("success");
        s["created_at"] = json!("2020-08-26T14:40:00Z");
        s
    });
    routes.set(
        &format!("{r}/deployments/3/statuses"),
        vec![
            Reply::json(200, queued.to_string()),
            Reply::json(200, later.to_string()),
        ],
    );

    // Workflow runs: the official queued one, the real 2020 failure (no `name`), and a
    // derived second attempt that succeeded, whose first attempt failed.
    let runs = load("list-workflow-runs.json");
    let queued_run = runs["workflow_runs"][0].clone();
    let old =
        load("real/pygithub-list-workflow-runs-2020.json")["body"]["workflow_runs"][0].clone();
    let mut second = queued_run.clone();
    second["id"] = json!(30433643);
    second["run_attempt"] = json!(2);
    second["status"] = json!("completed");
    second["conclusion"] = json!("success");
    second["created_at"] = json!("2020-01-23T10:00:00Z");
    second["run_started_at"] = json!("2020-01-23T10:30:00Z");
    second["updated_at"] = json!("2020-01-23T10:40:00Z");
    let mut first_attempt = second.clone();
    first_attempt["run_attempt"] = json!(1);
    first_attempt["conclusion"] = json!("failure");
    first_attempt["run_started_at"] = json!("2020-01-23T10:00:00Z");
    first_attempt["updated_at"] = json!("2020-01-23T10:12:00Z");
    routes.json(
        &format!("{r}/actions/runs"),
        json!({"total_count": 3, "workflow_runs": [second, queued_run, old]}),
    );
    routes.json(
        &format!("{r}/actions/runs/30433643/attempts/1"),
        first_attempt,
    );

    // Pull request details and commits: the official examples, for any number.
    let commits = load("list-pull-commits.json");
    let detail = load("get-pull.json");
    let body = pulls_numbers(&pulls);
    for n in body {
        routes.json(&format!("{r}/pulls/{n}/commits"), commits.clone());
        routes.json(&format!("{r}/pulls/{n}"), detail.clone());
        routes.json(&format!("{r}/pulls/{}/commits", n + 1000), commits.clone());
        routes.json(&format!("{r}/pulls/{}", n + 1000), detail.clone());
    }
}

fn pulls_numbers(recording: &Value) -> Vec<u64> {
    recording["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect()
}
