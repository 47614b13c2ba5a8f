//! The audit evidence pack of one release: a zip (deflate) with the release readiness
//! report (HTML and Markdown), the change records, approvals, go/no-go decisions, linked
//! changes and checks as JSON, the audit events about the release, and a manifest of the
//! SHA-256 digests of every file (`manifest.json`, and `SHA256SUMS` for `sha256sum -c`).
//!
//! The pack is deterministic: the same workspace and time give the same bytes (files in a
//! fixed order, every entry stamped with the generation time).

use crate::leadership::{ReportError, Result};
use crate::release::ReleaseReport;
use chrono::{Datelike, Timelike};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};
use switchyard_core::{Document, Timestamp};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s.into_bytes()
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The files of the pack, in order: name and contents.
pub fn files(doc: &Document, report: &ReleaseReport) -> Vec<(String, Vec<u8>)> {
    let r = &report.release;
    let rd = report.to_doc();
    let release_keys: Vec<String> = vec![r.id.to_string()];
    let audit: Vec<Value> = doc
        .audit_events
        .iter()
        .filter(|e| {
            (e.entity == "release"
                && e.entity_id
                    .as_ref()
                    .is_some_and(|i| release_keys.contains(i)))
                || e.after
                    .as_ref()
                    .and_then(|a| a.get("release_id"))
                    .and_then(Value::as_i64)
                    == Some(r.id)
        })
        .map(to_value)
        .collect();
    let checklist_item_ids: Vec<i64> = report
        .checklist
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.id))
        .collect();
    let item_events: Vec<Value> = doc
        .checklist_item_events
        .iter()
        .filter(|e| checklist_item_ids.contains(&e.item_id))
        .map(to_value)
        .collect();
    let approvals: Vec<Value> = doc
        .release_approvals
        .iter()
        .filter(|a| a.release_id == r.id)
        .map(to_value)
        .collect();
    vec![
        (
            "release-report.html".into(),
            crate::html::render(&rd).into_bytes(),
        ),
        (
            "release-report.md".into(),
            crate::markdown::render(&rd).into_bytes(),
        ),
        ("release.json".into(), pretty(&to_value(r))),
        (
            "change-records.json".into(),
            pretty(&to_value(&report.change_records)),
        ),
        (
            "approvals.json".into(),
            pretty(&json!({
                "complete_for_risk_class": report.approvals_complete,
                "release_approvals": approvals,
                "decision_approvals": report.decisions.iter().map(|d| json!({"decision_id": d.id, "approvals": d.approvals})).collect::<Vec<_>>(),
                "change_record_approvals": report.change_records.iter().map(|c| json!({"change_record_id": c.id, "approvals": c.approvals})).collect::<Vec<_>>(),
            })),
        ),
        ("decision.json".into(), pretty(&to_value(&report.decisions))),
        (
            "linked-changes.json".into(),
            pretty(&to_value(&report.changes)),
        ),
        (
            "checks.json".into(),
            pretty(&json!({
                "checklist": report.checklist,
                "item_events": item_events,
            })),
        ),
        ("risk.json".into(), pretty(&to_value(&report.risk))),
        ("audit-events.json".into(), pretty(&Value::Array(audit))),
    ]
}

/// The evidence pack as zip bytes.
pub fn pack(doc: &Document, report: &ReleaseReport, generated_at: Timestamp) -> Result<Vec<u8>> {
    pack_with_head(doc, report, generated_at, None)
}

/// The evidence pack with the workspace's signed audit head in its manifest (`audit_head`:
/// the workspace id, public key and its fingerprint, the head's sequence number, hash and
/// signature), which `switchyard audit verify --against PACK` checks the workspace against.
pub fn pack_with_head(
    doc: &Document,
    report: &ReleaseReport,
    generated_at: Timestamp,
    audit_head: Option<Value>,
) -> Result<Vec<u8>> {
    let files = files(doc, report);
    let digests: Vec<(String, String, usize)> = files
        .iter()
        .map(|(n, b)| (n.clone(), hex::encode(Sha256::digest(b)), b.len()))
        .collect();
    let manifest = json!({
        "release": {"id": report.release.id, "name": report.release.name},
        "generated_at": generated_at,
        "generator": format!("Switchyard {}", env!("CARGO_PKG_VERSION")),
        "algorithm": "sha256",
        "audit_head": audit_head,
        "files": digests.iter().map(|(n, d, l)| json!({"name": n, "sha256": d, "bytes": l})).collect::<Vec<_>>(),
    });
    let sums: String = digests
        .iter()
        .map(|(n, d, _)| format!("{d}  {n}\n"))
        .collect();

    let zerr = |e: zip::result::ZipError| ReportError::Render(e.to_string());
    let ioerr = |e: std::io::Error| ReportError::Render(e.to_string());
    let t = generated_at;
    let stamp = DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let manifest = pretty(&manifest);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let dir = format!("evidence-release-{}", report.release.id);
    for (name, bytes) in files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .chain([
            ("manifest.json", manifest.as_slice()),
            ("SHA256SUMS", sums.as_bytes()),
        ])
    {
        zip.start_file(format!("{dir}/{name}"), options)
            .map_err(zerr)?;
        zip.write_all(bytes).map_err(ioerr)?;
    }
    Ok(zip.finish().map_err(zerr)?.into_inner())
}

/// The `manifest.json` of an evidence pack (zip bytes).
pub fn manifest_of(pack: &[u8]) -> Result<Value> {
    let bad = ReportError::Invalid;
    let mut zip = zip::ZipArchive::new(Cursor::new(pack)).map_err(|e| bad(e.to_string()))?;
    let mut text = String::new();
    let mut found = false;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
        let is_manifest = file
            .name()
            .is_ok_and(|n| n == "manifest.json" || n.ends_with("/manifest.json"));
        if is_manifest {
            std::io::Read::read_to_string(&mut file, &mut text).map_err(|e| bad(e.to_string()))?;
            found = true;
            break;
        }
    }
    if !found {
        return Err(bad("it has no manifest.json".into()));
    }
    serde_json::from_str(&text).map_err(|e| bad(format!("its manifest.json is not JSON: {e}")))
}
