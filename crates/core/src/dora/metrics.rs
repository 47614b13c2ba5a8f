//! The numbers as the document `switchyard dora --json` prints them.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Frequency {
    /// Successful production deployments in the period.
    pub count: u64,
    pub per_week: f64,
    pub deploy_days_per_week: f64,
    pub cluster: Option<Cluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
    /// `numerator / denominator`; `null` when the denominator is 0.
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LeadTime {
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// The samples: changes whose deploying deployment is in the period.
    pub changes: u64,
    pub waiting: u64,
    pub cluster: Option<Cluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChangeFailureRate {
    pub numerator: u64,
    pub denominator: u64,
    pub value: Option<f64>,
    pub cluster: Option<Cluster>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecoveryTime {
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// Failed deployments that recovered (the samples).
    pub failures: u64,
    /// Failed deployments with no recovery yet.
    pub open: u64,
    pub cluster: Option<Cluster>,
}

/// The metrics of one period or bucket, as docs/metrics.md names them in the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Metrics {
    pub deployment_frequency: Frequency,
    pub deployment_success_rate: Ratio,
    pub lead_time: LeadTime,
    pub change_failure_rate: ChangeFailureRate,
    pub recovery_time: RecoveryTime,
    pub rework_rate: Ratio,
    pub unlinked_incidents: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SeriesEntry {
    pub period_start: NaiveDate,
    /// Last day of the bucket (inclusive).
    pub period_end: NaiveDate,
    /// Successful production deployments in the bucket.
    pub deployments: u64,
    #[serde(flatten)]
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub metrics: Metrics,
    pub series: Vec<SeriesEntry>,
}

/// `switchyard dora --json`: the document docs/metrics.md describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DoraDocument {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub timezone: String,
    #[serde(flatten)]
    pub metrics: Metrics,
    pub series: Vec<SeriesEntry>,
}
