//! Each format read back by a real reader.

use super::fixture::*;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use switchyard_report::{csv, evidence, ics, notes, pdf, release};

/// An RFC 4180 reader: quoted cells with doubled quotes, CRLF rows.
pub fn read_csv(text: &str) -> Vec<Vec<String>> {
    assert!(text.ends_with("\r\n"));
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => {
                assert!(
                    c != '\n' && c != '\r' && c != '"',
                    "bare {c:?} outside quotes"
                );
                cell.push(c)
            }
        }
    }
    assert!(!quoted && row.is_empty() && cell.is_empty());
    rows
}

#[test]
fn ics_is_rfc5545_and_round_trips_with_stable_uids() {
    let f = fixture();
    let o = ics::CalendarOptions {
        stamp: now(),
        from: None,
        to: None,
    };
    let text = ics::calendar(&f.doc, &o);
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(
        !text.replace("\r\n", "").contains('\n') && !text.replace("\r\n", "").contains('\r'),
        "CRLF only"
    );
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let cal: icalendar::Calendar = text.parse().expect("parses");
    use icalendar::{Component, DatePerhapsTime};
    let events: Vec<&icalendar::Event> =
        cal.components.iter().filter_map(|c| c.as_event()).collect();
    let releases = f
        .doc
        .releases
        .iter()
        .filter(|r| !r.archived && r.release_date.is_some())
        .count();
    let milestones = f
        .doc
        .milestones
        .iter()
        .filter(|m| m.kind != "release")
        .count();
    assert_eq!(
        events.len(),
        releases + milestones + f.doc.freeze_windows.len()
    );
    let uids: HashSet<&str> = events.iter().filter_map(|e| e.get_uid()).collect();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    for e in &events {
        assert!(e.property_value("DTSTAMP") == Some("20260315T093000Z"));
        let (Some(DatePerhapsTime::Date(start)), Some(DatePerhapsTime::Date(end))) =
            (e.get_start(), e.get_end())
        else {
            panic!("all-day events: {:?}", e.get_summary());
        };
        assert!(end > start, "DTEND is exclusive");
    }
    // A freeze window: DTSTART its first day, DTEND the day after its last.
    let fw = &f.doc.freeze_windows[0];
    let ev = events
        .iter()
        .find(|e| e.get_summary() == Some(&format!("Freeze: {}", fw.name)))
        .expect("freeze event with its hostile name intact");
    assert_eq!(ev.get_start(), Some(DatePerhapsTime::Date(fw.start_date)));
    assert_eq!(
        ev.get_end(),
        Some(DatePerhapsTime::Date(fw.end_date.succ_opt().unwrap()))
    );
    assert_eq!(
        ev.get_description(),
        Some(
            format!(
                "No releases of {}.\n{}",
                if fw.services.is_empty() {
                    "every service".to_owned()
                } else {
                    fw.services.join(", ")
                },
                fw.reason
            )
            .as_str()
        )
    );

    // Round trip: the parsed calendar written again parses to the same events.
    let again: icalendar::Calendar = cal.to_string().parse().expect("re-parses");
    let summaries = |c: &icalendar::Calendar| -> Vec<(String, String)> {
        c.components
            .iter()
            .filter_map(|c| c.as_event())
            .map(|e| {
                (
                    e.get_uid().unwrap_or("").to_owned(),
                    e.get_summary().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(summaries(&cal), summaries(&again));

    // A later export keeps every UID (a re-import updates instead of duplicating).
    let later = ics::calendar(
        &f.doc,
        &ics::CalendarOptions {
            stamp: now() + chrono::Duration::days(3),
            ..o
        },
    );
    let later: icalendar::Calendar = later.parse().unwrap();
    let later_uids: HashSet<&str> = later
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| e.get_uid())
        .collect();
    assert_eq!(uids, later_uids);
}

#[test]
fn csv_of_metrics_has_one_row_per_bucket() {
    let f = fixture();
    let r = leadership_report(&f.doc);
    let text = csv::metrics(&r.series);
    let rows = read_csv(&text);
    assert_eq!(rows.len(), r.series.len() + 1);
    assert_eq!(rows[0][0], "period_start");
    let deployments: u64 = rows[1..].iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    assert_eq!(deployments, r.metrics.deployment_frequency.count);
}

#[test]
fn release_notes_group_changes_and_link_only_http() {
    let mut f = fixture();
    let rel_id = f.release;
    let mut ids = Vec::new();
    for w in f
        .doc
        .work_items
        .iter_mut()
        .filter(|w| w.release_ids.contains(&rel_id))
    {
        ids.push(w.id);
    }
    assert!(ids.len() >= 3, "{} changes", ids.len());
    for (k, w) in f
        .doc
        .work_items
        .iter_mut()
        .filter(|w| w.release_ids.contains(&rel_id))
        .enumerate()
    {
        w.status_category = switchyard_core::StatusCategory::Done;
        w.merged_at = Some(w.created_at);
        w.labels.clear();
        w.kind = "pull_request".into();
        w.title = format!("change {k}");
        match k {
            0 => w.labels = vec!["enhancement".into()],
            1 => w.labels = vec!["Bug".into()],
            2 => w.url = Some(format!("https://github.com/acme/api/pull/{k}")),
            _ => {}
        }
        w.author = Some(format!("dev{}", k % 2));
    }
    let rel = f.doc.releases.iter().find(|r| r.id == rel_id).unwrap();
    let md = notes::release_notes(&f.doc, rel);
    let section = |name: &str| -> String {
        let start = md
            .find(&format!("## {name}\n"))
            .unwrap_or_else(|| panic!("no {name} in {md}"));
        let rest = &md[start + 4..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
    };
    assert!(section("Features").contains("change 0"));
    assert!(section("Fixes").contains("change 1"));
    assert!(section("Other changes").contains("change 2"));
    assert!(section("Other changes").contains("](https://github.com/acme/api/pull/2)"));
    assert!(section("Contributors").contains("dev0, dev1"));
}

#[test]
fn evidence_pack_holds_every_record_and_a_true_manifest() {
    let f = fixture();
    let rr = release::build(&f.doc, f.release, now()).unwrap();
    let bytes = evidence::pack(&f.doc, &rr, now()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        assert_eq!(e.compression(), zip::CompressionMethod::Deflated);
        let name = e.name().unwrap().rsplit('/').next().unwrap().to_owned();
        let mut b = Vec::new();
        e.read_to_end(&mut b).unwrap();
        files.insert(name, b);
    }
    for want in [
        "release-report.html",
        "release-report.md",
        "change-records.json",
        "approvals.json",
        "decision.json",
        "linked-changes.json",
        "checks.json",
        "manifest.json",
        "SHA256SUMS",
    ] {
        assert!(files.contains_key(want), "{want} missing");
    }
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len() - 2);
    for entry in listed {
        let name = entry["name"].as_str().unwrap();
        let digest = hex::encode(Sha256::digest(&files[name]));
        assert_eq!(entry["sha256"].as_str().unwrap(), digest, "{name}");
    }
    let changes: Vec<serde_json::Value> =
        serde_json::from_slice(&files["linked-changes.json"]).unwrap();
    assert_eq!(changes.len(), rr.changes.len());
    // Deterministic.
    assert_eq!(evidence::pack(&f.doc, &rr, now()).unwrap(), bytes);
}

#[test]
fn pdf_has_selectable_text_with_the_headline_numbers() {
    let f = fixture();
    let r = leadership_report(&f.doc);
    let bytes = pdf::render(&r.to_doc()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leadership.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils; `./dev setup` installs it)");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let m = &r.metrics;
    for want in [
        format!("{:.2} / week", m.deployment_frequency.per_week),
        switchyard_report::leadership::pct(m.change_failure_rate.value),
        "Release delivery".to_owned(),
        "Audit evidence completeness".to_owned(),
        "Deployment frequency".to_owned(),
    ] {
        assert!(text.contains(&want), "{want:?} not in the PDF text");
    }
    // The hostile incident titles are plain text in the PDF.
    assert!(text.contains("<img src=x"), "titles are text");
}

/// The text of each page of a PDF, by pdftotext.
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils; `./dev setup` installs it)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_pdf_heading_is_never_left_alone_at_the_foot_of_a_page() {
    use switchyard_report::blocks::{Block, ReportDoc, Span};
    // Pushed down the page a little more each time, a heading with a short table after
    // it must land on the same page as the table's first row, wherever the break falls.
    for filler in 20..60 {
        let mut blocks: Vec<Block> = (0..filler)
            .map(|k| Block::Para(vec![Span::text(format!("Filler paragraph {k}."))]))
            .collect();
        blocks.push(Block::Heading(2, "Release delivery".into()));
        blocks.push(Block::Table {
            head: vec!["Release".into(), "Date".into()],
            rows: (0..8)
                .map(|r| {
                    vec![
                        vec![Span::text(format!("row-{r}"))],
                        vec![Span::text("2026-01-01")],
                    ]
                })
                .collect(),
            numeric: vec![],
        });
        let doc = ReportDoc {
            title: "Keep together".into(),
            subtitle: String::new(),
            blocks,
        };
        let pages = pdf_pages(&pdf::render(&doc).unwrap());
        let heading = pages
            .iter()
            .position(|p| p.contains("Release delivery"))
            .unwrap();
        let row = pages.iter().position(|p| p.contains("row-0")).unwrap();
        assert_eq!(
            heading, row,
            "{filler} paragraphs: the heading on page {heading}, its table on {row}"
        );
    }
}
