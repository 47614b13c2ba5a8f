//! Jira Cloud (REST v3) and Data Center (REST v2) over ureq.
//!
//! `sync` brings the versions (as releases) and issues (as work items, with their status
//! transitions, blocking links as dependencies, and incidents) of some projects into the
//! workspace. Cloud and Data Center are told apart by `/serverInfo`. Cloud searches with
//! `/rest/api/3/search/jql` and `nextPageToken`, Data Center with `/rest/api/2/search` and
//! `startAt`. Issues come oldest-`updated` first, so the cursor of a project (scope
//! `KEY/issues` in `sync_state`) is the newest `updated` committed so far plus the page
//! token of the run in progress. Each page and its cursor are one transaction: a killed
//! sync resumes at the page after the last committed one, and an expired page token
//! restarts the query from the cursor's time (with an overlap; upserts make re-reads
//! harmless).

mod client;
mod wire;

use crate::{Cancel, Progress, ProgressEvent, Remote, Secret, SyncError};
use chrono::{DateTime, Duration as ChronoDuration, SecondsFormat, TimeZone, Utc};
use client::Client;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;
use switchyard_core::synced::jira::{
    JiraIssue, JiraIssuePage, JiraLink, JiraRelease, JiraSink, JiraTransition,
};
use switchyard_core::synced::Cursor;
use switchyard_core::StatusCategory as Category;
use switchyard_core::Timestamp;
use wire::*;

pub use wire::{adf_to_text, parse_time, wiki_to_text};

/// The fields a search asks for (Cloud's `/search/jql` returns only `id` otherwise).
pub const SEARCH_FIELDS: &str = "summary,issuetype,status,priority,labels,components,fixVersions,issuelinks,assignee,reporter,created,updated,resolutiondate,description,project";

/// Jira refused the credentials.
fn auth_error(status: u16, detail: String) -> SyncError {
    SyncError::Auth {
        remote: Remote::Jira,
        message: format!("Jira refused the credentials (HTTP {status}){detail}; Jira Cloud needs your account's email with an API token, Data Center a personal access token and no email (the token from the keyring or SWITCHYARD_JIRA_TOKEN)"),
    }
}

fn rate_limited_error(what: &str, attempts: u32) -> SyncError {
    SyncError::RateLimited {
        remote: Remote::Jira,
        message: format!("Jira kept answering 429 (rate limited) for {what}; gave up after {attempts} attempts, try again later"),
    }
}

fn unavailable(what: &str, attempts: u32, last: String) -> SyncError {
    SyncError::Unavailable {
        remote: Remote::Jira,
        message: format!("Jira did not answer {what} after {attempts} attempt(s): {last}"),
    }
}

fn bad_response(what: &str, why: impl std::fmt::Display) -> SyncError {
    SyncError::BadResponse {
        remote: Remote::Jira,
        message: format!("Jira's answer to {what} is not what Switchyard can read ({why}); nothing of it was written"),
    }
}

/// A time as the cursors and run ids write it.
fn ts(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Retries: 5xx and timeouts back off exponentially with jitter from `base_delay`; 429s wait
/// as the server says. No single wait is longer than `max_wait`.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub max_rate_limit_waits: u32,
    pub base_delay: Duration,
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            max_rate_limit_waits: 8,
            base_delay: Duration::from_secs(1),
            max_wait: Duration::from_secs(120),
        }
    }
}

#[derive(Debug, Clone)]
pub struct JiraOptions {
    /// `https://example.atlassian.net` or `https://jira.example.com[/context]`.
    pub url: String,
    pub projects: Vec<String>,
    /// With an email: basic auth (Cloud); without: bearer (Data Center PAT).
    pub email: Option<String>,
    /// Read everything, and mark issues that are no longer in Jira.
    pub full: bool,
    /// Link types (name or id) that mean "blocks"; empty: any whose outward name is "blocks".
    pub blocking_link_types: Vec<String>,
    /// Issues with this label are incidents (docs/metrics.md), as are those of `incident_types`.
    pub incident_label: String,
    pub incident_types: Vec<String>,
    pub page_size: u32,
    /// Re-read issues updated this long before the cursor (Jira's JQL has minutes only).
    pub overlap: ChronoDuration,
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl JiraOptions {
    pub fn new(url: impl Into<String>, projects: Vec<String>) -> Self {
        Self {
            url: url.into(),
            projects,
            email: None,
            full: false,
            blocking_link_types: vec![],
            incident_label: "incident".into(),
            incident_types: vec!["Incident".into()],
            page_size: 100,
            overlap: ChronoDuration::minutes(2),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deployment {
    Cloud,
    DataCenter,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectSummary {
    pub key: String,
    pub versions: u64,
    pub issues: u64,
    pub pages: u64,
    pub vanished: u64,
    pub resumed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JiraSummary {
    pub deployment: Deployment,
    pub projects: Vec<ProjectSummary>,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    pub search_requests: u64,
}

/// The cursor of `KEY/issues`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct IssueCursor {
    /// The newest `updated` committed (UTC).
    since: Option<Timestamp>,
    /// The run in progress, when a sync stopped before its last page.
    run: Option<Run>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Run {
    id: String,
    full: bool,
    /// Lower bound of this run's query (UTC), none for everything.
    from: Option<Timestamp>,
    /// The newest `updated` this run committed.
    progress: Option<Timestamp>,
    next_page_token: Option<String>,
    start_at: u64,
}

struct Ctx<'a> {
    sink: &'a mut dyn JiraSink,
    opts: &'a JiraOptions,
    client: Client<'a>,
    deployment: Deployment,
    api: &'static str,
    tz: chrono_tz::Tz,
    base: String,
    now: Timestamp,
    progress: &'a dyn Progress,
    cancel: &'a Cancel,
    search_requests: u64,
}

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= 64 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Runs a sync of `opts.projects` into `sink`. `now` stamps the run (vanished issues, the
/// cursor's `updated_at`); the incremental bound comes from Jira's own `updated` times.
pub fn sync(
    sink: &mut dyn JiraSink,
    opts: &JiraOptions,
    token: Option<&Secret>,
    now: Timestamp,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<JiraSummary, SyncError> {
    let base = opts.url.trim().trim_end_matches('/').to_owned();
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(SyncError::invalid(
            format!("the Jira URL must start with https:// (got {base:?})"),
            "url",
        ));
    }
    if opts.projects.is_empty() {
        return Err(SyncError::invalid(
            "name at least one Jira project",
            "project",
        ));
    }
    if let Some(bad) = opts.projects.iter().find(|k| !valid_key(k)) {
        return Err(SyncError::invalid(
            format!("{bad:?} is not a Jira project key (letters, digits and _)"),
            "project",
        ));
    }
    let token = token.map(|t| t.expose().trim()).unwrap_or_default();
    if token.is_empty() {
        return Err(SyncError::Invalid {
            message: "the Jira token is empty".into(),
            field: None,
        });
    }
    let client = Client::new(
        &base,
        client::authorization(opts.email.as_deref(), token),
        opts.timeout,
        opts.retry,
        progress,
        cancel,
    );
    let info: ServerInfo = decode(
        &client.get("/rest/api/2/serverInfo", &[], "the server info")?,
        "the server info",
    )?;
    let deployment = deployment_of(&info, &base);
    let api = match deployment {
        Deployment::Cloud => "3",
        Deployment::DataCenter => "2",
    };
    let me: Myself = decode(
        &client.get(&format!("/rest/api/{api}/myself"), &[], "the current user")?,
        "the current user",
    )?;
    let tz: chrono_tz::Tz = me
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    tracing::info!(?deployment, tz = %tz, projects = opts.projects.len(), full = opts.full, "jira sync starts");
    let mut ctx = Ctx {
        sink,
        opts,
        client,
        deployment,
        api,
        tz,
        base,
        now,
        progress,
        cancel,
        search_requests: 0,
    };
    let mut projects = vec![];
    for key in &opts.projects {
        let key = key.to_ascii_uppercase();
        let versions = ctx.sync_versions(&key)?;
        let mut summary = ctx.sync_issues(&key)?;
        summary.versions = versions;
        projects.push(summary);
    }
    let summary = JiraSummary {
        deployment,
        projects,
        requests: ctx.client.requests(),
        search_requests: ctx.search_requests,
    };
    tracing::info!(requests = summary.requests, "jira sync done");
    Ok(summary)
}

fn deployment_of(info: &ServerInfo, base: &str) -> Deployment {
    match info.deployment_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("cloud") => Deployment::Cloud,
        Some(_) => Deployment::DataCenter,
        None => {
            // Cloud's versions are 1001.x; a site on atlassian.net is Cloud.
            let cloud_version = info
                .version
                .as_deref()
                .is_some_and(|v| v.starts_with("1001."))
                || info.version_numbers.first().is_some_and(|m| *m >= 1000);
            if cloud_version || base.contains(".atlassian.net") {
                Deployment::Cloud
            } else {
                Deployment::DataCenter
            }
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, SyncError> {
    serde_json::from_slice(bytes).map_err(|e| bad_response(what, e))
}

impl Ctx<'_> {
    fn sync_versions(&mut self, key: &str) -> Result<u64, SyncError> {
        let list = "versions";
        self.progress.report(ProgressEvent::Started {
            scope: key.to_owned(),
            list: list.into(),
        });
        let path = format!("/rest/api/{}/project/{key}/version", self.api);
        let what = format!("the versions of project {key}");
        let mut all = vec![];
        let mut start_at: u64 = 0;
        for _ in 0..10_000 {
            let start = start_at.to_string();
            let bytes = self
                .client
                .get(&path, &[("startAt", &start), ("maxResults", "100")], &what)
                .map_err(|e| match e {
                    SyncError::NotFound(_) => SyncError::NotFound(format!(
                        "Jira project {key} not found at {} (or you may not see it)",
                        self.base
                    )),
                    other => other,
                })?;
            let page: VersionPage = decode(&bytes, &what)?;
            let n = page.values.len() as u64;
            all.extend(page.values);
            start_at += n;
            self.progress.report(ProgressEvent::Page {
                scope: key.to_owned(),
                list: list.into(),
                items: n,
                total: start_at,
                expected: page.total,
            });
            if n == 0 || page.is_last.unwrap_or(false) || page.total.is_some_and(|t| start_at >= t)
            {
                break;
            }
        }
        let releases: Vec<JiraRelease> = all.iter().map(|v| release_row(key, v)).collect();
        self.sink.commit_jira_versions(
            &releases,
            &Cursor {
                scope: format!("{key}/versions"),
                value: serde_json::json!({ "count": all.len(), "synced_at": ts(&self.now) })
                    .to_string(),
                at: self.now,
            },
        )?;
        self.progress.report(ProgressEvent::Finished {
            scope: key.to_owned(),
            list: list.into(),
            total: all.len() as u64,
        });
        Ok(all.len() as u64)
    }

    fn jql(&self, key: &str, from: Option<Timestamp>) -> String {
        let mut jql = format!("project = \"{key}\"");
        if let Some(from) = from {
            // Jira reads JQL times in the user's time zone, to the minute: truncating the
            // seconds moves the bound earlier, never later.
            let local = from.with_timezone(&self.tz).format("%Y/%m/%d %H:%M");
            jql.push_str(&format!(" AND updated >= \"{local}\""));
        }
        jql.push_str(" ORDER BY updated ASC, key ASC");
        jql
    }

    /// The search request for the page `run` points at: its path and query.
    fn search_request(&self, jql: &str, run: &Run) -> (&'static str, Vec<(&'static str, String)>) {
        let size = self.opts.page_size.clamp(1, 5000).to_string();
        let mut q = vec![
            ("jql", jql.to_owned()),
            ("maxResults", size),
            ("fields", SEARCH_FIELDS.to_owned()),
            ("expand", "changelog".to_owned()),
        ];
        match self.deployment {
            Deployment::Cloud => {
                if let Some(t) = &run.next_page_token {
                    q.push(("nextPageToken", t.clone()));
                }
                ("/rest/api/3/search/jql", q)
            }
            Deployment::DataCenter => {
                q.insert(1, ("startAt", run.start_at.to_string()));
                ("/rest/api/2/search", q)
            }
        }
    }

    fn search(&mut self, jql: &str, run: &Run, what: &str) -> Result<Vec<u8>, SyncError> {
        self.search_requests += 1;
        let (path, q) = self.search_request(jql, run);
        let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.client.get(path, &q, what)
    }

    fn sync_issues(&mut self, key: &str) -> Result<ProjectSummary, SyncError> {
        let list = "issues";
        let scope = format!("{key}/issues");
        self.progress.report(ProgressEvent::Started {
            scope: key.to_owned(),
            list: list.into(),
        });
        let mut cursor: IssueCursor = match self.sink.jira_cursor(&scope)? {
            Some(text) => serde_json::from_str(&text).unwrap_or_default(),
            None => IssueCursor::default(),
        };
        let mut resumed = false;
        let mut run = match cursor.run.take() {
            Some(r) if r.full || !self.opts.full => {
                resumed = true;
                tracing::info!(project = key, "resuming an interrupted jira sync");
                r
            }
            _ => Run {
                id: ts(&self.now),
                full: self.opts.full,
                from: if self.opts.full {
                    None
                } else {
                    cursor.since.map(|s| s - self.opts.overlap)
                },
                progress: None,
                next_page_token: None,
                start_at: 0,
            },
        };
        let mut summary = ProjectSummary {
            key: key.to_owned(),
            versions: 0,
            issues: 0,
            pages: 0,
            vanished: 0,
            resumed,
        };
        let mut jql = self.jql(key, run.from);
        let mut restarted = false;
        // The next page is requested (on a thread of its own) as soon as this page's token
        // is known, so Jira renders page N+1 while page N is converted and committed. The
        // cursor still moves only with a committed page: a killed sync resumes as before.
        std::thread::scope(|threads| -> Result<(), SyncError> {
            let mut prefetched: Option<
                std::thread::ScopedJoinHandle<'_, Result<Vec<u8>, SyncError>>,
            > = None;
            for page_no in 1..=1_000_000u64 {
                if self.cancel.is_cancelled() {
                    return Err(SyncError::Cancelled(Remote::Jira));
                }
                let what = format!("page {page_no} of the issues of {key}");
                let fetched = match prefetched.take() {
                    Some(handle) => handle
                        .join()
                        .unwrap_or_else(|_| Err(bad_response(&what, "the request thread stopped"))),
                    None => self.search(&jql, &run, &what),
                };
                let bytes = match fetched {
                    Ok(b) => b,
                    // An expired or unknown page token: start the query again from this run's
                    // progress (everything older was committed already).
                    Err(SyncError::Rejected { messages, .. })
                        if (run.next_page_token.is_some() || run.start_at > 0) && !restarted =>
                    {
                        tracing::info!(project = key, %messages, "jira page token refused; restarting the query from the cursor");
                        restarted = true;
                        run.from = run.progress.map(|p| p - self.opts.overlap).or(run.from);
                        run.next_page_token = None;
                        run.start_at = 0;
                        jql = self.jql(key, run.from);
                        continue;
                    }
                    Err(SyncError::Rejected {
                        messages,
                        status,
                        what,
                        ..
                    }) if page_no == 1 => {
                        return Err(SyncError::Rejected {
                            remote: Remote::Jira,
                            what: format!("the issue search of project {key}"),
                            status,
                            messages: if messages.is_empty() { what } else { messages },
                        })
                    }
                    Err(e) => return Err(e),
                };
                let page: SearchPage = decode(&bytes, &what)?;
                if let Some(bad) = page.issues.iter().find(|i| i.key.trim().is_empty()) {
                    return Err(bad_response(
                        &what,
                        format!("issue {} has no key", bad.id.0),
                    ));
                }
                let n = page.issues.len() as u64;
                let changelogs = self.complete_changelogs(&page.issues, &what)?;
                let rows: Vec<JiraIssue> = page
                    .issues
                    .iter()
                    .map(|i| self.rows().issue_row(key, i, changelogs.get(&i.key)))
                    .collect();
                let newest = rows.iter().map(|r| r.updated_at).max();
                let last = match self.deployment {
                    Deployment::Cloud => {
                        page.is_last.unwrap_or(false) || page.next_page_token.is_none() || n == 0
                    }
                    Deployment::DataCenter => {
                        n == 0 || page.total.is_some_and(|t| run.start_at + n >= t)
                    }
                };
                // A server handing back the token it was just given would walk forever.
                if !last
                    && self.deployment == Deployment::Cloud
                    && page.next_page_token.is_some()
                    && page.next_page_token == run.next_page_token
                {
                    return Err(bad_response(
                        &what,
                        "it gave the page token it was asked for as the next one, so the walk would never end",
                    ));
                }
                // One transaction: the page's records and the cursor after it.
                run.progress = run.progress.max(newest);
                run.next_page_token = page.next_page_token.clone();
                run.start_at = page.start_at.unwrap_or(run.start_at) + n;
                if !last {
                    self.search_requests += 1;
                    let (path, q) = self.search_request(&jql, &run);
                    let client = self.client.clone();
                    let next = format!("page {} of the issues of {key}", page_no + 1);
                    prefetched = Some(threads.spawn(move || {
                        let q: Vec<(&str, &str)> =
                            q.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        client.get(path, &q, &next)
                    }));
                }
                let since = cursor.since.max(newest);
                let next = IssueCursor {
                    since,
                    run: (!last).then(|| run.clone()),
                };
                let page_write = JiraIssuePage {
                    project: key.to_owned(),
                    run: run.id.clone(),
                    issues: rows,
                    mark_vanished: last && run.full,
                    cursor: Cursor {
                        scope: scope.clone(),
                        value: serde_json::to_value(&next).unwrap_or_default().to_string(),
                        at: self.now,
                    },
                };
                summary.vanished += self.sink.commit_jira_issues(&page_write)?;
                cursor.since = since;
                summary.issues += n;
                summary.pages += 1;
                self.progress.report(ProgressEvent::Page {
                    scope: key.to_owned(),
                    list: list.into(),
                    items: n,
                    total: summary.issues,
                    expected: page.total,
                });
                if last {
                    break;
                }
            }
            Ok(())
        })?;
        self.progress.report(ProgressEvent::Finished {
            scope: key.to_owned(),
            list: list.into(),
            total: summary.issues,
        });
        Ok(summary)
    }

    /// Full histories of the issues whose embedded changelog was cut short, except those
    /// unchanged since the last sync.
    fn complete_changelogs(
        &mut self,
        issues: &[Issue],
        what: &str,
    ) -> Result<HashMap<String, Vec<History>>, SyncError> {
        let mut out = HashMap::new();
        let mut wanted: Vec<&Issue> = vec![];
        for i in issues {
            let Some(cl) = &i.changelog else { continue };
            if cl.total.is_none_or(|t| t as usize <= cl.histories.len()) {
                continue;
            }
            let unchanged = match (&i.fields.updated, self.sink.jira_updated_at(&i.key)?) {
                (Some(u), Some(stored)) => u.0 == stored,
                _ => false,
            };
            if !unchanged {
                wanted.push(i);
            }
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        let what = format!("the changelogs of {what}");
        match self.deployment {
            Deployment::Cloud => {
                let by_id: HashMap<&str, &str> = wanted
                    .iter()
                    .map(|i| (i.id.0.as_str(), i.key.as_str()))
                    .collect();
                let keys: Vec<&str> = wanted.iter().map(|i| i.key.as_str()).collect();
                let mut token: Option<String> = None;
                for _ in 0..10_000 {
                    let mut body = serde_json::json!({
                        "issueIdsOrKeys": keys,
                        "fieldIds": ["status"],
                        "maxResults": 1000,
                    });
                    if let Some(t) = &token {
                        body["nextPageToken"] = serde_json::Value::String(t.clone());
                    }
                    let bytes =
                        self.client
                            .post_json("/rest/api/3/changelog/bulkfetch", &body, &what)?;
                    let page: BulkChangelogs = decode(&bytes, &what)?;
                    for log in page.issue_change_logs {
                        let key = by_id
                            .get(log.issue_id.0.as_str())
                            .map(|k| k.to_string())
                            .unwrap_or(log.issue_id.0);
                        out.entry(key)
                            .or_insert_with(Vec::new)
                            .extend(log.change_histories);
                    }
                    match page.next_page_token {
                        Some(t) if Some(&t) != token.as_ref() => token = Some(t),
                        _ => break,
                    }
                }
            }
            Deployment::DataCenter => {
                #[derive(Deserialize)]
                struct WithChangelog {
                    changelog: Option<Changelog>,
                }
                for i in wanted {
                    let bytes = self.client.get(
                        &format!("/rest/api/2/issue/{}", i.key),
                        &[("fields", "status"), ("expand", "changelog")],
                        &what,
                    )?;
                    let full: WithChangelog = decode(&bytes, &what)?;
                    if let Some(cl) = full.changelog {
                        out.insert(i.key.clone(), cl.histories);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The rules that make a stored row of what Jira sent.
    fn rows(&self) -> Rows<'_> {
        Rows {
            opts: self.opts,
            deployment: self.deployment,
            base: &self.base,
            now: self.now,
        }
    }
}

/// What turns Jira's issues into stored rows: the options, the deployment (how a text
/// description reads), the site's address (issue URLs) and the run's time.
struct Rows<'a> {
    opts: &'a JiraOptions,
    deployment: Deployment,
    base: &'a str,
    now: Timestamp,
}

impl Rows<'_> {
    fn issue_row(&self, project: &str, i: &Issue, full_log: Option<&Vec<History>>) -> JiraIssue {
        let f = &i.fields;
        let project_key = f
            .project
            .as_ref()
            .and_then(|p| p.key.clone())
            .unwrap_or_else(|| project.to_owned());
        let kind_name = f.issuetype.as_ref().map(|t| t.name.as_str()).unwrap_or("");
        let kind = if kind_name.is_empty() {
            "issue".to_owned()
        } else {
            kind_name.trim().to_lowercase().replace([' ', '-'], "_")
        };
        let status = f
            .status
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let status_category = status_category(f, &status);
        let updated = f
            .updated
            .map(|t| t.0)
            .or(f.created.map(|t| t.0))
            .unwrap_or(self.now);
        let created = f.created.map(|t| t.0).unwrap_or(updated);
        let service = f
            .components
            .iter()
            .map(|c| c.name.trim())
            .find(|n| !n.is_empty())
            .unwrap_or(&project_key)
            .to_owned();
        let description = match &f.description {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => match self.deployment {
                Deployment::DataCenter => wiki_to_text(s),
                Deployment::Cloud => s.trim().to_owned(),
            },
            Some(v) => adf_to_text(v),
        };
        let releases = f
            .fix_versions
            .iter()
            .map(|v| release_row(&project_key, v))
            .collect();
        let histories: Option<&[History]> = match full_log {
            Some(h) => Some(h),
            // A changelog cut short (Cloud embeds 20 histories) whose whole was not fetched,
            // because the issue is unchanged since it was stored: the stored transitions
            // stay, rather than being replaced by the first 20 histories' ones.
            None => i
                .changelog
                .as_ref()
                .filter(|c| c.total.is_none_or(|t| t as usize <= c.histories.len()))
                .map(|c| c.histories.as_slice()),
        };
        let transitions = histories.map(|hs| {
            let mut out: Vec<JiraTransition> = hs
                .iter()
                .flat_map(|h| {
                    h.items
                        .iter()
                        .filter(|it| {
                            it.field_id.as_deref() == Some("status")
                                || it.field.eq_ignore_ascii_case("status")
                        })
                        .filter_map(move |it| {
                            Some(JiraTransition {
                                at: h.created?.0,
                                from: it.from_string.clone(),
                                to: it.to_string.clone()?,
                                actor: h
                                    .author
                                    .as_ref()
                                    .and_then(|a| a.display_name.clone().or(a.name.clone())),
                                history_id: h.id.as_ref().map(|i| i.0.clone()),
                            })
                        })
                })
                .collect();
            out.sort_by_key(|t| t.at);
            out
        });
        let links = f
            .issuelinks
            .iter()
            .filter(|l| self.is_blocking(l))
            .filter_map(|l| {
                let id = l.id.as_ref()?.0.clone();
                match (&l.outward_issue, &l.inward_issue) {
                    (Some(o), _) => Some(JiraLink {
                        link_id: id,
                        blocker: i.key.clone(),
                        blocked: o.key.clone(),
                    }),
                    (None, Some(inw)) => Some(JiraLink {
                        link_id: id,
                        blocker: inw.key.clone(),
                        blocked: i.key.clone(),
                    }),
                    _ => None,
                }
            })
            .collect();
        let label = self.opts.incident_label.as_str();
        let incident = self
            .opts
            .incident_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(kind_name.trim()))
            || (!label.is_empty() && f.labels.iter().any(|l| l.eq_ignore_ascii_case(label)));
        JiraIssue {
            key: i.key.clone(),
            issue_id: i.id.0.clone(),
            project: project.to_owned(),
            title: f.summary.clone().unwrap_or_default(),
            kind,
            status,
            status_category,
            priority: f
                .priority
                .as_ref()
                .map(|p| p.name.clone())
                .filter(|p| !p.is_empty()),
            service,
            labels: f.labels.clone(),
            author: f.reporter.as_ref().and_then(User::label),
            assignee: f.assignee.as_ref().and_then(User::label),
            url: format!("{}/browse/{}", self.base, i.key),
            created_at: created,
            updated_at: updated,
            resolved_at: f.resolutiondate.map(|t| t.0),
            description,
            releases,
            transitions,
            links,
            incident,
        }
    }

    fn is_blocking(&self, l: &Link) -> bool {
        let Some(t) = &l.link_type else { return false };
        if self.opts.blocking_link_types.is_empty() {
            return t.outward.trim().eq_ignore_ascii_case("blocks");
        }
        self.opts.blocking_link_types.iter().any(|want| {
            want.eq_ignore_ascii_case(t.name.trim())
                || t.id.as_ref().is_some_and(|id| id.0 == *want)
        })
    }
}

fn status_category(f: &Fields, status: &str) -> Category {
    let key = f
        .status
        .as_ref()
        .and_then(|s| s.status_category.as_ref())
        .map(|c| c.key.as_str());
    match key {
        Some("done") => Category::Done,
        Some("indeterminate") => Category::InProgress,
        Some("new") | Some("undefined") => Category::Todo,
        _ => {
            // Old servers send no category: guess from the resolution and the name.
            let s = status.to_ascii_lowercase();
            if f.resolutiondate.is_some()
                || ["done", "closed", "resolved", "released"].contains(&s.as_str())
            {
                Category::Done
            } else if s.contains("progress") || s.contains("review") || s.contains("testing") {
                Category::InProgress
            } else {
                Category::Todo
            }
        }
    }
}

/// Jira's pages read as the sync reads them, without a server: for the property tests and
/// the cargo-fuzz target `jira_search` (issue 16). Each is the sync's own decoding and
/// row-making; an answer it cannot read is the sync's `BadResponse` error, never a panic.
pub mod pages {
    use super::*;

    /// One page of an issue search (`/search/jql` or `/search`) as the project's rows, each
    /// issue's embedded changelog taken as it came.
    pub fn search(
        bytes: &[u8],
        project: &str,
        opts: &JiraOptions,
        deployment: Deployment,
        base: &str,
        now: Timestamp,
    ) -> Result<Vec<JiraIssue>, SyncError> {
        let what = format!("the issue search of {project}");
        let page: SearchPage = decode(bytes, &what)?;
        if let Some(bad) = page.issues.iter().find(|i| i.key.trim().is_empty()) {
            return Err(bad_response(
                &what,
                format!("issue {} has no key", bad.id.0),
            ));
        }
        let rows = Rows {
            opts,
            deployment,
            base,
            now,
        };
        Ok(page
            .issues
            .iter()
            .map(|i| rows.issue_row(project, i, None))
            .collect())
    }

    /// One page of a project's versions as release rows.
    pub fn versions(bytes: &[u8], project: &str) -> Result<Vec<JiraRelease>, SyncError> {
        let page: VersionPage = decode(bytes, &format!("the versions of {project}"))?;
        Ok(page
            .values
            .iter()
            .map(|v| release_row(project, v))
            .collect())
    }

    /// One page of the bulk changelog fetch: (issue id, status histories).
    pub fn changelogs(bytes: &[u8]) -> Result<Vec<(String, usize)>, SyncError> {
        let page: BulkChangelogs = decode(bytes, "the changelogs")?;
        Ok(page
            .issue_change_logs
            .into_iter()
            .map(|l| (l.issue_id.0, l.change_histories.len()))
            .collect())
    }
}

fn release_row(project: &str, v: &Version) -> JiraRelease {
    JiraRelease {
        source_key: format!("{project}:{}", v.id.0),
        name: if v.name.trim().is_empty() {
            v.id.0.clone()
        } else {
            v.name.clone()
        },
        description: v.description.clone().unwrap_or_default(),
        start_date: v.start_date.map(|d| d.0),
        release_date: v.release_date.map(|d| d.0),
        released: v.released.unwrap_or(false),
        archived: v.archived.unwrap_or(false),
    }
}

/// `2024-01-01T10:00:00Z` for a time given in a Jira user's zone, for tests and tools.
pub fn local_minute(tz: &str, t: Timestamp) -> Option<String> {
    let tz: chrono_tz::Tz = tz.parse().ok()?;
    Some(t.with_timezone(&tz).format("%Y/%m/%d %H:%M").to_string())
}

/// Parses `yyyy/MM/dd HH:mm` in a zone (the inverse of what the JQL bound uses).
pub fn parse_local_minute(tz: &str, s: &str) -> Option<Timestamp> {
    let tz: chrono_tz::Tz = tz.parse().ok()?;
    let n = chrono::NaiveDateTime::parse_from_str(s, "%Y/%m/%d %H:%M").ok()?;
    tz.from_local_datetime(&n)
        .earliest()
        .map(|t: DateTime<chrono_tz::Tz>| t.with_timezone(&Utc))
}
