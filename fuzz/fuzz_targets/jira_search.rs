//! A Jira answer as raw bytes through the sync's own page readers (`switchyard_sync::jira::pages`):
//! an issue search page (Cloud and Data Center), a versions page and a bulk changelog page.
//! Each is read into rows or refused with `BadResponse`, never a panic; the rows keep the
//! promises of the property test `any_jira_search_page_is_read_or_refused`
//! (crates/sync/src/props.rs).
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use switchyard_sync::jira::{pages, Deployment, JiraOptions};
use switchyard_sync::SyncError;

const BASE: &str = "https://acme.atlassian.net";

fn refused(e: &SyncError) {
    assert!(matches!(e, SyncError::BadResponse { .. }), "{e:?}");
}

fuzz_target!(|bytes: &[u8]| {
    let opts = JiraOptions::new(BASE, vec!["ABC".into()]);
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    for deployment in [Deployment::Cloud, Deployment::DataCenter] {
        match pages::search(bytes, "ABC", &opts, deployment, BASE, now) {
            Ok(rows) => {
                for r in rows {
                    assert!(!r.key.trim().is_empty());
                    assert_eq!(r.url, format!("{BASE}/browse/{}", r.key));
                    if let Some(t) = &r.transitions {
                        assert!(t.windows(2).all(|w| w[0].at <= w[1].at));
                    }
                    assert_eq!(r.description.trim(), r.description.as_str());
                }
            }
            Err(e) => refused(&e),
        }
    }
    if let Err(e) = pages::versions(bytes, "ABC") {
        refused(&e);
    }
    if let Err(e) = pages::changelogs(bytes) {
        refused(&e);
    }
});
