//! One workspace file shared by the window and the CLI at once: the window keeps its
//! connection open while a sync opens a second one, and the CLI writes from its own process
//! meanwhile. Nothing may be lost and the file must stay whole (SQLite's "How to corrupt":
//! a process that opens and closes the database file itself drops its locks on it).

use std::path::Path;
use switchyard_app::core::ReleaseStatus;
use switchyard_app::people::PersonForm;
use switchyard_app::{FixedClock, Workspace};

fn cli(d: &Path, args: &[&str]) {
    let mut all = vec!["--db", "ws.sqlite3"];
    all.extend_from_slice(args);
    let out = super::command(d, &all).output().expect("switchyard runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn person(name: &str) -> PersonForm {
    PersonForm {
        name: name.into(),
        roles: vec!["qa".into()],
        ..Default::default()
    }
}

#[test]
fn the_cli_writing_while_the_window_holds_the_workspace_and_opens_a_second_connection_loses_nothing(
) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("ws.sqlite3");
    let wal = d.join("ws.sqlite3-wal");
    cli(d, &["people", "add", "First Person", "--role", "qa"]);
    let clock = FixedClock("2026-12-01T09:00:00Z".parse().unwrap());

    // The window: its workspace stays open throughout.
    let window = Workspace::open(&db).unwrap();
    assert_eq!(window.people().unwrap().len(), 1);
    // A sync in the window opens the file a second time and closes it again.
    drop(Workspace::open(&db).unwrap());

    // The CLI writes from its own process and exits. The window still has the file open,
    // so the CLI is not the last connection: the write-ahead log must stay.
    cli(d, &["people", "add", "From The Cli", "--role", "qa"]);
    assert!(
        wal.exists(),
        "the CLI removed the write-ahead log the open window still uses"
    );

    // The window writes, the CLI writes again, and then the window closes.
    window
        .add_person(&person("From The Window"), &clock, "tester")
        .unwrap();
    cli(d, &["people", "add", "Second From The Cli", "--role", "qa"]);
    assert_eq!(
        window.people().unwrap().len(),
        4,
        "the window sees every write"
    );
    drop(window);

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let names: Vec<String> = conn
        .prepare("SELECT name FROM people ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        names,
        [
            "First Person",
            "From The Cli",
            "From The Window",
            "Second From The Cli"
        ]
    );
}

/// Each milestone's distance in days from its release, per release, as one calendar read
/// shows them.
fn offsets(view: &switchyard_app::core::views::CalendarView, release: i64) -> Option<Vec<i64>> {
    let r = view
        .lanes
        .iter()
        .flat_map(|l| &l.releases)
        .find(|r| r.id == release)?;
    Some(
        r.milestones
            .iter()
            .map(|m| (m.date - r.release_date).num_days())
            .collect(),
    )
}

/// The window reads its calendar over and over while a Jira sync writes pages and the CLI
/// moves a release back and forth, all on one file: no read fails (no `database is locked`
/// reaches anyone), every CLI write succeeds, and no read is torn: a move shifts a release
/// and its milestones in one transaction, so every read shows the same distances between
/// them (a read that took the release's date before a move and its milestones after would
/// not).
#[test]
fn the_window_reads_whole_snapshots_while_a_sync_and_the_cli_write() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("w.sqlite3");
    let run = |args: &[&str]| {
        let mut all = vec!["--db", "w.sqlite3"];
        all.extend_from_slice(args);
        let out = super::command(d, &all).output().expect("switchyard runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["demo", "load"]);
    let clock = FixedClock("2026-12-01T09:00:00Z".parse().unwrap());
    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1);
    let to = chrono::NaiveDate::from_ymd_opt(2100, 1, 1);

    // The release that moves: the first planned one with two or more milestones.
    let window = Workspace::open(&db).unwrap();
    let view = window.calendar(&clock, from, to).unwrap();
    let moving = view
        .lanes
        .iter()
        .flat_map(|l| &l.releases)
        .find(|r| r.milestones.len() >= 2 && r.status == ReleaseStatus::Planned)
        .expect("a planned release with milestones");
    let (id, name) = (moving.id, moving.id.to_string());
    let expected = offsets(&view, id).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        let expected = expected.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            while !stop.load(Ordering::SeqCst) || reads < 5 {
                let view = window
                    .calendar(&clock, from, to)
                    .unwrap_or_else(|e| panic!("read {reads} failed: {e}"));
                assert_eq!(
                    offsets(&view, id).as_ref(),
                    Some(&expected),
                    "read {reads} is torn"
                );
                reads += 1;
            }
            reads
        })
    };
    let (server, _fake) = crate::fake::start(crate::sync_jira::cloud(300));
    let url = server.url();
    let sync = {
        let d = d.to_path_buf();
        std::thread::spawn(move || {
            crate::sync_jira::sync(
                &d,
                &url,
                &["--email", crate::sync_jira::EMAIL, "--page-size", "10"],
                crate::sync_jira::TOKEN,
            )
        })
    };
    for _ in 0..4 {
        run(&["release", "move", &name, "--by", "3", "--apply"]);
        run(&["release", "move", &name, "--by", "-3", "--apply"]);
    }
    let synced = sync.join().unwrap();
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    stop.store(true, Ordering::SeqCst);
    let reads = reader.join().expect("every read whole");
    assert!(reads >= 5, "{reads}");

    let window = Workspace::open(&db).unwrap();
    let after = window.calendar(&clock, from, to).unwrap();
    assert_eq!(offsets(&after, id), Some(expected));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let synced_issues: i64 = conn
        .query_row(
            "SELECT count(*) FROM work_items WHERE source = 'jira'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(synced_issues, 300);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
