//! Release risk: a policy the user can edit (TOML, "policy as code") turns explained
//! factors into a score and a class. Every factor is `min(weight × input, cap)` with a
//! non-negative weight, so the score never falls when one factor's input rises.

use crate::model::FreezeWindow;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub use crate::vocab::RiskClass;

/// Scores at or above which a release is in the class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub medium: f64,
    pub high: f64,
    pub critical: f64,
}

/// A factor raised by changes whose labels or titles carry one of the keywords; each
/// matching change adds `weight`, up to `cap`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordFactor {
    pub weight: f64,
    pub cap: f64,
    /// Matched case-insensitively against the start of each word of a title or label.
    pub keywords: Vec<String>,
}

/// `min(weight × input, cap)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaledFactor {
    pub weight: f64,
    pub cap: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailureRateFactor {
    /// Multiplies the change failure rate (0..1).
    pub weight: f64,
    pub cap: f64,
    pub window_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimingFactor {
    /// The release date is inside a freeze window that applies to its services.
    pub in_freeze: f64,
    /// A freeze window starts within `near_freeze_days` after the release date.
    pub near_freeze: f64,
    pub near_freeze_days: u32,
    pub weekend: f64,
    pub holiday: f64,
    pub holidays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factors {
    pub database_migration: KeywordFactor,
    pub auth_change: KeywordFactor,
    pub infra_change: KeywordFactor,
    /// Input: services shipped plus the services that depend on them.
    pub blast_radius: ScaledFactor,
    /// Input: thousands of lines changed (additions + deletions of the release's PRs).
    pub change_size: ScaledFactor,
    /// Input: share (0..1) of the release's PRs without a green CI run.
    pub test_evidence: ScaledFactor,
    /// Input: 1 when no rollback plan is ready (a done rollback checklist item or a change
    /// record with a rollback plan), else 0.
    pub rollback_readiness: ScaledFactor,
    pub failure_rate: FailureRateFactor,
    pub timing: TimingFactor,
}

/// Who must approve a go decision for a class: at least `count` distinct approvers, and
/// one of each of `roles` among them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRule {
    pub count: u32,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approvals {
    pub low: ApprovalRule,
    pub medium: ApprovalRule,
    pub high: ApprovalRule,
    pub critical: ApprovalRule,
}

impl Approvals {
    pub fn for_class(&self, class: RiskClass) -> &ApprovalRule {
        match class {
            RiskClass::Low => &self.low,
            RiskClass::Medium => &self.medium,
            RiskClass::High => &self.high,
            RiskClass::Critical => &self.critical,
        }
    }
}

/// The expedited path for hotfix and emergency releases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expedited {
    /// A post-release review is due this many days after a hotfix ships.
    pub hotfix_review_days: u32,
    pub emergency_review_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskPolicy {
    /// The format of this file; 1.
    pub version: u32,
    pub thresholds: Thresholds,
    pub factors: Factors,
    pub approvals: Approvals,
    pub expedited: Expedited,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for RiskPolicy {
    fn default() -> Self {
        RiskPolicy {
            version: 1,
            thresholds: Thresholds {
                medium: 30.0,
                high: 60.0,
                critical: 80.0,
            },
            factors: Factors {
                database_migration: KeywordFactor {
                    weight: 10.0,
                    cap: 20.0,
                    keywords: words(&["migration", "schema", "database", "ddl", "db-"]),
                },
                auth_change: KeywordFactor {
                    weight: 8.0,
                    cap: 16.0,
                    keywords: words(&[
                        "auth",
                        "oauth",
                        "sso",
                        "login",
                        "permission",
                        "rbac",
                        "idp",
                    ]),
                },
                infra_change: KeywordFactor {
                    weight: 5.0,
                    cap: 10.0,
                    keywords: words(&[
                        "infra",
                        "terraform",
                        "k8s",
                        "kubernetes",
                        "helm",
                        "autoscaling",
                        "cdn",
                        "dns",
                    ]),
                },
                blast_radius: ScaledFactor {
                    weight: 2.0,
                    cap: 20.0,
                },
                change_size: ScaledFactor {
                    weight: 0.5,
                    cap: 10.0,
                },
                test_evidence: ScaledFactor {
                    weight: 20.0,
                    cap: 20.0,
                },
                rollback_readiness: ScaledFactor {
                    weight: 10.0,
                    cap: 10.0,
                },
                failure_rate: FailureRateFactor {
                    weight: 100.0,
                    cap: 20.0,
                    window_days: 30,
                },
                timing: TimingFactor {
                    in_freeze: 25.0,
                    near_freeze: 10.0,
                    near_freeze_days: 3,
                    weekend: 10.0,
                    holiday: 10.0,
                    holidays: vec![],
                },
            },
            approvals: Approvals {
                low: ApprovalRule {
                    count: 0,
                    roles: vec![],
                },
                medium: ApprovalRule {
                    count: 1,
                    roles: vec![],
                },
                high: ApprovalRule {
                    count: 2,
                    roles: words(&["sre"]),
                },
                critical: ApprovalRule {
                    count: 3,
                    roles: words(&["sre", "change_board"]),
                },
            },
            expedited: Expedited {
                hotfix_review_days: 5,
                emergency_review_days: 2,
            },
        }
    }
}

/// A policy file that does not parse or does not make sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PolicyError(pub String);

impl RiskPolicy {
    /// Parses and validates a policy file. Errors are one line and name the line and column.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let policy: RiskPolicy = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().replace('\n', " ");
            match e.span() {
                Some(span) => {
                    let (line, col) = line_col(text, span.start);
                    PolicyError(format!("policy line {line}, column {col}: {msg}"))
                }
                None => PolicyError(format!("policy: {msg}")),
            }
        })?;
        policy.validate()?;
        Ok(policy)
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!("# Switchyard risk policy. Every factor adds min(weight x input, cap) to the score.\n{body}")
    }

    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.version != 1 {
            return Err(PolicyError(format!(
                "policy version {} is not known (this build reads version 1)",
                self.version
            )));
        }
        let f = &self.factors;
        let t = &f.timing;
        let numbers = [
            ("thresholds.medium", self.thresholds.medium),
            ("thresholds.high", self.thresholds.high),
            ("thresholds.critical", self.thresholds.critical),
            ("database_migration.weight", f.database_migration.weight),
            ("database_migration.cap", f.database_migration.cap),
            ("auth_change.weight", f.auth_change.weight),
            ("auth_change.cap", f.auth_change.cap),
            ("infra_change.weight", f.infra_change.weight),
            ("infra_change.cap", f.infra_change.cap),
            ("blast_radius.weight", f.blast_radius.weight),
            ("blast_radius.cap", f.blast_radius.cap),
            ("change_size.weight", f.change_size.weight),
            ("change_size.cap", f.change_size.cap),
            ("test_evidence.weight", f.test_evidence.weight),
            ("test_evidence.cap", f.test_evidence.cap),
            ("rollback_readiness.weight", f.rollback_readiness.weight),
            ("rollback_readiness.cap", f.rollback_readiness.cap),
            ("failure_rate.weight", f.failure_rate.weight),
            ("failure_rate.cap", f.failure_rate.cap),
            ("timing.in_freeze", t.in_freeze),
            ("timing.near_freeze", t.near_freeze),
            ("timing.weekend", t.weekend),
            ("timing.holiday", t.holiday),
        ];
        for (name, v) in numbers {
            if !v.is_finite() || v < 0.0 {
                return Err(PolicyError(format!(
                    "policy: {name} must be a number >= 0, not {v}"
                )));
            }
        }
        let th = &self.thresholds;
        if !(th.medium <= th.high && th.high <= th.critical) {
            return Err(PolicyError(
                "policy: thresholds must rise: medium <= high <= critical".into(),
            ));
        }
        Ok(())
    }

    pub fn class_of(&self, score: f64) -> RiskClass {
        let t = &self.thresholds;
        if score >= t.critical {
            RiskClass::Critical
        } else if score >= t.high {
            RiskClass::High
        } else if score >= t.medium {
            RiskClass::Medium
        } else {
            RiskClass::Low
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    // The parser's span may start inside a character (an escape ending in `»`): back up to
    // the character's start rather than slice inside it.
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// What the store knows about one change (work item) of the release.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeFacts {
    /// How the change is shown: `#12 Fix session refresh`.
    pub label: String,
    pub title: String,
    pub labels: Vec<String>,
    pub is_pull_request: bool,
    /// Additions + deletions (PRs).
    pub lines: i64,
    /// The CI result of the change: `Some(true)` green, `Some(false)` red, `None` no run.
    pub ci_green: Option<bool>,
}

/// Production deployments of one service in the failure-rate window.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFailures {
    pub service: String,
    pub failed: i64,
    pub total: i64,
}

/// Everything a risk assessment reads, gathered from the workspace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RiskInputs {
    pub release_date: Option<NaiveDate>,
    pub services: Vec<String>,
    pub changes: Vec<ChangeFacts>,
    /// Service dependencies by name: (blocker, blocked): `blocked` needs `blocker`.
    pub service_edges: Vec<(String, String)>,
    pub rollback_item_done: bool,
    pub rollback_plan_recorded: bool,
    pub failures: Vec<ServiceFailures>,
    pub freeze_windows: Vec<FreezeWindow>,
    /// Holidays of the workspace (the policy may list more).
    pub holidays: Vec<NaiveDate>,
}

/// The numeric input of every factor, derived from `RiskInputs`; the score is a monotone
/// function of these.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Measures {
    pub migration_changes: Vec<String>,
    pub auth_changes: Vec<String>,
    pub infra_changes: Vec<String>,
    /// Shipped services and their (transitive) dependents.
    pub affected_services: Vec<String>,
    pub dependents: usize,
    pub lines_changed: i64,
    pub pull_requests: usize,
    pub without_green_ci: usize,
    pub rollback_ready: bool,
    /// The worst service: (name, failed, total).
    pub failure_rate: Option<(String, i64, i64)>,
    pub in_freeze: Option<String>,
    pub near_freeze: Option<(String, i64)>,
    pub weekend: bool,
    pub holiday: bool,
}

/// One factor of an assessment, as stored in `risk_assessments.factors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorScore {
    pub factor: String,
    pub input: f64,
    pub weight: f64,
    pub contribution: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub score: f64,
    pub class: RiskClass,
    pub factors: Vec<FactorScore>,
}

/// The words of `s`: runs of letters, digits and hyphens.
fn words_of(s: &str) -> impl Iterator<Item = &str> + '_ {
    s.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
}

/// Whether a checklist item is the release's rollback plan: its rule says so, or its title
/// speaks of a rollback (any case). A done one lowers the risk.
pub fn is_rollback_item(title: &str, rule: Option<&str>) -> bool {
    rule == Some("rollback_plan") || title.to_lowercase().contains("rollback")
}

/// Keywords lowered once, for matching many titles (a release's thousands of changes).
struct Keywords(Vec<String>);

impl Keywords {
    fn new(keywords: &[String]) -> Self {
        Keywords(
            keywords
                .iter()
                .map(|k| k.to_lowercase())
                .filter(|k| !k.is_empty())
                .collect(),
        )
    }

    /// Does `word` (any case) start with one of the keywords?
    fn starts(&self, word: &str) -> bool {
        if word.is_ascii() {
            let w = word.as_bytes();
            return self
                .0
                .iter()
                .any(|k| w.len() >= k.len() && w[..k.len()].eq_ignore_ascii_case(k.as_bytes()));
        }
        let w = word.to_lowercase();
        self.0.iter().any(|k| w.starts_with(k.as_str()))
    }

    /// Does any word of the title, or any label or word of a label, start with a keyword?
    fn matches(&self, title: &str, labels: &[String]) -> bool {
        !self.0.is_empty()
            && (words_of(title).any(|w| self.starts(w))
                || labels
                    .iter()
                    .any(|l| self.starts(l) || words_of(l).any(|w| self.starts(w))))
    }
}

/// Does any word of the title or any label start with one of the keywords (any case)?
pub fn matches_keywords(title: &str, labels: &[String], keywords: &[String]) -> bool {
    Keywords::new(keywords).matches(title, labels)
}

/// Services that depend, directly or through others, on any of `services` (not including
/// `services` themselves), sorted.
pub fn dependents_of(services: &[String], edges: &[(String, String)]) -> Vec<String> {
    let mut seen: BTreeSet<String> = services.iter().cloned().collect();
    let mut queue: Vec<String> = services.to_vec();
    let mut out = BTreeSet::new();
    while let Some(s) = queue.pop() {
        for (blocker, blocked) in edges {
            if *blocker == s && seen.insert(blocked.clone()) {
                out.insert(blocked.clone());
                queue.push(blocked.clone());
            }
        }
    }
    out.into_iter().collect()
}

pub fn measure(policy: &RiskPolicy, inputs: &RiskInputs) -> Measures {
    let f = &policy.factors;
    let pick = |kf: &KeywordFactor| -> Vec<String> {
        let keywords = Keywords::new(&kf.keywords);
        inputs
            .changes
            .iter()
            .filter(|c| keywords.matches(&c.title, &c.labels))
            .map(|c| c.label.clone())
            .collect()
    };
    let dependents = dependents_of(&inputs.services, &inputs.service_edges);
    let mut affected: Vec<String> = inputs.services.clone();
    affected.extend(dependents.iter().cloned());
    let prs: Vec<&ChangeFacts> = inputs
        .changes
        .iter()
        .filter(|c| c.is_pull_request)
        .collect();
    let failure_rate = inputs
        .failures
        .iter()
        .filter(|s| s.total > 0)
        .max_by(|a, b| {
            let ra = a.failed as f64 / a.total as f64;
            let rb = b.failed as f64 / b.total as f64;
            ra.total_cmp(&rb).then(b.service.cmp(&a.service))
        })
        .map(|s| (s.service.clone(), s.failed, s.total));
    let (mut in_freeze, mut near_freeze, mut weekend, mut holiday) = (None, None, false, false);
    if let Some(day) = inputs.release_date {
        let relevant = inputs
            .freeze_windows
            .iter()
            .filter(|w| w.applies_to_any(&inputs.services));
        for w in relevant {
            if w.covers(day) {
                in_freeze.get_or_insert_with(|| w.name.clone());
            } else {
                let days = (w.start_date - day).num_days();
                if days > 0 && days <= i64::from(f.timing.near_freeze_days) {
                    let closer = near_freeze.as_ref().is_none_or(|(_, d)| days < *d);
                    if closer {
                        near_freeze = Some((w.name.clone(), days));
                    }
                }
            }
        }
        weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        holiday = f.timing.holidays.contains(&day) || inputs.holidays.contains(&day);
    }
    Measures {
        migration_changes: pick(&f.database_migration),
        auth_changes: pick(&f.auth_change),
        infra_changes: pick(&f.infra_change),
        dependents: dependents.len(),
        affected_services: affected,
        lines_changed: prs.iter().map(|c| c.lines.max(0)).sum(),
        pull_requests: prs.len(),
        without_green_ci: prs.iter().filter(|c| c.ci_green != Some(true)).count(),
        rollback_ready: inputs.rollback_item_done || inputs.rollback_plan_recorded,
        failure_rate,
        in_freeze,
        near_freeze,
        weekend,
        holiday,
    }
}

fn contribution(weight: f64, cap: f64, input: f64) -> f64 {
    let v = (weight * input.max(0.0)).min(cap);
    (v * 100.0).round() / 100.0
}

fn listed(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(3).map(String::as_str).collect();
    let more = items.len().saturating_sub(3);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Scores the measures under the policy.
pub fn score(policy: &RiskPolicy, m: &Measures) -> Assessment {
    let f = &policy.factors;
    let mut out = Vec::new();
    let mut keyword = |name: &str, kf: &KeywordFactor, hits: &[String], what: &str| {
        let input = hits.len() as f64;
        out.push(FactorScore {
            factor: name.into(),
            input,
            weight: kf.weight,
            contribution: contribution(kf.weight, kf.cap, input),
            reason: if hits.is_empty() {
                format!("no change looks like {what}")
            } else {
                format!(
                    "{} change(s) look like {what}: {}",
                    hits.len(),
                    listed(hits)
                )
            },
        });
    };
    keyword(
        "database_migration",
        &f.database_migration,
        &m.migration_changes,
        "a database migration",
    );
    keyword(
        "auth_change",
        &f.auth_change,
        &m.auth_changes,
        "an auth change",
    );
    keyword(
        "infra_change",
        &f.infra_change,
        &m.infra_changes,
        "an infrastructure change",
    );
    let n = m.affected_services.len() as f64;
    out.push(FactorScore {
        factor: "blast_radius".into(),
        input: n,
        weight: f.blast_radius.weight,
        contribution: contribution(f.blast_radius.weight, f.blast_radius.cap, n),
        reason: format!(
            "{} service(s) affected ({} shipped, {} depending on them): {}",
            m.affected_services.len(),
            m.affected_services.len() - m.dependents,
            m.dependents,
            listed(&m.affected_services)
        ),
    });
    let k = m.lines_changed as f64 / 1000.0;
    out.push(FactorScore {
        factor: "change_size".into(),
        input: k,
        weight: f.change_size.weight,
        contribution: contribution(f.change_size.weight, f.change_size.cap, k),
        reason: format!(
            "{} lines changed in {} pull request(s)",
            m.lines_changed, m.pull_requests
        ),
    });
    let share = if m.pull_requests == 0 {
        1.0
    } else {
        m.without_green_ci as f64 / m.pull_requests as f64
    };
    out.push(FactorScore {
        factor: "test_evidence".into(),
        input: share,
        weight: f.test_evidence.weight,
        contribution: contribution(f.test_evidence.weight, f.test_evidence.cap, share),
        reason: if m.pull_requests == 0 {
            "no CI results for the release's changes".into()
        } else {
            format!(
                "{} of {} pull request(s) without a green CI run",
                m.without_green_ci, m.pull_requests
            )
        },
    });
    let rb = if m.rollback_ready { 0.0 } else { 1.0 };
    out.push(FactorScore {
        factor: "rollback_readiness".into(),
        input: rb,
        weight: f.rollback_readiness.weight,
        contribution: contribution(f.rollback_readiness.weight, f.rollback_readiness.cap, rb),
        reason: if m.rollback_ready {
            "rollback plan ready".into()
        } else {
            "no rollback plan reviewed or recorded".into()
        },
    });
    let (rate, reason) = match &m.failure_rate {
        Some((s, failed, total)) => (
            *failed as f64 / *total as f64,
            format!(
                "{s}: {failed} of {total} production deployments failed in the last {} days",
                f.failure_rate.window_days
            ),
        ),
        None => (
            0.0,
            format!(
                "no production deployments in the last {} days",
                f.failure_rate.window_days
            ),
        ),
    };
    out.push(FactorScore {
        factor: "failure_rate".into(),
        input: (rate * 10000.0).round() / 10000.0,
        weight: f.failure_rate.weight,
        contribution: contribution(f.failure_rate.weight, f.failure_rate.cap, rate),
        reason,
    });
    let t = &f.timing;
    let mut timing = 0.0;
    let mut why = Vec::new();
    let mut flags = 0.0;
    if let Some(w) = &m.in_freeze {
        timing += t.in_freeze;
        flags += 1.0;
        why.push(format!("inside freeze window {w}"));
    }
    if let Some((w, d)) = &m.near_freeze {
        timing += t.near_freeze;
        flags += 1.0;
        why.push(format!("{d} day(s) before freeze window {w}"));
    }
    if m.weekend {
        timing += t.weekend;
        flags += 1.0;
        why.push("on a weekend".into());
    }
    if m.holiday {
        timing += t.holiday;
        flags += 1.0;
        why.push("on a holiday".into());
    }
    out.push(FactorScore {
        factor: "timing".into(),
        input: flags,
        weight: 1.0,
        contribution: (timing * 100.0).round() / 100.0,
        reason: if why.is_empty() {
            "a working day away from freeze windows".into()
        } else {
            why.join("; ")
        },
    });
    let total: f64 = out.iter().map(|f| f.contribution).sum();
    let total = (total * 100.0).round() / 100.0;
    Assessment {
        score: total,
        class: policy.class_of(total),
        factors: out,
    }
}

/// `measure` then `score`.
pub fn assess(policy: &RiskPolicy, inputs: &RiskInputs) -> Assessment {
    score(policy, &measure(policy, inputs))
}

/// The required approvals of each class, for display.
pub fn approval_table(policy: &RiskPolicy) -> BTreeMap<&'static str, ApprovalRule> {
    RiskClass::ALL
        .iter()
        .map(|c| (c.as_str(), policy.approvals.for_class(*c).clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_rollback_plan_item_by_its_rule_or_its_title() {
        assert!(is_rollback_item("Rollback plan reviewed", None));
        assert!(is_rollback_item("Plan", Some("rollback_plan")));
        assert!(is_rollback_item("ROLLBACK rehearsed", Some("ci_green")));
        assert!(!is_rollback_item("Release notes drafted", None));
    }

    #[test]
    fn class_thresholds_are_inclusive_lower_bounds() {
        let p = RiskPolicy::default();
        assert_eq!(p.class_of(0.0), RiskClass::Low);
        assert_eq!(p.class_of(29.99), RiskClass::Low);
        assert_eq!(p.class_of(30.0), RiskClass::Medium);
        assert_eq!(p.class_of(59.99), RiskClass::Medium);
        assert_eq!(p.class_of(60.0), RiskClass::High);
        assert_eq!(p.class_of(79.99), RiskClass::High);
        assert_eq!(p.class_of(80.0), RiskClass::Critical);
        assert_eq!(p.class_of(1e9), RiskClass::Critical);
    }

    #[test]
    fn the_default_policy_round_trips_through_toml() {
        let p = RiskPolicy::default();
        let text = p.to_toml();
        assert_eq!(RiskPolicy::from_toml(&text).unwrap(), p);
    }

    #[test]
    fn a_malformed_policy_names_line_and_column_on_one_line() {
        let text = RiskPolicy::default()
            .to_toml()
            .replacen("medium = 30.0", "medium = = 30", 1);
        let e = RiskPolicy::from_toml(&text).unwrap_err().0;
        assert!(e.contains("line ") && e.contains("column "), "{e}");
        assert!(!e.contains('\n'));
        let text = RiskPolicy::default()
            .to_toml()
            .replacen("medium = 30.0", "medium = -1.0", 1);
        assert!(RiskPolicy::from_toml(&text).is_err());
        let text = RiskPolicy::default().to_toml().replacen(
            "version = 1",
            "version = 1\nsurprise = true",
            1,
        );
        let e = RiskPolicy::from_toml(&text).unwrap_err().0;
        assert!(e.contains("surprise"), "{e}");
    }

    #[test]
    fn keywords_match_word_starts_in_titles_and_labels() {
        let kw = words(&["auth", "schema"]);
        assert!(matches_keywords("Harden authentication flow", &[], &kw));
        assert!(matches_keywords(
            "Update warehouse export",
            &["schema-change".into()],
            &kw
        ));
        assert!(!matches_keywords(
            "Fix cart totals rounding",
            &["bug".into()],
            &kw
        ));
        assert!(!matches_keywords("Remove oauthless path", &[], &kw));
        // Any case, in ASCII and beyond; a keyword longer than the word never matches.
        assert!(matches_keywords("AUTHN rework", &[], &kw));
        assert!(matches_keywords("x", &["Schema".into()], &kw));
        assert!(!matches_keywords("au", &[], &kw));
        let umlaut = words(&["Ärger"]);
        assert!(matches_keywords("ärgerlich Fehler", &[], &umlaut));
        assert!(matches_keywords("ÄRGERLICH", &[], &umlaut));
        assert!(!matches_keywords("Arger", &[], &umlaut));
        assert!(!matches_keywords(
            "anything",
            &["auth".into()],
            &words(&[""])
        ));
    }

    #[test]
    fn dependents_are_transitive_and_exclude_the_shipped_services() {
        let e = |a: &str, b: &str| (a.to_string(), b.to_string());
        let edges = vec![e("auth", "gateway"), e("gateway", "web"), e("web", "auth")];
        assert_eq!(
            dependents_of(&["auth".into()], &edges),
            vec!["gateway".to_string(), "web".to_string()]
        );
    }

    #[test]
    fn every_factor_is_explained() {
        let inputs = RiskInputs {
            release_date: NaiveDate::from_ymd_opt(2026, 12, 19),
            services: vec!["auth-service".into()],
            changes: vec![ChangeFacts {
                label: "#1 Add schema migration".into(),
                title: "Add schema migration".into(),
                labels: vec![],
                is_pull_request: true,
                lines: 2500,
                ci_green: Some(false),
            }],
            failures: vec![ServiceFailures {
                service: "auth-service".into(),
                failed: 1,
                total: 10,
            }],
            ..Default::default()
        };
        let a = assess(&RiskPolicy::default(), &inputs);
        let names: Vec<&str> = a.factors.iter().map(|f| f.factor.as_str()).collect();
        assert_eq!(
            names,
            [
                "database_migration",
                "auth_change",
                "infra_change",
                "blast_radius",
                "change_size",
                "test_evidence",
                "rollback_readiness",
                "failure_rate",
                "timing"
            ]
        );
        // 10 + 0 + 0 + 2 + 1.25 (0.5 per 1,000 lines) + 20 + 10 + 10 + 10 (a Saturday)
        assert_eq!(a.score, 63.25);
        assert_eq!(a.class, RiskClass::High);
        assert!(a.factors.iter().all(|f| !f.reason.is_empty()));
    }

    fn arb_policy() -> impl Strategy<Value = RiskPolicy> {
        (
            proptest::collection::vec(0.0f64..50.0, 12),
            proptest::collection::vec(0.0f64..100.0, 3),
        )
            .prop_map(|(w, mut th)| {
                th.sort_by(f64::total_cmp);
                let mut p = RiskPolicy::default();
                let f = &mut p.factors;
                f.database_migration.weight = w[0];
                f.auth_change.weight = w[1];
                f.infra_change.weight = w[2];
                f.blast_radius.weight = w[3];
                f.change_size.weight = w[4];
                f.test_evidence.weight = w[5];
                f.rollback_readiness.weight = w[6];
                f.failure_rate.weight = w[7] * 4.0;
                f.timing.in_freeze = w[8];
                f.timing.near_freeze = w[9];
                f.timing.weekend = w[10];
                f.timing.holiday = w[11];
                p.thresholds = Thresholds {
                    medium: th[0],
                    high: th[1],
                    critical: th[2],
                };
                p
            })
    }

    fn arb_measures() -> impl Strategy<Value = Measures> {
        (
            (0usize..5, 0usize..5, 0usize..5, 0usize..15),
            (0i64..50_000, 0usize..40, 0usize..40, any::<bool>()),
            (0i64..20, 1i64..40, any::<bool>(), any::<bool>()),
            (any::<bool>(), any::<bool>()),
        )
            .prop_map(
                |((mi, au, inf, svc), (lines, prs, red, rb), (f, t, fz, nf), (we, ho))| {
                    let names = |n: usize, p: &str| (0..n).map(|i| format!("{p}{i}")).collect();
                    Measures {
                        migration_changes: names(mi, "m"),
                        auth_changes: names(au, "a"),
                        infra_changes: names(inf, "i"),
                        affected_services: names(svc, "s"),
                        dependents: 0,
                        lines_changed: lines,
                        pull_requests: prs,
                        without_green_ci: red.min(prs),
                        rollback_ready: rb,
                        failure_rate: Some(("s".into(), f.min(t), t)),
                        in_freeze: fz.then(|| "freeze".into()),
                        near_freeze: nf.then(|| ("freeze".into(), 2)),
                        weekend: we,
                        holiday: ho,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn score_is_monotone_in_each_factor_input(p in arb_policy(), m in arb_measures(), step in 1usize..4) {
            let base = score(&p, &m).score;
            let mut raised: Vec<Measures> = Vec::new();
            let mut x = m.clone(); x.migration_changes.extend((0..step).map(|i| format!("x{i}"))); raised.push(x);
            let mut x = m.clone(); x.auth_changes.extend((0..step).map(|i| format!("x{i}"))); raised.push(x);
            let mut x = m.clone(); x.infra_changes.extend((0..step).map(|i| format!("x{i}"))); raised.push(x);
            let mut x = m.clone(); x.affected_services.extend((0..step).map(|i| format!("x{i}"))); raised.push(x);
            let mut x = m.clone(); x.lines_changed += 500 * step as i64; raised.push(x);
            let mut x = m.clone(); x.without_green_ci = (x.without_green_ci + step).min(x.pull_requests); raised.push(x);
            let mut x = m.clone(); x.rollback_ready = false; raised.push(x);
            let mut x = m.clone();
            if let Some((_, f, t)) = x.failure_rate.as_mut() { *f = (*f + step as i64).min(*t); }
            raised.push(x);
            let mut x = m.clone(); x.in_freeze = Some("f".into()); raised.push(x);
            let mut x = m.clone(); x.near_freeze = Some(("f".into(), 1)); raised.push(x);
            let mut x = m.clone(); x.weekend = true; raised.push(x);
            let mut x = m.clone(); x.holiday = true; raised.push(x);
            for r in &raised {
                let s = score(&p, r);
                prop_assert!(s.score >= base, "{} < {}", s.score, base);
                prop_assert!(s.class >= p.class_of(base));
            }
        }

        #[test]
        fn the_class_follows_the_thresholds(p in arb_policy(), s in 0.0f64..200.0) {
            let c = p.class_of(s);
            let t = &p.thresholds;
            let expected = if s >= t.critical { RiskClass::Critical }
                else if s >= t.high { RiskClass::High }
                else if s >= t.medium { RiskClass::Medium }
                else { RiskClass::Low };
            prop_assert_eq!(c, expected);
            prop_assert!(p.class_of(s + 1.0) >= c);
        }
    }

    #[test]
    fn a_policy_error_inside_a_multibyte_character_is_reported_not_panicked() {
        // Found by the property below: toml's span for a bad escape ends inside `»`, and
        // the line and column were once sliced there (a panic on opening the policy).
        let e = RiskPolicy::from_toml("version = \"\\»\"").unwrap_err();
        assert!(e.0.starts_with("policy line 1, column "), "{e}");
        assert_eq!(line_col("a»b", 2), (1, 2));
    }

    /// The policy file as a person edits it: the default with a stretch replaced by
    /// anything (issue 16; the cargo-fuzz target `risk_policy` feeds raw bytes).
    fn edited_policy() -> impl Strategy<Value = String> {
        let text = RiskPolicy::default().to_toml();
        let len = text.len();
        (
            0..=len,
            0usize..40,
            "\\PC{0,30}|[\\[\\]=\"'.0-9e+\\-]{0,10}|\n",
        )
            .prop_map(move |(at, cut, with)| {
                let mut t = text.clone();
                let at = (0..=at).rev().find(|i| t.is_char_boundary(*i)).unwrap_or(0);
                let end = (at..=(at + cut).min(len))
                    .rev()
                    .find(|i| t.is_char_boundary(*i))
                    .unwrap_or(at);
                t.replace_range(at..end, &with);
                t
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn any_policy_text_is_read_or_refused_in_one_line(text in prop_oneof![edited_policy(), "\\PC{0,80}"]) {
            match RiskPolicy::from_toml(&text) {
                Ok(p) => {
                    prop_assert!(p.validate().is_ok());
                    prop_assert_eq!(RiskPolicy::from_toml(&p.to_toml()), Ok(p));
                }
                Err(PolicyError(m)) => {
                    prop_assert!(m.starts_with("policy"), "{m}");
                    prop_assert!(!m.contains('\n'), "{m}");
                }
            }
        }

        #[test]
        fn every_valid_policy_round_trips_through_toml(p in arb_policy()) {
            prop_assert_eq!(RiskPolicy::from_toml(&p.to_toml()), Ok(p));
        }
    }
}
