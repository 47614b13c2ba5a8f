//! `switchyard report`, `notes`, `calendar` and `evidence`: reports and exports for
//! leadership (docs/cli.md).

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use switchyard_app::report::leadership::ReportScope;
use switchyard_app::reports::{default_period, CsvKind, ReportFormat};
use switchyard_app::{write_atomically, AppError, ErrorCode, SystemClock};

#[derive(Subcommand)]
pub enum ReportsCommand {
    /// Reports for leadership and release reviews, and CSV exports.
    Report {
        #[command(subcommand)]
        what: ReportKind,
    },
    /// Release notes in Markdown from a release's changes.
    Notes {
        /// A release id, name or version.
        release: String,
        #[arg(long, value_enum, default_value = "md")]
        format: NotesFormat,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The release calendar (releases, milestones, freeze windows) as iCalendar.
    Calendar {
        #[arg(long, value_enum, default_value = "ics")]
        format: CalendarFormat,
        /// Only events on or after this day.
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Only events on or before this day.
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// A release's audit evidence pack: one zip with the report, change record, approvals,
    /// decision, linked changes and checks as JSON, and a SHA-256 manifest.
    Evidence {
        /// A release id, name or version.
        release: String,
        #[arg(long, value_name = "FILE.zip")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ReportKind {
    /// The leadership report of a period (both days included): summary, headline metrics,
    /// the releases due in the next 30 days, each team's (or service's) metrics, trends,
    /// delivery, incidents, CI, audit evidence, and how the numbers are computed.
    Leadership {
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        #[arg(long, value_enum)]
        format: DocFormat,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Write here (required for pdf); standard output otherwise.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// One release's readiness report.
    Release {
        /// A release id, name or version.
        release: String,
        #[arg(long, value_enum)]
        format: DocFormat,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// CSV (RFC 4180, formula-safe) of the releases, of the DORA metric series, or of the
    /// releases due in the 30 days after the period (the leadership report's ahead list).
    Csv {
        #[arg(long, value_enum)]
        kind: CsvArg,
        /// Period of the metric series (default: the last 90 days); the ahead list starts
        /// after its end (or today).
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        /// The metric series or ahead list of a team or a service.
        #[command(flatten)]
        scope: ScopeArgs,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// A team's services or one service instead of the whole organisation.
#[derive(Args)]
pub struct ScopeArgs {
    /// Only the services this team owns.
    #[arg(long, value_name = "NAME", conflicts_with = "service")]
    team: Option<String>,
    /// Only this service.
    #[arg(long, value_name = "NAME")]
    service: Option<String>,
}

impl ScopeArgs {
    fn report(self) -> ReportScope {
        match (self.team, self.service) {
            (Some(t), _) => ReportScope::Team(t),
            (None, Some(s)) => ReportScope::Service(s),
            (None, None) => ReportScope::Organisation,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DocFormat {
    Html,
    Pdf,
    Md,
}

impl DocFormat {
    fn app(self) -> ReportFormat {
        match self {
            DocFormat::Html => ReportFormat::Html,
            DocFormat::Pdf => ReportFormat::Pdf,
            DocFormat::Md => ReportFormat::Markdown,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum NotesFormat {
    Md,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CalendarFormat {
    Ics,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CsvArg {
    Releases,
    Metrics,
    Ahead,
}

/// Writes to `out` atomically, or to standard output (text only).
fn emit(out: Option<PathBuf>, bytes: &[u8], binary: bool) -> Result<(), AppError> {
    match out {
        Some(path) => write_atomically(&path, bytes),
        None if binary => Err(AppError::new(
            ErrorCode::InvalidInput,
            "this format is binary: pass --out FILE",
        )),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(AppError::new(ErrorCode::Io, e.to_string()))
                }
                _ => Ok(()),
            }
        }
    }
}

fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
    let (f, t) = default_period(&SystemClock);
    (from.unwrap_or(f), to.unwrap_or(t))
}

pub fn run(db: Option<PathBuf>, cmd: ReportsCommand) -> Result<(), AppError> {
    let ws = crate::open(db)?;
    let clock = SystemClock;
    match cmd {
        ReportsCommand::Report { what } => match what {
            ReportKind::Leadership {
                from,
                to,
                format,
                scope,
                out,
            } => {
                let (from, to) = period(from, to);
                let bytes =
                    ws.leadership_report(&clock, from, to, &scope.report(), format.app())?;
                emit(out, &bytes, matches!(format, DocFormat::Pdf))
            }
            ReportKind::Release {
                release,
                format,
                out,
            } => {
                let bytes = ws.release_report(&clock, &release, format.app())?;
                emit(out, &bytes, matches!(format, DocFormat::Pdf))
            }
            ReportKind::Csv {
                kind,
                from,
                to,
                scope,
                out,
            } => {
                let (from, to) = period(from, to);
                let kind = match kind {
                    CsvArg::Releases => CsvKind::Releases,
                    CsvArg::Metrics => CsvKind::Metrics,
                    CsvArg::Ahead => CsvKind::Ahead,
                };
                let text = ws.export_csv(&clock, kind, from, to, &scope.report())?;
                emit(out, text.as_bytes(), false)
            }
        },
        ReportsCommand::Notes {
            release,
            format: NotesFormat::Md,
            out,
        } => emit(out, ws.release_notes(&release)?.as_bytes(), false),
        ReportsCommand::Calendar {
            format: CalendarFormat::Ics,
            from,
            to,
            out,
        } => emit(out, ws.calendar_ics(&clock, from, to)?.as_bytes(), false),
        ReportsCommand::Evidence { release, out } => {
            let bytes = ws.evidence_pack(&clock, &release)?;
            emit(Some(out), &bytes, true)
        }
    }
}
