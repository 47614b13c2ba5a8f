//! Exports the window saves as files: the reports and exports of `reports.rs`, written into
//! a directory (the user's download directory) under a name made only of fixed words,
//! dates and numeric ids, never of synced text, and never over an existing file.

use crate::reports::{CsvKind, ReportFormat};
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use switchyard_report::leadership::ReportScope;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    Html,
    Pdf,
    Markdown,
}

impl DocumentFormat {
    fn report(self) -> ReportFormat {
        match self {
            DocumentFormat::Html => ReportFormat::Html,
            DocumentFormat::Pdf => ReportFormat::Pdf,
            DocumentFormat::Markdown => ReportFormat::Markdown,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            DocumentFormat::Html => "html",
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Markdown => "md",
        }
    }
}

/// Which part of the organisation a period export covers (the Metrics screen's scope).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportScope {
    #[default]
    Organisation,
    Team {
        name: String,
    },
    Service {
        name: String,
    },
}

impl ExportScope {
    pub fn report(&self) -> ReportScope {
        match self {
            ExportScope::Organisation => ReportScope::Organisation,
            ExportScope::Team { name } => ReportScope::Team(name.clone()),
            ExportScope::Service { name } => ReportScope::Service(name.clone()),
        }
    }

    /// A fixed word for file names: never the team's or service's own name.
    fn word(&self) -> &'static str {
        match self {
            ExportScope::Organisation => "",
            ExportScope::Team { .. } => "-team",
            ExportScope::Service { .. } => "-service",
        }
    }
}

/// What to export. Releases are named by id only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportRequest {
    Leadership {
        from: NaiveDate,
        to: NaiveDate,
        format: DocumentFormat,
        #[serde(default)]
        scope: ExportScope,
    },
    ReleaseReport {
        #[ts(type = "number")]
        release: i64,
        format: DocumentFormat,
    },
    ReleaseNotes {
        #[ts(type = "number")]
        release: i64,
    },
    EvidencePack {
        #[ts(type = "number")]
        release: i64,
    },
    CalendarIcs,
    ReleasesCsv,
    MetricsCsv {
        from: NaiveDate,
        to: NaiveDate,
        #[serde(default)]
        scope: ExportScope,
    },
    /// The leadership report's ahead list: the releases due in the 30 days after `to` (or
    /// today), those needing attention first with the reasons.
    AheadCsv {
        from: NaiveDate,
        to: NaiveDate,
        #[serde(default)]
        scope: ExportScope,
    },
}

/// A file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedFile {
    pub path: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// `path` when it names a file that Switchyard saved into `dir` (a file directly in that
/// folder, after resolving links); anything else is refused, so the window can ask to show
/// its exports and nothing more.
pub fn saved_file_in(dir: &Path, path: &str) -> Result<PathBuf> {
    let refuse = || {
        AppError::new(
            ErrorCode::InvalidInput,
            "only a file saved by the export dialog can be shown",
        )
    };
    let file = std::fs::canonicalize(path).map_err(|_| refuse())?;
    let dir = std::fs::canonicalize(dir).map_err(|_| refuse())?;
    if file.parent() != Some(dir.as_path()) || !file.is_file() {
        return Err(refuse());
    }
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !name.starts_with("switchyard-") {
        return Err(refuse());
    }
    Ok(file)
}

/// The user's download directory, else documents, else `~/Downloads`.
pub fn default_export_dir() -> Result<PathBuf> {
    dirs::download_dir()
        .or_else(dirs::document_dir)
        .or_else(|| dirs::home_dir().map(|h| h.join("Downloads")))
        .ok_or_else(|| AppError::new(ErrorCode::Io, "no download, document or home directory"))
}

impl ExportRequest {
    /// The file name before de-duplication: fixed words, dates and ids only.
    pub fn file_name(&self) -> String {
        match self {
            ExportRequest::Leadership {
                from,
                to,
                format,
                scope,
            } => {
                format!(
                    "switchyard-leadership{}-{from}-to-{to}.{}",
                    scope.word(),
                    format.extension()
                )
            }
            ExportRequest::ReleaseReport { release, format } => {
                format!(
                    "switchyard-release-{release}-readiness.{}",
                    format.extension()
                )
            }
            ExportRequest::ReleaseNotes { release } => {
                format!("switchyard-release-{release}-notes.md")
            }
            ExportRequest::EvidencePack { release } => {
                format!("switchyard-release-{release}-evidence.zip")
            }
            ExportRequest::CalendarIcs => "switchyard-calendar.ics".into(),
            ExportRequest::ReleasesCsv => "switchyard-releases.csv".into(),
            ExportRequest::AheadCsv { to, scope, .. } => {
                format!("switchyard-ahead{}-after-{to}.csv", scope.word())
            }
            ExportRequest::MetricsCsv { from, to, scope } => {
                format!("switchyard-metrics{}-{from}-to-{to}.csv", scope.word())
            }
        }
    }
}

/// Creates `dir/name`, or `dir/stem-2.ext`, `-3`, ... when taken (never overwrites), and
/// writes `bytes` into it.
pub fn write_new_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let io = |path: &Path, e: std::io::Error| {
        AppError::new(
            ErrorCode::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let (stem, ext) = match name.find('.') {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    for n in 1..1000 {
        let candidate = if n == 1 {
            dir.join(name)
        } else {
            dir.join(format!("{stem}-{n}{ext}"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut f) => {
                if let Err(e) = f.write_all(bytes).and_then(|_| f.sync_all()) {
                    drop(f);
                    let _ = std::fs::remove_file(&candidate);
                    return Err(io(&candidate, e));
                }
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(&candidate, e)),
        }
    }
    Err(AppError::new(
        ErrorCode::Io,
        format!("{} has 999 files named like {name}", dir.display()),
    ))
}

impl Workspace {
    /// The bytes of an export.
    pub fn export_bytes(&self, clock: &dyn Clock, req: &ExportRequest) -> Result<Vec<u8>> {
        Ok(match req {
            ExportRequest::Leadership {
                from,
                to,
                format,
                scope,
            } => self.leadership_report(clock, *from, *to, &scope.report(), format.report())?,
            ExportRequest::ReleaseReport { release, format } => {
                self.release_report(clock, &release.to_string(), format.report())?
            }
            ExportRequest::ReleaseNotes { release } => {
                self.release_notes(&release.to_string())?.into_bytes()
            }
            ExportRequest::EvidencePack { release } => {
                self.evidence_pack(clock, &release.to_string())?
            }
            ExportRequest::CalendarIcs => self.calendar_ics(clock, None, None)?.into_bytes(),
            ExportRequest::ReleasesCsv => {
                let today = clock.today();
                self.export_csv(
                    clock,
                    CsvKind::Releases,
                    today,
                    today,
                    &ReportScope::Organisation,
                )?
                .into_bytes()
            }
            ExportRequest::MetricsCsv { from, to, scope } => self
                .export_csv(clock, CsvKind::Metrics, *from, *to, &scope.report())?
                .into_bytes(),
            ExportRequest::AheadCsv { from, to, scope } => self
                .export_csv(clock, CsvKind::Ahead, *from, *to, &scope.report())?
                .into_bytes(),
        })
    }

    /// Writes an export into `dir` under a new, safe name.
    pub fn save_export(
        &self,
        clock: &dyn Clock,
        req: &ExportRequest,
        dir: &Path,
    ) -> Result<SavedFile> {
        let bytes = self.export_bytes(clock, req)?;
        let path = write_new_file(dir, &req.file_name(), &bytes)?;
        Ok(SavedFile {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
            bytes: bytes.len() as u64,
        })
    }
}
