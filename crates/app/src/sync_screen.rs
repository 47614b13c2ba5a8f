//! The window's Sync screen: the Jira and GitHub connections of a workspace (kept in its
//! `meta` table, key `sync_connections`; tokens only in the keyring), whether a token is
//! there, the last run of each, and one sync run with progress and a cancel flag, through
//! the same use cases as `switchyard sync jira|github`.

use crate::audit::audit;
use crate::github::{sync_github, GithubOptions};
use crate::jira::{sync_jira, Cancel, JiraOptions, ProgressEvent};
use crate::secrets::{has_token, store_token, Origin, Secret, TokenFor};
use crate::slot::WorkspaceSlot;
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use ts_rs::TS;

const CONNECTIONS_KEY: &str = "sync_connections";
const LAST_JIRA_KEY: &str = "last_sync_jira";
const LAST_GITHUB_KEY: &str = "last_sync_github";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncTarget {
    Jira,
    Github,
}

impl SyncTarget {
    /// The source's name in the audit log.
    pub fn source(self) -> &'static str {
        match self {
            SyncTarget::Jira => "jira",
            SyncTarget::Github => "github",
        }
    }

    fn token(self) -> TokenFor {
        match self {
            SyncTarget::Jira => TokenFor::Jira,
            SyncTarget::Github => TokenFor::Github,
        }
    }

    fn last_key(self) -> &'static str {
        match self {
            SyncTarget::Jira => LAST_JIRA_KEY,
            SyncTarget::Github => LAST_GITHUB_KEY,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct JiraConnection {
    /// `https://example.atlassian.net` or a Data Center base URL.
    pub url: String,
    pub projects: Vec<String>,
    /// With an email the token is a Cloud API token (basic auth), else a PAT.
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GithubConnection {
    pub api_url: String,
    /// `owner/name` each.
    pub repos: Vec<String>,
}

impl Default for GithubConnection {
    fn default() -> Self {
        Self {
            api_url: "https://api.github.com".into(),
            repos: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct SyncConnections {
    #[serde(default)]
    pub jira: JiraConnection,
    #[serde(default)]
    pub github: GithubConnection,
}

/// How the last run of one sync ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LastSync {
    /// RFC 3339 UTC.
    pub finished_at: String,
    pub ok: bool,
    /// What was synced, or the error's message.
    pub summary: String,
    /// The error's code when it failed.
    pub error_code: Option<ErrorCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncStatus {
    pub connections: SyncConnections,
    /// A token is in the keyring or the environment (the token itself never leaves Rust).
    pub jira_token: bool,
    pub github_token: bool,
    pub last_jira: Option<LastSync>,
    pub last_github: Option<LastSync>,
}

/// One line of progress for the window.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SyncProgress {
    pub target: SyncTarget,
    /// `ABC: issues 200/450`, `waiting 4s: ...`.
    pub line: String,
    /// Done share of the current list when the server says how many there are.
    pub fraction: Option<f64>,
    /// Records so far in the current list.
    #[ts(type = "number")]
    pub total: u64,
}

impl SyncProgress {
    /// The step as the one line the CLI prints too (`ProgressEvent::line`).
    pub fn from_event(target: SyncTarget, e: ProgressEvent) -> Self {
        SyncProgress {
            target,
            line: e.line(),
            fraction: e.fraction(),
            total: e.total(),
        }
    }
}

fn json_err(e: serde_json::Error) -> AppError {
    AppError::new(ErrorCode::Internal, e.to_string())
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, message)
}

impl Workspace {
    pub fn sync_connections(&self) -> Result<SyncConnections> {
        match self.store().meta(CONNECTIONS_KEY)? {
            Some(text) => serde_json::from_str(&text).map_err(json_err),
            None => Ok(SyncConnections::default()),
        }
    }

    /// Checks and stores the connection settings (trimmed, empty entries dropped), with one
    /// audit event per connection that changed (its settings before and after; tokens are
    /// never part of them).
    pub fn save_sync_connections(
        &self,
        c: &SyncConnections,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<SyncConnections> {
        let list = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let c = SyncConnections {
            jira: JiraConnection {
                url: c.jira.url.trim().trim_end_matches('/').to_string(),
                projects: list(&c.jira.projects),
                email: c
                    .jira
                    .email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_string),
            },
            github: GithubConnection {
                api_url: c.github.api_url.trim().trim_end_matches('/').to_string(),
                repos: list(&c.github.repos),
            },
        };
        if !c.jira.url.is_empty() {
            Origin::of("the Jira URL", &c.jira.url)?;
        }
        if !c.github.api_url.is_empty() {
            Origin::of("the GitHub API URL", &c.github.api_url)?;
        }
        if let Some(bad) = c.github.repos.iter().find(|r| r.split('/').count() != 2) {
            return Err(invalid(format!("{bad:?} is not owner/name")));
        }
        let text = serde_json::to_string(&c).map_err(json_err)?;
        let old = self.sync_connections()?;
        let changed: [(&str, Value, Value); 2] = [
            (
                "jira",
                serde_json::to_value(&old.jira).map_err(json_err)?,
                serde_json::to_value(&c.jira).map_err(json_err)?,
            ),
            (
                "github",
                serde_json::to_value(&old.github).map_err(json_err)?,
                serde_json::to_value(&c.github).map_err(json_err)?,
            ),
        ];
        self.store().transact(|tx| -> Result<()> {
            self.store().set_meta(CONNECTIONS_KEY, &text)?;
            for (target, before, after) in changed {
                if before != after {
                    audit(
                        tx,
                        clock,
                        actor,
                        "sync.connection",
                        "sync",
                        Some(target.to_string()),
                        Some(before),
                        Some(after),
                    )?;
                }
            }
            Ok(())
        })?;
        Ok(c)
    }

    /// Puts a token for `target` into the OS keyring, kept for the host of its saved
    /// connection, and records that one was stored for that origin (never the token).
    pub fn store_sync_token(
        &self,
        target: SyncTarget,
        token: String,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<()> {
        let origin = store_sync_token(&self.sync_connections()?, target, token)?;
        self.store().transact(|tx| -> Result<()> {
            audit(
                tx,
                clock,
                actor,
                "sync.token_stored",
                "sync",
                Some(target.source().to_string()),
                None,
                Some(serde_json::json!({"origin": origin.as_str()})),
            )?;
            Ok(())
        })
    }

    fn last_sync(&self, target: SyncTarget) -> Result<Option<LastSync>> {
        self.store()
            .meta(target.last_key())?
            .map(|t| serde_json::from_str(&t).map_err(json_err))
            .transpose()
    }

    pub fn record_last_sync(&self, target: SyncTarget, last: &LastSync) -> Result<()> {
        let text = serde_json::to_string(last).map_err(json_err)?;
        Ok(self.store().set_meta(target.last_key(), &text)?)
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        // A keyring that cannot be read counts as no token; syncing says why.
        // Whether a token is there for the host each connection names: a new URL asks for
        // the token again.
        let connections = self.sync_connections()?;
        Ok(SyncStatus {
            jira_token: has_token(TokenFor::Jira, "the Jira URL", &connections.jira.url),
            github_token: has_token(
                TokenFor::Github,
                "the GitHub API URL",
                &connections.github.api_url,
            ),
            connections,
            last_jira: self.last_sync(SyncTarget::Jira)?,
            last_github: self.last_sync(SyncTarget::Github)?,
        })
    }
}

/// Stores a token in the OS keyring for the host of the saved connection of `target`:
/// the window never names the host itself, so it cannot send a stored token elsewhere.
pub fn store_sync_token(
    connections: &SyncConnections,
    target: SyncTarget,
    token: String,
) -> Result<Origin> {
    let secret = Secret::new(token);
    let (what, url) = match target {
        SyncTarget::Jira => ("the Jira URL", &connections.jira.url),
        SyncTarget::Github => ("the GitHub API URL", &connections.github.api_url),
    };
    if url.trim().is_empty() {
        return Err(invalid(format!(
            "save {what} first: a token is kept for its host"
        )));
    }
    let origin = Origin::of(what, url)?;
    store_token(target.token(), &origin, &secret)?;
    Ok(origin)
}

impl SyncConnections {
    /// What is missing before `target` can sync, in words for the window; `None` when it
    /// is configured (a URL and at least one project or repository).
    pub fn missing(&self, target: SyncTarget) -> Option<&'static str> {
        match target {
            SyncTarget::Jira
                if self.jira.url.trim().is_empty() || self.jira.projects.is_empty() =>
            {
                Some("set the Jira URL and at least one project first")
            }
            SyncTarget::Github
                if self.github.api_url.trim().is_empty() || self.github.repos.is_empty() =>
            {
                Some("set the GitHub API URL and at least one repository first")
            }
            _ => None,
        }
    }
}

/// One sync run of the workspace at `path` with `connections`, on this thread: progress to
/// `progress`, stopped by `cancel`. Returns the one-line summary.
pub fn run_sync(
    path: &Path,
    connections: &SyncConnections,
    target: SyncTarget,
    clock: &dyn Clock,
    progress: Arc<dyn Fn(SyncProgress) + Send + Sync>,
    cancel: &Cancel,
) -> Result<String> {
    match target {
        SyncTarget::Jira => {
            let j = &connections.jira;
            if let Some(why) = connections.missing(target) {
                return Err(invalid(why));
            }
            let mut opts = JiraOptions::new(j.url.clone(), j.projects.clone());
            opts.email = j.email.clone();
            let sink = move |e: ProgressEvent| progress(SyncProgress::from_event(target, e));
            let s = sync_jira(path, &opts, None, clock, &sink, cancel)?;
            let parts: Vec<String> = s
                .projects
                .iter()
                .map(|p| format!("{}: {} versions, {} issues", p.key, p.versions, p.issues))
                .collect();
            Ok(format!("{} ({} requests)", parts.join("; "), s.requests))
        }
        SyncTarget::Github => {
            let g = &connections.github;
            if let Some(why) = connections.missing(target) {
                return Err(invalid(why));
            }
            let opts = GithubOptions::new(g.api_url.clone(), g.repos.clone());
            let sink = move |e: ProgressEvent| progress(SyncProgress::from_event(target, e));
            let s = sync_github(path, &opts, None, clock, &sink, cancel)?;
            Ok(format!(
                "{} repositories: {} releases, {} pull requests, {} deployments, {} incidents, {} runs ({} requests)",
                s.repositories,
                s.releases,
                s.pull_requests,
                s.deployments,
                s.incidents,
                s.pipeline_runs,
                s.requests
            ))
        }
    }
}

/// The syncs the window runs now, one at most per target, each with its cancel flag.
#[derive(Debug, Default)]
pub struct RunningSyncs(std::sync::Mutex<std::collections::HashMap<SyncTarget, Cancel>>);

impl RunningSyncs {
    fn lock(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, std::collections::HashMap<SyncTarget, Cancel>>> {
        self.0
            .lock()
            .map_err(|_| AppError::new(ErrorCode::Internal, "the sync lock was poisoned"))
    }

    /// Whether any sync is running (the workspace must not be switched under it).
    pub fn any(&self) -> Result<bool> {
        Ok(!self.lock()?.is_empty())
    }

    /// Asks the running sync of `target` to stop; `false` when none runs.
    pub fn cancel(&self, target: SyncTarget) -> Result<bool> {
        Ok(match self.lock()?.get(&target) {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        })
    }

    /// Refuses to switch workspaces while a sync runs: it writes through its own connection
    /// to the workspace shown, and would record its outcome in the wrong file.
    pub fn refuse_switch(&self) -> Result<()> {
        if self.any()? {
            return Err(invalid(
                "a sync is running: wait for it or cancel it before switching workspaces",
            ));
        }
        Ok(())
    }

    /// The window's sync: reads the connections of the workspace in `slot`, runs the sync
    /// (the slot is not held meanwhile: the sync writes through its own connection), and
    /// records the outcome as the Sync screen's "last sync" line.
    pub fn run_shown(
        &self,
        slot: &WorkspaceSlot,
        wait: Duration,
        target: SyncTarget,
        clock: &dyn Clock,
        progress: Arc<dyn Fn(SyncProgress) + Send + Sync>,
    ) -> Result<LastSync> {
        let (path, connections) = slot.with(wait, |ws| {
            Ok((ws.store().path().to_owned(), ws.sync_connections()?))
        })?;
        let (last, result) = self.run(&path, &connections, target, clock, progress)?;
        slot.with(wait, |ws| ws.record_last_sync(target, &last))?;
        result.map(|_| last)
    }

    /// Runs one sync of the workspace at `path` to its end, error or cancel, sending
    /// progress to `progress`: refused before anything is recorded when its connection is
    /// not configured or it already runs. Returns the outcome as the Sync screen's "last
    /// sync" line (to record in the workspace) and the sync's own result.
    pub fn run(
        &self,
        path: &Path,
        connections: &SyncConnections,
        target: SyncTarget,
        clock: &dyn Clock,
        progress: Arc<dyn Fn(SyncProgress) + Send + Sync>,
    ) -> Result<(LastSync, Result<String>)> {
        // Not configured is not a failed sync: refused before anything is recorded.
        if let Some(why) = connections.missing(target) {
            return Err(invalid(why));
        }
        let cancel = {
            let mut running = self.lock()?;
            if running.contains_key(&target) {
                return Err(invalid("this sync is already running"));
            }
            running.entry(target).or_default().clone()
        };
        let result = run_sync(path, connections, target, clock, progress, &cancel);
        self.lock()?.remove(&target);
        let last = LastSync {
            finished_at: clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ok: result.is_ok(),
            summary: match &result {
                Ok(s) => s.clone(),
                Err(e) => e.message.clone(),
            },
            error_code: result.as_ref().err().map(|e| e.code),
        };
        Ok((last, result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::test_keyring::process_keyring;

    fn clock() -> crate::FixedClock {
        crate::FixedClock("2026-03-01T12:00:00Z".parse().unwrap())
    }

    #[test]
    fn a_connection_change_and_a_stored_token_are_audited_without_the_token() {
        process_keyring();
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(&dir.path().join("w.sqlite3")).unwrap();
        let mut c = SyncConnections::default();
        c.jira.url = "https://audit-a.example".into();
        c.jira.projects = vec!["ABC".into()];
        ws.save_sync_connections(&c, &clock(), "pm").unwrap();
        // Saved again unchanged: no second event.
        ws.save_sync_connections(&c, &clock(), "pm").unwrap();
        ws.store_sync_token(SyncTarget::Jira, "tok-AUDIT-91c".into(), &clock(), "pm")
            .unwrap();
        let events = switchyard_store::recent_audit(ws.store().conn(), &["sync."], 10).unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["sync.token_stored", "sync.connection"]);
        let change = &events[1];
        assert_eq!(change.entity_id.as_deref(), Some("jira"));
        assert_eq!(change.before.as_ref().unwrap()["url"], "");
        assert_eq!(
            change.after.as_ref().unwrap()["url"],
            "https://audit-a.example"
        );
        assert_eq!(
            events[0].after.as_ref().unwrap()["origin"],
            "https://audit-a.example"
        );
        let log: String = ws
            .store()
            .conn()
            .query_row(
                "SELECT group_concat(coalesce(before, '') || coalesce(after, '')) FROM audit_events",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            !log.contains("tok-AUDIT-91c"),
            "the token is in the audit log"
        );
        assert_eq!(
            switchyard_store::check_audit(ws.store().conn())
                .unwrap()
                .broken,
            None
        );
    }

    #[test]
    fn a_token_belongs_to_the_saved_host_and_a_new_url_asks_for_it_again() {
        process_keyring();
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(&dir.path().join("w.sqlite3")).unwrap();
        let at = |url: &str| SyncConnections {
            jira: JiraConnection {
                url: url.into(),
                projects: vec!["ABC".into()],
                email: None,
            },
            github: GithubConnection::default(),
        };
        // No URL saved yet: no host to keep a token for.
        let e = store_sync_token(
            &ws.sync_connections().unwrap(),
            SyncTarget::Jira,
            "t".into(),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message.contains("save the Jira URL first"),
            "{}",
            e.message
        );

        let saved = ws
            .save_sync_connections(&at("https://tokens-a.example/jira"), &clock(), "tester")
            .unwrap();
        let _ = &saved;
        ws.store_sync_token(SyncTarget::Jira, "token-for-a".into(), &clock(), "tester")
            .unwrap();
        if std::env::var_os("SWITCHYARD_JIRA_TOKEN").is_none() {
            assert!(ws.sync_status().unwrap().jira_token);
            // Another host in the settings: the stored token does not follow it.
            ws.save_sync_connections(&at("https://tokens-b.example"), &clock(), "tester")
                .unwrap();
            assert!(!ws.sync_status().unwrap().jira_token);
            ws.save_sync_connections(&at("https://tokens-a.example"), &clock(), "tester")
                .unwrap();
            assert!(ws.sync_status().unwrap().jira_token);
        }
        // A URL that would leak a token is refused when saved, with nothing saved.
        let e = ws
            .save_sync_connections(&at("https://me:pw@tokens-a.example"), &clock(), "tester")
            .unwrap_err();
        assert!(e.message.contains("user or password"), "{}", e.message);
        assert!(!e.message.contains("pw@"), "{}", e.message);
        let e = ws
            .save_sync_connections(&at("http://tokens-a.example"), &clock(), "tester")
            .unwrap_err();
        assert!(e.message.contains("https://"), "{}", e.message);
        assert_eq!(
            ws.sync_connections().unwrap().jira.url,
            "https://tokens-a.example"
        );
    }
}
