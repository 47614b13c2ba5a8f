//! Deployments derived from GitHub Actions workflow runs, for repositories that deploy
//! from a workflow without GitHub's Deployments API. The workspace setting
//! `deployment_workflows` lists rules (repository and workflow name patterns, and the
//! environment); a completed run of a matching workflow is a deployment:
//!
//! - success when its conclusion is `success`, failure when `failure` or `timed_out`; any
//!   other conclusion (`cancelled`, `skipped`, `neutral`, ...) and a run not completed are
//!   no deployment;
//! - its time is the run's completion, its sha the run's head sha;
//! - a re-run's attempts are one deployment (keyed by the run, `owner/name/runs/<id>`) with
//!   the outcome of its latest attempt: while that attempt is still running there is none.
//!
//! The first rule that matches a run decides its environment. A repository that has
//! deployments of both kinds counts only one kind in DORA: what the first rule whose
//! repository pattern matches it prefers (`prefer`, runs by default).

use crate::settings::{DeployRule, SettingsError};
use crate::vocab::{DeploySource, Outcome, Source};
use crate::{Id, PipelineRun, Timestamp};
use glob::{MatchOptions, Pattern};
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

const MATCH: MatchOptions = MatchOptions {
    case_sensitive: false,
    require_literal_separator: false,
    require_literal_leading_dot: false,
};

/// A rule's patterns, compiled.
#[derive(Debug, Clone)]
struct Compiled {
    repository: Pattern,
    workflow: Pattern,
}

/// The rules of `deployment_workflows`, compiled once.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    rules: Vec<DeployRule>,
    compiled: Vec<Compiled>,
}

fn pattern(i: usize, field: &str, text: &str) -> Result<Pattern, SettingsError> {
    let bad = |why: String| SettingsError::BadValue {
        key: format!("deployment_workflows[{i}].{field}"),
        why,
    };
    if text.trim().is_empty() {
        return Err(bad("must not be empty".into()));
    }
    Pattern::new(text).map_err(|e| bad(format!("{text:?} is not a glob pattern: {}", e.msg)))
}

/// Checks every rule: both patterns compile and the environment is named.
pub fn check_rules(rules: &[DeployRule]) -> Result<(), SettingsError> {
    Rules::new(rules).map(|_| ())
}

impl Rules {
    pub fn new(rules: &[DeployRule]) -> Result<Rules, SettingsError> {
        let mut compiled = Vec::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            if r.environment.trim().is_empty() {
                return Err(SettingsError::BadValue {
                    key: format!("deployment_workflows[{i}].environment"),
                    why: "must name the environment these runs deploy to".into(),
                });
            }
            compiled.push(Compiled {
                repository: pattern(i, "repository", &r.repository)?,
                workflow: pattern(i, "workflow", &r.workflow)?,
            });
        }
        Ok(Rules {
            rules: rules.to_vec(),
            compiled,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The index of the first rule that matches a run of `workflow` in `repository`.
    pub fn rule_for(&self, repository: &str, workflow: &str) -> Option<usize> {
        self.compiled.iter().position(|c| {
            c.repository.matches_with(repository, MATCH) && c.workflow.matches_with(workflow, MATCH)
        })
    }

    /// What the first rule whose repository pattern matches `repository` prefers, if any.
    pub fn prefer(&self, repository: &str) -> Option<DeploySource> {
        self.compiled
            .iter()
            .position(|c| c.repository.matches_with(repository, MATCH))
            .map(|i| self.rules[i].prefer)
    }

    pub fn rule(&self, i: usize) -> &DeployRule {
        &self.rules[i]
    }
}

/// A workflow run's source key taken apart: `owner/name/runs/<id>` (the run, as its latest
/// attempt) or `owner/name/runs/<id>/attempts/<n>` (an earlier attempt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunKey<'a> {
    pub repository: &'a str,
    pub run: &'a str,
    /// The attempt an `/attempts/<n>` key names.
    pub attempt: Option<i64>,
}

impl<'a> RunKey<'a> {
    pub fn parse(key: &'a str) -> Option<RunKey<'a>> {
        let mut parts = key.splitn(3, '/');
        let (owner, name, rest) = (parts.next()?, parts.next()?, parts.next()?);
        let repository = &key[..owner.len() + 1 + name.len()];
        let rest = rest.strip_prefix("runs/")?;
        let (run, attempt) = match rest.split_once("/attempts/") {
            Some((run, n)) => (run, Some(n.parse().ok()?)),
            None => (rest, None),
        };
        if owner.is_empty() || name.is_empty() || run.is_empty() || run.contains('/') {
            return None;
        }
        Some(RunKey {
            repository,
            run,
            attempt,
        })
    }
}

/// Is `source_key` of a deployment one derived from a workflow run (`owner/name/runs/<id>`)
/// rather than one of the Deployments API (`owner/name/deployments/<id>`)?
pub fn is_run_deployment(source: Option<Source>, source_key: Option<&str>) -> bool {
    source == Some(Source::Github)
        && source_key
            .and_then(RunKey::parse)
            .is_some_and(|k| k.attempt.is_none())
}

/// What a completed run's conclusion makes of it: a successful or a failed deployment, or
/// none.
pub fn outcome_of(status: &str, conclusion: Option<&str>) -> Option<Outcome> {
    if status != "completed" {
        return None;
    }
    match conclusion? {
        "success" => Some(Outcome::Success),
        "failure" | "timed_out" => Some(Outcome::Failure),
        _ => None,
    }
}

/// A deployment derived from a workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RunDeployment {
    /// `owner/name/runs/<id>`: the deployment's source key (source `github`).
    pub key: String,
    /// The stored run (its latest attempt).
    #[ts(type = "number")]
    pub run: Id,
    pub service: String,
    pub repository: String,
    pub workflow: String,
    /// Index of the rule that matched, in `deployment_workflows`.
    #[ts(type = "number")]
    pub rule: u32,
    pub environment: String,
    pub production: bool,
    pub sha: String,
    pub outcome: Outcome,
    /// The latest attempt's start (the deployment's creation).
    #[ts(type = "string")]
    pub started: Timestamp,
    /// The latest attempt's completion (the deployment's time).
    #[ts(type = "string")]
    pub time: Timestamp,
    #[ts(type = "number")]
    pub attempt: i64,
}

/// The deployments `rules` make of `runs` (stored workflow runs with their earlier
/// attempts), by key. `is_production(environment)` says which environments are production.
pub fn derive(
    rules: &Rules,
    runs: &[PipelineRun],
    is_production: impl Fn(&str) -> bool,
) -> Vec<RunDeployment> {
    if rules.is_empty() {
        return Vec::new();
    }
    // Each run's latest attempt: the run's own row says which attempt it is; an earlier
    // attempt's row only wins when it is later (a run row older than its attempts).
    let mut latest: BTreeMap<(&str, &str), (i64, &PipelineRun, Option<Id>)> = BTreeMap::new();
    for r in runs {
        if r.source != Some(Source::Github) {
            continue;
        }
        let Some(key) = r.source_key.as_deref().and_then(RunKey::parse) else {
            continue;
        };
        let attempt = key.attempt.unwrap_or(r.attempt.max(1));
        let slot = latest
            .entry((key.repository, key.run))
            .or_insert((attempt, r, None));
        if key.attempt.is_none() {
            slot.2 = Some(r.id);
        }
        let newer = attempt > slot.0 || (attempt == slot.0 && key.attempt.is_none());
        if newer {
            slot.0 = attempt;
            slot.1 = r;
        }
    }
    let mut out = Vec::new();
    for ((repository, run), (attempt, r, run_row)) in latest {
        // A run known only by its earlier attempts is not listed yet: wait for it.
        let Some(run_row) = run_row else { continue };
        let Some(rule) = rules.rule_for(repository, &r.workflow) else {
            continue;
        };
        let (Some(outcome), Some(time)) = (
            outcome_of(&r.status, r.conclusion.as_deref()),
            r.finished_at,
        ) else {
            continue;
        };
        let environment = rules.rule(rule).environment.clone();
        out.push(RunDeployment {
            key: format!("{repository}/runs/{run}"),
            run: run_row,
            service: r.service.clone(),
            repository: repository.to_string(),
            workflow: r.workflow.clone(),
            rule: rule as u32,
            production: is_production(&environment),
            environment,
            sha: r.head_sha.clone(),
            outcome,
            started: r.started_at,
            time,
            attempt,
        });
    }
    out
}

/// Keeps, for each service that has deployments of both kinds, only the kind its first
/// matching rule prefers. `from_run[i]` says whether deployment `i` was derived from a run;
/// `service_name(i)` names deployment `i`'s service. Returns the indices to keep.
pub fn preferred(
    rules: &Rules,
    from_run: &[bool],
    service: impl Fn(usize) -> u32,
    service_name: impl Fn(u32) -> String,
) -> Vec<bool> {
    let mut keep = vec![true; from_run.len()];
    if rules.is_empty() {
        return keep;
    }
    // Per service: (has run deployments, has API deployments).
    let mut kinds: BTreeMap<u32, (bool, bool)> = BTreeMap::new();
    for (i, &run) in from_run.iter().enumerate() {
        let k = kinds.entry(service(i)).or_default();
        if run {
            k.0 = true;
        } else {
            k.1 = true;
        }
    }
    let mut choice: BTreeMap<u32, DeploySource> = BTreeMap::new();
    for (s, (runs, api)) in kinds {
        if runs && api {
            let name = service_name(s);
            choice.insert(s, rules.prefer(&name).unwrap_or(DeploySource::Runs));
        }
    }
    if choice.is_empty() {
        return keep;
    }
    for (i, &run) in from_run.iter().enumerate() {
        if let Some(c) = choice.get(&service(i)) {
            keep[i] = match c {
                DeploySource::Runs => run,
                DeploySource::Deployments => !run,
            };
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn rule(repository: &str, workflow: &str, environment: &str) -> DeployRule {
        DeployRule {
            repository: repository.into(),
            workflow: workflow.into(),
            environment: environment.into(),
            prefer: DeploySource::Runs,
        }
    }

    fn t(h: u32) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap()
    }

    fn run(
        id: Id,
        key: &str,
        workflow: &str,
        conclusion: Option<&str>,
        attempt: i64,
    ) -> PipelineRun {
        PipelineRun {
            id,
            source: Some(Source::Github),
            source_key: Some(key.into()),
            service: "octo/app".into(),
            workflow: workflow.into(),
            head_sha: format!("sha{id}"),
            event: "push".into(),
            status: if conclusion.is_some() {
                "completed".into()
            } else {
                "in_progress".into()
            },
            conclusion: conclusion.map(String::from),
            attempt,
            started_at: t(id as u32),
            finished_at: conclusion.map(|_| t(id as u32 + 1)),
        }
    }

    fn prod(env: &str) -> bool {
        env == "production"
    }

    #[test]
    fn matching_is_by_glob_ignoring_case_and_the_first_rule_wins() {
        let rules = Rules::new(&[
            rule("octo/*", "Deploy prod*", "production"),
            rule("*", "deploy *", "staging"),
        ])
        .unwrap();
        assert_eq!(rules.rule_for("octo/app", "Deploy production"), Some(0));
        assert_eq!(rules.rule_for("OCTO/App", "deploy PRODUCTION"), Some(0));
        assert_eq!(rules.rule_for("other/app", "Deploy production"), Some(1));
        assert_eq!(rules.rule_for("octo/app", "Deploy staging"), Some(1));
        assert_eq!(rules.rule_for("octo/app", "CI"), None);
        assert_eq!(rules.rule_for("octo/app", "Deploy"), None);
        assert_eq!(rules.prefer("octo/app"), Some(DeploySource::Runs));
        // A bad pattern or an empty environment is refused, naming the rule.
        let e = Rules::new(&[rule("*", "Deploy [", "production")]).unwrap_err();
        assert!(
            e.to_string().contains("deployment_workflows[0].workflow"),
            "{e}"
        );
        let e = Rules::new(&[rule("*", "Deploy", " ")]).unwrap_err();
        assert!(
            e.to_string()
                .contains("deployment_workflows[0].environment"),
            "{e}"
        );
    }

    #[test]
    fn run_keys_name_the_repository_run_and_attempt() {
        let k = RunKey::parse("octo/app/runs/42").unwrap();
        assert_eq!((k.repository, k.run, k.attempt), ("octo/app", "42", None));
        let k = RunKey::parse("octo/app/runs/42/attempts/1").unwrap();
        assert_eq!(
            (k.repository, k.run, k.attempt),
            ("octo/app", "42", Some(1))
        );
        assert_eq!(RunKey::parse("octo/app/deployments/42"), None);
        assert_eq!(RunKey::parse("octo/app/runs/42/attempts/x"), None);
        assert!(is_run_deployment(
            Some(Source::Github),
            Some("octo/app/runs/42")
        ));
        assert!(!is_run_deployment(
            Some(Source::Github),
            Some("octo/app/deployments/42")
        ));
        assert!(!is_run_deployment(None, Some("octo/app/runs/42")));
    }

    #[test]
    fn conclusions_make_successes_failures_or_nothing() {
        assert_eq!(
            outcome_of("completed", Some("success")),
            Some(Outcome::Success)
        );
        assert_eq!(
            outcome_of("completed", Some("failure")),
            Some(Outcome::Failure)
        );
        assert_eq!(
            outcome_of("completed", Some("timed_out")),
            Some(Outcome::Failure)
        );
        for c in [
            "cancelled",
            "skipped",
            "neutral",
            "action_required",
            "stale",
        ] {
            assert_eq!(outcome_of("completed", Some(c)), None, "{c}");
        }
        assert_eq!(outcome_of("in_progress", None), None);
        assert_eq!(outcome_of("queued", Some("success")), None);
    }

    #[test]
    fn a_rerun_is_one_deployment_with_its_latest_attempts_outcome() {
        let rules = Rules::new(&[rule("*", "Deploy production", "production")]).unwrap();
        let runs = vec![
            // Run 1: attempt 1 failed, attempt 2 (the run's row) succeeded.
            run(
                1,
                "octo/app/runs/100",
                "Deploy production",
                Some("success"),
                2,
            ),
            run(
                2,
                "octo/app/runs/100/attempts/1",
                "Deploy production",
                Some("failure"),
                1,
            ),
            // Run 2: attempt 1 succeeded, attempt 2 is running: no deployment yet.
            run(3, "octo/app/runs/200", "Deploy production", None, 2),
            run(
                4,
                "octo/app/runs/200/attempts/1",
                "Deploy production",
                Some("success"),
                1,
            ),
            // Run 3: timed out; run 4 cancelled; run 5 is CI.
            run(
                5,
                "octo/app/runs/300",
                "Deploy production",
                Some("timed_out"),
                1,
            ),
            run(
                6,
                "octo/app/runs/400",
                "Deploy production",
                Some("cancelled"),
                1,
            ),
            run(7, "octo/app/runs/500", "CI", Some("success"), 1),
            // An attempt whose run is not stored: nothing.
            run(
                8,
                "octo/app/runs/600/attempts/1",
                "Deploy production",
                Some("success"),
                1,
            ),
        ];
        let d = derive(&rules, &runs, prod);
        let got: Vec<(&str, Outcome, i64, Timestamp, &str)> = d
            .iter()
            .map(|d| (d.key.as_str(), d.outcome, d.attempt, d.time, d.sha.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("octo/app/runs/100", Outcome::Success, 2, t(2), "sha1"),
                ("octo/app/runs/300", Outcome::Failure, 1, t(6), "sha5"),
            ]
        );
        assert!(d
            .iter()
            .all(|d| d.production && d.environment == "production"));
        assert_eq!(d[0].run, 1);
        // Without rules, nothing.
        assert!(derive(&Rules::default(), &runs, prod).is_empty());
        // A rule for staging: the same runs, not production.
        let staging = Rules::new(&[rule("*", "Deploy *", "staging")]).unwrap();
        assert!(derive(&staging, &runs, prod).iter().all(|d| !d.production));
    }

    #[test]
    fn a_repository_with_both_kinds_counts_the_preferred_one() {
        let mut r = rule("octo/*", "Deploy", "production");
        let from_run = [true, false, false, true];
        // Deployments 0 and 1 are of service 0 (both kinds), 2 and 3 of service 1, 2 of 3
        // of the API... service 1 also has both.
        let service = |i: usize| if i < 2 { 0 } else { 1 };
        let names = |s: u32| {
            if s == 0 {
                "octo/a".into()
            } else {
                "other/b".into()
            }
        };
        let keep = preferred(
            &Rules::new(&[r.clone()]).unwrap(),
            &from_run,
            service,
            names,
        );
        // octo/a prefers runs; other/b matches no rule: runs, the default.
        assert_eq!(keep, [true, false, false, true]);
        r.prefer = DeploySource::Deployments;
        let keep = preferred(&Rules::new(&[r]).unwrap(), &from_run, service, names);
        assert_eq!(keep, [false, true, false, true]);
        // Only one kind: kept whatever the preference.
        let keep = preferred(
            &Rules::new(&[rule("*", "Deploy", "production")]).unwrap(),
            &[false, false],
            |_| 0,
            names,
        );
        assert_eq!(keep, [true, true]);
    }
}
