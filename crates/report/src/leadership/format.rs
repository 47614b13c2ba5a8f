//! How the report writes hours, shares, clusters and days.

use super::*;

// ---- formatting shared by the reports ----

pub fn hours(h: Option<f64>) -> String {
    switchyard_core::cards::hours_text(h)
}

pub fn pct(v: Option<f64>) -> String {
    switchyard_core::cards::pct_text(v)
}

pub(super) fn share(n: usize, d: usize) -> String {
    if d == 0 {
        "–".into()
    } else {
        format!("{:.0}% ({n} of {d})", n as f64 * 100.0 / d as f64)
    }
}

pub(super) fn cluster(c: Option<Cluster>) -> Option<String> {
    c.map(|c| c.as_str().to_owned())
}

pub(super) fn day(d: Option<NaiveDate>) -> String {
    d.map_or("–".into(), |d| d.to_string())
}

pub(super) fn minutes(m: Option<f64>) -> String {
    m.map_or("–".into(), |m| format!("{m:.1} min"))
}
