//! A report as a list of format-neutral blocks. The leadership and release reports build
//! one [`ReportDoc`]; `html`, `markdown` and `pdf` each render it, escaping every string on
//! the way out, so no report builder ever writes markup and no string escapes twice.

/// A piece of running text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text(String),
    Strong(String),
    /// A link; rendered as a link only when the URL is http(s), else as plain text.
    Link {
        text: String,
        url: Option<String>,
    },
    /// Muted text (units, counts behind a number).
    Muted(String),
}

impl Span {
    pub fn text(s: impl Into<String>) -> Self {
        Span::Text(s.into())
    }

    pub fn link(text: impl Into<String>, url: Option<&str>) -> Self {
        Span::Link {
            text: text.into(),
            url: url.map(str::to_owned),
        }
    }

    /// The visible text, whatever the format.
    pub fn plain(&self) -> &str {
        match self {
            Span::Text(s) | Span::Strong(s) | Span::Muted(s) => s,
            Span::Link { text, .. } => text,
        }
    }
}

pub type Line = Vec<Span>;

/// Where the workspace's audit log stood when a report was made: its signed head (see
/// docs/security.md), or that no event is signed. `None` in a report: not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditHead {
    Signed {
        seq: i64,
        hash: String,
        key_fingerprint: String,
    },
    /// Events after the signed head, or all of them, were written without the key.
    Unsigned {
        signed_seq: Option<i64>,
        unsigned: i64,
    },
}

impl AuditHead {
    /// The line the reports show in their audit evidence part.
    pub fn line(&self) -> Line {
        match self {
            AuditHead::Signed {
                seq,
                hash,
                key_fingerprint,
            } => vec![
                Span::Strong("Audit log:".into()),
                Span::text(format!(
                    " signed head at event {seq} (hash {}, workspace key {key_fingerprint}), checked by switchyard audit verify",
                    &hash[..12.min(hash.len())]
                )),
            ],
            AuditHead::Unsigned {
                signed_seq,
                unsigned,
            } => vec![
                Span::Strong("Audit log:".into()),
                Span::text(match signed_seq {
                    Some(seq) => format!(
                        " signed up to event {seq}; {unsigned} later event(s) written without the workspace key"
                    ),
                    None => " no event is signed (written without the workspace key)".into(),
                }),
            ],
        }
    }
}

/// How a headline figure compares with the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Better,
    Worse,
    Same,
    Unknown,
}

/// One headline number: "Deployment frequency 3.4 /week, high, +0.5 vs previous".
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    /// The cluster or another one-word judgement.
    pub badge: Option<String>,
    /// Numerator / denominator, samples.
    pub detail: String,
    /// The change against the previous period, as text.
    pub change: String,
    /// Better or worse for the metric: the colour.
    pub trend: Trend,
    /// Which way the value moved: the arrow.
    pub direction: Option<switchyard_core::delta::Direction>,
}

impl Figure {
    /// "▲ " / "▼ " / "= ": the direction of the value (not whether it is good news).
    pub fn arrow(&self) -> String {
        self.direction
            .map_or(String::new(), |d| format!("{} ", d.arrow()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Para(Line),
    /// Small print under a section: the rule a number follows.
    Note(String),
    Figures(Vec<Figure>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Line>>,
        /// Columns to right-align (numbers).
        numeric: Vec<usize>,
    },
    List(Vec<Line>),
    /// An SVG chart (plotters output) with its title as alternative text.
    Chart {
        title: String,
        svg: String,
    },
}

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    pub title: String,
    pub subtitle: String,
    pub blocks: Vec<Block>,
}

impl ReportDoc {
    /// All visible text, one block per line (tests and search).
    pub fn plain_text(&self) -> String {
        let mut out = format!("{}\n{}\n", self.title, self.subtitle);
        let line = |l: &Line| l.iter().map(Span::plain).collect::<String>();
        for b in &self.blocks {
            match b {
                Block::Heading(_, s) | Block::Note(s) => out.push_str(s),
                Block::Para(l) => out.push_str(&line(l)),
                Block::Figures(f) => {
                    for f in f {
                        out.push_str(&format!("{} {} {}; ", f.label, f.value, f.change));
                    }
                }
                Block::Table { head, rows, .. } => {
                    out.push_str(&head.join(" | "));
                    for r in rows {
                        out.push('\n');
                        out.push_str(&r.iter().map(line).collect::<Vec<_>>().join(" | "));
                    }
                }
                Block::List(items) => {
                    out.push_str(&items.iter().map(line).collect::<Vec<_>>().join("\n"));
                }
                Block::Chart { title, .. } => out.push_str(title),
            }
            out.push('\n');
        }
        out
    }
}
