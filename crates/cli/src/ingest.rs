//! `switchyard ingest deployments|incidents FILE`: records from files of other tools.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use switchyard_app::ingest::{IngestFormat, IngestKind, IngestRequest, IngestResult};
use switchyard_app::{AppError, ErrorCode, SystemClock};

#[derive(Subcommand)]
pub enum IngestTarget {
    /// Deployments: service, environment, sha, outcome, time, key (ref, creator, url).
    Deployments(IngestArgs),
    /// Incidents: service, key, title, created_at, resolved_at (severity, url).
    Incidents(IngestArgs),
}

#[derive(Args)]
pub struct IngestArgs {
    /// A CSV file with a header row, or NDJSON (one JSON object a line).
    file: PathBuf,
    /// The tool the file comes from (jenkins, argocd, gitlab, pagerduty): its keys are that
    /// tool's, so the same file ingested again updates rather than duplicates.
    #[arg(long, value_name = "NAME")]
    source: String,
    /// The file's format; default: by its extension (.csv, .ndjson, .jsonl).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Print what would be written; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Refuse rows of services the workspace does not have, instead of creating them.
    #[arg(long)]
    known_services_only: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Ndjson,
}

pub fn run(db: Option<PathBuf>, target: IngestTarget) -> Result<(), AppError> {
    let (kind, a) = match target {
        IngestTarget::Deployments(a) => (IngestKind::Deployments, a),
        IngestTarget::Incidents(a) => (IngestKind::Incidents, a),
    };
    let ws = crate::open(db)?;
    let req = IngestRequest {
        kind,
        path: a.file.to_string_lossy().into_owned(),
        format: a.format.map(|f| match f {
            FormatArg::Csv => IngestFormat::Csv,
            FormatArg::Ndjson => IngestFormat::Ndjson,
        }),
        source: a.source,
        known_services_only: a.known_services_only,
        dry_run: a.dry_run,
    };
    let r = ws.ingest(&SystemClock, &req)?;
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&r)
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        s.push('\n');
        s
    } else {
        summary(&r)
    };
    crate::dora::print(&text)
}

/// The readable line(s) of an ingest.
pub fn summary(r: &IngestResult) -> String {
    let what = r.kind.as_str();
    let head = if r.dry_run {
        format!(
            "Dry run of {} ({} {what} from {}): would write {} new, {} updated; {} unchanged. Nothing was written.\n",
            r.file.escape_debug(), r.rows, r.origin, r.new, r.updated, r.unchanged
        )
    } else {
        format!(
            "Ingested {} ({} {what} from {}): {} new, {} updated, {} unchanged.\n",
            r.file.escape_debug(),
            r.rows,
            r.origin,
            r.new,
            r.updated,
            r.unchanged
        )
    };
    let mut out = head;
    if !r.services_created.is_empty() {
        out.push_str(&format!(
            "{} {} service(s): {}\n",
            if r.dry_run { "Would create" } else { "Created" },
            r.services_created.len(),
            // Names from the file are quoted and escaped: a control character in one cannot
            // reach the terminal.
            r.services_created
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}
