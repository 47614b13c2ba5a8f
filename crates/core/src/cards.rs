//! The headline DORA figures as every front end shows them: the window's metric cards,
//! the `switchyard dora` table and the leadership report's headline all print these
//! cards, so a number, its unit and its change against the previous period are written
//! one way.

use crate::delta::{compare, format_hours, Change, Unit};
use crate::dora::{Drill, Metrics};
use crate::settings::Cluster;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The six headline metrics, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MetricKey {
    DeploymentFrequency,
    LeadTime,
    ChangeFailureRate,
    RecoveryTime,
    ReworkRate,
    DeploymentSuccessRate,
}

impl MetricKey {
    pub const ALL: [MetricKey; 6] = [
        MetricKey::DeploymentFrequency,
        MetricKey::LeadTime,
        MetricKey::ChangeFailureRate,
        MetricKey::RecoveryTime,
        MetricKey::ReworkRate,
        MetricKey::DeploymentSuccessRate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MetricKey::DeploymentFrequency => "deployment_frequency",
            MetricKey::LeadTime => "lead_time",
            MetricKey::ChangeFailureRate => "change_failure_rate",
            MetricKey::RecoveryTime => "recovery_time",
            MetricKey::ReworkRate => "rework_rate",
            MetricKey::DeploymentSuccessRate => "deployment_success_rate",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MetricKey::DeploymentFrequency => "Deployment frequency",
            MetricKey::LeadTime => "Lead time for changes",
            MetricKey::ChangeFailureRate => "Change failure rate",
            MetricKey::RecoveryTime => "Failed deployment recovery time",
            MetricKey::ReworkRate => "Rework rate",
            MetricKey::DeploymentSuccessRate => "Deployment success rate",
        }
    }

    /// The records behind the number.
    pub fn drill(self) -> Drill {
        match self {
            MetricKey::DeploymentFrequency => Drill::Deployments,
            MetricKey::LeadTime => Drill::Changes,
            MetricKey::ChangeFailureRate => Drill::ChangeFailures,
            MetricKey::RecoveryTime => Drill::Recovered,
            MetricKey::ReworkRate => Drill::Rework,
            MetricKey::DeploymentSuccessRate => Drill::FailedDeployments,
        }
    }

    fn unit(self) -> Unit {
        match self {
            MetricKey::DeploymentFrequency => Unit::PerWeek,
            MetricKey::LeadTime | MetricKey::RecoveryTime => Unit::Hours,
            _ => Unit::Rate,
        }
    }

    fn higher_is_better(self) -> bool {
        matches!(
            self,
            MetricKey::DeploymentFrequency | MetricKey::DeploymentSuccessRate
        )
    }

    /// The number of a period: `None` when it had no samples (and, for the deployment
    /// frequency, when nothing at all was deployed, so no comparison is made with it).
    fn value(self, m: &Metrics) -> Option<f64> {
        match self {
            MetricKey::DeploymentFrequency => Some(m.deployment_frequency.per_week),
            MetricKey::LeadTime => m.lead_time.median_hours,
            MetricKey::ChangeFailureRate => m.change_failure_rate.value,
            MetricKey::RecoveryTime => m.recovery_time.median_hours,
            MetricKey::ReworkRate => m.rework_rate.value,
            MetricKey::DeploymentSuccessRate => m.deployment_success_rate.value,
        }
    }

    fn cluster(self, m: &Metrics) -> Option<Cluster> {
        match self {
            MetricKey::DeploymentFrequency => m.deployment_frequency.cluster,
            MetricKey::LeadTime => m.lead_time.cluster,
            MetricKey::ChangeFailureRate => m.change_failure_rate.cluster,
            MetricKey::RecoveryTime => m.recovery_time.cluster,
            MetricKey::ReworkRate | MetricKey::DeploymentSuccessRate => None,
        }
    }

    /// The samples behind the number, in words.
    fn detail(self, m: &Metrics) -> String {
        let of = |n: u64, d: u64| format!("{n} of {d} deployments");
        match self {
            MetricKey::DeploymentFrequency => format!(
                "{} deployments · {:.2} deploy-days / week",
                m.deployment_frequency.count, m.deployment_frequency.deploy_days_per_week
            ),
            MetricKey::LeadTime => format!(
                "median · p90 {} · {} changes, {} waiting",
                hours_text(m.lead_time.p90_hours),
                m.lead_time.changes,
                m.lead_time.waiting
            ),
            MetricKey::ChangeFailureRate => of(
                m.change_failure_rate.numerator,
                m.change_failure_rate.denominator,
            ),
            MetricKey::RecoveryTime => format!(
                "median · p90 {} · {} recovered, {} open",
                hours_text(m.recovery_time.p90_hours),
                m.recovery_time.failures,
                m.recovery_time.open
            ),
            MetricKey::ReworkRate => of(m.rework_rate.numerator, m.rework_rate.denominator),
            MetricKey::DeploymentSuccessRate => of(
                m.deployment_success_rate.numerator,
                m.deployment_success_rate.denominator,
            ),
        }
    }
}

/// Shown for a number without samples.
pub const NO_VALUE: &str = "–";

/// Hours as people read them (`format_hours`), or a dash.
pub fn hours_text(h: Option<f64>) -> String {
    h.map_or(NO_VALUE.into(), format_hours)
}

/// A share 0..1 as a percentage with one decimal ("3.2%"), or a dash.
pub fn pct_text(v: Option<f64>) -> String {
    v.map_or(NO_VALUE.into(), |v| format!("{:.1}%", v * 100.0))
}

/// A number split into the figure and its unit: ("3.20", "/ week"), ("12.5", "h"),
/// ("3.1", "days"), ("4.0", "%"); ("–", "") without a number.
fn figure(unit: Unit, v: Option<f64>) -> (String, String) {
    let Some(v) = v else {
        return (NO_VALUE.into(), String::new());
    };
    let (f, u) = match unit {
        Unit::PerWeek => (format!("{v:.2}"), "/ week"),
        Unit::Rate => (format!("{:.1}", v * 100.0), "%"),
        Unit::Hours if v < 1.0 => (format!("{:.0}", v * 60.0), "min"),
        Unit::Hours if v < 48.0 => (format!("{v:.1}"), "h"),
        Unit::Hours => (format!("{:.1}", v / 24.0), "days"),
    };
    (f, u.into())
}

/// "3.20 / week", "12.5 h", "4.0%" (no space before a percent sign), "–".
fn joined(figure: &str, unit: &str) -> String {
    match unit {
        "" => figure.into(),
        "%" => format!("{figure}%"),
        u => format!("{figure} {u}"),
    }
}

/// One headline figure of a period, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetricCard {
    pub metric: MetricKey,
    pub label: String,
    /// The raw number (per week, hours, or a share 0..1); `None` without samples.
    pub value: Option<f64>,
    /// The number as shown, without its unit: "3.20", "12.5", "4.0", or "–".
    pub figure: String,
    /// "/ week", "min", "h", "days" or "%"; empty without a number.
    pub unit: String,
    /// The figure and its unit together: "3.20 / week", "12.5 h", "4.0%", "–".
    pub text: String,
    /// The same number of the period before; `None` without samples there.
    pub previous: Option<f64>,
    /// As `text`, for the period before.
    pub previous_text: String,
    /// Against the period before: the direction of the value (the arrow), whether that is
    /// better or worse for the metric (the colour), and the difference in words.
    pub change: Change,
    /// The arrow and the change ("▲ +0.8 pts vs previous (3.2%)"); `None` when the two
    /// periods could not be compared.
    pub change_line: Option<String>,
    pub cluster: Option<Cluster>,
    /// The samples behind the number: "12 deployments · 1.75 deploy-days / week".
    pub detail: String,
    /// The records behind the number.
    pub drill: Drill,
}

/// The six headline cards of `now`, each against `before` (the period of the same length
/// just before) when there is one.
pub fn metric_cards(now: &Metrics, before: Option<&Metrics>) -> Vec<MetricCard> {
    // A period with no production deployment at all has no frequency to compare with.
    let deployed =
        |m: &Metrics| m.deployment_frequency.count > 0 || m.deployment_success_rate.denominator > 0;
    MetricKey::ALL
        .iter()
        .map(|&key| {
            let unit = key.unit();
            let value = key.value(now);
            let previous = before.and_then(|b| match key {
                MetricKey::DeploymentFrequency if !deployed(b) => None,
                _ => key.value(b),
            });
            let (fig, u) = figure(unit, value);
            let (pfig, pu) = figure(unit, previous);
            let change = match before {
                Some(_) => compare(value, previous, unit, key.higher_is_better()),
                None => Change {
                    direction: None,
                    verdict: crate::delta::Verdict::Unknown,
                    text: "no previous period".into(),
                },
            };
            MetricCard {
                metric: key,
                label: key.label().into(),
                value,
                text: joined(&fig, &u),
                figure: fig,
                unit: u,
                previous,
                previous_text: joined(&pfig, &pu),
                change_line: change.direction.map(|_| change.line()),
                change,
                cluster: key.cluster(now),
                detail: key.detail(now),
                drill: key.drill(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delta::{Direction, Verdict};
    use crate::dora::{ChangeFailureRate, Frequency, LeadTime, Ratio, RecoveryTime};

    fn empty() -> Metrics {
        Metrics {
            deployment_frequency: Frequency {
                count: 0,
                per_week: 0.0,
                deploy_days_per_week: 0.0,
                cluster: Some(Cluster::Low),
            },
            deployment_success_rate: Ratio {
                numerator: 0,
                denominator: 0,
                value: None,
            },
            lead_time: LeadTime {
                median_hours: None,
                p90_hours: None,
                changes: 0,
                waiting: 3,
                cluster: None,
            },
            change_failure_rate: ChangeFailureRate {
                numerator: 0,
                denominator: 0,
                value: None,
                cluster: None,
            },
            recovery_time: RecoveryTime {
                median_hours: None,
                p90_hours: None,
                failures: 0,
                open: 0,
                cluster: None,
            },
            rework_rate: Ratio {
                numerator: 0,
                denominator: 0,
                value: None,
            },
            unlinked_incidents: 0,
        }
    }

    fn busy() -> Metrics {
        let mut m = empty();
        m.deployment_frequency = Frequency {
            count: 42,
            per_week: 3.5,
            deploy_days_per_week: 2.25,
            cluster: Some(Cluster::High),
        };
        m.deployment_success_rate = Ratio {
            numerator: 42,
            denominator: 44,
            value: Some(42.0 / 44.0),
        };
        m.lead_time = LeadTime {
            median_hours: Some(72.0),
            p90_hours: Some(130.0),
            changes: 60,
            waiting: 4,
            cluster: Some(Cluster::Medium),
        };
        m.change_failure_rate = ChangeFailureRate {
            numerator: 2,
            denominator: 42,
            value: Some(2.0 / 42.0),
            cluster: Some(Cluster::Elite),
        };
        m.recovery_time = RecoveryTime {
            median_hours: Some(0.5),
            p90_hours: Some(3.0),
            failures: 2,
            open: 1,
            cluster: Some(Cluster::Elite),
        };
        m.rework_rate = Ratio {
            numerator: 1,
            denominator: 42,
            value: Some(1.0 / 42.0),
        };
        m
    }

    fn card(cards: &[MetricCard], key: MetricKey) -> &MetricCard {
        cards.iter().find(|c| c.metric == key).expect("a card")
    }

    #[test]
    fn values_and_units_are_written_one_way() {
        let now = busy();
        let cards = metric_cards(&now, Some(&empty()));
        let keys: Vec<MetricKey> = cards.iter().map(|c| c.metric).collect();
        assert_eq!(keys, MetricKey::ALL);

        let f = card(&cards, MetricKey::DeploymentFrequency);
        assert_eq!((f.figure.as_str(), f.unit.as_str()), ("3.50", "/ week"));
        assert_eq!(f.text, "3.50 / week");
        assert_eq!(f.value, Some(3.5));
        assert_eq!(f.cluster, Some(Cluster::High));
        assert_eq!(f.detail, "42 deployments · 2.25 deploy-days / week");
        assert_eq!(f.drill, Drill::Deployments);

        // 72 hours read as days, as the change against the previous period reads them.
        let lt = card(&cards, MetricKey::LeadTime);
        assert_eq!((lt.figure.as_str(), lt.unit.as_str()), ("3.0", "days"));
        assert_eq!(lt.text, "3.0 days");
        assert_eq!(lt.detail, "median · p90 5.4 days · 60 changes, 4 waiting");

        // Half an hour in minutes.
        let r = card(&cards, MetricKey::RecoveryTime);
        assert_eq!(r.text, "30 min");
        assert_eq!(r.detail, "median · p90 3.0 h · 2 recovered, 1 open");

        let cfr = card(&cards, MetricKey::ChangeFailureRate);
        assert_eq!((cfr.figure.as_str(), cfr.unit.as_str()), ("4.8", "%"));
        assert_eq!(cfr.text, "4.8%");
        assert_eq!(cfr.detail, "2 of 42 deployments");
        assert_eq!(card(&cards, MetricKey::DeploymentSuccessRate).text, "95.5%");
        assert_eq!(card(&cards, MetricKey::ReworkRate).cluster, None);
    }

    #[test]
    fn the_change_follows_the_value_and_the_verdict_the_metric() {
        let before = busy();
        let mut now = busy();
        now.change_failure_rate.value = Some(0.08);
        now.lead_time.median_hours = Some(24.0);
        now.deployment_success_rate.value = Some(0.90);
        now.deployment_frequency.per_week = 3.51;
        let cards = metric_cards(&now, Some(&before));

        let cfr = card(&cards, MetricKey::ChangeFailureRate);
        assert_eq!(cfr.change.direction, Some(Direction::Up));
        assert_eq!(cfr.change.verdict, Verdict::Worse);
        assert_eq!(cfr.change.text, "+3.2 pts vs previous (4.8%)");
        assert_eq!(cfr.previous_text, "4.8%");
        assert_eq!(
            cfr.change_line.as_deref(),
            Some("▲ +3.2 pts vs previous (4.8%)")
        );

        let lt = card(&cards, MetricKey::LeadTime);
        assert_eq!(
            (lt.change.direction, lt.change.verdict),
            (Some(Direction::Down), Verdict::Better)
        );
        assert_eq!(lt.previous_text, "3.0 days");

        let sr = card(&cards, MetricKey::DeploymentSuccessRate);
        assert_eq!(
            (sr.change.direction, sr.change.verdict),
            (Some(Direction::Down), Verdict::Worse)
        );
        // Within half a percent: the same.
        let f = card(&cards, MetricKey::DeploymentFrequency);
        assert_eq!(
            (f.change.direction, f.change.verdict),
            (Some(Direction::Flat), Verdict::Same)
        );
        assert_eq!(f.change.line(), "= ±0.00 / week vs previous (3.50 / week)");
    }

    #[test]
    fn a_number_without_samples_is_a_dash_and_not_compared() {
        let cards = metric_cards(&empty(), Some(&empty()));
        let f = card(&cards, MetricKey::DeploymentFrequency);
        // Nothing deployed is a frequency of zero, but the period before had none either.
        assert_eq!(f.text, "0.00 / week");
        assert_eq!(f.previous, None);
        assert_eq!(f.previous_text, "–");
        assert_eq!(f.change.verdict, Verdict::Unknown);
        assert_eq!(f.change.text, "no data in the previous period");
        let lt = card(&cards, MetricKey::LeadTime);
        assert_eq!(
            (lt.figure.as_str(), lt.unit.as_str(), lt.text.as_str()),
            ("–", "", "–")
        );
        assert_eq!(lt.detail, "median · p90 – · 0 changes, 3 waiting");
        assert_eq!(lt.change.direction, None);
        assert_eq!(lt.change.text, "no data");
        assert_eq!(lt.change_line, None);
        let cfr = card(&cards, MetricKey::ChangeFailureRate);
        assert_eq!((cfr.text.as_str(), cfr.value), ("–", None));
        assert_eq!(cfr.detail, "0 of 0 deployments");

        // Numbers now, none before.
        let cards = metric_cards(&busy(), Some(&empty()));
        let cfr = card(&cards, MetricKey::ChangeFailureRate);
        assert_eq!(cfr.change.text, "no data in the previous period");

        // No period before at all (the CLI's table).
        let cards = metric_cards(&busy(), None);
        assert!(cards.iter().all(|c| c.previous.is_none()
            && c.previous_text == "–"
            && c.change.direction.is_none()));
    }
}
