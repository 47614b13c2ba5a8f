//! How a number compares with the same number of the period before: one meaning for the
//! window, the CLI and every report. The arrow is the direction of the value (up or
//! down), the verdict whether that is better or worse for the metric, and the difference
//! is in the metric's own unit: per week, hours, or percentage points for rates (never a
//! relative percentage of a percentage).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which way the value moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    /// Within half a percent of the previous value.
    Flat,
}

impl Direction {
    /// ▲, ▼ or =.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Up => "▲",
            Direction::Down => "▼",
            Direction::Flat => "=",
        }
    }
}

/// Whether the move is good news for the metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    Same,
    /// One of the two periods has no value.
    Unknown,
}

/// The unit a metric's difference is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Deployments per week.
    PerWeek,
    Hours,
    /// A share 0..1, compared in percentage points.
    Rate,
}

impl Unit {
    fn difference(self, d: f64) -> String {
        match self {
            Unit::PerWeek => format!("{d:.2} / week"),
            Unit::Hours => format_hours(d),
            Unit::Rate => format!("{:.1} pts", d * 100.0),
        }
    }

    fn value(self, v: f64) -> String {
        match self {
            Unit::PerWeek => format!("{v:.2} / week"),
            Unit::Hours => format_hours(v),
            Unit::Rate => format!("{:.1}%", v * 100.0),
        }
    }
}

/// Hours as people read them: "45 min", "12.5 h", "3.1 days".
pub fn format_hours(h: f64) -> String {
    if h < 1.0 {
        format!("{:.0} min", h * 60.0)
    } else if h < 48.0 {
        format!("{h:.1} h")
    } else {
        format!("{:.1} days", h / 24.0)
    }
}

/// A number against the previous period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Change {
    /// `None` when either period has no value.
    pub direction: Option<Direction>,
    pub verdict: Verdict,
    /// "+0.8 pts vs previous (3.2%)", "no data in the previous period", ...
    pub text: String,
}

impl Change {
    /// The arrow and the text: "▲ +0.8 pts vs previous (3.2%)".
    pub fn line(&self) -> String {
        match self.direction {
            Some(d) => format!("{} {}", d.arrow(), self.text),
            None => self.text.clone(),
        }
    }
}

/// Compares `now` with `before`.
pub fn compare(
    now: Option<f64>,
    before: Option<f64>,
    unit: Unit,
    higher_is_better: bool,
) -> Change {
    match (now, before) {
        (Some(n), Some(b)) => {
            let d = n - b;
            let flat = d.abs() <= 1e-9 + b.abs() * 0.005;
            let (direction, verdict) = if flat {
                (Direction::Flat, Verdict::Same)
            } else if d > 0.0 {
                let v = if higher_is_better {
                    Verdict::Better
                } else {
                    Verdict::Worse
                };
                (Direction::Up, v)
            } else {
                let v = if higher_is_better {
                    Verdict::Worse
                } else {
                    Verdict::Better
                };
                (Direction::Down, v)
            };
            let sign = match direction {
                Direction::Up => "+",
                Direction::Down => "−",
                Direction::Flat => "±",
            };
            let amount = if flat { 0.0 } else { d.abs() };
            Change {
                direction: Some(direction),
                verdict,
                text: format!(
                    "{sign}{} vs previous ({})",
                    unit.difference(amount),
                    unit.value(b)
                ),
            }
        }
        (Some(_), None) => Change {
            direction: None,
            verdict: Verdict::Unknown,
            text: "no data in the previous period".into(),
        },
        _ => Change {
            direction: None,
            verdict: Verdict::Unknown,
            text: "no data".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arrow_follows_the_value_and_the_verdict_the_metric() {
        // A change failure rate that rose from 3.2% to 4.0%: up, worse, in points.
        let c = compare(Some(0.040), Some(0.032), Unit::Rate, false);
        assert_eq!(c.direction, Some(Direction::Up));
        assert_eq!(c.verdict, Verdict::Worse);
        assert_eq!(c.line(), "▲ +0.8 pts vs previous (3.2%)");
        // A success rate that rose: up, better.
        let c = compare(Some(0.99), Some(0.95), Unit::Rate, true);
        assert_eq!(
            (c.direction, c.verdict),
            (Some(Direction::Up), Verdict::Better)
        );
        assert_eq!(c.text, "+4.0 pts vs previous (95.0%)");
        // A lead time that fell: down, better, in hours.
        let c = compare(Some(20.0), Some(30.0), Unit::Hours, false);
        assert_eq!(
            (c.direction, c.verdict),
            (Some(Direction::Down), Verdict::Better)
        );
        assert_eq!(c.line(), "▼ −10.0 h vs previous (30.0 h)");
        // Within half a percent: flat.
        let c = compare(Some(3.001), Some(3.0), Unit::PerWeek, true);
        assert_eq!(
            (c.direction, c.verdict),
            (Some(Direction::Flat), Verdict::Same)
        );
        assert_eq!(c.text, "±0.00 / week vs previous (3.00 / week)");
        let c = compare(Some(1.0), None, Unit::PerWeek, true);
        assert_eq!((c.direction, c.verdict), (None, Verdict::Unknown));
    }
}
