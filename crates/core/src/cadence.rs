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
            // Checked all the way: a cadence read from a file or typed by hand may be
            // thousands of years long (no date past chrono's range is made, none panics).
            let step = i64::from((*weeks).max(1)) * 7;
            // First occurrence on or after `from`, stepping from the anchor either way.
            let behind = (from - *anchor).num_days();
            let k = if behind <= 0 {
                behind / step
            } else {
                (behind + step - 1) / step
            };
            let next = |d: NaiveDate| d.checked_add_signed(chrono::Duration::days(step));
            let mut day = k
                .checked_mul(step)
                .and_then(|n| anchor.checked_add_signed(chrono::Duration::try_days(n)?));
            while let Some(d) = day.filter(|d| *d < from) {
                day = next(d);
            }
            while let Some(d) = day.filter(|d| *d <= to) {
                out.push(d);
                day = next(d);
            }
        }
        Cadence::Monthly {
            nth,
            weekday,
            every_months,
            anchor_month,
        } => {
            let every = Months::new((*every_months).max(1));
            let weekday =
                Weekday::try_from(u8::try_from(*weekday % 7).unwrap_or(0)).unwrap_or(Weekday::Mon);
            let start = first_of_month(from);
            let mut month = *anchor_month;
            // Walk back or forward to the first cadence month at or before `from`'s month
            // (checked: a step past chrono's range ends the walk instead of panicking).
            while month > start {
                match month.checked_sub_months(every) {
                    Some(m) => month = m,
                    None => return out,
                }
            }
            while let Some(m) = month.checked_add_months(every).filter(|m| *m <= start) {
                month = m;
            }
            let mut month = Some(month);
            while let Some(m) = month.filter(|m| *m <= to) {
                if let Some(day) = nth_weekday(m, *nth, weekday) {
                    if day >= from && day <= to {
                        out.push(day);
                    }
                }
                month = m.checked_add_months(every);
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
            // Checked: an offset read from a file may reach past chrono's dates; such a
            // milestone stops at the first or last date there is.
            let edge = if m.offset_days < 0 {
                NaiveDate::MIN
            } else {
                NaiveDate::MAX
            };
            let mut date = day
                .checked_add_signed(chrono::Duration::days(i64::from(m.offset_days)))
                .unwrap_or(edge);
            let mut guard = 0;
            while m.offset_days != 0 && off(date) && guard < 31 {
                let next = if m.offset_days < 0 {
                    date.checked_sub_days(Days::new(1))
                } else {
                    date.checked_add_days(Days::new(1))
                };
                match next {
                    Some(d) => date = d,
                    None => break,
                }
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

/// The longest cadences a person can type: ten years.
pub const MAX_WEEKS: u32 = 520;
pub const MAX_MONTHS: u32 = 120;
/// The furthest a milestone sits from its release, either way: a year.
pub const MAX_MILESTONE_DAYS: u32 = 366;

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
        let digits = every.trim().trim_end_matches(['w', 'W']);
        let too_long = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        let weeks: u32 = match digits.parse::<u32>() {
            Ok(n) if n > 0 => n,
            Err(_) if too_long => MAX_WEEKS + 1,
            _ => {
                return Err(spec_error(
                    "every",
                    format!("{every:?} is not a number of weeks: say one like 2w"),
                ))
            }
        };
        if weeks > MAX_WEEKS {
            return Err(spec_error(
                "every",
                format!(
                    "{every:?} weeks is too long: a train runs at least every {MAX_WEEKS} weeks"
                ),
            ));
        }
        let mut anchor = spec.anchor.unwrap_or(today);
        if let Some(wd) = wd {
            // At most six days on; none past the last date there is.
            for _ in 0..6 {
                if anchor.weekday() == wd {
                    break;
                }
                anchor = anchor.succ_opt().ok_or_else(|| {
                    spec_error(
                        "anchor",
                        "the first release date is past the last date Switchyard knows",
                    )
                })?;
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
        if spec.every_months > MAX_MONTHS {
            return Err(spec_error(
                "every_months",
                format!("a monthly cadence repeats at least every {MAX_MONTHS} months"),
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
        .and_then(|o| o.trim().trim_end_matches('d').parse::<i32>().ok())
        .filter(|o| o.unsigned_abs() <= MAX_MILESTONE_DAYS);
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
                "{text:?} is not a milestone: say KIND:OFFSET_DAYS[:NAME], like code_freeze:-3 (at most {MAX_MILESTONE_DAYS} days either way)"
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

/// Property tests (issue 16): whatever a person types or a file holds, parsing a cadence and
/// walking its dates never panics nor hangs; errors name their input; what parses round-trips.
/// The cargo-fuzz target `cadence` in `fuzz/` calls the same functions (docs/fuzzing.md).
#[cfg(test)]
mod fuzz_tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Any date chrono has, weighted towards today's and the two ends.
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        prop_oneof![
            3 => (-5_000i64..5_000).prop_map(|n| day("2026-06-01") + chrono::Duration::days(n)),
            1 => Just(NaiveDate::MIN),
            1 => Just(NaiveDate::MAX),
            1 => any::<i32>().prop_filter_map("in chrono's range", NaiveDate::from_num_days_from_ce_opt),
        ]
    }

    fn any_count() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..20,
            Just(MAX_WEEKS),
            Just(MAX_WEEKS + 1),
            Just(u32::MAX),
            any::<u32>()
        ]
    }

    fn any_cadence() -> impl Strategy<Value = Cadence> {
        prop_oneof![
            (any_count(), any_date())
                .prop_map(|(weeks, anchor)| Cadence::EveryNWeeks { weeks, anchor }),
            (any_count(), any_count(), any_count(), any_date()).prop_map(
                |(nth, weekday, every_months, anchor_month)| Cadence::Monthly {
                    nth,
                    weekday,
                    every_months,
                    anchor_month
                }
            ),
            proptest::collection::vec(any_date(), 0..5)
                .prop_map(|dates| Cadence::Explicit { dates }),
        ]
    }

    /// What a person may type for "every": numbers of any size, with or without `w`, junk.
    fn every_text() -> impl Strategy<Value = String> {
        prop_oneof![
            (any::<u64>(), "[wW ]{0,2}").prop_map(|(n, w)| format!("{n}{w}")),
            "[0-9]{1,30}w?",
            "\\PC{0,12}",
        ]
    }

    const FIELDS: [&str; 6] = [
        "every",
        "monthly",
        "weekday",
        "every_months",
        "anchor",
        "milestone",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn parsing_a_typed_cadence_never_panics_and_its_dates_stay_in_range(
            every in proptest::option::of(every_text()),
            monthly in proptest::option::of(any_count()),
            every_months in any_count(),
            weekday in proptest::option::of(prop_oneof!["(mon|tue|wed|thu|fri|sat|sun)", "\\PC{0,8}"]),
            anchor in proptest::option::of(any_date()),
            today in any_date(),
            from in any_date(),
            span in 0i64..800,
        ) {
            let spec = CadenceSpec { every, monthly, every_months, dates: vec![], weekday, anchor };
            match parse_cadence(&spec, today) {
                Ok(c) => {
                    let to = from.checked_add_signed(chrono::Duration::days(span)).unwrap_or(NaiveDate::MAX);
                    let got = occurrences(&c, from, to);
                    prop_assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
                    prop_assert!(got.iter().all(|d| *d >= from && *d <= to));
                    prop_assert!(!describe(&c).is_empty());
                }
                Err(e) => {
                    prop_assert!(FIELDS.contains(&e.field), "{e:?}");
                    prop_assert!(!e.message.is_empty() && !e.message.contains('\n'), "{e:?}");
                }
            }
        }

        #[test]
        fn the_dates_of_any_stored_cadence_never_panic(
            c in any_cadence(),
            from in any_date(),
            span in 0i64..800,
            offsets in proptest::collection::vec(any::<i32>(), 0..4),
        ) {
            let to = from.checked_add_signed(chrono::Duration::days(span)).unwrap_or(NaiveDate::MAX);
            let got = occurrences(&c, from, to);
            prop_assert!(got.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(got.iter().all(|d| *d >= from && *d <= to));
            let _ = describe(&c);
            let template: Vec<MilestoneOffset> = offsets
                .into_iter()
                .map(|offset_days| MilestoneOffset { kind: "m".into(), name: "m".into(), offset_days })
                .collect();
            for d in got.iter().take(3) {
                prop_assert_eq!(milestone_dates(&template, *d, &[]).len(), template.len());
            }
        }

        /// A cadence written back as a person would type it parses to itself.
        #[test]
        fn a_cadence_typed_back_parses_to_itself(
            weeks in 1u32..=MAX_WEEKS,
            nth in 1u32..=5,
            weekday in 0u32..7,
            every_months in 1u32..=MAX_MONTHS,
            anchor in (-3_000i64..3_000).prop_map(|n| day("2026-06-01") + chrono::Duration::days(n)),
            today in (-300i64..300).prop_map(|n| day("2026-06-01") + chrono::Duration::days(n)),
        ) {
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let every = Cadence::EveryNWeeks { weeks, anchor };
            let typed = CadenceSpec {
                every: Some(format!("{weeks}w")),
                weekday: Some(names[anchor.weekday().num_days_from_monday() as usize].into()),
                anchor: Some(anchor),
                ..Default::default()
            };
            prop_assert_eq!(parse_cadence(&typed, today), Ok(every));
            let monthly = Cadence::Monthly { nth, weekday, every_months, anchor_month: first_of_month(anchor) };
            let typed = CadenceSpec {
                monthly: Some(nth),
                every_months,
                weekday: Some(names[weekday as usize].into()),
                anchor: Some(anchor),
                ..Default::default()
            };
            prop_assert_eq!(parse_cadence(&typed, today), Ok(monthly));
        }

        #[test]
        fn a_typed_milestone_never_panics_and_round_trips(
            text in "\\PC{0,24}",
            kind in "[a-z_]{1,12}",
            offset in -(MAX_MILESTONE_DAYS as i32)..=(MAX_MILESTONE_DAYS as i32),
            name in "[A-Za-z ]{1,12}",
        ) {
            if let Err(e) = parse_milestone(&text) {
                prop_assert_eq!(e.field, "milestone");
            }
            let m = parse_milestone(&format!("{kind}:{offset}:{name}")).unwrap();
            prop_assert_eq!((m.kind.as_str(), m.offset_days, m.name.as_str()), (kind.as_str(), offset, name.as_str()));
        }
    }

    // ---- the crashes the properties found, kept by name ----

    #[test]
    fn every_99999999999_weeks_is_an_error_not_a_panic() {
        for every in ["99999999999", "99999999999w", "4294967295w", "521w"] {
            let spec = CadenceSpec {
                every: Some(every.into()),
                weekday: Some("tue".into()),
                ..Default::default()
            };
            let e = parse_cadence(&spec, day("2026-11-30")).unwrap_err();
            assert_eq!(e.field, "every");
            assert!(e.message.contains("too long"), "{e}");
        }
        let spec = CadenceSpec {
            every: Some("520w".into()),
            ..Default::default()
        };
        assert!(parse_cadence(&spec, day("2026-11-30")).is_ok());
    }

    #[test]
    fn the_longest_stored_cadences_near_the_ends_of_time_do_not_panic() {
        // Once `day += step` and `month + Months` overflowed chrono's range and panicked.
        let far = Cadence::EveryNWeeks {
            weeks: u32::MAX,
            anchor: day("2026-01-06"),
        };
        assert_eq!(
            occurrences(&far, day("2026-01-01"), day("2026-12-31")),
            vec![day("2026-01-06")]
        );
        assert!(occurrences(&far, NaiveDate::MAX, NaiveDate::MAX).is_empty());
        let at_end = Cadence::EveryNWeeks {
            weeks: 1,
            anchor: NaiveDate::MAX,
        };
        assert_eq!(
            occurrences(&at_end, NaiveDate::MAX - Days::new(20), NaiveDate::MAX).last(),
            Some(&NaiveDate::MAX)
        );
        let monthly = Cadence::Monthly {
            nth: 1,
            weekday: 0,
            every_months: u32::MAX,
            anchor_month: day("2026-01-01"),
        };
        assert!(occurrences(&monthly, NaiveDate::MIN, day("2026-12-31")).len() <= 1);
        let edge = Cadence::Monthly {
            nth: 5,
            weekday: 6,
            every_months: 1,
            anchor_month: NaiveDate::MAX.with_day(1).unwrap(),
        };
        let _ = occurrences(&edge, NaiveDate::MAX - Days::new(90), NaiveDate::MAX);
    }

    #[test]
    fn a_weekday_anchor_on_the_last_date_is_an_error_not_a_hang() {
        // `succ_opt().unwrap_or(anchor)` once looped forever on the last date chrono has.
        let spec = CadenceSpec {
            every: Some("1w".into()),
            weekday: Some(
                if NaiveDate::MAX.weekday() == Weekday::Mon {
                    "tue"
                } else {
                    "mon"
                }
                .into(),
            ),
            anchor: Some(NaiveDate::MAX),
            ..Default::default()
        };
        assert_eq!(
            parse_cadence(&spec, day("2026-11-30")).unwrap_err().field,
            "anchor"
        );
    }

    #[test]
    fn a_milestone_offset_past_a_year_is_refused_and_a_stored_one_never_panics() {
        // `code_freeze:-2000000000` once parsed and then panicked the train's generation.
        assert_eq!(
            parse_milestone("code_freeze:-2000000000")
                .unwrap_err()
                .field,
            "milestone"
        );
        assert_eq!(parse_milestone("demo:367").unwrap_err().field, "milestone");
        assert_eq!(parse_milestone("demo:-366").unwrap().offset_days, -366);
        let stored = [MilestoneOffset {
            kind: "code_freeze".into(),
            name: "code freeze".into(),
            offset_days: i32::MIN,
        }];
        assert_eq!(
            milestone_dates(&stored, day("2026-11-30"), &[])[0].1,
            NaiveDate::MIN
        );
    }
}
