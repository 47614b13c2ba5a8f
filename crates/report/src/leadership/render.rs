//! The report as blocks (headline, charts, tables, notes) that the HTML, PDF and Markdown writers
//! render.

use super::*;

impl LeadershipReport {
    /// The headline figures: the cards the window and `switchyard dora` show, each against
    /// the previous period (the arrow the direction of the value, the colour the verdict).
    pub fn figures(&self) -> Vec<Figure> {
        metric_cards(&self.metrics, Some(&self.previous))
            .into_iter()
            .map(|c| Figure {
                label: c.label,
                value: c.text,
                badge: cluster(c.cluster),
                detail: c.detail,
                trend: match c.change.verdict {
                    Verdict::Better => Trend::Better,
                    Verdict::Worse => Trend::Worse,
                    Verdict::Same => Trend::Same,
                    Verdict::Unknown => Trend::Unknown,
                },
                direction: c.change.direction,
                change: c.change.text,
            })
            .collect()
    }

    /// The report as format-neutral blocks.
    pub fn to_doc(&self) -> ReportDoc {
        let mut b = Vec::new();
        b.push(Block::Heading(2, "Summary".into()));
        b.push(Block::List(
            self.summary()
                .into_iter()
                .map(|s| vec![Span::text(s.text), Span::Muted(format!(" (see {})", s.see))])
                .collect(),
        ));
        b.push(Block::Heading(2, HEADLINE.into()));
        b.push(Block::Figures(self.figures()));
        b.push(Block::Note(format!(
            "Compared with the previous period of the same length, {} to {}. Clusters after the State of DevOps reports 2023/2024 (workspace thresholds); every number follows the definitions in the last section and in Switchyard's docs/metrics.md, times in {}.",
            self.previous_from, self.previous_to, self.timezone
        )));
        if let Some(a) = &self.ahead {
            self.ahead_blocks(a, &mut b);
        }
        if let Some(p) = &self.portfolio {
            portfolio_blocks(p, &mut b);
        }

        b.push(Block::Heading(2, "Trends".into()));
        for (title, svg) in &self.charts {
            b.push(Block::Chart {
                title: title.clone(),
                svg: svg.clone(),
            });
        }

        // Delivery.
        let rows = &self.releases;
        let Delivery {
            shipped: _,
            on_time,
            late,
            due,
            not_shipped,
            due_on_time,
            gated,
            ready,
        } = self.delivery();
        let shipped: Vec<&ReleaseRow> = rows.iter().filter(|r| r.released).collect();
        b.push(Block::Heading(2, DELIVERY.into()));
        b.push(Block::Table {
            head: vec!["Measure".into(), "Value".into()],
            rows: vec![
                vec![
                    vec![Span::text("Releases shipped")],
                    vec![Span::text(shipped.len().to_string())],
                ],
                vec![
                    vec![Span::text(
                        "Shipped on time (on or before the first planned date)",
                    )],
                    vec![Span::text(on_time.to_string())],
                ],
                vec![
                    vec![Span::text("Shipped late (slipped)")],
                    vec![Span::text(late.to_string())],
                ],
                vec![
                    vec![Span::text("Due in the period and not shipped")],
                    vec![Span::text(not_shipped.to_string())],
                ],
                vec![
                    vec![Span::Strong("On-time delivery of planned releases".into())],
                    vec![Span::Strong(share(due_on_time, due))],
                ],
                vec![
                    vec![Span::Strong(
                        "Readiness adherence (ready by the go/no-go milestone)".into(),
                    )],
                    vec![Span::Strong(share(ready, gated))],
                ],
            ],
            numeric: vec![1],
        });
        b.push(Block::Note("On time: shipped on or before the date first planned. On-time delivery: of the non-cancelled releases first planned in the period and due by today, the share shipped on time. Readiness adherence: of the shipped releases with a checklist and a go/no-go milestone, the share whose every checklist item was done or not applicable by the end of the go/no-go day.".into()));
        if !rows.is_empty() {
            b.push(Block::Table {
                head: [
                    "Release",
                    "Train",
                    "Type",
                    "Planned",
                    "Date",
                    "Slip",
                    "State",
                    "Ready by go/no-go",
                ]
                .map(String::from)
                .to_vec(),
                rows: rows
                    .iter()
                    .map(|r| {
                        vec![
                            vec![Span::text(&r.name)],
                            vec![Span::text(r.train.clone().unwrap_or_else(|| "–".into()))],
                            vec![Span::text(r.release_type.as_str())],
                            vec![Span::text(day(r.planned))],
                            vec![Span::text(day(r.date))],
                            vec![Span::text(match r.slip_days {
                                0 => "–".to_owned(),
                                d => format!("{d:+} d"),
                            })],
                            vec![Span::text(if r.released {
                                "shipped".to_owned()
                            } else {
                                r.status.label()
                            })],
                            vec![Span::text(
                                match (r.ready_by_gonogo, r.ready_pct_at_gonogo) {
                                    (Some(true), _) => "yes".to_owned(),
                                    (Some(false), Some(p)) => format!("no ({p:.0}% ready)"),
                                    _ => "–".to_owned(),
                                },
                            )],
                        ]
                    })
                    .collect(),
                numeric: vec![5],
            });
        }

        b.push(Block::Heading(2, "Top failure modes".into()));
        if self.failure_modes.is_empty() {
            b.push(Block::Para(vec![Span::text("No incidents in the period.")]));
        } else {
            b.push(Block::Table {
                head: [
                    "Service",
                    "Incidents",
                    "Open",
                    "Median time to resolve",
                    "Most recent",
                ]
                .map(String::from)
                .to_vec(),
                rows: self
                    .failure_modes
                    .iter()
                    .map(|f| {
                        let mut recent: Line = Vec::new();
                        for (i, (title, url)) in f.examples.iter().enumerate() {
                            if i > 0 {
                                recent.push(Span::text("; "));
                            }
                            recent.push(Span::link(title, url.as_deref()));
                        }
                        vec![
                            vec![Span::text(&f.service)],
                            vec![Span::text(f.incidents.to_string())],
                            vec![Span::text(f.open.to_string())],
                            vec![Span::text(hours(f.median_resolve_hours))],
                            recent,
                        ]
                    })
                    .collect(),
                numeric: vec![1, 2, 3],
            });
        }

        b.push(Block::Heading(2, "Change failures".into()));
        if self.change_failures.is_empty() {
            b.push(Block::Para(vec![Span::text(
                "No failed changes in the period.",
            )]));
        } else {
            b.push(Block::Table {
                head: ["Deployed", "Service", "Commit", "Caused", "Rolled back by"]
                    .map(String::from)
                    .to_vec(),
                rows: self
                    .change_failures
                    .iter()
                    .map(|c| {
                        let mut caused: Line = Vec::new();
                        for (i, (label, url)) in c.incidents.iter().enumerate() {
                            if i > 0 {
                                caused.push(Span::text("; "));
                            }
                            caused.push(Span::link(label, url.as_deref()));
                        }
                        if caused.is_empty() {
                            caused.push(Span::text("–"));
                        }
                        vec![
                            vec![Span::text(c.time.map_or("–".into(), |t| {
                                t.format("%Y-%m-%d %H:%M").to_string()
                            }))],
                            vec![Span::text(&c.service)],
                            vec![Span::text(&c.sha)],
                            caused,
                            vec![Span::text(
                                c.rolled_back_by.clone().unwrap_or_else(|| "–".into()),
                            )],
                        ]
                    })
                    .collect(),
                numeric: vec![],
            });
        }

        b.push(Block::Heading(2, "Open post-release action items".into()));
        if self.actions.is_empty() {
            b.push(Block::Para(vec![Span::text("None open.")]));
        } else {
            let overdue = self.actions.iter().filter(|a| a.overdue).count();
            b.push(Block::Para(vec![Span::text(format!(
                "{} open, {} overdue.",
                self.actions.len(),
                overdue
            ))]));
            b.push(Block::Table {
                head: ["Due", "Release", "Action", "Owner"]
                    .map(String::from)
                    .to_vec(),
                rows: self
                    .actions
                    .iter()
                    .map(|a| {
                        let due = day(a.due);
                        vec![
                            vec![if a.overdue {
                                Span::Strong(format!("{due} (overdue)"))
                            } else {
                                Span::text(due)
                            }],
                            vec![Span::text(&a.release)],
                            vec![Span::text(&a.title)],
                            vec![Span::text(a.owner.clone().unwrap_or_else(|| "–".into()))],
                        ]
                    })
                    .collect(),
                numeric: vec![],
            });
        }

        b.push(Block::Heading(2, "Pipeline health".into()));
        let p = &self.pipeline;
        if p.runs == 0 {
            b.push(Block::Para(vec![Span::text(
                "No pipeline runs in the period.",
            )]));
        } else {
            b.push(Block::Table {
                head: vec!["Measure".into(), "Value".into()],
                rows: vec![
                    vec![
                        vec![Span::text("Runs")],
                        vec![Span::text(p.runs.to_string())],
                    ],
                    vec![
                        vec![Span::text("Duration p50 / p90")],
                        vec![Span::text(format!(
                            "{} / {}",
                            minutes(p.duration_p50_minutes),
                            minutes(p.duration_p90_minutes)
                        ))],
                    ],
                    vec![
                        vec![Span::text("Failure rate")],
                        vec![Span::text(format!(
                            "{} ({} of {})",
                            pct(p.failure_rate.value),
                            p.failure_rate.numerator,
                            p.failure_rate.denominator
                        ))],
                    ],
                    vec![
                        vec![Span::text("Commits that passed only on a re-run (flaky)")],
                        vec![Span::text(p.flaky.to_string())],
                    ],
                ],
                numeric: vec![1],
            });
            if !p.slowest.is_empty() {
                b.push(Block::Table {
                    head: [
                        "Slowest workflows",
                        "Service",
                        "p90",
                        "Failure rate",
                        "Flaky",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: p
                        .slowest
                        .iter()
                        .map(|w| {
                            vec![
                                vec![Span::text(&w.workflow)],
                                vec![Span::text(&w.service)],
                                vec![Span::text(minutes(w.duration_p90_minutes))],
                                vec![Span::text(pct(w.failure_rate.value))],
                                vec![Span::text(format!("{} of {}", w.flaky, w.commits))],
                            ]
                        })
                        .collect(),
                    numeric: vec![2, 3],
                });
            }
        }

        b.push(Block::Heading(2, "Audit evidence completeness".into()));
        let n = shipped.len();
        let count = |f: &dyn Fn(&ReleaseRow) -> bool| shipped.iter().filter(|r| f(r)).count();
        b.push(Block::Table {
            head: vec!["Shipped releases with".into(), "Share".into()],
            rows: vec![
                vec![vec![Span::text("Complete approvals (a go decision with the approvers the risk policy asks for)")], vec![Span::text(share(count(&|r| r.approvals_complete), n))]],
                vec![vec![Span::text("Complete checks (every checklist item done or not applicable)")], vec![Span::text(share(count(&|r| r.checks_complete), n))]],
                vec![vec![Span::text("Linked changes (work items or a change record)")], vec![Span::text(share(count(&|r| r.changes_linked), n))]],
                vec![vec![Span::Strong("All three".into())], vec![Span::Strong(share(count(&|r| r.evidence_complete()), n))]],
            ],
            numeric: vec![1],
        });
        let gaps: Vec<Line> = shipped
            .iter()
            .filter(|r| !r.evidence_complete())
            .take(20)
            .map(|r| {
                let mut missing = Vec::new();
                if !r.approvals_complete {
                    missing.push("approvals");
                }
                if !r.checks_complete {
                    missing.push("checks");
                }
                if !r.changes_linked {
                    missing.push("linked changes");
                }
                vec![
                    Span::Strong(r.name.clone()),
                    Span::text(format!(": missing {}", missing.join(", "))),
                ]
            })
            .collect();
        if !gaps.is_empty() {
            b.push(Block::Para(vec![Span::text("Releases with gaps:")]));
            b.push(Block::List(gaps));
        }
        if let Some(head) = &self.audit_head {
            b.push(Block::Para(head.line()));
        }
        b.extend(self.how_computed());

        ReportDoc {
            title: "Release and delivery report".into(),
            subtitle: format!(
                "{} to {}{} · generated {} UTC by Switchyard",
                self.from,
                self.to,
                self.scope
                    .label()
                    .map(|l| format!(" · {l}"))
                    .unwrap_or_default(),
                self.generated_at.format("%Y-%m-%d %H:%M")
            ),
            blocks: b,
        }
    }
}

fn metric_cell(c: &switchyard_core::cards::MetricCard) -> Line {
    let mut l = vec![Span::text(&c.text)];
    if let Some(cl) = c.cluster {
        l.push(Span::Muted(format!(" {}", cl.as_str())));
    }
    l
}

fn portfolio_blocks(p: &Portfolio, b: &mut Vec<Block>) {
    use switchyard_core::cards::MetricKey;
    b.push(Block::Heading(
        2,
        format!("Portfolio: each {}", p.by.to_lowercase()),
    ));
    if p.rows.is_empty() {
        b.push(Block::Para(vec![Span::text("No services.")]));
        return;
    }
    let keys = [
        MetricKey::DeploymentFrequency,
        MetricKey::LeadTime,
        MetricKey::ChangeFailureRate,
        MetricKey::RecoveryTime,
    ];
    let mut head = vec![p.by.to_owned(), "Services".to_owned()];
    head.extend(keys.iter().map(|k| k.label().to_owned()));
    b.push(Block::Table {
        head,
        rows: p
            .rows
            .iter()
            .map(|r| {
                let cards = metric_cards(&r.metrics, None);
                let mut row = vec![
                    vec![Span::text(&r.name)],
                    vec![Span::text(r.services.to_string())],
                ];
                for k in keys {
                    row.push(
                        cards
                            .iter()
                            .find(|c| c.metric == k)
                            .map_or_else(|| vec![Span::text("–")], metric_cell),
                    );
                }
                row
            })
            .collect(),
        numeric: vec![1, 2, 3, 4, 5],
    });
    b.push(Block::Note(
        "Each cell: the number of the period and its cluster by the workspace's thresholds; – where there were no samples.".into(),
    ));
}

impl LeadershipReport {
    fn ahead_blocks(&self, a: &Ahead, b: &mut Vec<Block>) {
        b.push(Block::Heading(2, AHEAD.into()));
        let first = a.first;
        if a.releases.is_empty() {
            b.push(Block::Para(vec![Span::text(format!(
                "No release is due from {first} to {}.",
                a.until
            ))]));
            return;
        }
        let attention: Vec<&AheadRelease> = a.needing_attention().collect();
        b.push(Block::Para(vec![Span::text(format!(
            "{} due from {first} to {}; {} {} attention first.",
            summary_plural(a.releases.len()),
            a.until,
            attention.len(),
            if attention.len() == 1 {
                "needs"
            } else {
                "need"
            }
        ))]));
        if !attention.is_empty() {
            b.push(Block::Heading(3, "Needs attention".into()));
            b.push(Block::List(
                attention
                    .iter()
                    .map(|r| {
                        vec![
                            Span::Strong(r.name.clone()),
                            Span::text(format!(" ({}): {}", r.date, r.attention.join("; "))),
                        ]
                    })
                    .collect(),
            ));
        }
        b.push(Block::Table {
            head: [
                "Date",
                "Release",
                "Train",
                "Risk",
                "Ready",
                "Trend",
                "Go/no-go",
                "Conflicts",
                "Blockers",
                "Missing approvals",
            ]
            .map(String::from)
            .to_vec(),
            rows: a
                .releases
                .iter()
                .map(|r| {
                    let list = |v: &[String]| {
                        vec![Span::text(if v.is_empty() {
                            "–".to_owned()
                        } else {
                            v.join("; ")
                        })]
                    };
                    vec![
                        vec![Span::text(r.date.to_string())],
                        vec![if r.attention.is_empty() {
                            Span::text(&r.name)
                        } else {
                            Span::Strong(r.name.clone())
                        }],
                        vec![Span::text(r.train.clone().unwrap_or_else(|| "–".into()))],
                        vec![Span::text(r.class.map_or("–", |c| c.as_str()))],
                        vec![Span::text(
                            r.ready_pct.map_or("–".into(), |p| format!("{p:.0}%")),
                        )],
                        vec![Span::text(r.trend_text())],
                        vec![Span::text(r.go_no_go_text())],
                        list(&r.conflicts),
                        list(&r.blockers),
                        list(&r.missing_approvals),
                    ]
                })
                .collect(),
            numeric: vec![4],
        });
    }
}

fn summary_plural(n: usize) -> String {
    if n == 1 {
        "1 release".into()
    } else {
        format!("{n} releases")
    }
}
