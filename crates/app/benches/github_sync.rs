//! GitHub sync end to end against the mock GitHub on generated data (shapes of the official
//! examples in tests/fixtures/github): N repositories, each with 5,000 pull requests,
//! 2,000 deployments with two statuses each and 5,000 workflow runs; then a re-sync with
//! nothing changed. Run: `cargo bench -p switchyard-app --bench github_sync`
//! (`GH_BENCH_REPOS`, `GH_BENCH_PULLS`, `GH_BENCH_DEPLOYMENTS`, `GH_BENCH_RUNS`,
//! `GH_BENCH_PR_EXTRAS=0|1` change the size; `GH_BENCH_GRAPHQL=0` syncs over REST only,
//! `GH_BENCH_SERVE_GRAPHQL=0` makes `/graphql` a 404, `GH_BENCH_COMPARE=1` syncs the world
//! the other way too and compares the records; see docs/benchmarks.md).

#[path = "../tests/sync/github/mock.rs"]
mod mock;

use mock::{Mock, Reply, Req};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_store::Store;
use switchyard_sync::github::{self, GithubOptions};
use switchyard_sync::{Cancel, Secret};

const TOKEN: &str = "ghp_bench";
const PER_PAGE: usize = 100;

fn load(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/github")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).expect("fixture")).unwrap()
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A JSON template with `"@K@"` markers for the generated values.
struct Template(String);

impl Template {
    fn new(mut v: Value, fields: &[(&str, &str)]) -> Self {
        for (path, marker) in fields {
            let mut at = &mut v;
            let parts: Vec<&str> = path.split('.').collect();
            for p in &parts[..parts.len() - 1] {
                at = &mut at[*p];
            }
            at[parts[parts.len() - 1]] = json!(format!("@{marker}@"));
        }
        Template(v.to_string())
    }

    fn fill(&self, out: &mut String, values: &[(&str, String)]) {
        let mut s = self.0.clone();
        for (marker, value) in values {
            s = s.replace(&format!("\"@{marker}@\""), value);
        }
        out.push_str(&s);
    }
}

struct World {
    base: String,
    pulls: usize,
    deployments: usize,
    runs: usize,
    pull: Template,
    deployment: Template,
    status: Template,
    run: Template,
    commits: String,
    detail: String,
    detail_value: Value,
    /// The commits as GraphQL's `commits(first: 100)` gives them.
    gql_commits: Value,
    /// Answer `POST /graphql` (else 404, as an older GitHub Enterprise Server).
    serve_graphql: bool,
}

fn q(s: &str) -> String {
    format!("\"{s}\"")
}

fn minutes(m: usize) -> String {
    let t = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap()
        + chrono::Duration::minutes(m as i64);
    q(&t.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

impl World {
    fn page_of(&self, req: &Req, total: usize) -> (usize, usize, Option<usize>) {
        let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let start = (page - 1) * PER_PAGE;
        let end = (start + PER_PAGE).min(total);
        let next = (end < total).then_some(page + 1);
        (start.min(total), end, next)
    }

    fn link(&self, req: &Req, next: Option<usize>) -> Option<String> {
        next.map(|n| {
            format!(
                "<{}{}?per_page={PER_PAGE}&page={n}>; rel=\"next\"",
                self.base,
                req.path()
            )
        })
    }

    /// One pull request (newest first: `n` counts down) as the REST list gives it.
    fn pull_item(&self, body: &mut String, repo: usize, n: usize) {
        let merged = if n.is_multiple_of(10) {
            "null".into()
        } else {
            minutes(n * 10 + 5)
        };
        self.pull.fill(
            body,
            &[
                ("NUM", n.to_string()),
                ("ID", (repo * 1_000_000 + n).to_string()),
                ("UPD", minutes(n * 10 + 6)),
                ("CRE", minutes(n * 10)),
                ("MER", merged),
                (
                    "CLO",
                    if n.is_multiple_of(20) {
                        "null".into()
                    } else {
                        minutes(n * 10 + 5)
                    },
                ),
                (
                    "STATE",
                    q(if n.is_multiple_of(20) {
                        "open"
                    } else {
                        "closed"
                    }),
                ),
            ],
        );
    }

    /// Deployment `n`'s statuses (newest first) as REST gives them.
    fn statuses(&self, n: usize) -> String {
        let end_state = if n.is_multiple_of(10) {
            "failure"
        } else {
            "success"
        };
        let mut body = String::from("[");
        self.status.fill(
            &mut body,
            &[
                ("STATE", q(end_state)),
                ("CRE", minutes(n * 30 + 7)),
                ("ID", (2 * n + 1).to_string()),
            ],
        );
        body.push(',');
        self.status.fill(
            &mut body,
            &[
                ("STATE", q("in_progress")),
                ("CRE", minutes(n * 30 + 1)),
                ("ID", (2 * n).to_string()),
            ],
        );
        body.push(']');
        body
    }

    /// `POST /graphql`: the sync's two queries, answered from the same generated data in the
    /// shape the queries and GitHub's schema give (each REST item converted).
    fn graphql(&self, req: &Req) -> Reply {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let query = body["query"].as_str().unwrap_or("");
        let vars = &body["variables"];
        let rate = json!({"cost": 1, "remaining": 4999, "resetAt": "2099-01-01T00:00:00Z"});
        let upper = |v: &Value| json!(v.as_str().unwrap_or("").to_ascii_uppercase());
        if query.starts_with("query Pulls(") {
            let repo: usize = vars["name"]
                .as_str()
                .unwrap_or("")
                .trim_start_matches("repo")
                .parse()
                .unwrap_or(0);
            let page: usize = vars["after"]
                .as_str()
                .and_then(|c| c.parse().ok())
                .unwrap_or(1);
            let start = ((page - 1) * PER_PAGE).min(self.pulls);
            let end = (start + PER_PAGE).min(self.pulls);
            let mut nodes = Vec::with_capacity(end - start);
            for i in start..end {
                let mut item = String::new();
                self.pull_item(&mut item, repo, self.pulls - i);
                let p: Value = serde_json::from_str(&item).unwrap();
                let mut node = json!({
                    "number": p["number"],
                    "title": p["title"],
                    "state": if p["merged_at"].is_null() { upper(&p["state"]) } else { json!("MERGED") },
                    "isDraft": p["draft"].as_bool().unwrap_or(false),
                    "url": p["html_url"],
                    "createdAt": p["created_at"],
                    "updatedAt": p["updated_at"],
                    "closedAt": p["closed_at"],
                    "mergedAt": p["merged_at"],
                    "baseRefName": p["base"]["ref"],
                    "author": {"__typename": "User", "login": p["user"]["login"]},
                    "assignees": {"nodes": if p["assignee"].is_null() { json!([]) } else { json!([{"__typename": "User", "login": p["assignee"]["login"]}]) }},
                    "labels": {"nodes": p["labels"].as_array().cloned().unwrap_or_default().iter().map(|l| json!({"name": l["name"]})).collect::<Vec<_>>()},
                });
                if vars["details"] == json!(true) {
                    node["additions"] = self.detail_value["additions"].clone();
                    node["deletions"] = self.detail_value["deletions"].clone();
                    node["changedFiles"] = self.detail_value["changed_files"].clone();
                }
                if vars["commits"] == json!(true) {
                    node["commits"] = self.gql_commits.clone();
                }
                nodes.push(node);
            }
            let next = (end < self.pulls).then(|| (page + 1).to_string());
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
            let nodes: Vec<Value> = vars["ids"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|id| {
                    let dep: usize = id
                        .as_str()
                        .and_then(|s| s.strip_prefix("DE_"))
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    let rest: Value = serde_json::from_str(&self.statuses(dep % 1_000_000)).unwrap();
                    let statuses: Vec<Value> = rest
                        .as_array()
                        .unwrap()
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
        Reply::json(200, r#"{"errors":[{"message":"unknown query"}]}"#)
    }

    fn answer(&self, req: &Req) -> Reply {
        if req.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Reply::json(401, r#"{"message":"Bad credentials"}"#);
        }
        if req.path() == "/graphql" {
            return if self.serve_graphql {
                self.graphql(req)
            } else {
                Reply::json(404, r#"{"message":"Not Found"}"#)
            };
        }
        let parts: Vec<&str> = req.path().split('/').collect();
        // /repos/{o}/{r}/...
        let repo: usize = parts[3].trim_start_matches("repo").parse().unwrap_or(0);
        let rest = &parts[4..];
        let mut body = String::new();
        let mut link = None;
        match rest {
            ["pulls"] => {
                let (a, b, next) = self.page_of(req, self.pulls);
                body.push('[');
                for i in a..b {
                    if i > a {
                        body.push(',');
                    }
                    self.pull_item(&mut body, repo, self.pulls - i); // newest first
                }
                body.push(']');
                link = self.link(req, next);
            }
            ["pulls", _, "commits"] => body = self.commits.clone(),
            ["pulls", _] => body = self.detail.clone(),
            ["deployments"] => {
                let (a, b, next) = self.page_of(req, self.deployments);
                body.push('[');
                for i in a..b {
                    let n = self.deployments - i;
                    if i > a {
                        body.push(',');
                    }
                    self.deployment.fill(
                        &mut body,
                        &[
                            ("ID", (repo * 1_000_000 + n).to_string()),
                            ("NODE", q(&format!("DE_{}", repo * 1_000_000 + n))),
                            ("CRE", minutes(n * 30)),
                        ],
                    );
                }
                body.push(']');
                link = self.link(req, next);
            }
            ["deployments", id, "statuses"] => {
                let n: usize = id.parse::<usize>().unwrap_or(0) % 1_000_000;
                body = self.statuses(n);
            }
            ["actions", "runs"] => {
                let (a, b, next) = self.page_of(req, self.runs);
                body.push_str(&format!(
                    "{{\"total_count\":{},\"workflow_runs\":[",
                    self.runs
                ));
                for i in a..b {
                    let n = self.runs - i;
                    if i > a {
                        body.push(',');
                    }
                    self.run.fill(
                        &mut body,
                        &[
                            ("ID", (repo * 1_000_000 + n).to_string()),
                            ("CRE", minutes(n * 10)),
                            ("UPD", minutes(n * 10 + 8)),
                            (
                                "CONC",
                                q(if n.is_multiple_of(7) {
                                    "failure"
                                } else {
                                    "success"
                                }),
                            ),
                        ],
                    );
                }
                body.push_str("]}");
                link = self.link(req, next);
            }
            _ => body.push_str("[]"),
        }
        let mut r = Reply::json(200, body);
        if let Some(l) = link {
            r = r.header("link", l);
        }
        r
    }
}

fn world(
    base: String,
    pulls: usize,
    deployments: usize,
    runs: usize,
    serve_graphql: bool,
) -> World {
    let commits = load("list-pull-commits.json");
    let gql_commits: Vec<Value> = commits
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!({"commit": {"authoredDate": c["commit"]["author"]["date"], "committedDate": c["commit"]["committer"]["date"]}}))
        .collect();
    let mut pull = load("list-pulls.json")[0].clone();
    pull["head"]["repo"] = Value::Null;
    pull["base"]["repo"] = Value::Null;
    let mut run = load("list-workflow-runs.json")["workflow_runs"][0].clone();
    run["status"] = json!("completed");
    World {
        base,
        pulls,
        deployments,
        runs,
        pull: Template::new(
            pull,
            &[
                ("number", "NUM"),
                ("id", "ID"),
                ("updated_at", "UPD"),
                ("created_at", "CRE"),
                ("merged_at", "MER"),
                ("closed_at", "CLO"),
                ("state", "STATE"),
            ],
        ),
        deployment: Template::new(
            load("list-deployments.json")[0].clone(),
            &[("id", "ID"), ("node_id", "NODE"), ("created_at", "CRE")],
        ),
        status: Template::new(
            load("list-deployment-statuses.json")[0].clone(),
            &[("state", "STATE"), ("created_at", "CRE"), ("id", "ID")],
        ),
        run: Template::new(
            run,
            &[
                ("id", "ID"),
                ("created_at", "CRE"),
                ("run_started_at", "CRE"),
                ("updated_at", "UPD"),
                ("conclusion", "CONC"),
            ],
        ),
        commits: commits.to_string(),
        detail: load("get-pull.json").to_string(),
        detail_value: load("get-pull.json"),
        gql_commits: json!({"totalCount": gql_commits.len(), "nodes": gql_commits}),
        serve_graphql,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the arguments.
    let repos = env("GH_BENCH_REPOS", 20);
    let pulls = env("GH_BENCH_PULLS", 5000);
    let deployments = env("GH_BENCH_DEPLOYMENTS", 2000);
    let runs = env("GH_BENCH_RUNS", 5000);
    let extras = env("GH_BENCH_PR_EXTRAS", 1) == 1;
    let use_graphql = env("GH_BENCH_GRAPHQL", 1) == 1;
    let serve_graphql = env("GH_BENCH_SERVE_GRAPHQL", 1) == 1;
    let compare = env("GH_BENCH_COMPARE", 0) == 1;
    let world_cell: Arc<std::sync::OnceLock<World>> = Arc::default();
    let w = world_cell.clone();
    let mock = Mock::start(Arc::new(move |req| w.get().expect("world").answer(req)));
    let _ = world_cell.set(world(mock.url(), pulls, deployments, runs, serve_graphql));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite3");
    let mut o = GithubOptions::new(
        mock.url(),
        (0..repos).map(|i| format!("bench/repo{i}")).collect(),
    );
    o.graphql = use_graphql;
    o.pr_commits = extras;
    o.pr_details = extras;
    o.max_in_flight = 8;
    let mut store = Store::open(&db).unwrap();
    let token = Secret::new(TOKEN);
    let started = Instant::now();
    let s = github::sync(
        &mut store,
        &o,
        Some(&token),
        chrono::Utc::now(),
        &(),
        &Cancel::default(),
    )
    .expect("first sync");
    let first = started.elapsed();
    let records = s.records();
    let rate = records as f64 / first.as_secs_f64();
    let per_thousand = s.requests as f64 * 1000.0 / records.max(1) as f64;
    println!(
        "GraphQL {}: {per_thousand:.1} requests per 1,000 records in the first sync",
        match (use_graphql, serve_graphql) {
            (false, _) => "off",
            (true, true) => "on",
            (true, false) => "on, but the mock has no /graphql (404: REST fallback)",
        }
    );
    println!(
        "first sync: {repos} repos, {records} records ({} PRs, {} deployments, {} runs), {} requests in {:.2} s: {:.0} records/s, {:.0} requests/s; most requests in flight at the mock: {}; PR commits+details: {extras}",
        s.pull_requests,
        s.deployments,
        s.pipeline_runs,
        s.requests,
        first.as_secs_f64(),
        rate,
        s.requests as f64 / first.as_secs_f64(),
        mock.max_in_flight.load(Ordering::SeqCst)
    );
    let before = mock.requests.load(Ordering::SeqCst);
    let started = Instant::now();
    let s2 = github::sync(
        &mut store,
        &o,
        Some(&token),
        chrono::Utc::now(),
        &(),
        &Cancel::default(),
    )
    .expect("re-sync");
    let again = started.elapsed();
    let sent = mock.requests.load(Ordering::SeqCst) - before;
    println!(
        "re-sync, nothing changed: {sent} requests ({:.1} per repository; 6 lists each), {} records rewritten, {:.3} s",
        sent as f64 / repos as f64,
        s2.records(),
        again.as_secs_f64()
    );
    let mut same = true;
    if compare {
        // The same world the other way (GraphQL off if it was on, and the other way round)
        // into a second workspace: the same records?
        let db2 = dir.path().join("other.sqlite3");
        let mut o2 = o.clone();
        o2.graphql = !use_graphql;
        let mut other = Store::open(&db2).unwrap();
        let s3 = github::sync(
            &mut other,
            &o2,
            Some(&token),
            chrono::Utc::now(),
            &(),
            &Cancel::default(),
        )
        .expect("the other way");
        same = records_of(&store.export().unwrap()) == records_of(&other.export().unwrap());
        println!(
            "the same world with GraphQL {}: {} records, {} requests ({:.1} per 1,000 records); records equal: {same}",
            if o2.graphql { "on" } else { "off" },
            s3.records(),
            s3.requests,
            s3.requests as f64 * 1000.0 / s3.records().max(1) as f64
        );
    }
    let ok = same
        && (!use_graphql || !serve_graphql || per_thousand <= 15.0)
        && rate >= 5000.0
        && mock.max_in_flight.load(Ordering::SeqCst) <= 8
        && sent <= 6 * repos as u64
        && again < Duration::from_secs(2);
    println!("targets (<= 15 requests per 1,000 records with GraphQL, >= 5,000 records/s, <= 8 in flight, <= 1 request per list per repository, re-sync < 2 s): {}", if ok { "met" } else { "NOT met" });
    drop(mock);
}

/// The synced records, without the workspace's own ids, each list in source-key order.
fn records_of(doc: &switchyard_core::Document) -> Value {
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
        "releases": list(serde_json::to_value(&doc.releases).unwrap()),
        "work_items": list(serde_json::to_value(&doc.work_items).unwrap()),
        "deployments": list(serde_json::to_value(&doc.deployments).unwrap()),
        "incidents": list(serde_json::to_value(&doc.incidents).unwrap()),
        "pipeline_runs": list(serde_json::to_value(&doc.pipeline_runs).unwrap()),
    })
}
