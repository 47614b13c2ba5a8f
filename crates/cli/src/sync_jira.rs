//! `switchyard sync jira ...` and `switchyard auth jira|github`.

use clap::{Args, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::sync::Mutex;
use switchyard_app::jira::{sync_jira, Cancel, JiraOptions, ProgressEvent};
use switchyard_app::secrets::{store_token, Origin, Secret, TokenFor};
use switchyard_app::{AppError, ErrorCode, SystemClock};

#[derive(Subcommand)]
pub enum SyncTarget {
    /// Jira Cloud (REST v3) or Data Center (REST v2); token from SWITCHYARD_JIRA_TOKEN or
    /// the keyring (`switchyard auth jira --url URL`).
    Jira(JiraArgs),
    /// GitHub or GitHub Enterprise; token from SWITCHYARD_GITHUB_TOKEN, GITHUB_TOKEN (for
    /// api.github.com only, with a warning) or the keyring (`switchyard auth github`).
    Github(crate::sync_github::GithubArgs),
}

#[derive(Args)]
pub struct JiraArgs {
    /// The site, e.g. https://example.atlassian.net or https://jira.example.com/jira.
    #[arg(long, value_name = "URL")]
    url: String,
    /// A project key; repeat for more.
    #[arg(long = "project", value_name = "KEY", required = true)]
    projects: Vec<String>,
    /// Your account's email (Jira Cloud: basic auth with an API token). Without it the token
    /// is sent as a bearer token (a Data Center personal access token).
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// Read everything again, and mark issues that are gone from Jira.
    #[arg(long)]
    full: bool,
    /// The issue link type (name or id) meaning "blocks"; repeatable. Default: any type
    /// whose outward description is "blocks".
    #[arg(long = "link-type", value_name = "NAME")]
    link_types: Vec<String>,
    /// Issues with this label are incidents (as are those of type Incident).
    #[arg(long, value_name = "LABEL", default_value = "incident")]
    incident_label: String,
    /// Issues per search page (1..5000).
    #[arg(long, default_value_t = 100, hide = true)]
    page_size: u32,
    /// The longest one wait for Jira's rate limit may be (Retry-After, X-RateLimit-Reset),
    /// in seconds; a longer ask is waited this long and tried again.
    #[arg(long, value_name = "SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    max_wait: u64,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuthTarget {
    Jira,
    Github,
}

/// Reads a token on stdin and stores it in the OS keyring for the origin of `url`.
pub fn auth(target: AuthTarget, url: Option<String>) -> Result<(), AppError> {
    let (which, name, what) = match target {
        AuthTarget::Jira => (TokenFor::Jira, "Jira", "the Jira URL"),
        AuthTarget::Github => (TokenFor::Github, "GitHub", "the GitHub API URL"),
    };
    let url = match (url, target) {
        (Some(u), _) => u,
        (None, AuthTarget::Github) => "https://api.github.com".to_owned(),
        (None, AuthTarget::Jira) => {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                "name the Jira site the token is for (--url https://example.atlassian.net)",
            ))
        }
    };
    // Before the token is read: a bad URL costs nothing.
    let origin = Origin::of(what, &url).map_err(|e| e.about("url"))?;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| {
        AppError::new(
            ErrorCode::Io,
            format!("cannot read the token on stdin: {e}"),
        )
    })?;
    let token = Secret::new(text.trim().to_owned());
    drop(text);
    store_token(which, &origin, &token)?;
    println!("Stored the {name} token for {origin} in the OS keyring.");
    Ok(())
}

/// A one-line progress display on stderr, only when stderr is a terminal: the line of
/// `ProgressEvent::line`, the one the window shows.
pub(crate) struct Bar {
    on: bool,
    last: Mutex<String>,
}

impl Bar {
    pub(crate) fn new() -> Self {
        Bar {
            on: std::io::stderr().is_terminal(),
            last: Mutex::new(String::new()),
        }
    }

    pub(crate) fn show(&self, e: ProgressEvent) {
        if !self.on {
            return;
        }
        let line = e.line();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let pad = last.chars().count().saturating_sub(line.chars().count());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}{}", " ".repeat(pad));
        let _ = err.flush();
        *last = line;
    }

    pub(crate) fn clear(&self) {
        if self.on {
            let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            let _ = write!(
                std::io::stderr(),
                "\r{}\r",
                " ".repeat(last.chars().count())
            );
        }
    }
}

pub fn run(db: &Path, target: SyncTarget) -> Result<(), AppError> {
    let a = match target {
        SyncTarget::Jira(a) => a,
        SyncTarget::Github(g) => return crate::sync_github::run(db, g),
    };
    let mut opts = JiraOptions::new(a.url, a.projects);
    opts.email = a.email;
    opts.full = a.full;
    opts.blocking_link_types = a.link_types;
    opts.incident_label = a.incident_label;
    opts.page_size = a.page_size.clamp(1, 5000);
    opts.retry.max_wait = std::time::Duration::from_secs(a.max_wait);
    let bar = Bar::new();
    let sink = |e: ProgressEvent| bar.show(e);
    let result = sync_jira(db, &opts, None, &SystemClock, &sink, &Cancel::default());
    bar.clear();
    let s = result?;
    let kind = match s.deployment {
        switchyard_app::jira::Deployment::Cloud => "Jira Cloud",
        switchyard_app::jira::Deployment::DataCenter => "Jira Data Center",
    };
    for p in &s.projects {
        println!(
            "Synced {} from {kind}: {} versions, {} issues in {} pages{}{}.",
            p.key,
            p.versions,
            p.issues,
            p.pages,
            if p.resumed { " (resumed)" } else { "" },
            if p.vanished > 0 {
                format!(", {} gone from Jira", p.vanished)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}
