//! Planning in the window: the forms for trains, releases, freeze windows and holidays,
//! "Generate until…" (the dry-run list, then the same with apply), cancelling a release,
//! and what the release panel shows besides the calendar (work items, history). The forms
//! arrive as a person typed them; a refusal names its field (`AppError::about`) so the
//! window shows it next to that input, and writes nothing. Every change is one
//! transaction with its audit event (before and after).

use crate::audit::audit;
use crate::dora::parse_day;
use crate::plan::{ReleaseSpec, TrainSpec};
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use switchyard_core::cadence::{describe, parse_cadence, CadenceSpec, SpecError};
use switchyard_core::plan as core_plan;
use switchyard_core::*;
use switchyard_store::plan as db;
use switchyard_store::plan_edit as edit;
use switchyard_store::StoreError;
use ts_rs::TS;

/// How a train's cadence is given in its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CadenceKind {
    /// Every N weeks on a weekday.
    Every,
    /// The Nth weekday of every N months.
    Monthly,
    /// Hand-picked dates.
    Dates,
}

/// One milestone of a train's template as its form edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MilestoneRow {
    pub kind: String,
    pub name: String,
    pub offset_days: i32,
}

/// A train as its form holds it: the CLI's `train add` options, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrainForm {
    pub name: String,
    pub description: String,
    pub cadence: CadenceKind,
    /// Every N weeks: `2w` or `2`.
    pub every: String,
    /// The Nth (1-5) weekday of the month.
    pub monthly: Option<u32>,
    /// Monthly: every N months (3 for quarterly).
    pub every_months: u32,
    /// Hand-picked dates, `YYYY-MM-DD`.
    pub dates: Vec<String>,
    /// `mon`, `tue`, ... (empty: the anchor's weekday).
    pub weekday: String,
    /// The first release date (every N weeks), a day in the first month (monthly);
    /// empty: today.
    pub anchor: String,
    pub milestones: Vec<MilestoneRow>,
    pub freeze_rule: FreezeRuleWord,
    pub services: Vec<String>,
}

/// `move` or `flag`: what happens to a generated release that lands in a freeze.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FreezeRuleWord {
    Move,
    Flag,
}

impl From<FreezeRuleWord> for FreezeRule {
    fn from(w: FreezeRuleWord) -> Self {
        match w {
            FreezeRuleWord::Move => FreezeRule::Move,
            FreezeRuleWord::Flag => FreezeRule::Flag,
        }
    }
}

/// A built-in milestone template the train form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TemplateChoice {
    pub name: String,
    pub milestones: Vec<MilestoneRow>,
}

/// What the train form opens with: the train (or a new one's defaults), the templates and
/// the services to pick from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TrainFormView {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub form: TrainForm,
    pub templates: Vec<TemplateChoice>,
    pub services: Vec<String>,
}

/// A train as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedTrain {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub cadence_label: String,
}

/// A release the form adds or edits. `train` and `date` are used only when adding; the
/// date of a release changes by moving it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReleaseForm {
    pub name: String,
    /// Empty: none.
    pub version: String,
    #[ts(type = "number | null")]
    pub train: Option<i64>,
    pub date: String,
    pub release_type: ReleaseType,
    pub status: ReleaseStatus,
    pub services: Vec<String>,
}

/// A release as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedRelease {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub version: Option<String>,
    pub status: ReleaseStatus,
    pub release_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FreezeForm {
    pub name: String,
    pub start_date: String,
    /// Inclusive.
    pub end_date: String,
    /// Empty: every service.
    pub services: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HolidayForm {
    pub date: String,
    pub name: String,
}

/// One release of "Generate until…": made (or to be made), or already standing for its
/// cadence date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct GeneratedRow {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub name: String,
    pub version: String,
    pub cadence_date: NaiveDate,
    pub release_date: NaiveDate,
    /// The freeze window or holiday it sits in (flag rule).
    pub flagged: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct GenerateView {
    pub train: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub applied: bool,
    pub created: Vec<GeneratedRow>,
    pub existing: Vec<GeneratedRow>,
}

/// A work item of a release, as its panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkItemLink {
    pub key: String,
    pub title: String,
    /// `story`, `bug`, `pull_request`, ...
    pub kind: String,
    pub status: String,
    pub status_category: String,
    pub source: Option<String>,
    /// Only http(s) links; anything else is left out.
    pub url: Option<String>,
}

/// One audit event of a release, one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HistoryEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    /// `name: Web 27.3 → Web 27.3a; status: planned → cancelled`.
    pub summary: String,
}

/// What the release panel reads besides the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReleaseDetails {
    #[ts(type = "number")]
    pub id: i64,
    pub work_items: Vec<WorkItemLink>,
    pub history: Vec<HistoryEntry>,
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

fn about(field: &str, msg: impl Into<String>) -> AppError {
    invalid(msg).about(field)
}

fn spec_err(e: SpecError) -> AppError {
    about(e.field, e.message)
}

fn date_field(field: &str, text: &str) -> Result<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return Err(about(
            field,
            format!("{} is needed", field.replace('_', " ")),
        ));
    }
    Ok(parse_day(field, Some(t))?.expect("a date was given"))
}

fn opt_date_field(field: &str, text: &str) -> Result<Option<NaiveDate>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    parse_day(field, Some(t))
}

fn rows_of(template: &[MilestoneOffset]) -> Vec<MilestoneRow> {
    template
        .iter()
        .map(|m| MilestoneRow {
            kind: m.kind.clone(),
            name: m.name.clone(),
            offset_days: m.offset_days,
        })
        .collect()
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The form of a stored train (its cadence back in the words the form takes).
fn form_of(t: &Train) -> TrainForm {
    let mut form = TrainForm {
        name: t.name.clone(),
        description: t.description.clone(),
        cadence: CadenceKind::Every,
        every: String::new(),
        monthly: None,
        every_months: 1,
        dates: Vec::new(),
        weekday: String::new(),
        anchor: String::new(),
        milestones: rows_of(&t.milestone_template),
        freeze_rule: match t.freeze_rule {
            FreezeRule::Move => FreezeRuleWord::Move,
            FreezeRule::Flag => FreezeRuleWord::Flag,
        },
        services: t.services.clone(),
    };
    match &t.cadence {
        Cadence::EveryNWeeks { weeks, anchor } => {
            use chrono::Datelike;
            form.every = format!("{weeks}w");
            form.weekday = WEEKDAYS[anchor.weekday().num_days_from_monday() as usize].into();
            form.anchor = anchor.to_string();
        }
        Cadence::Monthly {
            nth,
            weekday,
            every_months,
            anchor_month,
        } => {
            form.cadence = CadenceKind::Monthly;
            form.monthly = Some(*nth);
            form.every_months = *every_months;
            form.weekday = WEEKDAYS[(*weekday % 7) as usize].into();
            form.anchor = anchor_month.to_string();
        }
        Cadence::Explicit { dates } => {
            form.cadence = CadenceKind::Dates;
            form.dates = dates.iter().map(|d| d.to_string()).collect();
        }
    }
    form
}

/// `http://` or `https://` with a host, no spaces or control characters: the only links
/// the window opens.
pub fn web_link(url: &str) -> Result<&str> {
    let refuse = || {
        about(
            "url",
            format!("only http and https links open, not {url:?}"),
        )
    };
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(refuse)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse());
    }
    Ok(url)
}

/// A JSON value in a few words: strings as they are, lists joined, objects by key count.
fn brief(v: &Value) -> String {
    let s = match v {
        Value::Null => "none".to_owned(),
        Value::String(s) if s.is_empty() => "\"\"".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "none".to_owned(),
        Value::Array(a) => a.iter().map(brief).collect::<Vec<_>>().join(", "),
        Value::Object(o) => format!("{} fields", o.len()),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

/// One line for an audit event: the fields that changed, `key: before → after`; for an
/// event with only one side, its fields. Ids and bookkeeping fields are left out.
pub fn history_summary(before: Option<&Value>, after: Option<&Value>) -> String {
    const SKIP: [&str; 4] = ["id", "source", "source_key", "archived"];
    let empty = serde_json::Map::new();
    let obj = |v: Option<&Value>| v.and_then(Value::as_object).cloned();
    match (obj(before), obj(after)) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            let parts: Vec<String> = keys
                .into_iter()
                .filter(|k| !SKIP.contains(&k.as_str()))
                .filter_map(|k| {
                    let (x, y) = (
                        b.get(k).unwrap_or(&Value::Null),
                        a.get(k).unwrap_or(&Value::Null),
                    );
                    (x != y).then(|| format!("{k}: {} → {}", brief(x), brief(y)))
                })
                .collect();
            if parts.is_empty() {
                "no change".to_owned()
            } else {
                parts.join("; ")
            }
        }
        (b, a) => {
            let side = a.or(b).unwrap_or(empty);
            let wanted = ["name", "version", "release_date", "status", "days"];
            let parts: Vec<String> = wanted
                .iter()
                .filter_map(|k| side.get(*k).map(|v| format!("{k}: {}", brief(v))))
                .collect();
            parts.join("; ")
        }
    }
}

impl Workspace {
    fn service_list(&self) -> Result<Vec<String>> {
        Ok(edit::service_names(self.store().conn())?)
    }

    /// Every name in `services` is a service of the workspace (else about `field`).
    fn check_services(&self, services: &[String]) -> Result<Vec<String>> {
        let known = self.service_list()?;
        let mut out: Vec<String> = Vec::new();
        for s in services {
            let s = s.trim();
            if s.is_empty() || out.iter().any(|o| o == s) {
                continue;
            }
            if !known.iter().any(|k| k == s) {
                return Err(about(
                    "services",
                    format!("there is no service named {s:?}"),
                ));
            }
            out.push(s.to_owned());
        }
        Ok(out)
    }

    fn train_by_id(&self, id: i64) -> Result<Train> {
        db::trains(self.store().conn())?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("no train {id}")))
    }

    fn release_by_id(&self, id: i64) -> Result<Release> {
        db::releases(self.store().conn())?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("no release {id}")))
    }

    /// The train form: a stored train's values, or a new train's defaults (every 2 weeks,
    /// the standard template, the move rule).
    pub fn train_form(&self, train: Option<i64>) -> Result<TrainFormView> {
        let form = match train {
            Some(id) => form_of(&self.train_by_id(id)?),
            None => TrainForm {
                name: String::new(),
                description: String::new(),
                cadence: CadenceKind::Every,
                every: "2w".into(),
                monthly: Some(1),
                every_months: 1,
                dates: Vec::new(),
                weekday: "tue".into(),
                anchor: String::new(),
                milestones: rows_of(&core_plan::milestone_template("standard").unwrap_or_default()),
                freeze_rule: FreezeRuleWord::Move,
                services: Vec::new(),
            },
        };
        let templates = ["standard", "long", "none"]
            .iter()
            .map(|n| TemplateChoice {
                name: (*n).into(),
                milestones: rows_of(&core_plan::milestone_template(n).unwrap_or_default()),
            })
            .collect();
        Ok(TrainFormView {
            id: train,
            form,
            templates,
            services: self.service_list()?,
        })
    }

    /// The train `form` describes, checked field by field as `train add` checks its flags.
    fn train_spec(
        &self,
        clock: &dyn Clock,
        form: &TrainForm,
        id: Option<i64>,
    ) -> Result<TrainSpec> {
        let name = form.name.trim();
        if name.is_empty() {
            return Err(about("name", "a train needs a name"));
        }
        let same_name = db::find_named(self.store().conn(), "train", name)?;
        if same_name
            .iter()
            .any(|(other, n)| Some(*other) != id && n.eq_ignore_ascii_case(name))
        {
            return Err(about(
                "name",
                format!("a train named {name:?} exists already"),
            ));
        }
        let weekday = Some(form.weekday.trim().to_owned()).filter(|w| !w.is_empty());
        let anchor = opt_date_field("anchor", &form.anchor)?;
        let spec = match form.cadence {
            CadenceKind::Every => CadenceSpec {
                every: Some(form.every.clone()),
                weekday,
                anchor,
                every_months: 1,
                ..Default::default()
            },
            CadenceKind::Monthly => CadenceSpec {
                monthly: Some(
                    form.monthly
                        .ok_or_else(|| about("monthly", "say which weekday of the month (1-5)"))?,
                ),
                every_months: form.every_months,
                weekday,
                anchor,
                ..Default::default()
            },
            CadenceKind::Dates => {
                let mut dates = Vec::new();
                for d in &form.dates {
                    if let Some(d) = opt_date_field("dates", d)? {
                        dates.push(d);
                    }
                }
                if dates.is_empty() {
                    return Err(about("dates", "give at least one date"));
                }
                dates.sort();
                dates.dedup();
                CadenceSpec {
                    dates,
                    every_months: 1,
                    ..Default::default()
                }
            }
        };
        let cadence = parse_cadence(&spec, clock.today()).map_err(spec_err)?;
        let mut template = Vec::new();
        for (i, m) in form.milestones.iter().enumerate() {
            let kind = m.kind.trim();
            if kind.is_empty() || kind.contains(char::is_whitespace) {
                return Err(about(
                    "milestones",
                    format!(
                        "milestone {} needs a kind in one word, like code_freeze",
                        i + 1
                    ),
                ));
            }
            if !(-365..=365).contains(&m.offset_days) {
                return Err(about(
                    "milestones",
                    format!("milestone {} is more than a year from the release", i + 1),
                ));
            }
            let name = m.name.trim();
            template.push(MilestoneOffset {
                kind: kind.to_owned(),
                name: if name.is_empty() {
                    kind.replace('_', " ")
                } else {
                    name.to_owned()
                },
                offset_days: m.offset_days,
            });
        }
        Ok(TrainSpec {
            name: name.to_owned(),
            description: form.description.trim().to_owned(),
            cadence,
            template,
            freeze_rule: form.freeze_rule.into(),
            services: self.check_services(&form.services)?,
        })
    }

    /// Adds a train (`train: None`) or changes one; its releases stay as they are.
    pub fn save_train(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        train: Option<i64>,
        form: &TrainForm,
    ) -> Result<SavedTrain> {
        let spec = self.train_spec(clock, form, train)?;
        let saved = match train {
            None => self.add_train(clock, actor, spec)?,
            Some(id) => {
                let before = self.train_by_id(id)?;
                let after = Train {
                    id,
                    name: spec.name,
                    description: spec.description,
                    cadence: spec.cadence,
                    milestone_template: spec.template,
                    freeze_rule: spec.freeze_rule,
                    services: spec.services,
                };
                let a = &after;
                self.store().transact::<_, StoreError>(|tx| {
                    edit::update_train(tx, a)?;
                    audit(
                        tx,
                        clock,
                        actor,
                        "train.edit",
                        "train",
                        id,
                        Some(json!(before)),
                        Some(json!(a)),
                    )
                })?;
                after
            }
        };
        Ok(SavedTrain {
            id: saved.id,
            name: saved.name,
            cadence_label: describe(&saved.cadence),
        })
    }

    /// "Generate until…": the releases `train`'s cadence asks for, created when `apply`.
    pub fn generate_releases(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        train: i64,
        from: Option<&str>,
        until: &str,
        apply: bool,
    ) -> Result<GenerateView> {
        let from = opt_date_field("from", from.unwrap_or(""))?;
        let until = date_field("until", until)?;
        if from.unwrap_or_else(|| clock.today()) > until {
            return Err(about(
                "until",
                format!(
                    "the range starts ({}) after it ends ({until})",
                    from.unwrap_or_else(|| clock.today())
                ),
            ));
        }
        let t = self.train_by_id(train)?;
        let report = self
            .generate_train(clock, actor, &t.id.to_string(), from, until, !apply)
            .map_err(|e| match e.field {
                None if e.code == ErrorCode::InvalidInput => e.about("until"),
                _ => e,
            })?;
        let row = |g: crate::plan::GeneratedRelease| GeneratedRow {
            id: g.id,
            name: g.planned.name,
            version: g.planned.version,
            cadence_date: g.planned.cadence_date,
            release_date: g.planned.release_date,
            flagged: g.planned.flagged,
        };
        Ok(GenerateView {
            train: report.train,
            from: report.from,
            until: report.until,
            applied: report.applied,
            created: report.created.into_iter().map(row).collect(),
            existing: report.existing.into_iter().map(row).collect(),
        })
    }

    /// Adds a release (`release: None`, on `form.train` or off-train) or edits one's name,
    /// version, type, status and services.
    pub fn save_release(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        release: Option<i64>,
        form: &ReleaseForm,
    ) -> Result<SavedRelease> {
        let name = form.name.trim();
        if name.is_empty() {
            return Err(about("name", "a release needs a name"));
        }
        let version = Some(form.version.trim().to_owned()).filter(|v| !v.is_empty());
        let services = self.check_services(&form.services)?;
        let saved = match release {
            None => {
                let date = date_field("date", &form.date)?;
                if form.status != ReleaseStatus::Planned {
                    return Err(about("status", "a new release starts as planned"));
                }
                let train = match form.train {
                    Some(t) => Some(self.train_by_id(t).map_err(|e| e.about("train"))?.id),
                    None => None,
                };
                self.add_release(
                    clock,
                    actor,
                    ReleaseSpec {
                        name: name.to_owned(),
                        version,
                        train: train.map(|t| t.to_string()),
                        date,
                        release_type: form.release_type,
                        services,
                    },
                )
                .map_err(|e| match e.code {
                    ErrorCode::InvalidInput if e.field.is_none() => e.about("name"),
                    _ => e,
                })?
            }
            Some(id) => {
                let before = self.release_by_id(id)?;
                if form.status != before.status {
                    if before.released || before.status == ReleaseStatus::Released {
                        return Err(about(
                            "status",
                            format!("{} has shipped; its status stays released", before.name),
                        ));
                    }
                    if form.status == ReleaseStatus::Released {
                        return Err(about(
                            "status",
                            "a release is marked released when it ships, not in this form",
                        ));
                    }
                }
                let after = Release {
                    name: name.to_owned(),
                    version,
                    release_type: form.release_type,
                    status: form.status,
                    services,
                    ..before.clone()
                };
                let a = &after;
                self.store()
                    .transact::<_, StoreError>(|tx| {
                        edit::update_release(tx, a)?;
                        audit(
                            tx,
                            clock,
                            actor,
                            "release.edit",
                            "release",
                            id,
                            Some(release_json(&before)),
                            Some(release_json(a)),
                        )
                    })
                    .map_err(|e| match e {
                        StoreError::Invalid(m) => about("name", m),
                        other => other.into(),
                    })?;
                after
            }
        };
        Ok(SavedRelease {
            id: saved.id,
            name: saved.name,
            version: saved.version,
            status: saved.status,
            release_date: saved.release_date,
        })
    }

    /// Cancels a release: it stays, with status cancelled (shown so on the calendar).
    pub fn cancel_release(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        release: i64,
    ) -> Result<SavedRelease> {
        let before = self.release_by_id(release)?;
        if before.released || before.status == ReleaseStatus::Released {
            return Err(invalid(format!(
                "{} has shipped; a shipped release is not cancelled",
                before.name
            )));
        }
        if before.status == ReleaseStatus::Cancelled {
            return Err(invalid(format!("{} is cancelled already", before.name)));
        }
        let after = Release {
            status: ReleaseStatus::Cancelled,
            ..before.clone()
        };
        let a = &after;
        self.store().transact::<_, StoreError>(|tx| {
            edit::update_release(tx, a)?;
            audit(
                tx,
                clock,
                actor,
                "release.cancel",
                "release",
                release,
                Some(json!({ "status": before.status })),
                Some(json!({ "status": a.status })),
            )
        })?;
        Ok(SavedRelease {
            id: after.id,
            name: after.name,
            version: after.version,
            status: after.status,
            release_date: after.release_date,
        })
    }

    fn freeze_of(&self, form: &FreezeForm) -> Result<FreezeWindow> {
        let name = form.name.trim();
        if name.is_empty() {
            return Err(about("name", "a freeze window needs a name"));
        }
        let start = date_field("start_date", &form.start_date)?;
        let end = date_field("end_date", &form.end_date)?;
        if end < start {
            return Err(about(
                "end_date",
                format!("the window ends ({end}) before it starts ({start})"),
            ));
        }
        Ok(FreezeWindow {
            id: 0,
            name: name.to_owned(),
            start_date: start,
            end_date: end,
            services: self.check_services(&form.services)?,
            reason: form.reason.trim().to_owned(),
        })
    }

    /// Adds a freeze window (`window: None`) or changes one.
    pub fn save_freeze_window(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        window: Option<i64>,
        form: &FreezeForm,
    ) -> Result<FreezeWindow> {
        let w = self.freeze_of(form)?;
        match window {
            None => self.add_freeze_window(clock, actor, w),
            Some(id) => {
                let before = db::freeze_windows(self.store().conn())?
                    .into_iter()
                    .find(|f| f.id == id)
                    .ok_or_else(|| {
                        AppError::new(ErrorCode::NotFound, format!("no freeze window {id}"))
                    })?;
                let after = FreezeWindow { id, ..w };
                let a = &after;
                self.store().transact::<_, StoreError>(|tx| {
                    edit::update_freeze_window(tx, a)?;
                    audit(
                        tx,
                        clock,
                        actor,
                        "freeze_window.edit",
                        "freeze_window",
                        id,
                        Some(json!(before)),
                        Some(json!(a)),
                    )
                })?;
                Ok(after)
            }
        }
    }

    pub fn remove_freeze_window(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        window: i64,
    ) -> Result<()> {
        let before = db::freeze_windows(self.store().conn())?
            .into_iter()
            .find(|f| f.id == window)
            .ok_or_else(|| {
                AppError::new(ErrorCode::NotFound, format!("no freeze window {window}"))
            })?;
        self.store().transact::<_, StoreError>(|tx| {
            edit::delete_freeze_window(tx, window)?;
            audit(
                tx,
                clock,
                actor,
                "freeze_window.remove",
                "freeze_window",
                window,
                Some(json!(before)),
                None,
            )
        })?;
        Ok(())
    }

    /// Adds a holiday (`holiday: None`) or changes one.
    pub fn save_holiday(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        holiday: Option<i64>,
        form: &HolidayForm,
    ) -> Result<Holiday> {
        let date = date_field("date", &form.date)?;
        let name = form.name.trim();
        if name.is_empty() {
            return Err(about("name", "a holiday needs a name"));
        }
        let all = db::holidays(self.store().conn())?;
        if all.iter().any(|h| h.date == date && Some(h.id) != holiday) {
            return Err(about("date", format!("{date} is a holiday already")));
        }
        match holiday {
            None => self.add_holiday(clock, actor, date, name),
            Some(id) => {
                let before = all.into_iter().find(|h| h.id == id).ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, format!("no holiday {id}"))
                })?;
                let after = Holiday {
                    id,
                    date,
                    name: name.to_owned(),
                };
                let a = &after;
                self.store().transact::<_, StoreError>(|tx| {
                    edit::update_holiday(tx, a)?;
                    audit(
                        tx,
                        clock,
                        actor,
                        "holiday.edit",
                        "holiday",
                        id,
                        Some(json!(before)),
                        Some(json!(a)),
                    )
                })?;
                Ok(after)
            }
        }
    }

    pub fn remove_holiday(&mut self, clock: &dyn Clock, actor: &str, holiday: i64) -> Result<()> {
        let before = db::holidays(self.store().conn())?
            .into_iter()
            .find(|h| h.id == holiday)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("no holiday {holiday}")))?;
        self.store().transact::<_, StoreError>(|tx| {
            edit::delete_holiday(tx, holiday)?;
            audit(
                tx,
                clock,
                actor,
                "holiday.remove",
                "holiday",
                holiday,
                Some(json!(before)),
                None,
            )
        })?;
        Ok(())
    }

    /// The release panel's work items and history (newest first).
    pub fn release_details(&self, release: i64) -> Result<ReleaseDetails> {
        let r = self.release_by_id(release)?;
        let conn = self.store().conn();
        let work_items = edit::work_items_of_release(conn, r.id)?
            .into_iter()
            .map(|w| WorkItemLink {
                url: w.url.filter(|u| web_link(u).is_ok()),
                key: w.key,
                title: w.title,
                kind: w.kind,
                status: w.status,
                status_category: w.status_category,
                source: w.source,
            })
            .collect();
        let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str(t).ok());
        let history = edit::audit_of(conn, "release", &r.id.to_string())?
            .into_iter()
            .map(|e| {
                let (b, a): (Option<Value>, Option<Value>) = (parse(&e.before), parse(&e.after));
                HistoryEntry {
                    at: e.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    actor: e.actor,
                    action: e.action,
                    summary: history_summary(b.as_ref(), a.as_ref()),
                }
            })
            .collect();
        Ok(ReleaseDetails {
            id: r.id,
            work_items,
            history,
        })
    }
}

/// The fields of a release its form edits, for the audit log (services by name, so an
/// unchanged list reads the same before and after).
fn release_json(r: &Release) -> Value {
    let mut services = r.services.clone();
    services.sort();
    json!({
        "name": r.name,
        "version": r.version,
        "release_type": r.release_type,
        "status": r.status,
        "services": services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_open() {
        assert!(web_link("https://example.atlassian.net/browse/WEB-1").is_ok());
        assert!(web_link("http://github.com/acme/web/pull/3").is_ok());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "ftp://x.org",
            "https://x.org/a b",
            "mailto:a@b.c",
        ] {
            let e = web_link(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
            assert_eq!(e.field.as_deref(), Some("url"));
        }
    }

    #[test]
    fn a_history_line_names_what_changed() {
        let b = json!({"name": "Web 27.3", "version": "27.3", "status": "planned"});
        let a = json!({"name": "Web 27.3a", "version": "27.3", "status": "cancelled"});
        assert_eq!(
            history_summary(Some(&b), Some(&a)),
            "name: Web 27.3 → Web 27.3a; status: planned → cancelled"
        );
        assert_eq!(
            history_summary(
                None,
                Some(&json!({"id": 4, "name": "Web 1", "release_date": "2027-01-05"}))
            ),
            "name: Web 1; release_date: 2027-01-05"
        );
        assert_eq!(history_summary(Some(&b), Some(&b)), "no change");
    }
}
