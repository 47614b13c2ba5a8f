//! Crash safety: the real `switchyard` binary is killed with SIGKILL at random moments of a
//! large Jira sync, a large GitHub sync (both against the mock servers of the sync tests) and
//! an import of a large export document. After every kill the file passes SQLite's
//! `PRAGMA integrity_check` and `audit verify`; the same command then runs to its end, and
//! the workspace exports the same document as one that ran without a kill, with nothing
//! doubled. A killed import leaves no workspace or the whole one, never a part.
//!
//! `SWITCHYARD_CRASH_KILLS` kills per kind (default 4, what the test command runs; `./dev
//! crash` runs 50 with a new seed); `SWITCHYARD_CRASH_SEED` replays the kill moments of a failed run (the
//! seed is printed first). docs/crash-safety.md has the figures of a long run.

use crate::fake::*;
use crate::sync_github::fixtures::{self, Routes, REPO};
use crate::sync_github::mock::Reply;
use chrono::Duration as CD;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const JIRA_TOKEN: &str = "jira-TOKEN-crash-7c1e";
const EMAIL: &str = "mia@example.com";
/// The longest any one run of the binary may take before the test gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// splitmix64: small, seeded, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

fn seed(kind: &str) -> u64 {
    // A fixed seed unless one is given (`./dev crash` gives a new one each run): the test
    // command kills at the same fractions of a run every time.
    let seed = match std::env::var("SWITCHYARD_CRASH_SEED") {
        Ok(s) => s.trim().parse().expect("SWITCHYARD_CRASH_SEED is a number"),
        Err(_) => 0x5eed_c2a5_4000_0001,
    };
    eprintln!("crash {kind}: seed {seed} (replay with SWITCHYARD_CRASH_SEED={seed})");
    seed
}

fn kills() -> usize {
    std::env::var("SWITCHYARD_CRASH_KILLS")
        .ok()
        .map(|s| {
            s.trim()
                .parse()
                .expect("SWITCHYARD_CRASH_KILLS is a number")
        })
        .unwrap_or(4)
}

/// A started `switchyard`: killed and reaped when dropped, so no test leaves one behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Running {
    /// Waits at most `limit` for the exit.
    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let end = Instant::now() + limit;
        loop {
            if let Some(s) = self.0.try_wait().expect("wait for switchyard") {
                return s;
            }
            assert!(Instant::now() < end, "switchyard ran longer than {limit:?}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// One command of the binary, as a test runs it again and again.
struct Job {
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    /// The workspace file, relative to the run's folder.
    db: &'static str,
    /// An import: it runs again only when the kill left no workspace (a whole one refuses
    /// a second import).
    import: bool,
}

impl Job {
    fn command(&self, dir: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_switchyard"));
        c.args(&self.args)
            .current_dir(dir)
            .env("SWITCHYARD_AUDIT_KEY", crate::TEST_AUDIT_KEY)
            .env_remove("SWITCHYARD_DB")
            .env_remove("GITHUB_TOKEN")
            .env_remove("RUST_LOG")
            .env("XDG_DATA_HOME", dir.join("xdg-data"))
            .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
            .env("HOME", dir);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs to its end; returns how long it took. Output goes to files of `dir`, read on
    /// failure.
    fn complete(&self, dir: &Path) -> Duration {
        let out = dir.join("out.txt");
        let err = dir.join("err.txt");
        let start = Instant::now();
        let mut run = Running(
            self.command(dir)
                .stdout(std::fs::File::create(&out).unwrap())
                .stderr(std::fs::File::create(&err).unwrap())
                .spawn()
                .expect("switchyard starts"),
        );
        let status = run.wait(RUN_LIMIT);
        let took = start.elapsed();
        assert!(
            status.success(),
            "{:?} failed ({status}): {}{}",
            self.args,
            std::fs::read_to_string(&out).unwrap_or_default(),
            std::fs::read_to_string(&err).unwrap_or_default()
        );
        took
    }

    /// Starts the command and kills it with SIGKILL after `delay`; false when it had ended
    /// (successfully) before the kill.
    fn kill_after(&self, dir: &Path, delay: Duration) -> bool {
        let mut run = Running(
            self.command(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("switchyard starts"),
        );
        std::thread::sleep(delay);
        if let Some(status) = run.0.try_wait().unwrap() {
            assert!(status.success(), "{:?} failed before the kill", self.args);
            return false;
        }
        run.0.kill().expect("SIGKILL");
        let status = run.wait(Duration::from_secs(10));
        use std::os::unix::process::ExitStatusExt;
        // It may have ended between the look and the kill.
        status.signal() == Some(9) || {
            assert!(status.success(), "{:?} failed at the kill", self.args);
            false
        }
    }

    fn db(&self, dir: &Path) -> PathBuf {
        dir.join(self.db)
    }
}

/// `switchyard args` in `dir` to its end (bounded); its output goes through files, so a
/// large export never waits on a full pipe.
fn cli(dir: &Path, args: &[&str]) -> std::process::Output {
    let (out, err) = (dir.join("cli-out.txt"), dir.join("cli-err.txt"));
    let mut run = Running(
        crate::command(dir, args)
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .unwrap(),
    );
    std::process::Output {
        status: run.wait(RUN_LIMIT),
        stdout: std::fs::read(&out).unwrap(),
        stderr: std::fs::read(&err).unwrap(),
    }
}

/// Files an import writes beside the workspace `db` before it takes its name.
fn temp_files(dir: &Path, db: &str) -> usize {
    let prefix = format!(".{db}.import-");
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .count()
}

/// SQLite's own check of the file, read before anything else opens it.
fn integrity(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let rows: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.join("; ")
}

/// Rows of the tables a sync or an import fills (0 each when there is no file).
fn counts(db: &Path) -> Vec<(&'static str, i64)> {
    let tables = [
        "releases",
        "work_items",
        "dependencies",
        "deployments",
        "incidents",
        "pipeline_runs",
        "audit_events",
    ];
    if !db.exists() {
        return tables.iter().map(|t| (*t, 0)).collect();
    }
    let c = rusqlite::Connection::open(db).unwrap();
    tables
        .iter()
        .map(|t| {
            // Every finished sync run writes its own `sync.run` event, so a kill followed by
            // a resume may leave one or two of them: they are checked by `stable`.
            let filter = if *t == "audit_events" {
                " WHERE action <> 'sync.run'"
            } else {
                ""
            };
            let n = c
                .query_row(&format!("SELECT count(*) FROM {t}{filter}"), [], |r| {
                    r.get(0)
                })
                .unwrap_or(0);
            (*t, n)
        })
        .collect()
}

fn export(dir: &Path, db: &Path) -> Value {
    let out = cli(
        dir,
        &["--db", db.to_str().unwrap(), "export", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn audit_verify(dir: &Path, db: &Path) {
    let out = cli(dir, &["--db", db.to_str().unwrap(), "audit", "verify"]);
    assert!(
        out.status.success(),
        "audit verify after a kill: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The document without the values that differ between two runs by construction, all
/// moments of the run that wrote them: a sync cursor's `updated_at` and its `synced_at`
/// (when the run wrote it) and a Jira issue's `last_seen_run` (when the walk that last saw it
/// began). A walk resumed after a kill keeps the moment of the run it resumes; but a kill
/// after a walk's last page leaves a finished walk, and the next run is a new incremental
/// one that sees the newest issues again, as any later sync does. Everything else must be
/// equal: rows and their ids, cursors, links, transitions, audit events, and `vanished_at`,
/// which a resumed full walk that forgot where it began would set on the issues it did not
/// see again.
fn stable(mut doc: Value) -> Value {
    for c in doc["sync_state"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("updated_at");
        if let Some(o) = c["cursor"].as_object_mut() {
            o.remove("synced_at");
        }
    }
    for j in doc["jira_issues"].as_array_mut().unwrap() {
        j.as_object_mut().unwrap().remove("last_seen_run");
    }
    // One `sync.run` event per finished run: a run killed after its event and the resume
    // that follows write two, with their own moments and counts. The last one's outcome
    // must be the uninterrupted run's; the rest of the log must be the same.
    let events = doc["audit_events"].as_array_mut().unwrap();
    let last_run = events
        .iter()
        .rev()
        .find(|e| e["action"] == "sync.run")
        .map(|e| e["after"]["outcome"].clone());
    events.retain(|e| e["action"] != "sync.run");
    // Present in both documents or in neither.
    doc["last_sync_run_outcome"] = last_run.unwrap_or(Value::Null);
    doc
}

/// Work items, releases and deployments by source key: each once.
fn assert_nothing_doubled(doc: &Value) {
    for list in ["work_items", "releases", "deployments", "incidents"] {
        let mut keys: Vec<String> = doc[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["source_key"].to_string())
            .filter(|k| k != "null")
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "a {list} row is doubled");
    }
}

#[derive(Default, Debug)]
struct Tally {
    kills: usize,
    /// The command had ended before the kill.
    ended_first: usize,
    /// No workspace file after the kill.
    no_file: usize,
    /// A workspace without a row of the main table.
    empty: usize,
    /// A workspace with some of the main table's rows, not all.
    partial: usize,
    /// Every row there (the kill came after the last write of data).
    whole: usize,
    /// The kill found a write under way: rows committed but not all (`partial`), or an
    /// import's temporary file beside the workspace.
    mid_write: usize,
}

/// The kill loop of one kind. `first` is the main table the command fills.
fn crash_loop(kind: &str, job: &Job, first: &str) -> Tally {
    let mut rng = Rng(seed(kind));
    let started = Instant::now();
    // The uninterrupted run: its time bounds the kill moments, its export is the goal.
    let base = tempfile::tempdir().unwrap();
    let took = job.complete(base.path());
    let want_counts = counts(&job.db(base.path()));
    let want = stable(export(base.path(), &job.db(base.path())));
    assert_nothing_doubled(&want);
    let full = want_counts.iter().find(|(t, _)| *t == first).unwrap().1;
    assert!(full > 0, "the {kind} fills {first}");

    let mut tally = Tally::default();
    let n = kills();
    let mut dir = None;
    while tally.kills < n {
        let d = dir.get_or_insert_with(|| tempfile::tempdir().unwrap());
        let db = job.db(d.path());
        let delay = took.mul_f64(rng.unit());
        tally.kills += 1;
        let what = format!("{kind}: kill {} after {delay:?} of {took:?}", tally.kills);
        let killed = job.kill_after(d.path(), delay);
        if !killed {
            tally.ended_first += 1;
        }
        let mut partial = false;
        if temp_files(d.path(), job.db) > 0 {
            tally.mid_write += 1;
        }
        if !db.exists() {
            tally.no_file += 1;
        } else {
            // SQLite's check first, on the file as the kill left it.
            assert_eq!(integrity(&db), "ok", "{what}");
            let now = counts(&db);
            match now.iter().find(|(t, _)| *t == first).unwrap().1 {
                0 => tally.empty += 1,
                r if r < full => {
                    tally.partial += 1;
                    tally.mid_write += 1;
                    partial = true;
                }
                _ => tally.whole += 1,
            }
            audit_verify(d.path(), &db);
        }
        // Resume, or (half the time, while rows are still missing, so the next run has work
        // to be killed in) kill the next run in the same workspace first. An import runs
        // again only while there is no workspace.
        let rerun = !job.import || !db.exists();
        let chain = killed && (partial || (job.import && !db.exists()));
        if tally.kills == n || !rerun || !chain || rng.next().is_multiple_of(2) {
            let d = dir.take().unwrap();
            if rerun {
                job.complete(d.path());
            }
            let db = job.db(d.path());
            assert_eq!(integrity(&db), "ok", "{what}, then resumed");
            assert_eq!(counts(&db), want_counts, "{what}: counts after resuming");
            let got = stable(export(d.path(), &db));
            assert_nothing_doubled(&got);
            if got != want {
                let path = std::env::temp_dir().join(format!("crash-{kind}-got.json"));
                std::fs::write(&path, serde_json::to_vec_pretty(&got).unwrap()).unwrap();
                std::fs::write(
                    path.with_file_name(format!("crash-{kind}-want.json")),
                    serde_json::to_vec_pretty(&want).unwrap(),
                )
                .unwrap();
                panic!(
                    "{what}: the export differs from the uninterrupted run's ({} and -want.json)",
                    path.display()
                );
            }
        }
    }
    eprintln!(
        "crash {kind}: {} kills in {:.1?} (an uninterrupted run takes {took:.1?}): {} after the end, {} before the file, {} before the first row, {} with part of the rows, {} with every row; {} landed mid-write",
        tally.kills,
        started.elapsed(),
        tally.ended_first,
        tally.no_file,
        tally.empty,
        tally.partial,
        tally.whole,
        tally.mid_write
    );
    tally
}

/// A Jira Cloud project of `n` issues over `versions` versions, issues as the sync tests
/// build them from the recorded payloads.
fn large_jira(n: u64, versions: usize) -> FakeJira {
    let mut f = FakeJira::new(true, &basic_auth(EMAIL, JIRA_TOKEN));
    let base = fixture("search-jql.json")["issues"][0].clone();
    let jr = jrjc();
    let all = make_versions(versions);
    let p = f.project("PROJ");
    p.versions = all.clone();
    for i in 1..=n {
        p.issues.push(make_issue(
            &IssueSpec {
                project: "PROJ",
                n: i,
                summary: format!("Issue {i}"),
                updated: utc(2024, 3, 1, 9, 0) + CD::minutes(i as i64),
                issuetype: (i % 50 == 2).then_some("Incident"),
                labels: vec![],
                chain_blocking: true,
                chain_len: n,
                fix_versions: vec![all[i as usize % versions].clone()],
                resolved: None,
            },
            true,
            &base,
            &jr,
        ));
    }
    f.version_page_size = 10;
    f
}

fn jira_job(url: &str) -> Job {
    Job {
        args: [
            "--db",
            "w.sqlite3",
            "sync",
            "jira",
            "--url",
            url,
            "--project",
            "PROJ",
            "--email",
            EMAIL,
            "--page-size",
            "25",
        ]
        .map(String::from)
        .to_vec(),
        env: vec![("SWITCHYARD_JIRA_TOKEN", JIRA_TOKEN.into())],
        db: "w.sqlite3",
        import: false,
    }
}

#[test]
fn a_jira_sync_killed_anywhere_resumes_to_the_same_workspace() {
    let (server, _fake) = start(large_jira(400, 20));
    let t = crash_loop("jira", &jira_job(&server.url()), "work_items");
    assert_eq!(t.kills, kills());
    drop(server);
}

/// The world of the GitHub sync tests made larger the way its recording says GitHub would:
/// the closed pull requests' `Link` names 8 pages, so pages 2 to 8 are the real first page
/// with numbers, ids and years edited (and their details and commits); deployment 3 answers
/// the same on every run, so two runs can be compared.
fn large_github(routes: &Routes) {
    fixtures::world(routes);
    let r = format!("/repos/{REPO}");
    let (_, headers, body) =
        fixtures::recorded(&fixtures::load("real/pygithub-list-pulls-closed-2013.json"));
    let link = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("link"))
        .unwrap()
        .1
        .clone();
    let commits = fixtures::load("list-pull-commits.json");
    let detail = fixtures::load("get-pull.json");
    for page in 2..=8u64 {
        let k = page - 1;
        let mut list = body.clone();
        for p in list.as_array_mut().unwrap() {
            let n = p["number"].as_u64().unwrap() + 1000 * k;
            p["number"] = json!(n);
            p["id"] = json!(p["id"].as_u64().unwrap() + 10_000_000 * k);
            for key in ["created_at", "updated_at", "closed_at", "merged_at"] {
                if let Some(s) = p[key].as_str() {
                    p[key] = json!(s.replacen("2013-", &format!("{}-", 2013 - k), 1));
                }
            }
            routes.json(&format!("{r}/pulls/{n}/commits"), commits.clone());
            routes.json(&format!("{r}/pulls/{n}"), detail.clone());
        }
        let mut reply = Reply::json(200, list.to_string());
        if page < 8 {
            reply = reply.header(
                "link",
                link.replace("page=2&", &format!("page={}&", page + 1)),
            );
        }
        routes.set(
            &format!("/repos/openmicroscopy/ome-documentation/pulls?page={page}"),
            vec![reply],
        );
    }
    let queued = fixtures::load("real/pygithub-list-deployment-statuses-2020.json")["body"].clone();
    let mut statuses = queued.clone();
    statuses.as_array_mut().unwrap().insert(0, {
        let mut s = queued[0].clone();
        s["id"] = json!(388454700u64);
        s["state"] = json!("success");
        s["created_at"] = json!("2020-08-26T14:40:00Z");
        s
    });
    routes.json(&format!("{r}/deployments/3/statuses"), statuses);
}

/// `switchyard sync github` of [`REPO`] against the mock GitHub at `url`.
fn github_job(url: &str) -> Job {
    Job {
        args: [
            "--db",
            "w.sqlite3",
            "sync",
            "github",
            "--api-url",
            url,
            "--repo",
            REPO,
        ]
        .map(String::from)
        .to_vec(),
        env: vec![("SWITCHYARD_GITHUB_TOKEN", fixtures::TOKEN.into())],
        db: "w.sqlite3",
        import: false,
    }
}

#[test]
fn a_github_sync_killed_anywhere_resumes_to_the_same_workspace() {
    let (mock, routes) = fixtures::start();
    large_github(&routes);
    let job = github_job(&mock.url());
    let t = crash_loop("github", &job, "work_items");
    assert_eq!(t.kills, kills());
    drop(mock);
}

#[test]
fn a_github_sync_through_graphql_killed_anywhere_resumes_to_the_same_workspace() {
    // The same world with /graphql answered: the pull requests' walk keeps GraphQL cursors.
    let (mock, routes) = fixtures::start();
    large_github(&routes);
    routes.enable_graphql();
    let job = github_job(&mock.url());
    let t = crash_loop("github-graphql", &job, "work_items");
    assert_eq!(t.kills, kills());
    assert!(
        mock.log
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.target == "/graphql"),
        "the sync went through GraphQL"
    );
    drop(mock);
}

#[test]
fn an_import_killed_anywhere_leaves_no_workspace_or_the_whole_one() {
    // The document: the demo organisation with a synced Jira project on top.
    let (server, _fake) = start(large_jira(600, 12));
    let src = tempfile::tempdir().unwrap();
    let s = src.path();
    assert!(cli(s, &["--db", "w.sqlite3", "demo", "load"])
        .status
        .success());
    jira_job(&server.url()).complete(s);
    drop(server);
    let text = serde_json::to_vec(&export(s, &s.join("w.sqlite3"))).unwrap();
    let file = s.join("doc.json");
    std::fs::write(&file, &text).unwrap();

    let job = Job {
        args: ["--db", "w.sqlite3", "import", "--format", "json"]
            .map(String::from)
            .into_iter()
            .chain([file.display().to_string()])
            .collect(),
        env: vec![],
        db: "w.sqlite3",
        import: true,
    };
    let t = crash_loop("import", &job, "work_items");
    assert_eq!(t.kills, kills());
    assert_eq!(
        (t.empty, t.partial),
        (0, 0),
        "a killed import left part of a workspace: {t:?}"
    );
}

/// A workspace of schema step 5 with 40,000 releases, written as a Switchyard of that step
/// would have left it: the upgrade to step 6 copies it to a backup first, long enough for
/// kills to land in the copy and in the step.
fn old_workspace(dir: &Path) -> PathBuf {
    let path = dir.join("w.sqlite3");
    let mut c = rusqlite::Connection::open(&path).unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    switchyard_store::upgrade_with(&mut c, &path, 0, &switchyard_store::MIGRATIONS[..5]).unwrap();
    c.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)
         INSERT INTO releases (id, name, release_type, status, planned_date, released, archived, description)
              SELECT i, 'Release ' || i, 'regular', 'planned', date('2026-01-01', '+' || (i % 700) || ' days'),
                     0, 0, printf('%.80c', 'x') FROM n;",
    )
    .unwrap();
    drop(c);
    path
}

/// Every row of every table, in rowid order: two upgraded files are compared whole, without
/// an export of 40,000 releases per kill.
fn dump(db: &Path) -> Vec<(String, Vec<String>)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            (t, rows)
        })
        .collect()
}

fn user_version(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// Files beside the workspace whose name says backup, and whether each is a whole one.
fn backups(dir: &Path) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".backup") && !n.contains(".partial"))
        .map(|n| {
            let p = dir.join(&n);
            let whole = integrity(&p) == "ok" && user_version(&p) == 5 && {
                let c = rusqlite::Connection::open(&p).unwrap();
                c.query_row("SELECT count(*) FROM releases", [], |r| r.get::<_, i64>(0))
                    .unwrap()
                    == 40_000
            };
            (n, whole)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn an_upgrade_killed_anywhere_leaves_the_old_workspace_or_the_upgraded_one() {
    let mut rng = Rng(seed("upgrade"));
    let started = Instant::now();
    // The command opens the workspace (and so upgrades it) and prints the settings.
    let job = Job {
        args: ["--db", "w.sqlite3", "settings", "show"]
            .map(String::from)
            .to_vec(),
        env: vec![],
        db: "w.sqlite3",
        import: false,
    };
    // Built once, copied for every run (the WAL is folded in when the last connection
    // closes, so the file alone is the workspace).
    let template = tempfile::tempdir().unwrap();
    let old = old_workspace(template.path());
    let old_workspace = |dir: &Path| {
        let db = dir.join("w.sqlite3");
        std::fs::copy(&old, &db).unwrap();
        db
    };
    let base = tempfile::tempdir().unwrap();
    let db = old_workspace(base.path());
    let took = job.complete(base.path());
    assert_eq!(user_version(&db), switchyard_core::SCHEMA_VERSION);
    let want = dump(&db);
    let releases = want.iter().find(|(t, _)| t == "releases").unwrap();
    assert_eq!(releases.1.len(), 40_000);
    assert!(
        want.iter().any(|(t, _)| t == "people"),
        "step 6 made the roster"
    );

    let (mut at_5, mut at_6, mut ended) = (0, 0, 0);
    for k in 1..=kills() {
        let d = tempfile::tempdir().unwrap();
        let db = old_workspace(d.path());
        let delay = took.mul_f64(rng.unit());
        let what = format!("upgrade: kill {k} after {delay:?} of {took:?}");
        if !job.kill_after(d.path(), delay) {
            ended += 1;
        }
        // The file as the kill left it: whole, at step 5 or 6, never between.
        assert_eq!(integrity(&db), "ok", "{what}");
        match user_version(&db) {
            5 => at_5 += 1,
            // Every step up to this build's in the one transaction (6 and 7 since signed
            // audit heads came).
            v if v == switchyard_core::SCHEMA_VERSION => {
                at_6 += 1;
                // Upgraded: the copy of step 5 is there, whole.
                assert_eq!(
                    backups(d.path()),
                    [("w.sqlite3.v5.backup".to_string(), true)],
                    "{what}"
                );
            }
            v => panic!("{what}: schema version {v}"),
        }
        // No file under a backup's name is a part of one.
        assert!(backups(d.path()).iter().all(|(_, whole)| *whole), "{what}");
        // Opened again, the upgrade ends as an uninterrupted one did.
        job.complete(d.path());
        assert_eq!(user_version(&db), switchyard_core::SCHEMA_VERSION, "{what}");
        assert!(
            dump(&db) == want,
            "{what}: the upgraded file differs from an uninterrupted upgrade's"
        );
        let b = backups(d.path());
        assert!(
            !b.is_empty() && b.iter().all(|(_, whole)| *whole),
            "{what}: {b:?}"
        );
    }
    eprintln!(
        "crash upgrade: {} kills in {:.1?} (an uninterrupted upgrade takes {took:.1?}): {ended} after the end, {at_5} left at step 5, {at_6} at step 6",
        kills(),
        started.elapsed()
    );
    assert_eq!(at_5 + at_6, kills());
}
