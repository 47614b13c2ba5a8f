//! The summary that opens the report: a few sentences written from the report's own numbers,
//! each naming the section whose figure it repeats. No sentence says more than its numbers:
//! a value "rose" or "fell" only when the headline card's arrow does (more than half a
//! percent of the previous value), and "stayed at" otherwise.

use super::*;
use switchyard_core::cards::{MetricCard, MetricKey};
use switchyard_core::delta::Direction;

/// The delivery counts of the period (the "Release delivery" table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub shipped: usize,
    /// Shipped on or before the date first planned.
    pub on_time: usize,
    pub late: usize,
    /// First planned in the period and due by today (or the period's end).
    pub due: usize,
    pub not_shipped: usize,
    pub due_on_time: usize,
    /// Shipped with a checklist and a go/no-go milestone.
    pub gated: usize,
    /// Of those, ready by the end of the go/no-go day.
    pub ready: usize,
}

/// One sentence of the summary and the section holding its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    /// The heading of the section whose figures the sentence repeats.
    pub see: &'static str,
}

pub const DELIVERY: &str = "Release delivery";
pub const HEADLINE: &str = "Headline DORA metrics";
pub const AHEAD: &str = "Ahead: the next 30 days";

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "the change failure rate rose from 4.0% to 6.0%", "... stayed at 4.0%", "... was 4.0%
/// (no figure for the previous period)", "... has no figure for the period (no samples)".
fn movement(name: &str, card: &MetricCard) -> String {
    match (card.value, card.previous, card.change.direction) {
        (None, _, _) => format!("{name} has no figure for the period (no samples)"),
        (Some(_), None, _) | (Some(_), Some(_), None) => format!(
            "{name} was {} (no figure for the previous period)",
            card.text
        ),
        (Some(_), Some(_), Some(Direction::Up)) => {
            format!("{name} rose from {} to {}", card.previous_text, card.text)
        }
        (Some(_), Some(_), Some(Direction::Down)) => {
            format!("{name} fell from {} to {}", card.previous_text, card.text)
        }
        (Some(_), Some(_), Some(Direction::Flat)) => {
            format!("{name} stayed at {}", card.text)
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn names(list: &[&AheadRelease]) -> String {
    let shown: Vec<String> = list
        .iter()
        .take(3)
        .map(|r| format!("{} ({})", r.name, r.date))
        .collect();
    let mut out = shown.join(", ");
    if list.len() > 3 {
        out.push_str(&format!(" and {} more", list.len() - 3));
    }
    out
}

impl LeadershipReport {
    /// The counts of the "Release delivery" table.
    pub fn delivery(&self) -> Delivery {
        let rows = &self.releases;
        let shipped: Vec<&ReleaseRow> = rows.iter().filter(|r| r.released).collect();
        let on_time = shipped.iter().filter(|r| r.slip_days <= 0).count();
        let due: Vec<&ReleaseRow> = rows
            .iter()
            .filter(|r| {
                r.planned
                    .or(r.date)
                    .is_some_and(|d| d <= self.to.min(self.generated_at.date_naive()))
            })
            .collect();
        let gated: Vec<&ReleaseRow> = shipped
            .iter()
            .copied()
            .filter(|r| r.ready_by_gonogo.is_some())
            .collect();
        Delivery {
            shipped: shipped.len(),
            on_time,
            late: shipped.len() - on_time,
            due: due.len(),
            not_shipped: due.iter().filter(|r| !r.released).count(),
            due_on_time: due
                .iter()
                .filter(|r| r.released && r.slip_days <= 0)
                .count(),
            gated: gated.len(),
            ready: gated
                .iter()
                .filter(|r| r.ready_by_gonogo == Some(true))
                .count(),
        }
    }

    /// Three to five sentences from the report's numbers: what shipped and how much of it on
    /// time, how stability moved, what is at risk next and what needs a decision (the last
    /// two only when the report has its ahead list).
    pub fn summary(&self) -> Vec<Sentence> {
        let mut out = Vec::new();
        let d = self.delivery();
        out.push(Sentence {
            see: DELIVERY,
            text: if d.shipped == 0 && d.due == 0 {
                "No release shipped in the period and none was due.".to_owned()
            } else {
                let mut s = format!(
                    "{} shipped in the period, {} on or before the date first planned and {} later",
                    plural(d.shipped, "release", "releases"),
                    d.on_time,
                    d.late
                );
                if d.not_shipped > 0 {
                    s.push_str(&format!(
                        "; {} due in the period did not ship",
                        plural(d.not_shipped, "release", "releases")
                    ));
                }
                s.push('.');
                s
            },
        });

        let cards = metric_cards(&self.metrics, Some(&self.previous));
        let card = |k: MetricKey| cards.iter().find(|c| c.metric == k);
        if let Some(f) = card(MetricKey::DeploymentFrequency) {
            out.push(Sentence {
                see: HEADLINE,
                text: format!(
                    "{}, {}.",
                    capitalised(&movement("deployment frequency", f)),
                    plural(
                        self.metrics.deployment_frequency.count as usize,
                        "production deployment",
                        "production deployments"
                    )
                ),
            });
        }
        if let (Some(cfr), Some(rec)) = (
            card(MetricKey::ChangeFailureRate),
            card(MetricKey::RecoveryTime),
        ) {
            out.push(Sentence {
                see: HEADLINE,
                text: format!(
                    "{}, and {}.",
                    capitalised(&movement("the change failure rate", cfr)),
                    movement("the median recovery time", rec)
                ),
            });
        }

        if let Some(a) = &self.ahead {
            let open: Vec<&AheadRelease> = a.releases.iter().filter(|r| !r.shipped).collect();
            let attention: Vec<&AheadRelease> = a.needing_attention().collect();
            out.push(Sentence {
                see: AHEAD,
                text: if open.is_empty() {
                    format!("No release is due between {} and {}.", a.first, a.until)
                } else if attention.is_empty() {
                    format!(
                        "None of the {} due by {} needs attention first by the rule of this report.",
                        plural(open.len(), "release", "releases"),
                        a.until
                    )
                } else {
                    format!(
                        "{} of the {} due by {} {} attention first: {}.",
                        attention.len(),
                        plural(open.len(), "release", "releases"),
                        a.until,
                        if attention.len() == 1 { "needs" } else { "need" },
                        names(&attention)
                    )
                },
            });
            let undecided: Vec<&AheadRelease> = a.undecided().collect();
            let unapproved = undecided
                .iter()
                .filter(|r| !r.missing_approvals.is_empty())
                .count();
            if !open.is_empty() {
                out.push(Sentence {
                    see: AHEAD,
                    text: if undecided.is_empty() {
                        format!("Every release due by {} has a go/no-go decision.", a.until)
                    } else {
                        format!(
                            "{} of them {} no go/no-go decision yet ({} still missing required approvals), the first {}.",
                            undecided.len(),
                            if undecided.len() == 1 { "has" } else { "have" },
                            unapproved,
                            names(&undecided[..1])
                        )
                    },
                });
            }
        }
        out
    }
}
