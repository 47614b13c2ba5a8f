//! What the desktop window reads: small, display-ready shapes. These cross IPC, so their
//! TypeScript twins are generated (ts-rs) into ui/src/lib/bindings/.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

/// The release calendar for a date range: one lane per train.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CalendarView {
    pub today: NaiveDate,
    /// The range whose releases and freeze windows this view holds.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The first and last dates of anything on the calendar in the whole workspace
    /// (releases, milestones, freeze windows): the span the window lets you scroll,
    /// loading the rest as it comes into view. `None` in an empty workspace.
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    pub lanes: Vec<TrainLane>,
    pub freeze_windows: Vec<FreezeBand>,
    /// Every service of the workspace with the team that owns it (`None`: no team), by
    /// service name: the window's filters and lanes by team.
    pub service_teams: Vec<ServiceTeam>,
    /// The holidays of the range (no release is planned on one).
    pub holidays: Vec<HolidayMark>,
}

/// A service and the team that owns it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ServiceTeam {
    pub service: String,
    pub team: Option<String>,
}

/// A holiday as the calendar marks it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HolidayMark {
    #[ts(type = "number")]
    pub id: i64,
    pub date: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrainLane {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub description: String,
    /// "Every 2 weeks on Tuesday", "2nd Wednesday of every month", ...
    pub cadence_label: String,
    pub services: Vec<String>,
    pub releases: Vec<CalendarRelease>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CalendarRelease {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub version: Option<String>,
    pub release_type: crate::ReleaseType,
    pub status: crate::ReleaseStatus,
    pub release_date: NaiveDate,
    pub planned_date: Option<NaiveDate>,
    /// Days between the planned and the current date (positive: later).
    #[ts(type = "number")]
    pub slipped_days: i64,
    /// Days past its date without shipping (planned or in progress); 0 when it is not.
    #[ts(type = "number")]
    pub overdue_days: i64,
    pub services: Vec<String>,
    pub risk_class: Option<crate::RiskClass>,
    /// Share of applicable checklist items done, 0..1.
    pub readiness: Option<f64>,
    /// Outcome of the newest go/no-go decision.
    pub decision: Option<crate::DecisionOutcome>,
    pub milestones: Vec<CalendarMilestone>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CalendarMilestone {
    pub kind: String,
    pub name: String,
    pub date: NaiveDate,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FreezeBand {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    /// Inclusive.
    pub end_date: NaiveDate,
    /// Empty: every service.
    pub services: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WorkspaceInfo {
    pub path: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub demo_loaded: bool,
    pub counts: WorkspaceCounts,
    /// Team and service names, sorted: the scopes of the Metrics screen and of exports.
    pub teams: Vec<String>,
    pub services: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WorkspaceCounts {
    #[ts(type = "number")]
    pub teams: i64,
    #[ts(type = "number")]
    pub services: i64,
    #[ts(type = "number")]
    pub trains: i64,
    #[ts(type = "number")]
    pub releases: i64,
    #[ts(type = "number")]
    pub deployments: i64,
    #[ts(type = "number")]
    pub incidents: i64,
    #[ts(type = "number")]
    pub work_items: i64,
}
