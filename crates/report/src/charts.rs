//! Charts as SVG, drawn with plotters' SVG backend: the DORA metrics by bucket, pipeline
//! health, and the readiness timeline.
//!
//! The look is the app's: white ground, quiet grey axes, 13px system-ui labels, the
//! Okabe–Ito palette (safe for colour-blind readers). Every text, including names that came
//! from data (services, workflows, releases), goes through the SVG backend, which escapes
//! `<`, `>`, `&`, `"` and `'`.

use chrono::{DateTime, NaiveDate};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use switchyard_core::dora::SeriesEntry;
use switchyard_core::pipeline::PipelineHealth;
use switchyard_core::settings::Thresholds;
use switchyard_core::timeline::ReadinessTimeline;

/// Okabe–Ito.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub const PALETTE: [RGBColor; 7] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW];

const INK: RGBColor = RGBColor(0x33, 0x3A, 0x44);
const MUTED: RGBColor = RGBColor(0x6B, 0x72, 0x80);
const GRID: RGBColor = RGBColor(0xE5, 0xE7, 0xEB);
const FONT: &str = "system-ui";
const WIDTH: u32 = 760;
const HEIGHT: u32 = 360;
/// At most this many x labels; more buckets get every k-th one.
const MAX_X_LABELS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError(pub String);

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot draw the chart: {}", self.0)
    }
}

impl std::error::Error for ChartError {}

fn err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

pub type Result<T> = std::result::Result<T, ChartError>;

/// The kinds of chart `switchyard chart KIND` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    DeploymentFrequency,
    LeadTime,
    ChangeFailureRate,
    RecoveryTime,
    ReworkRate,
    Pipeline,
    Readiness,
}

impl ChartKind {
    pub const ALL: [ChartKind; 7] = [
        ChartKind::DeploymentFrequency,
        ChartKind::LeadTime,
        ChartKind::ChangeFailureRate,
        ChartKind::RecoveryTime,
        ChartKind::ReworkRate,
        ChartKind::Pipeline,
        ChartKind::Readiness,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ChartKind::DeploymentFrequency => "deployment-frequency",
            ChartKind::LeadTime => "lead-time",
            ChartKind::ChangeFailureRate => "change-failure-rate",
            ChartKind::RecoveryTime => "recovery-time",
            ChartKind::ReworkRate => "rework-rate",
            ChartKind::Pipeline => "pipeline",
            ChartKind::Readiness => "readiness",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Plotters' SVG backend writes `font-size` as the size given / 1.24; this gives `px`.
fn px(px: u32) -> f64 {
    f64::from(px) * 1.24
}

fn font(size: u32) -> TextStyle<'static> {
    (FONT, px(size)).into_font().color(&INK)
}

fn muted(size: u32) -> TextStyle<'static> {
    (FONT, px(size)).into_font().color(&MUTED)
}

fn short(d: NaiveDate) -> String {
    d.format("%b %-d").to_string()
}

fn one_decimal(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// An f64 axis whose ticks sit exactly where we say (bucket centres, dates), instead of
/// plotters' "nice" numbers; labels come from our formatters.
#[derive(Clone)]
struct KeyedAxis {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

impl Ranged for KeyedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }
}

fn keyed(lo: f64, hi: f64, keys: Vec<f64>) -> KeyedAxis {
    KeyedAxis {
        inner: (lo..hi).into(),
        keys,
    }
}

/// The x axis of a bucket chart: bucket `i` spans `[i, i + 1)`; labels at the centres of
/// every k-th bucket.
fn bucket_axis(n: usize) -> KeyedAxis {
    let step = n.div_ceil(MAX_X_LABELS).max(1);
    let keys: Vec<f64> = (0..n).step_by(step).map(|i| i as f64 + 0.5).collect();
    keyed(0.0, n.max(1) as f64, keys)
}

fn upper(max: f64, floor: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        (max * 1.15).max(floor)
    } else {
        floor
    }
}

/// The most characters a name drawn in a chart keeps; a longer one ends in "…". Names
/// come from Jira and GitHub, and a browser lays out an SVG `<text>` glyph by glyph: WebKit
/// spent minutes, the window frozen, on a chart titled with a 100 KB release name.
const MAX_NAME: usize = 60;

/// `s` cut to `max` characters and an ellipsis, when longer.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

fn svg(
    width: u32,
    height: u32,
    draw: impl FnOnce(DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<()>,
) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(root.clone())?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// A chart over a keyed x axis (buckets, dates) and an f64 y axis.
type KeyedChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    plotters::coord::cartesian::Cartesian2d<KeyedAxis, RangedCoordf64>,
>;

/// The frame of every bucket chart: the caption, bucket `i` at `[i, i + 1)` with its label
/// below, a y axis from 0 to `top` labelled by `y_fmt`, and quiet horizontal grid lines.
fn bucket_chart<'a, 'b>(
    area: &'a Area<'b>,
    title: &str,
    labels: &[String],
    top: f64,
    y_desc: &str,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<KeyedChart<'a, 'b>> {
    let mut chart = ChartBuilder::on(area)
        .caption(clip(title, 2 * MAX_NAME), font(15))
        .margin(14)
        .x_label_area_size(34)
        .y_label_area_size(58)
        .build_cartesian_2d(bucket_axis(labels.len()), 0f64..top)
        .map_err(err)?;
    let x_fmt = |x: &f64| labels.get(x.floor() as usize).cloned().unwrap_or_default();
    draw_mesh(&mut chart, &x_fmt, y_fmt, y_desc)?;
    Ok(chart)
}

/// The axes every chart shares: quiet horizontal grid lines, six y labels, the app's label
/// styles, the x and y labels from `x_fmt` and `y_fmt`.
fn draw_mesh(
    chart: &mut KeyedChart,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
    y_desc: &str,
) -> Result<()> {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .y_labels(6)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .y_desc(y_desc)
        .label_style(font(13))
        .axis_desc_style(muted(13))
        .draw()
        .map_err(err)
}

/// A bar chart over buckets with an optional label above each bar and background bands.
struct Bars<'s> {
    title: String,
    y_desc: &'s str,
    labels: Vec<String>,
    values: Vec<Option<f64>>,
    bar_labels: Vec<String>,
    bands: Vec<(f64, f64, RGBColor, &'s str)>,
    y_floor: f64,
    percent: bool,
    /// Buckets the period covers only in part (see [`Partial`]): drawn paler.
    partial: Partial,
}

/// Which buckets the period covers only in part: its first and last week (or month) when it
/// starts or ends inside one. Their counts are of fewer days than the others'.
#[derive(Debug, Clone, Default)]
struct Partial {
    buckets: Vec<bool>,
    /// "week" or "month": what a bucket is.
    unit: &'static str,
}

impl Partial {
    /// From each bucket's first and last day: a full bucket is a Monday-to-Sunday week or a
    /// calendar month.
    fn of(dates: impl Iterator<Item = (NaiveDate, NaiveDate)>) -> Partial {
        use chrono::Datelike;
        let mut unit = "week";
        let buckets = dates
            .map(|(start, end)| {
                let days = (end - start).num_days() + 1;
                if days > 7 {
                    unit = "month";
                }
                let week = days == 7 && start.weekday() == chrono::Weekday::Mon;
                let month = start.day() == 1 && end.succ_opt().is_some_and(|d| d.day() == 1);
                !(week || month)
            })
            .collect();
        Partial { buckets, unit }
    }

    fn is(&self, i: usize) -> bool {
        self.buckets.get(i).copied().unwrap_or(false)
    }
}

fn draw_bars(area: &Area, b: &Bars) -> Result<()> {
    let n = b.values.len();
    let max = b.values.iter().flatten().copied().fold(0.0, f64::max);
    let top = upper(max, b.y_floor);
    let percent = b.percent;
    let y_fmt = |y: &f64| {
        if percent {
            format!("{:.0}%", y * 100.0)
        } else {
            one_decimal(*y)
        }
    };
    let mut chart = bucket_chart(area, &b.title, &b.labels, top, b.y_desc, &y_fmt)?;
    for &(lo, hi, color, name) in &b.bands {
        let (lo, hi) = (lo.min(top), hi.min(top));
        if hi <= lo {
            continue;
        }
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, lo), (n.max(1) as f64, hi)],
                color.mix(0.10).filled(),
            )))
            .map_err(err)?;
        // Name a band only where it is tall enough to hold its name.
        if (hi - lo) / top < 0.07 {
            continue;
        }
        chart
            .draw_series(std::iter::once(Text::new(
                name.to_string(),
                (n.max(1) as f64, hi),
                muted(13).pos(Pos::new(HPos::Right, VPos::Top)),
            )))
            .map_err(err)?;
    }
    chart
        .draw_series(b.values.iter().enumerate().map(|(i, v)| {
            let fill = if b.partial.is(i) {
                BLUE.mix(0.45).filled()
            } else {
                BLUE.filled()
            };
            let mut r = Rectangle::new([(i as f64, 0.0), (i as f64 + 1.0, v.unwrap_or(0.0))], fill);
            let gap = if n > 40 { 0 } else { 2 };
            r.set_margin(0, 0, gap, gap);
            r
        }))
        .map_err(err)?;
    if b.partial.buckets.iter().any(|&p| p) {
        chart
            .draw_series(std::iter::once(Text::new(
                format!("paler: part of a {} in the period", b.partial.unit),
                // A little way in from the y axis.
                (n.max(1) as f64 * 0.01, top),
                muted(11).pos(Pos::new(HPos::Left, VPos::Top)),
            )))
            .map_err(err)?;
    }
    if n <= 26 {
        chart
            .draw_series(
                b.values
                    .iter()
                    .zip(&b.bar_labels)
                    .enumerate()
                    .filter(|(_, (_, l))| !l.is_empty())
                    .map(|(i, (v, l))| {
                        Text::new(
                            l.clone(),
                            (i as f64 + 0.5, v.unwrap_or(0.0)),
                            font(11).pos(Pos::new(HPos::Center, VPos::Bottom)),
                        )
                    }),
            )
            .map_err(err)?;
    }
    Ok(())
}

/// A line chart over buckets: one line per series, gaps where a bucket has no value.
struct Lines<'s> {
    title: String,
    y_desc: &'s str,
    labels: Vec<String>,
    series: Vec<(&'s str, RGBColor, Vec<Option<f64>>)>,
}

fn draw_lines(area: &Area, l: &Lines) -> Result<()> {
    let n = l.labels.len();
    let max = l
        .series
        .iter()
        .flat_map(|s| s.2.iter().flatten())
        .copied()
        .fold(0.0, f64::max);
    let top = upper(max, 1.0);
    let mut chart = bucket_chart(area, &l.title, &l.labels, top, l.y_desc, &|y| {
        one_decimal(*y)
    })?;
    for (name, color, values) in &l.series {
        let color = *color;
        // Contiguous runs of values are lines; every value is a dot.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => runs
                    .last_mut()
                    .unwrap_or(&mut Vec::new())
                    .push((i as f64 + 0.5, *v)),
                None => runs.push(Vec::new()),
            }
        }
        let mut first = true;
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            let s = chart
                .draw_series(LineSeries::new(run.clone(), color.stroke_width(2)))
                .map_err(err)?;
            if first {
                s.label(*name).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
                first = false;
            }
            if n <= 60 {
                chart
                    .draw_series(run.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(err)?;
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(GRID)
        .label_font(font(13))
        .draw()
        .map_err(err)?;
    Ok(())
}

fn bucket_labels(series: &[SeriesEntry]) -> Vec<String> {
    series.iter().map(|s| short(s.period_start)).collect()
}

/// Successful production deployments per week, one bar per bucket, over the cluster bands.
pub fn deployment_frequency(
    series: &[SeriesEntry],
    th: &Thresholds,
    title: &str,
) -> Result<String> {
    let b = &th.deployments_per_week;
    let values: Vec<Option<f64>> = series
        .iter()
        .map(|s| Some(s.metrics.deployment_frequency.per_week))
        .collect();
    let bars = Bars {
        title: format!("Deployment frequency — {title}"),
        y_desc: "deployments per week",
        labels: bucket_labels(series),
        bar_labels: series.iter().map(|s| s.deployments.to_string()).collect(),
        values,
        bands: vec![
            (b.elite, f64::MAX, GREEN, "elite"),
            (b.high, b.elite, BLUE, "high"),
            (b.medium, b.high, ORANGE, "medium"),
            (0.0, b.medium, VERMILLION, "low"),
        ],
        y_floor: b.high * 1.5,
        percent: false,
        partial: series_partial(series),
    };
    svg(WIDTH, HEIGHT, |root| draw_bars(&root, &bars))
}

/// Lead time for changes, p50 and p90 in hours per bucket.
pub fn lead_time(series: &[SeriesEntry], title: &str) -> Result<String> {
    hours_p50_p90(
        series,
        format!("Lead time for changes — {title}"),
        |s| s.metrics.lead_time.median_hours,
        |s| s.metrics.lead_time.p90_hours,
    )
}

/// Failed deployment recovery time, p50 and p90 in hours per bucket.
pub fn recovery_time(series: &[SeriesEntry], title: &str) -> Result<String> {
    hours_p50_p90(
        series,
        format!("Failed deployment recovery time — {title}"),
        |s| s.metrics.recovery_time.median_hours,
        |s| s.metrics.recovery_time.p90_hours,
    )
}

/// A line chart of a p50 and a p90 in hours per bucket.
fn hours_p50_p90(
    series: &[SeriesEntry],
    title: String,
    p50: impl Fn(&SeriesEntry) -> Option<f64>,
    p90: impl Fn(&SeriesEntry) -> Option<f64>,
) -> Result<String> {
    let lines = Lines {
        title,
        y_desc: "hours",
        labels: bucket_labels(series),
        series: vec![
            ("p50", BLUE, series.iter().map(p50).collect()),
            ("p90", ORANGE, series.iter().map(p90).collect()),
        ],
    };
    svg(WIDTH, HEIGHT, |root| draw_lines(&root, &lines))
}

/// Change failure rate per bucket, each bar labelled `failed/deployments`.
pub fn change_failure_rate(series: &[SeriesEntry], title: &str) -> Result<String> {
    ratio_bars(
        series,
        format!("Change failure rate — {title}"),
        "failed changes",
        |s| {
            let c = &s.metrics.change_failure_rate;
            (c.value, c.numerator, c.denominator)
        },
    )
}

/// Deployment rework rate per bucket, each bar labelled `rework/deployments`.
pub fn rework_rate(series: &[SeriesEntry], title: &str) -> Result<String> {
    ratio_bars(
        series,
        format!("Deployment rework rate — {title}"),
        "deployments during an incident",
        |s| {
            let c = &s.metrics.rework_rate;
            (c.value, c.numerator, c.denominator)
        },
    )
}

/// Bars of a rate per bucket (as a percentage), each labelled `numerator/denominator`;
/// `pick` gives a bucket's value, numerator and denominator.
fn ratio_bars<N: std::fmt::Display, D: std::fmt::Display>(
    series: &[SeriesEntry],
    title: String,
    y_desc: &str,
    pick: impl Fn(&SeriesEntry) -> (Option<f64>, N, D),
) -> Result<String> {
    let picked: Vec<_> = series.iter().map(pick).collect();
    let bars = Bars {
        title,
        y_desc,
        labels: bucket_labels(series),
        values: picked.iter().map(|(v, _, _)| *v).collect(),
        bar_labels: picked.iter().map(|(_, n, d)| format!("{n}/{d}")).collect(),
        bands: vec![],
        y_floor: 0.2,
        percent: true,
        partial: series_partial(series),
    };
    svg(WIDTH, HEIGHT, |root| draw_bars(&root, &bars))
}

fn series_partial(series: &[SeriesEntry]) -> Partial {
    Partial::of(series.iter().map(|s| (s.period_start, s.period_end)))
}

fn pipeline_duration_lines(h: &PipelineHealth, title: &str) -> Lines<'static> {
    Lines {
        title: format!("Pipeline duration — {title}"),
        y_desc: "minutes",
        labels: h.series.iter().map(|s| short(s.period_start)).collect(),
        series: vec![
            (
                "p50",
                BLUE,
                h.series.iter().map(|s| s.duration_p50_minutes).collect(),
            ),
            (
                "p90",
                ORANGE,
                h.series.iter().map(|s| s.duration_p90_minutes).collect(),
            ),
        ],
    }
}

fn pipeline_failure_bars(h: &PipelineHealth, title: String) -> Bars<'static> {
    Bars {
        title,
        y_desc: "failed runs",
        labels: h.series.iter().map(|s| short(s.period_start)).collect(),
        values: h.series.iter().map(|s| s.failure_rate.value).collect(),
        bar_labels: h
            .series
            .iter()
            .map(|s| {
                format!(
                    "{}/{}",
                    s.failure_rate.numerator, s.failure_rate.denominator
                )
            })
            .collect(),
        bands: vec![],
        y_floor: 0.2,
        percent: true,
        partial: Partial::of(h.series.iter().map(|s| (s.period_start, s.period_end))),
    }
}

/// Pipeline duration p50 and p90 per bucket, in minutes (the Pipeline health tab's trend).
pub fn pipeline_duration(h: &PipelineHealth, title: &str) -> Result<String> {
    let lines = pipeline_duration_lines(h, title);
    svg(WIDTH, HEIGHT, |root| draw_lines(&root, &lines))
}

/// Pipeline failure rate per bucket (the Pipeline health tab's other trend).
pub fn pipeline_failure_rate(h: &PipelineHealth, title: &str) -> Result<String> {
    let bars = pipeline_failure_bars(h, format!("Pipeline failure rate — {title}"));
    svg(WIDTH, HEIGHT, |root| draw_bars(&root, &bars))
}

/// Pipeline health: duration p50/p90 per bucket, failure rate per bucket, and the slowest
/// and flakiest workflows by name.
pub fn pipeline(h: &PipelineHealth, title: &str) -> Result<String> {
    let lines = pipeline_duration_lines(h, title);
    let bars = pipeline_failure_bars(h, "Pipeline failure rate".into());
    let mut notes = Vec::new();
    for w in &h.slowest {
        notes.push(format!(
            "slowest: {} · {} — p90 {} min",
            clip(&w.service, MAX_NAME),
            clip(&w.workflow, MAX_NAME),
            w.duration_p90_minutes.map_or("–".into(), one_decimal)
        ));
    }
    for w in &h.flakiest {
        notes.push(format!(
            "flakiest: {} · {} — {} of {} commits passed only on a re-run",
            clip(&w.service, MAX_NAME),
            clip(&w.workflow, MAX_NAME),
            w.flaky,
            w.commits
        ));
    }
    notes.truncate(8);
    let notes_height = 22 * notes.len() as u32 + 16;
    svg(WIDTH, 2 * HEIGHT - 40 + notes_height, |root| {
        let (charts, bottom) = root.split_vertically(2 * HEIGHT - 40);
        let (top, mid) = charts.split_vertically(HEIGHT - 20);
        draw_lines(&top, &lines)?;
        draw_bars(&mid, &bars)?;
        for (i, line) in notes.iter().enumerate() {
            bottom
                .draw(&Text::new(line.clone(), (72, 8 + 22 * i as i32), font(13)))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// Percent ready over time for one release (or a train's releases overlaid), milestones as
/// markers, and a today line.
pub fn readiness(t: &ReadinessTimeline, title: &str) -> Result<String> {
    readiness_sized(t, title, WIDTH, HEIGHT + 40)
}

/// The readiness chart at another size (the app's release panel is narrower than a page).
pub fn readiness_sized(
    t: &ReadinessTimeline,
    title: &str,
    width: u32,
    height: u32,
) -> Result<String> {
    let day_secs = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map_or(0, |x| x.and_utc().timestamp()) as f64
    };
    let mut xs: Vec<f64> = t
        .releases
        .iter()
        .flat_map(|r| r.points.iter().map(|p| p.at.timestamp() as f64))
        .chain(t.milestones.iter().map(|m| day_secs(m.date)))
        .collect();
    xs.push(day_secs(t.today));
    let lo = xs.iter().copied().fold(f64::MAX, f64::min) - 86_400.0;
    let hi = xs.iter().copied().fold(f64::MIN, f64::max) + 86_400.0;
    let span_days = ((hi - lo) / 86_400.0).max(1.0);
    let step_days = [1.0, 2.0, 7.0, 14.0, 28.0, 56.0, 91.0, 182.0]
        .into_iter()
        .find(|s| span_days / s <= (width as f64 / 76.0).floor())
        .unwrap_or(365.0);
    let first = (lo / 86_400.0).ceil() * 86_400.0;
    let keys: Vec<f64> = (0..)
        .map(|k| first + k as f64 * step_days * 86_400.0)
        .take_while(|&x| x <= hi)
        .collect();
    let date_of = |x: f64| DateTime::from_timestamp(x as i64, 0).map(|d| d.date_naive());

    // The legend goes below the chart, never over its lines: rows of entries as wide as
    // their names, wrapped at the chart's width.
    const LINES: [RGBColor; 5] = [BLUE, ORANGE, GREEN, SKY, YELLOW];
    let entries: Vec<(String, RGBColor, f64)> = t
        .releases
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let name = clip(&r.release, MAX_NAME);
            let w = 26.0 + text_width(&name, 13.0);
            (name, LINES[i % LINES.len()], w)
        })
        .collect();
    let mut legend_rows = legend_rows(&entries, f64::from(width) - 28.0);
    // Three rows at most; the rest are counted in words.
    let hidden: usize = legend_rows.iter().skip(3).map(Vec::len).sum();
    legend_rows.truncate(3);
    let legend_h = if entries.is_empty() {
        0
    } else {
        legend_rows.len() as u32 * 20 + 8 + if hidden > 0 { 16 } else { 0 }
    };

    // Milestone labels: each on the first of a few rows above the 100% line where it does
    // not touch its neighbours, placed in pixels, so none overprints another.
    let plot_left = 14.0 + 58.0;
    let plot_w = (f64::from(width) - plot_left - 32.0).max(1.0);
    let px = |x: f64| plot_left + (x - lo) / (hi - lo) * plot_w;
    let mut order: Vec<usize> = (0..t.milestones.len()).collect();
    order.sort_by(|&a, &b| {
        t.milestones[a]
            .date
            .cmp(&t.milestones[b].date)
            .then(a.cmp(&b))
    });
    // At most this many rows; a label that finds no room keeps its marker without a name.
    const LABEL_ROWS: usize = 4;
    let mut row_ends: Vec<f64> = Vec::new();
    let mut placed: Vec<(usize, Option<usize>, HPos)> = Vec::new();
    for k in order {
        let m = &t.milestones[k];
        let x = px(day_secs(m.date));
        let w = text_width(&clip(&m.label, MAX_NAME), 11.0) + 6.0;
        let (left, h) = if x - w / 2.0 < plot_left {
            (x - 3.0, HPos::Left)
        } else if x + w / 2.0 > plot_left + plot_w + 28.0 {
            (x - w + 3.0, HPos::Right)
        } else {
            (x - w / 2.0, HPos::Center)
        };
        let row = match row_ends.iter().position(|&end| end <= left) {
            Some(r) => Some(r),
            None if row_ends.len() < LABEL_ROWS => {
                row_ends.push(f64::MIN);
                Some(row_ends.len() - 1)
            }
            None => None,
        };
        if let Some(r) = row {
            row_ends[r] = left + w;
        }
        placed.push((k, row, h));
    }
    let rows = row_ends.len().max(1) as f64;
    // The y range leaves 14 px per label row above 100% (plus room for the markers).
    let plot_h = (f64::from(height - legend_h) - 14.0 - 34.0 - 30.0).max(60.0);
    let kk = (rows * 14.0 + 10.0) / plot_h;
    let y_top = ((100.0 + 4.0 * kk) / (1.0 - kk).max(0.2)).max(112.0);
    let unit = plot_h / (y_top + 4.0);
    let row_y = |r: usize| 100.0 + (10.0 + 7.0 + r as f64 * 14.0) / unit;

    svg(width, height, |root| {
        let (chart_area, legend_area) = root.split_vertically(height - legend_h);
        let mut chart = ChartBuilder::on(&chart_area)
            .caption(format!("Readiness — {}", clip(title, MAX_NAME)), font(15))
            .margin(14)
            .margin_right(32)
            .x_label_area_size(34)
            .y_label_area_size(58)
            // A little room below 0%, so a release not started yet is a line of its own
            // rather than hidden in the x axis.
            .build_cartesian_2d(keyed(lo, hi, keys), RangedCoordf64::from(-4f64..y_top))
            .map_err(err)?;
        let x_fmt = |x: &f64| date_of(*x).map(short).unwrap_or_default();
        let y_fmt = |y: &f64| {
            if (0.0..=100.0).contains(y) {
                format!("{y:.0}%")
            } else {
                String::new()
            }
        };
        draw_mesh(&mut chart, &x_fmt, &y_fmt, "ready")?;
        for &(k, row, h) in &placed {
            let m = &t.milestones[k];
            let x = day_secs(m.date);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, 100.0)],
                    MUTED.mix(0.5).stroke_width(1),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(TriangleMarker::new(
                    (x, 100.0),
                    5,
                    PURPLE.filled(),
                )))
                .map_err(err)?;
            if let Some(row) = row {
                chart
                    .draw_series(std::iter::once(Text::new(
                        clip(&m.label, MAX_NAME),
                        (x, row_y(row)),
                        muted(11).pos(Pos::new(h, VPos::Center)),
                    )))
                    .map_err(err)?;
            }
        }
        let today = day_secs(t.today);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(today, 0.0), (today, 100.0)],
                VERMILLION.stroke_width(2),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                "today".to_string(),
                (today, 0.0),
                font(13)
                    .color(&VERMILLION)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))
            .map_err(err)?;
        // Vermillion is the today line's and purple the milestones' colour.
        for (i, r) in t.releases.iter().enumerate() {
            let color = LINES[i % LINES.len()];
            // A step line: readiness holds until the next change.
            let mut pts: Vec<(f64, f64)> = Vec::new();
            for p in &r.points {
                let x = p.at.timestamp() as f64;
                if let Some(&(_, prev)) = pts.last() {
                    pts.push((x, prev));
                }
                pts.push((x, p.percent));
            }
            if let Some(&(x, y)) = pts.last() {
                if x < today {
                    pts.push((today, y));
                }
            }
            chart
                .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                .map_err(err)?;
        }
        for (row, items) in legend_rows.iter().enumerate() {
            let y = 6 + row as i32 * 20 + 8;
            let mut x = 14.0
                + (f64::from(width)
                    - 28.0
                    - items.iter().map(|&i| entries[i].2 + 12.0).sum::<f64>())
                .max(0.0)
                    / 2.0;
            for &i in items {
                let (name, color, w) = &entries[i];
                let xi = x as i32;
                legend_area
                    .draw(&PathElement::new(
                        vec![(xi, y), (xi + 18, y)],
                        color.stroke_width(2),
                    ))
                    .map_err(err)?;
                legend_area
                    .draw(&Text::new(
                        name.clone(),
                        (xi + 24, y),
                        font(13).pos(Pos::new(HPos::Left, VPos::Center)),
                    ))
                    .map_err(err)?;
                x += w + 12.0;
            }
        }
        if hidden > 0 {
            legend_area
                .draw(&Text::new(
                    format!("and {hidden} more"),
                    ((width / 2) as i32, 6 + legend_rows.len() as i32 * 20 + 6),
                    muted(11).pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// Roughly how wide `text` is in pixels at `size` px of the system UI font: enough to keep
/// labels apart (a little generous, never tight).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '|' | '!' | '\'' | ' ' => 0.32,
            'm' | 'w' | 'M' | 'W' => 0.9,
            c if c.is_ascii_uppercase() || c.is_ascii_digit() => 0.66,
            _ => 0.58,
        })
        .sum::<f64>()
        * size
}

/// Legend entries (by index) in rows no wider than `width`.
fn legend_rows(entries: &[(String, RGBColor, f64)], width: f64) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = f64::MAX;
    for (i, e) in entries.iter().enumerate() {
        if used + e.2 + 12.0 > width {
            rows.push(Vec::new());
            used = 0.0;
        }
        if let Some(last) = rows.last_mut() {
            last.push(i);
        }
        used += e.2 + 12.0;
    }
    rows
}
