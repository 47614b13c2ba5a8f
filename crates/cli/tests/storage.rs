//! A workspace on a disk that fills up or turns read-only: the write that cannot be made
//! is refused with its own code (`disk_full`, `read_only`) in one line, nothing of it is
//! written, nothing before it is lost, and the same command works once the disk has room.
//!
//! The disk is a small tmpfs mounted in a private mount namespace (`unshare -m`), so it
//! exists only for the script that uses it and vanishes with it; the script writes what the
//! test checks to the folder outside the mount.

use std::path::Path;
use std::process::Command;

/// Runs `script` (sh, `-eu`) in a mount namespace of its own, with `$B` the `switchyard`
/// binary, `$D` an empty folder for the mount and `$O` the folder outside it; bounded by
/// `timeout`. None when the test process is not root (it cannot mount).
fn with_private_disk(out: &Path, script: &str) -> Option<()> {
    let uid = Command::new("id").arg("-u").output().expect("id runs");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        eprintln!("storage tests need root to mount a small disk; skipped");
        return None;
    }
    let disk = out.join("disk");
    std::fs::create_dir(&disk).unwrap();
    let run = Command::new("timeout")
        .args(["--kill-after=5", "120", "unshare", "-m", "sh", "-eu", "-c"])
        .arg(script)
        .env("B", env!("CARGO_BIN_EXE_switchyard"))
        .env("D", &disk)
        .env("O", out)
        .env_remove("SWITCHYARD_DB")
        .env("XDG_DATA_HOME", out.join("xdg-data"))
        .env("XDG_CONFIG_HOME", out.join("xdg-config"))
        .env("HOME", out)
        .output()
        .expect("timeout and unshare run");
    assert!(
        run.status.success(),
        "the script failed ({}): {}{}",
        run.status,
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    Some(())
}

fn read(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The one line on stderr, which must carry `code`; and the exit status 1.
fn refused(out: &Path, name: &str, code: &str) -> String {
    assert_eq!(read(out, &format!("{name}.rc")).trim(), "1", "{name}");
    let err = read(out, &format!("{name}.err"));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{name}: one line, got {err}");
    assert!(
        lines[0].starts_with(&format!("error[{code}]: ")),
        "{name}: {err}"
    );
    lines[0].to_string()
}

fn integrity(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_full_disk_refuses_the_change_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let script = r#"
        mount -t tmpfs -o size=8m none "$D"
        cd "$D"
        "$B" --db w.sqlite3 demo load > /dev/null
        "$B" --db w.sqlite3 export --format json > "$O/before.json"
        # Fill the disk to its last block.
        dd if=/dev/zero of=fill bs=4k 2> /dev/null || true
        set +e
        "$B" --db w.sqlite3 release add 'Web 99.1' --date 2027-03-01 > /dev/null 2> "$O/add.err"
        echo $? > "$O/add.rc"
        "$B" --db new.sqlite3 import --format json "$O/before.json" > /dev/null 2> "$O/import.err"
        echo $? > "$O/import.rc"
        set -e
        ls -a > "$O/files.txt"
        rm fill
        "$B" --db w.sqlite3 export --format json > "$O/after.json"
        "$B" --db w.sqlite3 audit verify > "$O/verify.txt"
        # With room again, the same command works.
        "$B" --db w.sqlite3 release add 'Web 99.1' --date 2027-03-01 > /dev/null
        "$B" --db w.sqlite3 export --format json > "$O/retried.json"
        cp w.sqlite3 "$O/copy.sqlite3"
    "#;
    if with_private_disk(out, script).is_none() {
        return;
    }
    let line = refused(out, "add", "disk_full");
    assert!(line.contains("nothing is lost"), "{line}");
    refused(out, "import", "disk_full");
    // The failed import left no workspace and no part of one.
    let files = read(out, "files.txt");
    assert!(
        !files.lines().any(|f| f.contains("new.sqlite3")),
        "a failed import left {files}"
    );
    // Nothing before the full disk was lost or changed, and the log is whole.
    assert!(read(out, "before.json") == read(out, "after.json"));
    assert!(read(out, "verify.txt").starts_with("audit log intact"));
    let retried: serde_json::Value = serde_json::from_str(&read(out, "retried.json")).unwrap();
    assert!(retried["releases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "Web 99.1"));
    assert_eq!(integrity(&out.join("copy.sqlite3")), "ok");
}

#[test]
fn a_read_only_disk_refuses_the_change_and_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let script = r#"
        mount -t tmpfs -o size=8m none "$D"
        cd "$D"
        "$B" --db w.sqlite3 demo load > /dev/null
        "$B" --db w.sqlite3 export --format json > "$O/before.json"
        mount -o remount,ro "$D"
        set +e
        "$B" --db w.sqlite3 release add 'Web 99.1' --date 2027-03-01 > /dev/null 2> "$O/add.err"
        echo $? > "$O/add.rc"
        "$B" --db w.sqlite3 settings set timezone Europe/Berlin > /dev/null 2> "$O/set.err"
        echo $? > "$O/set.rc"
        set -e
        "$B" --db w.sqlite3 export --format json > "$O/after.json"
    "#;
    if with_private_disk(out, script).is_none() {
        return;
    }
    let line = refused(out, "add", "read_only");
    assert!(line.contains("read-only"), "{line}");
    refused(out, "set", "read_only");
    assert!(read(out, "before.json") == read(out, "after.json"));
}
