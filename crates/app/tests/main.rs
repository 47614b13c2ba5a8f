//! Use cases over a real workspace file, with the clock fixed.

use chrono::{NaiveDate, TimeZone, Utc};
use switchyard_app::core::{ItemKind, ItemState, ReleaseStatus, RiskClass};
use switchyard_app::{
    check_bindings, default_bindings_dir, Clock, ErrorCode, FixedClock, Workspace,
};

mod ahead;
mod audit;
mod deploy_rules;
mod overview;
mod people;
mod plan_edit;
mod records;
mod review;
mod scenario;
mod sync;

fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap())
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let stale = check_bindings(&default_bindings_dir());
    assert!(
        stale.is_empty(),
        "stale bindings in ui/src/lib/bindings: {stale:?}; run `./dev bindings`"
    );
}

#[test]
fn a_stale_binding_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    switchyard_app::write_bindings(dir.path()).unwrap();
    assert!(check_bindings(dir.path()).is_empty());
    let file = dir.path().join("CalendarRelease.ts");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("slipped_days: number", "slipped_days: string"),
    )
    .unwrap();
    assert_eq!(
        check_bindings(dir.path()),
        vec!["CalendarRelease.ts".to_string()]
    );
}

#[test]
fn first_start_creates_the_folder_and_loads_the_demo_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("data/dev.switchyard.desktop/switchyard.sqlite3");
    let ws = Workspace::open_first_start(&path, &clock()).unwrap();
    let info = ws.info().unwrap();
    assert!(info.demo_loaded);
    assert_eq!(info.counts.trains, 3);
    let exported = ws.export_json().unwrap();
    drop(ws);
    // The second start opens what is there.
    let ws = Workspace::open_first_start(&path, &clock()).unwrap();
    assert_eq!(ws.export_json().unwrap(), exported);
}

#[test]
fn a_leadership_report_for_a_team_or_a_service_covers_only_its_services() {
    use switchyard_app::dora::MetricsQuery;
    use switchyard_app::report::leadership::{build, LeadershipInput, ReportScope};
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let doc = ws.export().unwrap();
    let settings = ws.store().settings().unwrap();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 8, 30).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    );
    let report = |scope: &ReportScope| {
        build(&LeadershipInput {
            doc: &doc,
            settings: &settings,
            scope,
            from,
            to,
            today: clock().today(),
            generated_at: clock().now(),
        })
    };
    let org = report(&ReportScope::Organisation).unwrap();
    let team = doc.services.iter().find_map(|s| s.team.clone()).unwrap();
    let owned: Vec<&str> = doc
        .services
        .iter()
        .filter(|s| s.team.as_deref() == Some(team.as_str()))
        .map(|s| s.name.as_str())
        .collect();
    let scoped = report(&ReportScope::Team(team.clone())).unwrap();
    // The numbers are those of `switchyard dora --team` for the same period.
    let dora = ws
        .dora(&MetricsQuery {
            from,
            to,
            service: None,
            team: Some(team.clone()),
            bucket: Default::default(),
        })
        .unwrap();
    assert_eq!(scoped.metrics, dora.metrics);
    assert_ne!(
        scoped.metrics, org.metrics,
        "the team's numbers are the organisation's"
    );
    assert!(!scoped.releases.is_empty());
    assert!(scoped.releases.len() < org.releases.len());
    for r in &scoped.releases {
        let release = doc.releases.iter().find(|x| x.id == r.id).unwrap();
        assert!(
            release.services.iter().any(|s| owned.contains(&s.as_str())),
            "{} ships none of {team}'s services",
            r.name
        );
    }
    for f in &scoped.failure_modes {
        assert!(owned.contains(&f.service.as_str()), "{}", f.service);
    }
    for c in &scoped.change_failures {
        assert!(owned.contains(&c.service.as_str()), "{}", c.service);
    }
    assert!(scoped.to_doc().subtitle.contains(&format!("team {team}")));
    let md = String::from_utf8(
        ws.leadership_report(
            &clock(),
            from,
            to,
            &ReportScope::Team("Nobody".into()),
            switchyard_app::reports::ReportFormat::Markdown,
        )
        .err()
        .map(|e| {
            assert_eq!(e.code, ErrorCode::NotFound);
            e.message.into_bytes()
        })
        .unwrap(),
    )
    .unwrap();
    assert!(md.contains("Nobody"));
}

/// The window shows the same messages as the CLI: they name what is missing in words and
/// the input in `field`, never a command-line flag.
#[test]
fn messages_about_an_input_name_it_in_words_and_in_field() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let e = ws
        .assess_risk("Web 26.50", Some(RiskClass::Low), None, &clock(), "pm")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("reason"));
    assert!(!e.message.contains("--"), "{}", e.message);
    assert_eq!(e.message, "a risk override needs a reason");
}

/// Planning use cases record the actor they are given, as governance ones do (nothing reads
/// `$USER` below the CLI).
#[test]
fn planning_changes_are_audited_under_the_actor_given() {
    use switchyard_app::core::{Cadence, FreezeRule};
    use switchyard_app::plan::TrainSpec;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::create(&dir.path().join("ws.sqlite3")).unwrap();
    ws.add_train(
        &clock(),
        "pm.alice",
        TrainSpec {
            name: "Payments".into(),
            description: String::new(),
            cadence: Cadence::EveryNWeeks {
                weeks: 2,
                anchor: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            },
            template: vec![],
            freeze_rule: FreezeRule::Move,
            services: vec![],
        },
    )
    .unwrap();
    ws.add_holiday(
        &clock(),
        "pm.bob",
        NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
        "Christmas",
    )
    .unwrap();
    let actors: Vec<(String, String)> = ws
        .export()
        .unwrap()
        .audit_events
        .iter()
        .map(|e| (e.action.clone(), e.actor.clone()))
        .collect();
    assert_eq!(
        actors,
        vec![
            ("train.add".to_string(), "pm.alice".to_string()),
            ("holiday.add".to_string(), "pm.bob".to_string())
        ]
    );
}

/// What the window sends is checked in app, not in the shell.
#[test]
fn the_window_s_metrics_query_and_sync_runs_are_checked_in_app() {
    use switchyard_app::core::dora::Bucket;
    use switchyard_app::dora::MetricsQuery;
    use switchyard_app::sync_screen::{RunningSyncs, SyncConnections, SyncTarget};
    let q = MetricsQuery::from_input("2026-01-01", "2026-12-31", Some(String::new()), None, None)
        .unwrap();
    assert_eq!((q.service, q.bucket), (None, Bucket::Month));
    let q = MetricsQuery::from_input("2026-11-01", "2026-11-29", None, None, None).unwrap();
    assert_eq!(q.bucket, Bucket::Week);
    let e = MetricsQuery::from_input("2026-12-01", "2026-11-01", None, None, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = MetricsQuery::from_input("yesterday", "2026-11-01", None, None, None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("from"));

    // A sync of nothing configured is refused before it runs, and leaves nothing running.
    let running = RunningSyncs::default();
    let dir = tempfile::tempdir().unwrap();
    let e = running
        .run(
            &dir.path().join("ws.sqlite3"),
            &SyncConnections::default(),
            SyncTarget::Jira,
            &clock(),
            std::sync::Arc::new(|_| {}),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(!running.any().unwrap());
    assert!(!running.cancel(SyncTarget::Jira).unwrap());
}

#[test]
fn file_open_never_creates_and_file_new_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone.sqlite3");
    let e = Workspace::open_existing(&gone).err().unwrap();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(!gone.exists(), "Open made a file");

    // A damaged file: refused by Open and by New, and left byte for byte.
    let damaged = dir.path().join("damaged.sqlite3");
    let garbage = b"not a workspace\n".repeat(100);
    std::fs::write(&damaged, &garbage).unwrap();
    assert_eq!(
        Workspace::open_existing(&damaged).err().unwrap().code,
        ErrorCode::NotADatabase
    );
    assert_eq!(
        Workspace::create(&damaged).err().unwrap().code,
        ErrorCode::WorkspaceNotEmpty
    );
    assert_eq!(std::fs::read(&damaged).unwrap(), garbage);

    // New: empty, and the demo loads into it; New on it again is refused.
    let fresh = dir.path().join("fresh.sqlite3");
    let mut ws = Workspace::create(&fresh).unwrap();
    assert_eq!(ws.info().unwrap().counts.releases, 0);
    assert!(!ws.info().unwrap().demo_loaded);
    ws.load_demo(&clock()).unwrap();
    assert_eq!(ws.info().unwrap().counts.trains, 3);
    drop(ws);
    assert_eq!(
        Workspace::create(&fresh).err().unwrap().code,
        ErrorCode::WorkspaceNotEmpty
    );
    assert_eq!(
        Workspace::open_existing(&fresh)
            .unwrap()
            .info()
            .unwrap()
            .counts
            .trains,
        3
    );
}

#[test]
fn the_default_calendar_spans_a_year_back_and_six_months_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let view = ws.calendar(&clock(), None, None).unwrap();
    assert_eq!(view.today, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    assert!((view.today - view.from).num_days() >= 365);
    assert!((view.to - view.today).num_days() >= 180);
    let all: Vec<_> = view.lanes.iter().flat_map(|l| &l.releases).collect();
    assert!(all.iter().any(|r| r.status == ReleaseStatus::Released));
    assert!(all.iter().any(|r| r.status == ReleaseStatus::Planned));
    // The hotfixes ride no train.
    assert!(view
        .lanes
        .iter()
        .any(|l| l.name == "Off-train" && !l.releases.is_empty()));
    let err = ws
        .calendar(&clock(), Some(view.to), Some(view.from))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[test]
fn errors_cross_as_code_and_one_line_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.sqlite3");
    std::fs::write(&bad, "not\na\ndatabase\n".repeat(50)).unwrap();
    let err = Workspace::open(&bad).err().unwrap();
    assert_eq!(err.code, ErrorCode::NotADatabase);
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "not_a_database");
    assert!(!json["message"].as_str().unwrap().contains('\n'));
    let mut ws = Workspace::open(&dir.path().join("ok.sqlite3")).unwrap();
    let err = ws
        .import_json("{\"schema_version\": 1,\n \"teams\": [}")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(!err.message.contains('\n'));
}

/// The Metrics screen and exports of the window (issue 8).
mod screens {
    use super::clock;
    use chrono::NaiveDate;
    use switchyard_app::core::dora::{Bucket, Drill};
    use switchyard_app::dora::MetricsQuery;
    use switchyard_app::saved::{DocumentFormat, ExportRequest};
    use switchyard_app::Workspace;

    const EVIL: &str = "<script>alert(1)</script>";

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn query(service: Option<&str>) -> MetricsQuery {
        MetricsQuery {
            from: day("2026-08-31"),
            to: day("2026-11-27"),
            service: service.map(str::to_string),
            team: None,
            bucket: Bucket::Week,
        }
    }

    /// The demo with its web-storefront service renamed to a script tag.
    fn hostile_workspace(dir: &std::path::Path) -> Workspace {
        let demo = Workspace::open_first_start(&dir.join("demo.sqlite3"), &clock()).unwrap();
        let json = demo
            .export_json()
            .unwrap()
            .replace("\"web-storefront\"", &serde_json::to_string(EVIL).unwrap());
        let mut ws = Workspace::open(&dir.join("hostile.sqlite3")).unwrap();
        ws.import_json(&json).unwrap();
        ws
    }

    /// The Metrics screen and the leadership report show the same cards: each number with
    /// its unit, and against the previous period the arrow the direction of the value,
    /// better or worse for the metric, and the difference in the metric's own unit (points
    /// for rates).
    #[test]
    fn the_window_and_the_report_show_the_same_cards() {
        use switchyard_app::core::cards::MetricKey;
        use switchyard_app::core::delta::{Direction, Verdict};
        use switchyard_app::reports::ReportFormat;
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
        let q = query(None);
        let view = ws.metrics_view(&q).unwrap();
        assert_eq!(view.cards.len(), 6);
        let md = String::from_utf8(
            ws.leadership_report(
                &clock(),
                q.from,
                q.to,
                &Default::default(),
                ReportFormat::Markdown,
            )
            .unwrap(),
        )
        .unwrap();
        let mut compared = 0;
        for m in &view.cards {
            let key = m.metric.as_str();
            // The figure, its unit and what it rests on, as the report prints them.
            let row = format!("| {} | **{}** |", m.label, m.text);
            assert!(md.contains(&row), "{key}: {row:?} not in the report");
            assert!(
                md.contains(&m.detail),
                "{key}: {:?} not in the report",
                m.detail
            );
            let Some(d) = m.change.direction else {
                continue;
            };
            compared += 1;
            let verdict = match m.change.verdict {
                Verdict::Better => "better: ",
                Verdict::Worse => "worse: ",
                _ => "",
            };
            let shown = format!("{} {verdict}{}", d.arrow(), m.change.text);
            assert!(md.contains(&shown), "{key}: {shown:?} not in the report");
            if key.ends_with("_rate") && d != Direction::Flat {
                assert!(
                    m.change.text.contains(" pts vs previous"),
                    "{}",
                    m.change.text
                );
            }
            // The arrow follows the value, whatever the verdict.
            let (now, before) = match m.metric {
                MetricKey::ChangeFailureRate => (
                    view.dora.metrics.change_failure_rate.value,
                    view.previous.change_failure_rate.value,
                ),
                MetricKey::LeadTime => (
                    view.dora.metrics.lead_time.median_hours,
                    view.previous.lead_time.median_hours,
                ),
                _ => continue,
            };
            assert_eq!((m.value, m.previous), (now, before), "{key}");
            let (now, before) = (now.unwrap(), before.unwrap());
            if d != Direction::Flat {
                assert_eq!(d == Direction::Up, now > before, "{key}");
            }
        }
        assert!(compared >= 4, "{compared} metrics compared");
    }

    #[test]
    fn the_metrics_view_matches_the_dora_document_and_escapes_chart_text() {
        let dir = tempfile::tempdir().unwrap();
        let ws = hostile_workspace(dir.path());
        let q = query(Some(EVIL));
        let view = ws.metrics_view(&q).unwrap();
        // The same numbers as `switchyard dora --json`.
        assert_eq!(view.dora, ws.dora(&q).unwrap());
        assert!(view.dora.metrics.deployment_frequency.count > 0);
        // The period before, of the same length.
        assert_eq!(view.previous_to, day("2026-08-30"));
        assert_eq!(view.previous_from, day("2026-06-03"));
        let prev = ws
            .dora(&MetricsQuery {
                from: view.previous_from,
                to: view.previous_to,
                ..q.clone()
            })
            .unwrap();
        assert_eq!(view.previous, prev.metrics);
        assert!(view.services.iter().any(|s| s == EVIL));
        assert!(!view.teams.is_empty());
        let kinds: Vec<&str> = view.charts.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "deployment-frequency",
                "lead-time",
                "change-failure-rate",
                "recovery-time",
                "rework-rate",
                "pipeline"
            ]
        );
        for c in &view.charts {
            assert!(
                !c.svg.contains("<script"),
                "{}: unescaped service name",
                c.kind
            );
            assert!(
                c.svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "{}: the service name is in the title, escaped",
                c.kind
            );
            assert!(c.svg.starts_with("<svg"), "{}", c.kind);
        }
    }

    #[test]
    fn drill_rows_are_the_records_behind_the_number() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
        let q = query(None);
        let view = ws.metrics_view(&q).unwrap();
        let cfr = ws.metric_records(&q, Drill::ChangeFailures).unwrap();
        assert_eq!(
            cfr.total, view.dora.metrics.change_failure_rate.numerator,
            "one row per failed change"
        );
        let ids = ws.dora_records(&q, Drill::ChangeFailures, None).unwrap();
        let mut rows: Vec<i64> = cfr.rows.iter().map(|r| r.id).collect();
        rows.sort_unstable();
        assert_eq!(rows, ids, "the same records");
        assert!(cfr
            .rows
            .iter()
            .all(|r| r.kind == "deployment" && r.time.is_some()));
        // Newest first.
        assert!(cfr.rows.windows(2).all(|w| w[0].time >= w[1].time));
        // Each says what made it a failure, never just "success".
        let doc = ws.export().unwrap();
        for r in &cfr.rows {
            assert!(
                r.detail.contains("caused “") || r.detail.contains("rolled back by"),
                "{}: {}",
                r.id,
                r.detail
            );
            assert!(!r.detail.contains("success"), "{}", r.detail);
        }
        let with_incident = cfr
            .rows
            .iter()
            .find(|r| r.detail.contains("caused “"))
            .unwrap();
        let named = doc.incidents.iter().any(|i| {
            with_incident
                .detail
                .contains(&format!("caused “{}”", i.title))
        });
        assert!(named, "{}", with_incident.detail);
        let changes = ws.metric_records(&q, Drill::Changes).unwrap();
        assert_eq!(changes.total, view.dora.metrics.lead_time.changes);
        assert!(changes.rows.len() <= switchyard_app::screens::DRILL_ROWS);
        assert!(changes.rows.iter().all(|r| r.kind == "change"));
        // A change's row gives its own lead time.
        assert!(
            changes
                .rows
                .iter()
                .all(|r| r.detail.starts_with("lead time ")),
            "{:?}",
            changes.rows.first()
        );
        assert!(changes.rows.windows(2).all(|w| w[0].time >= w[1].time));
    }

    #[test]
    fn exports_get_safe_new_file_names() {
        let dir = tempfile::tempdir().unwrap();
        let ws = hostile_workspace(dir.path());
        let out = dir.path().join("downloads");
        let doc = ws.export().unwrap();
        let release = doc
            .releases
            .iter()
            .find(|r| r.services.iter().any(|s| s == EVIL))
            .expect("a release of the renamed service");
        let req = ExportRequest::ReleaseReport {
            release: release.id,
            format: DocumentFormat::Html,
        };
        let first = ws.save_export(&clock(), &req, &out).unwrap();
        let second = ws.save_export(&clock(), &req, &out).unwrap();
        assert_eq!(
            first.file_name,
            format!("switchyard-release-{}-readiness.html", release.id)
        );
        assert_eq!(
            second.file_name,
            format!("switchyard-release-{}-readiness-2.html", release.id)
        );
        let written = std::fs::read(&first.path).unwrap();
        assert_eq!(written.len() as u64, first.bytes);
        assert_eq!(
            written,
            ws.release_report(
                &clock(),
                &release.id.to_string(),
                switchyard_app::reports::ReportFormat::Html
            )
            .unwrap()
        );
        let pdf = ws
            .save_export(
                &clock(),
                &ExportRequest::Leadership {
                    from: day("2026-08-31"),
                    to: day("2026-11-27"),
                    format: DocumentFormat::Pdf,
                    scope: Default::default(),
                },
                &out,
            )
            .unwrap();
        assert_eq!(
            pdf.file_name,
            "switchyard-leadership-2026-08-31-to-2026-11-27.pdf"
        );
        assert!(std::fs::read(&pdf.path).unwrap().starts_with(b"%PDF"));
        // Scoped to the renamed service: a fixed word in the file name, the name escaped in it.
        let scoped = ws
            .save_export(
                &clock(),
                &ExportRequest::Leadership {
                    from: day("2026-08-31"),
                    to: day("2026-11-27"),
                    format: DocumentFormat::Html,
                    scope: switchyard_app::saved::ExportScope::Service { name: EVIL.into() },
                },
                &out,
            )
            .unwrap();
        assert_eq!(
            scoped.file_name,
            "switchyard-leadership-service-2026-08-31-to-2026-11-27.html"
        );
        let html = std::fs::read_to_string(&scoped.path).unwrap();
        assert!(!html.contains(EVIL), "the service name is not escaped");
        assert!(html.contains("service &lt;"), "the scope is not named");
        // A release that does not exist is an error with a code, and writes nothing.
        let before = std::fs::read_dir(&out).unwrap().count();
        let err = ws
            .save_export(&clock(), &ExportRequest::EvidencePack { release: -7 }, &out)
            .unwrap_err();
        assert_eq!(err.code, switchyard_app::ErrorCode::NotFound);
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), before);
    }

    #[test]
    fn sync_connections_are_kept_in_the_workspace_and_checked() {
        use switchyard_app::jira::Cancel;
        use switchyard_app::sync_screen::{
            run_sync, GithubConnection, JiraConnection, SyncConnections, SyncTarget,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.sqlite3");
        let ws = Workspace::open(&path).unwrap();
        assert_eq!(ws.sync_connections().unwrap(), SyncConnections::default());
        let saved = ws
            .save_sync_connections(
                &SyncConnections {
                    jira: JiraConnection {
                        url: " https://jira.example.com/ ".into(),
                        projects: vec!["ABC".into(), " ".into(), " OPS".into()],
                        email: Some("  ".into()),
                    },
                    github: GithubConnection {
                        api_url: "https://api.github.com".into(),
                        repos: vec!["acme/web".into()],
                    },
                },
                &clock(),
                "pm",
            )
            .unwrap();
        assert_eq!(saved.jira.url, "https://jira.example.com");
        assert_eq!(saved.jira.projects, ["ABC", "OPS"]);
        assert_eq!(saved.jira.email, None);
        drop(ws);
        let ws = Workspace::open(&path).unwrap();
        assert_eq!(ws.sync_connections().unwrap(), saved);

        let mut bad = saved.clone();
        bad.jira.url = "javascript:alert(1)".into();
        let err = ws.save_sync_connections(&bad, &clock(), "pm").unwrap_err();
        assert_eq!(err.code, switchyard_app::ErrorCode::InvalidInput);
        let mut bad = saved.clone();
        bad.github.repos = vec!["not-a-repo".into()];
        assert!(ws.save_sync_connections(&bad, &clock(), "pm").is_err());
        assert_eq!(
            ws.sync_connections().unwrap(),
            saved,
            "a refused save changes nothing"
        );

        // Without settings there is nothing to sync, and nothing is asked of the network.
        let err = run_sync(
            &path,
            &SyncConnections::default(),
            SyncTarget::Jira,
            &clock(),
            std::sync::Arc::new(|_| {}),
            &Cancel::default(),
        )
        .unwrap_err();
        assert_eq!(err.code, switchyard_app::ErrorCode::InvalidInput);
    }
}

#[test]
fn a_train_panel_overlays_its_next_releases_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&ws.export_json().unwrap()).unwrap();
    let web = doc["trains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Web")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut in_flight: Vec<(String, String)> = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["train_id"] == web
                && ["planned", "in_progress"].contains(&r["status"].as_str().unwrap())
                && r["archived"] == false
                && r["released"] == false
        })
        .map(|r| {
            (
                r["release_date"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    in_flight.sort();
    assert!(
        in_flight.len() > 4,
        "the demo's Web train has more in flight"
    );

    let view = ws.train_readiness(web, &clock(), 420, 300).unwrap();
    assert_eq!(view.train, "Web");
    assert_eq!(view.in_flight, in_flight.len() as u64);
    let shown: Vec<&str> = view.releases.iter().map(|r| r.name.as_str()).collect();
    let next: Vec<&str> = in_flight.iter().take(4).map(|(_, n)| n.as_str()).collect();
    assert_eq!(shown, next, "the next four by target date");
    assert!(view
        .releases
        .iter()
        .all(|r| (0.0..=100.0).contains(&r.percent_ready)));
    assert!(
        view.releases.iter().any(|r| r.percent_ready > 0.0),
        "the one in progress has work done: {:?}",
        view.releases
    );
    // Each bar shows where the release stands now, as its panel and report do.
    for r in &view.releases {
        let now = ws.release_now(&r.id.to_string(), &clock()).unwrap();
        assert_eq!(Some(r.percent_ready), now.percent_ready(), "{}", r.name);
    }

    // The chart names the train, has a line and a go/no-go marker labelled with the name
    // of each release shown, and nothing of the releases not shown.
    let svg = view.svg.unwrap();
    let texts: Vec<&str> = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</text>"))
        })
        .map(|(text, _)| text.trim())
        .collect();
    assert!(texts.contains(&"Readiness — Web"), "{texts:?}");
    for name in &next {
        let n = texts.iter().filter(|t| *t == name).count();
        assert_eq!(n, 2, "{name}: in the legend and at its go/no-go: {texts:?}");
    }
    for (_, name) in in_flight.iter().skip(4) {
        assert!(!texts.contains(&name.as_str()), "{name} is not drawn");
    }
    assert!(
        !texts.iter().any(|t| t.contains("Code freeze")),
        "only go/no-go is marked: {texts:?}"
    );

    let missing = ws.train_readiness(9999, &clock(), 420, 300).unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
}

#[test]
fn the_readiness_timeline_replays_the_checklist_history() {
    use switchyard_app::governance::ItemChange;
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    // A release a month out: its checklist is created now, nothing ticked by the demo after.
    let doc: serde_json::Value = serde_json::from_str(&ws.export_json().unwrap()).unwrap();
    let release = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "planned" && r["release_date"].as_str() > Some("2027-01-15"))
        .min_by_key(|r| r["release_date"].as_str().unwrap().to_owned())
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let at = |h: u32| FixedClock(Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap());
    let report = ws.readiness(&release, None, &at(9), "sam").unwrap();
    let manual = report
        .items
        .iter()
        .find(|i| i.kind == ItemKind::Manual && i.state == ItemState::Pending)
        .unwrap()
        .id
        .to_string();
    let change = |state: ItemState| ItemChange {
        item: manual.clone(),
        state,
        evidence_url: None,
        note: None,
        owner: None,
    };
    let ticked = ws
        .readiness(&release, Some(change(ItemState::Done)), &at(10), "sam")
        .unwrap();
    assert!(ticked.percent_ready > report.percent_ready);
    ws.readiness(&release, Some(change(ItemState::Pending)), &at(11), "sam")
        .unwrap();

    let t = ws.readiness_timeline(&release, &at(12)).unwrap();
    let points: Vec<(u32, f64)> = t.releases[0]
        .points
        .iter()
        // The report rounds to a tenth of a percent; the timeline keeps the exact share.
        .map(|p| {
            (
                chrono::Timelike::hour(&p.at),
                (p.percent * 10.0).round() / 10.0,
            )
        })
        .collect();
    let before = report.percent_ready;
    let up = ticked.percent_ready;
    assert!(
        points.ends_with(&[(10, up), (11, before)]),
        "ticked at 10, un-ticked at 11: {points:?} (before {before}, ticked {up})"
    );
}

/// The demo loaded just after midnight (UTC), then a person overrides a risk a minute
/// later: the demo's records of "today" must not outrank what the person did, and
/// "latest" means the last recorded, not the largest time.
#[test]
fn an_override_made_right_after_a_midnight_demo_load_is_kept() {
    // A Monday and a Sunday, just after midnight and just before the end of the day.
    for (day, h, m) in [(30, 0, 30), (29, 0, 30), (30, 6, 59), (29, 23, 59)] {
        let when = |min: i64| {
            FixedClock(
                Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap()
                    + chrono::Duration::minutes(min),
            )
        };
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &when(0)).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&ws.export_json().unwrap()).unwrap();
        // The next planned release the demo assessed below critical.
        let assessed: std::collections::HashMap<i64, &str> = doc["risk_assessments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["release_id"].as_i64().unwrap(),
                    a["class"].as_str().unwrap(),
                )
            })
            .collect();
        let release = doc["releases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "planned")
            .filter(|r| {
                assessed
                    .get(&r["id"].as_i64().unwrap())
                    .is_some_and(|c| *c != "critical")
            })
            .min_by_key(|r| r["release_date"].as_str().unwrap().to_owned())
            .unwrap()["name"]
            .as_str()
            .unwrap()
            .to_owned();
        let over = ws
            .assess_risk(
                &release,
                Some(RiskClass::Critical),
                Some("payment provider cut-over"),
                &when(1),
                "rita",
            )
            .unwrap();
        assert_eq!(over.class, RiskClass::Critical);
        let again = ws
            .assess_risk(&release, None, None, &when(2), "sam")
            .unwrap();
        assert_eq!(
            again.class,
            RiskClass::Critical,
            "{day} {h}:{m}: the override was lost"
        );
        assert_eq!(again.override_.unwrap().reason, "payment provider cut-over");
        // The checklist follows the class in force.
        let ready = ws.readiness(&release, None, &when(3), "sam").unwrap();
        assert!(
            ready.template.starts_with("critical-"),
            "{}",
            ready.template
        );
        // The calendar shows the same class.
        let cal = ws.calendar(&when(3), None, None).unwrap();
        let shown = find_named(&serde_json::to_value(&cal).unwrap(), &release).unwrap();
        assert_eq!(shown["risk_class"], "critical", "{shown}");
    }
}

/// The first object named `name` anywhere in `v`.
fn find_named(v: &serde_json::Value, name: &str) -> Option<serde_json::Value> {
    match v {
        serde_json::Value::Object(o) if o.get("name").and_then(|n| n.as_str()) == Some(name) => {
            Some(v.clone())
        }
        serde_json::Value::Object(o) => o.values().find_map(|x| find_named(x, name)),
        serde_json::Value::Array(a) => a.iter().find_map(|x| find_named(x, name)),
        _ => None,
    }
}

/// As loaded, the demo stores for every release in flight the risk and the rule items its
/// own records give: what every reader evaluates now equals what is stored.
#[test]
fn the_demo_stores_nothing_its_own_records_contradict() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let doc = ws.export().unwrap();
    let mut open = 0;
    for r in doc
        .releases
        .iter()
        .filter(|r| !r.released && r.status != ReleaseStatus::Cancelled)
    {
        let now = ws.release_now(&r.id.to_string(), &clock()).unwrap();
        assert_ne!(
            now.risk.id, 0,
            "{}: the stored risk is not the current one",
            r.name
        );
        let live = now.checklist.expect("a checklist");
        let stored = doc
            .checklists
            .iter()
            .find(|c| c.release_id == r.id)
            .expect("a stored checklist");
        assert_eq!(live.items.len(), stored.items.len(), "{}", r.name);
        for (l, s) in live.items.iter().zip(&stored.items) {
            assert_ne!(l.id, 0, "{}: {} is not stored", r.name, l.title);
            assert_eq!(
                (&l.state, &l.note),
                (&s.state, &s.note),
                "{}: {}",
                r.name,
                l.title
            );
        }
        open += 1;
    }
    assert!(open >= 10, "only {open} releases in flight");
    // Nothing stored is later than the load.
    let load = clock().now();
    for a in &doc.risk_assessments {
        assert!(a.assessed_at <= load);
    }
    for c in &doc.checklists {
        for i in &c.items {
            assert!(i.updated_at <= load);
        }
    }
}

/// The window (calendar and release panel), the release report, the evidence pack and
/// `readiness` show one risk class and one readiness for every release of the demo: the
/// one evaluated from the current data, not whatever was last stored. A sync that closes
/// every open issue after the load makes the stored rule states stale.
#[test]
fn every_reader_agrees_on_risk_and_readiness_for_every_demo_release() {
    use std::io::Read;
    use switchyard_app::reports::ReportFormat;
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    // What a sync would write: every issue done.
    let closed = ws
        .store()
        .conn()
        .execute(
            "UPDATE work_items SET status = 'Done', status_category = 'done'
              WHERE status_category <> 'done' AND kind <> 'pull_request'",
            [],
        )
        .unwrap();
    assert!(closed > 0);
    let doc = ws.export().unwrap();
    let today = clock().0.date_naive();
    let cal = ws
        .calendar(
            &clock(),
            Some(today - chrono::Days::new(400)),
            Some(today + chrono::Days::new(400)),
        )
        .unwrap();
    let shown: std::collections::BTreeMap<i64, (RiskClass, Option<f64>)> = cal
        .lanes
        .iter()
        .flat_map(|l| l.releases.iter())
        .map(|r| {
            (
                r.id,
                (r.risk_class.unwrap(), r.readiness.map(|x| x * 100.0)),
            )
        })
        .collect();
    let releases: Vec<_> = doc
        .releases
        .iter()
        .filter(|r| r.status != ReleaseStatus::Cancelled)
        .collect();
    assert_eq!(
        shown.len(),
        releases.len(),
        "every release is on the calendar"
    );

    let class = |a: &switchyard_app::core::RiskAssessment| a.override_class.unwrap_or(a.class);
    let pct = |items: &[switchyard_app::core::ChecklistItem]| {
        switchyard_app::core::readiness::percent_ready(items)
    };
    // The calendar carries a fraction, the reports a percent.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    let mut contradicted = 0;
    for r in &releases {
        let (cal_class, cal_pct) = shown[&r.id];
        let cal_pct = cal_pct.unwrap();
        // The stored state the window used to show.
        let stored_pct = doc
            .checklists
            .iter()
            .filter(|c| c.release_id == r.id)
            .max_by_key(|c| c.id)
            .map(|c| pct(&c.items));
        let stored_class = doc
            .risk_assessments
            .iter()
            .filter(|a| a.release_id == r.id)
            .max_by_key(|a| a.id)
            .map(class);
        if !stored_pct.is_some_and(|p| close(p, cal_pct)) || stored_class != Some(cal_class) {
            contradicted += 1;
        }

        let report = ws.release_report_of(&doc, r.id, &clock()).unwrap();
        assert_eq!(
            class(report.risk.as_ref().unwrap()),
            cal_class,
            "{}",
            r.name
        );
        let reported = pct(&report.checklist.as_ref().unwrap().items);
        assert!(close(reported, cal_pct), "{}: {reported} {cal_pct}", r.name);
        let md = String::from_utf8(
            ws.release_report(&clock(), &r.id.to_string(), ReportFormat::Markdown)
                .unwrap(),
        )
        .unwrap();
        assert!(
            md.contains(&format!("{cal_pct:.0}% ready")),
            "{}: {md}",
            r.name
        );

        let zip = ws.evidence_pack(&clock(), &r.id.to_string()).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut json = |name: &str| -> serde_json::Value {
            let mut s = String::new();
            z.by_name(&format!("evidence-release-{}/{name}", r.id))
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            serde_json::from_str(&s).unwrap()
        };
        let risk: switchyard_app::core::RiskAssessment =
            serde_json::from_value(json("risk.json")).unwrap();
        assert_eq!(class(&risk), cal_class, "{} evidence", r.name);
        let checks: switchyard_app::core::Checklist =
            serde_json::from_value(json("checks.json")["checklist"].clone()).unwrap();
        assert!(close(pct(&checks.items), cal_pct), "{} evidence", r.name);

        // The panel's readiness chart ends where the release stands.
        if !r.released {
            let t = ws.readiness_timeline(&r.id.to_string(), &clock()).unwrap();
            let last = t.releases[0].points.last().unwrap().percent;
            assert!(
                (last - cal_pct).abs() < 0.05,
                "{}: chart ends at {last}, not {cal_pct}",
                r.name
            );
        }
    }
    assert!(
        contradicted >= 5,
        "the demo's stored states differ from the current data for {contradicted} releases"
    );
    // `readiness` (the CLI's and the review's use case) says the same, after it writes.
    for r in &releases {
        let (cal_class, cal_pct) = shown[&r.id];
        let ready = ws
            .readiness(&r.id.to_string(), None, &clock(), "test")
            .unwrap();
        assert!(close(ready.percent_ready, cal_pct.unwrap()), "{}", r.name);
        assert_eq!(ready.go_no_go.risk_class, cal_class, "{}", r.name);
    }
    // And the window, asked again after those writes, still says the same.
    let again = ws
        .calendar(
            &clock(),
            Some(today - chrono::Days::new(400)),
            Some(today + chrono::Days::new(400)),
        )
        .unwrap();
    for r in again.lanes.iter().flat_map(|l| l.releases.iter()) {
        assert_eq!(r.risk_class.as_ref(), Some(&shown[&r.id].0), "{}", r.name);
    }
}

/// The window follows the file: a write from another connection (the CLI, a sync) moves
/// the version it polls; reading does not.
#[test]
fn the_workspace_version_moves_when_another_process_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    let window = Workspace::open_first_start(&path, &clock()).unwrap();
    let v1 = window.data_version().unwrap();
    window.calendar(&clock(), None, None).unwrap();
    assert_eq!(
        window.data_version().unwrap(),
        v1,
        "reading changes nothing"
    );
    let cli = Workspace::open(&path).unwrap();
    let release = cli.export().unwrap().releases[0].name.clone();
    cli.assess_risk(&release, None, None, &clock(), "cli")
        .unwrap();
    assert_ne!(
        window.data_version().unwrap(),
        v1,
        "the other write is seen"
    );
}

/// A planned or in-progress release whose date went by without shipping is overdue on the
/// calendar, in the train panel and in its report; nothing else is.
#[test]
fn past_due_releases_are_flagged_overdue_everywhere_they_appear() {
    use switchyard_app::reports::ReportFormat;
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    // Three weeks after the demo was loaded nobody has shipped anything: the releases
    // dated in those weeks are past due.
    let later = FixedClock(clock().0 + chrono::Duration::days(21));
    let today = later.0.date_naive();
    let doc = ws.export().unwrap();
    let late: Vec<_> = doc
        .releases
        .iter()
        .filter(|r| matches!(r.status.as_str(), "planned" | "in_progress"))
        .filter(|r| r.release_date.is_some_and(|d| d < today))
        .collect();
    let cal = ws
        .calendar(
            &later,
            Some(today - chrono::Days::new(400)),
            Some(today + chrono::Days::new(400)),
        )
        .unwrap();
    let mut flagged = 0;
    for r in cal.lanes.iter().flat_map(|l| l.releases.iter()) {
        let open = matches!(r.status.as_str(), "planned" | "in_progress");
        let expected = if open && r.release_date < today {
            (today - r.release_date).num_days()
        } else {
            0
        };
        assert_eq!(
            r.overdue_days, expected,
            "{} ({}, {})",
            r.name, r.status, r.release_date
        );
        flagged += usize::from(expected > 0);
    }
    assert_eq!(flagged, late.len());
    assert!(flagged >= 2, "{flagged} overdue");
    let r = late[0];
    let md = String::from_utf8(
        ws.release_report(&later, &r.id.to_string(), ReportFormat::Markdown)
            .unwrap(),
    )
    .unwrap();
    let days = (today - r.release_date.unwrap()).num_days();
    assert!(
        md.contains(&format!("{days} days past its date, not shipped")),
        "{md}"
    );
    // The train panel of its train flags it too.
    if let Some(train) = r.train_id {
        let panel = ws.train_readiness(train, &later, 420, 300).unwrap();
        let row = panel.releases.iter().find(|x| x.id == r.id).unwrap();
        assert_eq!(row.overdue_days, days);
    }
    // A shipped release's report says nothing of the kind.
    let shipped = doc.releases.iter().find(|r| r.released).unwrap();
    let md = String::from_utf8(
        ws.release_report(&later, &shipped.id.to_string(), ReportFormat::Markdown)
            .unwrap(),
    )
    .unwrap();
    assert!(!md.contains("not shipped"), "{md}");
}

/// The window may ask to show a file the export dialog saved, and nothing else.
#[test]
fn only_a_saved_export_can_be_shown_in_the_file_manager() {
    use switchyard_app::saved::{saved_file_in, ExportRequest};
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    let out = dir.path().join("downloads");
    let saved = ws
        .save_export(&clock(), &ExportRequest::ReleasesCsv, &out)
        .unwrap();
    let ok = saved_file_in(&out, &saved.path).unwrap();
    assert_eq!(ok, std::fs::canonicalize(&saved.path).unwrap());
    let refused = |p: &str| saved_file_in(&out, p).unwrap_err().code;
    // Outside the folder, through `..`, the folder itself, missing, or not ours.
    assert_eq!(
        refused(dir.path().join("ws.sqlite3").to_str().unwrap()),
        ErrorCode::InvalidInput
    );
    let sneaky = out.join("..").join("ws.sqlite3");
    assert_eq!(refused(sneaky.to_str().unwrap()), ErrorCode::InvalidInput);
    assert_eq!(refused(out.to_str().unwrap()), ErrorCode::InvalidInput);
    assert_eq!(
        refused(out.join("switchyard-nothing.csv").to_str().unwrap()),
        ErrorCode::InvalidInput
    );
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    assert_eq!(
        refused(out.join("notes.txt").to_str().unwrap()),
        ErrorCode::InvalidInput
    );
}

/// What imports killed before they ended left beside the workspace (`.NAME.import-PID` and
/// its WAL) is removed by the next import when that process is gone; a running process's
/// file is left alone.
#[cfg(target_os = "linux")]
#[test]
fn an_import_removes_what_killed_imports_left_beside_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.sqlite3");
    // No process has this id (Linux's pid_max is at most 2^22); PID 1 always runs.
    let dead = [
        ".ws.sqlite3.import-2147483646",
        ".ws.sqlite3.import-2147483646-wal",
    ];
    let alive = ".ws.sqlite3.import-1";
    let other = ".other.sqlite3.import-2147483646";
    for f in dead.iter().chain([&alive, &other]) {
        std::fs::write(dir.path().join(f), b"left by a killed import").unwrap();
    }
    let mut source = Workspace::open(&dir.path().join("source.sqlite3")).unwrap();
    source.load_demo(&clock()).unwrap();
    let doc = source.export_json().unwrap();
    Workspace::import_into(&path, &doc).unwrap();
    assert!(path.exists());
    for f in dead {
        assert!(!dir.path().join(f).exists(), "{f} is still there");
    }
    assert!(
        dir.path().join(alive).exists(),
        "a running process's file was removed"
    );
    assert!(
        dir.path().join(other).exists(),
        "another workspace's file was removed"
    );
}
