//! `switchyard report leadership` of the demo: the summary opens it, the ahead list and the
//! portfolio follow the headline, "How these numbers are computed" closes it; `report csv
//! --kind ahead` lists the same releases with the same reasons.

use crate::ok;

#[test]
fn the_leadership_report_opens_with_a_summary_and_lists_what_is_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["--db", "ws.sqlite3", "demo", "load"]);
    // A period ending today: the ahead list starts tomorrow, whatever the day.
    let md = ok(
        d,
        &[
            "--db",
            "ws.sqlite3",
            "report",
            "leadership",
            "--format",
            "md",
        ],
    );
    let heading = |h: &str| {
        md.find(&format!("\n## {h}"))
            .unwrap_or_else(|| panic!("no section {h}:\n{md}"))
    };
    let order = [
        heading("Summary"),
        heading("Headline DORA metrics"),
        heading("Ahead: the next 30 days"),
        heading("Portfolio: each team"),
        heading("Trends"),
        heading("Release delivery"),
        heading("How these numbers are computed"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let summary = &md[order[0]..order[1]];
    let sentences = summary.lines().filter(|l| l.starts_with("- ")).count();
    assert!((3..=5).contains(&sentences), "{summary}");
    assert!(summary.contains("(see Release delivery)"), "{summary}");
    // Every team of the demo has its row.
    let portfolio = &md[order[3]..order[4]];
    for team in ["Insights", "Payments", "Platform", "Storefront"] {
        assert!(portfolio.contains(&format!("| {team} |")), "{portfolio}");
    }
    let how = &md[order[6]..];
    assert!(
        how.contains("production environments: production, prod"),
        "{how}"
    );

    // The CSV of the same list.
    let csv = ok(
        d,
        &["--db", "ws.sqlite3", "report", "csv", "--kind", "ahead"],
    );
    let rows = read_csv_rows(&csv);
    assert_eq!(rows[0][0], "release_id");
    assert_eq!(rows[0][11], "needs_attention");
    let ahead = &md[order[2]..order[3]];
    for row in &rows[1..] {
        // Each release of the CSV is in the report's table, named the same.
        assert!(ahead.contains(&row[1]), "{} not in\n{ahead}", row[1]);
        if row[11] == "true" {
            assert!(
                !row[12].is_empty(),
                "a release needing attention has its reason"
            );
            assert!(ahead.contains(&format!("**{}**", row[1])), "{ahead}");
        }
    }
    assert!(
        rows.len() > 1,
        "the demo has releases due in the next 30 days: {csv}"
    );
}

/// RFC 4180 rows (quoted cells with doubled quotes; CRLF or LF line ends).
fn read_csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}
