//! A report as one self-contained HTML file: inline CSS, charts as inline SVG, no script,
//! no external fetch. A Content-Security-Policy meta tag (`default-src 'none'`) makes a
//! browser refuse any script or fetch even if one slipped in. Every string is escaped with
//! [`crate::escape::html`]; links only for http(s) URLs.

use crate::blocks::{Block, Line, ReportDoc, Span, Trend};
use crate::escape::{html, html_link};

const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#6b7280;--line:#e5e7eb;--accent:#0072b2;--good:#009e73;--bad:#d55e00;--bg:#f8fafc}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1080px;margin:0 auto;padding:32px 40px 48px}
header{border-bottom:3px solid var(--accent);padding-bottom:12px;margin-bottom:8px}
h1{font-size:26px;margin:0 0 4px}
.sub{color:var(--muted);margin:0}
h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 6px}
p{margin:8px 0}
.note{color:var(--muted);font-size:12.5px}
.muted{color:var(--muted)}
.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
.fig{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--bg)}
.fig .label{font-size:12.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.fig .value{font-size:24px;font-weight:650;margin:2px 0}
.badge{display:inline-block;font-size:11.5px;font-weight:600;border-radius:10px;padding:1px 8px;margin-left:6px;vertical-align:middle;background:#e0ecf6;color:#00507d}
.badge.elite{background:#d5f0e7;color:#00664a}.badge.low{background:#fbe3d5;color:#8a3c00}.badge.medium{background:#fdf0d0;color:#7a5600}
.change{font-size:12.5px}.change.better{color:var(--good)}.change.worse{color:var(--bad)}
.detail{font-size:12px;color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:8px 0 4px;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.02em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#fbfcfd}
figure{margin:12px 0;break-inside:avoid}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:12px;color:var(--muted)}
a{color:var(--accent)}
ul{margin:6px 0;padding-left:22px}
footer{margin-top:36px;color:var(--muted);font-size:12px}
@media print{main{padding:0}h2{break-after:avoid}tr,figure,.fig{break-inside:avoid}}
"#;

fn line(l: &Line) -> String {
    l.iter()
        .map(|s| match s {
            Span::Text(t) => html(t),
            Span::Strong(t) => format!("<strong>{}</strong>", html(t)),
            Span::Muted(t) => format!("<span class=\"muted\">{}</span>", html(t)),
            Span::Link { text, url } => html_link(text, url.as_deref()),
        })
        .collect()
}

/// The chart's SVG without an XML prolog or doctype, so it can sit inline.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => "",
    }
}

pub fn render(doc: &ReportDoc) -> String {
    let mut out = String::with_capacity(256 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"Switchyard\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        html(&doc.title)
    ));
    out.push_str(&format!(
        "<header><h1>{}</h1><p class=\"sub\">{}</p></header>\n",
        html(&doc.title),
        html(&doc.subtitle)
    ));
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text) => {
                let l = (*level).clamp(2, 4);
                out.push_str(&format!("<h{l}>{}</h{l}>\n", html(text)));
            }
            Block::Para(l) => out.push_str(&format!("<p>{}</p>\n", line(l))),
            Block::Note(t) => out.push_str(&format!("<p class=\"note\">{}</p>\n", html(t))),
            Block::Figures(figs) => {
                out.push_str("<div class=\"figures\">\n");
                for f in figs {
                    let badge = f.badge.as_deref().map_or(String::new(), |b| {
                        let class: String =
                            b.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
                        format!("<span class=\"badge {class}\">{}</span>", html(b))
                    });
                    let class = match f.trend {
                        Trend::Better => "better",
                        Trend::Worse => "worse",
                        Trend::Same => "same",
                        Trend::Unknown => "",
                    };
                    let arrow = f.arrow();
                    out.push_str(&format!(
                        "<div class=\"fig\"><div class=\"label\">{}</div><div class=\"value\">{}{badge}</div><div class=\"change {class}\">{arrow}{}</div><div class=\"detail\">{}</div></div>\n",
                        html(&f.label),
                        html(&f.value),
                        html(&f.change),
                        html(&f.detail)
                    ));
                }
                out.push_str("</div>\n");
            }
            Block::Table {
                head,
                rows,
                numeric,
            } => {
                let cls = |i: usize| {
                    if numeric.contains(&i) {
                        " class=\"num\""
                    } else {
                        ""
                    }
                };
                out.push_str("<table>\n");
                if head.iter().any(|h| !h.is_empty()) {
                    out.push_str("<thead><tr>");
                    for (i, h) in head.iter().enumerate() {
                        out.push_str(&format!("<th{}>{}</th>", cls(i), html(h)));
                    }
                    out.push_str("</tr></thead>\n");
                }
                out.push_str("<tbody>\n");
                for r in rows {
                    out.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        out.push_str(&format!("<td{}>{}</td>", cls(i), line(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody></table>\n");
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str(&format!("<li>{}</li>\n", line(i)));
                }
                out.push_str("</ul>\n");
            }
            Block::Chart { title, svg } => {
                // The SVG is plotters' output: every text in it went through its escaping.
                out.push_str(&format!(
                    "<figure role=\"img\" aria-label=\"{}\">\n{}\n</figure>\n",
                    html(title),
                    inline_svg(svg)
                ));
            }
        }
    }
    out.push_str("<footer>Generated by Switchyard from the local workspace. Numbers follow the definitions in Switchyard's documentation, docs/metrics.md.</footer>\n");
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
