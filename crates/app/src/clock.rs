use chrono::{NaiveDate, Utc};
use switchyard_core::Timestamp;

/// "Now", passed in wherever logic depends on it, so tests are exact.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Utc::now()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}
