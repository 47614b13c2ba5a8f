//! `switchyard`: the headless command line (docs/cli.md). Exit status 0 on success, 2 on a
//! usage error, 1 on any other failure with one `error[CODE]: message` line on stderr.

#[cfg(test)]
mod docs_test;
mod dora;
mod ingest;
mod people;
mod plan;
mod report;
mod review;
mod sync_github;
mod sync_jira;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use switchyard_app::{
    default_workspace_path, write_atomically, AppError, DemoOutcome, ErrorCode, SystemClock,
    Workspace,
};

#[derive(Parser)]
#[command(
    name = "switchyard",
    version,
    about = "Plan release trains, run readiness reviews and go/no-go decisions, offline."
)]
struct Cli {
    /// The workspace file (default: switchyard.sqlite3 in the OS data dir).
    #[arg(long, global = true, env = "SWITCHYARD_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The demo organisation.
    Demo {
        #[command(subcommand)]
        action: DemoAction,
    },
    /// Write the whole workspace as one document.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Load an export document into an empty workspace.
    Import {
        #[arg(long, value_enum)]
        format: Format,
        file: PathBuf,
    },
    /// Release trains: add one, generate its calendar.
    Train {
        #[command(subcommand)]
        action: plan::TrainAction,
    },
    /// Releases: add one, move one (a preview of every dependent unless --apply).
    Release {
        #[command(subcommand)]
        action: plan::ReleaseAction,
    },
    /// Dependencies between releases, services or work items.
    Dep {
        #[command(subcommand)]
        action: plan::DepAction,
    },
    /// Freeze windows.
    Freeze {
        #[command(subcommand)]
        action: plan::FreezeAction,
    },
    /// Holidays.
    Holiday {
        #[command(subcommand)]
        action: plan::HolidayAction,
    },
    /// The plan: conflicts, dependency order, critical paths.
    Plan {
        #[command(subcommand)]
        action: plan::PlanAction,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: plan::AuditAction,
    },
    /// Bring Jira (or GitHub) into the workspace.
    Sync {
        #[command(subcommand)]
        target: sync_jira::SyncTarget,
    },
    /// Deployments or incidents from a file of another tool (CSV or NDJSON).
    Ingest {
        #[command(subcommand)]
        target: ingest::IngestTarget,
    },
    /// Read a token on stdin and store it in the OS keyring, for one host only.
    Auth {
        #[arg(value_enum)]
        target: sync_jira::AuthTarget,
        /// The site the token is for, as `sync --url` gives it (the token is sent to this
        /// scheme, host and port only). Default for github: https://api.github.com.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// The workspace's roster: people, their roles, GitHub logins and Jira identities.
    People {
        #[command(subcommand)]
        action: people::PeopleAction,
    },
    /// Risk, readiness, go/no-go, hotfixes, change records, post-release reviews.
    #[command(flatten)]
    Governance(review::ReviewCommand),
    /// DORA metrics, pipeline health, charts and workspace settings.
    #[command(flatten)]
    Metrics(dora::MetricsCommand),
    /// Reports for leadership (HTML, PDF, Markdown), release notes, calendar, CSV, evidence.
    #[command(flatten)]
    Reports(report::ReportsCommand),
    /// Regenerate or check the UI's TypeScript bindings (for developers).
    #[command(hide = true)]
    Bindings {
        /// Fail when the committed bindings differ from the Rust types.
        #[arg(long)]
        check: bool,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DemoAction {
    /// Fill the workspace with the demo organisation (once; again changes nothing).
    Load,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // The HTTP layers never log below info, whatever RUST_LOG says (ureq-proto hex-dumps
    // whole requests, Authorization included, at trace).
    let filter = switchyard_app::jira::HTTP_LOG_CAPS.iter().fold(
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        |f, cap| f.add_directive(cap.parse().expect("a directive")),
    );
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The message speaks of the product; the command line adds its flag.
            let hint = match e.field.as_deref() {
                Some("jira_token") => " (switchyard auth jira --url URL)".to_string(),
                Some("github_token") => " (switchyard auth github)".to_string(),
                Some(field) => format!(" (--{})", field.replace('_', "-")),
                None => String::new(),
            };
            eprintln!("error[{}]: {}{hint}", e.code.as_str(), e.message);
            ExitCode::from(1)
        }
    }
}

fn open(db: Option<PathBuf>) -> Result<Workspace, AppError> {
    Workspace::open(&workspace_path(db)?)
}

/// `--db`, else the default workspace (its folder created).
fn workspace_path(db: Option<PathBuf>) -> Result<PathBuf, AppError> {
    Ok(match db {
        Some(p) => p,
        None => {
            let p = default_workspace_path()?;
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    AppError::new(
                        ErrorCode::Io,
                        format!("cannot create {}: {e}", dir.display()),
                    )
                })?;
            }
            p
        }
    })
}

fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Demo {
            action: DemoAction::Load,
        } => {
            let mut ws = open(cli.db)?;
            let outcome = ws.load_demo(&SystemClock)?;
            let c = ws.info()?.counts;
            match outcome {
                DemoOutcome::Loaded => println!(
                    "Loaded the demo organisation: {} teams, {} services, {} trains, {} releases, {} deployments, {} incidents.",
                    c.teams, c.services, c.trains, c.releases, c.deployments, c.incidents
                ),
                DemoOutcome::AlreadyLoaded => {
                    println!("The demo organisation is already loaded; nothing changed.")
                }
            }
        }
        Command::Export {
            format: Format::Json,
            out,
        } => {
            let ws = open(cli.db)?;
            let text = ws.export_json()?;
            match out {
                Some(path) => write_atomically(&path, text.as_bytes())?,
                None => {
                    let mut stdout = std::io::stdout().lock();
                    // A closed pipe (`| head`) is not an error worth a message.
                    if let Err(e) = stdout
                        .write_all(text.as_bytes())
                        .and_then(|_| stdout.flush())
                    {
                        if e.kind() != std::io::ErrorKind::BrokenPipe {
                            return Err(AppError::new(ErrorCode::Io, e.to_string()));
                        }
                    }
                }
            }
        }
        Command::Import {
            format: Format::Json,
            file,
        } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                AppError::new(
                    ErrorCode::Io,
                    format!("cannot read {}: {e}", file.display()),
                )
            })?;
            let ws = Workspace::import_into(&workspace_path(cli.db)?, &text)?;
            let c = ws.info()?.counts;
            println!(
                "Imported {}: {} releases, {} services, {} deployments.",
                file.display(),
                c.releases,
                c.services,
                c.deployments
            );
            // An imported plan is taken as it is, cycles and freeze breaches included; the
            // person importing hears of them at once.
            let report = ws.plan_check()?;
            if report.count > 0 {
                for c in &report.conflicts {
                    eprintln!(
                        "warning[{}]: {}",
                        serde_json::json!(c.kind).as_str().unwrap_or("conflict"),
                        c.message
                    );
                }
                eprintln!(
                    "The imported plan has {} conflict(s): `switchyard plan check` lists them.",
                    report.count
                );
            }
        }
        Command::Train { action } => plan::train(cli.db, action)?,
        Command::Release { action } => plan::release(cli.db, action)?,
        Command::Dep { action } => plan::dep(cli.db, action)?,
        Command::Freeze { action } => plan::freeze(cli.db, action)?,
        Command::Holiday { action } => plan::holiday(cli.db, action)?,
        Command::Plan { action } => plan::plan(cli.db, action)?,
        Command::Audit { action } => plan::audit(cli.db, action)?,
        Command::Sync { target } => {
            let ws = open(cli.db)?;
            let path = ws.store().path().to_owned();
            drop(ws);
            sync_jira::run(&path, target)?;
        }
        Command::Ingest { target } => ingest::run(cli.db, target)?,
        Command::Auth { target, url } => sync_jira::auth(target, url)?,
        Command::People { action } => people::run(cli.db, action)?,
        Command::Governance(command) => review::run(cli.db, command)?,
        Command::Metrics(command) => dora::run(cli.db, command)?,
        Command::Reports(command) => report::run(cli.db, command)?,
        Command::Bindings { check, dir } => {
            let dir = dir.unwrap_or_else(switchyard_app::default_bindings_dir);
            if check {
                let stale = switchyard_app::check_bindings(&dir);
                if !stale.is_empty() {
                    return Err(AppError::new(
                        ErrorCode::InvalidInput,
                        format!(
                            "stale TypeScript bindings ({}); run `./dev bindings`",
                            stale.join(", ")
                        ),
                    ));
                }
                println!("bindings in {} are up to date", dir.display());
            } else {
                let n = switchyard_app::write_bindings(&dir)?;
                println!("wrote {n} bindings to {}", dir.display());
            }
        }
    }
    Ok(())
}
