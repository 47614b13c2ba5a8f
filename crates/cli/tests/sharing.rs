//! One workspace file shared by the window and the CLI at once: the window keeps its
//! connection open while a sync opens a second one, and the CLI writes from its own process
//! meanwhile. Nothing may be lost and the file must stay whole (SQLite's "How to corrupt":
//! a process that opens and closes the database file itself drops its locks on it).

use std::path::Path;
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
