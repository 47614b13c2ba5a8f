//! The charts, read back: each SVG is parsed and checked for what it shows.

use chrono::{NaiveDate, TimeZone, Utc};
use switchyard_core::dora::{
    parse_secs, sha_key, Bucket, Calendar, DeployFact, Facts, Linked, Scope, SeriesEntry,
};
use switchyard_core::pipeline::pipeline_health;
use switchyard_core::settings::Thresholds;
use switchyard_core::timeline::{
    ReadinessPoint, ReadinessTimeline, ReleaseReadiness, TimelineMilestone,
};
use switchyard_core::PipelineRun;
use switchyard_report::charts;

/// Reports and exports (issue 7).
mod exports;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Weekly series for 2026-01-05..2026-03-29 (12 weeks), with `k` deployments in week k.
fn series() -> Vec<SeriesEntry> {
    series_of("2026-01-05", "2026-03-29", Bucket::Week)
}

/// The deployments of [`series`], counted over another period or bucket.
fn series_of(from: &str, to: &str, bucket: Bucket) -> Vec<SeriesEntry> {
    let mut facts = Facts {
        services: vec![switchyard_core::dora::ServiceInfo {
            name: "api".into(),
            team: None,
        }],
        ..Facts::default()
    };
    let start = parse_secs("2026-01-05T10:00:00Z").unwrap();
    let mut id = 0;
    for week in 0..12i64 {
        for k in 0..week {
            id += 1;
            facts.deployments.push(DeployFact {
                id,
                service: 0,
                time: start + week * 7 * 86_400 + k * 3600,
                success: true,
                sha: sha_key(&format!("sha{id}")),
            });
        }
    }
    let cal = Calendar::new(day(from), day(to), chrono_tz::UTC, bucket).unwrap();
    Linked::new(facts)
        .report(&cal, &Scope::Organisation, &Thresholds::default())
        .series
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

fn fill_is(n: &roxmltree::Node, color: &str) -> bool {
    n.attribute("fill")
        .is_some_and(|f| f.eq_ignore_ascii_case(color))
}

#[test]
fn deployment_frequency_has_one_bar_per_week_and_its_bands() {
    let s = series();
    let svg = charts::deployment_frequency(&s, &Thresholds::default(), "api").unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let bars: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect") && fill_is(n, "#0072B2") && n.attribute("opacity") == Some("1")
        })
        .collect();
    assert_eq!(bars.len(), 12, "one bar per week");
    // Heights grow with the deployments (0, 1, ..., 11 per week).
    let heights: Vec<f64> = bars
        .iter()
        .map(|n| n.attribute("height").unwrap().parse().unwrap())
        .collect();
    assert!(heights.windows(2).all(|w| w[0] < w[1]), "{heights:?}");
    let t = texts(&doc);
    for want in ["deployments per week", "Jan 5", "Mar 23", "elite", "high"] {
        assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
    }
    // Four cluster bands, translucent; the thin medium and low bands are drawn but not named.
    let bands = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("opacity") == Some("0.1"))
        .count();
    assert_eq!(bands, 4);
    assert!(t.iter().any(|x| x.starts_with("Deployment frequency")));
    assert!(
        !t.iter().any(|x| x.starts_with("paler")),
        "whole weeks: {t:?}"
    );
    // The labels are 13px system-ui.
    let label = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some("Jan 5"))
        .unwrap();
    assert_eq!(label.attribute("font-family"), Some("system-ui"));
    let size: f64 = label.attribute("font-size").unwrap().parse().unwrap();
    assert!((size - 13.0).abs() < 1e-6, "{size}");
}

/// The bars of the deployment frequency chart, in x order: (opacity, x).
fn frequency_bars(svg: &str) -> Vec<(String, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let mut bars: Vec<(String, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && fill_is(n, "#0072B2"))
        .filter(|n| n.attribute("opacity") != Some("0.1")) // the cluster band
        .map(|n| {
            (
                n.attribute("opacity").unwrap_or("1").to_string(),
                n.attribute("x").unwrap().parse().unwrap(),
            )
        })
        .collect();
    bars.sort_by(|a, b| a.1.total_cmp(&b.1));
    bars
}

#[test]
fn partial_first_and_last_buckets_are_paler_and_named() {
    let th = Thresholds::default();
    // Wednesday to Wednesday: the first week has 5 of its days, the last 3.
    let s = series_of("2026-01-07", "2026-03-25", Bucket::Week);
    let svg = charts::deployment_frequency(&s, &th, "api").unwrap();
    let bars = frequency_bars(&svg);
    assert_eq!(bars.len(), 12);
    let opacities: Vec<&str> = bars.iter().map(|b| b.0.as_str()).collect();
    assert_eq!(opacities[0], "0.45", "{opacities:?}");
    assert_eq!(opacities[11], "0.45", "{opacities:?}");
    assert!(opacities[1..11].iter().all(|o| *o == "1"), "{opacities:?}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(texts(&doc).contains(&"paler: part of a week in the period".to_string()));
    // The rate charts mark them too.
    let cfr = charts::change_failure_rate(&s, "api").unwrap();
    assert!(cfr.contains("paler: part of a week in the period"));

    // Months: whole calendar months are not marked; one begun mid-month is.
    let whole = series_of("2026-01-01", "2026-03-31", Bucket::Month);
    let svg = charts::deployment_frequency(&whole, &th, "api").unwrap();
    assert!(frequency_bars(&svg).iter().all(|b| b.0 == "1"));
    assert!(!svg.contains("paler"));
    let begun = series_of("2026-01-15", "2026-03-31", Bucket::Month);
    let svg = charts::deployment_frequency(&begun, &th, "api").unwrap();
    let o: Vec<String> = frequency_bars(&svg).into_iter().map(|b| b.0).collect();
    assert_eq!(o, ["0.45", "1", "1"]);
    assert!(svg.contains("paler: part of a month in the period"));
}

#[test]
fn lead_time_and_recovery_draw_two_lines_with_a_legend() {
    let mut s = series();
    for (i, e) in s.iter_mut().enumerate() {
        e.metrics.lead_time.median_hours = (i != 3).then_some(10.0 + i as f64);
        e.metrics.lead_time.p90_hours = (i != 3).then_some(30.0 + i as f64);
    }
    let svg = charts::lead_time(&s, "org").unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let lines: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .collect();
    // A gap at week 4 splits each line in two; plus one legend sample per series.
    let blue = lines
        .iter()
        .filter(|n| {
            n.attribute("stroke")
                .is_some_and(|c| c.eq_ignore_ascii_case("#0072B2"))
        })
        .count();
    let orange = lines
        .iter()
        .filter(|n| {
            n.attribute("stroke")
                .is_some_and(|c| c.eq_ignore_ascii_case("#E69F00"))
        })
        .count();
    assert_eq!((blue, orange), (3, 3));
    let dots = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(dots, 2 * 11);
    let t = texts(&doc);
    for want in ["p50", "p90", "hours"] {
        assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
    }
    let svg = charts::recovery_time(&s, "org").unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(texts(&doc)
        .iter()
        .any(|x| x.starts_with("Failed deployment recovery time")));
}

#[test]
fn change_failure_rate_shows_its_counts() {
    let mut s = series();
    s[5].metrics.change_failure_rate.numerator = 2;
    s[5].metrics.change_failure_rate.value = Some(0.4);
    let svg = charts::change_failure_rate(&s, "org").unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let t = texts(&doc);
    assert!(t.iter().any(|x| x == "2/5"), "{t:?}");
    assert!(t.iter().any(|x| x == "0/11"));
    assert!(t.iter().any(|x| x.ends_with('%')));
    let svg = charts::rework_rate(&s, "org").unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && fill_is(n, "#0072B2"))
        .count();
    assert_eq!(bars, 12);
}

fn run(
    id: i64,
    workflow: &str,
    sha: &str,
    attempt: i64,
    conclusion: &str,
    day: u32,
) -> PipelineRun {
    let started = Utc.with_ymd_and_hms(2026, 1, day, 9, 0, 0).unwrap();
    PipelineRun {
        id,
        source: None,
        source_key: None,
        service: "api".into(),
        workflow: workflow.into(),
        head_sha: sha.into(),
        event: "push".into(),
        status: "completed".into(),
        conclusion: Some(conclusion.into()),
        attempt,
        started_at: started,
        finished_at: Some(started + chrono::Duration::minutes(5 + id)),
    }
}

#[test]
fn data_text_is_escaped_in_the_svg() {
    let evil = "<script>alert(1)</script>";
    let runs = vec![
        run(1, evil, "a", 1, "failure", 5),
        run(2, evil, "a", 2, "success", 5),
        run(3, "CI & \"deploy\"", "b", 1, "success", 12),
    ];
    let cal = Calendar::new(
        day("2026-01-05"),
        day("2026-01-18"),
        chrono_tz::UTC,
        Bucket::Week,
    )
    .unwrap();
    let h = pipeline_health(&runs, &cal, |_| true);
    let svg = charts::pipeline(&h, "</text><script>x</script>").unwrap();
    assert!(!svg.contains("<script>"), "unescaped data in the SVG");
    let doc = roxmltree::Document::parse(&svg).expect("still well-formed");
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    let t = texts(&doc);
    // The parser gives the text back as it was: escaped, not dropped.
    assert!(t.iter().any(|x| x.contains(evil)), "{t:?}");
    assert!(t.iter().any(|x| x.contains("CI & \"deploy\"")));
    assert!(t.iter().any(|x| x.contains("flakiest")));
    // Two buckets: two failure-rate bars.
    let bars = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && fill_is(n, "#0072B2"))
        .count();
    assert_eq!(bars, 2);

    let timeline = ReadinessTimeline {
        releases: vec![ReleaseReadiness {
            release: evil.into(),
            points: vec![],
        }],
        milestones: vec![TimelineMilestone {
            date: day("2026-01-10"),
            label: "<b>cut</b>".into(),
        }],
        today: day("2026-01-12"),
    };
    let svg = charts::readiness(&timeline, evil).unwrap();
    assert!(!svg.contains("<script>") && !svg.contains("<b>"));
    roxmltree::Document::parse(&svg).unwrap();
}

#[test]
fn a_100_kb_name_is_cut_short_in_every_text_of_the_readiness_chart() {
    // A browser lays out SVG text glyph by glyph: WebKit froze the window for minutes on
    // a chart whose title held a 100 KB release name from Jira.
    let long = "W".repeat(100_000);
    let t = ReadinessTimeline {
        releases: vec![ReleaseReadiness {
            release: long.clone(),
            points: vec![],
        }],
        milestones: vec![TimelineMilestone {
            date: day("2026-01-10"),
            label: long.clone(),
        }],
        today: day("2026-01-12"),
    };
    let svg = charts::readiness(&t, &long).unwrap();
    assert!(svg.len() < 20_000, "{} bytes", svg.len());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    let longest = texts.iter().map(|x| x.chars().count()).max().unwrap();
    assert!(longest <= 80, "{longest} characters");
    let title = format!("Readiness — {}…", "W".repeat(60));
    assert!(texts.contains(&title.as_str()), "{texts:?}");
    // Names that fit are drawn whole.
    let short = charts::readiness(&t, "Web 2026.6").unwrap();
    assert!(short.contains("Readiness — Web 2026.6\n"));
}

#[test]
fn readiness_timeline_overlays_releases_with_milestones_and_today() {
    let at = |d: u32, pct: f64| ReadinessPoint {
        at: Utc.with_ymd_and_hms(2026, 2, d, 12, 0, 0).unwrap(),
        percent: pct,
    };
    let t = ReadinessTimeline {
        releases: vec![
            ReleaseReadiness {
                release: "Web 2026.6".into(),
                points: vec![at(1, 0.0), at(3, 25.0), at(6, 50.0), at(9, 100.0)],
            },
            ReleaseReadiness {
                release: "Web 2026.7".into(),
                points: vec![at(8, 0.0), at(12, 40.0)],
            },
        ],
        milestones: vec![
            TimelineMilestone {
                date: day("2026-02-05"),
                label: "code freeze".into(),
            },
            TimelineMilestone {
                date: day("2026-02-10"),
                label: "release".into(),
            },
        ],
        today: day("2026-02-14"),
    };
    let svg = charts::readiness(&t, "Web").unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let tx = texts(&doc);
    for want in [
        "Web 2026.6",
        "Web 2026.7",
        "code freeze",
        "release",
        "today",
        "100%",
        "0%",
    ] {
        assert!(tx.iter().any(|x| x == want), "{want:?} missing in {tx:?}");
    }
    let stroke = |c: &str| {
        doc.descendants()
            .filter(|n| {
                n.has_tag_name("polyline")
                    && n.attribute("stroke")
                        .is_some_and(|s| s.eq_ignore_ascii_case(c))
            })
            .count()
    };
    // One line per release (plus its legend sample); the today line in vermillion.
    assert_eq!(stroke("#0072B2"), 2);
    assert_eq!(stroke("#E69F00"), 2);
    assert_eq!(stroke("#D55E00"), 1);
    // Milestone markers.
    let markers = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon") && fill_is(n, "#CC79A7"))
        .count();
    assert_eq!(markers, 2);
}

#[test]
fn a_chart_renders_fast_enough() {
    if let Ok(dir) = std::env::var("SWITCHYARD_CHART_DIR") {
        let s = series();
        let svg = charts::deployment_frequency(&s, &Thresholds::default(), "api").unwrap();
        std::fs::write(format!("{dir}/freq.svg"), svg).unwrap();
    }
    // The figure for docs/benchmarks.md comes from the criterion bench; this only guards
    // against a pathological slowdown (debug builds are far slower than release).
    let s = series();
    let t = std::time::Instant::now();
    let svg = charts::deployment_frequency(&s, &Thresholds::default(), "api").unwrap();
    assert!(svg.len() > 1000);
    assert!(t.elapsed().as_secs() < 2);
}

/// Milestones days apart on a narrow chart (the release panel's): every name is drawn and
/// no two overprint; the legend sits below the plot, not over its lines.
#[test]
fn readiness_milestone_names_never_overprint_and_the_legend_stays_off_the_lines() {
    let at = |d: u32, pct: f64| ReadinessPoint {
        at: Utc.with_ymd_and_hms(2026, 2, d, 12, 0, 0).unwrap(),
        percent: pct,
    };
    let names = [
        ("2026-02-03", "Branch cut"),
        ("2026-02-05", "Code freeze"),
        ("2026-02-06", "Release candidate"),
        ("2026-02-09", "Go/no-go"),
        ("2026-02-10", "Release"),
        ("2026-02-17", "Post-release review"),
    ];
    let t = ReadinessTimeline {
        releases: vec![ReleaseReadiness {
            release: "Platform 2026.02".into(),
            points: vec![at(1, 0.0), at(4, 40.0), at(8, 80.0)],
        }],
        milestones: names
            .iter()
            .map(|(d, l)| TimelineMilestone {
                date: day(d),
                label: (*l).into(),
            })
            .collect(),
        today: day("2026-02-08"),
    };
    let svg = charts::readiness_sized(&t, "Platform 2026.02", 420, 300).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // Each label as (left, right, y) in pixels, from its x, anchor and a generous width.
    let boxes: Vec<(String, f64, f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let text: String = n
                .descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect();
            let text = text.trim().to_string();
            let x: f64 = n.attribute("x")?.parse().ok()?;
            let y: f64 = n.attribute("y")?.parse().ok()?;
            let size: f64 = n.attribute("font-size")?.parse().ok()?;
            let w = text.chars().count() as f64 * size * 0.6;
            let left = match n.attribute("text-anchor") {
                Some("middle") => x - w / 2.0,
                Some("end") => x - w,
                _ => x,
            };
            Some((text, left, left + w, y))
        })
        .collect();
    let labels: Vec<_> = boxes
        .iter()
        .filter(|b| names.iter().any(|(_, l)| *l == b.0))
        .collect();
    assert_eq!(
        labels.len(),
        names.len(),
        "every milestone named: {boxes:?}"
    );
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            let same_row = (a.3 - b.3).abs() < 11.0;
            let apart = a.2 <= b.1 || b.2 <= a.1;
            assert!(!same_row || apart, "{a:?} overprints {b:?}");
        }
    }
    // The legend entry is below every axis label.
    let legend = boxes.iter().find(|b| b.0 == "Platform 2026.02").unwrap();
    let lowest_tick = boxes
        .iter()
        .filter(|b| b.0.starts_with("Feb"))
        .map(|b| b.3)
        .fold(f64::MIN, f64::max);
    assert!(
        legend.3 > lowest_tick,
        "legend at {} above the axis at {lowest_tick}",
        legend.3
    );
}
