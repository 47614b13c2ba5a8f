//! The planning commands: `train`, `release`, `dep`, `freeze`, `holiday`, `plan` and
//! `audit`. Each change runs in one transaction with its audit event (in `app::plan`);
//! `--json` prints one JSON document on stdout and nothing else there.

use crate::open;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use switchyard_app::core::cadence::{parse_cadence, parse_milestones, CadenceSpec, SpecError};
use switchyard_app::core::plan::DepKind;
use switchyard_app::core::{Cadence, FreezeRule, MilestoneOffset, ReleaseType};
use switchyard_app::plan::{conflict_counts, MoveTo, ReleaseSpec, TrainSpec};
use switchyard_app::{parse_word, AppError, Clock, ErrorCode, SystemClock};

#[derive(Subcommand)]
pub enum TrainAction {
    /// Add a release train: a cadence, a milestone template and a freeze rule.
    Add(TrainAdd),
    /// Create the releases a train's cadence asks for up to a date (again: nothing twice).
    Generate {
        /// Train name or id.
        train: String,
        /// Last day to generate for.
        #[arg(long, value_name = "DATE")]
        until: NaiveDate,
        /// First day (default today).
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Show what would be created; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct TrainAdd {
    name: String,
    /// Every N weeks: `2w` (or `2`).
    #[arg(long, value_name = "N", conflicts_with_all = ["monthly", "dates"])]
    every: Option<String>,
    /// The NTH weekday of the month (1-5), with --weekday.
    #[arg(long, value_name = "NTH", conflicts_with = "dates")]
    monthly: Option<u32>,
    /// Monthly cadences: every N months (3 for quarterly).
    #[arg(long, value_name = "N", default_value_t = 1)]
    every_months: u32,
    /// Explicit dates, comma separated.
    #[arg(long, value_name = "DATE,...", value_delimiter = ',')]
    dates: Vec<NaiveDate>,
    /// mon, tue, ... (default: the anchor's weekday).
    #[arg(long)]
    weekday: Option<String>,
    /// The first release date (every N weeks), or a day in the first month (monthly).
    #[arg(long, value_name = "DATE")]
    anchor: Option<NaiveDate>,
    /// Milestone template: standard (T-5 branch cut ... T+7 review), long, none.
    #[arg(long, default_value = "standard")]
    template: String,
    /// Custom milestones instead of a template: KIND:OFFSET_DAYS[:NAME], repeatable.
    #[arg(
        long = "milestone",
        value_name = "KIND:OFFSET[:NAME]",
        allow_hyphen_values = true
    )]
    milestones: Vec<String>,
    /// A release that lands in a freeze window or on a holiday: move to the next allowed
    /// day, or keep the date and flag it.
    #[arg(long, value_enum, default_value = "move")]
    freeze_rule: Rule,
    /// Services that ride the train (repeatable).
    #[arg(long = "service", value_name = "NAME")]
    services: Vec<String>,
    #[arg(long, default_value = "")]
    description: String,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Rule {
    Move,
    Flag,
}

#[derive(Subcommand)]
pub enum ReleaseAction {
    /// Add a release (on a train: its services and milestones from the train).
    Add {
        name: String,
        #[arg(long, value_name = "DATE")]
        date: NaiveDate,
        #[arg(long)]
        version: Option<String>,
        /// Train name or id.
        #[arg(long)]
        train: Option<String>,
        #[arg(long = "service", value_name = "NAME")]
        services: Vec<String>,
        #[arg(long = "type", value_name = "TYPE", default_value = ReleaseType::Regular.as_str())]
        release_type: String,
        #[arg(long)]
        json: bool,
    },
    /// Move a release: previews every dependent that moves or breaks; --apply makes it so.
    Move {
        /// Release id, name or version.
        release: String,
        #[arg(
            long,
            value_name = "DATE",
            conflicts_with = "by",
            required_unless_present = "by"
        )]
        to: Option<NaiveDate>,
        /// Days later (negative: earlier), e.g. 3 or -2.
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        by: Option<String>,
        #[arg(long)]
        apply: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    Release,
    Service,
    WorkItem,
}

impl Kind {
    fn dep(self) -> DepKind {
        match self {
            Kind::Release => DepKind::Release,
            Kind::Service => DepKind::Service,
            Kind::WorkItem => DepKind::WorkItem,
        }
    }
}

#[derive(Subcommand)]
pub enum DepAction {
    /// BLOCKED needs BLOCKER first. Refused when it would close a cycle.
    Add {
        #[arg(long)]
        blocker: String,
        #[arg(long)]
        blocked: String,
        #[arg(long, value_enum, default_value = "release")]
        kind: Kind,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a dependency by id, or by --blocker/--blocked/--kind.
    Rm {
        id: Option<i64>,
        #[arg(long, requires = "blocked")]
        blocker: Option<String>,
        #[arg(long, requires = "blocker")]
        blocked: Option<String>,
        #[arg(long, value_enum, default_value = "release")]
        kind: Kind,
    },
}

#[derive(Subcommand)]
pub enum FreezeAction {
    /// A date range in which (some) releases must not ship.
    Add {
        name: String,
        #[arg(long, value_name = "DATE")]
        from: NaiveDate,
        #[arg(long, value_name = "DATE")]
        to: NaiveDate,
        /// Frozen services (repeatable); none: every service.
        #[arg(long = "service", value_name = "NAME")]
        services: Vec<String>,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum HolidayAction {
    /// A day nothing ships.
    Add { date: NaiveDate, name: String },
}

#[derive(Subcommand)]
pub enum PlanAction {
    /// Conflicts: cycles, dependency order broken by dates, freeze windows, overlapping
    /// high-risk releases on dependent services, milestones out of order.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Open releases in dependency order (ties by date).
    Order {
        #[arg(long)]
        json: bool,
    },
    /// The chain of blockers that sets a release's date.
    CriticalPath {
        release: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// Check that no audit event was edited or removed, and the signed head of the log.
    Verify {
        /// Also check that the workspace still extends the signed head this evidence pack
        /// (`switchyard evidence`) showed.
        #[arg(long, value_name = "PACK.zip")]
        against: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

fn print_json<T: Serialize>(value: &T) -> Result<(), AppError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    text.push('\n');
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(AppError::new(ErrorCode::Io, e.to_string()))
        }
        _ => Ok(()),
    }
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

/// The train's cadence and milestones from its flags, by core's rules; an error names the
/// flag of the input it is about.
fn cadence_and_template(
    a: &TrainAdd,
    today: NaiveDate,
) -> Result<(Cadence, Vec<MilestoneOffset>), AppError> {
    let spec = CadenceSpec {
        every: a.every.clone(),
        monthly: a.monthly,
        every_months: a.every_months,
        dates: a.dates.clone(),
        weekday: a.weekday.clone(),
        anchor: a.anchor,
    };
    let flag = |e: SpecError| invalid(e.message).about(e.field);
    Ok((
        parse_cadence(&spec, today).map_err(flag)?,
        parse_milestones(&a.template, &a.milestones).map_err(flag)?,
    ))
}

pub fn train(db: Option<PathBuf>, action: TrainAction) -> Result<(), AppError> {
    let clock = SystemClock;
    let mut ws = open(db)?;
    match action {
        TrainAction::Add(a) => {
            let (cadence, template) = cadence_and_template(&a, clock.today())?;
            let spec = TrainSpec {
                name: a.name.clone(),
                description: a.description.clone(),
                cadence,
                template,
                freeze_rule: match a.freeze_rule {
                    Rule::Move => FreezeRule::Move,
                    Rule::Flag => FreezeRule::Flag,
                },
                services: a.services.clone(),
            };
            let t = ws.add_train(&clock, &who(), spec)?;
            println!(
                "Added train {} (id {}): {}.",
                t.name,
                t.id,
                switchyard_app::core::cadence::describe(&t.cadence)
            );
        }
        TrainAction::Generate {
            train,
            until,
            from,
            dry_run,
            json,
        } => {
            let report = ws.generate_train(&clock, &who(), &train, from, until, dry_run)?;
            if json {
                return print_json(&report);
            }
            let verb = if dry_run { "Would create" } else { "Created" };
            println!(
                "{verb} {} releases of {} from {} to {} ({} already planned).",
                report.created.len(),
                report.train,
                report.from,
                report.until,
                report.existing.len()
            );
            for g in &report.created {
                let note = match (
                    &g.planned.flagged,
                    g.planned.release_date != g.planned.cadence_date,
                ) {
                    (Some(w), _) => format!("  (in {w})"),
                    (None, true) => format!("  (moved from {})", g.planned.cadence_date),
                    _ => String::new(),
                };
                println!("  {}  {}{note}", g.planned.release_date, g.planned.name);
            }
        }
    }
    Ok(())
}

pub fn release(db: Option<PathBuf>, action: ReleaseAction) -> Result<(), AppError> {
    let clock = SystemClock;
    let mut ws = open(db)?;
    match action {
        ReleaseAction::Add {
            name,
            date,
            version,
            train,
            services,
            release_type,
            json,
        } => {
            let r = ws.add_release(
                &clock,
                &who(),
                ReleaseSpec {
                    name,
                    version,
                    train,
                    date,
                    release_type: parse_word(&release_type)?,
                    services,
                },
            )?;
            if json {
                return print_json(&r);
            }
            println!("Added release {} (id {}) on {date}.", r.name, r.id);
        }
        ReleaseAction::Move {
            release,
            to,
            by,
            apply,
            json,
        } => {
            let to = match (to, by) {
                (Some(d), _) => MoveTo::Date(d),
                (None, Some(n)) => MoveTo::ByDays(
                    n.trim_end_matches('d')
                        .trim_start_matches('+')
                        .parse()
                        .map_err(|_| invalid(format!("--by {n:?}: say a number of days")))?,
                ),
                (None, None) => return Err(invalid("say --to DATE or --by N")),
            };
            let report = ws.move_release(&clock, &who(), &release, to, apply)?;
            if json {
                return print_json(&report);
            }
            let p = &report.plan;
            let head = if apply { "Moved" } else { "Preview: moving" };
            println!(
                "{head} {} from {} to {}{}.",
                p.name,
                p.from.map_or("no date".into(), |d| d.to_string()),
                p.to,
                p.lands_in
                    .as_ref()
                    .map_or(String::new(), |w| format!(" (inside {w})"))
            );
            for m in &p.moves {
                println!(
                    "  moves: {} {} -> {} ({:+} days){}",
                    m.name,
                    m.from,
                    m.to,
                    m.days,
                    m.lands_in
                        .as_ref()
                        .map_or(String::new(), |w| format!(" (inside {w})"))
                );
            }
            for b in &p.breaks {
                println!("  breaks: {}", b.reason);
            }
            if !apply {
                println!("Nothing changed; add --apply to move them.");
            }
        }
    }
    Ok(())
}

pub fn dep(db: Option<PathBuf>, action: DepAction) -> Result<(), AppError> {
    let clock = SystemClock;
    let mut ws = open(db)?;
    match action {
        DepAction::Add {
            blocker,
            blocked,
            kind,
            note,
            json,
        } => {
            let d = ws.add_dependency(&clock, &who(), kind.dep(), &blocker, &blocked, &note)?;
            if json {
                return print_json(&d);
            }
            println!(
                "Added dependency {}: {} needs {} first.",
                d.id, d.blocked, d.blocker
            );
        }
        DepAction::Rm {
            id,
            blocker,
            blocked,
            kind,
        } => {
            let ends = match (&blocker, &blocked) {
                (Some(a), Some(b)) => Some((kind.dep(), a.as_str(), b.as_str())),
                _ => None,
            };
            let d = ws.remove_dependency(&clock, &who(), id, ends)?;
            println!(
                "Removed dependency {}: {} no longer waits for {}.",
                d.id, d.blocked, d.blocker
            );
        }
    }
    Ok(())
}

pub fn freeze(db: Option<PathBuf>, action: FreezeAction) -> Result<(), AppError> {
    let FreezeAction::Add {
        name,
        from,
        to,
        services,
        reason,
    } = action;
    let mut ws = open(db)?;
    let w = ws.add_freeze_window(
        &SystemClock,
        &who(),
        switchyard_core::FreezeWindow {
            id: 0,
            name,
            start_date: from,
            end_date: to,
            services,
            reason,
        },
    )?;
    let scope = if w.services.is_empty() {
        "every service".to_string()
    } else {
        w.services.join(", ")
    };
    println!(
        "Added freeze window {} (id {}): {} to {}, {scope}.",
        w.name, w.id, w.start_date, w.end_date
    );
    Ok(())
}

pub fn holiday(db: Option<PathBuf>, action: HolidayAction) -> Result<(), AppError> {
    let HolidayAction::Add { date, name } = action;
    let mut ws = open(db)?;
    let h = ws.add_holiday(&SystemClock, &who(), date, &name)?;
    println!("Added holiday {} on {} (id {}).", h.name, h.date, h.id);
    Ok(())
}

pub fn plan(db: Option<PathBuf>, action: PlanAction) -> Result<(), AppError> {
    let ws = open(db)?;
    match action {
        PlanAction::Check { json } => {
            let report = ws.plan_check()?;
            if json {
                return print_json(&report);
            }
            if report.count == 0 {
                println!("No conflicts.");
            } else {
                let kinds: Vec<String> = conflict_counts(&report)
                    .into_iter()
                    .map(|(k, n)| {
                        let name = serde_json::to_value(k)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default();
                        format!("{n} {name}")
                    })
                    .collect();
                let noun = if report.count == 1 {
                    "conflict"
                } else {
                    "conflicts"
                };
                println!("{} {noun} ({}):", report.count, kinds.join(", "));
                for c in &report.conflicts {
                    println!("  - {}", c.message);
                }
            }
        }
        PlanAction::Order { json } => {
            let order = ws.plan_order()?;
            if json {
                return print_json(&serde_json::json!({ "order": order }));
            }
            for r in &order {
                println!(
                    "{}  {}",
                    r.release_date
                        .map_or("----------".into(), |d| d.to_string()),
                    r.name
                );
            }
        }
        PlanAction::CriticalPath { release, json } => {
            let cp = ws.critical_path(&release)?;
            if json {
                return print_json(&cp);
            }
            for s in &cp.path {
                println!(
                    "{}  {}{}",
                    s.release_date
                        .map_or("----------".into(), |d| d.to_string()),
                    s.name,
                    match s.slack_days {
                        Some(n) if n < 0 => format!("  ({} days after the next: order broken)", -n),
                        Some(n) => format!("  ({n} days before the next)"),
                        None => String::new(),
                    }
                );
            }
        }
    }
    Ok(())
}

pub fn audit(db: Option<PathBuf>, action: AuditAction) -> Result<(), AppError> {
    let AuditAction::Verify { against, json } = action;
    let ws = open(db)?;
    let v = match &against {
        None => ws.audit_verification()?,
        Some(pack) => {
            let bytes = std::fs::read(pack).map_err(|e| {
                AppError::new(
                    ErrorCode::Io,
                    format!("cannot read {}: {e}", pack.display()),
                )
                .about("against")
            })?;
            ws.audit_verification_against(&bytes)?
        }
    };
    if json {
        print_json(&v)?;
    }
    // A failure is one error line; warnings only beside a success.
    for w in v.warnings.iter().filter(|_| v.errors.is_empty()) {
        eprintln!("warning[{}]: {}", w.code, w.message);
    }
    let v = v.into_result()?;
    if !json {
        println!("audit log intact: {} events", v.events);
        if let (Some(h), Some(fp)) = (&v.signed_head, &v.key_fingerprint) {
            println!(
                "signed head at event {} verified (hash {}, key {fp})",
                h.seq,
                &h.hash[..12.min(h.hash.len())]
            );
        }
        if let Some(p) = &v.against {
            println!(
                "extends the evidence pack's head at event {} ({})",
                p.seq,
                against
                    .as_deref()
                    .map(|a| a.display().to_string())
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}

/// Who the audit log names for a planning change: `$USER`, else `local`.
fn who() -> String {
    switchyard_app::governance::actor_name(None)
}
