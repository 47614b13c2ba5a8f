//! Release dates from a train's cadence, the freeze-window rule applied to them, and a
//! train's calendar generated from both (releases with their milestones).

use crate::model::{
    Blackout, Cadence, FreezeRule, FreezeWindow, Holiday, Id, MilestoneOffset, Release, Train,
};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::Serialize;

/// Every date of `cadence` in `from..=to`, ascending.
pub fn occurrences(cadence: &Cadence, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    match cadence {
        Cadence::EveryNWeeks { weeks, anchor } => {
            let step = i64::from((*weeks).max(1)) * 7;
            // First occurrence on or after `from`, stepping from the anchor either way.
            let behind = (from - *anchor).num_days();
            let k = if behind <= 0 {
                behind / step
            } else {
                (behind + step - 1) / step
            };
            let mut day = *anchor + chrono::Duration::days(k * step);
            while day < from {
                day += chrono::Duration::days(step);
            }
            while day <= to {
                out.push(day);
                day += chrono::Duration::days(step);
            }
        }
        Cadence::Monthly {
            nth,
            weekday,
            every_months,
            anchor_month,
        } => {
            let every = (*every_months).max(1);
            let weekday =
                Weekday::try_from(u8::try_from(*weekday % 7).unwrap_or(0)).unwrap_or(Weekday::Mon);
            let start = first_of_month(from);
            let mut month = *anchor_month;
            // Walk back or forward to the first cadence month at or before `from`'s month.
            while month > start {
                month = month - Months::new(every);
            }
            while month + Months::new(every) <= start {
                month = month + Months::new(every);
            }
            while month <= to {
                if let Some(day) = nth_weekday(month, *nth, weekday) {
                    if day >= from && day <= to {
                        out.push(day);
                    }
                }
                month = month + Months::new(every);
            }
        }
        Cadence::Explicit { dates } => {
            out.extend(dates.iter().copied().filter(|d| *d >= from && *d <= to));
            out.sort();
            out.dedup();
        }
    }
    out
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The `nth` (1-based) `weekday` of the month that starts on `month`.
pub fn nth_weekday(month: NaiveDate, nth: u32, weekday: Weekday) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(month.year(), month.month(), weekday, nth.max(1) as u8)
}

/// Where a release planned for `day` lands under `rule`, and whether it sits in a freeze
/// window that applies to `services` afterwards.
pub fn apply_freeze_rule(
    day: NaiveDate,
    rule: FreezeRule,
    windows: &[Blackout],
    services: &[String],
) -> (NaiveDate, bool) {
    let frozen = |d: NaiveDate| {
        windows
            .iter()
            .filter(|w| w.applies_to_any(services))
            .find(|w| w.covers(d))
            .map(Blackout::end)
    };
    match rule {
        FreezeRule::Flag => (day, frozen(day).is_some()),
        FreezeRule::Move => {
            let mut d = day;
            // Past every window (a jump to its end) and weekend (releases do not ship on
            // weekends), until a day is neither: windows that chain or overlap, a weekend
            // after a window and a holiday after a weekend all land on an allowed day.
            // Each step moves forward, and at most a week of weekend steps follows a jump.
            loop {
                let next = if let Some(end) = frozen(d) {
                    end.checked_add_days(Days::new(1))
                } else if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                    d.succ_opt()
                } else {
                    break;
                };
                match next {
                    Some(n) if n > d => d = n,
                    _ => break,
                }
            }
            (d, frozen(d).is_some())
        }
    }
}

/// A person's words for a cadence: "Every 2 weeks on Tuesday", "2nd Wednesday of every month".
pub fn describe(cadence: &Cadence) -> String {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const NTH: [&str; 5] = ["1st", "2nd", "3rd", "4th", "5th"];
    match cadence {
        Cadence::EveryNWeeks { weeks: 1, anchor } => {
            format!(
                "Weekly on {}",
                DAYS[anchor.weekday().num_days_from_monday() as usize]
            )
        }
        Cadence::EveryNWeeks { weeks, anchor } => format!(
            "Every {weeks} weeks on {}",
            DAYS[anchor.weekday().num_days_from_monday() as usize]
        ),
        Cadence::Monthly {
            nth,
            weekday,
            every_months,
            ..
        } => {
            let nth = NTH[(nth.clamp(&1, &5) - 1) as usize];
            let day = DAYS[(*weekday % 7) as usize];
            match every_months {
                0 | 1 => format!("{nth} {day} of every month"),
                3 => format!("{nth} {day}, quarterly"),
                n => format!("{nth} {day} of every {n} months"),
            }
        }
        Cadence::Explicit { dates } => format!("{} planned dates", dates.len()),
    }
}

/// Freeze windows and holidays as one list (a holiday freezes every service).
pub fn blackouts(windows: &[FreezeWindow], holidays: &[Holiday]) -> Vec<Blackout> {
    windows
        .iter()
        .cloned()
        .map(Blackout::Freeze)
        .chain(holidays.iter().cloned().map(Blackout::Holiday))
        .collect()
}

pub(crate) fn blackout_at<'a>(
    windows: &'a [Blackout],
    services: &[String],
    day: NaiveDate,
) -> Option<&'a Blackout> {
    windows
        .iter()
        .find(|w| w.covers(day) && w.applies_to_any(services))
}

// ---------------------------------------------------------------------------------------
// Calendar generation

/// Built-in milestone templates: `standard` is the design's T-5/-3/-2/-1/0/+7.
pub fn milestone_template(name: &str) -> Option<Vec<MilestoneOffset>> {
    let list: &[(&str, &str, i32)] = match name {
        "standard" => &[
            ("branch_cut", "Branch cut", -5),
            ("code_freeze", "Code freeze", -3),
            ("rc", "Release candidate", -2),
            ("go_no_go", "Go/no-go", -1),
            ("release", "Release", 0),
            ("review", "Post-release review", 7),
        ],
        "long" => &[
            ("branch_cut", "Branch cut", -21),
            ("code_freeze", "Code freeze", -14),
            ("rc", "Release candidate", -10),
            ("go_no_go", "Go/no-go", -2),
            ("release", "Release", 0),
            ("review", "Post-release review", 14),
        ],
        "none" => &[],
        _ => return None,
    };
    Some(
        list.iter()
            .map(|(kind, name, offset_days)| MilestoneOffset {
                kind: (*kind).into(),
                name: (*name).into(),
                offset_days: *offset_days,
            })
            .collect(),
    )
}

/// Milestone dates for a release on `day`: on working days (not weekends or holidays),
/// earlier milestones moving back, later ones forward.
pub fn milestone_dates(
    template: &[MilestoneOffset],
    day: NaiveDate,
    holidays: &[Holiday],
) -> Vec<(MilestoneOffset, NaiveDate)> {
    let off = |d: NaiveDate| {
        matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || holidays.iter().any(|h| h.date == d)
    };
    template
        .iter()
        .map(|m| {
            let mut date = day + chrono::Duration::days(i64::from(m.offset_days));
            let mut guard = 0;
            while m.offset_days != 0 && off(date) && guard < 31 {
                date = if m.offset_days < 0 {
                    date - Days::new(1)
                } else {
                    date + Days::new(1)
                };
                guard += 1;
            }
            (m.clone(), date)
        })
        .collect()
}

/// One release a train's cadence asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRelease {
    pub name: String,
    pub version: String,
    /// The cadence date.
    pub cadence_date: NaiveDate,
    /// Where it lands after the freeze rule.
    pub release_date: NaiveDate,
    /// The freeze window or holiday it sits in (flag rule), if any.
    pub flagged: Option<String>,
    /// The id of the release that already stands for this date, if any.
    pub existing: Option<Id>,
    pub milestones: Vec<(String, String, NaiveDate)>,
}

/// The releases `train` asks for in `from..=until`, each marked with the existing release
/// that already stands for it (same train and planned date, or same version), so
/// generating again creates nothing twice.
pub fn plan_train(
    train: &Train,
    from: NaiveDate,
    until: NaiveDate,
    windows: &[FreezeWindow],
    holidays: &[Holiday],
    existing: &[Release],
) -> Vec<PlannedRelease> {
    let all = blackouts(windows, holidays);
    occurrences(&train.cadence, from, until)
        .into_iter()
        .map(|cadence_date| {
            let (release_date, frozen) =
                apply_freeze_rule(cadence_date, train.freeze_rule, &all, &train.services);
            let flagged = frozen
                .then(|| blackout_at(&all, &train.services, release_date).map(Blackout::label))
                .flatten();
            let version = cadence_date.format("%Y.%m.%d").to_string();
            let existing = existing
                .iter()
                .find(|r| {
                    r.train_id == Some(train.id)
                        && (r.planned_date == Some(release_date)
                            || r.planned_date == Some(cadence_date)
                            || r.version.as_deref() == Some(version.as_str()))
                })
                .map(|r| r.id);
            PlannedRelease {
                name: format!("{} {version}", train.name),
                version,
                cadence_date,
                release_date,
                flagged,
                existing,
                milestones: milestone_dates(&train.milestone_template, release_date, holidays)
                    .into_iter()
                    .map(|(m, d)| (m.kind, m.name, d))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_two_weeks_steps_from_the_anchor_in_both_directions() {
        let c = Cadence::EveryNWeeks {
            weeks: 2,
            anchor: d("2026-01-06"),
        };
        let got = occurrences(&c, d("2025-12-01"), d("2026-02-01"));
        assert_eq!(
            got,
            vec![
                d("2025-12-09"),
                d("2025-12-23"),
                d("2026-01-06"),
                d("2026-01-20")
            ]
        );
    }

    #[test]
    fn monthly_second_wednesday_and_quarterly() {
        let monthly = Cadence::Monthly {
            nth: 2,
            weekday: 2,
            every_months: 1,
            anchor_month: d("2026-01-01"),
        };
        assert_eq!(
            occurrences(&monthly, d("2026-11-01"), d("2027-01-31")),
            vec![d("2026-11-11"), d("2026-12-09"), d("2027-01-13")]
        );
        let quarterly = Cadence::Monthly {
            nth: 3,
            weekday: 3,
            every_months: 3,
            anchor_month: d("2026-02-01"),
        };
        assert_eq!(
            occurrences(&quarterly, d("2025-10-01"), d("2026-09-30")),
            vec![
                d("2025-11-20"),
                d("2026-02-19"),
                d("2026-05-21"),
                d("2026-08-20")
            ]
        );
    }

    #[test]
    fn cadences_read_like_a_person_wrote_them() {
        let two_weeks = Cadence::EveryNWeeks {
            weeks: 2,
            anchor: d("2026-01-06"),
        };
        assert_eq!(describe(&two_weeks), "Every 2 weeks on Tuesday");
        let quarterly = Cadence::Monthly {
            nth: 3,
            weekday: 3,
            every_months: 3,
            anchor_month: d("2026-02-01"),
        };
        assert_eq!(describe(&quarterly), "3rd Thursday, quarterly");
    }

    #[test]
    fn move_rule_leaves_the_window_and_the_weekend_flag_rule_keeps_the_date() {
        use crate::model::{FreezeWindow, Holiday};
        let w = FreezeWindow {
            id: 1,
            name: "Year-end".into(),
            start_date: d("2026-12-18"),
            end_date: d("2027-01-03"),
            services: vec![],
            reason: String::new(),
        };
        let svc = vec!["web".to_string()];
        let year_end = [Blackout::Freeze(w.clone())];
        // 2027-01-04 is a Monday.
        assert_eq!(
            apply_freeze_rule(d("2026-12-22"), FreezeRule::Move, &year_end, &svc),
            (d("2027-01-04"), false)
        );
        assert_eq!(
            apply_freeze_rule(d("2026-12-22"), FreezeRule::Flag, &year_end, &svc),
            (d("2026-12-22"), true)
        );
        let scoped = Blackout::Freeze(FreezeWindow {
            services: vec!["payments".into()],
            ..w
        });
        assert_eq!(
            apply_freeze_rule(d("2026-12-22"), FreezeRule::Move, &[scoped], &svc),
            (d("2026-12-22"), false)
        );
        // A holiday stops every service for its day: a Monday holiday moves to Tuesday.
        let holiday = Blackout::Holiday(Holiday {
            id: 7,
            date: d("2027-01-04"),
            name: "Bank holiday".into(),
        });
        assert_eq!(
            apply_freeze_rule(
                d("2027-01-04"),
                FreezeRule::Move,
                std::slice::from_ref(&holiday),
                &svc
            ),
            (d("2027-01-05"), false)
        );
        assert_eq!(holiday.label(), "holiday Bank holiday");
    }
}

// ---- what a person types ----

/// How often a train runs, as a person says it (the CLI's flags; the window's form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CadenceSpec {
    /// Every N weeks: `2w` or `2`.
    pub every: Option<String>,
    /// The Nth weekday (1-5) of the month.
    pub monthly: Option<u32>,
    /// Monthly cadences: every N months (3 for quarterly).
    pub every_months: u32,
    /// Hand-picked dates.
    pub dates: Vec<NaiveDate>,
    /// `mon`, `tue`, ...
    pub weekday: Option<String>,
    /// The first release date (every N weeks), or a day in the first month (monthly).
    pub anchor: Option<NaiveDate>,
}

/// Input a planner cannot use: what is wrong in words, and which input it is about
/// (`every`, `monthly`, `weekday`, `milestone`...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SpecError {
    pub message: String,
    pub field: &'static str,
}

fn spec_error(field: &'static str, message: impl Into<String>) -> SpecError {
    SpecError {
        message: message.into(),
        field,
    }
}

/// `mon`, `Tuesday`, ... as a weekday.
pub fn parse_weekday(s: &str) -> Result<Weekday, SpecError> {
    s.trim()
        .parse::<Weekday>()
        .map_err(|_| spec_error("weekday", format!("{s:?} is not a weekday (mon, tue, ...)")))
}

/// The cadence `spec` says, anchored at `today` when it names no anchor. Every N weeks
/// starts on the first `weekday` on or after the anchor.
pub fn parse_cadence(spec: &CadenceSpec, today: NaiveDate) -> Result<Cadence, SpecError> {
    let wd = spec.weekday.as_deref().map(parse_weekday).transpose()?;
    if let Some(every) = &spec.every {
        let weeks: u32 = every
            .trim()
            .trim_end_matches(['w', 'W'])
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                spec_error(
                    "every",
                    format!("{every:?} is not a number of weeks: say one like 2w"),
                )
            })?;
        let mut anchor = spec.anchor.unwrap_or(today);
        if let Some(wd) = wd {
            while anchor.weekday() != wd {
                anchor = anchor.succ_opt().unwrap_or(anchor);
            }
        }
        return Ok(Cadence::EveryNWeeks { weeks, anchor });
    }
    if let Some(nth) = spec.monthly {
        if !(1..=5).contains(&nth) {
            return Err(spec_error(
                "monthly",
                "a monthly cadence takes the 1st to 5th weekday of the month",
            ));
        }
        let wd = wd.ok_or_else(|| spec_error("weekday", "a monthly cadence needs a weekday"))?;
        if spec.every_months == 0 {
            return Err(spec_error(
                "every_months",
                "a monthly cadence repeats at least every month",
            ));
        }
        let anchor = spec.anchor.unwrap_or(today);
        return Ok(Cadence::Monthly {
            nth,
            weekday: wd.num_days_from_monday(),
            every_months: spec.every_months,
            anchor_month: anchor.with_day(1).unwrap_or(anchor),
        });
    }
    if !spec.dates.is_empty() {
        return Ok(Cadence::Explicit {
            dates: spec.dates.clone(),
        });
    }
    Err(spec_error(
        "every",
        "say how often: every N weeks on a weekday, the Nth weekday of every month, or a list of dates",
    ))
}

/// A custom milestone, `KIND:OFFSET_DAYS[:NAME]` (`code_freeze:-3`, `demo:-7:Sprint demo`);
/// without a name, the kind in words.
pub fn parse_milestone(text: &str) -> Result<crate::model::MilestoneOffset, SpecError> {
    let mut parts = text.splitn(3, ':');
    let kind = parts.next().unwrap_or_default().trim().to_string();
    let offset = parts
        .next()
        .and_then(|o| o.trim().trim_end_matches('d').parse::<i32>().ok());
    match (kind.is_empty(), offset) {
        (false, Some(offset_days)) => Ok(crate::model::MilestoneOffset {
            name: parts
                .next()
                .map(str::to_string)
                .unwrap_or_else(|| kind.replace('_', " ")),
            kind,
            offset_days,
        }),
        _ => Err(spec_error(
            "milestone",
            format!(
                "{text:?} is not a milestone: say KIND:OFFSET_DAYS[:NAME], like code_freeze:-3"
            ),
        )),
    }
}

/// The milestones of a train: `custom` ones when given, else the named built-in template
/// (`standard`, `long`, `none`).
pub fn parse_milestones(
    template: &str,
    custom: &[String],
) -> Result<Vec<crate::model::MilestoneOffset>, SpecError> {
    if custom.is_empty() {
        return crate::plan::milestone_template(template).ok_or_else(|| {
            spec_error(
                "template",
                format!("unknown milestone template {template:?}: standard, long or none"),
            )
        });
    }
    custom.iter().map(|m| parse_milestone(m)).collect()
}

#[cfg(test)]
mod spec_tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cadences_as_people_say_them() {
        let today = day("2026-11-30"); // a Monday
        let every = |e: &str, wd: Option<&str>| CadenceSpec {
            every: Some(e.into()),
            weekday: wd.map(String::from),
            ..Default::default()
        };
        assert_eq!(
            parse_cadence(&every("2w", Some("thu")), today),
            Ok(Cadence::EveryNWeeks {
                weeks: 2,
                anchor: day("2026-12-03")
            })
        );
        assert_eq!(
            parse_cadence(&every("3", None), today),
            Ok(Cadence::EveryNWeeks {
                weeks: 3,
                anchor: today
            })
        );
        assert_eq!(
            parse_cadence(&every("0w", None), today).unwrap_err().field,
            "every"
        );
        assert_eq!(
            parse_cadence(&every("2w", Some("someday")), today)
                .unwrap_err()
                .field,
            "weekday"
        );
        let monthly = CadenceSpec {
            monthly: Some(2),
            weekday: Some("wed".into()),
            every_months: 3,
            anchor: Some(day("2027-01-15")),
            ..Default::default()
        };
        assert_eq!(
            parse_cadence(&monthly, today),
            Ok(Cadence::Monthly {
                nth: 2,
                weekday: 2,
                every_months: 3,
                anchor_month: day("2027-01-01")
            })
        );
        let no_weekday = CadenceSpec {
            weekday: None,
            ..monthly.clone()
        };
        assert_eq!(
            parse_cadence(&no_weekday, today).unwrap_err().field,
            "weekday"
        );
        assert_eq!(
            parse_cadence(&CadenceSpec::default(), today)
                .unwrap_err()
                .field,
            "every"
        );
        let e = parse_cadence(&every("2w", None), today).map(|_| ());
        assert!(e.is_ok());
        // Messages speak of the product, never of a command-line flag.
        for bad in [every("x", None), no_weekday, CadenceSpec::default()] {
            let m = parse_cadence(&bad, today).unwrap_err().message;
            assert!(!m.contains("--"), "{m}");
        }
    }

    #[test]
    fn milestones_by_template_or_by_hand() {
        assert_eq!(parse_milestones("standard", &[]).unwrap().len(), 6);
        assert_eq!(parse_milestones("none", &[]).unwrap().len(), 0);
        assert_eq!(
            parse_milestones("weekly", &[]).unwrap_err().field,
            "template"
        );
        let m = parse_milestones(
            "standard",
            &["code_freeze:-3".into(), "demo:-7d:Sprint demo".into()],
        )
        .unwrap();
        assert_eq!(
            (m[0].kind.as_str(), m[0].offset_days, m[0].name.as_str()),
            ("code_freeze", -3, "code freeze")
        );
        assert_eq!(
            (m[1].kind.as_str(), m[1].offset_days, m[1].name.as_str()),
            ("demo", -7, "Sprint demo")
        );
        assert_eq!(parse_milestone("freeze").unwrap_err().field, "milestone");
        assert_eq!(parse_milestone(":-3").unwrap_err().field, "milestone");
    }
}
