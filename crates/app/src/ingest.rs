//! Ingesting deployments and incidents from files of other tools (`switchyard ingest`, the
//! Sync screen's import): a CSV file with a header row or NDJSON, one record a row. The whole
//! file is read and checked before anything is written; a bad row is `invalid_input` naming
//! its line and column, and nothing is written. The records keep their key with their
//! origin (source `import`, key `ORIGIN:KEY`), so the same file ingested again updates
//! rather than duplicates. One transaction and one `ingest.run` audit event per ingest that
//! changes something; a dry run counts what would be written and writes nothing.

use crate::audit::audit;
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;
use switchyard_core::ingest::{IngestCounts, IngestDeployment, IngestIncident};
use switchyard_core::{Outcome, Timestamp};
use ts_rs::TS;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IngestKind {
    Deployments,
    Incidents,
}

impl IngestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestKind::Deployments => "deployments",
            IngestKind::Incidents => "incidents",
        }
    }

    /// The columns a row must have, then those it may have.
    fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            IngestKind::Deployments => (
                &["service", "environment", "sha", "outcome", "time", "key"],
                &["ref", "creator", "url"],
            ),
            IngestKind::Incidents => (
                &["service", "key", "title", "created_at", "resolved_at"],
                &["severity", "url"],
            ),
        }
    }
}

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IngestFormat {
    Csv,
    Ndjson,
}

impl IngestFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestFormat::Csv => "csv",
            IngestFormat::Ndjson => "ndjson",
        }
    }

    /// By the file's extension: `.csv`, `.ndjson` or `.jsonl` (any case).
    pub fn of_path(path: &Path) -> Option<IngestFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(IngestFormat::Csv),
            "ndjson" | "jsonl" => Some(IngestFormat::Ndjson),
            _ => None,
        }
    }
}

/// One ingest, as the CLI or the window asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IngestRequest {
    pub kind: IngestKind,
    /// The file to read.
    pub path: String,
    /// None: by the file's extension.
    pub format: Option<IngestFormat>,
    /// The tool the file comes from (`jenkins`, `argocd`, `gitlab`, `pagerduty`): the
    /// origin its keys belong to.
    pub source: String,
    /// Refuse rows of services the workspace does not have instead of creating them.
    pub known_services_only: bool,
    /// Count what would be written, write nothing.
    pub dry_run: bool,
}

/// What an ingest wrote (or, dry, would write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IngestResult {
    pub kind: IngestKind,
    /// The file's name (without its folder).
    pub file: String,
    pub format: IngestFormat,
    /// Always `import`: where the records say they came from.
    pub source: switchyard_core::Source,
    /// The tool named by the request.
    pub origin: String,
    pub dry_run: bool,
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub new: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    /// Services the file named that the workspace did not have (created, or to be).
    pub services_created: Vec<String>,
}

/// A file larger than this is refused before it is read (a million rows is ~150 MB).
const MAX_BYTES: u64 = 512 * 1024 * 1024;

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, message)
}

/// The origin name: a lowercase word (`jenkins`, `argo-cd`, `pagerduty_eu`).
fn check_origin(s: &str) -> Result<String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= 40
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(s.to_string())
    } else if s.is_empty() {
        Err(invalid("name the tool the file comes from, e.g. jenkins or pagerduty").about("source"))
    } else {
        Err(invalid(format!(
            "{s:?} is not a source name: lowercase letters, digits, '-', '_' or '.', at most 40"
        ))
        .about("source"))
    }
}

/// One row as read: its line and its values by column.
struct Row {
    line: u64,
    values: HashMap<String, String>,
}

impl Row {
    fn err(&self, column: &str, why: impl std::fmt::Display) -> AppError {
        invalid(format!("line {}, column {column}: {why}", self.line))
    }

    /// A column's value, trimmed; None when absent or empty.
    fn opt(&self, column: &str) -> Option<String> {
        self.values
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    fn req(&self, column: &str) -> Result<String> {
        self.opt(column).ok_or_else(|| self.err(column, "is empty"))
    }

    fn time(&self, column: &str, value: &str) -> Result<Timestamp> {
        DateTime::parse_from_rfc3339(value)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                self.err(
                    column,
                    format!("{value:?} is not an RFC 3339 time like 2026-03-02T14:05:00Z ({e})"),
                )
            })
    }
}

fn check_header(kind: IngestKind, names: &[String], where_: &str) -> Result<()> {
    let (required, optional) = kind.columns();
    if let Some(n) = names
        .iter()
        .find(|n| !required.contains(&n.as_str()) && !optional.contains(&n.as_str()))
    {
        return Err(invalid(format!(
            "{where_}: {n:?} is not a column of {} (columns: {}; optional: {})",
            kind.as_str(),
            required.join(", "),
            optional.join(", ")
        )));
    }
    Ok(())
}

fn missing_columns(kind: IngestKind, present: &[String]) -> Vec<&'static str> {
    kind.columns()
        .0
        .iter()
        .copied()
        .filter(|c| !present.iter().any(|p| p == c))
        .collect()
}

fn read_csv(kind: IngestKind, bytes: &[u8]) -> Result<Vec<Row>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(invalid("line 1: the file has no header row"));
    }
    check_header(kind, &header, "line 1")?;
    if let Some(d) = header
        .iter()
        .enumerate()
        .find(|(i, h)| header[..*i].contains(h))
    {
        return Err(invalid(format!("line 1: column {:?} appears twice", d.1)));
    }
    let missing = missing_columns(kind, &header);
    if !missing.is_empty() {
        return Err(invalid(format!(
            "line 1: the header has no column {}",
            missing.join(", ")
        )));
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        let values = header
            .iter()
            .cloned()
            .zip(rec.iter().map(str::to_string))
            .collect();
        rows.push(Row { line, values });
    }
    Ok(rows)
}

fn csv_err(e: csv::Error) -> AppError {
    let line = e.position().map(|p| p.line());
    let why = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields, the header {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    match line {
        Some(l) => invalid(format!("line {l}: {why}")),
        None => invalid(why),
    }
}

fn read_ndjson(kind: IngestKind, text: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(raw)
            .map_err(|e| invalid(format!("line {line}: not JSON ({e})")))?;
        let serde_json::Value::Object(obj) = value else {
            return Err(invalid(format!("line {line}: not a JSON object")));
        };
        let names: Vec<String> = obj.keys().cloned().collect();
        check_header(kind, &names, &format!("line {line}"))?;
        let mut values = HashMap::new();
        for (k, v) in obj {
            let s = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(invalid(format!(
                        "line {line}, column {k}: a text, number or null, not a list or object"
                    )))
                }
            };
            values.insert(k, s);
        }
        // A missing optional column, or resolved_at, is empty; a missing required one is
        // named as such.
        let missing: Vec<&str> = missing_columns(kind, &values.keys().cloned().collect::<Vec<_>>())
            .into_iter()
            .filter(|c| *c != "resolved_at")
            .collect();
        if !missing.is_empty() {
            return Err(invalid(format!(
                "line {line}: the record has no {}",
                missing.join(", ")
            )));
        }
        rows.push(Row { line, values });
    }
    Ok(rows)
}

/// Every key once per file: a repeat would be written twice over one record.
fn check_keys<'a>(keys: impl Iterator<Item = (&'a str, u64)>) -> Result<()> {
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (k, line) in keys {
        if let Some(first) = seen.insert(k, line) {
            return Err(invalid(format!(
                "line {line}, column key: {k:?} is also the key of line {first}"
            )));
        }
    }
    Ok(())
}

fn deployments(rows: &[Row]) -> Result<Vec<IngestDeployment>> {
    let out = rows
        .iter()
        .map(|r| {
            let outcome = r.req("outcome")?;
            let outcome = match outcome.to_ascii_lowercase().as_str() {
                "success" => Outcome::Success,
                "failure" => Outcome::Failure,
                _ => {
                    return Err(r.err(
                        "outcome",
                        format!("{outcome:?} is not an outcome (expected success or failure)"),
                    ))
                }
            };
            let time = r.req("time")?;
            Ok(IngestDeployment {
                service: r.req("service")?,
                environment: r.req("environment")?,
                sha: r.req("sha")?,
                outcome,
                time: r.time("time", &time)?,
                key: r.req("key")?,
                git_ref: r.opt("ref"),
                creator: r.opt("creator"),
                url: r.opt("url"),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    check_keys(out.iter().zip(rows).map(|(d, r)| (d.key.as_str(), r.line)))?;
    Ok(out)
}

fn incidents(rows: &[Row]) -> Result<Vec<IngestIncident>> {
    let out = rows
        .iter()
        .map(|r| {
            let created = r.req("created_at")?;
            let created_at = r.time("created_at", &created)?;
            let resolved_at = match r.opt("resolved_at") {
                Some(s) => {
                    let t = r.time("resolved_at", &s)?;
                    if t < created_at {
                        return Err(r.err("resolved_at", "is before created_at"));
                    }
                    Some(t)
                }
                None => None,
            };
            Ok(IngestIncident {
                service: r.req("service")?,
                key: r.req("key")?,
                title: r.req("title")?,
                created_at,
                resolved_at,
                severity: r.opt("severity"),
                url: r.opt("url"),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    check_keys(out.iter().zip(rows).map(|(i, r)| (i.key.as_str(), r.line)))?;
    Ok(out)
}

/// A file's records, checked.
enum Parsed {
    Deployments(Vec<IngestDeployment>),
    Incidents(Vec<IngestIncident>),
}

impl Parsed {
    fn len(&self) -> usize {
        match self {
            Parsed::Deployments(v) => v.len(),
            Parsed::Incidents(v) => v.len(),
        }
    }

    /// Each row's service and line.
    fn services(&self, rows: &[Row]) -> Vec<(String, u64)> {
        let names: Vec<&String> = match self {
            Parsed::Deployments(v) => v.iter().map(|d| &d.service).collect(),
            Parsed::Incidents(v) => v.iter().map(|i| &i.service).collect(),
        };
        names
            .into_iter()
            .zip(rows)
            .map(|(n, r)| (n.clone(), r.line))
            .collect()
    }
}

/// Reads and checks the whole file of `req`.
fn parse(req: &IngestRequest, format: IngestFormat) -> Result<(Vec<Row>, Parsed)> {
    let path = Path::new(&req.path);
    let io = |e: std::io::Error| {
        AppError::new(
            ErrorCode::Io,
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_BYTES {
        return Err(invalid(format!(
            "{} is {len} bytes; an ingest file may have at most {MAX_BYTES}",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let rows = match format {
        IngestFormat::Csv => read_csv(req.kind, &bytes)?,
        IngestFormat::Ndjson => {
            let text = std::str::from_utf8(&bytes).map_err(|e| {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                invalid(format!("line {line}: the file is not UTF-8 text"))
            })?;
            read_ndjson(req.kind, text)?
        }
    };
    let parsed = match req.kind {
        IngestKind::Deployments => Parsed::Deployments(deployments(&rows)?),
        IngestKind::Incidents => Parsed::Incidents(incidents(&rows)?),
    };
    Ok((rows, parsed))
}

impl Workspace {
    /// Reads, checks and writes (unless `dry_run`) the file of `req`; see the module.
    pub fn ingest(&self, clock: &dyn Clock, req: &IngestRequest) -> Result<IngestResult> {
        let origin = check_origin(&req.source)?;
        let path = Path::new(&req.path);
        let format = match req.format.or_else(|| IngestFormat::of_path(path)) {
            Some(f) => f,
            None => {
                return Err(invalid(format!(
                "cannot tell the format of {} by its name: .csv, .ndjson or .jsonl, or say which",
                path.display()
            ))
                .about("format"))
            }
        };
        let (rows, parsed) = parse(req, format)?;
        let store = self.store();
        if req.known_services_only {
            let services = parsed.services(&rows);
            let names: Vec<&str> = services.iter().map(|(n, _)| n.as_str()).collect();
            let known = switchyard_store::ingest::service_ids(store.conn(), &names)?;
            if let Some((name, line)) = services.iter().find(|(n, _)| !known.contains_key(n)) {
                return Err(invalid(format!(
                    "line {line}, column service: {name:?} is not a service of the workspace, \
                     and only known services may be ingested"
                ))
                .about("known_services_only"));
            }
        }
        let settings = store.settings()?;
        let production = |env: &str| settings.is_production(false, env);
        let write = |tx: &switchyard_store::Transaction<'_>| -> Result<IngestCounts> {
            Ok(match &parsed {
                Parsed::Deployments(v) => {
                    switchyard_store::ingest::ingest_deployments(tx, &origin, v, &production)?
                }
                Parsed::Incidents(v) => switchyard_store::ingest::ingest_incidents(tx, &origin, v)?,
            })
        };
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| req.path.clone());
        let result = |c: IngestCounts| IngestResult {
            kind: req.kind,
            file: file.clone(),
            format,
            source: switchyard_core::Source::Import,
            origin: origin.clone(),
            dry_run: req.dry_run,
            rows: parsed.len() as u64,
            new: c.new,
            updated: c.updated,
            unchanged: c.unchanged,
            services_created: c.services_created,
        };
        if req.dry_run {
            // The same writes in a transaction that is rolled back: the counts are those a
            // real ingest would give.
            let tx = store.begin()?;
            let counts = write(&tx)?;
            drop(tx);
            return Ok(result(counts));
        }
        let out = store.transact(|tx| -> Result<IngestResult> {
            let counts = write(tx)?;
            let out = result(counts);
            // An ingest that changes nothing writes nothing, not even its event.
            if out.new + out.updated > 0 || !out.services_created.is_empty() {
                let event = json!({
                    "file": out.file,
                    "kind": out.kind,
                    "format": out.format,
                    "source": out.source,
                    "origin": out.origin,
                    "rows": out.rows,
                    "new": out.new,
                    "updated": out.updated,
                    "unchanged": out.unchanged,
                    "services_created": out.services_created,
                });
                audit(
                    tx,
                    clock,
                    &crate::workspace::actor(),
                    "ingest.run",
                    req.kind.as_str(),
                    Some(origin.clone()),
                    None,
                    Some(event),
                )?;
            }
            Ok(out)
        })?;
        if out.new + out.updated > 0 {
            crate::dora::link_after_sync(store);
        }
        Ok(out)
    }
}
