//! A report as Markdown (CommonMark with GitHub tables). Every string is escaped with
//! [`crate::escape::md`]; links only for http(s) URLs. Charts are left out (Markdown has no
//! safe inline SVG); the figures and tables carry the numbers.

use crate::blocks::{Block, Line, ReportDoc, Span, Trend};
use crate::escape::{md, md_link};

fn line(l: &Line) -> String {
    l.iter()
        .map(|s| match s {
            Span::Text(t) | Span::Muted(t) => md(t),
            Span::Strong(t) if t.trim().is_empty() => md(t),
            Span::Strong(t) => format!("**{}**", md(t)),
            Span::Link { text, url } => md_link(text, url.as_deref()),
        })
        .collect()
}

fn table(head: &[String], rows: &[Vec<Line>], numeric: &[usize]) -> String {
    let mut out = String::new();
    let cells = |c: Vec<String>| format!("| {} |\n", c.join(" | "));
    let head: Vec<String> = head
        .iter()
        .map(|h| if h.is_empty() { " ".into() } else { md(h) })
        .collect();
    out.push_str(&cells(head.clone()));
    out.push_str(&cells(
        (0..head.len())
            .map(|i| {
                if numeric.contains(&i) {
                    "---:".into()
                } else {
                    "---".into()
                }
            })
            .collect(),
    ));
    for r in rows {
        out.push_str(&cells(r.iter().map(line).collect()));
    }
    out
}

pub fn render(doc: &ReportDoc) -> String {
    let mut out = format!("# {}\n\n_{}_\n\n", md(&doc.title), md(&doc.subtitle));
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text) => {
                out.push_str(&format!("{} {}\n\n", "#".repeat(*level as usize), md(text)));
            }
            Block::Para(l) => out.push_str(&format!("{}\n\n", line(l))),
            Block::Note(text) => out.push_str(&format!("_{}_\n\n", md(text))),
            Block::Figures(figs) => {
                let rows: Vec<Vec<Line>> = figs
                    .iter()
                    .map(|f| {
                        let verdict = match f.trend {
                            Trend::Better => "better: ",
                            Trend::Worse => "worse: ",
                            Trend::Same | Trend::Unknown => "",
                        };
                        let arrow = format!("{}{verdict}", f.arrow());
                        vec![
                            vec![Span::text(&f.label)],
                            vec![Span::Strong(f.value.clone())],
                            vec![Span::text(f.badge.clone().unwrap_or_else(|| "–".into()))],
                            vec![Span::text(format!("{arrow}{}", f.change))],
                            vec![Span::text(&f.detail)],
                        ]
                    })
                    .collect();
                let head = ["Metric", "Value", "Cluster", "Change", "Basis"].map(String::from);
                out.push_str(&table(&head, &rows, &[1]));
                out.push('\n');
            }
            Block::Table {
                head,
                rows,
                numeric,
            } => {
                out.push_str(&table(head, rows, numeric));
                out.push('\n');
            }
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("- {}\n", line(i)));
                }
                out.push('\n');
            }
            Block::Chart { title, .. } => {
                out.push_str(&format!(
                    "_Chart: {} (in the HTML and PDF editions of this report)._\n\n",
                    md(title)
                ));
            }
        }
    }
    out
}
