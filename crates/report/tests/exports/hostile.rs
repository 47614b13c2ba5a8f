//! Hostile titles, names and URLs come out inert in every format.

use super::fixture::*;
use scraper::{Html, Selector};
use switchyard_report::{csv, html, ics, markdown, notes, release};

/// What the tests demand of any HTML Switchyard writes.
fn assert_inert_html(text: &str) {
    let doc = Html::parse_document(text);
    let all = Selector::parse("*").unwrap();
    let mut anchors = 0;
    for el in doc.select(&all) {
        let name = el.value().name();
        assert!(
            !matches!(
                name,
                "script"
                    | "iframe"
                    | "object"
                    | "embed"
                    | "img"
                    | "link"
                    | "base"
                    | "form"
                    | "image"
                    | "use"
                    | "foreignObject"
                    | "foreignobject"
            ),
            "<{name}> in the HTML"
        );
        for (attr, value) in el.value().attrs() {
            let a = attr.to_ascii_lowercase();
            assert!(
                !a.starts_with("on"),
                "event handler {attr}={value:?} on <{name}>"
            );
            assert!(
                a != "src" && a != "srcset" && a != "action" && a != "formaction",
                "{attr} on <{name}>"
            );
            if a.ends_with("href") {
                assert_eq!(name, "a", "href on <{name}>");
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    v.starts_with("https://") || v.starts_with("http://"),
                    "href {value:?}"
                );
                anchors += 1;
            }
            if a == "style" {
                assert!(!value.contains("url(") && !value.contains("@import"));
            }
        }
        if name == "style" {
            let css: String = el.text().collect();
            assert!(
                !css.contains("url(") && !css.contains("@import"),
                "external CSS"
            );
        }
        if name == "meta" {
            assert_ne!(
                el.value()
                    .attr("http-equiv")
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("refresh")
            );
        }
    }
    let _ = anchors;
}

fn md_to_html(md: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::all());
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

#[test]
fn html_reports_are_self_contained_and_inert() {
    let f = fixture();
    let report = leadership_report(&f.doc);
    let page = html::render(&report.to_doc());
    assert_inert_html(&page);
    let doc = Html::parse_document(&page);
    let text: String = doc.root_element().text().collect();
    // The hostile strings are shown as text, not dropped.
    assert!(text.contains(IMG), "the incident title is shown as text");
    assert!(text.contains(SCRIPT));
    // The ahead list's strings from Jira and GitHub too.
    for what in ["Ahead", "Train", "Conflict", "Blocker"] {
        assert!(text.contains(&format!("{what} {IMG}")), "{what}");
    }
    // The charts are inline SVG.
    let svgs = doc.select(&Selector::parse("svg").unwrap()).count();
    assert!(svgs >= 4, "{svgs} charts");
    // A Jira link with an https URL stays a link; javascript: ones do not.
    let hrefs: Vec<String> = doc
        .select(&Selector::parse("a[href]").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert!(
        hrefs
            .iter()
            .any(|h| h.starts_with("https://acme.atlassian.net/browse/INC-")),
        "{hrefs:?}"
    );

    let rr = release::build(&f.doc, f.release, now()).unwrap();
    let page = html::render(&rr.to_doc());
    assert_inert_html(&page);
    let text: String = Html::parse_document(&page).root_element().text().collect();
    assert!(text.contains(&format!("Release {IMG}")));
}

#[test]
fn markdown_reports_and_notes_are_inert() {
    let f = fixture();
    let rel = f.doc.releases.iter().find(|r| r.id == f.release).unwrap();
    let rr = release::build(&f.doc, f.release, now()).unwrap();
    for md in [
        markdown::render(&leadership_report(&f.doc).to_doc()),
        markdown::render(&rr.to_doc()),
        notes::release_notes(&f.doc, rel),
    ] {
        assert!(
            !md.contains("<img") && !md.contains("<script"),
            "raw HTML in the Markdown"
        );
        assert!(
            !md.replace("\\]", "").contains("](javascript:"),
            "an unescaped javascript: link in the Markdown"
        );
        let rendered = md_to_html(&md);
        assert_inert_html(&rendered);
        let text: String = Html::parse_document(&rendered)
            .root_element()
            .text()
            .collect();
        assert!(text.contains(IMG), "the hostile text is shown as text");
        assert!(text.contains(MDLINK));
    }
}

#[test]
fn ics_text_cannot_break_out_of_its_property() {
    let f = fixture();
    let o = ics::CalendarOptions {
        stamp: now(),
        from: None,
        to: None,
    };
    let text = ics::calendar(&f.doc, &o);
    // No hostile newline starts a property of its own.
    let unfolded = text.replace("\r\n ", "");
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let name = line.split([':', ';']).next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_uppercase() || c == '-'),
            "a line that is no property: {line:?}"
        );
    }
    let cal: icalendar::Calendar = text.parse().expect("the ICS parses");
    let summaries: Vec<String> = cal
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| icalendar::Component::get_summary(e).map(str::to_owned))
        .collect();
    let want = format!("Release {}", hostile("Release"));
    assert!(
        summaries.iter().any(|s| s.starts_with(&want)),
        "the summary round-trips: {:?}",
        summaries.iter().find(|s| s.contains("img"))
    );
}

#[test]
fn csv_cells_cannot_run_formulas_or_break_rows() {
    let mut f = fixture();
    f.doc.releases[0].name = "=HYPERLINK(\"http://evil\",\"x\")".into();
    f.doc.releases[1].name = "@SUM(1+1)".into();
    f.doc.releases[2].name = "-2+3".into();
    f.doc.releases[3].name = "+cmd|' /C calc'!A0".into();
    let text = csv::releases(&f.doc);
    let rows = super::formats::read_csv(&text);
    assert_eq!(rows.len(), f.doc.releases.len() + 1);
    assert!(
        rows.iter().all(|r| r.len() == rows[0].len()),
        "every row has every column"
    );
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names[0], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(names[1], "'@SUM(1+1)");
    assert_eq!(names[2], "'-2+3");
    assert_eq!(names[3], "'+cmd|' /C calc'!A0");
    let hostile_row = rows.iter().find(|r| r[0] == f.release.to_string()).unwrap();
    assert_eq!(
        hostile_row[1],
        hostile("Release"),
        "quoted, newline and all"
    );
    // Text columns never start a formula (numbers, like a negative slip, are numbers).
    for r in &rows[1..] {
        for i in [1, 2, 3, 4, 5, 10, 12] {
            assert!(
                !r[i].starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{:?}",
                r[i]
            );
        }
    }
}
