//! The release calendar as iCalendar (RFC 5545): releases, their milestones and the freeze
//! windows as all-day events.
//!
//! - Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 sequence); TEXT
//!   values are escaped ([`crate::escape::ics_text`]).
//! - All-day events: `DTSTART;VALUE=DATE` and an exclusive `DTEND` (the day after).
//! - UIDs are stable, so importing the file again updates the events instead of adding
//!   copies: a synced release's UID comes from its source identity (the same in every
//!   workspace that synced it), a local one's from its id; a milestone's from its release's
//!   and its kind; a freeze window's from its id.
//! - `DTSTAMP` is the time the file was written; `LAST-MODIFIED` is not guessed.
//! - A cancelled release stays in the file with `STATUS:CANCELLED`, so a calendar that
//!   imported it before drops it.

use crate::escape::{ics_fold, ics_text};
use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use switchyard_core::{Document, Id, Release, ReleaseStatus, Timestamp};

/// The domain part of every UID.
pub const UID_DOMAIN: &str = "switchyard.local";

/// What goes into the calendar.
#[derive(Debug, Clone, Copy)]
pub struct CalendarOptions {
    /// Written as `DTSTAMP` of every event.
    pub stamp: Timestamp,
    /// Only events that touch this range (inclusive); `None` for all.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

struct Writer(String);

impl Writer {
    fn line(&mut self, name: &str, value: &str) {
        self.0.push_str(&ics_fold(&format!("{name}:{value}")));
    }

    fn text(&mut self, name: &str, value: &str) {
        self.line(name, &ics_text(value));
    }

    fn date(&mut self, name: &str, d: NaiveDate) {
        self.line(
            &format!("{name};VALUE=DATE"),
            &d.format("%Y%m%d").to_string(),
        );
    }
}

/// The UID key of a release: `r-<hash of source:source_key>` when synced, else `r<id>`.
fn release_key(r: &Release) -> String {
    match (&r.source, &r.source_key) {
        (Some(src), Some(key)) => {
            let digest = Sha256::digest(format!("{}:{key}", src.as_str()).as_bytes());
            format!("r-{}", &hex::encode(digest)[..20])
        }
        _ => format!("r{}", r.id),
    }
}

fn label(r: &Release) -> String {
    match r
        .version
        .as_deref()
        .filter(|v| !v.is_empty() && !r.name.contains(*v))
    {
        Some(v) => format!("{} ({v})", r.name),
        None => r.name.clone(),
    }
}

fn in_range(o: &CalendarOptions, start: NaiveDate, end: NaiveDate) -> bool {
    o.from.is_none_or(|f| end >= f) && o.to.is_none_or(|t| start <= t)
}

/// The calendar as an `.ics` file.
pub fn calendar(doc: &Document, o: &CalendarOptions) -> String {
    let mut w = Writer(String::with_capacity(64 * 1024));
    let stamp = o.stamp.format("%Y%m%dT%H%M%SZ").to_string();
    w.line("BEGIN", "VCALENDAR");
    w.line("VERSION", "2.0");
    w.line("PRODID", "-//Switchyard//Release calendar//EN");
    w.line("CALSCALE", "GREGORIAN");
    w.line("METHOD", "PUBLISH");
    w.text("X-WR-CALNAME", "Switchyard releases");

    let trains: HashMap<Id, &str> = doc.trains.iter().map(|t| (t.id, t.name.as_str())).collect();
    let releases: HashMap<Id, &Release> = doc.releases.iter().map(|r| (r.id, r)).collect();
    let event = |w: &mut Writer, uid: &str, start: NaiveDate, end_incl: NaiveDate| {
        w.line("BEGIN", "VEVENT");
        w.text("UID", &format!("{uid}@{UID_DOMAIN}"));
        w.line("DTSTAMP", &stamp);
        w.date("DTSTART", start);
        w.date(
            "DTEND",
            end_incl.checked_add_days(Days::new(1)).unwrap_or(end_incl),
        );
        w.line("TRANSP", "TRANSPARENT");
    };

    for r in doc.releases.iter().filter(|r| !r.archived) {
        let Some(day) = r.release_date else { continue };
        if !in_range(o, day, day) {
            continue;
        }
        let key = release_key(r);
        event(&mut w, &key, day, day);
        w.text("SUMMARY", &format!("Release {}", label(r)));
        let mut desc = format!("{} release, {}", r.release_type, r.status.label());
        if let Some(t) = r.train_id.and_then(|t| trains.get(&t)) {
            desc.push_str(&format!("\nTrain: {t}"));
        }
        if !r.services.is_empty() {
            desc.push_str(&format!("\nServices: {}", r.services.join(", ")));
        }
        if let Some(p) = r.planned_date.filter(|p| *p != day) {
            desc.push_str(&format!("\nFirst planned for {p}"));
        }
        if !r.description.is_empty() {
            desc.push_str("\n\n");
            desc.push_str(&r.description);
        }
        w.text("DESCRIPTION", &desc);
        w.text("CATEGORIES", "Release");
        let status = match r.status {
            ReleaseStatus::Cancelled => "CANCELLED",
            ReleaseStatus::Released => "CONFIRMED",
            ReleaseStatus::Planned | ReleaseStatus::InProgress => "TENTATIVE",
        };
        w.line("STATUS", status);
        w.line("END", "VEVENT");
    }

    let mut kinds: HashMap<(Id, &str), usize> = HashMap::new();
    for m in &doc.milestones {
        *kinds.entry((m.release_id, m.kind.as_str())).or_default() += 1;
    }
    for m in &doc.milestones {
        let Some(r) = releases.get(&m.release_id) else {
            continue;
        };
        if r.archived || m.kind == "release" || !in_range(o, m.date, m.date) {
            continue;
        }
        // Kind is unique per release for template milestones; custom ones add their id.
        let uid = if kinds.get(&(m.release_id, m.kind.as_str())) == Some(&1) {
            format!("{}-m-{}", release_key(r), kind_slug(&m.kind))
        } else {
            format!("{}-m{}", release_key(r), m.id)
        };
        event(&mut w, &uid, m.date, m.date);
        w.text("SUMMARY", &format!("{}: {}", m.name, label(r)));
        w.text(
            "DESCRIPTION",
            &format!(
                "Milestone of release {}{}",
                label(r),
                if m.completed_at.is_some() {
                    " (done)"
                } else {
                    ""
                }
            ),
        );
        w.text("CATEGORIES", "Milestone");
        w.line(
            "STATUS",
            if r.status == ReleaseStatus::Cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            },
        );
        w.line("END", "VEVENT");
    }

    for f in &doc.freeze_windows {
        if !in_range(o, f.start_date, f.end_date) {
            continue;
        }
        event(&mut w, &format!("freeze{}", f.id), f.start_date, f.end_date);
        w.text("SUMMARY", &format!("Freeze: {}", f.name));
        let scope = if f.services.is_empty() {
            "every service".to_owned()
        } else {
            f.services.join(", ")
        };
        let mut desc = format!("No releases of {scope}.");
        if !f.reason.is_empty() {
            desc.push('\n');
            desc.push_str(&f.reason);
        }
        w.text("DESCRIPTION", &desc);
        w.text("CATEGORIES", "Freeze window");
        w.line("STATUS", "CONFIRMED");
        w.line("END", "VEVENT");
    }
    w.line("END", "VCALENDAR");
    w.0
}

/// A milestone kind as a UID part: ASCII letters, digits and `-` only.
fn kind_slug(kind: &str) -> String {
    kind.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
