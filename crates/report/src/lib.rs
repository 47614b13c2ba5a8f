//! Switchyard's charts: SVG drawn with plotters.

pub mod charts;

// Reports and exports (issue 7): format-neutral report blocks, the leadership and release
// reports, and their HTML, Markdown, PDF, ICS, CSV, release-notes and evidence-pack writers.
pub mod blocks;
pub mod csv;
pub mod escape;
pub mod evidence;
pub mod html;
pub mod ics;
pub mod leadership;
pub mod markdown;
pub mod notes;
pub mod pdf;
pub mod release;

pub use leadership::{LeadershipInput, LeadershipReport, ReportError};
pub use release::ReleaseReport;
