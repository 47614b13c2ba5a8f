//! `risk`, `readiness`, `approve`, `decide`, `hotfix`, `change-record` and `review`: the
//! release engineer's side of the CLI. The actor of every change is `--as NAME`, else $USER.

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use switchyard_app::core::ItemState;
use switchyard_app::governance::{
    actor_name, ActionSpec, ChangeRecordSpec, HotfixSpec, ItemChange, ReadinessReport,
};
use switchyard_app::{parse_word, write_atomically, AppError, ErrorCode, SystemClock, Workspace};

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// A release's risk: class, score and every factor's contribution and reason (stored as a
    /// new assessment); `risk policy export|import` for the policy file.
    Risk(RiskArgs),
    /// A release's readiness checklist, percent ready and go/no-go status; tick items.
    Readiness(ReadinessArgs),
    /// Approve a release's go/no-go in a role (segregation of duties applies).
    Approve(ApproveArgs),
    /// Record a go/no-go decision (it supersedes the previous one).
    Decide(DecideArgs),
    /// Start a hotfix or emergency release: reduced checklist, automatic change record,
    /// post-release review due within the policy's days.
    Hotfix(HotfixArgs),
    /// A release's change records.
    ChangeRecord {
        #[command(subcommand)]
        action: ChangeRecordAction,
    },
    /// Post-release reviews and their action items.
    Review {
        #[command(subcommand)]
        action: ReviewAction,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RiskArgs {
    #[command(subcommand)]
    sub: Option<RiskSub>,
    /// Release id, name or version.
    #[arg(required = true)]
    release: Option<String>,
    /// Override the computed class (low, medium, high, critical); needs --reason.
    #[arg(long = "override", value_name = "CLASS")]
    override_class: Option<String>,
    #[arg(long)]
    reason: Option<String>,
    #[arg(long = "as", value_name = "NAME")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum RiskSub {
    /// The risk policy as a TOML file.
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
}

#[derive(Subcommand)]
enum PolicyAction {
    /// Write the policy in force (standard output without --out).
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Replace the policy; a malformed file changes nothing.
    Import {
        file: PathBuf,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}

#[derive(Args)]
pub struct ReadinessArgs {
    release: String,
    /// Mark an item (id or title) done.
    #[arg(long, value_name = "ITEM", group = "change")]
    tick: Option<String>,
    /// Mark an item blocked.
    #[arg(long, value_name = "ITEM", group = "change")]
    block: Option<String>,
    /// Mark an item not applicable.
    #[arg(long, value_name = "ITEM", group = "change")]
    skip: Option<String>,
    /// Set an item back to pending.
    #[arg(long, value_name = "ITEM", group = "change")]
    reset: Option<String>,
    #[arg(long, value_name = "URL", requires = "change")]
    evidence: Option<String>,
    #[arg(long, requires = "change")]
    note: Option<String>,
    #[arg(long, value_name = "NAME", requires = "change")]
    owner: Option<String>,
    #[arg(long = "as", value_name = "NAME")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ApproveArgs {
    release: String,
    /// sre, release_manager, change_board, qa, ...
    #[arg(long)]
    role: String,
    #[arg(long = "as", value_name = "NAME")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct DecideArgs {
    release: String,
    /// go, no-go or go-with-conditions.
    outcome: String,
    /// Notes; the conditions of a go-with-conditions.
    #[arg(long, default_value = "")]
    note: String,
    #[arg(long = "as", value_name = "NAME")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct HotfixArgs {
    /// The new release's name.
    name: String,
    #[arg(long = "service", value_name = "NAME", required = true)]
    services: Vec<String>,
    /// An emergency release (shorter review deadline) instead of a hotfix.
    #[arg(long)]
    emergency: bool,
    #[arg(long)]
    reason: String,
    #[arg(long, default_value = "")]
    rollback: String,
    /// Ship day (YYYY-MM-DD); today by default.
    #[arg(long)]
    date: Option<NaiveDate>,
    /// Work item ids the hotfix ships.
    #[arg(long = "change", value_name = "ID")]
    changes: Vec<i64>,
    #[arg(long = "as", value_name = "NAME")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ChangeRecordAction {
    /// The release's change records.
    Show {
        release: String,
        #[arg(long)]
        json: bool,
    },
    /// Open a change record for the release (services, changes and risk from the release).
    Create {
        release: String,
        #[arg(long)]
        title: Option<String>,
        /// standard, normal or emergency.
        #[arg(long)]
        kind: Option<String>,
        /// RFC 3339, e.g. 2026-12-01T09:00:00Z.
        #[arg(long)]
        window_start: Option<DateTime<Utc>>,
        #[arg(long)]
        window_end: Option<DateTime<Utc>>,
        #[arg(long, default_value = "")]
        rollback: String,
        #[arg(long = "evidence", value_name = "URL")]
        evidence: Vec<String>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Approve the release's open change record (segregation of duties applies).
    Approve {
        release: String,
        #[arg(long)]
        role: String,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Reject the release's open change record.
    Reject {
        release: String,
        #[arg(long)]
        reason: String,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ReviewAction {
    /// The release's post-release reviews.
    Show {
        release: String,
        #[arg(long)]
        json: bool,
    },
    /// Schedule a post-release review.
    Schedule {
        release: String,
        #[arg(long)]
        due: NaiveDate,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add an action item to the release's latest review.
    Action {
        release: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        due: Option<NaiveDate>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set an action item's status (open, done, dropped).
    ActionSet {
        release: String,
        id: i64,
        #[arg(long)]
        status: String,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record that the review was held.
    Complete {
        release: String,
        #[arg(long)]
        summary: String,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// The actor of a change: `--as NAME`, else `$USER`. With people in the workspace's roster,
/// `--as` names one of them (`unknown_person` otherwise) and the roster's spelling is used;
/// without people the name is taken as typed, with a one-line warning.
pub fn resolve_actor(ws: &Workspace, explicit: Option<&str>) -> Result<String, AppError> {
    let Some(name) = explicit.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(actor_name(None));
    };
    match ws.roster_person(name)? {
        Some(p) => Ok(p.name),
        None => {
            eprintln!(
                "warning: the workspace has no people, so --as {name:?} is recorded as typed (`switchyard people add` builds the roster)"
            );
            Ok(name.to_string())
        }
    }
}

fn print_json<T: Serialize>(v: &T) -> Result<(), AppError> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// JSON with `--json`, else the text from `human`.
fn emit<T: Serialize>(json: bool, v: &T, human: impl FnOnce(&T) -> String) -> Result<(), AppError> {
    if json {
        print_json(v)
    } else {
        println!("{}", human(v));
        Ok(())
    }
}

fn readiness_text(r: &ReadinessReport) -> String {
    let mut out = format!(
        "{}: {}% ready ({} items, template {}); go/no-go: {}",
        r.release.name,
        r.percent_ready,
        r.items.len(),
        r.template,
        r.go_no_go.status
    );
    for i in &r.items {
        out.push_str(&format!(
            "\n  [{}] {:>4} {}{}{}",
            match i.state {
                ItemState::Done => "x",
                ItemState::Blocked => "!",
                ItemState::NotApplicable => "-",
                ItemState::Pending => " ",
            },
            i.id,
            i.title,
            i.owner
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default(),
            if i.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", i.note)
            }
        ));
    }
    for x in &r.go_no_go.reopened_approvals {
        out.push_str(&format!(
            "\n  re-opened: {}'s approval as {} no longer counts: {}",
            x.approval.approver, x.approval.role, x.reason
        ));
    }
    if !r.go_no_go.missing_approvals.is_empty() {
        out.push_str(&format!(
            "\n  needs: {}",
            r.go_no_go.missing_approvals.join(", ")
        ));
    }
    out
}

pub fn run(db: Option<PathBuf>, cmd: ReviewCommand) -> Result<(), AppError> {
    let clock = SystemClock;
    let ws = &crate::open(db)?;
    match cmd {
        ReviewCommand::Risk(a) => match a.sub {
            Some(RiskSub::Policy {
                action: PolicyAction::Export { out },
            }) => {
                let text = ws.risk_policy_toml()?;
                match out {
                    Some(path) => write_atomically(&path, text.as_bytes())?,
                    None => print!("{text}"),
                }
            }
            Some(RiskSub::Policy {
                action: PolicyAction::Import { file, actor },
            }) => {
                let text = std::fs::read_to_string(&file).map_err(|e| {
                    AppError::new(
                        ErrorCode::Io,
                        format!("cannot read {}: {e}", file.display()),
                    )
                })?;
                let who = resolve_actor(ws, actor.as_deref())?;
                ws.import_risk_policy(&text, &clock, &who)?;
                println!("Imported the risk policy from {}.", file.display());
            }
            None => {
                let release = a.release.unwrap_or_default();
                let who = resolve_actor(ws, a.actor.as_deref())?;
                let report = ws.assess_risk(
                    &release,
                    a.override_class.as_deref().map(parse_word).transpose()?,
                    a.reason.as_deref(),
                    &clock,
                    &who,
                )?;
                emit(a.json, &report, |r| {
                    let mut s = format!(
                        "{}: {} (score {}{})",
                        r.release.name,
                        r.class,
                        r.score,
                        r.override_
                            .as_ref()
                            .map(|o| format!(
                                "; computed {}, overridden: {}",
                                r.computed_class, o.reason
                            ))
                            .unwrap_or_default()
                    );
                    for f in &r.factors {
                        s.push_str(&format!(
                            "\n  {:>6}  {:<20} {}",
                            f.contribution, f.factor, f.reason
                        ));
                    }
                    s
                })?;
            }
        },
        ReviewCommand::Readiness(a) => {
            let who = resolve_actor(ws, a.actor.as_deref())?;
            let change = [
                (a.tick, ItemState::Done),
                (a.block, ItemState::Blocked),
                (a.skip, ItemState::NotApplicable),
                (a.reset, ItemState::Pending),
            ]
            .into_iter()
            .find_map(|(item, state)| item.map(|i| (i, state)))
            .map(|(item, state)| ItemChange {
                item,
                state,
                evidence_url: a.evidence,
                note: a.note,
                owner: a.owner,
            });
            let report = ws.readiness(&a.release, change, &clock, &who)?;
            emit(a.json, &report, readiness_text)?;
        }
        ReviewCommand::Approve(a) => {
            let who = resolve_actor(ws, a.actor.as_deref())?;
            let status = ws.approve_release(&a.release, &a.role, &clock, &who)?;
            emit(a.json, &status, |s| {
                format!(
                    "{who} approved as {}; {}",
                    a.role,
                    if s.missing_approvals.is_empty() {
                        "the approvals are complete".to_string()
                    } else {
                        format!("still needs {}", s.missing_approvals.join(", "))
                    }
                )
            })?;
        }
        ReviewCommand::Decide(a) => {
            let who = resolve_actor(ws, a.actor.as_deref())?;
            let d = ws.decide(&a.release, parse_word(&a.outcome)?, &a.note, &clock, &who)?;
            emit(a.json, &d, |d| {
                format!(
                    "Decision {}: {} by {}{}",
                    d.id,
                    d.outcome,
                    d.decided_by,
                    d.supersedes
                        .map(|s| format!(" (supersedes decision {s})"))
                        .unwrap_or_default()
                )
            })?;
        }
        ReviewCommand::Hotfix(a) => {
            let who = resolve_actor(ws, a.actor.as_deref())?;
            let report = ws.hotfix(
                HotfixSpec {
                    name: a.name,
                    emergency: a.emergency,
                    services: a.services,
                    reason: a.reason,
                    rollback_plan: a.rollback,
                    date: a.date,
                    changes: a.changes,
                },
                &clock,
                &who,
            )?;
            emit(a.json, &report, |r| {
                format!(
                    "Created {} release {} (id {}): risk {}, {} checklist items, change record {} ({}), review due {}",
                    r.release.release_type,
                    r.release.name,
                    r.release.id,
                    r.risk.class,
                    r.readiness.items.len(),
                    r.change_record.id,
                    r.change_record.status,
                    r.review.due_date
                )
            })?;
        }
        ReviewCommand::ChangeRecord { action } => change_record(ws, action)?,
        ReviewCommand::Review { action } => review(ws, action)?,
    }
    Ok(())
}

fn record_text(c: &switchyard_app::core::ChangeRecord) -> String {
    format!(
        "Change record {} [{}] {} — {} ({} approval(s))",
        c.id,
        c.status,
        c.kind,
        c.title,
        c.approvals.len()
    )
}

/// The records' texts one a line, or `none` when there are none.
fn texts<T>(records: &[T], text: fn(&T) -> String, none: impl FnOnce() -> String) -> String {
    if records.is_empty() {
        none()
    } else {
        records.iter().map(text).collect::<Vec<_>>().join("\n")
    }
}

fn change_record(
    ws: &switchyard_app::Workspace,
    action: ChangeRecordAction,
) -> Result<(), AppError> {
    let clock = SystemClock;
    match action {
        ChangeRecordAction::Show { release, json } => {
            let (release, records) = ws.change_records(&release)?;
            let doc = serde_json::json!({"release": release, "change_records": records});
            emit(json, &doc, |_| {
                texts(&records, record_text, || {
                    format!("{} has no change record.", release.name)
                })
            })
        }
        ChangeRecordAction::Create {
            release,
            title,
            kind,
            window_start,
            window_end,
            rollback,
            evidence,
            actor,
            json,
        } => {
            let who = resolve_actor(ws, actor.as_deref())?;
            let rec = ws.create_change_record(
                &release,
                ChangeRecordSpec {
                    title,
                    kind: kind.as_deref().map(parse_word).transpose()?,
                    window_start,
                    window_end,
                    rollback_plan: rollback,
                    evidence,
                },
                &clock,
                &who,
            )?;
            emit(json, &rec, record_text)
        }
        ChangeRecordAction::Approve {
            release,
            role,
            actor,
            json,
        } => {
            let who = resolve_actor(ws, actor.as_deref())?;
            let rec = ws.approve_change_record(&release, &role, &clock, &who)?;
            emit(json, &rec, record_text)
        }
        ChangeRecordAction::Reject {
            release,
            reason,
            actor,
            json,
        } => {
            let who = resolve_actor(ws, actor.as_deref())?;
            let rec = ws.reject_change_record(&release, &reason, &clock, &who)?;
            emit(json, &rec, record_text)
        }
    }
}

fn review_text(r: &switchyard_app::core::Review) -> String {
    let mut s = format!(
        "Review {} [{}] due {}{}",
        r.id,
        r.status,
        r.due_date,
        if r.summary.is_empty() {
            String::new()
        } else {
            format!(": {}", r.summary)
        }
    );
    for a in &r.action_items {
        s.push_str(&format!(
            "\n  {:>4} [{}] {}{}{}",
            a.id,
            a.status,
            a.title,
            a.owner
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default(),
            a.due_date.map(|d| format!(" due {d}")).unwrap_or_default()
        ));
    }
    s
}

fn review(ws: &switchyard_app::Workspace, action: ReviewAction) -> Result<(), AppError> {
    let clock = SystemClock;
    match action {
        ReviewAction::Show { release, json } => {
            let (release, reviews) = ws.reviews(&release)?;
            let doc = serde_json::json!({"release": release, "reviews": reviews});
            emit(json, &doc, |_| {
                texts(&reviews, review_text, || {
                    format!("{} has no post-release review.", release.name)
                })
            })
        }
        ReviewAction::Schedule {
            release,
            due,
            actor,
            json,
        } => {
            let who = resolve_actor(ws, actor.as_deref())?;
            let r = ws.schedule_review(&release, due, &clock, &who)?;
            emit(json, &r, review_text)
        }
        ReviewAction::Action {
            release,
            title,
            owner,
            due,
            actor,
            json,
        } => {
            let who = resolve_actor(ws, actor.as_deref())?;
            let r =
                ws.add_review_action(&release, ActionSpec { title, owner, due }, &clock, &who)?;
            emit(json, &r, review_text)
        }
        ReviewAction::ActionSet {
            release,
            id,
            status,
            actor,
            json,
        } => {
            let who = resolve_actor(ws, actor.as_deref())?;
            let r = ws.set_review_action(&release, id, parse_word(&status)?, &clock, &who)?;
            emit(json, &r, review_text)
        }
        ReviewAction::Complete {
            release,
            summary,
            actor,
            json,
        } => {
            let who = resolve_actor(ws, actor.as_deref())?;
            let r = ws.complete_review(&release, &summary, &clock, &who)?;
            emit(json, &r, review_text)
        }
    }
}
