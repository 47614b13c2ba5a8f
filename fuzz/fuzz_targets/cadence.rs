//! A train's cadence as the CLI takes it (`switchyard train add`), from raw bytes: lossy
//! UTF-8, one flag a line, each read as clap reads it (dates through `NaiveDate`'s
//! `FromStr`, numbers through `u32`'s), then `parse_cadence` and `parse_milestones`
//! (crates/core/src/cadence.rs) and a walk of the cadence's dates with their milestones.
//! Nothing panics or hangs; an error names one of the fields; the dates walked are in
//! order and in range (the property tests of `cadence::fuzz_tests`).
//!
//! Lines: every, monthly, every-months, dates (comma separated), weekday, anchor, today,
//! span in days (below 800), template, then one milestone a line.
#![no_main]

use chrono::{Duration, NaiveDate};
use libfuzzer_sys::fuzz_target;
use switchyard_core::cadence::{
    describe, milestone_dates, occurrences, parse_cadence, parse_milestones, CadenceSpec,
};

const FIELDS: [&str; 7] = [
    "every",
    "monthly",
    "weekday",
    "every_months",
    "anchor",
    "milestone",
    "template",
];

fn date(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split('\n');
    let mut next = || lines.next().unwrap_or_default();
    let every = Some(next()).filter(|s| !s.is_empty()).map(str::to_owned);
    let monthly = next().parse::<u32>().ok();
    let every_months = next().parse::<u32>().unwrap_or(1);
    let dates: Vec<NaiveDate> = next().split(',').filter_map(date).collect();
    let weekday = Some(next()).filter(|s| !s.is_empty()).map(str::to_owned);
    let anchor = date(next());
    let today = date(next()).unwrap_or(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
    let span = next().parse::<u16>().map_or(400, |n| i64::from(n % 800));
    let template = next().to_owned();
    let custom: Vec<String> = lines.map(str::to_owned).collect();

    let spec = CadenceSpec {
        every,
        monthly,
        every_months,
        dates,
        weekday,
        anchor,
    };
    let milestones = match parse_milestones(&template, &custom) {
        Ok(m) => m,
        Err(e) => {
            assert!(FIELDS.contains(&e.field), "{e:?}");
            assert!(!e.message.is_empty() && !e.message.contains('\n'), "{e:?}");
            vec![]
        }
    };
    match parse_cadence(&spec, today) {
        Ok(c) => {
            let from = anchor.unwrap_or(today);
            let to = from
                .checked_add_signed(Duration::days(span))
                .unwrap_or(NaiveDate::MAX);
            let got = occurrences(&c, from, to);
            assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
            assert!(got.iter().all(|d| *d >= from && *d <= to), "{got:?}");
            assert!(!describe(&c).is_empty());
            for d in got.iter().take(3) {
                assert_eq!(
                    milestone_dates(&milestones, *d, &[]).len(),
                    milestones.len()
                );
            }
        }
        Err(e) => {
            assert!(FIELDS.contains(&e.field), "{e:?}");
            assert!(!e.message.is_empty() && !e.message.contains('\n'), "{e:?}");
        }
    }
});
