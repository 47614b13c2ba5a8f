//! Hand-worked examples for every metric and rule of docs/metrics.md, and property tests.

use super::*;
use crate::settings::Thresholds;
use proptest::prelude::*;

fn t(s: &str) -> Secs {
    parse_secs(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct B {
    facts: Facts,
    next: Id,
}

impl B {
    fn new() -> Self {
        let svc = |name: &str, team: &str| ServiceInfo {
            name: name.into(),
            team: Some(team.into()),
        };
        Self {
            facts: Facts {
                services: vec![svc("api", "core"), svc("web", "front"), svc("db", "core")],
                ..Facts::default()
            },
            next: 1,
        }
    }
    fn id(&mut self) -> Id {
        self.next += 1;
        self.next - 1
    }
    fn dep(&mut self, service: u32, at: &str, success: bool, sha: &str) -> Id {
        let id = self.id();
        self.facts.deployments.push(DeployFact {
            id,
            service,
            time: t(at),
            success,
            sha: sha_key(sha),
        });
        id
    }
    fn ok(&mut self, at: &str, sha: &str) -> Id {
        self.dep(0, at, true, sha)
    }
    fn change(&mut self, service: u32, start: &str, merged: &str) -> Id {
        let id = self.id();
        self.facts.changes.push(ChangeFact {
            id,
            service,
            merged: t(merged),
            start: t(start),
        });
        id
    }
    fn incident(&mut self, service: Option<u32>, created: &str, resolved: Option<&str>) -> Id {
        let id = self.id();
        self.facts.incidents.push(IncidentFact {
            id,
            service,
            created: t(created),
            resolved: resolved.map(t),
        });
        id
    }
    fn linked(&self) -> Linked {
        Linked::new(self.facts.clone())
    }
}

fn cal(from: &str, to: &str) -> Calendar {
    Calendar::new(day(from), day(to), chrono_tz::UTC, Bucket::Week).unwrap()
}

fn org(l: &Linked, c: &Calendar) -> Metrics {
    l.report(c, &Scope::Organisation, &Thresholds::default())
        .metrics
}

#[test]
fn timestamps_parse_by_hand_like_chrono() {
    for s in [
        "1970-01-01T00:00:00Z",
        "2000-02-29T12:34:56Z",
        "2026-03-29T23:59:59Z",
        "1969-12-31T23:59:59Z",
    ] {
        let chrono = chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
        assert_eq!(parse_secs(s), Some(chrono), "{s}");
    }
    assert_eq!(
        parse_secs("2026-01-05T10:00:00.500Z"),
        Some(t("2026-01-05T10:00:00Z"))
    );
    assert_eq!(
        parse_secs("2026-01-05T11:00:00+01:00"),
        Some(t("2026-01-05T10:00:00Z"))
    );
    assert_eq!(parse_secs("2026-13-05T10:00:00Z"), None);
    assert_eq!(parse_secs("not a time"), None);
}

#[test]
fn nearest_rank_percentiles() {
    assert_eq!(nearest_rank(&mut [4, 1, 3, 2], 50), Some(2));
    assert_eq!(nearest_rank(&mut [4, 1, 3, 2], 90), Some(4));
    assert_eq!(nearest_rank(&mut [7], 50), Some(7));
    assert_eq!(nearest_rank(&mut (1..=10).collect::<Vec<_>>(), 90), Some(9));
    assert_eq!(nearest_rank(&mut (1..=10).collect::<Vec<_>>(), 50), Some(5));
    assert_eq!(nearest_rank::<i64>(&mut [], 50), None);
}

#[test]
fn frequency_and_success_rate_count_the_whole_last_day() {
    let mut b = B::new();
    b.ok("2026-01-05T10:00:00Z", "a");
    b.ok("2026-01-05T15:00:00Z", "b");
    b.ok("2026-01-07T09:00:00Z", "c");
    b.dep(0, "2026-01-08T09:00:00Z", false, "d");
    b.ok("2026-01-12T09:00:00Z", "d");
    b.ok("2026-01-18T23:59:59Z", "e"); // the last second of day B is in
    b.ok("2026-01-19T00:00:00Z", "f"); // the first of the next day is not
    b.ok("2026-01-04T23:59:59Z", "g"); // nor the day before A
    b.dep(1, "2026-01-06T09:00:00Z", true, "w1"); // another service
    b.dep(2, "2026-01-06T09:00:00Z", false, "x1");
    let l = b.linked();
    let c = cal("2026-01-05", "2026-01-18"); // 14 days = 2 weeks
    let m = org(&l, &c);
    assert_eq!(m.deployment_frequency.count, 6);
    assert_eq!(m.deployment_frequency.per_week, 3.0);
    // Days with a deployment: 5th, 6th, 7th, 12th, 18th.
    assert_eq!(m.deployment_frequency.deploy_days_per_week, 2.5);
    assert_eq!(m.deployment_frequency.cluster, Some(Cluster::High));
    let r = &m.deployment_success_rate;
    assert_eq!((r.numerator, r.denominator), (6, 8));
    assert_eq!(r.value, Some(0.75));

    let api = l
        .report(&c, &Scope::Services(vec![0]), &Thresholds::default())
        .metrics;
    assert_eq!(api.deployment_frequency.count, 5);
    assert_eq!(api.deployment_frequency.per_week, 2.5);
    assert_eq!(api.deployment_frequency.deploy_days_per_week, 2.0);
    assert_eq!(api.deployment_success_rate.value, Some(5.0 / 6.0));
    let core = l.team_scope("core").unwrap();
    let core_m = l.report(&c, &core, &Thresholds::default()).metrics;
    assert_eq!(core_m.deployment_frequency.count, 5);
    assert_eq!(core_m.deployment_success_rate.denominator, 7);
    assert!(l.team_scope("nobody").is_none());

    let ids = l.drill(&c, &Scope::Organisation, Drill::Deployments, None);
    assert_eq!(ids.len(), 6);
    let failed = l.drill(&c, &Scope::Organisation, Drill::FailedDeployments, None);
    assert_eq!(failed.len(), 2);
}

#[test]
fn days_are_counted_in_the_workspace_time_zone() {
    let mut b = B::new();
    b.ok("2026-01-04T23:30:00Z", "a"); // 00:30 on the 5th in Berlin: in
    b.ok("2026-01-05T22:30:00Z", "b"); // 23:30 on the 5th in Berlin: same day
    b.ok("2026-01-18T23:30:00Z", "c"); // 00:30 on the 19th in Berlin: out
    let l = b.linked();
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let c = Calendar::new(day("2026-01-05"), day("2026-01-18"), berlin, Bucket::Week).unwrap();
    let m = org(&l, &c);
    assert_eq!(m.deployment_frequency.count, 2);
    assert_eq!(m.deployment_frequency.deploy_days_per_week, 0.5);
    let utc = org(&l, &cal("2026-01-05", "2026-01-18"));
    assert_eq!(utc.deployment_frequency.count, 2);
    assert_eq!(utc.deployment_frequency.deploy_days_per_week, 1.0);
}

#[test]
fn rollbacks_are_redeploys_of_an_older_sha_than_the_one_right_before() {
    let mut b = B::new();
    let a1 = b.ok("2026-01-05T10:00:00Z", "A");
    let a2 = b.ok("2026-01-05T11:00:00Z", "A"); // same sha as right before: a redeploy
    let b1 = b.ok("2026-01-05T12:00:00Z", "B");
    b.dep(0, "2026-01-05T12:30:00Z", false, "X"); // failures are not in the chain
    let back = b.ok("2026-01-05T14:00:00Z", "A"); // A again: rolls back B
    let c1 = b.ok("2026-01-06T10:00:00Z", "C");
    let d1 = b.ok("2026-01-06T11:00:00Z", "D");
    let back2 = b.ok("2026-01-06T12:00:00Z", "C"); // C is right before-before: rolls back D
    b.dep(1, "2026-01-06T13:00:00Z", true, "B"); // another service's sha is no rollback
    let l = b.linked();
    assert_eq!(l.rolled_back_by(b1), Some(back));
    assert_eq!(l.rolled_back_by(d1), Some(back2));
    for id in [a1, a2, back, c1, back2] {
        assert_eq!(l.rolled_back_by(id), None, "{id}");
    }
    let c = cal("2026-01-05", "2026-01-11");
    let m = org(&l, &c);
    assert_eq!(m.deployment_frequency.count, 8);
    let cfr = &m.change_failure_rate;
    assert_eq!((cfr.numerator, cfr.denominator), (2, 8));
    assert_eq!(cfr.value, Some(0.25));
    assert_eq!(cfr.cluster, Some(Cluster::Low));
    // Recovery: B 12:00 -> rolled back 14:00 = 2 h; D 11:00 -> 12:00 = 1 h.
    let r = &m.recovery_time;
    assert_eq!((r.failures, r.open), (2, 0));
    assert_eq!(r.median_hours, Some(1.0));
    assert_eq!(r.p90_hours, Some(2.0));
    assert_eq!(r.cluster, Some(Cluster::High));
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::ChangeFailures, None),
        vec![b1, d1]
    );
}

#[test]
fn incidents_link_to_the_latest_success_at_or_before_their_creation() {
    let mut b = B::new();
    let early = b.incident(
        Some(0),
        "2026-01-05T08:00:00Z",
        Some("2026-01-05T09:00:00Z"),
    );
    let d1 = b.ok("2026-01-05T10:00:00Z", "a");
    b.dep(0, "2026-01-05T11:00:00Z", false, "b"); // a failure never causes one
    let at_once = b.incident(
        Some(0),
        "2026-01-05T10:00:00Z",
        Some("2026-01-05T16:00:00Z"),
    );
    let later = b.incident(
        Some(0),
        "2026-01-05T11:30:00Z",
        Some("2026-01-05T13:00:00Z"),
    );
    let d2 = b.ok("2026-01-06T10:00:00Z", "c");
    let open = b.incident(Some(0), "2026-01-06T12:00:00Z", None);
    let other = b.incident(Some(1), "2026-01-06T12:00:00Z", None); // web never deployed
    let nowhere = b.incident(None, "2026-01-07T12:00:00Z", None);
    let l = b.linked();
    assert_eq!(l.cause_of(early), None);
    assert_eq!(l.cause_of(at_once), Some(d1));
    assert_eq!(l.cause_of(later), Some(d1));
    assert_eq!(l.cause_of(open), Some(d2));
    assert_eq!(l.cause_of(other), None);
    assert_eq!(l.cause_of(nowhere), None);
    assert_eq!(l.incidents_caused_by(d1), vec![at_once, later]);

    let c = cal("2026-01-05", "2026-01-11");
    let m = org(&l, &c);
    // d1 caused two incidents: one failed change. d2 caused an open one: failed, open.
    let cfr = &m.change_failure_rate;
    assert_eq!((cfr.numerator, cfr.denominator), (2, 2));
    // d1 recovers at the earliest resolution of its incidents: 13:00 - 10:00 = 3 h.
    let r = &m.recovery_time;
    assert_eq!((r.failures, r.open), (1, 1));
    assert_eq!(r.median_hours, Some(3.0));
    assert_eq!(r.p90_hours, Some(3.0));
    assert_eq!(r.cluster, Some(Cluster::High));
    assert_eq!(m.unlinked_incidents, 3);
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::UnlinkedIncidents, None),
        vec![early, other, nowhere]
    );
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::OpenFailures, None),
        vec![d2]
    );
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::Recovered, None),
        vec![d1]
    );
    // The api service alone: the incident without a service is not its business.
    let api = l
        .report(&c, &Scope::Services(vec![0]), &Thresholds::default())
        .metrics;
    assert_eq!(api.unlinked_incidents, 1);
}

#[test]
fn recovery_takes_the_earliest_of_resolutions_and_rollback() {
    let mut b = B::new();
    b.ok("2026-01-05T08:00:00Z", "A");
    let bad = b.ok("2026-01-05T10:00:00Z", "B");
    b.incident(
        Some(0),
        "2026-01-05T10:30:00Z",
        Some("2026-01-05T14:00:00Z"),
    );
    b.incident(Some(0), "2026-01-05T10:45:00Z", None); // unresolved: no resolution
    let back = b.ok("2026-01-05T12:30:00Z", "A"); // rolls back B at 2.5 h
    let l = b.linked();
    assert_eq!(l.rolled_back_by(bad), Some(back));
    let m = org(&l, &cal("2026-01-05", "2026-01-05"));
    assert_eq!(m.recovery_time.median_hours, Some(2.5));
    assert_eq!(m.recovery_time.failures, 1);
    assert_eq!(m.recovery_time.open, 0);
    assert_eq!(m.change_failure_rate.numerator, 1);
    // The rollback itself shipped while an incident was open: rework.
    assert_eq!(m.rework_rate.numerator, 1);
    assert_eq!(m.rework_rate.denominator, 3);
}

#[test]
fn rework_is_a_success_while_an_incident_of_its_service_is_open() {
    let mut b = B::new();
    b.ok("2026-01-05T08:00:00Z", "a");
    b.incident(
        Some(0),
        "2026-01-05T09:00:00Z",
        Some("2026-01-05T12:00:00Z"),
    );
    let at_create = b.ok("2026-01-05T09:00:00Z", "b"); // created <= t: rework
    let at_resolve = b.ok("2026-01-05T12:00:00Z", "c"); // t <= resolved: rework
    b.ok("2026-01-05T12:00:01Z", "d"); // after: not
    b.dep(0, "2026-01-05T10:00:00Z", false, "e"); // a failure is never rework
    b.dep(1, "2026-01-05T10:00:00Z", true, "w"); // another service: not
    b.incident(Some(0), "2026-01-06T09:00:00Z", None); // open forever
    let open = b.ok("2026-01-09T09:00:00Z", "f");
    let l = b.linked();
    let c = cal("2026-01-05", "2026-01-11");
    let m = org(&l, &c);
    assert_eq!((m.rework_rate.numerator, m.rework_rate.denominator), (3, 6));
    assert_eq!(m.rework_rate.value, Some(0.5));
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::Rework, None),
        vec![at_create, at_resolve, open]
    );
}

#[test]
fn lead_time_counts_changes_by_their_deployment_and_waiting_ones_apart() {
    let mut b = B::new();
    // Merged before the period, shipped in it: counted (by its deployment's time).
    let c0 = b.change(0, "2026-01-02T08:00:00Z", "2026-01-03T10:00:00Z");
    let c1 = b.change(0, "2026-01-05T08:00:00Z", "2026-01-05T10:00:00Z");
    let c2 = b.change(0, "2026-01-05T09:00:00Z", "2026-01-05T11:00:00Z"); // merged at the deploy
    let d1 = b.ok("2026-01-05T11:00:00Z", "a");
    let c3 = b.change(0, "2026-01-06T00:00:00Z", "2026-01-06T10:00:00Z");
    let d2 = b.dep(0, "2026-01-06T11:00:00Z", false, "b"); // a failure ships nothing
    let d3 = b.ok("2026-01-07T12:00:00Z", "c");
    let c4 = b.change(0, "2026-01-10T08:00:00Z", "2026-01-10T09:00:00Z"); // never shipped
    let c5 = b.change(1, "2026-01-08T08:00:00Z", "2026-01-08T09:00:00Z"); // web: no deploys
    let l = b.linked();
    assert_eq!(l.deployed_by(c0), Some(d1));
    assert_eq!(l.deployed_by(c2), Some(d1));
    assert_eq!(l.deployed_by(c3), Some(d3));
    assert_ne!(l.deployed_by(c3), Some(d2));
    assert_eq!(l.deployed_by(c4), None);
    let c = cal("2026-01-05", "2026-01-11");
    let m = org(&l, &c);
    // c0: 75 h, c1: 3 h, c2: 2 h, c3: 36 h. Sorted 2, 3, 36, 75: p50 = 3, p90 = 75.
    let lt = &m.lead_time;
    assert_eq!(lt.changes, 4);
    assert_eq!(lt.median_hours, Some(3.0));
    assert_eq!(lt.p90_hours, Some(75.0));
    assert_eq!(lt.cluster, Some(Cluster::Elite));
    assert_eq!(lt.waiting, 2);
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::Changes, None),
        vec![c0, c1, c2, c3]
    );
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::Waiting, None),
        vec![c4, c5]
    );
    // Seen from the period ending on the 6th, c3 was waiting (shipped on the 7th).
    let early = org(&l, &cal("2026-01-05", "2026-01-06"));
    assert_eq!(early.lead_time.changes, 3);
    assert_eq!(early.lead_time.waiting, 1);
}

#[test]
fn a_first_commit_dated_after_its_deployment_is_a_lead_time_of_zero_everywhere() {
    let mut b = B::new();
    // The commit's clock ran ahead: its first commit is dated after the deployment.
    let skewed = b.change(0, "2026-01-05T15:00:00Z", "2026-01-05T10:00:00Z");
    let fine = b.change(0, "2026-01-05T08:00:00Z", "2026-01-05T10:00:00Z");
    let d = b.ok("2026-01-05T12:00:00Z", "a");
    let l = b.linked();
    let m = org(&l, &cal("2026-01-05", "2026-01-11"));
    // Samples 0 h and 4 h: the metric and the drill-down's per-change lead agree.
    assert_eq!(m.lead_time.changes, 2);
    assert_eq!(m.lead_time.median_hours, Some(0.0));
    assert_eq!(m.lead_time.p90_hours, Some(4.0));
    let leads = l.change_leads(&[skewed, fine]);
    assert_eq!(leads[&skewed], (d, 0));
    assert_eq!(leads[&fine], (d, 4 * 3600));
}

#[test]
fn an_empty_period_gives_null_not_zero() {
    let mut b = B::new();
    b.ok("2026-01-05T10:00:00Z", "a");
    b.change(0, "2026-01-05T08:00:00Z", "2026-01-05T09:00:00Z");
    let l = b.linked();
    let m = org(&l, &cal("2026-02-02", "2026-02-08"));
    assert_eq!(m.deployment_frequency.count, 0);
    assert_eq!(m.deployment_frequency.per_week, 0.0);
    assert_eq!(m.deployment_frequency.cluster, Some(Cluster::Low));
    assert_eq!(m.deployment_success_rate.value, None);
    assert_eq!(m.lead_time.median_hours, None);
    assert_eq!(m.lead_time.p90_hours, None);
    assert_eq!(m.lead_time.cluster, None);
    assert_eq!(m.change_failure_rate.value, None);
    assert_eq!(m.change_failure_rate.cluster, None);
    assert_eq!(m.recovery_time.median_hours, None);
    assert_eq!(m.recovery_time.cluster, None);
    assert_eq!(m.rework_rate.value, None);
    let json = serde_json::to_value(&m).unwrap();
    assert!(json["lead_time"]["median_hours"].is_null());
    assert!(json["change_failure_rate"]["cluster"].is_null());
    // No facts at all.
    let l = Linked::new(Facts::default());
    let m = org(&l, &cal("2026-02-02", "2026-02-08"));
    assert_eq!(m.deployment_frequency.count, 0);
    assert_eq!(m.recovery_time.median_hours, None);
}

#[test]
fn buckets_are_weeks_or_months_clipped_to_the_period() {
    let mut b = B::new();
    b.ok("2026-01-07T10:00:00Z", "a"); // Wednesday
    b.ok("2026-01-12T10:00:00Z", "b"); // Monday
    b.ok("2026-01-13T10:00:00Z", "c");
    b.ok("2026-01-20T10:00:00Z", "d");
    b.ok("2026-02-01T10:00:00Z", "e");
    let l = b.linked();
    let c = cal("2026-01-07", "2026-01-20");
    let r = l.report(&c, &Scope::Organisation, &Thresholds::default());
    let starts: Vec<String> = r
        .series
        .iter()
        .map(|s| s.period_start.to_string())
        .collect();
    assert_eq!(starts, ["2026-01-07", "2026-01-12", "2026-01-19"]);
    let ends: Vec<String> = r.series.iter().map(|s| s.period_end.to_string()).collect();
    assert_eq!(ends, ["2026-01-11", "2026-01-18", "2026-01-20"]);
    let counts: Vec<u64> = r.series.iter().map(|s| s.deployments).collect();
    assert_eq!(counts, [1, 2, 1]);
    // Per week of its own length: 1 in 5 days = 1.4 per week.
    assert!((r.series[0].metrics.deployment_frequency.per_week - 1.4).abs() < 1e-12);
    assert_eq!(r.metrics.deployment_frequency.count, 4);
    let c = Calendar::new(
        day("2026-01-07"),
        day("2026-02-10"),
        chrono_tz::UTC,
        Bucket::Month,
    )
    .unwrap();
    let r = l.report(&c, &Scope::Organisation, &Thresholds::default());
    let counts: Vec<(String, u64)> = r
        .series
        .iter()
        .map(|s| (s.period_start.to_string(), s.deployments))
        .collect();
    assert_eq!(counts, [("2026-01-07".into(), 4), ("2026-02-01".into(), 1)]);
    assert_eq!(
        l.drill(&c, &Scope::Organisation, Drill::Deployments, Some(1))
            .len(),
        1
    );
    assert!(Calendar::new(
        day("2026-02-01"),
        day("2026-01-01"),
        chrono_tz::UTC,
        Bucket::Week
    )
    .is_err());
}

#[test]
fn the_json_document_has_the_shape_of_the_spec() {
    let mut b = B::new();
    b.ok("2026-01-05T10:00:00Z", "a");
    let l = b.linked();
    let c = cal("2026-01-05", "2026-03-29");
    let r = l.report(&c, &Scope::Organisation, &Thresholds::default());
    let doc = DoraDocument {
        from: c.from,
        to: c.to,
        service: None,
        team: None,
        timezone: "UTC".into(),
        metrics: r.metrics,
        series: r.series,
    };
    let v = serde_json::to_value(&doc).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    let mut want = vec![
        "from",
        "to",
        "service",
        "timezone",
        "deployment_frequency",
        "deployment_success_rate",
        "lead_time",
        "change_failure_rate",
        "recovery_time",
        "rework_rate",
        "unlinked_incidents",
        "series",
    ];
    let mut got = keys.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(v["from"], "2026-01-05");
    assert!(v["service"].is_null());
    let f = v["deployment_frequency"].as_object().unwrap();
    assert_eq!(f.len(), 4);
    assert_eq!(v["deployment_frequency"]["count"], 1);
    assert_eq!(v["deployment_frequency"]["cluster"], "low");
    for (k, n) in [
        ("deployment_success_rate", 3),
        ("lead_time", 5),
        ("change_failure_rate", 4),
        ("recovery_time", 5),
        ("rework_rate", 3),
    ] {
        assert_eq!(v[k].as_object().unwrap().len(), n, "{k}");
    }
    let s = &v["series"];
    assert_eq!(s.as_array().unwrap().len(), 12);
    assert_eq!(s[0]["period_start"], "2026-01-05");
    assert_eq!(s[0]["deployments"], 1);
    assert_eq!(s[0]["deployment_frequency"]["count"], 1);
    assert!(s[1]["lead_time"]["median_hours"].is_null());
    assert!(s[1].get("unlinked_incidents").is_some());
}

#[test]
fn facts_from_records_follow_the_production_and_change_rules() {
    use chrono::{TimeZone, Utc};
    let at = |h: u32| Utc.with_ymd_and_hms(2026, 1, 5, h, 0, 0).unwrap();
    let dep = |id: Id, env: &str, prod: bool, outcome: Outcome| Deployment {
        id,
        source: None,
        source_key: None,
        service: "api".into(),
        environment: env.into(),
        production: prod,
        sha: format!("sha{id}"),
        git_ref: None,
        creator: None,
        outcome,
        time: Some(at(10)),
        created_at: at(9),
        release_id: None,
        url: None,
    };
    let deps = vec![
        dep(1, "production", false, Outcome::Success),
        dep(2, "PROD", false, Outcome::Success),
        dep(3, "staging", true, Outcome::Failure),
        dep(4, "staging", false, Outcome::Success),
        dep(5, "prod", false, Outcome::Pending),
    ];
    let settings = crate::settings::Settings::default();
    let pr = |id: Id, merged: Option<u32>, first: Option<u32>, kind: &str| WorkItem {
        id,
        source: None,
        source_key: None,
        title: "t".into(),
        kind: kind.into(),
        status: "merged".into(),
        status_category: crate::StatusCategory::Done,
        priority: None,
        service: Some("api".into()),
        releases: vec![],
        release_ids: vec![],
        labels: vec![],
        author: None,
        assignee: None,
        url: None,
        created_at: at(2),
        updated_at: at(2),
        resolved_at: None,
        merged_at: merged.map(at),
        first_commit_at: first.map(at),
        base_branch: None,
        additions: None,
        deletions: None,
        changed_files: None,
    };
    let items = vec![
        pr(10, Some(8), Some(1), "pull_request"),
        pr(11, Some(8), None, "pull_request"),
        pr(12, None, Some(1), "pull_request"), // closed unmerged: no change
        pr(13, Some(8), None, "story"),
    ];
    let f = Facts::from_records(&[], &deps, &items, &[], &settings);
    let ids: Vec<Id> = f.deployments.iter().map(|d| d.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(f.services.len(), 1);
    let starts: Vec<(Id, Secs)> = f.changes.iter().map(|c| (c.id, c.start)).collect();
    assert_eq!(starts, [(10, at(1).timestamp()), (11, at(2).timestamp())]);
    let l = Linked::new(f);
    let m = org(&l, &cal("2026-01-05", "2026-01-05"));
    // Changes merged 08:00, shipped 10:00: from first commit 01:00 = 9 h, from creation 8 h.
    assert_eq!(m.lead_time.median_hours, Some(8.0));
    assert_eq!(m.lead_time.p90_hours, Some(9.0));
}

// ---- property tests ----

fn arb_facts() -> impl Strategy<Value = Facts> {
    let base = t("2026-01-01T00:00:00Z");
    let dep = (0u32..3, 0i64..40 * 86_400, any::<bool>(), 0u8..6);
    let change = (0u32..3, 0i64..40 * 86_400, 0i64..5 * 86_400);
    let inc = (
        proptest::option::weighted(0.9, 0u32..3),
        0i64..40 * 86_400,
        proptest::option::of(0i64..3 * 86_400),
    );
    (
        proptest::collection::vec(dep, 0..60),
        proptest::collection::vec(change, 0..60),
        proptest::collection::vec(inc, 0..15),
    )
        .prop_map(move |(deps, changes, incs)| {
            let mut id = 0;
            let mut next = || {
                id += 1;
                id
            };
            Facts {
                services: (0..3)
                    .map(|i| ServiceInfo {
                        name: format!("s{i}"),
                        team: Some(if i == 0 { "x" } else { "y" }.into()),
                    })
                    .collect(),
                deployments: deps
                    .into_iter()
                    .map(|(s, dt, ok, sha)| DeployFact {
                        id: next(),
                        service: s,
                        time: base + dt,
                        success: ok || sha < 2,
                        sha: u64::from(sha),
                    })
                    .collect(),
                changes: changes
                    .into_iter()
                    .map(|(s, dt, age)| ChangeFact {
                        id: next(),
                        service: s,
                        merged: base + dt,
                        start: base + dt - age,
                    })
                    .collect(),
                incidents: incs
                    .into_iter()
                    .map(|(s, dt, dur)| IncidentFact {
                        id: next(),
                        service: s,
                        created: base + dt,
                        resolved: dur.map(|d| base + dt + d),
                    })
                    .collect(),
            }
        })
}

fn periods() -> impl Strategy<Value = (Calendar, Scope)> {
    (
        0u64..30,
        0u64..30,
        prop_oneof![Just(Bucket::Week), Just(Bucket::Month)],
        prop_oneof![
            Just(Scope::Organisation),
            Just(Scope::Services(vec![0])),
            Just(Scope::Services(vec![1, 2]))
        ],
    )
        .prop_map(|(a, len, bucket, scope)| {
            let from = day("2026-01-01") + chrono::Days::new(a);
            let to = from + chrono::Days::new(len);
            (
                Calendar::new(from, to, chrono_tz::UTC, bucket).unwrap(),
                scope,
            )
        })
}

fn check_rates(m: &Metrics) -> Result<(), TestCaseError> {
    for v in [
        m.deployment_success_rate.value,
        m.change_failure_rate.value,
        m.rework_rate.value,
    ]
    .into_iter()
    .flatten()
    {
        prop_assert!((0.0..=1.0).contains(&v), "rate {v}");
    }
    prop_assert!(m.change_failure_rate.numerator <= m.change_failure_rate.denominator);
    prop_assert!(m.rework_rate.numerator <= m.rework_rate.denominator);
    prop_assert_eq!(
        m.recovery_time.failures + m.recovery_time.open,
        m.change_failure_rate.numerator
    );
    if let (Some(a), Some(b)) = (m.lead_time.median_hours, m.lead_time.p90_hours) {
        prop_assert!(a <= b && a >= 0.0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn rates_stay_within_zero_and_one(facts in arb_facts(), (c, scope) in periods()) {
        let r = Linked::new(facts).report(&c, &scope, &Thresholds::default());
        check_rates(&r.metrics)?;
        let mut sum = 0;
        for s in &r.series {
            check_rates(&s.metrics)?;
            sum += s.deployments;
        }
        prop_assert_eq!(sum, r.metrics.deployment_frequency.count);
    }

    #[test]
    fn a_successful_deployment_never_lowers_frequency(
        facts in arb_facts(),
        (c, scope) in periods(),
        service in 0u32..3,
        dt in 0i64..60 * 86_400,
        sha in 0u64..8,
    ) {
        let th = Thresholds::default();
        let before = Linked::new(facts.clone()).report(&c, &scope, &th).metrics;
        let mut more = facts;
        more.deployments.push(DeployFact {
            id: 10_000,
            service,
            time: t("2025-12-20T00:00:00Z") + dt,
            success: true,
            sha,
        });
        let after = Linked::new(more).report(&c, &scope, &th).metrics;
        prop_assert!(after.deployment_frequency.count >= before.deployment_frequency.count);
        prop_assert!(after.deployment_frequency.per_week >= before.deployment_frequency.per_week);
        prop_assert!(
            after.deployment_frequency.deploy_days_per_week
                >= before.deployment_frequency.deploy_days_per_week
        );
    }

    #[test]
    fn the_order_of_the_records_never_changes_a_result(
        facts in arb_facts(),
        (c, scope) in periods(),
        seed in any::<u64>(),
    ) {
        let th = Thresholds::default();
        let a = Linked::new(facts.clone()).report(&c, &scope, &th);
        let mut shuffled = facts;
        let mut rng = crate::rng::SplitMix64::new(seed);
        shuffle(&mut shuffled.deployments, &mut rng);
        shuffle(&mut shuffled.changes, &mut rng);
        shuffle(&mut shuffled.incidents, &mut rng);
        let l = Linked::new(shuffled);
        let b = l.report(&c, &scope, &th);
        prop_assert_eq!(&a.metrics, &b.metrics);
        prop_assert_eq!(&a.series, &b.series);
        // Counted in two halves on two threads (as large workspaces are): the same.
        let halves = l.report_in_halves_from(&c, &scope, &th, 0);
        prop_assert_eq!(&a.metrics, &halves.metrics);
        prop_assert_eq!(&a.series, &halves.series);
        // The drill-down agrees with the counts.
        prop_assert_eq!(
            l.drill(&c, &scope, Drill::Deployments, None).len() as u64,
            a.metrics.deployment_frequency.count
        );
        prop_assert_eq!(
            l.drill(&c, &scope, Drill::ChangeFailures, None).len() as u64,
            a.metrics.change_failure_rate.numerator
        );
        prop_assert_eq!(
            l.drill(&c, &scope, Drill::Rework, None).len() as u64,
            a.metrics.rework_rate.numerator
        );
        prop_assert_eq!(
            l.drill(&c, &scope, Drill::Changes, None).len() as u64,
            a.metrics.lead_time.changes
        );
        prop_assert_eq!(
            l.drill(&c, &scope, Drill::Waiting, None).len() as u64,
            a.metrics.lead_time.waiting
        );
        prop_assert_eq!(
            l.drill(&c, &scope, Drill::UnlinkedIncidents, None).len() as u64,
            a.metrics.unlinked_incidents
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_byte_form_reads_back_as_the_same_linked_facts(
        facts in arb_facts(),
        (c, scope) in periods(),
    ) {
        let l = Linked::new(facts);
        let back = Linked::from_bytes(&l.to_bytes());
        prop_assert_eq!(back.as_ref(), Some(&l));
        let th = Thresholds::default();
        prop_assert_eq!(back.unwrap().report(&c, &scope, &th), l.report(&c, &scope, &th));
    }

    #[test]
    fn a_damaged_byte_form_is_refused_or_still_consistent(
        facts in arb_facts(),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
        (c, scope) in periods(),
    ) {
        let bytes = Linked::new(facts).to_bytes();
        // Cut short: always refused.
        let at = cut.index(bytes.len());
        prop_assert!(Linked::from_bytes(&bytes[..at]).is_none());
        // One flipped bit: refused, or facts (some time or id changed) that still report
        // and drill down without a panic, their counts adding up.
        let mut damaged = bytes.clone();
        damaged[flip.index(bytes.len())] ^= 1 << bit;
        if let Some(l) = Linked::from_bytes(&damaged) {
            let r = l.report(&c, &scope, &Thresholds::default());
            let sum: u64 = r.series.iter().map(|s| s.deployments).sum();
            prop_assert_eq!(sum, r.metrics.deployment_frequency.count);
            for what in Drill::ALL {
                l.drill(&c, &scope, what, None);
            }
        }
    }
}

/// `before` with the records of the services in `dirty` (and the incidents without a
/// service when it says so) those of `other` (ids moved apart): the facts after edits to
/// those services only.
fn edited(before: &Facts, other: &Facts, dirty: &Dirty) -> Facts {
    let ours = |s: u32| dirty.services.contains(&s);
    let mut after = Facts {
        services: before.services.clone(),
        ..Facts::default()
    };
    let moved = |id: Id| id + 100_000;
    after
        .deployments
        .extend(before.deployments.iter().filter(|d| !ours(d.service)));
    after.deployments.extend(
        other
            .deployments
            .iter()
            .filter(|d| ours(d.service))
            .map(|d| DeployFact {
                id: moved(d.id),
                ..*d
            }),
    );
    after
        .changes
        .extend(before.changes.iter().filter(|c| !ours(c.service)));
    after.changes.extend(
        other
            .changes
            .iter()
            .filter(|c| ours(c.service))
            .map(|c| ChangeFact {
                id: moved(c.id),
                ..*c
            }),
    );
    let inc_ours = |i: &IncidentFact| i.service.map_or(dirty.without_service, ours);
    after
        .incidents
        .extend(before.incidents.iter().filter(|i| !inc_ours(i)));
    after.incidents.extend(
        other
            .incidents
            .iter()
            .filter(|i| inc_ours(i))
            .map(|i| IncidentFact {
                id: moved(i.id),
                ..*i
            }),
    );
    after
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Relinking the edited services into kept links gives exactly what linking every fact
    /// again gives, from memory and from the byte form alike.
    #[test]
    fn relinking_some_services_equals_linking_everything(
        before in arb_facts(),
        other in arb_facts(),
        dirty in proptest::collection::vec(any::<bool>(), 3),
        without_service in any::<bool>(),
    ) {
        let dirty = Dirty {
            services: (0..3u32).filter(|&s| dirty[s as usize]).collect(),
            without_service,
        };
        let after = edited(&before, &other, &dirty);
        let kept = Linked::new(before);
        let full = Linked::new(after.clone());
        let spliced = kept.relinked(&dirty, after.clone());
        prop_assert_eq!(spliced.as_ref(), Some(&full));
        let bytes = kept.to_bytes();
        let from_bytes = Linked::relinked_from_bytes(&bytes, &dirty, after.clone());
        prop_assert_eq!(from_bytes.as_ref(), Some(&full));
        // Other services (or a damaged form) give nothing rather than wrong links.
        let mut renamed = after.clone();
        renamed.services[0].name = "renamed".into();
        prop_assert!(kept.relinked(&dirty, renamed.clone()).is_none());
        prop_assert!(Linked::relinked_from_bytes(&bytes, &dirty, renamed).is_none());
        prop_assert!(Linked::relinked_from_bytes(&bytes[..bytes.len() / 2], &dirty, after).is_none());
    }
}

#[test]
fn a_rollback_survives_the_byte_form() {
    // Deploy a, b, then a again: b is rolled back by the third.
    let base = t("2026-02-02T10:00:00Z");
    let dep = |id, dt, sha| DeployFact {
        id,
        service: 0,
        time: base + dt,
        success: true,
        sha,
    };
    let facts = Facts {
        services: vec![ServiceInfo {
            name: "api".into(),
            team: None,
        }],
        deployments: vec![dep(1, 0, 1), dep(2, 3600, 2), dep(3, 7200, 1)],
        ..Facts::default()
    };
    let l = Linked::from_bytes(&Linked::new(facts).to_bytes()).unwrap();
    assert_eq!(l.rolled_back_by(2), Some(3));
    assert_eq!(l.rolled_back_by(1), None);
    assert!(
        Linked::from_bytes(b"SYLF\x02\0\0\0").is_none(),
        "another format"
    );
}

fn shuffle<T>(v: &mut [T], rng: &mut crate::rng::SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.range(0, i as i64) as usize;
        v.swap(i, j);
    }
}

#[test]
fn p50_and_p90_together_match_nearest_rank() {
    for n in 1..40i64 {
        let mut v: Vec<i64> = (0..n).map(|i| (i * 7919) % 101).collect();
        let (a, b) = p50_p90(&mut v.clone());
        assert_eq!(a, nearest_rank(&mut v, 50), "{n}");
        assert_eq!(b, nearest_rank(&mut v, 90), "{n}");
    }
}

/// One rule for weekly or monthly buckets, used by the Metrics screen and the reports.
#[test]
fn half_a_year_is_drawn_by_week_and_longer_by_month() {
    assert_eq!(
        Bucket::for_period(day("2026-01-01"), day("2026-03-31")),
        Bucket::Week
    );
    // 180 days, both ends counted.
    assert_eq!(
        Bucket::for_period(day("2026-01-01"), day("2026-06-29")),
        Bucket::Week
    );
    assert_eq!(
        Bucket::for_period(day("2026-01-01"), day("2026-06-30")),
        Bucket::Month
    );
    assert_eq!(
        Bucket::for_period(day("2025-12-01"), day("2026-11-30")),
        Bucket::Month
    );
    assert_eq!(
        Bucket::for_period(day("2026-05-05"), day("2026-05-05")),
        Bucket::Week
    );
}
