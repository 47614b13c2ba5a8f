//! The demo organisation: a believable company, generated deterministically from a fixed
//! seed and an anchor (the moment it is loaded), so the calendar always shows a year of
//! history and six months of plans around "today", and no record is stamped after the
//! moment it was written.
//!
//! Acme Outfitters sells outdoor gear online. Four teams own twelve services that ride
//! three release trains: a two-week web train, a monthly platform train and a quarterly
//! enterprise train. The data has a deliberate flaw for the planner to find: the first
//! planned enterprise release depends on a platform release that is dated after it.

use crate::cadence::{apply_freeze_rule, occurrences};
use crate::model::*;
use crate::rng::SplitMix64;
use crate::vocab::*;
use chrono::{Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde_json::json;
use std::collections::BTreeMap;

pub const SEED: u64 = 0x0057_17C4_7A2D_0001;
pub const ORG: &str = "acme";

const TEAMS: [(&str, [&str; 3]); 4] = [
    (
        "Storefront",
        ["web-storefront", "web-checkout", "mobile-bff"],
    ),
    ("Payments", ["payments-api", "ledger", "fraud-scoring"]),
    ("Platform", ["auth-service", "api-gateway", "k8s-platform"]),
    (
        "Insights",
        ["search-api", "data-pipeline", "reporting-warehouse"],
    ),
];

/// Successful production deployments per week, by team.
const DEPLOYS_PER_WEEK: [f64; 4] = [4.2, 2.4, 2.0, 1.5];

const PEOPLE: [&str; 16] = [
    "amara.okafor",
    "ben.hartley",
    "chen.wei",
    "dana.kowalski",
    "elif.demir",
    "felix.moreau",
    "grace.lin",
    "hugo.santos",
    "ines.ferreira",
    "jonas.berg",
    "kavya.rao",
    "liam.oconnor",
    "maya.cohen",
    "noah.fischer",
    "olga.petrova",
    "pablo.ruiz",
];

/// The demo's roster: (name, roles, GitHub logins, Jira emails). The first four write code:
/// their GitHub logins are among the authors of the demo's pull requests (`PEOPLE`), so
/// segregation of duties refuses them on releases carrying their changes. The others author
/// nothing and between them hold every role the default risk policy asks for (sre,
/// change_board) and the release manager's and QA's.
type RosterEntry = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const ROSTER: [RosterEntry; 8] = [
    (
        "Amara Okafor",
        &["engineering"],
        &["amara.okafor"],
        &["amara.okafor@acme.example"],
    ),
    (
        "Chen Wei",
        &["sre", "engineering"],
        &["chen.wei"],
        &["chen.wei@acme.example"],
    ),
    (
        "Grace Lin",
        &["qa", "engineering"],
        &["grace.lin"],
        &["grace.lin@acme.example"],
    ),
    (
        "Kavya Rao",
        &["security", "engineering"],
        &["kavya.rao"],
        &["kavya.rao@acme.example"],
    ),
    (
        "Omar Haddad",
        &["sre"],
        &["omar-haddad"],
        &["omar.haddad@acme.example"],
    ),
    (
        "Rita Alvarez",
        &["release_manager", "change_board"],
        &[],
        &["rita.alvarez@acme.example"],
    ),
    (
        "Nina Patel",
        &["qa", "release_manager"],
        &["nina-patel"],
        &["nina.patel@acme.example"],
    ),
    (
        "Sofia Brandt",
        &["product", "security", "change_board"],
        &[],
        &["sofia.brandt@acme.example"],
    ),
];

const PR_VERBS: [&str; 8] = [
    "Add", "Fix", "Refactor", "Speed up", "Remove", "Harden", "Migrate", "Document",
];
// Most changes are ordinary work; a few touch auth, infrastructure or a schema, as in a
// real organisation, so risk classes spread out.
const PR_THINGS: [&str; 32] = [
    "cart totals rounding",
    "checkout address form",
    "session refresh",
    "rate limiter config",
    "search ranking weights",
    "ledger reconciliation job",
    "fraud rules cache",
    "gateway retry budget",
    "payment webhook handler",
    "order history pagination",
    "feature flag cleanup",
    "pod autoscaling limits",
    "warehouse export schema",
    "product image CDN headers",
    "login audit trail",
    "nightly ETL backfill",
    "empty cart state",
    "invoice PDF layout",
    "currency formatting",
    "search suggestions",
    "refund status emails",
    "settlement report totals",
    "basket merge on sign-in",
    "shipping estimate copy",
    "price alert digest",
    "admin table filters",
    "error page copy",
    "dashboard load time",
    "store locator map",
    "coupon validation",
    "receipt numbering",
    "accessibility labels",
];

struct TrainPlan {
    name: &'static str,
    description: &'static str,
    cadence: Cadence,
    template: Vec<MilestoneOffset>,
    rule: FreezeRule,
    services: Vec<String>,
    release_name: fn(NaiveDate, usize) -> (String, String),
}

fn offsets(list: &[(&str, &str, i32)]) -> Vec<MilestoneOffset> {
    list.iter()
        .map(|(kind, name, offset_days)| MilestoneOffset {
            kind: (*kind).into(),
            name: (*name).into(),
            offset_days: *offset_days,
        })
        .collect()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn at(day: NaiveDate, hour: i64, minute: i64) -> Timestamp {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)) + Duration::minutes(hour * 60 + minute)
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Generates the demo organisation around `now` (the moment it is loaded). Same `now`,
/// same document. Nothing in it is stamped later than `now`: the history is laid out by
/// day around today, and whatever falls on today (or later) is then drawn into the part
/// of today that has passed, keeping its order (see [`settle_before`]).
pub fn generate(now: Timestamp) -> Document {
    let mut g = Gen {
        rng: SplitMix64::new(SEED),
        doc: Document::empty(),
        today: now.date_naive(),
    };
    g.teams_and_services();
    let windows = g.freeze_windows();
    g.trains_and_releases(&windows);
    g.dependencies();
    g.readiness_risk_decisions();
    g.deployments_changes_incidents();
    g.roster();
    let mut doc = g.doc;
    doc.for_each_record_time(|t| *t = settle_before(*t, now));
    doc
}

/// Noon (UTC) of `day`: a load time for tests that think in days.
pub fn noon(day: NaiveDate) -> Timestamp {
    at(day, 12, 0)
}

/// Maps a generated time to one at or before `now`, keeping order: times before today
/// stay as they are; today's 24 hours are scaled into the hours of today that have
/// passed (an event planned for 11:00 lands before `now` even at 00:30); anything later
/// is `now`.
pub fn settle_before(t: Timestamp, now: Timestamp) -> Timestamp {
    let midnight = Utc.from_utc_datetime(&now.date_naive().and_time(NaiveTime::MIN));
    if t <= midnight {
        return t;
    }
    let day_ms = Duration::days(1).num_milliseconds() as i128;
    let passed_ms = (now - midnight).num_milliseconds() as i128;
    let into_ms = (t - midnight).num_milliseconds() as i128;
    if into_ms >= day_ms {
        return now;
    }
    midnight + Duration::milliseconds((into_ms * passed_ms / day_ms) as i64)
}

struct Gen {
    rng: SplitMix64,
    doc: Document,
    today: NaiveDate,
}

impl Gen {
    /// The roster, in place since the start of the demo's history.
    fn roster(&mut self) {
        let since = at(self.from(), 9, 0);
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for (i, (name, roles, github, jira)) in ROSTER.iter().enumerate() {
            self.doc.people.push(Person {
                id: i as Id + 1,
                name: (*name).into(),
                roles: list(roles),
                github: list(github),
                jira: list(jira),
                created_at: since,
                updated_at: since,
            });
        }
    }

    fn from(&self) -> NaiveDate {
        self.today - Days::new(365)
    }

    fn to(&self) -> NaiveDate {
        self.today + Days::new(183)
    }

    fn team_of(service: &str) -> usize {
        TEAMS
            .iter()
            .position(|(_, svcs)| svcs.contains(&service))
            .unwrap_or(0)
    }

    fn teams_and_services(&mut self) {
        for (i, (team, services)) in TEAMS.iter().enumerate() {
            self.doc.teams.push(Team {
                id: i as Id + 1,
                name: (*team).into(),
            });
            for svc in services {
                let id = self.doc.services.len() as Id + 1;
                self.doc.services.push(Service {
                    id,
                    name: (*svc).into(),
                    team: Some((*team).into()),
                    source: None,
                    source_key: None,
                });
            }
        }
    }

    fn freeze_windows(&mut self) -> Vec<FreezeWindow> {
        let mut windows = Vec::new();
        for year in self.from().year()..=self.to().year() {
            // Peak season: Thanksgiving week to Cyber Monday, for the money path only.
            let thanksgiving = NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Thu, 4)
                .unwrap_or(d(year, 11, 26));
            windows.push((
                format!("Peak season {year}"),
                thanksgiving - Days::new(3),
                thanksgiving + Days::new(4),
                vec!["web-storefront", "web-checkout", "payments-api", "ledger"],
                "Black Friday and Cyber Monday traffic: checkout and payments are frozen.",
            ));
            windows.push((
                format!("Year-end freeze {year}"),
                d(year, 12, 18),
                d(year + 1, 1, 3),
                vec![],
                "Holiday staffing and financial year close: no production changes.",
            ));
        }
        for (name, start, end, services, reason) in windows {
            if end < self.from() || start > self.to() {
                continue;
            }
            let id = self.doc.freeze_windows.len() as Id + 1;
            self.doc.freeze_windows.push(FreezeWindow {
                id,
                name,
                start_date: start,
                end_date: end,
                services: services.into_iter().map(String::from).collect(),
                reason: reason.into(),
            });
        }
        self.doc.freeze_windows.clone()
    }

    fn train_plans(&self) -> Vec<TrainPlan> {
        let year = self.today.year();
        let svcs = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        vec![
            TrainPlan {
                name: "Web",
                description: "Customer-facing web and mobile backends; ships every other Tuesday.",
                cadence: Cadence::EveryNWeeks {
                    weeks: 2,
                    anchor: NaiveDate::from_isoywd_opt(year, 2, Weekday::Tue).unwrap_or(d(year, 1, 6)),
                },
                template: offsets(&[
                    ("branch_cut", "Branch cut", -5),
                    ("code_freeze", "Code freeze", -3),
                    ("rc", "Release candidate", -2),
                    ("go_no_go", "Go/no-go", -1),
                    ("release", "Release", 0),
                    ("review", "Post-release review", 7),
                ]),
                rule: FreezeRule::Move,
                services: svcs(&["web-storefront", "web-checkout", "mobile-bff", "search-api"]),
                release_name: |day, _| {
                    let week = day.iso_week().week();
                    (
                        format!("Web {}.{:02}", day.year() % 100, week),
                        format!("{}.{}.0", day.year() % 100, week),
                    )
                },
            },
            TrainPlan {
                name: "Platform",
                description: "Identity, gateway, payments core and the cluster; second Wednesday of each month.",
                cadence: Cadence::Monthly {
                    nth: 2,
                    weekday: 2,
                    every_months: 1,
                    anchor_month: d(year, 1, 1),
                },
                template: offsets(&[
                    ("branch_cut", "Branch cut", -10),
                    ("code_freeze", "Code freeze", -6),
                    ("rc", "Release candidate", -5),
                    ("go_no_go", "Go/no-go", -1),
                    ("release", "Release", 0),
                    ("review", "Post-release review", 7),
                ]),
                rule: FreezeRule::Move,
                services: svcs(&["auth-service", "api-gateway", "k8s-platform", "payments-api", "ledger"]),
                release_name: |day, _| {
                    (
                        format!("Platform {}.{:02}", day.year(), day.month()),
                        format!("{}.{}.0", day.year(), day.month()),
                    )
                },
            },
            TrainPlan {
                name: "Enterprise",
                description: "Reporting, data and fraud models for enterprise customers; quarterly with a long soak.",
                cadence: Cadence::Monthly {
                    nth: 3,
                    weekday: 3,
                    every_months: 3,
                    anchor_month: d(year, 2, 1),
                },
                template: offsets(&[
                    ("branch_cut", "Branch cut", -21),
                    ("code_freeze", "Code freeze", -14),
                    ("rc", "Release candidate", -10),
                    ("go_no_go", "Go/no-go", -2),
                    ("release", "Release", 0),
                    ("review", "Post-release review", 14),
                ]),
                rule: FreezeRule::Flag,
                services: svcs(&["fraud-scoring", "data-pipeline", "reporting-warehouse"]),
                release_name: |day, _| {
                    let q = (day.month() - 1) / 3 + 1;
                    (format!("Enterprise {} Q{}", day.year(), q), format!("{}.{}", day.year(), q))
                },
            },
        ]
    }

    fn trains_and_releases(&mut self, windows: &[FreezeWindow]) {
        let windows: Vec<Blackout> = windows.iter().cloned().map(Blackout::Freeze).collect();
        let (from, to, today) = (self.from(), self.to(), self.today);
        for (ti, plan) in self.train_plans().into_iter().enumerate() {
            let train_id = ti as Id + 1;
            self.doc.trains.push(Train {
                id: train_id,
                name: plan.name.into(),
                description: plan.description.into(),
                cadence: plan.cadence.clone(),
                milestone_template: plan.template.clone(),
                freeze_rule: plan.rule,
                services: plan.services.clone(),
            });
            for (n, planned) in occurrences(&plan.cadence, from, to).into_iter().enumerate() {
                let (target, _) = apply_freeze_rule(planned, plan.rule, &windows, &plan.services);
                let (name, version) = (plan.release_name)(planned, n);
                // About one past release in six slipped by a few days.
                let slip = if target < today && self.rng.chance(0.17) {
                    self.rng.range(1, 3) as u64
                } else {
                    0
                };
                let mut actual = target + Days::new(slip);
                while is_weekend(actual) {
                    actual = actual + Days::new(1);
                }
                let first = plan
                    .template
                    .iter()
                    .map(|m| m.offset_days)
                    .min()
                    .unwrap_or(0);
                let start = actual + Duration::days(i64::from(first));
                let status = if actual < today {
                    ReleaseStatus::Released
                } else if start <= today {
                    ReleaseStatus::InProgress
                } else {
                    ReleaseStatus::Planned
                };
                let release_type = if plan.name == "Platform" && planned.month() % 6 == 3 {
                    ReleaseType::Major
                } else {
                    ReleaseType::Regular
                };
                let id = self.doc.releases.len() as Id + 1;
                self.doc.releases.push(Release {
                    id,
                    name,
                    version: Some(version),
                    train_id: Some(train_id),
                    release_type,
                    status,
                    start_date: Some(start),
                    planned_date: Some(target),
                    release_date: Some(actual),
                    released: status == ReleaseStatus::Released,
                    archived: false,
                    description: format!("{} train release.", plan.name),
                    services: plan.services.clone(),
                    source: None,
                    source_key: None,
                });
                for m in &plan.template {
                    let mut date = actual + Duration::days(i64::from(m.offset_days));
                    // Milestones fall on working days: earlier ones move back, later ones forward.
                    while is_weekend(date) {
                        date = if m.offset_days < 0 {
                            date - Days::new(1)
                        } else {
                            date + Days::new(1)
                        };
                    }
                    let completed_at = (date < today).then(|| at(date, 16, 30));
                    let mid = self.doc.milestones.len() as Id + 1;
                    self.doc.milestones.push(Milestone {
                        id: mid,
                        release_id: id,
                        kind: m.kind.clone(),
                        name: m.name.clone(),
                        date,
                        completed_at,
                    });
                }
            }
        }
        // Two hotfixes in the past year, off-train.
        for (weeks_ago, service, title) in [
            (
                31,
                "payments-api",
                "Payments hotfix: duplicate capture on retry",
            ),
            (9, "auth-service", "Auth hotfix: token refresh loop"),
        ] {
            let mut day = today - Days::new(weeks_ago * 7);
            while is_weekend(day) {
                day = day + Days::new(1);
            }
            let id = self.doc.releases.len() as Id + 1;
            self.doc.releases.push(Release {
                id,
                name: title.split(':').next().unwrap_or(title).to_string()
                    + &format!(" {}", day.format("%Y-%m-%d")),
                version: None,
                train_id: None,
                release_type: ReleaseType::Hotfix,
                status: ReleaseStatus::Released,
                start_date: Some(day),
                planned_date: Some(day),
                release_date: Some(day),
                released: true,
                archived: false,
                description: title.into(),
                services: vec![service.into()],
                source: None,
                source_key: None,
            });
        }
    }

    fn releases_of(&self, train: &str) -> Vec<&Release> {
        let tid = self
            .doc
            .trains
            .iter()
            .find(|t| t.name == train)
            .map(|t| t.id);
        self.doc
            .releases
            .iter()
            .filter(|r| r.train_id == tid)
            .collect()
    }

    fn dependencies(&mut self) {
        let mut deps: Vec<(String, String, String, String)> = Vec::new();
        let service_id = |doc: &Document, name: &str| {
            doc.services
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.id)
                .unwrap_or(0)
        };
        for (blocker, blocked, note) in [
            (
                "payments-api",
                "web-checkout",
                "Checkout calls the payments API",
            ),
            (
                "ledger",
                "payments-api",
                "Payments posts every capture to the ledger",
            ),
            (
                "auth-service",
                "api-gateway",
                "Gateway validates tokens with auth",
            ),
            (
                "api-gateway",
                "web-storefront",
                "Storefront traffic enters through the gateway",
            ),
            (
                "api-gateway",
                "mobile-bff",
                "Mobile backend sits behind the gateway",
            ),
            (
                "search-api",
                "web-storefront",
                "Product listing pages query search",
            ),
            (
                "fraud-scoring",
                "payments-api",
                "Captures are scored before settlement",
            ),
            (
                "data-pipeline",
                "reporting-warehouse",
                "Warehouse loads the pipeline's output",
            ),
            (
                "k8s-platform",
                "api-gateway",
                "Gateway runs on the shared cluster",
            ),
        ] {
            deps.push((
                "service".into(),
                service_id(&self.doc, blocker).to_string(),
                service_id(&self.doc, blocked).to_string(),
                note.into(),
            ));
        }
        let today = self.today;
        let platform: Vec<(Id, NaiveDate, String)> = self
            .releases_of("Platform")
            .iter()
            .map(|r| (r.id, r.release_date.unwrap_or(today), r.name.clone()))
            .collect();
        let web: Vec<(Id, NaiveDate)> = self
            .releases_of("Web")
            .iter()
            .map(|r| (r.id, r.release_date.unwrap_or(today)))
            .collect();
        // Each upcoming platform release unblocks the first web release after it.
        for (pid, pdate, pname) in platform.iter().filter(|p| p.1 >= today - Days::new(60)) {
            if let Some((wid, _)) = web.iter().find(|w| w.1 > *pdate) {
                deps.push((
                    "release".into(),
                    pid.to_string(),
                    wid.to_string(),
                    format!("Needs the gateway and auth changes shipped in {pname}"),
                ));
            }
        }
        // The deliberate conflict: the next enterprise release needs a platform release
        // that is dated after it.
        let enterprise: Vec<(Id, NaiveDate)> = self
            .releases_of("Enterprise")
            .iter()
            .filter(|r| !r.released)
            .map(|r| (r.id, r.release_date.unwrap_or(today)))
            .collect();
        if let Some((eid, edate)) = enterprise.first() {
            if let Some((pid, _, pname)) = platform.iter().find(|p| p.1 > *edate) {
                deps.push((
                    "release".into(),
                    pid.to_string(),
                    eid.to_string(),
                    format!("Reporting exports need the new gateway quota API from {pname}, which ships later"),
                ));
            }
        }
        for (kind, blocker, blocked, note) in deps {
            let id = self.doc.dependencies.len() as Id + 1;
            self.doc.dependencies.push(Dependency {
                id,
                kind,
                blocker,
                blocked,
                note,
                source: None,
                source_key: None,
            });
        }
    }

    fn readiness_risk_decisions(&mut self) {
        let today = self.today;
        let releases = self.doc.releases.clone();
        for r in &releases {
            let date = r.release_date.unwrap_or(today);
            // Risk: a believable spread with explained factors.
            let migration = self.rng.chance(0.25);
            let auth = r.services.iter().any(|s| s == "auth-service") && self.rng.chance(0.5);
            let size = self.rng.range(5, 90) as f64;
            let mut factors = vec![
                json!({"factor": "change_size", "contribution": (size / 10.0).round(), "reason": format!("{} merged changes", size as i64)}),
            ];
            let mut score = (size / 10.0).round();
            if migration {
                score += 25.0;
                factors.push(json!({"factor": "database_migration", "contribution": 25.0, "reason": "Includes a schema migration"}));
            }
            if auth {
                score += 20.0;
                factors.push(json!({"factor": "auth_change", "contribution": 20.0, "reason": "Touches authentication"}));
            }
            if matches!(r.release_type, ReleaseType::Hotfix | ReleaseType::Major) {
                score += 15.0;
                factors.push(json!({"factor": "release_type", "contribution": 15.0, "reason": format!("{} release", r.release_type)}));
            }
            let blast = r.services.len() as f64 * 3.0;
            score += blast;
            factors.push(json!({"factor": "blast_radius", "contribution": blast, "reason": format!("{} services", r.services.len())}));
            let class = match score {
                s if s >= 60.0 => RiskClass::Critical,
                s if s >= 40.0 => RiskClass::High,
                s if s >= 20.0 => RiskClass::Medium,
                _ => RiskClass::Low,
            };
            let rid = self.doc.risk_assessments.len() as Id + 1;
            let assessed_day = r.start_date.unwrap_or(date).min(today);
            self.doc.risk_assessments.push(RiskAssessment {
                id: rid,
                release_id: r.id,
                score,
                class,
                factors: serde_json::Value::Array(factors),
                override_class: None,
                override_reason: None,
                assessed_at: at(assessed_day, 9, 0),
                assessed_by: "switchyard".into(),
            });

            // Readiness checklist.
            let mut items: Vec<(&str, ItemKind, Option<&str>)> = vec![
                ("Release notes drafted", ItemKind::Manual, None),
                (
                    "All issues in the release done",
                    ItemKind::Rule,
                    Some("all_issues_done"),
                ),
                (
                    "CI green on the release commit",
                    ItemKind::Rule,
                    Some("ci_green"),
                ),
                ("No open blocker", ItemKind::Rule, Some("no_open_blocker")),
                ("Rollback plan reviewed", ItemKind::Manual, None),
            ];
            if class >= RiskClass::High {
                items.push(("SRE sign-off", ItemKind::Manual, None));
                items.push((
                    "Change record approved",
                    ItemKind::Rule,
                    Some("change_record_approved"),
                ));
            }
            if migration {
                items.push((
                    "Migration rehearsed on a production snapshot",
                    ItemKind::Manual,
                    None,
                ));
            }
            let start = r.start_date.unwrap_or(date);
            // Checklist work is planned to be finished by the go/no-go meeting; about one
            // shipped release in seven (chosen by id, so the random sequence is unchanged)
            // still had an item open then and closed it on release day.
            let gate = self
                .doc
                .milestones
                .iter()
                .find(|m| m.release_id == r.id && m.kind == "go_no_go")
                .map(|m| m.date)
                .unwrap_or(date)
                .max(start);
            let late = r.released && r.id % 7 == 3;
            let finish = if late { date } else { gate };
            let span = (finish - start).num_days().max(1) as f64;
            let elapsed = (today - start).num_days() as f64;
            let progress = (elapsed / span).clamp(0.0, 1.0);
            let cid = self.doc.checklists.len() as Id + 1;
            let mut checklist_items = Vec::new();
            let n = items.len();
            for (pos, (title, kind, rule)) in items.into_iter().enumerate() {
                let next_id = self
                    .doc
                    .checklists
                    .iter()
                    .map(|c| c.items.len())
                    .sum::<usize>()
                    + checklist_items.len()
                    + 1;
                let due_share = (pos as f64 + 1.0) / n as f64;
                let done = r.released || (progress >= due_share && self.rng.chance(0.85));
                let when = if done {
                    start + Duration::days((span * due_share).floor() as i64)
                } else {
                    start.min(today)
                };
                checklist_items.push(ChecklistItem {
                    id: next_id as Id,
                    position: pos as i64 + 1,
                    title: title.into(),
                    kind,
                    rule: rule.map(String::from),
                    owner: Some((*self.rng.pick(&PEOPLE)).into()),
                    state: if done {
                        ItemState::Done
                    } else {
                        ItemState::Pending
                    },
                    evidence_url: None,
                    note: String::new(),
                    updated_at: at(when.min(today), 11, 0),
                });
            }
            self.doc.checklists.push(Checklist {
                id: cid,
                release_id: r.id,
                template: format!("{class}-{}", r.release_type),
                created_at: at(start.min(today), 9, 0),
                items: checklist_items,
            });

            // Go/no-go for what already shipped: approvals follow the risk class.
            if r.released {
                let go_day = date - Days::new(1);
                let mut approvals = vec![Approval {
                    role: "release_manager".into(),
                    approver: (*self.rng.pick(&PEOPLE)).into(),
                    approved_at: at(go_day, 14, 0),
                    recorded: RecordedBy::default(),
                }];
                if class != RiskClass::Low {
                    approvals.push(Approval {
                        role: "sre".into(),
                        approver: (*self.rng.pick(&PEOPLE)).into(),
                        approved_at: at(go_day, 14, 20),
                        recorded: RecordedBy::default(),
                    });
                }
                let criteria = json!({"readiness": 1.0, "risk_class": class, "open_blockers": 0});
                let superseded = if self.rng.chance(0.06) {
                    let id = self.doc.decisions.len() as Id + 1;
                    self.doc.decisions.push(Decision {
                        id,
                        release_id: r.id,
                        outcome: DecisionOutcome::NoGo,
                        criteria: json!({"readiness": 0.8, "risk_class": class, "open_blockers": 1}),
                        approvals: vec![],
                        notes: "Blocker open on the release candidate; re-run go/no-go after the fix.".into(),
                        decided_by: approvals[0].approver.clone(),
                        decided_at: at(go_day, 10, 0),
                        supersedes: None,
                        recorded: RecordedBy::default(),
                    });
                    Some(id)
                } else {
                    None
                };
                let id = self.doc.decisions.len() as Id + 1;
                self.doc.decisions.push(Decision {
                    id,
                    release_id: r.id,
                    outcome: DecisionOutcome::Go,
                    criteria,
                    notes: String::new(),
                    decided_by: approvals[0].approver.clone(),
                    decided_at: at(go_day, 15, 0),
                    approvals,
                    supersedes: superseded,
                    recorded: RecordedBy::default(),
                });
            }
        }
    }

    fn deployments_changes_incidents(&mut self) {
        let (from, today) = (self.from(), self.today);
        let services: Vec<String> = self.doc.services.iter().map(|s| s.name.clone()).collect();
        // The release a change ships in: the first release of a train carrying its service
        // dated on or after the merge.
        let mut release_days: BTreeMap<String, Vec<(NaiveDate, Id, String)>> = BTreeMap::new();
        for r in &self.doc.releases {
            for s in &r.services {
                release_days.entry(s.clone()).or_default().push((
                    r.release_date.unwrap_or(today),
                    r.id,
                    r.name.clone(),
                ));
            }
        }
        for v in release_days.values_mut() {
            v.sort();
        }
        // Planned work for every release that has not shipped yet (Jira-style issues).
        let open: Vec<Release> = self
            .doc
            .releases
            .iter()
            .filter(|r| !r.released)
            .cloned()
            .collect();
        for r in &open {
            let n = self.rng.range(3, 7);
            for k in 0..n {
                let service = self.rng.pick(&r.services).clone();
                let kind = *self.rng.pick(&["story", "story", "bug", "task"]);
                let near = r.start_date.is_some_and(|s| s <= today + Days::new(14));
                let (status, category) = if near && self.rng.chance(0.6) {
                    ("Done", StatusCategory::Done)
                } else if near && self.rng.chance(0.5) {
                    ("In Review", StatusCategory::InProgress)
                } else {
                    ("To Do", StatusCategory::Todo)
                };
                let created = at(today - Days::new(self.rng.range(5, 60) as u64), 10, k * 7);
                let id = self.doc.work_items.len() as Id + 1;
                let title = format!("{} {}", self.rng.pick(&PR_VERBS), self.rng.pick(&PR_THINGS));
                self.doc.work_items.push(WorkItem {
                    id,
                    source: None,
                    source_key: None,
                    title,
                    kind: kind.into(),
                    status: status.into(),
                    status_category: category,
                    priority: Some((*self.rng.pick(&["High", "Medium", "Medium", "Low"])).into()),
                    service: Some(service),
                    releases: vec![r.name.clone()],
                    release_ids: vec![r.id],
                    labels: vec![],
                    author: Some((*self.rng.pick(&PEOPLE)).into()),
                    assignee: Some((*self.rng.pick(&PEOPLE)).into()),
                    url: None,
                    created_at: created,
                    updated_at: created + Duration::hours(30),
                    resolved_at: (category == StatusCategory::Done)
                        .then(|| created + Duration::hours(30)),
                    merged_at: None,
                    first_commit_at: None,
                    base_branch: None,
                    additions: None,
                    deletions: None,
                    changed_files: None,
                });
            }
        }

        let mut pr_number: BTreeMap<String, i64> = BTreeMap::new();
        for service in &services {
            let team = Self::team_of(service);
            let rate = DEPLOYS_PER_WEEK[team];
            let mut shas: Vec<String> = Vec::new();
            let mut day = from;
            let mut open_incident_until: Option<Timestamp> = None;
            while day < today {
                let weekday = !is_weekend(day);
                // Deploys mostly on weekdays; a day's chance is the weekly rate over 5 days.
                let n = if weekday {
                    let p = rate / 5.0;
                    (p.floor() as i64) + i64::from(self.rng.chance(p.fract()))
                } else {
                    i64::from(self.rng.chance(0.02))
                };
                let frozen = self.doc.freeze_windows.iter().any(|w| {
                    w.covers(day) && (w.services.is_empty() || w.services.contains(service))
                });
                for k in 0..n {
                    if frozen && !self.rng.chance(0.1) {
                        continue;
                    }
                    let created = at(day, 9 + self.rng.range(0, 7), self.rng.range(0, 59) + k * 3);
                    let failed = self.rng.chance(0.055);
                    let rollback = !failed && shas.len() > 3 && self.rng.chance(0.012);
                    let sha = if rollback {
                        shas[shas.len() - 2].clone()
                    } else {
                        self.rng.sha()
                    };
                    let time = created + Duration::minutes(self.rng.range(4, 25));
                    let deployment_id = self.doc.deployments.len() as Id + 1;
                    let release_id = release_days
                        .get(service)
                        .and_then(|v| v.iter().find(|(d, _, _)| *d >= day))
                        .map(|(_, id, _)| *id);
                    self.doc.deployments.push(Deployment {
                        id: deployment_id,
                        source: None,
                        source_key: None,
                        service: service.clone(),
                        environment: "production".into(),
                        production: true,
                        sha: sha.clone(),
                        git_ref: Some("main".into()),
                        creator: Some("deploy-bot".into()),
                        outcome: if failed {
                            Outcome::Failure
                        } else {
                            Outcome::Success
                        },
                        time: Some(time),
                        created_at: created,
                        release_id,
                        url: None,
                    });
                    if failed || rollback {
                        continue;
                    }
                    shas.push(sha.clone());
                    // The changes this deployment shipped.
                    let changes = self.rng.range(1, 3);
                    for _ in 0..changes {
                        let merged = time - Duration::minutes(self.rng.range(30, 36 * 60));
                        let first_commit =
                            merged - Duration::minutes(self.rng.range(60, 5 * 24 * 60));
                        let number = pr_number.entry(service.clone()).or_insert(100);
                        *number += self.rng.range(1, 4);
                        let author = (*self.rng.pick(&PEOPLE)).to_string();
                        let title =
                            format!("{} {}", self.rng.pick(&PR_VERBS), self.rng.pick(&PR_THINGS));
                        let additions = self.rng.range(3, 600);
                        let release = release_days
                            .get(service)
                            .and_then(|v| v.iter().find(|(d, _, _)| *d >= merged.date_naive()));
                        let labels = if title.starts_with("Fix") {
                            vec!["bug".to_string()]
                        } else if title.starts_with("Add") {
                            vec!["feature".to_string()]
                        } else {
                            vec![]
                        };
                        let id = self.doc.work_items.len() as Id + 1;
                        self.doc.work_items.push(WorkItem {
                            id,
                            source: None,
                            source_key: None,
                            title,
                            kind: "pull_request".into(),
                            status: "merged".into(),
                            status_category: StatusCategory::Done,
                            priority: None,
                            service: Some(service.clone()),
                            releases: release.map(|r| vec![r.2.clone()]).unwrap_or_default(),
                            release_ids: release.map(|r| vec![r.1]).unwrap_or_default(),
                            labels,
                            author: Some(author),
                            assignee: None,
                            url: Some(format!("https://github.com/{ORG}/{service}/pull/{number}")),
                            created_at: first_commit + Duration::minutes(20),
                            updated_at: merged,
                            resolved_at: Some(merged),
                            merged_at: Some(merged),
                            first_commit_at: Some(first_commit),
                            base_branch: Some("main".into()),
                            additions: Some(additions),
                            deletions: Some(self.rng.range(0, additions)),
                            changed_files: Some(self.rng.range(1, 30)),
                        });
                        // CI for the merge commit; one in twelve fails, some of those pass on a re-run.
                        let run_failed = self.rng.chance(1.0 / 12.0);
                        let attempts = if run_failed && self.rng.chance(0.5) {
                            2
                        } else {
                            1
                        };
                        for attempt in 1..=attempts {
                            let started = merged + Duration::minutes(2 + (attempt - 1) * 25);
                            let conclusion = if attempt == attempts && attempts == 2 {
                                "success"
                            } else if run_failed {
                                "failure"
                            } else {
                                "success"
                            };
                            let run_id = self.doc.pipeline_runs.len() as Id + 1;
                            self.doc.pipeline_runs.push(PipelineRun {
                                id: run_id,
                                source: None,
                                source_key: None,
                                service: service.clone(),
                                workflow: "CI".into(),
                                head_sha: sha.clone(),
                                event: "push".into(),
                                status: "completed".into(),
                                conclusion: Some(conclusion.into()),
                                attempt,
                                started_at: started,
                                finished_at: Some(
                                    started + Duration::seconds(self.rng.range(240, 1500)),
                                ),
                            });
                        }
                    }
                    // Some successful deployments cause an incident a few hours later.
                    let busy = open_incident_until.is_some_and(|t| t > time);
                    if !busy && self.rng.chance(0.035) {
                        let created = time + Duration::minutes(self.rng.range(10, 8 * 60));
                        let resolved = created + Duration::minutes(self.rng.range(20, 30 * 60));
                        open_incident_until = Some(resolved);
                        let id = self.doc.incidents.len() as Id + 1;
                        let title = format!(
                            "{}: {}",
                            service,
                            self.rng.pick(&[
                                "elevated 5xx after deploy",
                                "latency regression on p99",
                                "error budget burn alert",
                                "failed health checks in one zone",
                                "queue backlog growing",
                            ])
                        );
                        let sev = *self.rng.pick(&["SEV2", "SEV3", "SEV3"]);
                        self.doc.incidents.push(Incident {
                            id,
                            source: None,
                            source_key: None,
                            service: Some(service.clone()),
                            title,
                            severity: Some(sev.into()),
                            created_at: created,
                            resolved_at: (resolved < at(today, 0, 0)).then_some(resolved),
                            url: None,
                        });
                    }
                }
                day = day + Days::new(1);
            }
        }
        // A few incidents no deployment caused (a cloud provider outage, a certificate).
        for (days_ago, service, title) in [
            (200, "api-gateway", "Upstream cloud region degraded"),
            (
                77,
                "auth-service",
                "Expired intermediate certificate on the IdP",
            ),
            (12, "data-pipeline", "Vendor feed delivered an empty file"),
        ] {
            let created = at(today - Days::new(days_ago), 3, 12);
            let id = self.doc.incidents.len() as Id + 1;
            self.doc.incidents.push(Incident {
                id,
                source: None,
                source_key: None,
                service: Some(service.into()),
                title: title.into(),
                severity: Some("SEV2".into()),
                created_at: created,
                resolved_at: Some(created + Duration::hours(3)),
                url: None,
            });
        }
        self.doc.incidents.sort_by_key(|i| i.created_at);
        for (i, inc) in self.doc.incidents.iter_mut().enumerate() {
            inc.id = i as Id + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        at(d(2026, 11, 28), 8, 0)
    }

    fn today() -> NaiveDate {
        now().date_naive()
    }

    /// Every RFC 3339 time in the document's JSON, with the key it sits under.
    fn times(v: &serde_json::Value, key: &str, out: &mut Vec<(String, Timestamp)>) {
        match v {
            serde_json::Value::String(s) => {
                if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                    out.push((key.to_string(), t.with_timezone(&Utc)));
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| times(x, key, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| times(x, k, out)),
            _ => {}
        }
    }

    #[test]
    fn nothing_is_stamped_after_the_moment_the_demo_is_loaded() {
        // Early morning, late night, a Monday and a Sunday: the hours at which the demo's
        // "later today" records once outranked what a person did after loading it.
        for (day, h, m) in [
            (d(2026, 11, 30), 0, 30),
            (d(2026, 11, 30), 6, 59),
            (d(2026, 11, 30), 23, 59),
            (d(2026, 11, 29), 0, 0),
            (d(2026, 11, 29), 6, 59),
        ] {
            let now = at(day, h, m);
            let doc = generate(now);
            let mut all = Vec::new();
            times(&serde_json::to_value(&doc).unwrap(), "", &mut all);
            assert!(all.len() > 10_000, "{} times", all.len());
            let late: Vec<_> = all
                .iter()
                .filter(|(k, t)| *t > now && k != "window_start" && k != "window_end")
                .collect();
            assert!(
                late.is_empty(),
                "at {now}: {} later, e.g. {:?}",
                late.len(),
                late.first()
            );
            // Today keeps its events, before now.
            assert!(
                all.iter().any(|(_, t)| t.date_naive() == day),
                "at {now}: nothing today"
            );
        }
    }

    #[test]
    fn settling_keeps_order_and_leaves_the_past_alone() {
        let now = at(d(2026, 11, 30), 0, 30);
        let yesterday = at(d(2026, 11, 29), 23, 0);
        assert_eq!(settle_before(yesterday, now), yesterday);
        let nine = settle_before(at(d(2026, 11, 30), 9, 0), now);
        let eleven = settle_before(at(d(2026, 11, 30), 11, 0), now);
        assert!(nine < eleven && eleven <= now, "{nine} {eleven}");
        assert_eq!(settle_before(at(d(2026, 12, 3), 9, 0), now), now);
        // At the last minute of the day, the day is barely compressed.
        let late = at(d(2026, 11, 30), 23, 59);
        assert!(settle_before(at(d(2026, 11, 30), 11, 0), late) > at(d(2026, 11, 30), 10, 59));
    }

    #[test]
    fn same_anchor_same_document() {
        assert_eq!(generate(now()), generate(now()));
    }

    #[test]
    fn the_company_has_the_promised_shape() {
        let doc = generate(now());
        assert_eq!(doc.teams.len(), 4);
        assert_eq!(doc.services.len(), 12);
        assert_eq!(doc.trains.len(), 3);
        let prod_deploys = doc.deployments.iter().filter(|d| d.production).count();
        assert!(
            (1300..=1700).contains(&prod_deploys),
            "{prod_deploys} deployments"
        );
        let failures = doc
            .deployments
            .iter()
            .filter(|d| d.outcome == Outcome::Failure)
            .count();
        assert!(failures > 30 && failures < 150, "{failures} failures");
        assert!(
            doc.incidents.len() > 20,
            "{} incidents",
            doc.incidents.len()
        );
        let prs = doc
            .work_items
            .iter()
            .filter(|w| w.kind == "pull_request")
            .count();
        assert!(prs > 1500, "{prs} PRs");
        // A year of history and six months of plans on every train.
        for train in &doc.trains {
            let rs: Vec<_> = doc
                .releases
                .iter()
                .filter(|r| r.train_id == Some(train.id))
                .collect();
            assert!(rs
                .iter()
                .any(|r| r.release_date < Some(today() - Days::new(270))));
            assert!(rs
                .iter()
                .any(|r| r.release_date > Some(today() + Days::new(100))));
            assert!(rs.iter().any(|r| r.released) && rs.iter().any(|r| !r.released));
        }
        // Every release has its milestones (on working days), a checklist and a risk assessment.
        assert!(doc.milestones.iter().all(|m| !is_weekend(m.date)));
        for r in &doc.releases {
            if r.train_id.is_some() {
                assert_eq!(
                    doc.milestones
                        .iter()
                        .filter(|m| m.release_id == r.id)
                        .count(),
                    6
                );
            }
            assert_eq!(
                doc.checklists
                    .iter()
                    .filter(|c| c.release_id == r.id)
                    .count(),
                1
            );
            assert_eq!(
                doc.risk_assessments
                    .iter()
                    .filter(|a| a.release_id == r.id)
                    .count(),
                1
            );
        }
    }

    #[test]
    fn rollbacks_exist_and_ids_are_dense() {
        let doc = generate(now());
        let mut rollbacks = 0;
        for (i, d) in doc.deployments.iter().enumerate() {
            assert_eq!(d.id, i as Id + 1);
            let earlier: Vec<_> = doc.deployments[..i]
                .iter()
                .filter(|e| e.service == d.service && e.outcome == Outcome::Success)
                .collect();
            if d.outcome == Outcome::Success
                && earlier.len() > 1
                && earlier[..earlier.len() - 1].iter().any(|e| e.sha == d.sha)
            {
                rollbacks += 1;
            }
        }
        assert!(rollbacks >= 3, "{rollbacks} rollbacks");
    }

    #[test]
    fn move_trains_never_ship_in_a_window_and_one_dependency_is_broken_by_dates() {
        let doc = generate(now());
        for r in &doc.releases {
            let train = doc.trains.iter().find(|t| Some(t.id) == r.train_id);
            if train.map(|t| t.freeze_rule) == Some(FreezeRule::Move) {
                let planned = r.planned_date.unwrap();
                assert!(
                    !doc.freeze_windows
                        .iter()
                        .any(|w| w.applies_to_any(&r.services) && w.covers(planned)),
                    "{} planned in a freeze window",
                    r.name
                );
            }
        }
        let date_of = |key: &str| {
            let id: Id = key.parse().unwrap();
            doc.releases
                .iter()
                .find(|r| r.id == id)
                .unwrap()
                .release_date
                .unwrap()
        };
        let broken: Vec<_> = doc
            .dependencies
            .iter()
            .filter(|d| d.kind == "release" && date_of(&d.blocker) > date_of(&d.blocked))
            .collect();
        assert_eq!(broken.len(), 1, "{broken:?}");
    }
}
