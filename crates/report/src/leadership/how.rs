//! "How these numbers are computed": the rules behind the numbers of the report, with the
//! workspace's thresholds and production environments, so a forwarded report explains
//! itself without the workspace or the documentation at hand.

use super::*;

pub const HOW: &str = "How these numbers are computed";

fn bound(v: f64, unit: &str) -> String {
    match unit {
        "%" => format!("{:.1}%", v * 100.0),
        "h" => format!("{v} h"),
        _ => format!("{v}"),
    }
}

impl LeadershipReport {
    /// The closing section's blocks.
    pub fn how_computed(&self) -> Vec<Block> {
        let mut b = vec![Block::Heading(2, HOW.into())];
        let envs = if self.production_environments.is_empty() {
            "none set".to_owned()
        } else {
            self.production_environments.join(", ")
        };
        let mut rules: Vec<Line> = vec![
            vec![
                Span::Strong("Period".into()),
                Span::text(format!(
                    ": {} to {}, both days included, times in {}; compared with the {} to {} (the same number of days just before).",
                    self.from, self.to, self.timezone, self.previous_from, self.previous_to
                )),
            ],
            vec![
                Span::Strong("Deployments".into()),
                Span::text(format!(
                    ": only deployments to a production environment count. This workspace's production environments: {envs}."
                )),
            ],
            vec![
                Span::Strong("Deployment frequency".into()),
                Span::text(": successful production deployments in the period per week (days / 7)."),
            ],
            vec![
                Span::Strong("Lead time for changes".into()),
                Span::text(": median (nearest rank) of the hours from a change's first commit to the deployment that shipped it, over the changes shipped in the period."),
            ],
            vec![
                Span::Strong("Change failure rate".into()),
                Span::text(": successful deployments in the period that caused an incident or were rolled back, divided by all successful deployments in the period."),
            ],
            vec![
                Span::Strong("Failed deployment recovery time".into()),
                Span::text(": median hours from a failed change to the earliest of its incidents' resolution or its rollback; failed changes not recovered are counted as open."),
            ],
            vec![
                Span::Strong("Rose, fell, stayed".into()),
                Span::text(": a number rose or fell when it moved by more than half a percent of the previous period's value, and stayed otherwise; rates are compared in percentage points. A number without samples has no figure and is not compared."),
            ],
            vec![
                Span::Strong("On time".into()),
                Span::text(": shipped on or before the date first planned. On-time delivery: of the non-cancelled releases first planned in the period and due by the report's day, the share shipped on time. Readiness adherence: of the shipped releases with a checklist and a go/no-go milestone, the share whose every checklist item was done or not applicable by the end of the go/no-go day."),
            ],
        ];
        if let Some(a) = &self.ahead {
            rules.push(vec![
                Span::Strong("Ahead".into()),
                Span::text(if a.first == a.today {
                    format!(
                        ": the releases (not cancelled, not archived) dated from today, {}, to {}, {AHEAD_DAYS} days later. Risk class and readiness as they stand now, by the same evaluation as the release screens; readiness is the share of the applicable checklist items done, its trend the change in points against the items done {TREND_DAYS} days earlier.",
                        a.today, a.until
                    )
                } else {
                    format!(
                        ": the releases (not cancelled, not archived) dated from {} to {}, the {AHEAD_DAYS} days after the period's end ({}). Risk class and readiness as they stood at the end of {}, by the same evaluation as the release screens; readiness is the share of the applicable checklist items done, its trend the change in points against the items done {TREND_DAYS} days earlier.",
                        a.first, a.until, a.today, a.today
                    )
                }),
            ]);
            rules.push(vec![
                Span::Strong("Needs attention first".into()),
                Span::text(format!(
                    ": a release not shipped that is high or critical risk and below the readiness its date calls for ({:.0}% within 3 days, {:.0}% within 7, {:.0}% within 14; none further out), or that has a plan conflict (dependency order, freeze window or holiday, overlapping high-risk releases, milestones out of order, a dependency cycle), or an open blocker (a release it depends on that has not shipped, or a work item of priority Blocker or Highest or labelled blocker).",
                    expected_readiness(3).unwrap_or_default(),
                    expected_readiness(7).unwrap_or_default(),
                    expected_readiness(14).unwrap_or_default(),
                )),
            ]);
        }
        if let Some(p) = &self.portfolio {
            rules.push(vec![
                Span::Strong("Portfolio".into()),
                Span::text(format!(
                    ": each {} counted over its own services with the definitions above; each cell's cluster by the thresholds below.",
                    p.by.to_lowercase()
                )),
            ]);
        }
        rules.push(vec![
            Span::Strong("Audit evidence".into()),
            Span::text(": complete approvals are a go decision with the approvers the risk policy asks for; complete checks, every checklist item done or not applicable; linked changes, work items or a change record linked to the release."),
        ]);
        b.push(Block::List(rules));

        let t = &self.thresholds;
        let row = |name: &str, cmp: &str, bd: &switchyard_core::settings::Bounds, unit: &str| {
            vec![
                vec![Span::text(name)],
                vec![Span::text(format!("{cmp} {}", bound(bd.elite, unit)))],
                vec![Span::text(format!("{cmp} {}", bound(bd.high, unit)))],
                vec![Span::text(format!("{cmp} {}", bound(bd.medium, unit)))],
            ]
        };
        b.push(Block::Para(vec![Span::text(
            "Clusters, with this workspace's thresholds (anything past medium is low):",
        )]));
        b.push(Block::Table {
            head: ["Metric", "Elite", "High", "Medium"]
                .map(String::from)
                .to_vec(),
            rows: vec![
                row(
                    "Deployments per week",
                    "at least",
                    &t.deployments_per_week,
                    "",
                ),
                row("Median lead time", "below", &t.lead_time_hours, "h"),
                row(
                    "Change failure rate",
                    "at most",
                    &t.change_failure_rate,
                    "%",
                ),
                row("Median recovery time", "below", &t.recovery_hours, "h"),
            ],
            numeric: vec![],
        });
        b.push(Block::Note(
            "The full definitions, with worked examples, are in Switchyard's docs/metrics.md."
                .into(),
        ));
        b
    }
}
