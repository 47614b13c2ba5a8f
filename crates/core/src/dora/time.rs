//! Time: the civil-date arithmetic, timestamp parsing, and the days and buckets of a period in a
//! time zone.

use super::*;

/// Days from 1970-01-01 to the civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An RFC 3339 timestamp as seconds. The store's own form `YYYY-MM-DDTHH:MM:SSZ` is read by
/// hand (it is most of the work of loading a large workspace); anything else goes through
/// chrono.
pub fn parse_secs(s: &str) -> Option<Secs> {
    let b = s.as_bytes();
    if b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
    {
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let mut v = 0i64;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + i64::from(c - b'0');
            }
            Some(v)
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && se < 61 {
            return Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se);
        }
        return None;
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    #[default]
    Week,
    Month,
}

impl Bucket {
    /// Periods up to this many days (both ends counted) are drawn by week, longer ones by
    /// month: about half a year of weekly bars is as many as a chart shows legibly.
    pub const WEEKLY_UP_TO_DAYS: i64 = 180;

    /// The bucket the Metrics screen and the reports use for `from..=to`.
    pub fn for_period(from: NaiveDate, to: NaiveDate) -> Bucket {
        if (to - from).num_days() + 1 > Self::WEEKLY_UP_TO_DAYS {
            Bucket::Month
        } else {
            Bucket::Week
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DoraError {
    #[error("the period starts ({from}) after it ends ({to})")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("the period is longer than 100 years")]
    TooLong,
}

/// The days of a period in a time zone, and its buckets. A period `from..=to` holds every
/// instant from `from` 00:00 to `to` 24:00 local time. Buckets are ISO weeks (Monday first)
/// or calendar months, clipped to the period.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tz: Tz,
    pub bucket: Bucket,
    /// Local midnight of each day, and of the day after `to`.
    pub(super) day_starts: Vec<Secs>,
    /// Day index where each bucket starts; ends with the number of days.
    pub(super) bucket_days: Vec<usize>,
    pub(super) bucket_of_day: Vec<u32>,
}

pub(super) fn local_midnight(tz: &Tz, day: NaiveDate) -> Secs {
    // A day whose midnight falls in a DST gap starts at its first existing instant.
    for hour in 0..4 {
        if let Some(t) = day
            .and_hms_opt(hour, 0, 0)
            .and_then(|dt| tz.from_local_datetime(&dt).earliest())
        {
            return t.timestamp();
        }
    }
    day.and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or_default()
}

impl Calendar {
    pub fn new(from: NaiveDate, to: NaiveDate, tz: Tz, bucket: Bucket) -> Result<Self, DoraError> {
        if from > to {
            return Err(DoraError::Reversed { from, to });
        }
        let days = (to - from).num_days() as usize + 1;
        if days > 36_525 {
            return Err(DoraError::TooLong);
        }
        let mut day_starts = Vec::with_capacity(days + 1);
        let mut bucket_days = Vec::new();
        let mut bucket_of_day = Vec::with_capacity(days);
        for (i, day) in from.iter_days().take(days + 1).enumerate() {
            day_starts.push(local_midnight(&tz, day));
            if i == days {
                break;
            }
            let starts = i == 0
                || match bucket {
                    Bucket::Week => day.weekday() == chrono::Weekday::Mon,
                    Bucket::Month => day.day() == 1,
                };
            if starts {
                bucket_days.push(i);
            }
            bucket_of_day.push(bucket_days.len() as u32 - 1);
        }
        bucket_days.push(days);
        Ok(Self {
            from,
            to,
            tz,
            bucket,
            day_starts,
            bucket_days,
            bucket_of_day,
        })
    }

    pub fn start(&self) -> Secs {
        self.day_starts[0]
    }

    /// The first instant after the period.
    pub fn end(&self) -> Secs {
        self.day_starts[self.day_starts.len() - 1]
    }

    pub fn days(&self) -> usize {
        self.day_starts.len() - 1
    }

    pub fn contains(&self, t: Secs) -> bool {
        self.start() <= t && t < self.end()
    }

    /// The day of the period `t` falls on.
    pub fn day_of(&self, t: Secs) -> Option<usize> {
        self.contains(t)
            .then(|| self.day_starts.partition_point(|&s| s <= t) - 1)
    }

    pub fn bucket_count(&self) -> usize {
        self.bucket_days.len() - 1
    }

    pub fn bucket_of(&self, t: Secs) -> Option<usize> {
        self.day_of(t).map(|d| self.bucket_of_day[d] as usize)
    }

    /// First and last day of bucket `b`.
    pub fn bucket_dates(&self, b: usize) -> (NaiveDate, NaiveDate) {
        let first = self.from + chrono::Days::new(self.bucket_days[b] as u64);
        let last = self.from + chrono::Days::new(self.bucket_days[b + 1] as u64 - 1);
        (first, last)
    }

    /// `[start, end)` of bucket `b` in seconds.
    pub fn bucket_span(&self, b: usize) -> (Secs, Secs) {
        (
            self.day_starts[self.bucket_days[b]],
            self.day_starts[self.bucket_days[b + 1]],
        )
    }

    pub fn bucket_len_days(&self, b: usize) -> usize {
        self.bucket_days[b + 1] - self.bucket_days[b]
    }
}
