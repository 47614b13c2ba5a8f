//! Reports and exports for leadership (issue 7): the leadership and release readiness
//! reports (HTML, PDF, Markdown), release notes, the ICS calendar, CSV of releases and
//! metrics, and the per-release audit evidence pack. The numbers come from the workspace's
//! export document and settings through `switchyard-report`.

use crate::governance::is_live;
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::{Days, NaiveDate};
use switchyard_core::settings::Settings;
use switchyard_core::Document;
use switchyard_report::leadership::{self, LeadershipInput, ReportScope};
use switchyard_report::{csv, evidence, html, ics, markdown, notes, pdf, release, ReportError};

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> Self {
        let code = match &e {
            ReportError::Invalid(_) => ErrorCode::InvalidInput,
            ReportError::NotFound(_) => ErrorCode::NotFound,
            ReportError::Render(_) => ErrorCode::Internal,
        };
        AppError::new(code, e.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Pdf,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    Releases,
    Metrics,
    /// The releases due in the 30 days after the period's end (or today).
    Ahead,
}

/// "Today" of a report's ahead list: the period's end when it is before today.
pub fn ahead_day(clock: &dyn Clock, to: NaiveDate) -> NaiveDate {
    to.min(clock.today())
}

fn inputs(ws: &Workspace) -> Result<(Document, Settings)> {
    Ok((ws.export()?, ws.store().settings()?))
}

fn render(doc: &switchyard_report::blocks::ReportDoc, format: ReportFormat) -> Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Html => html::render(doc).into_bytes(),
        ReportFormat::Markdown => markdown::render(doc).into_bytes(),
        ReportFormat::Pdf => pdf::render(doc)?,
    })
}

/// The default period: the last 90 days up to yesterday.
pub fn default_period(clock: &dyn Clock) -> (NaiveDate, NaiveDate) {
    let to = clock.today() - Days::new(1);
    (to - Days::new(89), to)
}

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if from > to {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("the period starts ({from}) after it ends ({to})"),
        ));
    }
    Ok(())
}

impl Workspace {
    /// The id of the release `key` names, by the one resolver every command uses.
    fn release_id(&self, key: &str) -> Result<switchyard_core::Id> {
        Ok(crate::lookup::resolve_release(self.store().conn(), key)?.0)
    }

    /// The leadership report of `from..=to` for `scope` in `format`.
    pub fn leadership_report(
        &self,
        clock: &dyn Clock,
        from: NaiveDate,
        to: NaiveDate,
        scope: &ReportScope,
        format: ReportFormat,
    ) -> Result<Vec<u8>> {
        check_period(from, to)?;
        let (doc, settings) = inputs(self)?;
        let report = leadership::build(&LeadershipInput {
            doc: &doc,
            settings: &settings,
            scope,
            from,
            to,
            today: clock.today(),
            generated_at: clock.now(),
        })?;
        let mut report = leadership::LeadershipReport {
            audit_head: Some(self.audit_head()?),
            ..report
        };
        let today = ahead_day(clock, to);
        report.set_ahead(
            &doc,
            today,
            is_live(clock, today),
            self.releases_ahead(&doc, today, clock)?,
        )?;
        render(&report.to_doc(), format)
    }

    /// One release's readiness report (`RELEASE` is an id, a name or a version).
    pub fn release_report(
        &self,
        clock: &dyn Clock,
        key: &str,
        format: ReportFormat,
    ) -> Result<Vec<u8>> {
        let doc = self.export()?;
        let id = self.release_id(key)?;
        let mut report = self.release_report_of(&doc, id, clock)?;
        report.audit_head = Some(self.audit_head()?);
        render(&report.to_doc(), format)
    }

    /// Release notes in Markdown.
    pub fn release_notes(&self, key: &str) -> Result<String> {
        let doc = self.export()?;
        let id = self.release_id(key)?;
        let r = doc
            .releases
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("release {id}")))?;
        Ok(notes::release_notes(&doc, r))
    }

    /// The release calendar as iCalendar, optionally limited to a range.
    pub fn calendar_ics(
        &self,
        clock: &dyn Clock,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<String> {
        if let (Some(f), Some(t)) = (from, to) {
            check_period(f, t)?;
        }
        let doc = self.export()?;
        Ok(ics::calendar(
            &doc,
            &ics::CalendarOptions {
                stamp: clock.now(),
                from,
                to,
            },
        ))
    }

    /// CSV of the releases, or of the DORA metric series of `from..=to`.
    pub fn export_csv(
        &self,
        clock: &dyn Clock,
        kind: CsvKind,
        from: NaiveDate,
        to: NaiveDate,
        scope: &ReportScope,
    ) -> Result<String> {
        check_period(from, to)?;
        let (doc, settings) = inputs(self)?;
        Ok(match kind {
            CsvKind::Releases => csv::releases(&doc),
            CsvKind::Metrics => {
                let report = leadership::build(&LeadershipInput {
                    doc: &doc,
                    settings: &settings,
                    scope,
                    from,
                    to,
                    today: clock.today(),
                    generated_at: clock.now(),
                })?;
                csv::metrics(&report.series)
            }
            CsvKind::Ahead => {
                let mut report = leadership::build(&LeadershipInput {
                    doc: &doc,
                    settings: &settings,
                    scope,
                    from,
                    to,
                    today: clock.today(),
                    generated_at: clock.now(),
                })?;
                let today = ahead_day(clock, to);
                report.set_ahead(
                    &doc,
                    today,
                    is_live(clock, today),
                    self.releases_ahead(&doc, today, clock)?,
                )?;
                report.ahead.as_ref().map(csv::ahead).unwrap_or_default()
            }
        })
    }

    /// The audit evidence pack of a release, as zip bytes. The audit log is verified first:
    /// a pack is never written from a broken one (`audit_broken`, naming the event).
    pub fn evidence_pack(&self, clock: &dyn Clock, key: &str) -> Result<Vec<u8>> {
        let verified = self.audit_verification()?.into_result().map_err(|e| {
            AppError::new(
                e.code,
                format!(
                    "{}; no evidence pack is written from a broken audit log",
                    e.message
                ),
            )
        })?;
        let doc = self.export()?;
        let id = self.release_id(key)?;
        let mut report = self.release_report_of(&doc, id, clock)?;
        report.audit_head = Some(self.audit_head()?);
        let head = verified
            .head_evidence()
            .and_then(|h| serde_json::to_value(h).ok());
        Ok(evidence::pack_with_head(&doc, &report, clock.now(), head)?)
    }

    /// The audit log's head as the reports show it: the newest signed head when the
    /// signatures hold (`audit verify` says more), else how much is unsigned.
    pub fn audit_head(&self) -> Result<switchyard_report::blocks::AuditHead> {
        use switchyard_report::blocks::AuditHead;
        let sig = switchyard_store::check_signatures(self.store().conn())?;
        Ok(match (&sig.head, &sig.public_key) {
            (Some(h), Some(pk)) if sig.broken.is_empty() && sig.unsigned_after == 0 => {
                AuditHead::Signed {
                    seq: h.seq,
                    hash: h.hash.clone(),
                    key_fingerprint: switchyard_store::key_fingerprint(pk),
                }
            }
            _ => AuditHead::Unsigned {
                signed_seq: sig.head.as_ref().map(|h| h.seq),
                unsigned: sig.unsigned_after,
            },
        })
    }

    /// The release report's data, with risk and readiness as they stand now.
    pub fn release_report_of(
        &self,
        doc: &switchyard_core::Document,
        id: switchyard_core::Id,
        clock: &dyn Clock,
    ) -> Result<release::ReleaseReport> {
        let now = self
            .releases_now(&[id], clock)?
            .remove(&id)
            .map(|n| release::Standing {
                risk: Some(n.risk),
                checklist: n.checklist,
            });
        Ok(release::build_standing(doc, id, clock.now(), now)?)
    }
}
