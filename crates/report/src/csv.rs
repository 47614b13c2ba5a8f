//! CSV (RFC 4180, CRLF, a header row) of the releases and of the DORA metric series. Text
//! cells go through [`crate::escape::csv_cell`], which also neutralises spreadsheet
//! formulas; numbers are written as plain numbers (empty where a metric has no samples).

use crate::escape::{csv_cell, csv_row};
use std::collections::HashMap;
use switchyard_core::dora::SeriesEntry;
use switchyard_core::{Document, Id};

fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    })
}

/// One row per release.
pub fn releases(doc: &Document) -> String {
    let trains: HashMap<Id, &str> = doc.trains.iter().map(|t| (t.id, t.name.as_str())).collect();
    let mut out = csv_row([
        "id",
        "name",
        "version",
        "train",
        "type",
        "status",
        "planned_date",
        "release_date",
        "slip_days",
        "released",
        "services",
        "source",
        "source_key",
    ]);
    for r in &doc.releases {
        let slip = match (r.planned_date, r.release_date) {
            (Some(p), Some(d)) => (d - p).num_days().to_string(),
            _ => String::new(),
        };
        out.push_str(&csv_row([
            r.id.to_string(),
            csv_cell(&r.name),
            csv_cell(r.version.as_deref().unwrap_or("")),
            csv_cell(
                r.train_id
                    .and_then(|t| trains.get(&t).copied())
                    .unwrap_or(""),
            ),
            csv_cell(r.release_type.as_str()),
            csv_cell(r.status.as_str()),
            r.planned_date.map_or(String::new(), |d| d.to_string()),
            r.release_date.map_or(String::new(), |d| d.to_string()),
            slip,
            r.released.to_string(),
            csv_cell(&r.services.join("; ")),
            r.source.map_or("", |s| s.as_str()).to_owned(),
            csv_cell(r.source_key.as_deref().unwrap_or("")),
        ]));
    }
    out
}

/// One row per bucket of a DORA series (`switchyard dora`'s `series`).
pub fn metrics(series: &[SeriesEntry]) -> String {
    let mut out = csv_row([
        "period_start",
        "period_end",
        "deployments",
        "deployments_per_week",
        "deploy_days_per_week",
        "deployment_success_rate",
        "lead_time_median_hours",
        "lead_time_p90_hours",
        "lead_time_changes",
        "lead_time_waiting",
        "change_failure_rate",
        "failed_changes",
        "recovery_median_hours",
        "recovery_p90_hours",
        "recovery_open",
        "rework_rate",
        "unlinked_incidents",
    ]);
    for s in series {
        let m = &s.metrics;
        out.push_str(&csv_row([
            s.period_start.to_string(),
            s.period_end.to_string(),
            s.deployments.to_string(),
            num(Some(m.deployment_frequency.per_week)),
            num(Some(m.deployment_frequency.deploy_days_per_week)),
            num(m.deployment_success_rate.value),
            num(m.lead_time.median_hours),
            num(m.lead_time.p90_hours),
            m.lead_time.changes.to_string(),
            m.lead_time.waiting.to_string(),
            num(m.change_failure_rate.value),
            m.change_failure_rate.numerator.to_string(),
            num(m.recovery_time.median_hours),
            num(m.recovery_time.p90_hours),
            m.recovery_time.open.to_string(),
            num(m.rework_rate.value),
            m.unlinked_incidents.to_string(),
        ]));
    }
    out
}

/// The ahead list of the leadership report: one row per release due in the 30 days after
/// its day, those needing attention first, with the reasons.
pub fn ahead(a: &crate::leadership::Ahead) -> String {
    let mut out = csv_row([
        "release_id",
        "release",
        "train",
        "date",
        "risk_class",
        "percent_ready",
        "percent_ready_7_days_before",
        "go_no_go",
        "conflicts",
        "blockers",
        "missing_approvals",
        "needs_attention",
        "reasons",
    ]);
    for r in &a.releases {
        out.push_str(&csv_row([
            r.id.to_string(),
            csv_cell(&r.name),
            csv_cell(r.train.as_deref().unwrap_or("")),
            r.date.to_string(),
            r.class.map_or("", |c| c.as_str()).to_owned(),
            num(r.ready_pct),
            num(r.ready_pct_before),
            csv_cell(&r.go_no_go_text()),
            csv_cell(&r.conflicts.join("; ")),
            csv_cell(&r.blockers.join("; ")),
            csv_cell(&r.missing_approvals.join("; ")),
            (!r.attention.is_empty()).to_string(),
            csv_cell(&r.attention.join("; ")),
        ]));
    }
    out
}
