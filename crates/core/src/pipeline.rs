//! Pipeline health from workflow runs: durations, failure rate, flaky runs, and the slowest
//! and flakiest workflows.
//!
//! Rules (Switchyard's; the DORA spec says nothing about pipelines):
//! - A run belongs to the period (or bucket) its `started_at` falls in.
//! - Duration: `finished_at - started_at` of a run with both; p50/p90 nearest-rank, minutes.
//! - Failure rate: runs concluding `failure`, `timed_out` or `startup_failure` over those
//!   concluding in one of these or `success` (cancelled, skipped and neutral runs are left
//!   out).
//! - Flaky: a commit (`service`, `workflow`, `head_sha`) with a failed attempt followed by a
//!   successful attempt; counted once per commit, in the bucket of its first failed attempt.

use crate::dora::{nearest_rank, Calendar, Ratio, Secs};
use crate::PipelineRun;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkflowHealth {
    pub service: String,
    pub workflow: String,
    pub runs: u64,
    pub duration_p50_minutes: Option<f64>,
    pub duration_p90_minutes: Option<f64>,
    pub failure_rate: Ratio,
    /// Commits that failed and then passed on a re-run.
    pub flaky: u64,
    /// Commits run at all (the denominator of the flaky share).
    pub commits: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PipelineBucket {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub runs: u64,
    pub duration_p50_minutes: Option<f64>,
    pub duration_p90_minutes: Option<f64>,
    pub failure_rate: Ratio,
    pub flaky: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PipelineHealth {
    pub runs: u64,
    pub duration_p50_minutes: Option<f64>,
    pub duration_p90_minutes: Option<f64>,
    pub failure_rate: Ratio,
    pub flaky: u64,
    /// Every workflow, by service and name.
    pub workflows: Vec<WorkflowHealth>,
    /// Up to five workflows by p90 duration, slowest first.
    pub slowest: Vec<WorkflowHealth>,
    /// Up to five workflows with flaky commits, by flaky share, flakiest first.
    pub flakiest: Vec<WorkflowHealth>,
    pub series: Vec<PipelineBucket>,
}

#[derive(Default, Clone)]
struct Acc {
    runs: u64,
    durations: Vec<Secs>,
    failed: u64,
    concluded: u64,
    flaky: u64,
    commits: u64,
}

fn is_failure(c: &str) -> bool {
    matches!(c, "failure" | "timed_out" | "startup_failure")
}

fn minutes(s: Option<Secs>) -> Option<f64> {
    s.map(|s| s as f64 / 60.0)
}

fn ratio(numerator: u64, denominator: u64) -> Ratio {
    Ratio {
        numerator,
        denominator,
        value: (denominator > 0).then(|| numerator as f64 / denominator as f64),
    }
}

impl Acc {
    fn add(&mut self, r: &PipelineRun) {
        self.runs += 1;
        if let Some(f) = r.finished_at {
            self.durations.push((f - r.started_at).num_seconds().max(0));
        }
        if let Some(c) = r.conclusion.as_deref() {
            if is_failure(c) {
                self.failed += 1;
                self.concluded += 1;
            } else if c == "success" {
                self.concluded += 1;
            }
        }
    }

    fn p(&mut self) -> (Option<f64>, Option<f64>) {
        (
            minutes(nearest_rank(&mut self.durations, 50)),
            minutes(nearest_rank(&mut self.durations, 90)),
        )
    }
}

/// Pipeline health of the runs in `cal`'s period whose service `in_scope` accepts.
pub fn pipeline_health(
    runs: &[PipelineRun],
    cal: &Calendar,
    in_scope: impl Fn(&str) -> bool,
) -> PipelineHealth {
    let mut total = Acc::default();
    let mut buckets = vec![Acc::default(); cal.bucket_count()];
    let mut per_workflow: BTreeMap<(&str, &str), Acc> = BTreeMap::new();
    // Attempts per commit, to find flaky ones.
    let mut commits: BTreeMap<(&str, &str, &str), Vec<&PipelineRun>> = BTreeMap::new();
    for r in runs {
        let t = r.started_at.timestamp();
        let Some(b) = cal.bucket_of(t) else { continue };
        if !in_scope(&r.service) {
            continue;
        }
        total.add(r);
        buckets[b].add(r);
        per_workflow
            .entry((r.service.as_str(), r.workflow.as_str()))
            .or_default()
            .add(r);
        commits
            .entry((r.service.as_str(), r.workflow.as_str(), r.head_sha.as_str()))
            .or_default()
            .push(r);
    }
    for ((service, workflow, _), mut attempts) in commits {
        attempts.sort_by_key(|r| (r.attempt, r.started_at, r.id));
        let wf = per_workflow.entry((service, workflow)).or_default();
        wf.commits += 1;
        let first_fail = attempts
            .iter()
            .position(|r| r.conclusion.as_deref().is_some_and(is_failure));
        let flaky = first_fail.is_some_and(|k| {
            attempts[k + 1..]
                .iter()
                .any(|r| r.conclusion.as_deref() == Some("success"))
        });
        if let (true, Some(k)) = (flaky, first_fail) {
            wf.flaky += 1;
            total.flaky += 1;
            if let Some(b) = cal.bucket_of(attempts[k].started_at.timestamp()) {
                buckets[b].flaky += 1;
            }
        }
    }
    let workflows: Vec<WorkflowHealth> = per_workflow
        .into_iter()
        .map(|((service, workflow), mut a)| {
            let (p50, p90) = a.p();
            WorkflowHealth {
                service: service.into(),
                workflow: workflow.into(),
                runs: a.runs,
                duration_p50_minutes: p50,
                duration_p90_minutes: p90,
                failure_rate: ratio(a.failed, a.concluded),
                flaky: a.flaky,
                commits: a.commits,
            }
        })
        .collect();
    let mut slowest: Vec<WorkflowHealth> = workflows
        .iter()
        .filter(|w| w.duration_p90_minutes.is_some())
        .cloned()
        .collect();
    slowest.sort_by(|a, b| {
        b.duration_p90_minutes
            .partial_cmp(&a.duration_p90_minutes)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| (&a.service, &a.workflow).cmp(&(&b.service, &b.workflow)))
    });
    slowest.truncate(5);
    let share = |w: &WorkflowHealth| w.flaky as f64 / w.commits.max(1) as f64;
    let mut flakiest: Vec<WorkflowHealth> =
        workflows.iter().filter(|w| w.flaky > 0).cloned().collect();
    flakiest.sort_by(|a, b| {
        share(b)
            .partial_cmp(&share(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.flaky.cmp(&a.flaky))
            .then_with(|| (&a.service, &a.workflow).cmp(&(&b.service, &b.workflow)))
    });
    flakiest.truncate(5);
    let series = buckets
        .iter_mut()
        .enumerate()
        .map(|(b, a)| {
            let (period_start, period_end) = cal.bucket_dates(b);
            let (p50, p90) = a.p();
            PipelineBucket {
                period_start,
                period_end,
                runs: a.runs,
                duration_p50_minutes: p50,
                duration_p90_minutes: p90,
                failure_rate: ratio(a.failed, a.concluded),
                flaky: a.flaky,
            }
        })
        .collect();
    let (p50, p90) = total.p();
    PipelineHealth {
        runs: total.runs,
        duration_p50_minutes: p50,
        duration_p90_minutes: p90,
        failure_rate: ratio(total.failed, total.concluded),
        flaky: total.flaky,
        workflows,
        slowest,
        flakiest,
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::Bucket;
    use chrono::{TimeZone, Utc};

    fn run(
        id: i64,
        wf: &str,
        sha: &str,
        attempt: i64,
        concl: &str,
        start_min: i64,
        mins: i64,
    ) -> PipelineRun {
        let started = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
            + chrono::Duration::minutes(start_min);
        PipelineRun {
            id,
            source: None,
            source_key: None,
            service: "api".into(),
            workflow: wf.into(),
            head_sha: sha.into(),
            event: "push".into(),
            status: "completed".into(),
            conclusion: Some(concl.into()),
            attempt,
            started_at: started,
            finished_at: Some(started + chrono::Duration::minutes(mins)),
        }
    }

    #[test]
    fn durations_failures_and_flaky_commits() {
        let cal = Calendar::new(
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 11).unwrap(),
            chrono_tz::UTC,
            Bucket::Week,
        )
        .unwrap();
        let runs = vec![
            run(1, "CI", "a", 1, "success", 0, 10),
            run(2, "CI", "b", 1, "failure", 60, 20),
            run(3, "CI", "b", 2, "success", 90, 30),
            run(4, "CI", "c", 1, "failure", 120, 40),
            run(5, "Deploy", "a", 1, "cancelled", 0, 1),
            run(6, "Deploy", "d", 1, "success", 0, 50),
        ];
        let h = pipeline_health(&runs, &cal, |_| true);
        assert_eq!(h.runs, 6);
        // Durations 1,10,20,30,40,50: p50 rank 3 = 20, p90 rank ceil(5.4) = 6 = 50.
        assert_eq!(h.duration_p50_minutes, Some(20.0));
        assert_eq!(h.duration_p90_minutes, Some(50.0));
        // Failures 2 of 5 concluded (the cancelled run is left out).
        assert_eq!(
            (h.failure_rate.numerator, h.failure_rate.denominator),
            (2, 5)
        );
        // Only commit b failed and then passed; c failed for good.
        assert_eq!(h.flaky, 1);
        assert_eq!(h.flakiest.len(), 1);
        assert_eq!(h.flakiest[0].workflow, "CI");
        assert_eq!(h.slowest[0].workflow, "Deploy");
        assert_eq!(h.series.len(), 1);
        assert_eq!(h.series[0].flaky, 1);
        let none = pipeline_health(&runs, &cal, |s| s == "web");
        assert_eq!(none.runs, 0);
        assert_eq!(none.duration_p50_minutes, None);
        assert_eq!(none.failure_rate.value, None);
    }
}
