//! GitHub sync end to end against the mock GitHub on generated data (shapes of the official
//! examples in tests/fixtures/github): N repositories, each with 5,000 pull requests,
//! 2,000 deployments with two statuses each and 5,000 workflow runs; then a re-sync with
//! nothing changed. Run: `cargo bench -p switchyard-app --bench github_sync`
//! (`GH_BENCH_REPOS`, `GH_BENCH_PULLS`, `GH_BENCH_DEPLOYMENTS`, `GH_BENCH_RUNS`,
//! `GH_BENCH_PR_EXTRAS=0|1` change the size; see docs/benchmarks.md).

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

    fn answer(&self, req: &Req) -> Reply {
        if req.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Reply::json(401, r#"{"message":"Bad credentials"}"#);
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
                    let n = self.pulls - i; // newest first
                    if i > a {
                        body.push(',');
                    }
                    let merged = if n.is_multiple_of(10) {
                        "null".into()
                    } else {
                        minutes(n * 10 + 5)
                    };
                    self.pull.fill(
                        &mut body,
                        &[
                            ("NUM", n.to_string()),
                            ("ID", (repo * 1_000_000 + n).to_string()),
                            ("UPD", minutes(n * 10 + 6)),
                            ("CRE", minutes(n * 10)),
                            ("MER", merged.clone()),
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
                            ("CRE", minutes(n * 30)),
                        ],
                    );
                }
                body.push(']');
                link = self.link(req, next);
            }
            ["deployments", id, "statuses"] => {
                let n: usize = id.parse::<usize>().unwrap_or(0) % 1_000_000;
                let end_state = if n.is_multiple_of(10) {
                    "failure"
                } else {
                    "success"
                };
                body.push('[');
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

fn world(base: String, pulls: usize, deployments: usize, runs: usize) -> World {
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
            &[("id", "ID"), ("created_at", "CRE")],
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
        commits: load("list-pull-commits.json").to_string(),
        detail: load("get-pull.json").to_string(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the arguments.
    let repos = env("GH_BENCH_REPOS", 20);
    let pulls = env("GH_BENCH_PULLS", 5000);
    let deployments = env("GH_BENCH_DEPLOYMENTS", 2000);
    let runs = env("GH_BENCH_RUNS", 5000);
    let extras = env("GH_BENCH_PR_EXTRAS", 1) == 1;
    let world_cell: Arc<std::sync::OnceLock<World>> = Arc::default();
    let w = world_cell.clone();
    let mock = Mock::start(Arc::new(move |req| w.get().expect("world").answer(req)));
    let _ = world_cell.set(world(mock.url(), pulls, deployments, runs));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite3");
    let mut o = GithubOptions::new(
        mock.url(),
        (0..repos).map(|i| format!("bench/repo{i}")).collect(),
    );
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
    let ok = rate >= 5000.0
        && mock.max_in_flight.load(Ordering::SeqCst) <= 8
        && sent <= 6 * repos as u64
        && again < Duration::from_secs(2);
    println!("targets (>= 5,000 records/s, <= 8 in flight, <= 1 request per list per repository, re-sync < 2 s): {}", if ok { "met" } else { "NOT met" });
    drop(mock);
}
