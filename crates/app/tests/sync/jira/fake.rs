//! A fake Jira (Cloud or Data Center) over `mock::MockServer`. Every answer is one of the
//! real payloads in tests/fixtures/jira with ids, keys, tokens and values edited; no
//! response shape is made up. Shared with the CLI tests and the bench through `#[path]`.
#![allow(dead_code)]

use super::mock::{MockServer, Request, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub fn fixtures_dir() -> PathBuf {
    // The repository's copy of the shared fixture set: a clean clone tests on its own.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/jira")
}

pub fn fixture(name: &str) -> Value {
    let p = fixtures_dir().join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(name)).unwrap()
}

pub fn jira_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// The `Authorization` header of Cloud's basic auth, encoded here by hand so that a test
/// does not check the product's encoder against itself.
pub fn basic_auth(email: &str, token: &str) -> String {
    let raw = format!("{email}:{token}");
    let t = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in raw.as_bytes().chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(t[(n >> 18) as usize & 63] as char);
        out.push(t[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            t[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            t[n as usize & 63] as char
        } else {
            '='
        });
    }
    format!("Basic {out}")
}

#[derive(Default)]
pub struct Project {
    pub versions: Vec<Value>,
    pub issues: Vec<Value>,
}

pub struct FakeJira {
    pub cloud: bool,
    pub expected_auth: String,
    pub projects: HashMap<String, Project>,
    /// Served once each, before the normal answer, to the first request whose path starts
    /// with the prefix: (prefix, the nth matching request from now (0 = next), answer).
    pub faults: VecDeque<(String, usize, Response)>,
    /// Page tokens carry this; bumping it makes earlier tokens invalid (expired).
    pub token_generation: u64,
    pub version_page_size: usize,
    pub base_url: String,
    /// Pre-rendered issue JSON by key (the bench's hot path).
    pub rendered: HashMap<String, String>,
}

impl FakeJira {
    pub fn new(cloud: bool, expected_auth: &str) -> Self {
        FakeJira {
            cloud,
            expected_auth: expected_auth.into(),
            projects: HashMap::new(),
            faults: VecDeque::new(),
            token_generation: 1,
            version_page_size: 2,
            base_url: String::new(),
            rendered: HashMap::new(),
        }
    }

    pub fn fault(&mut self, prefix: &str, skip: usize, r: Response) {
        self.faults.push_back((prefix.into(), skip, r));
    }

    pub fn project(&mut self, key: &str) -> &mut Project {
        self.projects.entry(key.into()).or_default()
    }
}

pub fn start(fake: FakeJira) -> (MockServer, Arc<Mutex<FakeJira>>) {
    let fake = Arc::new(Mutex::new(fake));
    let f2 = fake.clone();
    let server = MockServer::start(move |req| handle(&f2, req));
    fake.lock().unwrap().base_url = server.url();
    (server, fake)
}

fn err(status: u16, file: &str) -> Response {
    Response::json(status, fixture_bytes(file))
}

fn handle(fake: &Mutex<FakeJira>, req: &Request) -> Response {
    let mut f = fake.lock().unwrap();
    // Faults first.
    let mut hit = None;
    for (i, (prefix, skip, _)) in f.faults.iter_mut().enumerate() {
        if req.path.starts_with(prefix.as_str()) {
            if *skip == 0 {
                hit = Some(i);
            } else {
                *skip -= 1;
            }
            break;
        }
    }
    if let Some(i) = hit {
        return f.faults.remove(i).unwrap().2;
    }
    if req.header("authorization") != Some(f.expected_auth.as_str()) {
        return if f.cloud {
            err(401, "errors/401-cloud-unauthenticated-captured.json")
        } else {
            err(401, "errors/401-not-logged-in.json")
        };
    }
    let path = req.path.as_str();
    let v = if f.cloud { "3" } else { "2" };
    if path == "/rest/api/2/serverInfo" || path == "/rest/api/3/serverInfo" {
        let mut info = fixture("server-info.json");
        info["deploymentType"] = json!(if f.cloud { "Cloud" } else { "Server" });
        info["baseUrl"] = json!(f.base_url);
        if !f.cloud {
            info["versionNumbers"] = json!([9, 12, 0]);
            info["version"] = json!("9.12.0");
        }
        return Response::json(200, info.to_string());
    }
    if path == format!("/rest/api/{v}/myself") {
        return Response::json(200, fixture_bytes("myself.json"));
    }
    if let Some(rest) = path.strip_prefix(&format!("/rest/api/{v}/project/")) {
        if let Some(key) = rest.strip_suffix("/version") {
            let Some(p) = f.projects.get(key) else {
                return err(404, "errors/404-issue-not-found.json");
            };
            let start: usize = req
                .param("startAt")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let size = f.version_page_size;
            let end = (start + size).min(p.versions.len());
            let mut page = fixture("project-versions-paginated.json");
            page["startAt"] = json!(start);
            page["maxResults"] = json!(size);
            page["total"] = json!(p.versions.len());
            page["isLast"] = json!(end >= p.versions.len());
            page["values"] = json!(p.versions[start.min(end)..end]);
            page["self"] = json!(format!(
                "{}{path}?startAt={start}&maxResults={size}",
                f.base_url
            ));
            if end < p.versions.len() {
                page["nextPage"] = json!(format!(
                    "{}{path}?startAt={end}&maxResults={size}",
                    f.base_url
                ));
            } else if let Some(o) = page.as_object_mut() {
                o.remove("nextPage");
            }
            return Response::json(200, page.to_string());
        }
    }
    if f.cloud && path == "/rest/api/3/search/jql" {
        return search(&f, req, true);
    }
    if !f.cloud && path == "/rest/api/2/search" {
        return search(&f, req, false);
    }
    if f.cloud && path == "/rest/api/3/changelog/bulkfetch" && req.method == "POST" {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let wanted: Vec<String> = body["issueIdsOrKeys"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let mut out = fixture("changelog-bulkfetch.json");
        let logs: Vec<Value> = all_issues(&f)
            .filter(|i| {
                wanted.iter().any(|w| {
                    Some(w.as_str()) == i["key"].as_str() || Some(w.as_str()) == i["id"].as_str()
                })
            })
            .map(|i| json!({"issueId": i["id"], "changeHistories": i["changelog"]["histories"]}))
            .collect();
        out["issueChangeLogs"] = json!(logs);
        if let Some(o) = out.as_object_mut() {
            o.remove("nextPageToken");
        }
        return Response::json(200, out.to_string());
    }
    if !f.cloud {
        if let Some(key) = path.strip_prefix("/rest/api/2/issue/") {
            if let Some(i) = all_issues(&f).find(|i| i["key"] == key) {
                let h = i["changelog"]["histories"].clone();
                let n = h.as_array().map_or(0, |a| a.len());
                return Response::json(
                    200,
                    json!({"id": i["id"], "key": i["key"], "fields": {"status": i["fields"]["status"]},
                           "changelog": {"startAt": 0, "maxResults": n, "total": n, "histories": h}})
                    .to_string(),
                );
            }
            return err(404, "errors/404-issue-not-found.json");
        }
    }
    err(404, "errors/404-issue-not-found.json")
}

fn all_issues(f: &FakeJira) -> impl Iterator<Item = &Value> {
    f.projects.values().flat_map(|p| p.issues.iter())
}

/// `project = "KEY" [AND updated >= "yyyy/MM/dd HH:mm"] ORDER BY ...`, as the client sends.
fn parse_jql(jql: &str) -> (String, Option<DateTime<Utc>>) {
    let project = jql
        .split("project = \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .to_owned();
    let since = jql
        .split("updated >= \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| NaiveDateTime::parse_from_str(s, "%Y/%m/%d %H:%M").ok())
        .and_then(|n| {
            let tz: chrono_tz::Tz = fixture("myself.json")["timeZone"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            tz.from_local_datetime(&n).earliest()
        })
        .map(|t| t.with_timezone(&Utc));
    (project, since)
}

fn updated_of(i: &Value) -> DateTime<Utc> {
    let s = i["fields"]["updated"].as_str().unwrap_or("");
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn search(f: &FakeJira, req: &Request, cloud: bool) -> Response {
    let jql = req.param("jql").unwrap_or("");
    if !jql.contains("project = ") {
        return err(400, "errors/400-invalid-jql.json");
    }
    let (project, since) = parse_jql(jql);
    let Some(p) = f.projects.get(&project) else {
        return err(400, "errors/400-invalid-jql.json");
    };
    let mut hits: Vec<&Value> = p
        .issues
        .iter()
        .filter(|i| since.is_none_or(|s| updated_of(i) >= s))
        .collect();
    hits.sort_by_key(|i| {
        let k = i["key"].as_str().unwrap_or("");
        let (pre, n) = k.rsplit_once('-').unwrap_or((k, "0"));
        (updated_of(i), pre.to_owned(), n.parse::<u64>().unwrap_or(0))
    });
    let size: usize = req
        .param("maxResults")
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let start: usize = if cloud {
        match req.param("nextPageToken") {
            None => 0,
            Some(t) => {
                let parts: Vec<&str> = t.split('-').collect();
                match parts.as_slice() {
                    ["tok", g, off] if g.parse::<u64>().ok() == Some(f.token_generation) => {
                        off.parse().unwrap_or(0)
                    }
                    _ => return err(400, "errors/400-invalid-nextPageToken.json"),
                }
            }
        }
    } else {
        req.param("startAt")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    };
    let end = (start + size).min(hits.len());
    let issues: Vec<String> = hits[start.min(end)..end]
        .iter()
        .map(|i| {
            let key = i["key"].as_str().unwrap_or("");
            match f.rendered.get(key) {
                Some(s) => s.clone(),
                None => render_issue(i, cloud),
            }
        })
        .collect();
    // The envelope of the real answers, with the issues spliced in.
    let mut env = if cloud {
        let mut e = fixture("search-jql.json");
        e["isLast"] = json!(end >= hits.len());
        if end < hits.len() {
            e["nextPageToken"] = json!(format!("tok-{}-{end}", f.token_generation));
        }
        e
    } else {
        let mut e = fixture("dc-v2/jira-ruby-search.json");
        e["startAt"] = json!(start);
        e["maxResults"] = json!(size);
        e["total"] = json!(hits.len());
        e["isLast"] = json!(end >= hits.len());
        e
    };
    env["issues"] = json!([]);
    let text = env.to_string();
    let body = text.replacen(
        "\"issues\":[]",
        &format!("\"issues\":[{}]", issues.join(",")),
        1,
    );
    Response::json(200, body)
}

/// Text that an issue's rendering sends as a lone surrogate escape (`\ud800`), which no
/// Rust string can hold.
pub const LONE_SURROGATE: &str = "@@lone-surrogate@@";

/// An issue as a search returns it: Cloud caps the embedded changelog at 20 histories.
pub fn render_issue(i: &Value, cloud: bool) -> String {
    render_issue_json(i, cloud).replace(LONE_SURROGATE, r"\ud800")
}

fn render_issue_json(i: &Value, cloud: bool) -> String {
    if cloud {
        if let Some(h) = i["changelog"]["histories"].as_array() {
            if h.len() > 20 {
                let mut c = i.clone();
                c["changelog"]["maxResults"] = json!(20);
                c["changelog"]["total"] = json!(h.len());
                c["changelog"]["histories"] = json!(h[..20]);
                return c.to_string();
            }
        }
    }
    i.to_string()
}

/// The fields of a real issue (JRJC's TST-2: type, status, priority, components,
/// fixVersions, dates, users, a 30-entry changelog).
pub fn jrjc() -> Value {
    fixture("dc-v2/jrjc-issue-expand-changelog.json")
}

pub struct IssueSpec<'a> {
    pub project: &'a str,
    pub n: u64,
    pub summary: String,
    pub updated: DateTime<Utc>,
    pub issuetype: Option<&'a str>,
    pub labels: Vec<&'a str>,
    /// Blocks issue n+1 / is blocked by n-1 (links with id "L<n>").
    pub chain_blocking: bool,
    pub chain_len: u64,
    /// Version ids (from the project's listing) as fixVersions.
    pub fix_versions: Vec<Value>,
    pub resolved: Option<DateTime<Utc>>,
}

/// A Cloud (v3) issue: the `search-jql.json` issue with its id and key edited and the
/// fields of JRJC's real issue, the ADF description of `get-issue.json`, and links of the
/// "Blocks" type of `issue-link-types.json`. Data Center: JRJC's issue as is (wiki text),
/// links of the "Blocker" type of go-jira's real list.
pub fn make_issue(spec: &IssueSpec, cloud: bool, base: &Value, jr: &Value) -> Value {
    let key = format!("{}-{}", spec.project, spec.n);
    let id = (20000 + spec.n).to_string();
    let mut issue = if cloud {
        base.clone()
    } else {
        let mut i = jr.clone();
        if let Some(o) = i.as_object_mut() {
            o.remove("names");
            o.remove("schema");
        }
        i
    };
    issue["id"] = json!(id);
    issue["key"] = json!(key);
    issue["self"] = json!(format!("https://jira.invalid/rest/api/2/issue/{id}"));
    let jf = &jr["fields"];
    {
        let f = &mut issue["fields"];
        for k in [
            "summary",
            "issuetype",
            "status",
            "priority",
            "labels",
            "components",
            "fixVersions",
            "created",
            "assignee",
            "reporter",
            "resolutiondate",
        ] {
            f[k] = jf[k].clone();
        }
        f["summary"] = json!(spec.summary);
        f["updated"] = json!(jira_time(spec.updated));
        f["labels"] = json!(spec.labels);
        f["fixVersions"] = json!(spec.fix_versions);
        f["project"]["key"] = json!(spec.project);
        if let Some(t) = spec.issuetype {
            f["issuetype"]["name"] = json!(t);
        }
        if let Some(r) = spec.resolved {
            f["resolutiondate"] = json!(jira_time(r));
        }
        if cloud {
            f["description"] = fixture_cached_get_issue_description();
        }
    }
    let link_type = if cloud {
        fixture("issue-link-types.json")["issueLinkTypes"][1].clone()
    } else {
        fixture("dc-v2/go-jira-issuelinktypes.json")[1].clone()
    };
    let mut links: Vec<Value> = if cloud {
        base["fields"]["issuelinks"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    } else {
        jr["fields"]["issuelinks"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    // Keep the real non-blocking links; they must not become dependencies.
    let template = links[0].clone();
    if spec.chain_blocking {
        if spec.n > 1 {
            let mut l = template.clone();
            if let Some(o) = l.as_object_mut() {
                o.remove("outwardIssue");
            }
            l["id"] = json!(format!("L{}", spec.n - 1));
            l["type"] = link_type.clone();
            l["inwardIssue"] = template["outwardIssue"].clone();
            l["inwardIssue"]["key"] = json!(format!("{}-{}", spec.project, spec.n - 1));
            links.push(l);
        }
        if spec.n < spec.chain_len {
            let mut l = template.clone();
            l["id"] = json!(format!("L{}", spec.n));
            l["type"] = link_type;
            l["outwardIssue"]["key"] = json!(format!("{}-{}", spec.project, spec.n + 1));
            links.push(l);
        }
    }
    issue["fields"]["issuelinks"] = json!(links);
    // The real changelog, with a second status change made from a later entry.
    let mut cl = jr["changelog"].clone();
    if let Some(h) = cl["histories"].as_array_mut() {
        if h.len() > 25 {
            h[25]["items"] = json!([{"field": "status", "fieldtype": "jira", "from": "3",
                "fromString": "In Progress", "to": "6", "toString": "Closed"}]);
        }
    }
    issue["changelog"] = cl;
    issue
}

fn fixture_cached_get_issue_description() -> Value {
    fixture("get-issue.json")["fields"]["description"].clone()
}

/// The project's versions: the two of `project-versions-paginated.json`, then copies with
/// edited ids and names; the third carries the epoch-millisecond date of `/versions`.
pub fn make_versions(n: usize) -> Vec<Value> {
    let page = fixture("project-versions-paginated.json");
    let listed = fixture("project-versions.json");
    let real: Vec<Value> = page["values"].as_array().unwrap().clone();
    let mut out = vec![];
    for i in 0..n {
        let mut v = real[i % 2].clone();
        if i >= 2 {
            v["id"] = json!((10100 + i).to_string());
            v["name"] = json!(format!("Version {}", i + 1));
            v["self"] = json!(format!(
                "https://jira.invalid/rest/api/3/version/{}",
                10100 + i
            ));
        }
        if i == 2 {
            v["releaseDate"] = listed[0]["releaseDate"].clone();
            v["released"] = json!(true);
        }
        out.push(v);
    }
    out
}

pub fn rendered_len(f: &FakeJira) -> usize {
    f.rendered.values().map(String::len).sum()
}

pub fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0).unwrap()
}
