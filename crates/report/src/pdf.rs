//! A report as PDF (A4) with krilla: real, selectable text in an embedded (subset) DejaVu
//! Sans, and the plotters charts as vector graphics (SVG through usvg and krilla-svg, their
//! labels embedded as text too). The font ships inside the binary (the `dejavu` crate), so
//! nothing is needed at run time.
//!
//! Layout is a small flow: blocks go down the page, a page breaks before a block (or a
//! table row) that would not fit, tables size their columns to their content and wrap.

use crate::blocks::{Block, Line, ReportDoc, Span, Trend};
use crate::leadership::{ReportError, Result};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document as PdfDocument;
use krilla_svg::{SurfaceExt, SvgSettings};

const W: f32 = 595.0;
const H: f32 = 842.0;
const MARGIN: f32 = 48.0;
const BOTTOM: f32 = H - 56.0;
const CONTENT: f32 = W - 2.0 * MARGIN;

type Rgb = (u8, u8, u8);
const INK: Rgb = (0x1f, 0x29, 0x33);
const MUTED: Rgb = (0x6b, 0x72, 0x80);
const LINE: Rgb = (0xe5, 0xe7, 0xeb);
const ACCENT: Rgb = (0x00, 0x72, 0xb2);
const GOOD: Rgb = (0x00, 0x9e, 0x73);
const BAD: Rgb = (0xd5, 0x5e, 0x00);
const PANEL: Rgb = (0xf8, 0xfa, 0xfc);

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
    },
    Svg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        tree: usize,
    },
}

struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let per_em = face.units_per_em() as f32;
        text.chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(face.units_per_em() / 2) as f32
            })
            .sum::<f32>()
            * size
            / per_em
    }

    /// Word-wraps styled runs into lines no wider than `width`.
    fn wrap(
        &self,
        runs: &[(String, bool, Rgb)],
        size: f32,
        width: f32,
    ) -> Vec<Vec<(String, bool, Rgb)>> {
        let mut lines: Vec<Vec<(String, bool, Rgb)>> = vec![Vec::new()];
        let mut x = 0.0;
        for (text, bold, color) in runs {
            for (i, word) in text.split(' ').enumerate() {
                let piece = if i == 0 {
                    word.to_owned()
                } else {
                    format!(" {word}")
                };
                let mut w = self.width(&piece, size, *bold);
                if x + w > width && x > 0.0 {
                    lines.push(Vec::new());
                    x = 0.0;
                    let trimmed = piece.trim_start().to_owned();
                    w = self.width(&trimmed, size, *bold);
                    push_run(lines.last_mut(), trimmed, *bold, *color);
                } else {
                    push_run(lines.last_mut(), piece, *bold, *color);
                }
                // A single word longer than the line: break it by characters.
                if w > width {
                    let line = lines.pop().unwrap_or_default();
                    let mut cur: Vec<(String, bool, Rgb)> = Vec::new();
                    let mut cx = 0.0;
                    for (t, b, c) in line {
                        for ch in t.chars() {
                            let cw = self.width(ch.encode_utf8(&mut [0; 4]), size, b);
                            if cx + cw > width && cx > 0.0 {
                                lines.push(std::mem::take(&mut cur));
                                cx = 0.0;
                            }
                            push_run(Some(&mut cur), ch.to_string(), b, c);
                            cx += cw;
                        }
                    }
                    lines.push(cur);
                    x = cx;
                } else {
                    x += w;
                }
            }
        }
        lines
    }
}

fn push_run(line: Option<&mut Vec<(String, bool, Rgb)>>, text: String, bold: bool, color: Rgb) {
    let Some(line) = line else { return };
    match line.last_mut() {
        Some(last) if last.1 == bold && last.2 == color => last.0.push_str(&text),
        _ => line.push((text, bold, color)),
    }
}

fn runs(l: &Line) -> Vec<(String, bool, Rgb)> {
    l.iter()
        .map(|s| match s {
            Span::Text(t) => (clean(t), false, INK),
            Span::Strong(t) => (clean(t), true, INK),
            Span::Muted(t) => (clean(t), false, MUTED),
            Span::Link { text, url } => (
                clean(text),
                false,
                if url.as_deref().and_then(crate::escape::safe_url).is_some() {
                    ACCENT
                } else {
                    INK
                },
            ),
        })
        .collect()
}

/// Text as one line: control characters and newlines become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

struct Layout<'m> {
    m: &'m Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
    title: String,
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let n = self.pages.len();
        &mut self.pages[n - 1]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > MARGIN + 1.0 {
            self.new_page();
        }
    }

    fn text_lines(&mut self, x: f32, lines: &[Vec<(String, bool, Rgb)>], size: f32, lead: f32) {
        for line in lines {
            self.ensure(lead);
            let mut cx = x;
            let base = self.y + size;
            for (t, bold, color) in line {
                let w = self.m.width(t, size, *bold);
                self.ops().push(Op::Text {
                    x: cx,
                    y: base,
                    size,
                    bold: *bold,
                    color: *color,
                    text: t.clone(),
                });
                cx += w;
            }
            self.y += lead;
        }
    }

    fn para(&mut self, runs: &[(String, bool, Rgb)], size: f32) {
        let lines = self.m.wrap(runs, size, CONTENT);
        self.text_lines(MARGIN, &lines, size, size * 1.45);
        self.y += 4.0;
    }

    fn table(&mut self, head: &[String], rows: &[Vec<Line>], numeric: &[usize]) {
        let cols = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        let size = 8.5;
        let pad = 4.0;
        let lead = size * 1.35;
        // Column widths: by the widest content, capped, scaled to the page.
        let mut natural = vec![24.0f32; cols];
        let mut cell_text = |i: usize, w: f32| natural[i] = natural[i].max(w.min(260.0));
        for (i, h) in head.iter().enumerate() {
            cell_text(i, self.m.width(h, size, true) + 2.0 * pad);
        }
        for r in rows {
            for (i, c) in r.iter().enumerate() {
                let w: f32 = runs(c)
                    .iter()
                    .map(|(t, b, _)| self.m.width(t, size, *b))
                    .sum();
                cell_text(i, w + 2.0 * pad);
            }
        }
        let widths = fit_columns(&natural, CONTENT);
        let xs: Vec<f32> = widths
            .iter()
            .scan(MARGIN, |x, w| {
                let at = *x;
                *x += w;
                Some(at)
            })
            .collect();
        let table_w: f32 = widths.iter().sum();
        // A short table stays on one page.
        if rows.len() <= 12 {
            self.ensure((rows.len() + 1) as f32 * (lead + 2.0 * pad));
        }
        let draw_row =
            |lay: &mut Layout, cells: Vec<Vec<Vec<(String, bool, Rgb)>>>, header: bool| {
                let h = cells.iter().map(|c| c.len()).max().unwrap_or(1).max(1) as f32 * lead
                    + 2.0 * pad
                    - 2.0;
                lay.ensure(h);
                let top = lay.y;
                if header {
                    lay.ops().push(Op::Rect {
                        x: MARGIN,
                        y: top,
                        w: table_w,
                        h,
                        fill: PANEL,
                    });
                }
                for (i, lines) in cells.iter().enumerate() {
                    for (k, line) in lines.iter().enumerate() {
                        let lw: f32 = line.iter().map(|(t, b, _)| lay.m.width(t, size, *b)).sum();
                        let mut cx = if numeric.contains(&i) {
                            xs[i] + widths[i] - pad - lw
                        } else {
                            xs[i] + pad
                        };
                        let base = top + pad + size + k as f32 * lead - 1.0;
                        for (t, b, c) in line {
                            let w = lay.m.width(t, size, *b);
                            lay.ops().push(Op::Text {
                                x: cx,
                                y: base,
                                size,
                                bold: *b,
                                color: if header { MUTED } else { *c },
                                text: t.clone(),
                            });
                            cx += w;
                        }
                    }
                }
                let y = top + h;
                lay.y = y;
                lay.ops().push(Op::Rule {
                    x1: MARGIN,
                    y1: y,
                    x2: MARGIN + table_w,
                    y2: y,
                    color: LINE,
                    width: 0.6,
                });
            };
        if head.iter().any(|h| !h.is_empty()) {
            let cells = (0..cols)
                .map(|i| {
                    let h = head.get(i).cloned().unwrap_or_default();
                    self.m
                        .wrap(&[(h, true, MUTED)], size, widths[i] - 2.0 * pad)
                })
                .collect();
            draw_row(self, cells, true);
        }
        for r in rows {
            let cells = (0..cols)
                .map(|i| {
                    let rs = r.get(i).map(runs).unwrap_or_default();
                    self.m.wrap(&rs, size, widths[i] - 2.0 * pad)
                })
                .collect();
            draw_row(self, cells, false);
        }
        self.y += 8.0;
    }
}

/// Column widths by max-min fairness: a column that needs less than an equal share of what
/// is left keeps its natural width; the wide ones share the rest equally.
fn fit_columns(natural: &[f32], room: f32) -> Vec<f32> {
    if natural.iter().sum::<f32>() <= room {
        return natural.to_vec();
    }
    let mut widths = vec![0.0f32; natural.len()];
    let mut open: Vec<usize> = (0..natural.len()).collect();
    let mut left = room;
    loop {
        let share = left / open.len().max(1) as f32;
        let (fits, rest): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&i| natural[i] <= share);
        if fits.is_empty() {
            for i in rest {
                widths[i] = share;
            }
            return widths;
        }
        for i in fits {
            widths[i] = natural[i];
            left -= natural[i];
        }
        open = rest;
        if open.is_empty() {
            return widths;
        }
    }
}

/// Plotters draws empty bars as zero-height rectangles, which usvg warns about; they draw
/// nothing, so they go.
fn drop_empty_rects(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find("<rect ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find("/>").map_or(tail.len(), |e| e + 2);
        let el = &tail[..end];
        if !(el.contains(" height=\"0\"") || el.contains(" width=\"0\"")) {
            out.push_str(el);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The report as PDF bytes.
/// How much of `next` must fit below a heading for the heading to stay on its page: the
/// part that is never split (a short table, a chart, a row of figures), else two lines.
fn keep_with(next: Option<&Block>) -> f32 {
    const ROW: f32 = 8.5 * 1.35 + 8.0;
    match next {
        Some(Block::Table { rows, .. }) if rows.len() <= 12 => (rows.len() + 1) as f32 * ROW,
        Some(Block::Table { .. }) => 3.0 * ROW,
        Some(Block::Figures(_)) => 86.0,
        Some(Block::Chart { svg, .. }) => {
            let attr = |name: &str| -> Option<f32> {
                let head = &svg[..svg.len().min(400)];
                let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
                head[at..].split('"').next()?.parse().ok()
            };
            match (attr("width"), attr("height")) {
                (Some(w), Some(h)) if w > 0.0 => CONTENT * h / w + 8.0,
                _ => 200.0,
            }
        }
        Some(Block::Heading(..)) => 40.0,
        _ => 2.0 * 9.5 * 1.35,
    }
}

pub fn render(doc: &ReportDoc) -> Result<Vec<u8>> {
    let regular_data: &'static [u8] = dejavu::sans::regular();
    let bold_data: &'static [u8] = dejavu::sans::bold();
    let font_err = || ReportError::Render("the embedded DejaVu Sans font does not load".into());
    let m = Metrics {
        regular: ttf_parser::Face::parse(regular_data, 0).map_err(|_| font_err())?,
        bold: ttf_parser::Face::parse(bold_data, 0).map_err(|_| font_err())?,
    };
    let font_regular = Font::new(regular_data.into(), 0).ok_or_else(font_err)?;
    let font_bold = Font::new(bold_data.into(), 0).ok_or_else(font_err)?;

    // Charts: plotters' SVG names the font `system-ui`; usvg gets DejaVu Sans for it.
    let mut svg_opts = usvg::Options::default();
    {
        let db = svg_opts.fontdb_mut();
        db.load_font_data(regular_data.to_vec());
        db.load_font_data(bold_data.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
    }
    let mut trees: Vec<usvg::Tree> = Vec::new();

    let mut lay = Layout {
        m: &m,
        pages: vec![Vec::new()],
        y: MARGIN,
        title: doc.title.clone(),
    };
    // Title block.
    let title_lines = m.wrap(&[(clean(&doc.title), true, INK)], 20.0, CONTENT);
    lay.text_lines(MARGIN, &title_lines, 20.0, 26.0);
    lay.para(&[(clean(&doc.subtitle), false, MUTED)], 9.5);
    let y = lay.y;
    lay.ops().push(Op::Rule {
        x1: MARGIN,
        y1: y,
        x2: W - MARGIN,
        y2: y,
        color: ACCENT,
        width: 2.0,
    });
    lay.y += 6.0;

    for (i, b) in doc.blocks.iter().enumerate() {
        match b {
            Block::Heading(level, text) => {
                let size = if *level <= 2 { 13.5 } else { 10.5 };
                // A heading starts a page rather than end one: it keeps the start of what
                // follows (a short table or a chart whole) on its page.
                lay.ensure(size * 4.0 + keep_with(doc.blocks.get(i + 1)));
                lay.y += if *level <= 2 { 12.0 } else { 6.0 };
                let lines = m.wrap(&[(clean(text), true, INK)], size, CONTENT);
                lay.text_lines(MARGIN, &lines, size, size * 1.35);
                if *level <= 2 {
                    let y = lay.y + 1.0;
                    lay.ops().push(Op::Rule {
                        x1: MARGIN,
                        y1: y,
                        x2: W - MARGIN,
                        y2: y,
                        color: LINE,
                        width: 0.8,
                    });
                    lay.y += 6.0;
                }
            }
            Block::Para(l) => lay.para(&runs(l), 9.5),
            Block::Note(t) => lay.para(&[(clean(t), false, MUTED)], 8.0),
            Block::Figures(figs) => {
                let cols = 3;
                let gap = 8.0;
                let bw = (CONTENT - gap * (cols as f32 - 1.0)) / cols as f32;
                let bh = 78.0;
                for chunk in figs.chunks(cols) {
                    lay.ensure(bh + gap);
                    let top = lay.y;
                    for (i, f) in chunk.iter().enumerate() {
                        let x = MARGIN + i as f32 * (bw + gap);
                        lay.ops().push(Op::Rect {
                            x,
                            y: top,
                            w: bw,
                            h: bh,
                            fill: PANEL,
                        });
                        let mut y = top + 6.0;
                        let label =
                            m.wrap(&[(f.label.to_uppercase(), false, MUTED)], 7.0, bw - 16.0);
                        if let Some(l) = label.first() {
                            lay.ops().push(Op::Text {
                                x: x + 8.0,
                                y: y + 7.0,
                                size: 7.0,
                                bold: false,
                                color: MUTED,
                                text: l.iter().map(|r| r.0.as_str()).collect(),
                            });
                        }
                        y += 10.0;
                        lay.ops().push(Op::Text {
                            x: x + 8.0,
                            y: y + 16.0,
                            size: 16.0,
                            bold: true,
                            color: INK,
                            text: clean(&f.value),
                        });
                        if let Some(badge) = &f.badge {
                            let vx = x + 8.0 + m.width(&f.value, 16.0, true) + 6.0;
                            lay.ops().push(Op::Text {
                                x: vx,
                                y: y + 15.0,
                                size: 8.0,
                                bold: true,
                                color: ACCENT,
                                text: clean(badge),
                            });
                        }
                        y += 22.0;
                        let color = match f.trend {
                            Trend::Better => GOOD,
                            Trend::Worse => BAD,
                            _ => MUTED,
                        };
                        let arrow = f.arrow();
                        for (k, l) in m
                            .wrap(
                                &[(format!("{arrow}{}", clean(&f.change)), false, color)],
                                7.0,
                                bw - 16.0,
                            )
                            .iter()
                            .take(2)
                            .enumerate()
                        {
                            lay.ops().push(Op::Text {
                                x: x + 8.0,
                                y: y + 8.0 + k as f32 * 9.0,
                                size: 7.0,
                                bold: false,
                                color,
                                text: l.iter().map(|r| r.0.as_str()).collect(),
                            });
                        }
                        y += 19.0;
                        for (k, l) in m
                            .wrap(&[(clean(&f.detail), false, MUTED)], 6.5, bw - 16.0)
                            .iter()
                            .take(2)
                            .enumerate()
                        {
                            lay.ops().push(Op::Text {
                                x: x + 8.0,
                                y: y + 7.0 + k as f32 * 8.0,
                                size: 6.5,
                                bold: false,
                                color: MUTED,
                                text: l.iter().map(|r| r.0.as_str()).collect(),
                            });
                        }
                    }
                    lay.y = top + bh + gap;
                }
            }
            Block::Table {
                head,
                rows,
                numeric,
            } => lay.table(head, rows, numeric),
            Block::List(items) => {
                for i in items {
                    let mut r = vec![("• ".to_owned(), false, INK)];
                    r.extend(runs(i));
                    lay.para(&r, 9.0);
                }
            }
            Block::Chart { title, svg } => {
                let fixed = drop_empty_rects(&svg.replace("system-ui", "DejaVu Sans"));
                let tree = usvg::Tree::from_str(&fixed, &svg_opts)
                    .map_err(|e| ReportError::Render(format!("chart {title}: {e}")))?;
                let size = tree.size();
                let w = CONTENT;
                let h = w * size.height() / size.width();
                lay.ensure(h + 8.0);
                let y = lay.y;
                trees.push(tree);
                let idx = trees.len() - 1;
                lay.ops().push(Op::Svg {
                    x: MARGIN,
                    y,
                    w,
                    h,
                    tree: idx,
                });
                lay.y += h + 8.0;
            }
        }
    }

    let mut pdf = PdfDocument::new();
    pdf.set_metadata(
        krilla::metadata::Metadata::new()
            .title(doc.title.clone())
            .creator("Switchyard".into()),
    );
    let pages = lay.pages.len();
    let title = lay.title.clone();
    for (n, ops) in lay.pages.into_iter().enumerate() {
        let settings =
            PageSettings::from_wh(W, H).ok_or_else(|| ReportError::Render("page size".into()))?;
        let mut page = pdf.start_page_with(settings);
        let mut s = page.surface();
        let fill = |c: Rgb| Fill {
            paint: rgb::Color::new(c.0, c.1, c.2).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        };
        let footer = format!("{} · page {} of {}", clean(&title), n + 1, pages);
        for op in ops.iter().chain(std::iter::once(&Op::Text {
            x: MARGIN,
            y: H - 30.0,
            size: 7.5,
            bold: false,
            color: MUTED,
            text: footer,
        })) {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    color,
                    text,
                } => {
                    s.set_fill(Some(fill(*color)));
                    let font = if *bold {
                        font_bold.clone()
                    } else {
                        font_regular.clone()
                    };
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill: c,
                } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        if let Some(path) = pb.finish() {
                            s.set_stroke(None);
                            s.set_fill(Some(fill(*c)));
                            s.draw_path(&path);
                        }
                    }
                }
                Op::Rule {
                    x1,
                    y1,
                    x2,
                    y2,
                    color,
                    width,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(color.0, color.1, color.2).into(),
                            width: *width,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
                Op::Svg { x, y, w, h, tree } => {
                    if let Some(size) = Size::from_wh(*w, *h) {
                        s.push_transform(&Transform::from_translate(*x, *y));
                        s.draw_svg(&trees[*tree], size, SvgSettings::default());
                        s.pop();
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    pdf.finish()
        .map_err(|e| ReportError::Render(format!("{e:?}")))
}
