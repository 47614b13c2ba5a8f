//! Workspace settings: the few knobs docs/metrics.md lists. Stored as JSON
//! (the store keeps it in `meta` under the key `settings`); every field has a default, so
//! an absent or partial document reads as the defaults.

use serde::{Deserialize, Serialize};

pub use crate::vocab::{Cluster, DeploySource};
use ts_rs::TS;

/// The bounds of the elite, high and medium clusters of one metric; anything past `medium`
/// is low. Whether a bound is a floor (deployment frequency) or a ceiling (the others) is the
/// metric's business.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub elite: f64,
    pub high: f64,
    pub medium: f64,
}

/// Cluster thresholds; the defaults are the table in docs/metrics.md.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Successful production deployments per week, at least (`>=`).
    pub deployments_per_week: Bounds,
    /// Median lead time in hours, below (`<`).
    pub lead_time_hours: Bounds,
    /// Change failure rate as a fraction, at most (`<=`).
    pub change_failure_rate: Bounds,
    /// Median recovery time in hours, below (`<`).
    pub recovery_hours: Bounds,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            deployments_per_week: Bounds {
                elite: 7.0,
                high: 1.0,
                medium: 0.23,
            },
            lead_time_hours: Bounds {
                elite: 24.0,
                high: 168.0,
                medium: 720.0,
            },
            change_failure_rate: Bounds {
                elite: 0.05,
                high: 0.10,
                medium: 0.15,
            },
            recovery_hours: Bounds {
                elite: 1.0,
                high: 24.0,
                medium: 168.0,
            },
        }
    }
}

impl Thresholds {
    pub fn frequency(&self, per_week: f64) -> Cluster {
        let b = &self.deployments_per_week;
        if per_week >= b.elite {
            Cluster::Elite
        } else if per_week >= b.high {
            Cluster::High
        } else if per_week >= b.medium {
            Cluster::Medium
        } else {
            Cluster::Low
        }
    }

    pub fn lead_time(&self, median_hours: f64) -> Cluster {
        below(&self.lead_time_hours, median_hours)
    }

    pub fn change_failure(&self, rate: f64) -> Cluster {
        let b = &self.change_failure_rate;
        if rate <= b.elite {
            Cluster::Elite
        } else if rate <= b.high {
            Cluster::High
        } else if rate <= b.medium {
            Cluster::Medium
        } else {
            Cluster::Low
        }
    }

    pub fn recovery(&self, median_hours: f64) -> Cluster {
        below(&self.recovery_hours, median_hours)
    }
}

fn below(b: &Bounds, v: f64) -> Cluster {
    if v < b.elite {
        Cluster::Elite
    } else if v < b.high {
        Cluster::High
    } else if v < b.medium {
        Cluster::Medium
    } else {
        Cluster::Low
    }
}

/// One rule of `deployment_workflows`: the completed runs of the workflows named
/// `workflow` in the repositories named `repository` are deployments to `environment`
/// (see [`crate::deploy_runs`]). Both names are glob patterns (`*`, `?`, `[...]`), matched
/// ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DeployRule {
    /// `owner/name` pattern; `*` (every repository) when left out.
    #[serde(default = "every_repository")]
    pub repository: String,
    /// Pattern of the workflow's name as GitHub shows it (`Deploy production`).
    pub workflow: String,
    /// The environment these runs deploy to.
    pub environment: String,
    /// Which deployments DORA counts for a repository that has both kinds; the first rule
    /// whose `repository` matches decides. Runs when left out.
    #[serde(default = "prefer_runs")]
    pub prefer: DeploySource,
}

fn every_repository() -> String {
    "*".into()
}

fn prefer_runs() -> DeploySource {
    DeploySource::Runs
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Environment names that count as production (case-insensitive), besides deployments
    /// flagged `production_environment`.
    pub production_environments: Vec<String>,
    /// The GitHub/Jira label that makes an issue an incident.
    pub incident_label: String,
    /// The Jira issue type that makes an issue an incident.
    pub incident_issue_type: String,
    pub thresholds: Thresholds,
    /// IANA time zone name (`Europe/Berlin`); days, weeks and months are counted in it.
    pub timezone: String,
    /// Which workflow runs are deployments (for repositories that deploy from GitHub
    /// Actions without the Deployments API); none by default.
    pub deployment_workflows: Vec<DeployRule>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            production_environments: vec!["production".into(), "prod".into()],
            incident_label: "incident".into(),
            incident_issue_type: "Incident".into(),
            thresholds: Thresholds::default(),
            timezone: "UTC".into(),
            deployment_workflows: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("unknown time zone {0:?} (use an IANA name such as UTC or Europe/Berlin)")]
    TimeZone(String),
    #[error("unknown setting {0:?}")]
    UnknownKey(String),
    #[error("bad value for {key}: {why}")]
    BadValue { key: String, why: String },
}

impl Settings {
    /// Production as docs/metrics.md says: the flag, or the environment name in the list.
    pub fn is_production(&self, production_flag: bool, environment: &str) -> bool {
        production_flag
            || self
                .production_environments
                .iter()
                .any(|e| e.eq_ignore_ascii_case(environment))
    }

    pub fn tz(&self) -> Result<chrono_tz::Tz, SettingsError> {
        self.timezone
            .parse()
            .map_err(|_| SettingsError::TimeZone(self.timezone.clone()))
    }

    /// Checks what serde cannot: the time zone name, monotone thresholds and the
    /// deploy-workflow rules.
    pub fn validate(&self) -> Result<(), SettingsError> {
        self.tz()?;
        crate::deploy_runs::check_rules(&self.deployment_workflows)?;
        let t = &self.thresholds;
        let bad = |key: &str, why: &str| SettingsError::BadValue {
            key: key.into(),
            why: why.into(),
        };
        let b = &t.deployments_per_week;
        if !(b.elite >= b.high && b.high >= b.medium && b.medium >= 0.0) {
            return Err(bad(
                "thresholds.deployments_per_week",
                "need elite >= high >= medium >= 0",
            ));
        }
        for (key, b) in [
            ("thresholds.lead_time_hours", &t.lead_time_hours),
            ("thresholds.change_failure_rate", &t.change_failure_rate),
            ("thresholds.recovery_hours", &t.recovery_hours),
        ] {
            if !(b.elite <= b.high && b.high <= b.medium && b.elite >= 0.0) {
                return Err(bad(key, "need 0 <= elite <= high <= medium"));
            }
        }
        Ok(())
    }

    /// Sets one setting by its dotted name (`timezone`, `incident_label`,
    /// `thresholds.lead_time_hours.high`, ...). A list (`production_environments`) takes a
    /// JSON array (`["production","live"]`) or a comma list (`production, live`); a
    /// structured setting (`thresholds`, `thresholds.lead_time_hours`) takes a JSON object;
    /// a value that starts as JSON (`[`, `{`) and does not parse is refused with where it
    /// breaks, and nothing changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingsError> {
        let mut doc = serde_json::to_value(&*self).map_err(|e| SettingsError::BadValue {
            key: key.into(),
            why: e.to_string(),
        })?;
        let mut slot = &mut doc;
        for part in key.split('.') {
            slot = slot
                .get_mut(part)
                .ok_or_else(|| SettingsError::UnknownKey(key.into()))?;
        }
        let bad = |why: String| SettingsError::BadValue {
            key: key.into(),
            why,
        };
        let text = value.trim();
        let parsed = if text.starts_with('[') || text.starts_with('{') {
            Some(
                serde_json::from_str::<serde_json::Value>(text).map_err(|e| {
                    bad(format!(
                        "not valid JSON: {} (line {}, column {})",
                        json_reason(&e),
                        e.line(),
                        e.column()
                    ))
                })?,
            )
        } else {
            None
        };
        *slot = match (&*slot, parsed) {
            (serde_json::Value::Array(_), Some(v @ serde_json::Value::Array(_))) => v,
            (serde_json::Value::Array(_), Some(_)) => {
                return Err(bad("takes a JSON array or a comma list".into()))
            }
            (serde_json::Value::Array(_), None) if key == "deployment_workflows" => {
                return Err(bad(
                    "takes a JSON array of rules, e.g. [{\"workflow\": \"Deploy*\", \"environment\": \"production\"}] ([] for none)".into(),
                ))
            }
            (serde_json::Value::Array(_), None) => serde_json::Value::Array(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| serde_json::Value::String(s.into()))
                    .collect(),
            ),
            (serde_json::Value::Object(_), Some(v @ serde_json::Value::Object(_))) => v,
            (serde_json::Value::Object(_), _) => {
                return Err(bad(
                    "takes a JSON object (or set one of its fields by its dotted name)".into(),
                ))
            }
            (serde_json::Value::Number(_), _) => {
                let n: f64 = text
                    .parse()
                    .map_err(|_| bad(format!("{value:?} is not a number")))?;
                serde_json::Number::from_f64(n)
                    .map(serde_json::Value::Number)
                    .ok_or_else(|| bad("not a finite number".into()))?
            }
            (serde_json::Value::Bool(_), _) => match text {
                "true" => serde_json::Value::Bool(true),
                "false" => serde_json::Value::Bool(false),
                _ => return Err(bad(format!("{value:?} is not true or false"))),
            },
            (serde_json::Value::String(_), _) => serde_json::Value::String(value.into()),
            _ => return Err(SettingsError::UnknownKey(key.into())),
        };
        let next: Settings = serde_json::from_value(doc).map_err(|e| SettingsError::BadValue {
            key: key.into(),
            why: json_reason(&e),
        })?;
        next.validate()?;
        *self = next;
        Ok(())
    }
}

/// serde_json's reason without its own " at line L column C" tail (the caller says where).
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_partial_json_and_set() {
        let s: Settings = serde_json::from_str(r#"{"timezone":"Europe/Berlin"}"#).unwrap();
        assert_eq!(s.timezone, "Europe/Berlin");
        assert_eq!(s.production_environments, ["production", "prod"]);
        assert!(s.is_production(false, "PROD"));
        assert!(s.is_production(true, "staging"));
        assert!(!s.is_production(false, "staging"));
        let mut s = Settings::default();
        s.set("thresholds.lead_time_hours.high", "100").unwrap();
        assert_eq!(s.thresholds.lead_time_hours.high, 100.0);
        s.set("production_environments", "live, prd").unwrap();
        assert_eq!(s.production_environments, ["live", "prd"]);
        assert!(s.set("timezone", "Mars/Olympus").is_err());
        assert!(s.set("nope", "1").is_err());
        assert!(s.set("thresholds.lead_time_hours.elite", "1000").is_err());
        assert_eq!(s.timezone, "UTC");
    }

    #[test]
    fn structured_settings_take_json_and_refuse_what_does_not_parse() {
        let mut s = Settings::default();
        s.set("production_environments", r#"["production","live"]"#)
            .unwrap();
        assert_eq!(s.production_environments, ["production", "live"]);
        let before = s.clone();
        // Cut short: refused with where it breaks, nothing changed.
        let e = s
            .set("production_environments", r#"["production","#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not valid JSON") && e.contains("line 1, column"),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
        // The wrong shape: a number in the list, an object for a list, a list for an object.
        assert!(s.set("production_environments", "[1, 2]").is_err());
        assert!(s.set("production_environments", r#"{"a": 1}"#).is_err());
        assert!(s.set("thresholds.lead_time_hours", "[1]").is_err());
        assert!(s.set("thresholds.lead_time_hours", "12").is_err());
        assert_eq!(s, before);
        // An object for a structured setting, checked as a whole.
        s.set(
            "thresholds.lead_time_hours",
            r#"{"elite": 12, "high": 100, "medium": 500}"#,
        )
        .unwrap();
        assert_eq!(s.thresholds.lead_time_hours.high, 100.0);
        assert!(s
            .set(
                "thresholds.lead_time_hours",
                r#"{"elite": 600, "high": 100, "medium": 500}"#
            )
            .is_err());
        assert_eq!(s.thresholds.lead_time_hours.elite, 12.0);
    }

    #[test]
    fn deployment_workflows_take_a_json_list_of_rules() {
        let mut s = Settings::default();
        assert!(s.deployment_workflows.is_empty());
        s.set(
            "deployment_workflows",
            r#"[{"workflow": "Deploy production", "environment": "production"},
                {"repository": "octo/*", "workflow": "Deploy staging", "environment": "staging",
                 "prefer": "deployments"}]"#,
        )
        .unwrap();
        assert_eq!(
            s.deployment_workflows,
            [
                DeployRule {
                    repository: "*".into(),
                    workflow: "Deploy production".into(),
                    environment: "production".into(),
                    prefer: DeploySource::Runs,
                },
                DeployRule {
                    repository: "octo/*".into(),
                    workflow: "Deploy staging".into(),
                    environment: "staging".into(),
                    prefer: DeploySource::Deployments,
                },
            ]
        );
        let before = s.clone();
        for (bad, says) in [
            ("Deploy production", "takes a JSON array of rules"),
            (r#"[{"workflow": "Deploy"}]"#, "missing field `environment`"),
            (
                r#"[{"workflow": "Deploy", "environment": "prod", "workfow": "x"}]"#,
                "unknown field `workfow`",
            ),
            (
                r#"[{"workflow": "Deploy", "environment": "prod", "prefer": "both"}]"#,
                "unknown variant `both`",
            ),
            (
                r#"[{"workflow": "Deploy [", "environment": "prod"}]"#,
                "deployment_workflows[0].workflow",
            ),
            (r#"[{"workflow": "Deploy", "#, "not valid JSON"),
        ] {
            let e = s.set("deployment_workflows", bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
        assert_eq!(s, before);
        s.set("deployment_workflows", "[]").unwrap();
        assert!(s.deployment_workflows.is_empty());
        // A stored document without the setting reads as none.
        let old: Settings = serde_json::from_str(r#"{"timezone":"UTC"}"#).unwrap();
        assert!(old.deployment_workflows.is_empty());
    }

    #[test]
    fn cluster_edges_follow_the_table() {
        let t = Thresholds::default();
        assert_eq!(t.frequency(7.0), Cluster::Elite);
        assert_eq!(t.frequency(1.0), Cluster::High);
        assert_eq!(t.frequency(0.23), Cluster::Medium);
        assert_eq!(t.frequency(0.2), Cluster::Low);
        assert_eq!(t.lead_time(23.9), Cluster::Elite);
        assert_eq!(t.lead_time(24.0), Cluster::High);
        assert_eq!(t.lead_time(720.0), Cluster::Low);
        assert_eq!(t.change_failure(0.05), Cluster::Elite);
        assert_eq!(t.change_failure(0.10), Cluster::High);
        assert_eq!(t.change_failure(0.15), Cluster::Medium);
        assert_eq!(t.change_failure(0.151), Cluster::Low);
        assert_eq!(t.recovery(0.5), Cluster::Elite);
        assert_eq!(t.recovery(167.9), Cluster::Medium);
        assert_eq!(t.recovery(168.0), Cluster::Low);
    }
}
